/**
 * `batch-job-log logs JOB_ID`: prints a job's log events from CloudWatch Logs, from the group,
 * region and account the record names (a job definition may log to another region), paging with
 * `nextForwardToken` until the token repeats, which is how GetLogEvents says "the end".
 *
 * - A job: its last attempt's stream (--attempt N, --container NAME), or with --all-attempts
 *   every attempt's, one after the other (attempt order), each line prefixed `[a1] `.
 * - An array or multi-node parent: its children (the `byParentJobId` index, then their records
 *   by BatchGetItem), narrowed by --failed and --index, each child's stream read concurrently
 *   (cli/lookup/log-read.ts: bounded, throttling retried) and merged by timestamp, each line
 *   prefixed `[3] ` or `node 3 | ` (`[3 a1] ` with --all-attempts), padded to one width.
 * - --all-containers: every container's stream of the attempt (or attempts), merged by
 *   timestamp, each line prefixed with its container (`[main] `, `[3 a1 main] `).
 * - --since/--until (a duration ago or an ISO 8601 time, cli/lookup/time.ts) bound every
 *   stream's events; --tail N prints each stream's last N (backward pages); --timestamps begins
 *   each line with its time; --prefix prefixes a single stream's lines with the job's name,
 *   --no-prefix removes every prefix.
 * - --follow: one job (every container with --all-containers); cli/lookup/follow.ts.
 * When there is nothing to print, one line says why (cli/lookup/streams.ts for a job without a
 * stream, whyMissing for a stream that does not exist).
 */
import type { OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import type { JobRecord, LogStreamRef } from "../../record";
import { EXIT_FAILED, EXIT_OK, type CliIO } from "../io";
import {
  archiveForSource,
  guard,
  jobFinder,
  openLogAccess,
  openTable,
  sleep as realSleep,
  type LookupDeps,
} from "../lookup/context";
import { isMissingStream, LookupError } from "../lookup/errors";
import { plural } from "../lookup/format";
import { followJob, followParent } from "../lookup/follow";
import type { LogAccess } from "../lookup/log-access";
import {
  groupRef,
  header,
  jobPrefix,
  NotArchivedError,
  pagesFromSource,
  printEvent,
  type LogsRun,
  type PrefixMode,
} from "../lookup/log-output";
import { LogCalls, mergeByTimestamp, mergePageLimit, whyMissing } from "../lookup/log-read";
import { attemptCount, chooseStream, containerStreams, isParent } from "../lookup/streams";
import { timeWindow } from "../lookup/time";
import { LIVE_NOTE, type FoundJob, type JobFinder } from "../lookup/jobs";
import type { ChildSummary } from "../lookup/table";
import { defineCommand, OptionError, type Input } from "../options";
import { progressBar } from "../progress";
import {
  ARCHIVE_BUCKET,
  AWS_OPTIONS,
  DB,
  JSON_OUTPUT,
  ROLE_ARN,
  SAMPLE,
  SAMPLE_DB,
  SOURCE,
  TABLE,
} from "./shared";

export const spec = defineCommand({
  name: "logs",
  summary: "print the log events of a job, of its children or of its nodes",
  description: [
    "Prints a job's log events from CloudWatch Logs (the last attempt's, unless --attempt or " +
      "--all-attempts), oldest first, from the log group, region and account its record names. " +
      "Of an array parent, prints its children's logs, of a multi-node parent every node's, " +
      "merged in time order, each line prefixed as `docker compose logs` does: `[3] ` for array " +
      "child 3, `node 3 | ` for node 3, `[3 a1] ` and `node 3 a1 | ` with --all-attempts " +
      "(`[a1] ` for a job that is no parent), the prefixes padded to one width.",
    "When there is nothing to print, says why: the stream was never created (the job failed " +
      "before its container started), it expired under its log group's retention, access was " +
      "denied (which permission on which log group), or the job logs elsewhere. With --db, the " +
      "job and its events are read offline: the table, and DIR/logs.jsonl through a local " +
      "CloudWatch Logs endpoint.",
    "A job the table does not hold yet (running, or ended seconds ago) is read from what AWS " +
      'Batch says of it (DescribeJobs): a note says "live from Batch, not recorded yet".',
  ],
  positionals: [
    {
      name: "JOB_ID",
      description: "a job id, ARN, Batch console URL or job name, as `show` takes it",
    },
  ],
  options: [
    {
      name: "attempt",
      type: "count",
      description: "the attempt to read, counting from 1 (default: the last with a stream)",
      conflicts: ["all-attempts"],
    },
    {
      name: "all-attempts",
      type: "boolean",
      description: "every attempt's stream in attempt order, each line prefixed with its attempt",
    },
    {
      name: "container",
      type: "text",
      valueName: "NAME",
      description: "the container to read in a multi-container job (default: the main one)",
    },
    {
      name: "all-containers",
      type: "boolean",
      description:
        "every container of a multi-container job, merged in time order, each line prefixed " +
        "with its container",
      conflicts: ["container"],
    },
    {
      name: "failed",
      type: "boolean",
      description: "of an array or multi-node parent: only the FAILED children or nodes",
    },
    {
      name: "index",
      type: "text",
      valueName: "N[,M]",
      description: "of an array or multi-node parent: only these children or nodes, e.g. 0,3,7",
    },
    {
      name: "tail",
      type: "count",
      description:
        "only the last N events of each stream (with --follow, then what comes), as " +
        "`kubectl logs --tail`",
    },
    {
      name: "since",
      type: "text",
      valueName: "TIME",
      description:
        "only events from this time on: a duration ago (30s, 10m, 2h, 3d, 1w, 1h30m) or an " +
        "ISO 8601 time (2026-11-01, 2026-11-01T08:00Z; UTC unless it names an offset)",
    },
    {
      name: "until",
      type: "text",
      valueName: "TIME",
      description: "only events before this time, written as for --since; --follow stops there",
    },
    {
      name: "timestamps",
      type: "boolean",
      description: "begin each line with its event's time (ISO 8601, UTC, to the millisecond)",
    },
    {
      name: "prefix",
      type: "boolean",
      description:
        "prefix the lines of a single stream too, with the job's name (`[NAME] `, " +
        "`[NAME:3] `); lines of several streams always are",
      conflicts: ["no-prefix"],
    },
    {
      name: "no-prefix",
      type: "boolean",
      description: "no prefix, even on lines merged from several streams",
    },
    {
      name: "follow",
      short: "f",
      type: "boolean",
      description:
        "then print new events as they come (CloudWatch Logs Live Tail where the caller may, " +
        "else polling), moving to a retried job's new attempt, until the job has ended and its " +
        "stream is drained, or Ctrl-C; of a parent, each child or node as it starts, with its " +
        "prefix, until the parent has ended",
    },
    {
      name: "interval",
      type: "count",
      valueName: "SECS",
      default: 2,
      description: "seconds between polls (and between reads of the record) with --follow",
      requires: ["follow"],
    },
    SOURCE,
    ARCHIVE_BUCKET,
    ROLE_ARN,
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "one JSON object per event: {timestamp, ingestionTime, message}, with jobId, arrayIndex " +
        "or nodeIndex, attempt and container where lines come from several streams",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "What the failed children of an array job printed, merged in time order",
      command: `batch-job-log logs ${SAMPLE.arrayParent} --failed --db ${SAMPLE_DB}`,
    },
    {
      description:
        "The last 3 lines of each attempt of a job that failed three times, prefixed with its " +
        "attempt, with their times",
      command: `batch-job-log logs ${SAMPLE.retriedJob} --all-attempts --tail 3 --timestamps --db ${SAMPLE_DB}`,
    },
    {
      description: "The same lines as CloudWatch Logs has, read from the stack's S3 archive",
      command: `batch-job-log logs ${SAMPLE.retriedJob} --source archive --db ${SAMPLE_DB}`,
    },
    {
      description:
        "What the children of an array job still running printed so far; with -f, then each " +
        "child's new lines as they come, until the job ends (Ctrl-C to stop)",
      command: `batch-job-log logs ${SAMPLE.runningArray} --db ${SAMPLE_DB}`,
    },
  ],
});

/** One stream to print, with what its lines are prefixed with and tagged with in --json. */
export interface Source {
  readonly record: JobRecord;
  readonly stream: LogStreamRef;
  /** `[3]`, `[3 a1]`, `node 3`, `[a1]`; empty for a single stream. */
  readonly label: string;
}

export async function run(
  input: Input<typeof spec>,
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  // Printed through io, whose stdout is the output layer's (cli/output.ts).
  const { common, values, args } = input;
  const jobId = args.JOB_ID;
  const indexes = values.index === undefined ? undefined : parseIndexes(values.index);
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? realSleep;
  const window = timeWindow("logs", values.since, values.until, now());
  const prefix: PrefixMode = values.prefix ? "always" : values["no-prefix"] ? "never" : "auto";
  const allContainers = values["all-containers"];

  return guard("logs", io, async (context) => {
    const opened = await openTable(common, io, deps, context);
    const { aws } = opened;
    const finder = jobFinder(common, opened, io, deps, context);
    const found = await finder.find(jobId);
    const { record } = found;
    if (found.live)
      io.stderr.write(`note: job ${record.jobId} (${record.status}): ${LIVE_NOTE}.\n`);
    const access = await openLogAccess(common, aws, values["role-arn"], io, context);
    if (values.follow && values.source === "archive") {
      throw new LookupError(
        "--follow reads CloudWatch Logs as lines come; --source archive cannot.",
      );
    }
    const archive = await archiveForSource(
      common,
      aws,
      values.source,
      values["archive-bucket"],
      io,
      context,
    );
    const stop = new AbortController();
    const calls = new LogCalls({ sleep: wait, signal: stop.signal, random: deps.random });
    const run: LogsRun = {
      io,
      json: common.json,
      calls,
      access,
      now,
      ...window,
      tail: values.tail,
      timestamps: values.timestamps,
      prefix,
      source: values.source as LogsRun["source"],
      archive,
    };
    const parent = isParent(record);
    if (!parent && (indexes !== undefined || values.failed)) {
      const flag = values.failed ? "--failed" : "--index";
      throw new LookupError(
        `${flag} picks children of an array or multi-node parent; job ${jobId} is not one.`,
      );
    }
    if (values.follow) {
      const follow = {
        attempt: values.attempt,
        allAttempts: values["all-attempts"],
        container: values.container,
        pollMs: values.interval * 1000,
        wait,
        stop,
      };
      if (parent) {
        // Each child (or node) as it starts, its lines prefixed with its index.
        const array = record.arraySize !== undefined;
        const indexOf = (c: ChildSummary) => (array ? c.arrayIndex : c.nodeIndex) ?? -1;
        const wanted = indexes === undefined ? undefined : new Set(indexes);
        return followParent(run, finder, found, {
          ...follow,
          pick: (children) =>
            children.filter(
              (c) =>
                (!values.failed || c.status === "FAILED") &&
                (wanted === undefined || wanted.has(indexOf(c))),
            ),
          label: (c) => (array ? `[${indexOf(c)}] ` : `node ${indexOf(c)} `),
        });
      }
      const containers = allContainers ? containersOf(record, values.attempt) : [];
      if (containers.length < 2) {
        if (allContainers) {
          run.io.stderr.write(
            `note: job ${record.jobId} has ${containers.length === 0 ? "no stream yet" : "one container"}: following it as one.\n`,
          );
        }
        return followJob(run, finder, record, follow);
      }
      // One follower per container, their lines as they come, each prefixed with its container.
      const label = (s: LogStreamRef, container: string) =>
        `[${follow.allAttempts ? `a${s.attempt} ` : ""}${container}]`;
      const width = Math.max(...containers.map((c) => label(record.logStreams[0], c).length));
      const codes = await Promise.all(
        containers.map((container) =>
          followJob(run, finder, record, {
            ...follow,
            container,
            prefix: (s) => (prefix === "never" ? "" : `${label(s, container).padEnd(width)} `),
          }),
        ),
      );
      return Math.max(...codes);
    }
    const sources = parent
      ? await parentSources(run, finder, found, {
          failed: values.failed,
          indexes,
          allAttempts: values["all-attempts"],
          attempt: values.attempt,
          container: values.container,
          allContainers,
          sleep: (ms) => wait(ms, stop.signal),
        })
      : jobSources(run, record, {
          allAttempts: values["all-attempts"],
          attempt: values.attempt,
          container: values.container,
          allContainers,
        });
    if (parent || (allContainers && sources.length > 1)) return printMerged(run, record, sources);
    return values["all-attempts"]
      ? printAttempts(run, record, sources)
      : printOne(run, record, sources[0]);
  });
}

/** The container names of the attempt `logs -f --all-containers` starts on, as recorded. */
function containersOf(record: JobRecord, attempt: number | undefined): string[] {
  if ((record.logStreams ?? []).length === 0) return [];
  return containerStreams(record, attempt).streams.map((s) => s.container);
}

/** `--index 0,3,7`: the indexes, or a usage error. */
function parseIndexes(text: string): number[] {
  const parts = text.split(",");
  if (!parts.every((p) => /^\d+$/.test(p.trim()))) {
    throw new OptionError(
      `--index for logs must be indexes separated by commas, e.g. 0,3,7, got "${text}"`,
    );
  }
  return parts.map((p) => Number(p.trim()));
}

/** Which streams of a job (or of each child) to read. */
interface StreamOptions {
  readonly allAttempts: boolean;
  readonly attempt?: number;
  readonly container?: string;
  readonly allContainers: boolean;
}

/**
 * The streams of a job that is no parent: the chosen one, one per attempt, or with
 * --all-containers one per container (of the attempt, or of every attempt).
 */
function jobSources(run: LogsRun, record: JobRecord, options: StreamOptions): Source[] {
  if (!options.allAttempts && !options.allContainers) {
    const { stream, notes } = chooseStream(record, options.attempt, options.container);
    for (const note of notes) run.io.stderr.write(`note: ${note}\n`);
    return [{ record, stream, label: "" }];
  }
  if (!options.allAttempts) {
    const { streams, notes } = containerStreams(record, options.attempt);
    for (const note of notes) run.io.stderr.write(`note: ${note}\n`);
    return streams.map((stream) => ({ record, stream, label: `[${stream.container}]` }));
  }
  const sources = attemptSources(run, record, options, (n, c) =>
    c === undefined ? `[a${n}]` : `[a${n} ${c}]`,
  );
  if (sources.length === 0) chooseStream(record, undefined, options.container); // throws why
  return sources;
}

/**
 * One source per attempt that has a stream (per container of each, with --all-containers); a
 * note for each attempt that has none.
 */
function attemptSources(
  run: LogsRun,
  record: JobRecord,
  options: Pick<StreamOptions, "container" | "allContainers">,
  label: (attempt: number, container?: string) => string,
): Source[] {
  const sources: Source[] = [];
  for (let n = 1; n <= attemptCount(record); n++) {
    try {
      if (options.allContainers) {
        for (const stream of containerStreams(record, n).streams) {
          sources.push({ record, stream, label: label(n, stream.container) });
        }
      } else {
        const { stream } = chooseStream(record, n, options.container);
        sources.push({ record, stream, label: label(n) });
      }
    } catch (error) {
      if (!(error instanceof LookupError)) throw error;
      run.io.stderr.write(`note: ${label(n)} ${error.message}\n`);
    }
  }
  return sources;
}

interface ParentOptions extends StreamOptions {
  readonly failed: boolean;
  readonly indexes?: readonly number[];
  readonly sleep: (ms: number) => Promise<void>;
}

/** The children (or nodes) to read, their records, and one source per stream to print. */
async function parentSources(
  run: LogsRun,
  finder: JobFinder,
  found: FoundJob,
  options: ParentOptions,
): Promise<Source[]> {
  const parent = found.record;
  const array = parent.arraySize !== undefined;
  const noun = array ? "child" : "node";
  const indexOf = (c: ChildSummary) => (array ? c.arrayIndex : c.nodeIndex) ?? -1;
  const all = await finder.children(found);
  let children = options.failed ? all.filter((c) => c.status === "FAILED") : all;
  if (options.indexes !== undefined) {
    const known = new Set(children.map(indexOf));
    const absent = options.indexes.filter((i) => !known.has(i));
    if (absent.length > 0) {
      const which = options.failed ? `FAILED ${noun}` : noun;
      run.io.stderr.write(
        `note: job ${parent.jobId} has no ${which} recorded with index ${absent.join(", ")}.\n`,
      );
    }
    const wanted = new Set(options.indexes);
    children = children.filter((c) => wanted.has(indexOf(c)));
  }
  if (children.length === 0) {
    const what = options.failed
      ? `FAILED ${array ? "children" : "nodes"}`
      : array
        ? "children"
        : "nodes";
    throw new LookupError(
      `job ${parent.jobId} has no ${what} to print${options.indexes ? " at those indexes" : ""} ` +
        `(${all.length} recorded).`,
    );
  }
  const progress = progressBar(run.io.stderr, "reading records", { unit: "jobs" });
  const records = await finder.getMany(
    children.map((c) => c.jobId),
    { sleep: options.sleep, onProgress: (done, total) => progress.update(done, total) },
  );
  progress.clear();
  const sources: Source[] = [];
  for (const child of children) {
    const record = records.get(child.jobId);
    const label = (attempt?: number, container?: string) => {
      const rest = `${attempt === undefined ? "" : ` a${attempt}`}${container === undefined ? "" : ` ${container}`}`;
      return array ? `[${indexOf(child)}${rest}]` : `node ${indexOf(child)}${rest}`;
    };
    if (!record) {
      run.io.stderr.write(
        `note: ${label()} job ${child.jobId} is neither in the table nor known to Batch.\n`,
      );
      continue;
    }
    if (options.allAttempts) {
      sources.push(...attemptSources(run, record, options, label));
      continue;
    }
    try {
      if (options.allContainers) {
        const { streams } = containerStreams(record, options.attempt);
        for (const stream of streams) {
          sources.push({ record, stream, label: label(undefined, stream.container) });
        }
        continue;
      }
      const { stream } = chooseStream(record, options.attempt, options.container);
      sources.push({ record, stream, label: label() });
    } catch (error) {
      if (!(error instanceof LookupError)) throw error;
      run.io.stderr.write(`note: ${label()} ${error.message}\n`);
    }
  }
  return sources;
}

/** One stream, page after page; exit 1 with why when it does not exist. */
async function printOne(run: LogsRun, record: JobRecord, source: Source): Promise<number> {
  const { stream } = source;
  run.io.stderr.write(header(stream));
  const target = await run.access.target(groupRef(record, stream));
  const prefix = run.prefix === "always" ? jobPrefix(record) : "";
  let printed = 0;
  try {
    for await (const page of pagesFromSource(run, target, stream, {
      startedAt: startOf(record, stream),
    })) {
      for (const event of page) printEvent(run, event, prefix);
      printed += page.length;
    }
  } catch (error) {
    if (!isMissingStream(error)) throw error;
    throw new LookupError(await whyMissing(run.calls, target, record, stream, run.now()));
  }
  if (printed === 0) {
    run.io.stderr.write(`note: ${emptyStream(run, stream)}\n`);
  }
  return EXIT_OK;
}

/** A job's attempts one after the other, each line prefixed with its attempt. */
async function printAttempts(
  run: LogsRun,
  record: JobRecord,
  sources: readonly Source[],
): Promise<number> {
  const width = Math.max(...sources.map((s) => s.label.length));
  let missing = 0;
  let printed = 0;
  for (const { stream, label } of sources) {
    run.io.stderr.write(header(stream));
    const target = await run.access.target(groupRef(record, stream));
    const prefix = run.prefix === "never" ? "" : `${label.padEnd(width)} `;
    try {
      for await (const page of pagesFromSource(run, target, stream, {
        startedAt: startOf(record, stream),
        label,
      })) {
        for (const event of page) {
          printEvent(run, event, prefix, { attempt: stream.attempt });
        }
        printed += page.length;
      }
    } catch (error) {
      if (error instanceof NotArchivedError) {
        missing++;
        run.io.stderr.write(`note: ${label} ${error.message}\n`);
        continue;
      }
      if (!isMissingStream(error)) throw error;
      missing++;
      const why = await whyMissing(run.calls, target, record, stream, run.now());
      run.io.stderr.write(`note: ${label} ${why}\n`);
    }
  }
  if (missing === sources.length) {
    throw new LookupError(
      `none of the ${sources.length} streams of job ${record.jobId} exists (each is said above).`,
    );
  }
  if (printed === 0) {
    run.io.stderr.write(
      `note: nothing to print: the streams of job ${record.jobId} have no events.\n`,
    );
  }
  return EXIT_OK;
}

/** Why a stream that exists printed nothing. */
function emptyStream(run: LogsRun, stream: LogStreamRef): string {
  return `nothing to print: log stream ${stream.logStreamName} in log group ${stream.logGroup} (${stream.logRegion}) has no events${windowText(run)}.`;
}

/** ` since T`, ` before T`, ` between T1 and T2`: the window of --since and --until. */
function windowText(run: LogsRun): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (run.startTime !== undefined && run.endTime !== undefined) {
    return ` between ${iso(run.startTime)} and ${iso(run.endTime)}`;
  }
  if (run.startTime !== undefined) return ` since ${iso(run.startTime)}`;
  return run.endTime === undefined ? "" : ` before ${iso(run.endTime)}`;
}

/**
 * Several streams merged by timestamp, each line prefixed with its source's label padded to one
 * width (`node 3 | ` for nodes). Streams that do not exist are explained after the lines.
 */
async function printMerged(
  run: LogsRun,
  job: JobRecord,
  sources: readonly Source[],
): Promise<number> {
  if (sources.length === 0) {
    throw new LookupError(`no child or node of job ${job.jobId} has a log stream to print.`);
  }
  const parent = isParent(job);
  const nodes = parent && job.arraySize === undefined;
  const width = Math.max(...sources.map((s) => s.label.length));
  const prefixes = sources.map((s) =>
    run.json || run.prefix === "never"
      ? ""
      : nodes
        ? `${s.label.padEnd(width)} | `
        : `${s.label.padEnd(width)} `,
  );
  const of = parent
    ? plural(
        new Set(sources.map((s) => s.record.jobId)).size,
        nodes ? "node" : "child",
        nodes ? "nodes" : "children",
      )
    : plural(new Set(sources.map((s) => s.stream.container)).size, "container");
  run.io.stderr.write(
    `==> job ${job.jobId}: ${plural(sources.length, "stream")} of ${of}, merged in time order\n`,
  );
  const missing: Source[] = [];
  const notArchived = new Map<Source, string>();
  const targets = await Promise.all(
    sources.map((s) => run.access.target(groupRef(s.record, s.stream))),
  );
  const limit = mergePageLimit(sources.length);
  const iterators = sources.map((s, i) =>
    pagesOrMissing(run, targets[i], s, limit, (why) => {
      missing.push(s);
      if (why !== undefined) notArchived.set(s, why);
    }),
  );
  const progress = progressBar(run.io.stderr, "reading streams", { unit: "streams" });
  let printed = 0;
  for await (const [i, event] of mergeByTimestamp(iterators, (done, total) =>
    progress.update(done, total),
  )) {
    if (printed === 0) progress.clear();
    printed++;
    const s = sources[i];
    printEvent(run, event, prefixes[i], {
      jobId: s.record.jobId,
      ...(s.record.arrayIndex === undefined ? {} : { arrayIndex: s.record.arrayIndex }),
      ...(s.record.nodeIndex === undefined ? {} : { nodeIndex: s.record.nodeIndex }),
      attempt: s.stream.attempt,
      container: s.stream.container,
    });
  }
  progress.clear();
  for (const s of missing) {
    const target = targets[sources.indexOf(s)];
    const why =
      notArchived.get(s) ?? (await whyMissing(run.calls, target, s.record, s.stream, run.now()));
    run.io.stderr.write(`note: ${s.label} ${why}\n`);
  }
  if (missing.length === sources.length) {
    throw new LookupError(`none of the ${sources.length} streams exists (each is said above).`);
  }
  if (printed === 0) {
    run.io.stderr.write(
      `note: nothing to print: the ${sources.length - missing.length} streams read have no events` +
        `${windowText(run)}.\n`,
    );
  }
  return missing.length > 0 && printed === 0 ? EXIT_FAILED : EXIT_OK;
}

/** A source's pages; a stream that does not exist ends at once and is reported. */
async function* pagesOrMissing(
  run: LogsRun,
  target: Awaited<ReturnType<LogAccess["target"]>>,
  source: Source,
  limit: number,
  onMissing: (notArchived?: string) => void,
): AsyncGenerator<readonly OutputLogEvent[]> {
  try {
    yield* pagesFromSource(run, target, source.stream, {
      limit,
      startedAt: startOf(source.record, source.stream),
      label: source.label,
    });
  } catch (error) {
    if (error instanceof NotArchivedError) return onMissing(error.message);
    if (!isMissingStream(error)) throw error;
    onMissing();
  }
}

/** When a stream began: its attempt's start, else the job's. */
function startOf(record: JobRecord, stream: LogStreamRef): number | undefined {
  return record.attempts?.[stream.attempt - 1]?.startedAt ?? record.startedAt;
}
