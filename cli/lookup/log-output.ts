/**
 * What `logs` and its --follow share: the run's settings, the `==>` header of a stream, and how
 * one event is written (its message after a prefix, or a JSON object with the source's tags).
 */
import type { OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import type { JobRecord, LogStreamRef } from "../../record";
import type { CliIO } from "../io";
import type { GroupRef, LogAccess } from "./log-access";
import type { LogCalls } from "./log-read";

/** What a `logs` run shares with its helpers. */
export interface LogsRun {
  readonly io: CliIO;
  readonly json: boolean;
  readonly calls: LogCalls;
  readonly access: LogAccess;
  readonly now: () => number;
  /** --since: the first page of each stream from this time (epoch ms). */
  readonly startTime?: number;
}

/** The `==> group stream (region), attempt N, container C` line on stderr. */
export function header(stream: LogStreamRef): string {
  return `==> ${stream.logGroup} ${stream.logStreamName} (${stream.logRegion}), attempt ${stream.attempt}, container ${stream.container}\n`;
}

/** Where a stream's group is, for LogAccess. */
export function groupRef(record: JobRecord, stream: LogStreamRef): GroupRef {
  return { logGroup: stream.logGroup, logRegion: stream.logRegion, account: record.account };
}

/** Writes one event: its message after `prefix`, or with --json an object with `tags`. */
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
    run.io.stdout.write(prefix + (message.endsWith("\n") ? message : message + "\n"));
  }
}
