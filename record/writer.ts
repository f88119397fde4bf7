/**
 * The conditional write, sent: a record goes to the table as its compact item, written only over
 * a smaller revision (record/layout.ts), so duplicates are no-ops and a late event never replaces
 * a more final one. The check is the write's own condition, so two concurrent writers cannot race.
 * DynamoDB errors other than the failed condition propagate. Used by the Lambda and by
 * `batch-job-log backfill`.
 */
import { itemLayout } from "./layout";
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
 * A writer on `client` (a DynamoDBDocumentClient), or on a new default client. The SDK is
 * required here, not at module scope, so that the serialized Lambda resolves it from the runtime;
 * the Lambda creates its writer once per cold start.
 */
export function createRecordWriter(tableName: string, client?: CommandSender): RecordWriter {
  const { PutCommand } = require("@aws-sdk/lib-dynamodb");
  const { putItemInput } = itemLayout();
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
