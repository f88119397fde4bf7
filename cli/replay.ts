/**
 * `batch-job-log replay`: pushes Batch events through the rule and the exact Lambda the program
 * deploys, onto an embedded DynamoDB (or any DynamoDB-compatible endpoint), and shows what the
 * table ends up holding. Argument parsing and printing only; the work is in twin/.
 *
 * The arguments are parsed, and --help and usage errors answered, before anything loads Pulumi or
 * dynalite: the twin's engine, which does, is required only once a replay is certain to run.
 */
import * as path from "path";
import { parseArgs } from "util";
import { readEvents } from "../twin/events-input";
import { findProjectRoot } from "../twin/lambda";
import {
  DEFAULT_STACK,
  parseConfigOverrides,
  readStackConfig,
  STACK_NAME,
} from "../twin/stack-config";
import { progressBar } from "./progress";
import { formatErrors, formatJobsTable, formatSummary, replayDocument } from "./replay-report";
import { EXIT_FAILED, EXIT_OK, oneLine, UsageError, type Command } from "./io";
import { runPulumi } from "./lookup/pulumi-cli";

/** Failures listed in the human output; `--json` has them all. */
export const MAX_ERRORS_SHOWN = 20;

/** Inputs shorter than this replay in about a second: no progress bar. */
export const PROGRESS_MIN_EVENTS = 200;

/** What `replay` reads without a path: the shipped sample, relative to the project root. */
export const SAMPLE_EVENTS = path.join("samples", "events.jsonl");

/** Loads Pulumi, the AWS SDK and dynalite: required after parsing. */
function replayEngine(): typeof import("../twin/replay-engine") {
  return require("../twin/replay-engine");
}

export const REPLAY_USAGE = `Usage: batch-job-log replay [PATH ...] [options]

Replays AWS Batch events through the EventBridge rule and the exact Lambda this program deploys
(evaluated offline under Pulumi mocks), writing to an embedded DynamoDB, then shows the table.

PATH: .json files (one event or an array), .jsonl files (one event per line), or folders of them.
Without PATH: the shipped sample, ${SAMPLE_EVENTS}.

Options:
  --json              print one JSON document {summary, records, errors} on stdout
  --endpoint URL      write to this DynamoDB-compatible endpoint instead of embedded dynalite
  --table NAME        table name (default batch-job-log-<stack>); created if missing
  --region R          the stack's region and the DynamoDB client's (default: aws:region)
  --stack NAME        read Pulumi.<NAME>.yaml (default: the stack \`pulumi stack --show-name\`
                      prints in the project folder, else ${DEFAULT_STACK})
  --config key=value  override a stack config value (repeatable), e.g. --config 'statuses=["RUNNING","FAILED"]'
  -h, --help          show this help

Exit status: 0 every matched event was recorded (or already was), 1 some failed, 2 usage error.
`;

/**
 * The stack whose config the program is evaluated with: --stack; else the stack the Pulumi CLI
 * has selected in the project folder (`pulumi stack --show-name`); else, when the CLI is missing,
 * fails (no stack selected, not logged in) or prints no stack name, the default stack. Only a
 * --stack must have its Pulumi.<stack>.yaml (`explicit`): Pulumi itself reads a stack without
 * that file as one without config.
 */
export async function replayStack(
  flag: string | undefined,
  projectRoot: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ name: string; explicit: boolean }> {
  if (flag !== undefined) return { name: flag, explicit: true };
  const { value } = await runPulumi(["stack", "--show-name"], projectRoot, env);
  if (value !== undefined && STACK_NAME.test(value)) return { name: value, explicit: false };
  return { name: DEFAULT_STACK, explicit: false };
}

export const replay: Command = async (argv, io) => {
  const options = parseOptions(argv);
  if (options.help) {
    io.stdout.write(REPLAY_USAGE);
    return EXIT_OK;
  }
  const projectRoot = findProjectRoot();
  const paths = options.paths.length > 0 ? options.paths : [path.join(projectRoot, SAMPLE_EVENTS)];
  const events = readEvents(paths, io.cwd);

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

  let result;
  let records;
  try {
    const progress =
      events.length >= PROGRESS_MIN_EVENTS
        ? progressBar(io.stderr, "replaying", { unit: "events" })
        : undefined;
    result = await twin.replay(events, {
      onProgress: (done, total) => progress?.update(done, total),
    });
    progress?.clear();
    records = await twin.items();
  } finally {
    await twin.close();
  }

  if (options.json) {
    io.stdout.write(
      JSON.stringify(replayDocument(result.summary, records, result.errors), null, 2) + "\n",
    );
  } else {
    const where = twin.embedded ? "embedded dynalite" : twin.endpoint;
    io.stdout.write(
      [
        `Replayed ${events.length} events through the rule and Lambda of stack ` +
          `${stack.name} (table ${twin.tableName} on ${where}):`,
        formatSummary(result.summary),
        "",
        `${records.length} jobs in the table:`,
        formatJobsTable(records),
        "",
      ].join("\n"),
    );
    if (result.errors.length > 0) {
      const shown = result.errors.slice(0, MAX_ERRORS_SHOWN);
      const more = result.errors.length - shown.length;
      io.stderr.write(
        `${result.errors.length} events failed:\n${formatErrors(shown)}\n` +
          (more > 0 ? `  ... and ${more} more (--json lists them all)\n` : ""),
      );
    }
  }
  return result.summary.failed > 0 ? EXIT_FAILED : EXIT_OK;
};

interface ReplayOptions {
  readonly paths: string[];
  readonly json: boolean;
  readonly help: boolean;
  readonly endpoint?: string;
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
    table: values.table,
    region: values.region,
    stack: values.stack,
    config: values.config ?? [],
  };
}
