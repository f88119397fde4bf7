/**
 * What a job costs to store: per job kind (the terminal event of each fixture), the bytes and
 * write units of the full record (the layout the previous version stored), of the compact item
 * the handler writes, and of the item each index keeps of it; then the same over every job of
 * the shipped sample. Sized as DynamoDB documents it (record/item-size.ts).
 */
import * as fs from "fs";
import * as path from "path";
import {
  BY_JOB_NAME,
  BY_PARENT_JOB_ID,
  indexSchema,
  projectedAttributes,
  recordFromEvent,
  toItem,
  type JobRecord,
  type StoredItem,
} from "../record";
import { itemSizeBytes, writeUnits } from "../record/item-size";
import { terminalTemplates, type BatchEvent } from "./events";
import { median, quantile } from "./stats";

export interface KindSize {
  readonly kind: string;
  readonly status: string;
  readonly fullBytes: number;
  readonly itemBytes: number;
  readonly writeUnits: number;
  /** The byJobName item (every job with a name) and the byParentJobId item (children only). */
  readonly byJobNameBytes?: number;
  readonly byParentBytes?: number;
  readonly logStreams: number;
  readonly attempts: number;
}

export interface SampleSizes {
  readonly jobs: number;
  readonly fullBytes: { median: number; p90: number; max: number };
  readonly itemBytes: { median: number; p90: number; max: number };
  readonly fullUnits: number;
  readonly itemUnits: number;
  readonly indexUnits: number;
}

const NOW = new Date("2026-11-30T00:00:00Z");

export function kindSizes(root: string): KindSize[] {
  const dir = path.join(root, "__tests__", "fixtures", "events");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((file) => {
      const events = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as BatchEvent[];
      const last = events.at(-1);
      if (!last || last["detail-type"] !== "Batch Job State Change") return [];
      const record = recordFromEvent(last, { now: NOW });
      const item = toItem(record);
      const jobName = indexItem(item, BY_JOB_NAME);
      const byParent = indexItem(item, BY_PARENT_JOB_ID);
      return [
        {
          kind: path.basename(file, ".json"),
          status: record.status,
          fullBytes: itemSizeBytes(record as unknown as StoredItem),
          itemBytes: itemSizeBytes(item),
          writeUnits: writeUnits(item),
          byJobNameBytes: jobName && itemSizeBytes(jobName),
          byParentBytes: byParent && itemSizeBytes(byParent),
          logStreams: record.logStreams.length,
          attempts: record.attempts.length,
        },
      ];
    });
}

/** The terminal records of every job of the shipped sample, sized both ways. */
export function sampleSizes(root: string): SampleSizes {
  const full: number[] = [];
  const compact: number[] = [];
  let fullUnits = 0;
  let itemUnits = 0;
  let indexUnits = 0;
  for (const event of terminalTemplates(root)) {
    const record = recordFromEvent(event, { now: NOW });
    const item = toItem(record);
    full.push(itemSizeBytes(record as unknown as StoredItem));
    compact.push(itemSizeBytes(item));
    fullUnits += writeUnits(record as unknown as StoredItem);
    itemUnits += writeUnits(item);
    for (const index of [BY_JOB_NAME, BY_PARENT_JOB_ID]) {
      const projected = indexItem(item, index);
      if (projected) indexUnits += writeUnits(projected);
    }
  }
  const spread = (values: number[]) => ({
    median: median(values),
    p90: quantile(values, 0.9),
    max: Math.max(...values),
  });
  return {
    jobs: full.length,
    fullBytes: spread(full),
    itemBytes: spread(compact),
    fullUnits,
    itemUnits,
    indexUnits,
  };
}

/** The item an index keeps of `item`, or undefined when the item lacks the index's keys. */
function indexItem(item: StoredItem, indexName: string): StoredItem | undefined {
  const index = indexSchema(indexName);
  if (item[index.hashKey] === undefined || item[index.rangeKey] === undefined) return undefined;
  const names = projectedAttributes(index);
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
}

/** A region of each AWS partition but `aws`, for the worst case's records moved there. */
const PARTITION_REGIONS: Readonly<Record<string, string>> = {
  "aws-cn": "cn-north-1",
  "aws-us-gov": "us-gov-west-1",
  "aws-iso": "us-iso-east-1",
  "aws-iso-b": "us-isob-east-1",
  "aws-iso-e": "eu-isoe-west-1",
  "aws-iso-f": "us-isof-south-1",
  "aws-eusc": "eusc-de-east-1",
};

export interface WorstCase {
  /** Records sized: every state of every job of the sample and the fixtures, in each variant. */
  readonly records: number;
  /** How many the handler stores as the full record (layout 1), its compact item being larger. */
  readonly storedFull: number;
  /** The largest `item − full record` in bytes (never above 0: the layout falls back). */
  readonly largestExcess: number;
  /** A compact item's largest share of its full record, and the record it was. */
  readonly largestShare: number;
  readonly largestShareOf: string;
  /** Records whose item costs more write units than its full record (0 expected). */
  readonly moreUnits: number;
}

/**
 * The compact item against the full record in the worst cases the handler meets: every state of
 * every job of the sample and the fixtures, each as it is, without an account, with 12 attempts
 * that lack what the job has (as an EKS job's pods do), and moved to each partition. The full
 * record is what layout 1 stores: the record and the listing attributes.
 */
export function worstCase(root: string): WorstCase {
  const events: BatchEvent[] = [];
  const sample = fs.readFileSync(path.join(root, "samples", "events.jsonl"), "utf8");
  for (const line of sample.split("\n")) if (line.trim() !== "") events.push(JSON.parse(line));
  const dir = path.join(root, "__tests__", "fixtures", "events");
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    events.push(...(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as BatchEvent[]));
  }
  let records = 0;
  let storedFull = 0;
  let largestExcess = -Infinity;
  let largestShare = 0;
  let largestShareOf = "";
  let moreUnits = 0;
  for (const event of events) {
    if (event.source !== "aws.batch" || event["detail-type"] !== "Batch Job State Change") continue;
    const record = recordFromEvent(event, { now: NOW });
    for (const [variant, changed] of variantsOf(record)) {
      const item = toItem(changed);
      const listing = Object.fromEntries(
        Object.entries(item).filter(([name]) => name.startsWith("list")),
      );
      const full = { ...changed, ...listing } as unknown as StoredItem;
      const [itemBytes, fullBytes] = [itemSizeBytes(item), itemSizeBytes(full)];
      records++;
      if (item.layout === undefined) storedFull++;
      largestExcess = Math.max(largestExcess, itemBytes - fullBytes);
      if (item.layout !== undefined && itemBytes / fullBytes > largestShare) {
        largestShare = itemBytes / fullBytes;
        largestShareOf = `${changed.status} ${variant}`;
      }
      if (writeUnits(item) > writeUnits(full)) moreUnits++;
    }
  }
  return { records, storedFull, largestExcess, largestShare, largestShareOf, moreUnits };
}

/** A record as it is, without its account, with 12 bare attempts, and in every partition. */
function variantsOf(record: JobRecord): [string, JobRecord][] {
  const { account, ...noAccount } = record;
  const bare = (record.attempts.length > 0 ? record.attempts : [{ podName: "p" }]).map((a) => {
    const [first] = Object.entries(a);
    return first === undefined ? {} : { [first[0]]: first[1] };
  });
  const variants: [string, JobRecord][] = [
    ["as it is", record],
    ["without an account", noAccount as JobRecord],
    [
      "with 12 bare attempts",
      { ...record, attempts: Array.from({ length: 12 }, (_, i) => bare[i % bare.length]) },
    ],
  ];
  if (account === undefined) return variants;
  const text = JSON.stringify(record);
  for (const [partition, region] of Object.entries(PARTITION_REGIONS)) {
    const moved = text
      .split(`arn:aws:`)
      .join(`arn:${partition}:`)
      .split(record.region)
      .join(region);
    variants.push([`in ${partition}`, JSON.parse(moved) as JobRecord]);
  }
  return variants;
}
