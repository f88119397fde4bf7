/**
 * Recent jobs across the whole table, newest first, without a Scan: `find` without a name, and
 * the Jobs page of a UI. `listJobs` is the API; see its comment.
 *
 * It reads the two listing indexes of the record's schema (record/schema.ts, keys computed by
 * record/index-keys.ts): `byQueueDay` when a queue is given, `byStatusDay` otherwise, one
 * partition key per status (or the queue), UTC day and shard. Each key is queried with its
 * range key between the window's ends, newest first; the shards (and statuses) of one day are
 * merged by time, the days read from the newest on, and no day is read before the newer ones
 * are exhausted. Pages are sized to what is still wanted, so a query without an account, region
 * or name filter reads about one item per item it returns.
 */
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import {
  BATCH_STATUSES,
  BY_JOB_NAME,
  BY_QUEUE_DAY,
  BY_STATUS_DAY,
  fromIndexItem,
  type CommandSender,
  type StoredItem,
} from "../../record";
import { LIST_SHARDS, listKeys } from "../../record/index-keys";
import { OptionError } from "../options";
import { queryPage } from "./clients";
import type { RunSummary } from "./table";
import { matchesQueue } from "./table";

/** Where to read: the job table and its document client. */
export interface ListContext {
  readonly tableName: string;
  readonly client: CommandSender;
  /** Clock (epoch ms) for the default window; Date.now by default. */
  readonly now?: () => number;
}

/** Which jobs to list; every field narrows, none is required. */
export interface ListFilter {
  /** Only jobs in one of these statuses (Batch's spelling, e.g. FAILED). */
  readonly statuses?: readonly string[];
  /** Only jobs of this queue, by name or ARN. */
  readonly queue?: string;
  /** Only jobs listed (ended, else last changed) at or after this time, epoch ms. */
  readonly since?: number;
  /** Only jobs listed before this time, epoch ms (default: now). */
  readonly until?: number;
  /** Only jobs of this AWS account (a hub table holds several). */
  readonly account?: string;
  /** Only jobs that ran in this region. */
  readonly region?: string;
  /** Only jobs whose name starts with this. */
  readonly namePrefix?: string;
}

export interface ListPage {
  /** At most `limit` jobs (all when it is 0), newest first. */
  readonly limit?: number;
  /** Where a previous call stopped: its `nextToken`. */
  readonly nextToken?: string;
}

/** A listed job: what the listing indexes project, and when it is listed (ended or changed). */
export type ListedJob = RunSummary & { readonly listedAt: number };

export interface ListResult {
  readonly jobs: ListedJob[];
  /** Set when more jobs match: pass it back to read on from the last one returned. */
  readonly nextToken?: string;
  /** Items DynamoDB read (ScannedCount) for this call: the cost, in items. */
  readonly itemsRead: number;
}

/** Without `since`, how far back a list looks. */
export const DEFAULT_LOOKBACK_MS = 7 * 86_400_000;
/** The default `limit`. */
export const DEFAULT_LIST_LIMIT = 20;

/** A bad next token (not one a list returned): a usage error of the option that gave it. */
export class NextTokenError extends OptionError {}

interface Token {
  /** listedAt of the last job returned. */
  readonly t: number;
  /** The jobs returned with that listedAt. */
  readonly ids: readonly string[];
}

export function encodeToken(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

export function decodeToken(text: string): Token {
  try {
    const token = JSON.parse(Buffer.from(text, "base64url").toString()) as Token;
    if (Number.isFinite(token.t) && Array.isArray(token.ids)) return token;
  } catch {
    // Reported below.
  }
  throw new NextTokenError(`--next-token "${text}" is not a token a previous list printed`);
}

/** One partition key of one day, read newest first, a page at a time. */
class KeyStream {
  private buffer: StoredItem[] = [];
  private startKey: Record<string, unknown> | undefined;
  private done = false;

  constructor(
    private readonly read: (
      startKey: Record<string, unknown> | undefined,
      limit: number | undefined,
    ) => Promise<{ items: StoredItem[]; last?: Record<string, unknown> }>,
  ) {}

  /** The newest unread item, reading a page of `pageSize` when the buffer is empty. */
  async head(pageSize: number | undefined): Promise<StoredItem | undefined> {
    while (this.buffer.length === 0 && !this.done) {
      const page = await this.read(this.startKey, pageSize);
      this.buffer = page.items;
      this.startKey = page.last;
      this.done = page.last === undefined;
    }
    return this.buffer[0];
  }

  take(): void {
    this.buffer.shift();
  }
}

/** The query inputs of one partition key, with the filter the index cannot key on. */
function keyQuery(
  tableName: string,
  index: string,
  hashKey: string,
  key: string,
  from: number,
  to: number,
  filter: ListFilter,
  statusFilter: readonly string[] | undefined,
): QueryCommandInput {
  const names: Record<string, string> = { "#k": hashKey, "#t": "listedAt" };
  const values: Record<string, unknown> = { ":k": key, ":from": from, ":to": to };
  const terms: string[] = [];
  if (statusFilter) {
    names["#status"] = "status";
    statusFilter.forEach((s, i) => (values[`:s${i}`] = s));
    terms.push(`#status IN (${statusFilter.map((_, i) => `:s${i}`).join(", ")})`);
  }
  if (filter.account !== undefined) {
    names["#account"] = "account";
    values[":account"] = filter.account;
    terms.push("#account = :account");
  }
  if (filter.region !== undefined) {
    names["#region"] = "region";
    values[":region"] = filter.region;
    terms.push("#region = :region");
  }
  if (filter.namePrefix !== undefined) {
    names["#jobName"] = "jobName";
    values[":prefix"] = filter.namePrefix;
    terms.push("begins_with(#jobName, :prefix)");
  }
  return {
    TableName: tableName,
    IndexName: index,
    KeyConditionExpression: "#k = :k AND #t BETWEEN :from AND :to",
    ...(terms.length > 0 ? { FilterExpression: terms.join(" AND ") } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
  };
}

/** The read of one page of a key, counting what DynamoDB read. */
function pager(ctx: ListContext, input: QueryCommandInput, counter: { read: number }) {
  return new KeyStream(async (startKey, pageSize) => {
    const res = await queryPage(ctx.client, {
      ...input,
      ...(pageSize === undefined ? {} : { Limit: pageSize }),
      ExclusiveStartKey: startKey,
    });
    counter.read += res.ScannedCount ?? 0;
    return { items: res.Items ?? [], last: res.LastEvaluatedKey };
  });
}

/**
 * Merges `streams` newest first by `sortKey` into `out` until `limit` (0: all) is reached;
 * true when one more item matched (so more match). Pages are sized to what is still wanted.
 */
async function mergeNewest(
  streams: readonly KeyStream[],
  sortKey: string,
  limit: number,
  out: StoredItem[],
  keep: (item: StoredItem) => boolean,
): Promise<boolean> {
  // What is still wanted (one more, to know whether more match), spread over the keys.
  const pageSize = () =>
    limit === 0 ? undefined : Math.max(1, Math.floor((limit + 1 - out.length) / streams.length));
  const heads = await Promise.all(streams.map((s) => s.head(pageSize())));
  const newer = (a: StoredItem, b: StoredItem) => {
    const ta = a[sortKey] as number;
    const tb = b[sortKey] as number;
    return ta !== tb ? ta > tb : (a.jobId as string) > (b.jobId as string);
  };
  for (;;) {
    let best = -1;
    heads.forEach((h, i) => {
      if (h !== undefined && (best < 0 || newer(h, heads[best] as StoredItem))) best = i;
    });
    if (best < 0) return false;
    const item = heads[best] as StoredItem;
    streams[best].take();
    heads[best] = await streams[best].head(pageSize());
    if (!keep(item)) continue;
    if (limit !== 0 && out.length === limit) return true;
    out.push(item);
  }
}

/** The token after the last of `items` (and, at the same time, the ones the token skipped). */
function tokenAfter(items: readonly StoredItem[], sortKey: string, token?: Token): string {
  const t = items[items.length - 1][sortKey] as number;
  const ids = items.filter((i) => i[sortKey] === t).map((i) => i.jobId as string);
  if (token && token.t === t) ids.push(...token.ids);
  return encodeToken({ t, ids });
}

/**
 * The first page of `limit` jobs of a longer first listing (newest first, no token given), with
 * the token a listing of `limit` would have returned: one read serves a page and more (the web
 * view's chart and its first page).
 */
export function firstPage(result: ListResult, limit: number): ListResult {
  if (result.jobs.length <= limit) return result;
  const jobs = result.jobs.slice(0, limit);
  const t = jobs[jobs.length - 1].listedAt;
  const ids = jobs.filter((j) => j.listedAt === t).map((j) => j.jobId);
  return { jobs, nextToken: encodeToken({ t, ids }), itemsRead: result.itemsRead };
}

/** Skips the items a previous page returned at the token's own time. */
function notReturned(sortKey: string, token: Token | undefined) {
  const skip = new Set(token?.ids ?? []);
  return (item: StoredItem) =>
    !(token && item[sortKey] === token.t && skip.has(item.jobId as string));
}

/**
 * Recent jobs of the whole table, newest first, narrowed by `filter`, at most `page.limit` (20;
 * 0 for all) from `page.nextToken` on. Statuses and queue are index keys, the window is a key
 * condition; account, region and name prefix are filters (their items are read, then dropped).
 * Without `filter.since`, the last 7 days. `nextToken` is set only when more jobs match.
 * Throws NextTokenError for a token no list returned, and the table's errors as they come.
 *
 * Only jobs written by this version carry the listing keys: an item of an earlier version is
 * listed once an event of its job rewrites it (docs/record.md).
 */
export async function listJobs(
  ctx: ListContext,
  filter: ListFilter,
  page: ListPage = {},
): Promise<ListResult> {
  const keys = listKeys();
  const limit = page.limit ?? DEFAULT_LIST_LIMIT;
  const token = page.nextToken === undefined ? undefined : decodeToken(page.nextToken);
  const now = (ctx.now ?? Date.now)();
  const until = Math.min(filter.until === undefined ? now : filter.until - 1, token?.t ?? Infinity);
  const since = filter.since ?? now - DEFAULT_LOOKBACK_MS;
  const byQueue = filter.queue !== undefined;
  const statuses = filter.statuses?.length ? filter.statuses : undefined;
  const prefixes = byQueue
    ? [keys.queueName(filter.queue as string)]
    : (statuses ?? BATCH_STATUSES);
  const index = byQueue ? BY_QUEUE_DAY : BY_STATUS_DAY;
  const hashKey = byQueue ? "listQueue" : "listStatus";
  const counter = { read: 0 };
  const out: StoredItem[] = [];
  const unseen = notReturned("listedAt", token);
  const keep = (item: StoredItem) =>
    unseen(item) && (!byQueue || matchesQueue(fromIndexItem(item, index).jobQueue, filter.queue));
  let more = false;

  // Day by day from the newest; within a day, every key merged by time.
  const first = keys.dayOf(since);
  for (let day = until; !more && since <= until && keys.dayOf(day) >= first; day -= 86_400_000) {
    const dayName = keys.dayOf(day);
    const streams: KeyStream[] = [];
    for (const prefix of prefixes) {
      for (let shard = 0; shard < LIST_SHARDS; shard++) {
        const key = `${prefix}#${dayName}#${shard}`;
        const status = byQueue ? statuses : undefined;
        const input = keyQuery(ctx.tableName, index, hashKey, key, since, until, filter, status);
        streams.push(pager(ctx, input, counter));
      }
    }
    more = await mergeNewest(streams, "listedAt", limit, out, keep);
  }

  const jobs = out.map(
    (item) => ({ ...fromIndexItem(item, index), listedAt: item.listedAt }) as ListedJob,
  );
  const nextToken = more ? tokenAfter(out, "listedAt", token) : undefined;
  return { jobs, ...(nextToken ? { nextToken } : {}), itemsRead: counter.read };
}

/**
 * The runs of one job name, newest first by creation (`byJobName`), narrowed and paged as
 * `listJobs` (its `since`/`until` bound the creation time, its `namePrefix` and `queue` are not
 * used but for the queue's check on the expanded run).
 */
export async function listRuns(
  ctx: ListContext,
  jobName: string,
  filter: ListFilter,
  page: ListPage = {},
): Promise<{ runs: RunSummary[]; nextToken?: string; itemsRead: number }> {
  const limit = page.limit ?? DEFAULT_LIST_LIMIT;
  const token = page.nextToken === undefined ? undefined : decodeToken(page.nextToken);
  const until = Math.min(
    filter.until === undefined ? Infinity : filter.until - 1,
    token?.t ?? Infinity,
  );
  const since = filter.since ?? 0;
  const statuses = filter.statuses?.length ? filter.statuses : undefined;
  const input = keyQuery(
    ctx.tableName,
    BY_JOB_NAME,
    "jobName",
    jobName,
    since,
    0,
    filter,
    statuses,
  );
  const counter = { read: 0 };
  const out: StoredItem[] = [];
  const unseen = notReturned("createdAt", token);
  const keep = (item: StoredItem) =>
    unseen(item) && matchesQueue(fromIndexItem(item, BY_JOB_NAME).jobQueue, filter.queue);
  const bounded = {
    ...input,
    KeyConditionExpression:
      until === Infinity ? "#k = :k AND #t >= :from" : "#k = :k AND #t BETWEEN :from AND :to",
    ExpressionAttributeNames: { ...input.ExpressionAttributeNames, "#t": "createdAt" },
    ExpressionAttributeValues: {
      ...input.ExpressionAttributeValues,
      ...(until === Infinity ? {} : { ":to": until }),
    },
  };
  if (until === Infinity)
    delete (bounded.ExpressionAttributeValues as Record<string, unknown>)[":to"];
  const more =
    since <= until &&
    (await mergeNewest([pager(ctx, bounded, counter)], "createdAt", limit, out, keep));
  const runs = out.map((item) => fromIndexItem(item, BY_JOB_NAME) as RunSummary);
  const nextToken = more ? tokenAfter(out, "createdAt", token) : undefined;
  return { runs, ...(nextToken ? { nextToken } : {}), itemsRead: counter.read };
}
