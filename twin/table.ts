/**
 * The DynamoDB table as the program declares it, turned into a CreateTable request: the twin and
 * the tests create their table from the program's own Table inputs, so the two cannot drift.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";

interface TableInputs {
  readonly hashKey?: string;
  readonly rangeKey?: string;
  readonly attributes?: readonly { name: string; type: "S" | "N" | "B" }[];
  readonly globalSecondaryIndexes?: readonly {
    name: string;
    hashKey: string;
    rangeKey?: string;
    projectionType: "ALL" | "KEYS_ONLY" | "INCLUDE";
    nonKeyAttributes?: string[];
  }[];
}

/** CreateTable input (on-demand) for `tableName` from a registered Table's inputs. */
export function createTableInput(
  tableName: string,
  inputs: Record<string, unknown>,
): CreateTableCommandInput {
  const table = inputs as TableInputs;
  if (!table.hashKey || !table.attributes) {
    throw new Error("The Table inputs have no hashKey or attributes.");
  }
  const keys = (hash: string, range?: string) => [
    { AttributeName: hash, KeyType: "HASH" as const },
    ...(range ? [{ AttributeName: range, KeyType: "RANGE" as const }] : []),
  ];
  const indexes = table.globalSecondaryIndexes ?? [];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: table.attributes.map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    KeySchema: keys(table.hashKey, table.rangeKey),
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keys(index.hashKey, index.rangeKey),
            Projection: {
              ProjectionType: index.projectionType,
              ...(index.nonKeyAttributes?.length
                ? { NonKeyAttributes: index.nonKeyAttributes }
                : {}),
            },
          })),
        }
      : {}),
  };
}

/** Creates the table unless it exists; returns true when it created it. */
export async function ensureTable(
  client: { send(command: unknown): Promise<unknown> },
  input: CreateTableCommandInput,
): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    return false;
  } catch (error) {
    if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
  }
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists(
    { client: client as DynamoDBClient, maxWaitTime: 60, minDelay: 1 },
    { TableName: input.TableName },
  );
  return true;
}
