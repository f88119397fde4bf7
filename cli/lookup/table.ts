/**
 * Reads of the job table: one job by id, many by BatchGetItem, the children of an array or
 * multi-node parent from the sparse `byParentJobId` index, the recent runs of a job name from
 * `byJobName`, and, for `search` without a name, a filtered Scan. Index names
 * come from the record's schema, and every item read is expanded to the full record (or, from an
 * index, to what its projection holds) by the record's own `fromItem`.
 */
import type { QueryCommandInput, ScanCommandInput } from "@aws-sdk/lib-dynamodb";
import {
  BY_JOB_NAME,
  BY_PARENT_JOB_ID,
  fromIndexItem,
  fromItem,
  type CommandSender,
  type JobRecord,
  type StoredItem,
} from "../../record";
import { batchGet, getItem, queryPage, scanPage } from "./clients";
import { JobNotFoundError } from "./errors";

/** What `byParentJobId` gives: keys plus status, exitCode, stoppedAt, and the child's index. */
export type ChildSummary = Pick<
  JobRecord,
  "jobId" | "parentJobId" | "status" | "exitCode" | "arrayIndex" | "nodeIndex" | "stoppedAt"
>;

/** What `byJobName` gives: keys plus status, exit code, times, queue, region and account. */
export type RunSummary = Pick<
  JobRecord,
  | "jobId"
  | "jobName"
  | "createdAt"
  | "status"
  | "exitCode"
  | "startedAt"
  | "stoppedAt"
  | "jobQueue"
  | "region"
  | "account"
>;

/** Which runs to keep: each a filter, checked by DynamoDB on the stored (compact) item. */
export interface RunFilter {
  /** Only runs created at or after this time (epoch ms). */
  readonly createdSince?: number;
  readonly status?: string;
  /** The account the job ran in (`account`). */
  readonly account?: string;
  /** The region the job ran in (`region`). */
  readonly region?: string;
  /** A job queue, by name or ARN. */
  readonly queue?: string;
}

export interface RunQuery extends RunFilter {
  readonly jobName: string;
  /** At most this many runs; pages are read until as many matched (default: every run). */
  readonly limit?: number;
}

/** BatchGetItem takes at most 100 keys a call. */
export const BATCH_GET_KEYS = 100;
/** Rounds of UnprocessedKeys before giving up. */
const BATCH_GET_ROUNDS = 10;

/** A FilterExpression over the stored item, with its names and values. */
interface Filter {
  readonly expression?: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

/** The queue's name, from a name or a job queue ARN. */
function queueName(queue: string): string {
  return queue.startsWith("arn:") ? queue.slice(queue.indexOf("job-queue/") + 10) : queue;
}

/**
 * The filter of `filter`, `createdSince` included unless it is a key condition. A queue is
 * stored as its name when it is in the job's own region and account (docs/record.md), whole
 * otherwise: both forms are matched here, and `matchesQueue` checks the expanded record.
 */
function runFilter(filter: RunFilter, withCreated: boolean): Filter {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const terms: string[] = [];
  const equal = (attribute: string, value: unknown) => {
    const n = `#${attribute}`;
    names[n] = attribute;
    values[`:${attribute}`] = value;
    terms.push(`${n} = :${attribute}`);
  };
  if (withCreated && filter.createdSince !== undefined) {
    names["#createdAt"] = "createdAt";
    values[":createdAt"] = filter.createdSince;
    terms.push("#createdAt >= :createdAt");
  }
  if (filter.status !== undefined) equal("status", filter.status);
  if (filter.account !== undefined) equal("account", filter.account);
  if (filter.region !== undefined) equal("region", filter.region);
  if (filter.queue !== undefined) {
    const name = queueName(filter.queue);
    names["#jobQueue"] = "jobQueue";
    values[":queueName"] = name;
    values[":queueSuffix"] = `:job-queue/${name}`;
    terms.push("(#jobQueue = :queueName OR contains(#jobQueue, :queueSuffix))");
  }
  return { expression: terms.length > 0 ? terms.join(" AND ") : undefined, names, values };
}

/** True when the record's queue is `queue` (a name, or an ARN compared whole). */
export function matchesQueue(jobQueue: string | undefined, queue: string | undefined): boolean {
  if (queue === undefined) return true;
  if (jobQueue === undefined) return false;
  return queue.startsWith("arn:") ? jobQueue === queue : queueName(jobQueue) === queue;
}

export class JobTable {
  constructor(
    readonly tableName: string,
    private readonly client: CommandSender,
  ) {}

  /** The job's record; JobNotFoundError when the table has none. */
  async get(jobId: string): Promise<JobRecord> {
    const out = await getItem(this.client, {
      TableName: this.tableName,
      Key: { jobId },
      ConsistentRead: true,
    });
    if (!out.Item) throw new JobNotFoundError(jobId, this.tableName);
    return fromItem(out.Item);
  }

  /**
   * The records of `jobIds` by BatchGetItem, 100 keys a call; UnprocessedKeys are asked again
   * after a growing wait. Ids the table does not hold are absent from the map.
   */
  async getMany(
    jobIds: readonly string[],
    options: {
      readonly sleep: (ms: number) => Promise<void>;
      readonly onProgress?: (done: number, total: number) => void;
    },
  ): Promise<Map<string, JobRecord>> {
    const records = new Map<string, JobRecord>();
    for (let i = 0; i < jobIds.length; i += BATCH_GET_KEYS) {
      let keys: Record<string, unknown>[] = jobIds
        .slice(i, i + BATCH_GET_KEYS)
        .map((jobId) => ({ jobId }));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= BATCH_GET_ROUNDS) {
          throw new Error(
            `DynamoDB left ${keys.length} keys of table ${this.tableName} unprocessed ${BATCH_GET_ROUNDS} times; try again later.`,
          );
        }
        if (round > 0) await options.sleep(Math.min(5_000, 100 * 2 ** round));
        const out = await batchGet(this.client, {
          RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
        });
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const record = fromItem(item);
          records.set(record.jobId, record);
        }
        keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
      options.onProgress?.(Math.min(jobIds.length, i + BATCH_GET_KEYS), jobIds.length);
    }
    return records;
  }

  /** Every item of the table that passes `filter`, page by page, expanded: a Scan. */
  async *scan(filter: RunFilter): AsyncGenerator<JobRecord[]> {
    const { expression, names, values } = runFilter(filter, true);
    let startKey: Record<string, unknown> | undefined;
    do {
      const input: ScanCommandInput = {
        TableName: this.tableName,
        ...(expression
          ? {
              FilterExpression: expression,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }
          : {}),
        ExclusiveStartKey: startKey,
      };
      const out = await scanPage(this.client, input);
      yield (out.Items ?? [])
        .map((item) => fromItem(item))
        .filter((r) => matchesQueue(r.jobQueue, filter.queue));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  /** Every recorded child of a parent, page after page, by array index or node index. */
  async children(parentJobId: string): Promise<ChildSummary[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: BY_PARENT_JOB_ID,
      KeyConditionExpression: "parentJobId = :p",
      ExpressionAttributeValues: { ":p": parentJobId },
    });
    return items
      .map((item) => fromIndexItem(item, BY_PARENT_JOB_ID) as ChildSummary)
      .sort(compareChildren);
  }

  /**
   * The most recent runs of a job name, newest first, at most `limit`: `createdSince` is a key
   * condition, the rest of the filter a FilterExpression on the index's projection.
   */
  async runsByName(query: RunQuery): Promise<RunSummary[]> {
    const filter = runFilter(query, false);
    const names: Record<string, string> = { ...filter.names, "#n": "jobName" };
    const values: Record<string, unknown> = { ...filter.values, ":n": query.jobName };
    let keyCondition = "#n = :n";
    if (query.createdSince !== undefined) {
      names["#c"] = "createdAt";
      values[":c"] = query.createdSince;
      keyCondition += " AND #c >= :c";
    }
    const runs = await this.queryAll(
      {
        TableName: this.tableName,
        IndexName: BY_JOB_NAME,
        KeyConditionExpression: keyCondition,
        ...(filter.expression ? { FilterExpression: filter.expression } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
      },
      query.limit,
    );
    return runs
      .map((item) => fromIndexItem(item, BY_JOB_NAME) as RunSummary)
      .filter((r) => matchesQueue(r.jobQueue, query.queue));
  }

  /**
   * Every item of a query, page after page; with `limit`, at most that many, and no more pages
   * read than needed.
   */
  private async queryAll(input: QueryCommandInput, limit?: number): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await queryPage(this.client, {
        ...input,
        // Without a filter every item read is a match: read no more than needed.
        ...(limit !== undefined && !input.FilterExpression ? { Limit: limit - items.length } : {}),
        ExclusiveStartKey: startKey,
      });
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && (limit === undefined || items.length < limit));
    return limit === undefined ? items : items.slice(0, limit);
  }
}

/**
 * By array index or node index, then by job id. A child always has one of the two indexes: the
 * handler sets parentJobId only with arrayIndex or nodeIndex, and byParentJobId projects both.
 */
export function compareChildren(a: ChildSummary, b: ChildSummary): number {
  const ia = a.arrayIndex ?? a.nodeIndex ?? Number.MAX_SAFE_INTEGER;
  const ib = b.arrayIndex ?? b.nodeIndex ?? Number.MAX_SAFE_INTEGER;
  if (ia !== ib) return ia - ib;
  return a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0;
}
