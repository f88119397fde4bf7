/**
 * A real DynamoDB API for tests: dynalite in-process, with the table created from the program's
 * own Table inputs (so the test table cannot drift from the deployed one).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { startLocalDynamo, localClientConfig, type LocalDynamo } from "../../twin/dynamo-local";
import { onlyResource, type ProgramModel } from "../../twin/program";
import { createTableInput, ensureTable } from "../../twin/table";

export interface TestTable {
  readonly dynamo: LocalDynamo;
  readonly tableName: string;
  readonly doc: DynamoDBDocumentClient;
  /** Every item, sorted by jobId. */
  items(): Promise<Record<string, unknown>[]>;
  query(index: string, key: string, value: unknown): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Starts dynalite and creates the program's table in it; sets the SDK's standard variables. */
export async function startTestTable(
  model: ProgramModel,
  tableName = "jobs-test",
): Promise<TestTable> {
  const dynamo = await startLocalDynamo();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  });
  const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  await ensureTable(
    client,
    createTableInput(tableName, onlyResource(model, "aws:dynamodb/table:Table").inputs),
  );
  return {
    dynamo,
    tableName,
    doc,
    async items() {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.sort((a, b) => String(a.jobId).localeCompare(String(b.jobId)));
    },
    async query(index, key, value) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: "#k = :v",
          ExpressionAttributeNames: { "#k": key },
          ExpressionAttributeValues: { ":v": value },
        }),
      );
      return page.Items ?? [];
    },
    async close() {
      client.destroy();
      await dynamo.close();
    },
  };
}

/** An item without the write time, which differs between otherwise identical writes. */
export function withoutWriteTime(item: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...item };
  delete rest.recordedAt;
  return rest;
}
