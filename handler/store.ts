/**
 * Writes a record with the one rule that makes delivery order irrelevant: an item is replaced
 * only by a record with a greater revision, so duplicates are no-ops and a late event never
 * replaces a more final one. The check is the write's own condition, so two concurrent writers
 * cannot race. DynamoDB errors other than the failed condition propagate.
 */
import type { JobRecord } from "./types";

export type WriteOutcome = "recorded" | "unchanged";

/** Anything that sends lib-dynamodb commands: a DynamoDBDocumentClient. */
export interface CommandSender {
  send(command: unknown): Promise<unknown>;
}

export interface RecordWriter {
  put(record: JobRecord): Promise<WriteOutcome>;
}

/**
 * The PutItem input for a record: the whole item, written only over an item of a smaller
 * revision. An equal revision is a duplicate delivery and a no-op, with one exception: a record
 * from an event replaces a backfilled one (event id "") of the same revision.
 */
export function putItemInput(tableName: string, record: JobRecord) {
  const fromEvent = record.eventId !== "";
  return {
    TableName: tableName,
    Item: record,
    ConditionExpression:
      "attribute_not_exists(jobId) OR revision < :revision" +
      (fromEvent ? " OR (revision = :revision AND eventId = :backfilled)" : ""),
    ExpressionAttributeValues: {
      ":revision": record.revision,
      ...(fromEvent ? { ":backfilled": "" } : {}),
    },
  };
}

/**
 * A writer on `client` (a DynamoDBDocumentClient), or on a new default client. The SDK is
 * required here, not at module scope, so that the serialized Lambda resolves it from the runtime.
 */
export function createRecordWriter(tableName: string, client?: CommandSender): RecordWriter {
  const { PutCommand } = require("@aws-sdk/lib-dynamodb");
  const sender = client ?? createDocumentClient();
  return {
    async put(record) {
      try {
        await sender.send(new PutCommand(putItemInput(tableName, record)));
        return "recorded";
      } catch (error) {
        if ((error as { name?: string }).name === "ConditionalCheckFailedException") {
          return "unchanged";
        }
        throw error;
      }
    },
  };
}

/** A document client from the environment (region, credentials, AWS_ENDPOINT_URL_DYNAMODB). */
export function createDocumentClient(config: Record<string, unknown> = {}): CommandSender {
  const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
  const { DynamoDBDocumentClient } = require("@aws-sdk/lib-dynamodb");
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
