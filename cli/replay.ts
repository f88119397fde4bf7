/**
 * `batch-job-log replay`: pushes Batch events through the rule and the exact Lambda the program
 * deploys, onto an embedded DynamoDB (or any DynamoDB-compatible endpoint), and shows what the
 * table ends up holding. Argument parsing and printing only; the work is in twin/.
 *
 * The arguments are parsed, and --help and usage errors answered, before anything loads Pulumi or
 * dynalite: the twin's engine, which does, is required only once a replay is certain to run.
 */
import * as fs from "fs";
import * as path from "path";
import { readEvents } from "../twin/events-input";
import { findProjectRoot } from "../twin/lambda";
import {
  DEFAULT_STACK,
  parseConfigOverrides,
  readStackConfig,
  STACK_NAME,
} from "../twin/stack-config";
import { REPLAY } from "./commands";
import { EXIT_FAILED, EXIT_OK, oneLine, UsageError, type Command } from "./io";
import { checkProfile } from "./lookup/clients";
import { plural } from "./lookup/format";
import { runPulumi } from "./lookup/pulumi-cli";
import { helpText, parseCommand } from "./options";
import { progressBar } from "./progress";
import { formatErrors, formatJobsTable, formatSummary, replayDocument } from "./replay-report";

/** Failures listed in the human output; `--json` has them all. */
export const MAX_ERRORS_SHOWN = 20;

/** Inputs shorter than this replay in about a second: no progress bar. */
export const PROGRESS_MIN_EVENTS = 200;

/** What `replay` reads without a path: the shipped sample, relative to the project root. */
export const SAMPLE_EVENTS = path.join("samples", "events.jsonl");
/** What the sample's jobs printed, copied into DIR by `replay --db DIR` of the sample. */
export const SAMPLE_LOGS = path.join("samples", "logs.jsonl");

/** Loads Pulumi, the AWS SDK and dynalite: required after parsing. */
function replayEngine(): typeof import("../twin/replay-engine") {
  return require("../twin/replay-engine");
}

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
  const parsed = parseCommand(REPLAY, argv);
  if (parsed.help) {
    io.stdout.write(helpText(REPLAY));
    return EXIT_OK;
  }
  const { values, args, common } = parsed;
  const projectRoot = findProjectRoot();
  const paths = args.PATH.length > 0 ? args.PATH : [path.join(projectRoot, SAMPLE_EVENTS)];
  const events = readEvents(paths, io.cwd);
  if (common.profile !== undefined) await checkProfile(REPLAY.name, common.profile, io.env);

  const stack = await replayStack(values.stack, projectRoot, io.env);
  const config = {
    ...readStackConfig(projectRoot, stack.name, stack.explicit),
    ...parseConfigOverrides(values.config),
    ...(common.region ? { "aws:region": common.region } : {}),
  };
  const db = common.db === undefined ? undefined : await openDb(path.resolve(io.cwd, common.db));
  // The shipped sample's log events go beside its table, for `logs` and `search --db DIR`.
  if (db && args.PATH.length === 0) {
    fs.copyFileSync(
      path.join(projectRoot, SAMPLE_LOGS),
      path.resolve(io.cwd, common.db as string, "logs.jsonl"),
    );
  }
  const { startTwin } = replayEngine();
  const twin = await startTwin({
    projectRoot,
    stack: stack.name,
    config,
    endpoint: db?.endpoint ?? common.endpoint,
    profile: common.profile,
    tableName: common.table,
    region: common.region ?? config["aws:region"] ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
    env: io.env,
  }).catch(async (error: unknown) => {
    await db?.close();
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
    await db?.close();
  }

  if (common.json) {
    io.stdout.write(
      JSON.stringify(replayDocument(result.summary, records, result.errors), null, 2) + "\n",
    );
  } else {
    const where = db
      ? `embedded dynalite in ${common.db}`
      : twin.embedded
        ? "embedded dynalite"
        : twin.endpoint;
    io.stdout.write(
      [
        `Replayed ${plural(events.length, "event")} through the rule and Lambda of stack ` +
          `${stack.name} (table ${twin.tableName} on ${where}):`,
        formatSummary(result.summary),
        "",
        `${plural(records.length, "job")} in the table:`,
        formatJobsTable(records),
        "",
      ].join("\n"),
    );
    if (result.errors.length > 0) {
      const shown = result.errors.slice(0, MAX_ERRORS_SHOWN);
      const more = result.errors.length - shown.length;
      io.stderr.write(
        `${plural(result.errors.length, "event")} failed:\n${formatErrors(shown)}\n` +
          (more > 0 ? `  ... and ${more} more (--json lists them all)\n` : ""),
      );
    }
  }
  return result.summary.failed > 0 ? EXIT_FAILED : EXIT_OK;
};

/**
 * dynalite keeping its data in `folder` (created if missing), for --db: a stand-in until the twin
 * takes the folder itself.
 */
async function openDb(folder: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  fs.mkdirSync(folder, { recursive: true });
  const { startLocalDynamo } =
    require("../twin/dynamo-local") as typeof import("../twin/dynamo-local");
  return startLocalDynamo({ path: folder });
}
