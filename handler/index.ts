/**
 * The Lambda's shell around the pure core: read the configuration from the environment (failing
 * fast), build the record, write it, and log one JSON line per event. The Pulumi program attaches
 * `createEventHandler` as CallbackFunction's factory; nothing here imports `@pulumi/*`.
 *
 * Errors are never hidden: an invalid event and a DynamoDB failure both throw, so that Lambda's
 * asynchronous retries and then the dead-letter queue see them.
 */
import { isInvalidEventError, recordFromEvent } from "./record";
import { createRecordWriter, type RecordWriter, type WriteOutcome } from "./store";

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

/** Handles one EventBridge event: validate, build, conditionally write, log. */
export async function handleEvent(event: unknown, deps: HandlerDeps): Promise<HandlerResult> {
  let record;
  try {
    record = recordFromEvent(event, { retentionDays: deps.retentionDays, now: deps.now() });
  } catch (error) {
    if (isInvalidEventError(error)) {
      deps.log({
        level: "ERROR",
        outcome: "invalid",
        eventId: error.eventId,
        error: error.message,
      });
    }
    throw error;
  }
  const line = { jobId: record.jobId, status: record.status, eventId: record.eventId };
  let outcome: WriteOutcome;
  try {
    outcome = await deps.writer.put(record);
  } catch (error) {
    deps.log({ level: "ERROR", ...line, outcome: "error", error: String(error) });
    throw error;
  }
  deps.log({ level: "INFO", ...line, outcome });
  return { jobId: record.jobId, status: record.status, outcome };
}

/**
 * The factory CallbackFunction calls once per cold start: configuration and the DynamoDB client
 * are created here, outside the per-event path.
 */
export function createEventHandler(
  env: Record<string, string | undefined> = process.env,
): (event: unknown) => Promise<HandlerResult> {
  const config = readHandlerConfig(env);
  const deps: HandlerDeps = {
    writer: createRecordWriter(config.tableName),
    retentionDays: config.retentionDays,
    now: () => new Date(),
    // Written straight to stdout as one JSON line, as Powertools' logger does: Lambda's JSON
    // log format keeps it as the structured message.
    log: (line) => process.stdout.write(JSON.stringify(line) + "\n"),
  };
  return (event) => handleEvent(event, deps);
}
