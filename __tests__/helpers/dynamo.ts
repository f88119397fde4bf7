/**
 * A real DynamoDB API for tests: dynalite in-process, with the table created from the record's
 * schema, the keys and indexes the program declares (program.test.ts checks that it does), so the
 * test table cannot drift from the deployed one and no test needs the program evaluated for it.
 */
import { QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { fromItem, tableKeysAndIndexes, type JobRecord } from "../../record";
import { LOCAL_REGION, startLocalTable } from "../../twin/dynamo-local";
import { localSdkEnv, setEnvironment } from "../../twin/environment";

export interface TestTable {
  /** Where dynalite listens. */
  readonly dynamo: { readonly endpoint: string };
  readonly tableName: string;
  readonly doc: DynamoDBDocumentClient;
  /** Every stored item, sorted by jobId (`localeCompare`, the order handler-faults.test.ts expects). */
  items(): Promise<Record<string, unknown>[]>;
  /** Every item expanded to its job record (record `fromItem`), in the same order. */
  records(): Promise<JobRecord[]>;
  query(index: string, key: string, value: unknown): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Starts dynalite and creates the program's table in it; sets the SDK's standard variables (the
 * endpoint, region and dummy credentials) until close().
 */
export async function startTestTable(tableName = "jobs-test"): Promise<TestTable> {
  const table = await startLocalTable({ tableInputs: tableKeysAndIndexes(), tableName });
  const restoreEnvironment = setEnvironment(localSdkEnv(table.endpoint, LOCAL_REGION));
  const doc = table.documents;
  const items = async () =>
    (await table.items()).sort((a, b) => String(a.jobId).localeCompare(String(b.jobId)));
  return {
    dynamo: { endpoint: table.endpoint },
    tableName,
    doc,
    items,
    async records() {
      return (await items()).map((item) => fromItem(item));
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
      restoreEnvironment();
      await table.close();
    },
  };
}

/** A record or item without the write time, which differs between otherwise identical writes. */
export function withoutWriteTime(item: object): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...item };
  delete rest.recordedAt;
  return rest;
}
