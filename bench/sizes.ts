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
