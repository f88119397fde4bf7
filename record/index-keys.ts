/**
 * The keys of the two listing indexes (record/schema.ts `byStatusDay`, `byQueueDay`), computed
 * from the record when it is stored, so that `find` without a name reads a time range of a few
 * partitions instead of scanning the table.
 *
 * - `listedAt` (both indexes' sort key): when the job ended, else the time of its last event,
 *   else when it was recorded (epoch ms).
 * - `listStatus`: `<status>#<UTC day of listedAt, yyyymmdd>#<shard>`, e.g. `FAILED#20261204#3`.
 * - `listQueue`: `<queue name>#<day>#<shard>`, e.g. `ec2-ondemand#20261204#3` (the name after
 *   `job-queue/` of the queue's ARN: a hub table's accounts share it, `--account` tells them apart).
 *
 * The shard is a hash of the job id modulo `LIST_SHARDS`: fixed per job (a rewrite of the item
 * moves it within its shard only), spread evenly over the shards. With 8 shards one partition key
 * takes an eighth of the jobs of one status (or queue) and day: DynamoDB's 1,000 write units a
 * second per partition key (items under 1 KB cost one unit each) are reached only at 8,000 jobs a
 * second ending in one status, 691 million a day if sustained (docs/record.md, "The indexes").
 *
 * A factory, like the rest of what the Lambda runs (record/build.ts): layout.ts calls it once.
 */

/** How many partition keys a status (or queue) spreads over per day. */
export const LIST_SHARDS = 8;

/** The attributes this module adds to an item; none of them is part of the record. */
export const LIST_ATTRIBUTES = ["listedAt", "listStatus", "listQueue"] as const;

export function listKeys() {
  const { undefined, Math, Date, String } = globalThis;
  const shards = LIST_SHARDS;

  /** FNV-1a (32 bits) of the job id, modulo the shard count. */
  function shardOf(jobId: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < jobId.length; i++) {
      hash ^= jobId.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % shards;
  }

  /** The UTC day of an epoch-ms time: `yyyymmdd`. */
  function dayOf(ms: number): string {
    return new Date(ms).toISOString().slice(0, 10).replace(/-/g, "");
  }

  /** A queue's name: the part after `job-queue/` of an ARN, the name itself otherwise. */
  function queueName(queue: string): string {
    const at = queue.indexOf(":job-queue/");
    return queue.startsWith("arn:") && at > 0 ? queue.slice(at + 11) : queue;
  }

  /** The time a job is listed at: it ended, else its last event, else it was recorded. */
  function listedAtOf(record: {
    readonly stoppedAt?: number;
    readonly eventTime?: number;
    readonly recordedAt?: number;
  }): number | undefined {
    return record.stoppedAt ?? record.eventTime ?? record.recordedAt;
  }

  /** The listing attributes of an item: none when the record has no time or status. */
  function itemListKeys(record: {
    readonly jobId: string;
    readonly status?: string;
    readonly jobQueue?: string;
    readonly stoppedAt?: number;
    readonly eventTime?: number;
    readonly recordedAt?: number;
  }): Record<string, string | number> {
    const listedAt = listedAtOf(record);
    if (listedAt === undefined || typeof record.status !== "string") return {};
    const suffix = `#${dayOf(listedAt)}#${String(shardOf(record.jobId))}`;
    const keys: Record<string, string | number> = {
      listedAt,
      listStatus: record.status + suffix,
    };
    if (record.jobQueue !== undefined) keys.listQueue = queueName(record.jobQueue) + suffix;
    return keys;
  }

  return { shardOf, dayOf, queueName, listedAtOf, itemListKeys, shards };
}
