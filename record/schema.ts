/**
 * The job table's schema: its key, its attribute types and its four indexes with what they
 * project. The Pulumi program declares the table from this (index.ts), the offline twin creates
 * its table from the program's inputs, and the command-line tool queries the indexes by these
 * names; nothing restates them.
 *
 * The projections hold what the CLI lists (`find`, the children of `show`) plus what expanding a
 * projected item needs (`layout`, the job's region and account, the index overrides of the
 * compact layout, record/layout.ts).
 */

/** The table's partition key. */
export const TABLE_KEY = "jobId";

/** The recent runs of one job name, newest first (`find`, `search --name`). */
export const BY_JOB_NAME = "byJobName";
/** Sparse: only array children and multi-node nodes carry parentJobId (`show`, `logs` of a parent). */
export const BY_PARENT_JOB_ID = "byParentJobId";
/** Every job of a status and UTC day, 8 shards, newest first (`find` without a name). */
export const BY_STATUS_DAY = "byStatusDay";
/** Every job of a queue and UTC day, 8 shards, newest first (`find --queue` without a name). */
export const BY_QUEUE_DAY = "byQueueDay";
/** What the listing indexes project: what `find` prints and what expanding it needs. */
const LISTED = [
  "layout",
  "jobName",
  "createdAt",
  "status",
  "exitCode",
  "startedAt",
  "stoppedAt",
  "jobQueue",
  "region",
  "account",
] as const;

export type AttributeType = "S" | "N";

export interface IndexSchema {
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey: string;
  /** Attributes copied into the index besides the table's and the index's keys. */
  readonly nonKeyAttributes: readonly string[];
}

export interface TableSchema {
  readonly hashKey: string;
  /** The type of every key attribute of the table and its indexes. */
  readonly attributes: readonly { readonly name: string; readonly type: AttributeType }[];
  readonly indexes: readonly IndexSchema[];
  /** The TTL attribute (epoch seconds), set when the stack keeps records for a retention. */
  readonly ttlAttribute: string;
}

export const TABLE_SCHEMA: TableSchema = {
  hashKey: TABLE_KEY,
  attributes: [
    { name: TABLE_KEY, type: "S" },
    { name: "jobName", type: "S" },
    { name: "createdAt", type: "N" },
    { name: "parentJobId", type: "S" },
    { name: "listStatus", type: "S" },
    { name: "listQueue", type: "S" },
    { name: "listedAt", type: "N" },
  ],
  indexes: [
    {
      name: BY_JOB_NAME,
      hashKey: "jobName",
      rangeKey: "createdAt",
      // What the listing indexes project, but this index's own keys.
      nonKeyAttributes: LISTED.filter((name) => name !== "jobName" && name !== "createdAt"),
    },
    {
      name: BY_PARENT_JOB_ID,
      hashKey: "parentJobId",
      rangeKey: TABLE_KEY,
      nonKeyAttributes: ["layout", "status", "exitCode", "stoppedAt", "arrayIndex", "nodeIndex"],
    },
    // Keys computed by record/index-keys.ts: `<status or queue>#<yyyymmdd>#<shard>`, listedAt.
    { name: BY_STATUS_DAY, hashKey: "listStatus", rangeKey: "listedAt", nonKeyAttributes: LISTED },
    { name: BY_QUEUE_DAY, hashKey: "listQueue", rangeKey: "listedAt", nonKeyAttributes: LISTED },
  ],
  ttlAttribute: "expiresAt",
};

/**
 * The table's keys and indexes as the Pulumi program declares them (`aws.dynamodb.Table` inputs):
 * every index projects its INCLUDE list. The twin and the tests create their tables from the
 * same inputs (twin/table.ts `createTableInput`).
 */
export function tableKeysAndIndexes() {
  return {
    hashKey: TABLE_SCHEMA.hashKey,
    attributes: TABLE_SCHEMA.attributes.map(({ name, type }) => ({ name, type })),
    globalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({
      name: index.name,
      hashKey: index.hashKey,
      rangeKey: index.rangeKey,
      projectionType: "INCLUDE" as const,
      nonKeyAttributes: [...index.nonKeyAttributes],
    })),
  };
}

/** The index of that name. */
export function indexSchema(name: string): IndexSchema {
  const index = TABLE_SCHEMA.indexes.find((i) => i.name === name);
  if (!index) throw new Error(`The job table has no index ${name}.`);
  return index;
}

/** Every attribute an item of `index` can hold: the table's key, the index's keys, the rest. */
export function projectedAttributes(index: IndexSchema): string[] {
  return [TABLE_KEY, index.hashKey, index.rangeKey, ...index.nonKeyAttributes];
}
