/**
 * `batch-job-log replay`: pushes Batch events through the rule and the exact Lambda the program
 * deploys, onto an embedded DynamoDB (in memory, or kept in a folder with --db DIR) or any
 * DynamoDB-compatible endpoint, and shows what the table ends up holding. The input is streamed
 * (files, folders, standard input) and the table read back page by page, so neither is held
 * whole. Argument parsing and printing only; the work is in twin/ and cli/replay-report.ts.
 *
 * The arguments are parsed, and --help and usage errors answered, before anything loads Pulumi or
 * dynalite: the twin's engine, which does, is required only once a replay is certain to run.
 */
import * as path from "path";
import { parseArgs } from "util";
import { openEvents, STDIN_PATH, type EventInput } from "../twin/events-input";
import { findProjectRoot } from "../twin/lambda";
import { DEFAULT_STACK, parseConfigOverrides, readStackConfig } from "../twin/stack-config";
import { progressBar } from "./progress";
import {
  digestJobs,
  formatErrors,
  formatJobs,
  formatSummary,
  nextStep,
  writeReplayDocument,
  type TableWhere,
} from "./replay-report";
import { counted, EXIT_FAILED, EXIT_OK, oneLine, UsageError, type CliIO, type Command } from "./io";
import { checkDbOrEndpoint, dbFolderToWrite } from "./local-db";
import { replayStack } from "./stack";

/** Inputs smaller than this replay in about a second: no progress bar. */
export const PROGRESS_MIN_BYTES = 256 * 1024;

/** What `replay` reads without a path: the shipped sample, relative to the project root. */
export const SAMPLE_EVENTS = path.join("samples", "events.jsonl");

/** Loads Pulumi, the AWS SDK and dynalite: required after parsing. */
function replayEngine(): typeof import("../twin/replay-engine") {
  return require("../twin/replay-engine");
}

export const REPLAY_USAGE = `Usage: batch-job-log replay [PATH ...] [options]

Replays AWS Batch events through the EventBridge rule and the exact Lambda this program deploys
(evaluated offline under Pulumi mocks), writing to an embedded DynamoDB, then shows the table.

PATH: .json files (one event or an array), .jsonl files (one event per line), folders of them,
or - for standard input (JSON Lines). Without PATH: the shipped sample, ${SAMPLE_EVENTS}.

Options:
  --db DIR            keep the table in the folder DIR (made if missing; replaying again adds
                      to it); then \`batch-job-log show JOB_ID --db DIR\` reads it
  --json              print one JSON document {summary, records, errors} on stdout
  --endpoint URL      write to this DynamoDB-compatible endpoint instead of embedded dynalite
  --table NAME        table name (default batch-job-log-<stack>); created if missing
  --region R          the stack's region and the DynamoDB client's (default: aws:region)
  --stack NAME        read Pulumi.<NAME>.yaml (default: the stack \`pulumi stack --show-name\`
                      prints in the project folder, else ${DEFAULT_STACK})
  --config key=value  override a stack config value (repeatable), e.g. --config 'statuses=["RUNNING","FAILED"]'
  -h, --help          show this help

Examples:
  batch-job-log replay --db .sample-db
  batch-job-log replay events/ --db .replay-db && batch-job-log show JOB_ID --db .replay-db
  zcat events.jsonl.gz | batch-job-log replay - --json > table.json

Exit status: 0 every event was recorded (or already was), 1 some input was not an event or
some event failed (the others are still recorded), 2 usage error.
`;

export const replay: Command = async (argv, io) => {
  const options = parseOptions(argv);
  if (options.help) {
    io.stdout.write(REPLAY_USAGE);
    return EXIT_OK;
  }
  checkDbOrEndpoint(options.db, options.endpoint);
  const projectRoot = findProjectRoot();
  const paths = options.paths.length > 0 ? options.paths : [path.join(projectRoot, SAMPLE_EVENTS)];
  // Every path is checked before anything is replayed: a usage error costs no replay.
  const input = openEvents(paths, io.cwd, paths.includes(STDIN_PATH) ? io.stdin : undefined);
  const dbPath = options.db === undefined ? undefined : dbFolderToWrite(options.db, io.cwd);

  const stack = await replayStack(options.stack, projectRoot, io.env);
  const config = {
    ...readStackConfig(projectRoot, stack.name, stack.explicit),
    ...parseConfigOverrides(options.config),
    ...(options.region ? { "aws:region": options.region } : {}),
  };
  const { startTwin } = replayEngine();
  const twin = await startTwin({
    projectRoot,
    stack: stack.name,
    config,
    endpoint: options.endpoint,
    dbPath,
    tableName: options.table,
    region:
      options.region ?? config["aws:region"] ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
    env: io.env,
  }).catch((error: unknown) => {
    // An invalid stack config value is the caller's mistake, like an unknown flag.
    if ((error as { name?: string }).name === "ConfigError")
      throw new UsageError(oneLine((error as Error).message));
    throw error;
  });

  try {
    const progress = replayProgress(io.stderr, input);
    let result;
    try {
      result = await twin.replay(input.items(), { onProgress: progress.step });
    } finally {
      progress.end();
    }
    const { summary, errors } = result;
    const status = summary.failed + summary.invalid > 0 ? EXIT_FAILED : EXIT_OK;
    if (options.json) {
      await writeReplayDocument(io.stdout, summary, errors, twin.pages());
      return status;
    }
    const jobs = await digestJobs(twin.pages());
    io.stdout.write(formatJobs(jobs) + "\n\n");
    if (errors.length > 0) io.stderr.write(formatErrors(summary, errors) + "\n\n");
    const where = !twin.embedded
      ? twin.endpoint
      : options.db === undefined
        ? "embedded dynalite"
        : `embedded dynalite, kept in ${options.db}`;
    const next = nextStep(jobs.rows, tableWhere(options, twin.tableName));
    io.stdout.write(
      [
        `Replayed ${counted(summary.read - summary.invalid, "event")} through the rule and Lambda of stack ` +
          `${stack.name} (table ${twin.tableName} on ${where}):`,
        formatSummary(summary),
        ...(next === undefined ? [] : [next]),
        "",
      ].join("\n"),
    );
    return status;
  } finally {
    await twin.close();
  }
};

/** Where the replayed table is for the lookups that would read it. */
function tableWhere(options: ReplayOptions, tableName: string): TableWhere {
  if (options.db !== undefined) {
    // The lookups' --db default is the table of the stack replay picks without --stack.
    const named = options.table !== undefined || options.stack !== undefined;
    return { kind: "db", dir: options.db, table: named ? tableName : undefined };
  }
  if (options.endpoint !== undefined) {
    return { kind: "endpoint", endpoint: options.endpoint, table: tableName };
  }
  return { kind: "gone" };
}

/**
 * The progress bar on stderr, on a terminal: of the bytes read when the input's size is known
 * (files), else of the events read (standard input).
 */
function replayProgress(
  stderr: CliIO["stderr"],
  input: EventInput,
): { step: (done: number) => void; end: () => void } {
  const total = input.totalBytes;
  if (total !== undefined && total < PROGRESS_MIN_BYTES) return { step() {}, end() {} };
  const bar =
    total === undefined
      ? progressBar(stderr, "replaying")
      : progressBar(stderr, "replaying", { unit: "MB", format: (n) => (n / 1e6).toFixed(1) });
  return {
    step: (done) =>
      total === undefined
        ? bar.note(`${counted(done, "event")} read`)
        : bar.update(input.bytesRead(), total),
    end: () => bar.clear(),
  };
}

interface ReplayOptions {
  readonly paths: string[];
  readonly json: boolean;
  readonly help: boolean;
  readonly endpoint?: string;
  readonly db?: string;
  readonly table?: string;
  readonly region?: string;
  readonly stack?: string;
  readonly config: string[];
}

/** Strict parsing: an unknown flag or a missing value is a UsageError (exit status 2). */
export function parseOptions(argv: readonly string[]): ReplayOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean", default: false },
        endpoint: { type: "string" },
        db: { type: "string" },
        table: { type: "string" },
        region: { type: "string" },
        stack: { type: "string" },
        config: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    // One line, like the lookups' errors: parseArgs' message names the flag ("Unknown option '--x'").
    throw new UsageError(oneLine((error as Error).message));
  }
  const { values, positionals } = parsed;
  if (values.endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(values.endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new UsageError(`--endpoint "${values.endpoint}": expected an http:// or https:// URL.`);
    }
  }
  if (values.table !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(values.table)) {
    throw new UsageError(
      `--table "${values.table}": a DynamoDB table name has 3 to 255 letters, digits, "_", "-" or ".".`,
    );
  }
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) {
    throw new UsageError(`--region "${values.region}": expected a region such as us-east-1.`);
  }
  return {
    paths: positionals,
    json: values.json ?? false,
    help: values.help ?? false,
    endpoint: values.endpoint,
    db: values.db,
    table: values.table,
    region: values.region,
    stack: values.stack,
    config: values.config ?? [],
  };
}
