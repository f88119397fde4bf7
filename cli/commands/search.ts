/**
 * `batch-job-log search TEXT`: the log lines of many jobs that contain TEXT (case-sensitive).
 *
 * Which jobs: with --name the runs of that name (`byJobName`, then their records by
 * BatchGetItem); without, a paged Scan of the table, said on stderr; both filtered by --status,
 * --since, --queue, --account, --job-region. Every stream of every attempt and container is
 * searched, except those of attempts that never started (never created).
 *
 * How, per log group (and account, region): up to FILTER_MAX_STREAMS streams with FilterLogEvents,
 * the streams sorted by start time and cut into batches of 100 names (the API's maximum), each
 * over its own jobs' time window; more with Logs Insights (StartQuery, GetQueryResults), one
 * query per slice of stream names that fits the 10,000-character query, filtering on
 * `@logStream`. Before Insights, the number of streams and an estimate of the bytes scanned
 * (DescribeLogGroups' storedBytes, prorated to the queries' time windows) go to stderr; over
 * CONFIRM_BYTES it needs --yes or a yes at the prompt, and is never asked for without a terminal.
 * What is looked for (TEXT, in any case with -i, a regular expression with --regex) becomes a
 * filter pattern and an Insights filter in cli/lookup/search-pattern.ts, and every line returned
 * is checked again here. A --regex that no filter pattern can say is searched with Insights in
 * --mode auto, and refused in --mode filter. With -C N, each match's stream is read around it
 * (cli/lookup/search-context.ts) and the lines are grouped by stream, as `grep -C` prints them.
 */
import * as readline from "readline";
import type { FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import type { JobRecord, LogStreamRef } from "../../record";
import { EXIT_FAILED, EXIT_OK, type CliIO } from "../io";
import type { ArchiveReader } from "../lookup/archive";
import {
  archiveForSource,
  guard,
  openLogAccess,
  openTable,
  sleep as realSleep,
  type LookupDeps,
} from "../lookup/context";
import { isMissingStream, LookupError } from "../lookup/errors";
import { plural } from "../lookup/format";
import type { LogTarget } from "../lookup/log-access";
import { groupRef } from "../lookup/log-output";
import { Limiter, LogCalls, describeGroup } from "../lookup/log-read";
import { contextOf, linesAround, type ContextLine } from "../lookup/search-context";
import { searchPattern, type SearchPattern } from "../lookup/search-pattern";
import type { RunFilter } from "../lookup/table";
import { defineCommand, OptionError, type Input } from "../options";
import { BATCH_STATUSES } from "../../record/constants";
import {
  ARCHIVE_BUCKET,
  AWS_OPTIONS,
  DB,
  JSON_OUTPUT,
  ROLE_ARN,
  SAMPLE,
  SAMPLE_DB,
  SINCE,
  SOURCE,
  TABLE,
} from "./shared";

export const spec = defineCommand({
  name: "search",
  summary: "find log lines across many runs: which jobs printed TEXT",
  description: [
    "Finds the log lines that contain TEXT (exactly, case-sensitive; in any case with -i; " +
      "matching the regular expression TEXT with --regex) in the streams of many " +
      "jobs, every attempt and container. Which jobs comes from the table: with --name the runs " +
      "of that name (the byJobName index), without it a Scan of the whole table (said on " +
      "stderr), both narrowed by --status, --since, --queue, --account and --job-region.",
    "Per log group, up to 500 streams are searched with FilterLogEvents (100 stream names a " +
      "call, each batch over its jobs' time window), more with a CloudWatch Logs Insights query " +
      "(--mode to choose). Before a query, the number of streams and an estimate of the bytes " +
      "it scans go to stderr; an estimate over 1 GB needs --yes, or a yes at the prompt when " +
      "stdin is a terminal.",
    "Exit status: 0 some line matched, 1 none did (or the search failed), 2 usage error.",
  ],
  positionals: [
    {
      name: "TEXT",
      description: "the text to find in log lines (a regular expression with --regex)",
    },
  ],
  options: [
    {
      name: "ignore-case",
      short: "i",
      type: "boolean",
      description: "match TEXT in any case, as `grep -i`",
    },
    {
      name: "regex",
      type: "boolean",
      description:
        "TEXT is a regular expression: a CloudWatch Logs filter pattern's `%regex%` (letters, " +
        "digits, `:_#=@/;,-` and `^$?[]{}|\\*+.`; no parentheses or spaces) or, for any " +
        "other, a Logs Insights `like /regex/`",
    },
    {
      name: "context",
      short: "C",
      type: "count",
      description:
        "N lines before and after each matching line, from its stream, as `grep -C` (`--` " +
        "between groups)",
    },
    { name: "name", type: "text", valueName: "JOB_NAME", description: "the runs of this job name" },
    {
      name: "status",
      type: "text",
      valueName: "STATUS",
      choices: BATCH_STATUSES,
      ignoreCase: true,
      description: "only jobs in this status",
    },
    { ...SINCE, description: "only jobs created within this time, e.g. 2h, 3d, 1w" },
    {
      name: "queue",
      type: "text",
      valueName: "QUEUE",
      description: "only jobs of this job queue, by name or ARN",
    },
    {
      name: "account",
      type: "text",
      valueName: "ACCOUNT",
      description: "only jobs of this AWS account (a hub table holds several)",
    },
    {
      name: "job-region",
      type: "region",
      description: "only jobs that ran in this region (--region is the table's)",
    },
    {
      name: "mode",
      type: "text",
      valueName: "MODE",
      choices: ["auto", "filter", "insights"],
      default: "auto",
      description:
        "filter: FilterLogEvents; insights: a Logs Insights query; auto: insights for a log " +
        "group with more than 500 streams to search",
    },
    { name: "yes", short: "y", type: "boolean", description: "run a large query without asking" },
    {
      ...SOURCE,
      description:
        "where to search: cloudwatch, archive (each stream read from the S3 archive and " +
        "searched here), or auto (CloudWatch Logs, and the archive for a stream CloudWatch " +
        "Logs no longer has, said on stderr)",
    },
    ARCHIVE_BUCKET,
    ROLE_ARN,
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "one JSON object per matching line: {jobId, jobName, attempt, container, logGroup, " +
        "logRegion, logStreamName, timestamp, message} (and arrayIndex, nodeIndex, account)",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "Which jobs of the sample ran out of memory, from every job of the table",
      command: `batch-job-log search OutOfMemoryError --db ${SAMPLE_DB}`,
    },
    {
      description:
        "Which failed runs of an array job's name printed a PostGIS failure, in any case, with " +
        "the line before and after",
      command: `batch-job-log search postgis -i -C 1 --name ${SAMPLE.arrayName} --status failed --db ${SAMPLE_DB}`,
    },
    {
      description: "The same search in the stack's S3 archive instead of CloudWatch Logs",
      command: `batch-job-log search OutOfMemoryError --source archive --db ${SAMPLE_DB}`,
    },
    {
      description: "A regular expression, with a Logs Insights query, as JSON",
      command: `batch-job-log search PostGIS.+failed --regex --name ${SAMPLE.arrayName} --mode insights --json --db ${SAMPLE_DB}`,
    },
  ],
});

const logsSdk = (): typeof import("@aws-sdk/client-cloudwatch-logs") =>
  require("@aws-sdk/client-cloudwatch-logs");

/** Streams of one log group searched with FilterLogEvents in --mode auto; more: Insights. */
export const FILTER_MAX_STREAMS = 500;
/** Stream names per FilterLogEvents call: the API's maximum. */
export const FILTER_BATCH = 100;
/** The longest Logs Insights query string. */
export const QUERY_MAX_CHARS = 10_000;
/** The rows a Logs Insights query returns at most. */
export const QUERY_MAX_ROWS = 10_000;
/** Insights queries estimated to scan more need --yes (or a yes at the prompt). */
export const CONFIRM_BYTES = 1_000_000_000;
/** Logs Insights queries running at once (an account may run 30). */
export const QUERY_CONCURRENCY = 10;
/** Around each job's run, for clocks that differ a little. */
const WINDOW_MARGIN_MS = 60_000;
const DAY_MS = 86_400_000;

/** One stream to search, with the job it belongs to and its time window. */
interface Searched {
  readonly record: JobRecord;
  readonly stream: LogStreamRef;
  readonly label: string;
  readonly from?: number;
  readonly to: number;
}

interface Group {
  readonly target: LogTarget;
  readonly streams: Searched[];
}

interface Match {
  readonly source: Searched;
  readonly timestamp: number;
  readonly message: string;
}

export async function run(
  input: Input<typeof spec>,
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  // Printed through io, whose stdout is the output layer's (cli/output.ts).
  const { common, values, args } = input;
  const text = args.TEXT;
  const pattern = searchPattern(text, { regex: values.regex, ignoreCase: values["ignore-case"] });
  if (values.mode === "filter" && pattern.filterPattern === undefined) {
    throw new OptionError(
      `--regex for search cannot be searched with --mode filter: ${pattern.filterProblem}; ` +
        "use --mode insights or auto",
    );
  }
  const context = values.context;
  const now = (deps.now ?? Date.now)();
  const wait = deps.sleep ?? realSleep;
  const filter: RunFilter = {
    status: values.status,
    createdSince: values.since === undefined ? undefined : now - values.since,
    account: values.account,
    region: values["job-region"],
    queue: values.queue,
  };

  return guard("search", io, async (run) => {
    const { table, aws } = await openTable(common, io, deps, run);
    const stop = new AbortController();
    const calls = new LogCalls({ sleep: wait, signal: stop.signal, random: deps.random });
    let records: JobRecord[];
    if (values.name !== undefined) {
      const runs = await table.runsByName({ jobName: values.name, ...filter });
      const found = await table.getMany(
        runs.map((r) => r.jobId),
        { sleep: (ms) => wait(ms, stop.signal) },
      );
      records = runs.flatMap((r) => found.get(r.jobId) ?? []);
    } else {
      io.stderr.write(
        `note: no --name: scanning every item of table ${table.tableName} with a filter; ` +
          `--name JOB_NAME reads only that name's runs.\n`,
      );
      records = [];
      for await (const page of table.scan(filter)) records.push(...page);
    }
    const streams = streamsOf(records, now);
    if (records.length === 0) {
      throw new LookupError(`no job of table ${table.tableName} matches; nothing to search.`);
    }
    if (streams.length === 0) {
      throw new LookupError(
        `no log stream to search: none of the ${plural(records.length, "job")} that match has one.`,
      );
    }
    const archive = await archiveForSource(
      common,
      aws,
      values.source,
      values["archive-bucket"],
      io,
      run,
    );
    const archived: ArchiveSearch | undefined = archive && {
      archive,
      pattern,
      io,
      keepEvents: context !== undefined,
      events: new Map(),
    };
    if (values.source === "archive" && archived) {
      return printArchiveMatches(archived, streams, common.json, context);
    }
    const access = await openLogAccess(common, aws, values["role-arn"], io, run);
    const groups = new Map<string, Group>();
    for (const s of streams) {
      const key = groupKey(s);
      let group = groups.get(key);
      if (!group) {
        group = { target: await access.target(groupRef(s.record, s.stream)), streams: [] };
        groups.set(key, group);
      }
      group.streams.push(s);
    }
    const noFilter = pattern.filterPattern === undefined;
    if (noFilter) {
      io.stderr.write(
        `note: ${pattern.filterProblem}, so FilterLogEvents cannot look for --regex ${JSON.stringify(text)}: ` +
          "every log group is searched with Logs Insights.\n",
      );
    } else if (pattern.filterPattern === "" && values.mode !== "insights") {
      io.stderr.write(
        `note: no part of ${JSON.stringify(text)} fits a case-insensitive filter pattern: ` +
          "FilterLogEvents returns every event of the streams, each checked here.\n",
      );
    }
    const insights = [...groups.values()].filter(
      (g) =>
        values.mode === "insights" ||
        noFilter ||
        (values.mode === "auto" && g.streams.length > FILTER_MAX_STREAMS),
    );
    const queries = new Map(insights.map((g) => [g, querySlices(g.streams, pattern)]));
    if (insights.length > 0) {
      const bytes = await estimateScan(calls, queries, now, io);
      if (bytes > CONFIRM_BYTES && !values.yes) {
        const stdinIsTTY = deps.stdinIsTTY ?? process.stdin.isTTY === true;
        const what = `the Logs Insights queries would scan about ${formatBytes(bytes)}`;
        if (!stdinIsTTY) {
          throw new LookupError(
            `${what}: pass --yes to run them, or narrow the search (--name, --since, --mode filter).`,
          );
        }
        const answer = await (deps.ask ?? askTerminal)(`${what}; run them? [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) {
          throw new LookupError("not run.");
        }
      }
    }

    let matches = 0;
    const jobs = new Set<string>();
    let groupsPrinted = 0;
    const print = async (batch: readonly Match[]) => {
      if (context === undefined) {
        for (const m of batch) {
          matches++;
          jobs.add(m.source.record.jobId);
          io.stdout.write(
            common.json
              ? JSON.stringify(matchJson(m)) + "\n"
              : `${new Date(m.timestamp).toISOString()}  ${m.source.label}  ${m.message}\n`,
          );
        }
        return;
      }
      // -C: the batch's streams in the order of their first match, each with its lines around.
      for (const [source, found] of byStream(batch)) {
        matches += found.length;
        jobs.add(source.record.jobId);
        const target = (groups.get(groupKey(source)) as Group).target;
        const held = archived?.events.get(source);
        const lines = held
          ? contextOf(held, context, pattern.test)
          : await linesAround(
              calls,
              target,
              source.stream.logStreamName,
              found.map((m) => m.timestamp),
              context,
              pattern.test,
            );
        lines.forEach((line, i) => {
          if (common.json) {
            io.stdout.write(JSON.stringify(contextJson(source, line)) + "\n");
            return;
          }
          if ((i === 0 && groupsPrinted > 0) || line.gap) io.stdout.write("--\n");
          const mark = line.match ? ":" : "-";
          io.stdout.write(
            `${new Date(line.timestamp).toISOString()}  ${source.label}${mark} ${line.message}\n`,
          );
        });
        if (lines.length > 0) groupsPrinted++;
      }
    };
    let filterCalls = 0;
    const running = new Limiter(QUERY_CONCURRENCY);
    const tasks: Promise<readonly Match[]>[] = [];
    for (const group of groups.values()) {
      const slices = queries.get(group);
      if (slices) {
        for (const slice of slices) {
          tasks.push(running.run(() => runQuery(calls, group, slice, pattern, wait, stop, io)));
        }
      } else {
        for (const batch of filterBatches(group.streams)) {
          tasks.push(filterBatch(calls, group, batch, pattern, io, () => filterCalls++, archived));
        }
      }
    }
    // Awaited in order below; a failure before its turn is not unhandled.
    for (const task of tasks) task.catch(() => undefined);
    // Each batch's lines in the order the batches were cut, as soon as those before are in.
    for (const task of tasks) await print(await task);
    const how = [
      filterCalls > 0 ? plural(filterCalls, "FilterLogEvents call") : undefined,
      insights.length > 0
        ? plural(
            [...queries.values()].reduce((n, q) => n + q.length, 0),
            "Logs Insights query",
            "Logs Insights queries",
          )
        : undefined,
    ].filter((h) => h !== undefined);
    const searched =
      `${plural(streams.length, "stream")} of ${plural(new Set(streams.map((s) => s.record.jobId)).size, "job")} ` +
      `in ${plural(groups.size, "log group")} (${how.join(", ")})`;
    return searchSummary(io, pattern, matches, jobs.size, searched);
  });
}

/** The log group (and account, region) of a stream: how streams are gathered per target. */
function groupKey(s: Searched): string {
  const ref = groupRef(s.record, s.stream);
  return `${ref.account ?? ""}|${ref.logRegion}|${ref.logGroup}`;
}

/** `contains "TEXT"`, `contains "TEXT" in any case`, `matches /R/`: for "no line ...". */
function what(pattern: SearchPattern): string {
  if (pattern.regex) return `matches /${pattern.text}/${pattern.ignoreCase ? "i" : ""}`;
  return `contains "${pattern.text}"${pattern.ignoreCase ? " in any case" : ""}`;
}

/** A batch's matches by stream, the streams in the order of their first match. */
function byStream(batch: readonly Match[]): Map<Searched, Match[]> {
  const out = new Map<Searched, Match[]>();
  for (const m of batch) {
    const list = out.get(m.source);
    if (list) list.push(m);
    else out.set(m.source, [m]);
  }
  for (const list of out.values()) list.sort((a, b) => a.timestamp - b.timestamp);
  return out;
}

/** What --json prints of a line of -C: a match's object, `context` true for the lines around. */
function contextJson(source: Searched, line: ContextLine): Record<string, unknown> {
  return {
    ...matchJson({ source, timestamp: line.timestamp, message: line.message }),
    context: !line.match,
  };
}

/** Every stream of every record, except those of attempts that never started. */
function streamsOf(records: readonly JobRecord[], now: number): Searched[] {
  const out: Searched[] = [];
  for (const record of records) {
    for (const stream of record.logStreams ?? []) {
      const attempt = record.attempts?.[stream.attempt - 1];
      if (attempt !== undefined && attempt.startedAt === undefined) continue;
      const start = attempt?.startedAt ?? record.startedAt ?? record.createdAt;
      const stop = attempt?.stoppedAt ?? record.stoppedAt ?? now;
      const container = stream.container === "default" ? "" : ` ${stream.container}`;
      out.push({
        record,
        stream,
        label: `${record.jobId} a${stream.attempt}${container}`,
        from: start === undefined ? undefined : start - WINDOW_MARGIN_MS,
        to: stop + WINDOW_MARGIN_MS,
      });
    }
  }
  return out;
}

/** What --json prints of a match. */
function matchJson(m: Match): Record<string, unknown> {
  const { record, stream } = m.source;
  return {
    jobId: record.jobId,
    jobName: record.jobName,
    ...(record.parentJobId === undefined ? {} : { parentJobId: record.parentJobId }),
    ...(record.arrayIndex === undefined ? {} : { arrayIndex: record.arrayIndex }),
    ...(record.nodeIndex === undefined ? {} : { nodeIndex: record.nodeIndex }),
    ...(record.account === undefined ? {} : { account: record.account }),
    attempt: stream.attempt,
    container: stream.container,
    logGroup: stream.logGroup,
    logRegion: stream.logRegion,
    logStreamName: stream.logStreamName,
    timestamp: m.timestamp,
    message: m.message,
  };
}

/** The streams by start time, cut into batches of FILTER_BATCH. */
function filterBatches(streams: readonly Searched[]): Searched[][] {
  const sorted = [...streams].sort((a, b) => (a.from ?? 0) - (b.from ?? 0));
  const batches: Searched[][] = [];
  for (let i = 0; i < sorted.length; i += FILTER_BATCH) {
    batches.push(sorted.slice(i, i + FILTER_BATCH));
  }
  return batches;
}

/** The time window of some streams: the earliest start (unless one is unknown) to the last stop. */
function windowOf(streams: readonly Searched[]): { from?: number; to: number } {
  const starts = streams.map((s) => s.from);
  return {
    from: starts.some((f) => f === undefined) ? undefined : Math.min(...(starts as number[])),
    to: Math.max(...streams.map((s) => s.to)),
  };
}

/**
 * FilterLogEvents on one batch, every page. A stream that does not exist makes the call fail:
 * the batch is halved until the missing ones are found and left out; a missing group is said.
 */
async function filterBatch(
  calls: LogCalls,
  group: Group,
  batch: readonly Searched[],
  search: SearchPattern,
  io: CliIO,
  onCall: () => void,
  archived?: ArchiveSearch,
): Promise<Match[]> {
  const { target } = group;
  const byName = new Map(batch.map((s) => [s.stream.logStreamName, s]));
  const { from, to } = windowOf(batch);
  const pattern = search.filterPattern ?? "";
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  try {
    do {
      onCall();
      const out = await calls.run(target, "logs:FilterLogEvents", () =>
        target.client.send(
          new (logsSdk().FilterLogEventsCommand)({
            ...target.group,
            logStreamNames: [...byName.keys()],
            ...(pattern === "" ? {} : { filterPattern: pattern }),
            ...(from === undefined ? {} : { startTime: from }),
            endTime: to,
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      );
      events.push(...(out.events ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
  } catch (error) {
    if (!isMissingStream(error)) throw error;
    if (batch.length === 1) {
      const s = batch[0];
      if (archived) return searchArchive(archived, batch, "no longer in CloudWatch Logs");
      if ((await describeGroup(calls, target)) === undefined) {
        io.stderr.write(
          `note: log group ${s.stream.logGroup} does not exist in ${s.stream.logRegion}; not searched.\n`,
        );
      } else {
        io.stderr.write(
          `note: log stream ${s.stream.logStreamName} of job ${s.record.jobId} does not exist in ${s.stream.logGroup}; not searched.\n`,
        );
      }
      return [];
    }
    if ((await describeGroup(calls, target)) === undefined) {
      if (archived) return searchArchive(archived, batch, "its log group no longer exists");
      io.stderr.write(
        `note: log group ${target.ref.logGroup} does not exist in ${target.ref.logRegion}; ` +
          `${plural(batch.length, "stream")} not searched.\n`,
      );
      return [];
    }
    const half = Math.ceil(batch.length / 2);
    return [
      ...(await filterBatch(calls, group, batch.slice(0, half), search, io, onCall, archived)),
      ...(await filterBatch(calls, group, batch.slice(half), search, io, onCall, archived)),
    ];
  }
  return events.flatMap((e) => {
    const source = byName.get(e.logStreamName ?? "");
    const message = e.message ?? "";
    return source && search.test(message) ? [{ source, timestamp: e.timestamp ?? 0, message }] : [];
  });
}

/** What searching the archive needs, and (for -C) the events of each stream read from it. */
interface ArchiveSearch {
  readonly archive: ArchiveReader;
  readonly pattern: SearchPattern;
  readonly io: CliIO;
  readonly keepEvents: boolean;
  readonly events: Map<Searched, { timestamp: number; message: string }[]>;
}

/**
 * The matching lines of streams read from the archive, each stream over its job's time window, in
 * time order. With `why` (--source auto: why CloudWatch Logs could not serve them), each stream
 * says on stderr where it was searched; streams the archive does not hold are said once per
 * reason.
 */
async function searchArchive(
  archived: ArchiveSearch,
  streams: readonly Searched[],
  why?: string,
  tally?: Map<string, number>,
): Promise<Match[]> {
  const { archive, pattern, io } = archived;
  const matches: Match[] = [];
  const unarchived = tally ?? new Map<string, number>();
  for (const s of streams) {
    const ref = groupRef(s.record, s.stream);
    const status = await archive.status(ref, s.stream.logStreamName);
    if (!status.archived) {
      unarchived.set(status.why, (unarchived.get(status.why) ?? 0) + 1);
      continue;
    }
    if (why) {
      io.stderr.write(
        `note: log stream ${s.stream.logStreamName} of job ${s.record.jobId} is ${why}: ` +
          `searched in the archive ${status.url}\n`,
      );
    }
    const held: { timestamp: number; message: string }[] = [];
    for await (const page of archive.pages(ref, s.stream.logStreamName, {
      startTime: s.from,
      endTime: s.to,
    })) {
      for (const e of page) {
        const event = { timestamp: e.timestamp ?? 0, message: e.message ?? "" };
        if (archived.keepEvents) held.push(event);
        if (pattern.test(event.message)) matches.push({ source: s, ...event });
      }
    }
    if (archived.keepEvents) archived.events.set(s, held);
  }
  if (!tally) notArchived(io, unarchived, why);
  return matches.sort((a, b) => a.timestamp - b.timestamp);
}

/** One note per reason a stream was not searched in the archive. */
function notArchived(io: CliIO, unarchived: ReadonlyMap<string, number>, why?: string): void {
  for (const [reason, count] of unarchived) {
    const which = why ? `${why}, and ` : "";
    io.stderr.write(
      `note: ${plural(count, "stream")} not searched: ${which}not archived: ${reason}.\n`,
    );
  }
}

/**
 * --source archive: every stream searched in the archive and printed as the CloudWatch Logs
 * search prints it (the streams by start time, in batches of FILTER_BATCH, each batch's lines in
 * time order), then what reading the archive cost.
 */
async function printArchiveMatches(
  archived: ArchiveSearch,
  streams: readonly Searched[],
  json: boolean,
  context: number | undefined,
): Promise<number> {
  const { io, pattern, archive } = archived;
  let matches = 0;
  const jobs = new Set<string>();
  let groupsPrinted = 0;
  const unarchived = new Map<string, number>();
  for (const batch of filterBatches(streams)) {
    const found = await searchArchive(archived, batch, undefined, unarchived);
    for (const [source, own] of context === undefined
      ? [[undefined, found] as const]
      : byStream(found)) {
      const lines =
        source === undefined
          ? own.map((m) => ({ ...m, match: true, gap: false }))
          : contextOf(archived.events.get(source) ?? [], context as number, pattern.test);
      matches += own.length;
      lines.forEach((line, i) => {
        const from = "source" in line ? (line as Match).source : (source as Searched);
        jobs.add(from.record.jobId);
        const object = matchJson({
          source: from,
          timestamp: line.timestamp,
          message: line.message,
        });
        if (json) {
          const document = context === undefined ? object : { ...object, context: !line.match };
          io.stdout.write(JSON.stringify(document) + "\n");
          return;
        }
        if (context !== undefined && ((i === 0 && groupsPrinted > 0) || line.gap)) {
          io.stdout.write("--\n");
        }
        const mark = context === undefined ? " " : line.match ? ":" : "-";
        const time = new Date(line.timestamp).toISOString();
        io.stdout.write(`${time}  ${from.label}${mark} ${line.message}\n`);
      });
      if (source !== undefined && lines.length > 0) groupsPrinted++;
    }
  }
  notArchived(io, unarchived);
  const { lists, gets, bytes } = archive.cost;
  const skipped = [...unarchived.values()].reduce((a, b) => a + b, 0);
  const searched =
    `${skipped > 0 ? `${streams.length - skipped} of ` : ""}${plural(streams.length, "stream")} of ${plural(new Set(streams.map((s) => s.record.jobId)).size, "job")} ` +
    `in the archive (${plural(lists, "LIST request")}, ${plural(gets, "GET request")}, ${formatBytes(bytes)} read)`;
  return searchSummary(io, pattern, matches, jobs.size, searched);
}

/**
 * The last line of a search, on stderr: what matched and what was searched (`searched`, where
 * the lines were read and what that cost); exit 1 when nothing matched.
 */
function searchSummary(
  io: CliIO,
  pattern: SearchPattern,
  matches: number,
  jobs: number,
  searched: string,
): number {
  if (matches === 0) {
    io.stderr.write(`batch-job-log search: no line ${what(pattern)} in ${searched}.\n`);
    return EXIT_FAILED;
  }
  io.stderr.write(
    `search: ${plural(matches, "matching line")} in ${plural(jobs, "job")}; searched ${searched}.\n`,
  );
  return EXIT_OK;
}

/** One Logs Insights query: its streams and its query string. */
interface Slice {
  readonly streams: readonly Searched[];
  readonly query: string;
}

function queryString(names: readonly string[], pattern: SearchPattern): string {
  return [
    "fields @timestamp, @message, @logStream, @log",
    `filter @logStream in [${names.map((n) => JSON.stringify(n)).join(", ")}]`,
    pattern.insightsFilter,
    "sort @timestamp asc",
    `limit ${QUERY_MAX_ROWS}`,
  ].join("\n| ");
}

/** The streams by start time, cut so that each query string fits QUERY_MAX_CHARS. */
function querySlices(streams: readonly Searched[], text: SearchPattern): Slice[] {
  const sorted = [...streams].sort((a, b) => (a.from ?? 0) - (b.from ?? 0));
  const slices: Slice[] = [];
  let current: Searched[] = [];
  for (const s of sorted) {
    const names = [...current, s].map((c) => c.stream.logStreamName);
    if (current.length > 0 && queryString(names, text).length > QUERY_MAX_CHARS) {
      slices.push({
        streams: current,
        query: queryString(
          current.map((c) => c.stream.logStreamName),
          text,
        ),
      });
      current = [];
    }
    current.push(s);
  }
  slices.push({
    streams: current,
    query: queryString(
      current.map((c) => c.stream.logStreamName),
      text,
    ),
  });
  return slices;
}

/**
 * The bytes the queries would scan: per group, its stored bytes (DescribeLogGroups) times the
 * share of the group's lifetime (since its creation, at most its retention) that the queries'
 * windows cover. Said on stderr per group.
 */
async function estimateScan(
  calls: LogCalls,
  queries: ReadonlyMap<Group, readonly Slice[]>,
  now: number,
  io: CliIO,
): Promise<number> {
  let total = 0;
  for (const [group, slices] of queries) {
    const facts = await describeGroup(calls, group.target);
    const windows = slices.reduce((n, s) => {
      const w = windowOf(s.streams);
      return n + (w.to - (w.from ?? 0));
    }, 0);
    const born = Math.max(
      facts?.creationTime ?? 0,
      facts?.retentionInDays === undefined ? 0 : now - facts.retentionInDays * DAY_MS,
    );
    const share = Math.min(1, windows / Math.max(1, now - born));
    const bytes = Math.round((facts?.storedBytes ?? 0) * share);
    total += bytes;
    const ref = group.target.ref;
    io.stderr.write(
      `search: Logs Insights on ${plural(group.streams.length, "stream")} of log group ${ref.logGroup} ` +
        `(${ref.logRegion}) in ${plural(slices.length, "query", "queries")}: about ${formatBytes(bytes)} scanned ` +
        `(${facts?.storedBytes === undefined ? "stored bytes unknown" : `${formatBytes(facts.storedBytes)} stored, prorated to the jobs' time windows`}).\n`,
    );
  }
  return total;
}

function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Runs one Insights query and waits for its rows. */
async function runQuery(
  calls: LogCalls,
  group: Group,
  slice: Slice,
  pattern: SearchPattern,
  wait: (ms: number, signal: AbortSignal) => Promise<void>,
  stop: AbortController,
  io: CliIO,
): Promise<Match[]> {
  const { target } = group;
  const { from, to } = windowOf(slice.streams);
  const groups =
    "logGroupIdentifier" in target.group
      ? { logGroupIdentifiers: [target.arn] }
      : { logGroupNames: [target.ref.logGroup] };
  const { queryId } = await calls.run(target, "logs:StartQuery", () =>
    target.client.send(
      new (logsSdk().StartQueryCommand)({
        ...groups,
        startTime: Math.floor((from ?? 0) / 1000),
        endTime: Math.ceil(to / 1000),
        queryString: slice.query,
      }),
    ),
  );
  for (let poll = 0; ; poll++) {
    const out = await calls.run(target, "logs:GetQueryResults", () =>
      target.client.send(new (logsSdk().GetQueryResultsCommand)({ queryId })),
    );
    if (out.status === "Complete") {
      const rows = out.results ?? [];
      if (rows.length >= QUERY_MAX_ROWS) {
        io.stderr.write(
          `note: a Logs Insights query on ${target.ref.logGroup} returned ${QUERY_MAX_ROWS} lines, ` +
            "the most it returns: narrow the search (--since, --name, --status) to see them all.\n",
        );
      }
      const byName = new Map(slice.streams.map((s) => [s.stream.logStreamName, s]));
      return rows.flatMap((row) => {
        const field = (name: string) => row.find((f) => f.field === name)?.value ?? "";
        const source = byName.get(field("@logStream"));
        const message = field("@message");
        const timestamp = Date.parse(field("@timestamp").replace(" ", "T") + "Z");
        return source && pattern.test(message) ? [{ source, timestamp, message }] : [];
      });
    }
    if (out.status !== "Running" && out.status !== "Scheduled") {
      throw new LookupError(
        `the Logs Insights query on ${target.arn} ended ${out.status ?? "without a status"}.`,
      );
    }
    await wait(Math.min(5_000, 500 * 1.5 ** poll), stop.signal);
  }
}

/** Asks on the terminal; resolves to the answer. */
function askTerminal(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) =>
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    }),
  );
}
