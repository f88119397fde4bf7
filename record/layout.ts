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
import { attemptLayout } from "./attempt-layout";
import { identifierLayout } from "./identifiers";
import { LIST_ATTRIBUTES, listKeys } from "./index-keys";
import { itemSizer } from "./item-size";
import { jobIdParser } from "./job-id";
import type { AttemptRecord, JobRecord, LogStreamRef, StoredItem } from "./types";

export type { StoredItem } from "./types";

/** `layout` of an item written in the compact layout. */
export const COMPACT_LAYOUT = 2;

/** The write condition: a new job, or a greater revision than the stored one. */
export const WRITE_CONDITION = "attribute_not_exists(jobId) OR revision < :revision";

/** The record ↔ item functions; see the module comment. */
export function itemLayout() {
  const { undefined, Object, Array } = globalThis;
  const { lengthen, override, restore, prefixesOf, shorten } = identifierLayout();
  const { compactStreams, expandStreams, compactAttempt, expandAttempt } = attemptLayout();
  const { indexAfter } = jobIdParser();
  const { itemListKeys } = listKeys();
  const { itemSizeBytes } = itemSizer();
  const notRecord: readonly string[] = LIST_ATTRIBUTES;
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
