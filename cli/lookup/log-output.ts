/**
 * What `logs` and its --follow share: the run's settings (the time window of --since and
 * --until, --tail, --timestamps, --prefix/--no-prefix), the `==>` header of a stream, a source's
 * pages (all of them, or its last --tail events), and how one event is written (after a prefix
 * and its time, or as a JSON object with the source's tags).
 */
import type { OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import type { JobRecord, LogStreamRef } from "../../record";
import type { CliIO } from "../io";
import type { ArchiveReader, LogSource } from "./archive";
import { isMissingStream, LookupError } from "./errors";
import type { GroupRef, LogAccess } from "./log-access";
import type { LogTarget } from "./log-access";
import { describeGroup, readTail, streamPages, type LogCalls } from "./log-read";

/**
 * When lines carry a prefix: `auto` where they come from several streams (children, nodes,
 * attempts, containers); `always` (--prefix) on a single stream too; `never` (--no-prefix).
 */
export type PrefixMode = "auto" | "always" | "never";

/** What a `logs` run shares with its helpers. */
export interface LogsRun {
  readonly io: CliIO;
  readonly json: boolean;
  readonly calls: LogCalls;
  readonly access: LogAccess;
  readonly now: () => number;
  /** --since: the first page of each stream from this time (epoch ms). */
  readonly startTime?: number;
  /** --until: only events before this time (epoch ms); --follow stops once it has passed. */
  readonly endTime?: number;
  /** --tail: only the last N events of each stream (then, with --follow, what comes). */
  readonly tail?: number;
  /** --timestamps: each line begins with its event's time. */
  readonly timestamps?: boolean;
  readonly prefix?: PrefixMode;
  /** --source: cloudwatch, archive, or auto (the default: CloudWatch, then the archive). */
  readonly source?: LogSource;
  /**
   * The archive, for --source archive, and for auto when one is known (--archive-bucket,
   * $BATCH_JOB_LOG_ARCHIVE_BUCKET, or --db DIR with DIR/archive): auto never asks S3 otherwise.
   */
  readonly archive?: ArchiveReader;
}

/** A stream that the archive does not hold, with why: a note where several streams are read. */
export class NotArchivedError extends LookupError {
  constructor(message: string) {
    super(message);
    this.name = "NotArchivedError";
  }
}

const DAY_MS = 86_400_000;

/** Each group's retention in days (DescribeLogGroups), asked once per group and run. */
const retentions = new WeakMap<LogsRun, Map<string, Promise<number | undefined>>>();

function retentionOf(run: LogsRun, target: LogTarget): Promise<number | undefined> {
  let byGroup = retentions.get(run);
  if (!byGroup) retentions.set(run, (byGroup = new Map()));
  const key = target.arn;
  let pending = byGroup.get(key);
  if (!pending) {
    pending = describeGroup(run.calls, target).then((g) => g?.retentionInDays);
    byGroup.set(key, pending);
  }
  return pending;
}

/**
 * A stream's events to print from the source --source chooses: CloudWatch Logs (sourcePages),
 * the archive, or with auto CloudWatch Logs unless the stream began before its group's retention
 * (`startedAt`) or does not exist there, in which case the archive serves it, said on stderr
 * (`label` names the stream among several). Without the archive, a missing stream throws what
 * GetLogEvents threw; with --source archive, a stream the archive does not hold throws
 * NotArchivedError.
 */
export async function* pagesFromSource(
  run: LogsRun,
  target: LogTarget,
  stream: LogStreamRef,
  options: { readonly limit?: number; readonly startedAt?: number; readonly label?: string } = {},
): AsyncGenerator<readonly OutputLogEvent[]> {
  const { archive } = run;
  const label = options.label ? `${options.label} ` : "";
  if (run.source === "archive" || (run.source !== "cloudwatch" && archive)) {
    const reader = archive as ArchiveReader;
    const status = async () => reader.status(target.ref, stream.logStreamName);
    if (run.source === "archive") {
      const found = await status();
      if (!found.archived) throw new NotArchivedError(`not archived: ${found.why}.`);
      yield* archivePages(run, reader, target, stream);
      return;
    }
    const retention = options.startedAt === undefined ? undefined : await retentionOf(run, target);
    if (retention !== undefined && (options.startedAt as number) < run.now() - retention * DAY_MS) {
      const found = await status();
      if (found.archived) {
        run.io.stderr.write(
          `note: ${label}source: archive ${found.url} (the stream began before log group ` +
            `${stream.logGroup}'s retention of ${retention} days)\n`,
        );
        yield* archivePages(run, reader, target, stream);
        return;
      }
    }
    try {
      yield* sourcePages(run, target, stream.logStreamName, options.limit);
      return;
    } catch (error) {
      if (!isMissingStream(error)) throw error;
      const found = await status();
      if (!found.archived) {
        run.io.stderr.write(`note: ${label}not in the archive either: ${found.why}.\n`);
        throw error;
      }
      run.io.stderr.write(
        `note: ${label}source: archive ${found.url} (log stream ${stream.logStreamName} is no ` +
          `longer in CloudWatch Logs)\n`,
      );
    }
    yield* archivePages(run, reader, target, stream);
    return;
  }
  yield* sourcePages(run, target, stream.logStreamName, options.limit);
}

/** A stream's archived events in the run's window; with --tail, its last N. */
async function* archivePages(
  run: LogsRun,
  archive: ArchiveReader,
  target: LogTarget,
  stream: LogStreamRef,
): AsyncGenerator<readonly OutputLogEvent[]> {
  const window = { startTime: run.startTime, endTime: run.endTime };
  const pages = archive.pages(target.ref, stream.logStreamName, window);
  if (run.tail === undefined) {
    yield* pages;
    return;
  }
  const held: OutputLogEvent[] = [];
  for await (const page of pages) {
    held.push(...page);
    if (held.length > run.tail) held.splice(0, held.length - run.tail);
  }
  if (held.length > 0) yield held;
}

/** The prefix of a single stream's lines with --prefix: `[name] `, `[name:3] `, `[name#0] `. */
export function jobPrefix(record: JobRecord): string {
  const at =
    record.arrayIndex !== undefined
      ? `:${record.arrayIndex}`
      : record.nodeIndex !== undefined
        ? `#${record.nodeIndex}`
        : "";
  return `[${record.jobName}${at}] `;
}

/**
 * A stream's events to print, page by page: every page in the --since/--until window, or with
 * --tail its last N events in that window (one page). Throws what GetLogEvents throws.
 */
export async function* sourcePages(
  run: LogsRun,
  target: LogTarget,
  logStreamName: string,
  limit?: number,
): AsyncGenerator<readonly OutputLogEvent[]> {
  const window = { startTime: run.startTime, endTime: run.endTime };
  if (run.tail !== undefined) {
    const { events } = await readTail(run.calls, target, logStreamName, run.tail, window);
    if (events.length > 0) yield events;
    return;
  }
  yield* streamPages(run.calls, target, logStreamName, { ...window, limit });
}

/** The time of an event as --timestamps prints it: ISO 8601, UTC, to the millisecond. */
export function eventTime(event: OutputLogEvent): string {
  return new Date(event.timestamp ?? 0).toISOString();
}

/** The `==> group stream (region), attempt N, container C` line on stderr. */
export function header(stream: LogStreamRef): string {
  return `==> ${stream.logGroup} ${stream.logStreamName} (${stream.logRegion}), attempt ${stream.attempt}, container ${stream.container}\n`;
}

/** Where a stream's group is, for LogAccess. */
export function groupRef(record: JobRecord, stream: LogStreamRef): GroupRef {
  return { logGroup: stream.logGroup, logRegion: stream.logRegion, account: record.account };
}

/**
 * Writes one event: its message after `prefix` (and its time with --timestamps), or with --json
 * an object with `tags` (the time is always there).
 */
export function printEvent(
  run: LogsRun,
  event: OutputLogEvent,
  prefix: string,
  tags?: Record<string, unknown>,
): void {
  if (run.json) {
    const { timestamp, ingestionTime, message } = event;
    run.io.stdout.write(JSON.stringify({ ...tags, timestamp, ingestionTime, message }) + "\n");
  } else {
    const message = event.message ?? "";
    const time = run.timestamps ? `${eventTime(event)} ` : "";
    run.io.stdout.write(prefix + time + (message.endsWith("\n") ? message : message + "\n"));
  }
}
