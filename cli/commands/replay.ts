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
import * as fs from "fs";
import * as path from "path";
import { openEvents, STDIN_PATH, type EventInput } from "../../twin/events-input";
import { findProjectRoot } from "../../twin/lambda";
import type { ForwardResult, Twin } from "../../twin/replay-engine";
import {
  ACCOUNT_ID,
  fullKey,
  parseConfigOverrides,
  parseOrganizations,
  readStackConfig,
} from "../../twin/stack-config";
import { runsCapped } from "../capped";
import { counted, EXIT_FAILED, EXIT_OK, oneLine, UsageError, type CliIO } from "../io";
import { dbFolderToWrite, exitOnStoreFailure, lockDbFolder, storeFailure } from "../local-db";
import { checkProfile } from "../lookup/clients";
import { DB_ARCHIVE_DIR, DB_BATCH_FILE, DB_LOGS_FILE } from "../lookup/context";
import { defineCommand, type Input } from "../options";
import { progressBar } from "../progress";
import {
  digestJobs,
  formatErrors,
  formatForwarding,
  formatJobs,
  formatRefusals,
  formatSummary,
  nextStep,
  originsNote,
  writeReplayDocument,
  type TableWhere,
} from "../replay-report";
import { replayStack } from "../stack";
import { DB, ENDPOINT_URL, PROFILE, REGION, SAMPLE_DB } from "./shared";

export const spec = defineCommand({
  name: "replay",
  summary: "replay Batch events through the exact Lambda on an embedded DynamoDB",
  description: [
    "Replays AWS Batch events through the EventBridge rule and the exact Lambda this program " +
      "deploys (evaluated offline under Pulumi mocks), writing to an embedded DynamoDB, then " +
      "shows the table.",
    "The stack's role counts: a hub (acceptFrom) takes other accounts' and regions' events " +
      "through its bus policy (those refused are listed, not recorded) and its bus's rule; a " +
      "spoke (forwardTo) records nothing and reports what it would forward, and where.",
    "Memory: with --db DIR the table is on disk and the replay streams, in a process whose heap " +
      "is capped (about 250 MB whatever the input's size); without --db nor --endpoint-url the " +
      "table is kept in memory, about 0.8 GB per 100,000 jobs: give --db DIR for inputs of " +
      "more than a few tens of thousands of events (said when an input is larger than 100 MB).",
    "Exit status: 0 every matched event was recorded (or already was), 1 some failed, 2 usage error.",
  ],
  positionals: [
    {
      name: "PATH",
      type: "path",
      repeatable: true,
      description:
        ".json files (one event or an array), .jsonl files (one event per line), or folders of " +
        "them (default: the shipped sample, samples/events.jsonl)",
    },
  ],
  options: [
    {
      name: "json",
      type: "boolean",
      description: "print one JSON document {summary, records, errors} on stdout",
    },
    {
      name: "table",
      type: "table",
      description: "the table to write (default batch-job-log-<stack>); created if missing",
    },
    {
      ...DB,
      description:
        "keep the embedded table in DIR, for `show`, `find` and `logs --db DIR` to read it",
      conflicts: ["endpoint-url"],
    },
    {
      name: "stack",
      type: "text",
      valueName: "NAME",
      description:
        "read Pulumi.<NAME>.yaml (default: the stack `pulumi stack --show-name` prints in the " +
        "project folder, else dev)",
    },
    {
      name: "config",
      type: "text",
      valueName: "key=value",
      repeatable: true,
      description: `override a stack config value, e.g. --config 'statuses=["RUNNING","FAILED"]'`,
    },
    {
      name: "account",
      type: "text",
      valueName: "ACCOUNT",
      description:
        "the account the stack is deployed to (default 123456789012, the sample's): a hub takes " +
        "other accounts' events through its bus policy, a spoke sees only its own",
    },
    {
      name: "org",
      type: "text",
      valueName: "ACCOUNT=ORG",
      repeatable: true,
      description:
        "an account's AWS Organization, for a hub whose acceptFrom names organizations " +
        "(events do not carry it), e.g. --org 345678901234=o-a1b2c3d4e5",
    },
  ],
  aws: [
    {
      ...PROFILE,
      description: "the profile whose credentials write to --endpoint-url",
      requires: ["endpoint-url"],
    },
    {
      ...REGION,
      description: "the stack's region and the DynamoDB client's (default: the stack's aws:region)",
    },
    {
      ...ENDPOINT_URL,
      description:
        "write to this DynamoDB-compatible endpoint instead of the embedded dynalite " +
        "(e.g. DynamoDB Local)",
    },
  ],
  examples: [
    {
      description: `Replay the shipped sample and keep its table in ${SAMPLE_DB} for the lookups`,
      command: `batch-job-log replay --db ${SAMPLE_DB}`,
    },
    {
      description:
        "Replay jobs of five accounts and regions through the example hub's bus policy and rules",
      command:
        "batch-job-log replay samples/hub-events.jsonl --stack hub --org 345678901234=o-a1b2c3d4e5",
    },
    {
      description: "Replay the sample with RUNNING events recorded too, as one JSON document",
      command: `batch-job-log replay samples/events.jsonl --config 'statuses=["RUNNING","SUCCEEDED","FAILED"]' --json`,
    },
  ],
});

/** Inputs smaller than this replay in about a second: no progress bar. */
export const PROGRESS_MIN_BYTES = 256 * 1024;

/** What `replay` reads without a path: the shipped sample, relative to the project root. */
export const SAMPLE_EVENTS = path.join("samples", "events.jsonl");
/** What the sample's jobs printed, copied into DIR by `replay --db DIR` of the sample. */
export const SAMPLE_LOGS = path.join("samples", "logs.jsonl");

/** Above this much input, a replay without --db (its table in memory) says to give --db. */
export const IN_MEMORY_NOTE_BYTES = 100e6;

/** Loads Pulumi, the AWS SDK and dynalite: required after parsing. */
function replayEngine(): typeof import("../../twin/replay-engine") {
  return require("../../twin/replay-engine");
}

export async function run(
  { values, args, common }: Input<typeof spec>,
  io: CliIO,
): Promise<number> {
  const projectRoot = findProjectRoot();
  const sample = args.PATH.length === 0;
  const paths = sample ? [path.join(projectRoot, SAMPLE_EVENTS)] : args.PATH;
  // Every path is checked before anything is replayed: a usage error costs no replay.
  const input = openEvents(paths, io.cwd, paths.includes(STDIN_PATH) ? io.stdin : undefined);
  const dbPath = common.db === undefined ? undefined : dbFolderToWrite(common.db, io.cwd);
  if (common.profile !== undefined) await checkProfile(spec.name, common.profile, io.env);

  const stack = await replayStack(values.stack, projectRoot, io.env);
  const config: Record<string, string> = {
    ...readStackConfig(projectRoot, stack.name, stack.explicit),
    ...parseConfigOverrides(values.config),
    ...(common.region ? { "aws:region": common.region } : {}),
  };
  if (values.account !== undefined && !ACCOUNT_ID.test(values.account)) {
    throw new UsageError(`--account "${values.account}" for replay: an account id has 12 digits.`);
  }
  const place = {
    account: values.account,
    organizations: parseOrganizations(values.org),
    region: common.region ?? config["aws:region"] ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
  };
  const asUsage = (error: unknown): never => {
    // An invalid stack config value is the caller's mistake, like an unknown flag.
    if ((error as { name?: string }).name === "ConfigError")
      throw new UsageError(oneLine((error as Error).message));
    throw error;
  };

  const forwardTo = config[fullKey("forwardTo")];
  if (forwardTo !== undefined) {
    const tableOption = ["db", "endpoint", "table"].find(
      (name) => common[name as "db" | "endpoint" | "table"] !== undefined,
    );
    if (tableOption !== undefined) {
      throw new UsageError(
        `--${tableOption === "endpoint" ? "endpoint-url" : tableOption} for replay: stack ${stack.name} is a spoke (forwardTo), which has no table; replay its hub's stack to see what is recorded.`,
      );
    }
    const progress = replayProgress(io.stderr, input);
    let result: ForwardResult;
    try {
      result = await replayEngine()
        .forwardEvents({ projectRoot, stack: stack.name, config, ...place }, input.items(), {
          onProgress: progress.step,
        })
        .catch(asUsage);
    } finally {
      progress.end();
    }
    return reportForwarding(io, stack.name, result, common.json);
  }

  if (
    common.db === undefined &&
    common.endpoint === undefined &&
    (input.totalBytes ?? 0) > IN_MEMORY_NOTE_BYTES
  ) {
    io.stderr.write(
      `note: without --db the table is kept in memory (about 0.8 GB per 100,000 jobs; ${Math.round(
        (input.totalBytes ?? 0) / 1e6,
      )} MB of input here); --db DIR keeps it on disk, and memory flat.\n`,
    );
  }

  // One writer at a time: a second replay into the folder is refused while this one runs.
  const lock =
    dbPath === undefined
      ? undefined
      : lockDbFolder(common.db as string, dbPath, (pid) =>
          io.stderr.write(
            `--db ${common.db}: a replay (process ${pid}) stopped before it finished; replaying ` +
              "again completes the table (each job is written once, whatever came before).\n",
          ),
        );
  const unguard =
    lock === undefined ? undefined : exitOnStoreFailure(common.db as string, io, lock.release);
  try {
    return await replayToTable();
  } finally {
    unguard?.();
    lock?.release();
  }

  async function replayToTable(): Promise<number> {
    const { startTwin } = replayEngine();
    const twin = await startTwin({
      projectRoot,
      stack: stack.name,
      config,
      endpoint: common.endpoint,
      dbPath,
      profile: common.profile,
      tableName: common.table,
      ...place,
      env: io.env,
      // A long replay (--db, heap capped) does not keep Pulumi's modules (twin/program-child.ts).
      programInChild: runsCapped(io.env),
    }).catch(asUsage);
    // The shipped sample's log events go beside its table, for `logs` and `search --db DIR`; with
    // the stack's archive on, its streams of the archived groups go to DIR/archive, as the
    // program's Firehose stream would write them (twin/archive-local.ts).
    let archived: Awaited<ReturnType<typeof fillArchive>>;

    const unfinished =
      dbPath === undefined
        ? undefined
        : new (
            require("../../twin/batch-local") as typeof import("../../twin/batch-local")
          ).LiveJobs();
    try {
      if (dbPath !== undefined && sample) {
        try {
          fs.copyFileSync(path.join(projectRoot, SAMPLE_LOGS), path.join(dbPath, DB_LOGS_FILE));
        } catch (error) {
          throw new UsageError(storeFailure(common.db as string, (error as Error).message));
        }
        archived = await fillArchive(twin, dbPath);
      }
      const progress = replayProgress(io.stderr, input);
      let result;
      try {
        result = await twin.replay(input.items(), {
          onProgress: progress.step,
          onEvent: unfinished && ((event, text) => unfinished.observe(event, text)),
        });
      } finally {
        progress.end();
      }
      // The jobs left unfinished, for the local Batch endpoint of the lookups (twin/batch-local.ts).
      if (dbPath !== undefined && unfinished) {
        await unfinished.forgetEnded(async (jobId) => (await twin.record(jobId))?.status);
        const lines = unfinished.lines();
        fs.writeFileSync(
          path.join(dbPath, DB_BATCH_FILE),
          lines.length === 0 ? "" : `${lines.join("\n")}\n`,
        );
      }
      const { summary, errors, refusals, origins } = result;
      const hub = twin.role === "hub";
      const status = summary.failed + summary.invalid > 0 ? EXIT_FAILED : EXIT_OK;
      if (common.json) {
        await writeReplayDocument(
          io.stdout,
          summary,
          errors,
          twin.pages(),
          hub ? refusals : undefined,
        );
        return status;
      }
      const jobs = await digestJobs(twin.pages());
      io.stdout.write(formatJobs(jobs) + "\n\n");
      if (summary.refused > 0) io.stdout.write(formatRefusals(summary, refusals) + "\n\n");
      if (errors.length > 0) io.stderr.write(formatErrors(summary, errors) + "\n\n");
      const where = !twin.embedded
        ? twin.endpoint
        : common.db === undefined
          ? "embedded dynalite"
          : `embedded dynalite, kept in ${common.db}`;
      const next = nextStep(jobs.rows, tableWhere(common, values.stack, twin.tableName));
      io.stdout.write(
        [
          hub
            ? `Replayed ${counted(summary.read - summary.invalid, "event")} through the bus policy, rules and Lambda ` +
              `of the hub stack ${stack.name} in ${twin.place.account} ${twin.place.region} (table ${twin.tableName} on ${where}):`
            : `Replayed ${counted(summary.read - summary.invalid, "event")} through the rule and Lambda of stack ` +
              `${stack.name} (table ${twin.tableName} on ${where}):`,
          formatSummary(summary, hub),
          ...(hub ? [] : originsNote(origins)),
          ...(archived === undefined
            ? []
            : [
                `Archived ${counted(archived.streams, "log stream")} of the archived groups into ` +
                  `s3://${archived.bucket} (${counted(archived.objects, "object")}, ${path.join(common.db ?? "", DB_ARCHIVE_DIR)}), as the stack's Firehose stream would.`,
              ]),
          ...(next === undefined ? [] : [next]),
          "",
        ].join("\n"),
      );
      return status;
    } finally {
      await twin.close();
    }
  }
}

/** The sample's streams into DIR/archive, when the stack has an archive. */
async function fillArchive(twin: Twin, dbPath: string) {
  const {
    fillLocalArchive,
  }: typeof import("../../twin/archive-local") = require("../../twin/archive-local");
  return fillLocalArchive(twin.model, {
    archiveDir: path.join(dbPath, DB_ARCHIVE_DIR),
    logsFile: path.join(dbPath, DB_LOGS_FILE),
    region: twin.place.region,
    owner: twin.place.account,
    now: new Date(),
  });
}

/** A spoke's replay: what it would forward, to which bus, through which role. */
function reportForwarding(
  io: CliIO,
  stack: string,
  result: ForwardResult,
  json: boolean | undefined,
): number {
  const { summary, errors, place } = result;
  const status = summary.invalid > 0 ? EXIT_FAILED : EXIT_OK;
  if (json) {
    const { forwardTo, roleName, jobs, origins } = result;
    const document = { role: "spoke", place, forwardTo, roleName, summary, jobs, origins, errors };
    io.stdout.write(JSON.stringify(document, null, 2) + "\n");
    return status;
  }
  if (errors.length > 0) io.stderr.write(formatErrors(summary, errors) + "\n\n");
  io.stdout.write(formatForwarding(stack, result) + "\n");
  return status;
}

/** Where the replayed table is for the lookups that would read it. */
function tableWhere(
  common: { readonly db?: string; readonly endpoint?: string; readonly table?: string },
  stackFlag: string | undefined,
  tableName: string,
): TableWhere {
  if (common.db !== undefined) {
    // The lookups' --db default is the table of the stack replay picks without --stack.
    const named = common.table !== undefined || stackFlag !== undefined;
    return { kind: "db", dir: common.db, table: named ? tableName : undefined };
  }
  if (common.endpoint !== undefined) {
    return { kind: "endpoint", endpoint: common.endpoint, table: tableName };
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
