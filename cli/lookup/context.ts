/**
 * What the lookup commands share at run time: the injectable dependencies (for tests), opening
 * the table from the common options, and the guard that turns any failure into one line and
 * releases what the command opened.
 */
import * as path from "path";
import type { CommandSender } from "../../record";
import { EXIT_FAILED, UsageError, type CliIO } from "../io";
import type { CommonOptions } from "../options";
import { awsSettings, createTableClient, type AwsSettings } from "./clients";
import { logAccess, type LogAccess } from "./log-access";
import { describeError, type ErrorContext } from "./errors";
import { resolveTableName, type PulumiStackOutput } from "./options";
import { JobFinder } from "./jobs";
import { liveBatch } from "./live";
import { JobTable } from "./table";

/** Seams for tests; every field has a real default. */
export interface LookupDeps {
  /** `pulumi stack output tableName`, used when neither --table nor BATCH_JOB_LOG_TABLE is set. */
  readonly stackOutput?: PulumiStackOutput;
  /** Clock (epoch ms) for --since. */
  readonly now?: () => number;
  /** How to wait: between polls, and before retrying a throttled call (resolves early on abort). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The jitter of backoffs, in [0, 1). */
  readonly random?: () => number;
  /** `search`: whether stdin is a terminal (a question may be asked), and how to ask it. */
  readonly stdinIsTTY?: boolean;
  readonly ask?: (question: string) => Promise<string>;
}

export interface OpenedTable {
  readonly table: JobTable;
  /** The table's document client (the handler's writer takes it). */
  readonly client: CommandSender;
  /** What the command's other AWS clients (CloudWatch Logs, Batch) are made with. */
  readonly aws: AwsSettings;
}

/** What a command body learns as it goes (for its messages), and what it must release. */
export interface RunContext extends ErrorContext {
  readonly command: string;
  tableName?: string;
  region?: string;
  db?: string;
  /** Run by `guard` once the body is done, whatever happened. */
  readonly cleanup: (() => Promise<void>)[];
}

/**
 * The job table the options name: with --db, the table kept in that folder (cli/local-db.ts:
 * dynalite on the folder, dummy credentials, served until `guard` ends the command); else on
 * DynamoDB with the command's AWS settings, after checking --profile.
 */
export async function openTable(
  common: CommonOptions,
  io: CliIO,
  deps: LookupDeps,
  context: RunContext,
  /** With --db, write the folder itself (`backfill`), not a copy of it. */
  write = false,
): Promise<OpenedTable> {
  const aws = await awsSettings(context.command, common, io);
  if (common.db !== undefined) {
    context.db = common.db;
    const { openDbTable }: typeof import("../local-db") = require("../local-db");
    const local = await openDbTable(common.db, {
      cwd: io.cwd,
      env: io.env,
      table: common.table,
      region: aws.region,
      write,
    });
    context.cleanup.push(local.close);
    context.tableName = local.tableName;
    return { table: new JobTable(local.tableName, local.client), client: local.client, aws };
  }
  const tableName = await resolveTableName(common, io, deps.stackOutput);
  context.tableName = tableName;
  context.region = aws.region;
  const client = createTableClient(aws);
  return { table: new JobTable(tableName, client), client, aws };
}

/** The name of the log store `replay --db DIR` keeps beside the table. */
export const DB_LOGS_FILE = "logs.jsonl";

/** The jobs a replay with --db left unfinished, which the local Batch endpoint serves. */
export const DB_BATCH_FILE = "batch.jsonl";

/**
 * The finder of the jobs a command is given (cli/lookup/jobs.ts): the table, then Batch; with
 * --db the local Batch endpoint serving DIR/batch.jsonl, started on the first question (stopped
 * by `guard`). Its notes go to stderr.
 */
export function jobFinder(
  common: CommonOptions,
  opened: OpenedTable,
  io: CliIO,
  deps: LookupDeps,
  context: RunContext,
): JobFinder {
  const now = deps.now ?? Date.now;
  let local: Promise<{ readonly endpoint: string }> | undefined;
  const batchIn = async (region?: string) => {
    if (common.db === undefined) return liveBatch({ aws: opened.aws, region, now });
    local ??= startDbBatch(common.db, io, context);
    return liveBatch({ aws: opened.aws, region, local: await local, now });
  };
  return new JobFinder(opened.table, batchIn, (text) => io.stderr.write(`note: ${text}\n`));
}

/** The local Batch endpoint of --db DIR, serving DIR/batch.jsonl (stopped by `guard`). */
export async function startDbBatch(
  db: string,
  io: CliIO,
  context: RunContext,
): Promise<{ readonly endpoint: string }> {
  const { startLocalBatch } =
    require("../../twin/batch-local") as typeof import("../../twin/batch-local");
  const served = await startLocalBatch(path.resolve(io.cwd, db, DB_BATCH_FILE));
  context.cleanup.push(() => served.close());
  return served;
}

/**
 * How the command reads CloudWatch Logs: with --db, from the local endpoint serving
 * DIR/logs.jsonl (started here, stopped by `guard`); else with the AWS settings, --role-arn for
 * other accounts' groups.
 */
export async function openLogAccess(
  common: CommonOptions,
  aws: AwsSettings,
  roleArn: string | undefined,
  io: CliIO,
  context: RunContext,
): Promise<LogAccess> {
  if (common.db === undefined) return logAccess({ aws, roleArn });
  // The local endpoint loads only for --db.
  const { startLocalLogs } =
    require("../../twin/logs-local") as typeof import("../../twin/logs-local");
  const file = path.join(common.db, DB_LOGS_FILE);
  const local = await startLocalLogs(path.resolve(io.cwd, file));
  context.cleanup.push(() => local.close());
  return logAccess({ aws, local: { endpoint: local.endpoint, file, exists: local.exists } });
}

/**
 * Runs a command body; a UsageError goes to the dispatcher (exit 2), anything else is printed
 * as `batch-job-log <command>: <one line>` and exits 1. The body fills `context` as it learns the
 * table and region, so that messages can name them. What the body opened is released after.
 */
export async function guard(
  command: string,
  io: CliIO,
  body: (context: RunContext) => Promise<number>,
): Promise<number> {
  const context: RunContext = { command, cleanup: [] };
  try {
    return await body(context);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr.write(`batch-job-log ${command}: ${describeError(error, context)}\n`);
    return EXIT_FAILED;
  } finally {
    for (const release of context.cleanup.reverse()) await release();
  }
}

/** setTimeout that resolves early when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The folder `replay --db DIR` keeps the archive's bucket in (s3rver's files). */
export const DB_ARCHIVE_DIR = "archive";

/**
 * How the command reads the S3 archive: with --db, from a local S3 server on DIR/archive
 * (started here, stopped by `guard`), whose jobs are of the local account; else with the AWS
 * settings, the bucket of --archive-bucket or the stack's rule, a record without an account
 * being the caller's (`callerAccount`).
 */
export async function openArchive(
  common: CommonOptions,
  aws: AwsSettings,
  bucket: string | undefined,
  io: CliIO,
  context: RunContext,
  callerAccount?: () => Promise<string | undefined>,
): Promise<import("./archive").ArchiveReader> {
  const { ArchiveReader }: typeof import("./archive") = require("./archive");
  if (common.db === undefined) {
    return new ArchiveReader({ aws, bucket, defaultAccount: callerAccount });
  }
  const {
    LOCAL_ACCOUNT,
  }: typeof import("../../twin/logs-local") = require("../../twin/logs-local");
  const dir = path.resolve(io.cwd, common.db, DB_ARCHIVE_DIR);
  // The local S3 server starts on the first request: --source auto reads CloudWatch Logs first.
  let started: Promise<string> | undefined;
  const localEndpoint = () =>
    (started ??= (async () => {
      const local: typeof import("../../twin/archive-local") = require("../../twin/archive-local");
      const s3 = await local.startLocalS3(dir);
      context.cleanup.push(() => s3.close());
      return s3.endpoint;
    })());
  return new ArchiveReader({
    aws,
    bucket,
    localEndpoint,
    defaultAccount: async () => LOCAL_ACCOUNT,
  });
}

/** The environment variable that names the archive bucket, as --archive-bucket does. */
export const ARCHIVE_BUCKET_ENV = "BATCH_JOB_LOG_ARCHIVE_BUCKET";

/**
 * The archive `logs` and `search` read, if any: always for --source archive; for auto only when
 * one is known (--archive-bucket, $BATCH_JOB_LOG_ARCHIVE_BUCKET, or --db DIR whose replay kept an
 * archive in DIR/archive), so that a stack without an archive costs no S3 call; never for
 * cloudwatch.
 */
export async function archiveForSource(
  common: CommonOptions,
  aws: AwsSettings,
  source: string,
  bucketOption: string | undefined,
  io: CliIO,
  context: RunContext,
): Promise<import("./archive").ArchiveReader | undefined> {
  if (source === "cloudwatch") return undefined;
  const bucket = bucketOption ?? io.env[ARCHIVE_BUCKET_ENV];
  const local =
    common.db !== undefined &&
    require("fs").existsSync(path.resolve(io.cwd, common.db, DB_ARCHIVE_DIR));
  if (source === "auto" && bucket === undefined && !local) return undefined;
  return openArchive(common, aws, bucket, io, context);
}
