/**
 * The Lambda: read the configuration from the environment (failing fast), then for each event
 * build the record, write it, and log one JSON line. The Pulumi program attaches
 * `createEventHandler` as CallbackFunction's factory; nothing here imports `@pulumi/*`.
 *
 * Everything the Lambda runs per event is created once per cold start, inside the factory: Pulumi's
 * closure serializer re-creates a captured module-level function on every call (record/build.ts
 * says more), so the per-event path calls only closures. A test lists the functions the serialized
 * code wraps, so that a captured helper on the per-event path cannot slip back in.
 *
 * Errors are never hidden: an invalid event and a DynamoDB failure both throw, so that Lambda's
 * asynchronous retries and then the dead-letter queue see them.
 */
import { recordBuilder } from "../record/build";
import type { JobRecord } from "../record/types";
import { createRecordWriter, type RecordWriter, type WriteOutcome } from "../record/writer";

export interface HandlerConfig {
  readonly tableName: string;
  readonly retentionDays?: number;
}

export interface HandlerResult {
  readonly jobId: string;
  readonly status: string;
  readonly outcome: WriteOutcome;
}

export interface HandlerDeps {
  readonly writer: RecordWriter;
  readonly retentionDays?: number;
  readonly now: () => Date;
  readonly log: (line: Record<string, unknown>) => void;
}

export type EventHandler = (event: unknown) => Promise<HandlerResult>;

/** Reads TABLE_NAME (required) and RETENTION_DAYS (optional, a positive whole number). */
export function readHandlerConfig(env: Record<string, string | undefined>): HandlerConfig {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error("TABLE_NAME must be set to the DynamoDB table's name.");
  const retention = env.RETENTION_DAYS;
  if (retention === undefined || retention === "") return { tableName };
  const retentionDays = Number(retention);
  if (!Number.isInteger(retentionDays) || retentionDays <= 0) {
    throw new Error(`RETENTION_DAYS must be a positive whole number of days, got "${retention}".`);
  }
  return { tableName, retentionDays };
}

/** The per-event function on `deps`: validate, build, conditionally write, log. */
export function eventHandler(deps: HandlerDeps): EventHandler {
  const { String } = globalThis;
  const { recordFromEvent, isInvalidEventError } = recordBuilder();
  const { writer, retentionDays, now, log } = deps;
  return async (event) => {
    let record: JobRecord;
    try {
      record = recordFromEvent(event, { retentionDays, now: now() });
    } catch (error) {
      if (isInvalidEventError(error)) {
        log({ level: "ERROR", outcome: "invalid", eventId: error.eventId, error: error.message });
      }
      throw error;
    }
    const { jobId, status, eventId } = record;
    let outcome: WriteOutcome;
    try {
      outcome = await writer.put(record);
    } catch (error) {
      log({ level: "ERROR", jobId, status, eventId, outcome: "error", error: String(error) });
      throw error;
    }
    log({ level: "INFO", jobId, status, eventId, outcome });
    return { jobId, status, outcome };
  };
}

/**
 * The factory CallbackFunction calls once per cold start: configuration, the DynamoDB client and
 * the per-event function are created here.
 */
export function createEventHandler(
  env: Record<string, string | undefined> = process.env,
): EventHandler {
  const { JSON, Date } = globalThis;
  const config = readHandlerConfig(env);
  const stdout = process.stdout;
  return eventHandler({
    writer: createRecordWriter(config.tableName),
    retentionDays: config.retentionDays,
    now: () => new Date(),
    // Written straight to stdout as one JSON line, as Powertools' logger does: Lambda's JSON
    // log format keeps it as the structured message.
    log: (line) => stdout.write(JSON.stringify(line) + "\n"),
  });
}
