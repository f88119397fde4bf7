/**
 * How a job record is stored, and the write that keeps delivery order irrelevant.
 *
 * The compact layout (`layout: 2`) stores a value only where it cannot be derived from the rest of
 * the item, or where it differs from what would be derived, so that a typical job fits one
 * DynamoDB write unit (1 KB). `fromItem` turns a stored item back into the full record of the
 * contract (record/types.ts); every reader goes through it, so nothing a user sees is lost.
 * docs/record.md lists each attribute, when it is stored and how it is derived.
 *
 * A derived value is overridden in the item by the value itself, or by `null` where the record
 * has none although one would be derived. Identifiers that embed the job's own partition, region
 * and account (the job, queue, definition and ECS task ARNs) are stored as the part after that
 * prefix; one that does not start with it is stored whole, behind a "=" unless it starts with
 * "arn:". Items without `layout` are the full records an earlier version wrote (layout 1): they are
 * read as they are.
 *
 * The write (`putItemInput`) is one conditional PutItem: an item is replaced only by a record of
 * a greater revision (record/build.ts `revisionOf`), so duplicates are no-ops and a late event
 * never replaces a more final one, whatever the order of delivery.
 *
 * A factory for the same reason as record/build.ts: the Lambda calls it once per cold start.
 */
import * as constants from "./constants";
import { LIST_ATTRIBUTES, listKeys } from "./index-keys";
import { itemSizer } from "./item-size";
import { jobIdParser } from "./job-id";
import type { AttemptRecord, JobRecord, LogStreamRef } from "./types";

/** An item as the table holds it. */
export type StoredItem = Record<string, unknown>;

/** `layout` of an item written in the compact layout. */
export const COMPACT_LAYOUT = 2;

/** The write condition: a new job, or a greater revision than the stored one. */
export const WRITE_CONDITION = "attribute_not_exists(jobId) OR revision < :revision";

/** Attempt fields omitted when they equal the job's own (usually those of the last attempt). */
const SHARED_WITH_JOB = ["startedAt", "stoppedAt", "exitCode", "statusReason", "reason"] as const;

/** The record ↔ item functions; see the module comment. */
export function itemLayout() {
  const { undefined, Object, Array } = globalThis;
  const { DEFAULT_LOG_GROUP, DEFAULT_CONTAINER } = constants;
  const { indexAfter } = jobIdParser();
  const { itemListKeys } = listKeys();
  const { itemSizeBytes } = itemSizer();
  const notRecord: readonly string[] = LIST_ATTRIBUTES;
  const shared = SHARED_WITH_JOB;
  const condition = WRITE_CONDITION;
  const compactLayout = COMPACT_LAYOUT;
  /** Fields toItem and fromItem handle themselves; every other field is copied as it is. */
  const special: Readonly<Record<string, true>> = {
    layout: true,
    jobArn: true,
    jobQueue: true,
    jobDefinition: true,
    logGroup: true,
    logRegion: true,
    logStreamName: true,
    logStreams: true,
    attempts: true,
    arrayIndex: true,
    nodeIndex: true,
  };

  /**
   * The partition a region's name says: `aws-cn` (cn-*), `aws-us-gov` (us-gov-*), `aws-eusc`
   * (eusc-*), `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f` (us-iso-*, us-isob-*, eu-isoe-*,
   * us-isof-*), else `aws`. Read from the region rather than from the job's ARN because a compact
   * item no longer holds that ARN; an identifier in a partition this does not know (a future
   * one) simply does not start with the prefix and is stored whole.
   */
  function partitionOfRegion(region: string): string {
    const iso = /^[a-z]+-iso([a-z]?)-/.exec(region);
    if (iso) return iso[1] ? `aws-iso-${iso[1]}` : "aws-iso";
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
  }

  /** The ARN prefix of a service in the job's own partition, region and account. */
  function arnPrefix(service: string, region: unknown, account: unknown): string | undefined {
    if (typeof region !== "string" || typeof account !== "string") return undefined;
    return `arn:${partitionOfRegion(region)}:${service}:${region}:${account}:`;
  }

  /** What is stored for an identifier: the part after `prefix` when it rebuilds it exactly. */
  function shorten(value: string, prefix: string | undefined): string {
    if (prefix !== undefined && value.startsWith(prefix)) {
      const rest = value.slice(prefix.length);
      if (rest !== "" && !/^(arn:|=|\/)/.test(rest)) return rest;
    }
    return value.startsWith("arn:") ? value : "=" + value;
  }

  function lengthen(stored: unknown, prefix: string | undefined): string | undefined {
    if (typeof stored !== "string") return undefined;
    if (stored.startsWith("arn:")) return stored;
    if (stored.startsWith("=")) return stored.slice(1);
    return prefix === undefined ? stored : prefix + stored;
  }

  /** Stores `value` in `into[name]` unless it is what would be derived (null: "none"). */
  function override(into: StoredItem, name: string, value: unknown, derived: unknown): void {
    if (value !== derived) into[name] = value === undefined ? null : value;
  }

  /** The value an override in `from[name]` gives, else the derived one. */
  function restore(from: StoredItem, name: string, derived: unknown): unknown {
    const stored = from[name];
    return stored === undefined ? derived : stored === null ? undefined : stored;
  }

  /** The prefixes of the job's own ARNs. */
  function prefixesOf(item: { region?: unknown; account?: unknown }) {
    const batch = arnPrefix("batch", item.region, item.account);
    const ecs = arnPrefix("ecs", item.region, item.account);
    return {
      queue: batch && batch + "job-queue/",
      definition: batch && batch + "job-definition/",
      job: batch && batch + "job/",
      task: ecs && ecs + "task/",
    };
  }

  /** The main stream: of the last attempt that has one, its first (the job's main container). */
  function mainStream(streams: readonly LogStreamRef[]): LogStreamRef | undefined {
    const last = streams.length > 0 ? streams[streams.length - 1].attempt : 0;
    return streams.find((s) => s.attempt === last);
  }

  function arrayIndexOf(jobId: string, nodeIndex: unknown): number | undefined {
    return nodeIndex === undefined ? indexAfter(jobId, ":") : undefined;
  }

  /** The item to store for `record`. */
  function toItem(record: JobRecord): StoredItem {
    const item: StoredItem = { layout: compactLayout };
    for (const [name, value] of Object.entries(record)) {
      if (value !== undefined && special[name] !== true) item[name] = value;
    }
    const prefixes = prefixesOf(record);
    override(item, "jobArn", record.jobArn, prefixes.job && prefixes.job + record.jobId);
    if (record.jobQueue !== undefined) item.jobQueue = shorten(record.jobQueue, prefixes.queue);
    if (record.jobDefinition !== undefined) {
      item.jobDefinition = shorten(record.jobDefinition, prefixes.definition);
    }
    const streams = record.logStreams ?? [];
    const main = mainStream(streams);
    override(item, "logGroup", record.logGroup, main?.logGroup);
    override(item, "logRegion", record.logRegion, main?.logRegion);
    override(item, "logStreamName", record.logStreamName, main?.logStreamName);
    const attempts = record.attempts ?? [];
    if (streams.length > 0) item.logStreams = compactStreams(streams, attempts, record.region);
    if (attempts.length > 0) {
      item.attempts = attempts.map((a, i) =>
        compactAttempt(a, record, prefixes.task, attempts[i - 1]?.taskArn),
      );
    }
    override(item, "nodeIndex", record.nodeIndex, indexAfter(record.jobId, "#"));
    override(item, "arrayIndex", record.arrayIndex, arrayIndexOf(record.jobId, record.nodeIndex));
    const listing = itemListKeys(record);
    Object.assign(item, listing);
    // Never larger than the record itself (attempts that lack what the job has cost a null each):
    // then the record is stored as it is, in layout 1, which every version reads.
    const whole: StoredItem = {};
    for (const [name, value] of Object.entries(record)) {
      if (value !== undefined) whole[name] = value;
    }
    Object.assign(whole, listing);
    return itemSizeBytes(item) <= itemSizeBytes(whole) ? item : whole;
  }

  /**
   * Each stream as what differs from the one before it (the first from attempt 1 in
   * /aws/batch/job, in the job's region), its container unless `default`; a stream that differs
   * in nothing but its name is stored as the name alone. A name that ends in its attempt's ECS
   * task id (`<prefix>/<container>/<task id>`, as Batch names them) is stored as `<prefix>/`.
   */
  function compactStreams(
    streams: readonly LogStreamRef[],
    attempts: readonly AttemptRecord[],
    region: string,
  ): unknown[] {
    let previous: LogStreamRef | undefined;
    let logGroup = DEFAULT_LOG_GROUP;
    let logRegion = region;
    return streams.map((s) => {
      const c: StoredItem = {};
      if (s.attempt !== nextAttempt(previous, s.container)) c.attempt = s.attempt;
      if (s.container !== DEFAULT_CONTAINER) c.container = s.container;
      if (s.logGroup !== logGroup) c.logGroup = s.logGroup;
      if (s.logRegion !== logRegion) c.logRegion = s.logRegion;
      ({ logGroup, logRegion } = s);
      previous = s;
      const name = compactStreamName(s.logStreamName, s.container, attempts[s.attempt - 1]);
      if (Object.keys(c).length === 0) return name;
      c.logStreamName = name;
      return c;
    });
  }

  function expandStreams(
    stored: unknown,
    attempts: readonly AttemptRecord[],
    region: string,
  ): LogStreamRef[] {
    if (!Array.isArray(stored)) return [];
    let previous: LogStreamRef | undefined;
    let logGroup = DEFAULT_LOG_GROUP;
    let logRegion = region;
    return stored.map((entry: unknown): LogStreamRef => {
      const c = (typeof entry === "string" ? { logStreamName: entry } : entry) as StoredItem;
      const container = (c.container as string | undefined) ?? DEFAULT_CONTAINER;
      const s = {
        ...c,
        attempt: (c.attempt as number | undefined) ?? nextAttempt(previous, container),
        container,
        logGroup: (c.logGroup as string | undefined) ?? logGroup,
        logRegion: (c.logRegion as string | undefined) ?? logRegion,
      };
      ({ logGroup, logRegion } = s);
      const name = c.logStreamName as string;
      previous = {
        ...s,
        logStreamName: expandStreamName(name, s.container, attempts[s.attempt - 1]),
      };
      return previous;
    });
  }

  /**
   * The attempt a stream is assumed to belong to: the next one after a stream of the same
   * container (a retried job), the same as the stream before it otherwise (the containers of one
   * attempt), the first for the first stream.
   */
  function nextAttempt(previous: LogStreamRef | undefined, container: string): number {
    if (previous === undefined) return 1;
    return previous.container === container ? previous.attempt + 1 : previous.attempt;
  }

  /** The `/<container>/<task id>` a stream of this attempt ends with, when its task is known. */
  function streamSuffix(container: string, attempt: AttemptRecord | undefined): string | undefined {
    const taskArn = attempt?.taskArn;
    if (taskArn === undefined) return undefined;
    const taskId = taskArn.slice(taskArn.lastIndexOf("/") + 1);
    return taskId === "" ? undefined : `/${container}/${taskId}`;
  }

  /** `<prefix>/` for a name the attempt's task completes; else the name ("="-escaped if needed). */
  function compactStreamName(
    name: string,
    container: string,
    attempt: AttemptRecord | undefined,
  ): string {
    const suffix = streamSuffix(container, attempt);
    if (suffix !== undefined && name.length > suffix.length && name.endsWith(suffix)) {
      const prefix = name.slice(0, -suffix.length);
      if (!prefix.startsWith("=")) return prefix + "/";
    }
    return name.endsWith("/") || name.startsWith("=") ? "=" + name : name;
  }

  function expandStreamName(
    stored: string,
    container: string,
    attempt: AttemptRecord | undefined,
  ): string {
    if (stored.startsWith("=")) return stored.slice(1);
    if (!stored.endsWith("/")) return stored;
    return stored.slice(0, -1) + (streamSuffix(container, attempt) ?? "");
  }

  function compactAttempt(
    attempt: AttemptRecord,
    record: JobRecord,
    taskPrefix: string | undefined,
    previousTask: string | undefined,
  ): StoredItem {
    const c: StoredItem = {};
    for (const [name, value] of Object.entries(attempt)) {
      if (value !== undefined) c[name] = value;
    }
    for (const name of shared) {
      delete c[name];
      override(c, name, attempt[name], record[name]);
    }
    if (attempt.taskArn !== undefined) {
      c.taskArn = compactTaskArn(attempt.taskArn, taskPrefix, previousTask);
    }
    return c;
  }

  function expandAttempt(
    stored: StoredItem,
    record: StoredItem,
    taskPrefix: string | undefined,
    previousTask: string | undefined,
  ): AttemptRecord {
    const a: StoredItem = {};
    for (const [name, value] of Object.entries(stored)) {
      if (value !== null) a[name] = value;
    }
    for (const name of shared) {
      const value = restore(stored, name, record[name]);
      if (value === undefined) delete a[name];
      else a[name] = value;
    }
    if (stored.taskArn !== undefined) {
      a.taskArn = expandTaskArn(stored.taskArn as string, taskPrefix, previousTask);
    }
    return a as AttemptRecord;
  }

  /** `<cluster>/` of a shortened task ARN (`<cluster>/<task id>`), if it has one. */
  function sameClusterPart(previousTask: string | undefined, taskPrefix: string | undefined) {
    if (previousTask === undefined) return undefined;
    const short = shorten(previousTask, taskPrefix);
    const at = short.lastIndexOf("/");
    return at > 0 && !/^(arn:|=)/.test(short) ? short.slice(0, at + 1) : undefined;
  }

  /** A task ARN, shortened; `/<task id>` when it runs in the cluster of the attempt before. */
  function compactTaskArn(
    taskArn: string,
    taskPrefix: string | undefined,
    previousTask: string | undefined,
  ): string {
    const short = shorten(taskArn, taskPrefix);
    const cluster = sameClusterPart(previousTask, taskPrefix);
    if (cluster !== undefined && short.length > cluster.length && short.startsWith(cluster)) {
      return "/" + short.slice(cluster.length);
    }
    return short;
  }

  function expandTaskArn(
    stored: string,
    taskPrefix: string | undefined,
    previousTask: string | undefined,
  ): string | undefined {
    const cluster = stored.startsWith("/") ? sameClusterPart(previousTask, taskPrefix) : undefined;
    return lengthen(cluster === undefined ? stored : cluster + stored.slice(1), taskPrefix);
  }

  /**
   * The full record of a stored item. An item projected by an index expands to the fields its
   * projection allows: what cannot be derived from it stays absent.
   */
  function fromItem(item: StoredItem): JobRecord {
    if (item.layout === undefined) {
      const whole: StoredItem = {};
      for (const [name, value] of Object.entries(item)) {
        if (!notRecord.includes(name)) whole[name] = value;
      }
      return whole as unknown as JobRecord;
    }
    if (item.layout !== compactLayout) {
      throw new Error(
        `job ${String(item.jobId)} is stored in layout ${String(item.layout)}, which this version of batch-job-log does not know: upgrade it.`,
      );
    }
    const record: StoredItem = {};
    for (const [name, value] of Object.entries(item)) {
      if (special[name] !== true && !notRecord.includes(name)) record[name] = value;
    }
    const jobId = item.jobId as string;
    const prefixes = prefixesOf(item);
    const jobArn = restore(item, "jobArn", prefixes.job && prefixes.job + jobId);
    if (jobArn !== undefined) record.jobArn = jobArn;
    if (item.jobQueue !== undefined) record.jobQueue = lengthen(item.jobQueue, prefixes.queue);
    if (item.jobDefinition !== undefined) {
      record.jobDefinition = lengthen(item.jobDefinition, prefixes.definition);
    }
    const stored = Array.isArray(item.attempts) ? (item.attempts as StoredItem[]) : [];
    const attempts: AttemptRecord[] = [];
    for (const a of stored) {
      attempts.push(expandAttempt(a, item, prefixes.task, attempts.at(-1)?.taskArn));
    }
    record.attempts = attempts;
    const streams = expandStreams(item.logStreams, attempts, item.region as string);
    record.logStreams = streams;
    const main = mainStream(streams);
    for (const name of ["logGroup", "logRegion", "logStreamName"] as const) {
      const value = restore(item, name, main?.[name]);
      if (value !== undefined) record[name] = value;
    }
    const nodeIndex = restore(item, "nodeIndex", indexAfter(jobId, "#"));
    if (nodeIndex !== undefined) record.nodeIndex = nodeIndex;
    const arrayIndex = restore(item, "arrayIndex", arrayIndexOf(jobId, nodeIndex));
    if (arrayIndex !== undefined) record.arrayIndex = arrayIndex;
    return record as unknown as JobRecord;
  }

  /** The conditional PutItem of a record: written only over a smaller revision. */
  function putItemInput(tableName: string, record: JobRecord) {
    return {
      TableName: tableName,
      Item: toItem(record),
      ConditionExpression: condition,
      ExpressionAttributeValues: { ":revision": record.revision },
    };
  }

  return { toItem, fromItem, putItemInput };
}

export type ItemLayout = ReturnType<typeof itemLayout>;
