/**
 * What the lookup commands share at run time: the injectable dependencies (for tests), opening
 * the table from the common flags, and the guard that turns any failure into one line.
 */
import type { CommandSender } from "../../handler/store";
import { EXIT_FAILED, UsageError, type CliIO } from "../io";
import { createTableClient, resolveRegion } from "./clients";
import { describeError, type ErrorContext } from "./errors";
import { resolveTableName, type CommonOptions, type PulumiStackOutput } from "./options";
import { JobTable } from "./table";

/** Seams for tests; every field has a real default. */
export interface LookupDeps {
  /** `pulumi stack output tableName`, used when neither --table nor BATCH_JOB_LOG_TABLE is set. */
  readonly stackOutput?: PulumiStackOutput;
  /** Clock (epoch ms) for --since. */
  readonly now?: () => number;
  /** `logs --follow`: the wait between polls, and how to wait (resolves early on abort). */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface OpenedTable {
  readonly table: JobTable;
  /** The table's document client (the handler's writer takes it). */
  readonly client: CommandSender;
  readonly region?: string;
}

/** What a command learns of its table as it runs: for messages, and what to release at the end. */
interface TableContext extends ErrorContext {
  tableName?: string;
  region?: string;
  /** Stops what openTable started (the dynalite of --db); `guard` calls it. */
  release?: () => Promise<void>;
}

/**
 * The job table named by the flags (or the environment, or the Pulumi stack); with --db, the
 * table kept in that folder, served until the command ends.
 */
export async function openTable(
  common: CommonOptions,
  io: CliIO,
  deps: LookupDeps,
  context: TableContext,
): Promise<OpenedTable> {
  const region = resolveRegion(common, io);
  context.region = region;
  if (common.db !== undefined) {
    const { openDbTable }: typeof import("../local-db") = require("../local-db");
    const local = await openDbTable(common.db, {
      cwd: io.cwd,
      env: io.env,
      table: common.table,
      region,
    });
    context.tableName = local.tableName;
    context.release = local.close;
    return { table: new JobTable(local.tableName, local.client), client: local.client, region };
  }
  const tableName = await resolveTableName(common, io, deps.stackOutput);
  context.tableName = tableName;
  const client = createTableClient(region, common.endpoint);
  return { table: new JobTable(tableName, client), client, region };
}

/**
 * Runs a command body; a UsageError goes to the dispatcher (exit 2), anything else is printed
 * as `batch-job-log <name>: <one line>` and exits 1. The body fills `context` as it learns the
 * table and region, so that messages can name them.
 */
export async function guard(
  name: string,
  io: CliIO,
  body: (context: TableContext) => Promise<number>,
): Promise<number> {
  const context: TableContext = {};
  try {
    return await body(context);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr.write(`batch-job-log ${name}: ${describeError(error, context)}\n`);
    return EXIT_FAILED;
  } finally {
    await context.release?.();
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
