/**
 * What `logs` and its --follow share: the run's settings (the time window of --since and
 * --until, --tail, --timestamps, --prefix/--no-prefix), the `==>` header of a stream, a source's
 * pages (all of them, or its last --tail events), and how one event is written (after a prefix
 * and its time, or as a JSON object with the source's tags).
 */
import type { OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import type { JobRecord, LogStreamRef } from "../../record";
import type { CliIO } from "../io";
import type { GroupRef, LogAccess } from "./log-access";
import type { LogTarget } from "./log-access";
import { readTail, streamPages, type LogCalls } from "./log-read";

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
