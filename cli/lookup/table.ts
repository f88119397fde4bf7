/**
 * Reads of the job table: one job by id, the children of an array or multi-node parent from the
 * sparse `byParentJobId` index, and the recent runs of a job name from `byJobName`. Index names
 * come from the record's schema, and every item read is expanded to the full record (or, from an
 * index, to what its projection holds) by the record's own `fromItem`.
 */
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import {
  BY_JOB_NAME,
  BY_PARENT_JOB_ID,
  fromIndexItem,
  fromItem,
  type CommandSender,
  type JobRecord,
  type StoredItem,
} from "../../record";
import { getItem, queryPage } from "./clients";
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

export interface RunQuery {
  readonly jobName: string;
  /** Only runs created at or after this time (epoch ms): a key condition on `createdAt`. */
  readonly createdSince?: number;
  /** Only runs in this status: a filter, so pages are read until `limit` runs matched. */
  readonly status?: string;
  readonly limit: number;
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

  /** The most recent runs of a job name, newest first, at most `limit`. */
  async runsByName(query: RunQuery): Promise<RunSummary[]> {
    const names: Record<string, string> = { "#n": "jobName" };
    const values: Record<string, unknown> = { ":n": query.jobName };
    let keyCondition = "#n = :n";
    if (query.createdSince !== undefined) {
      names["#c"] = "createdAt";
      values[":c"] = query.createdSince;
      keyCondition += " AND #c >= :c";
    }
    let filter: string | undefined;
    if (query.status !== undefined) {
      names["#s"] = "status";
      values[":s"] = query.status;
      filter = "#s = :s";
    }
    const runs = await this.queryAll(
      {
        TableName: this.tableName,
        IndexName: BY_JOB_NAME,
        KeyConditionExpression: keyCondition,
        ...(filter ? { FilterExpression: filter } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
      },
      query.limit,
    );
    return runs.map((item) => fromIndexItem(item, BY_JOB_NAME) as RunSummary);
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
