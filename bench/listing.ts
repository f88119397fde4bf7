/**
 * What `find` without a name costs: on a dynalite table of `jobs` jobs (the shipped sample's
 * terminal records in turn, each with a job id of its own, ending evenly over two UTC days), the
 * items DynamoDB reads (ScannedCount) per job returned by `listJobs` (cli/lookup/list.ts) for
 * "failed in the last hour" and "every job of queue Q today", all of them and their first page
 * of 20; and the bytes the listing keys add to each item and each listing index keeps.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { listJobs, type ListFilter } from "../cli/lookup/list";
import {
  BY_QUEUE_DAY,
  BY_STATUS_DAY,
  indexSchema,
  projectedAttributes,
  recordFromEvent,
  tableKeysAndIndexes,
  toItem,
  type JobRecord,
  type StoredItem,
} from "../record";
import { LIST_ATTRIBUTES } from "../record/index-keys";
import { itemSizeBytes, writeUnits } from "../record/item-size";
import { startLocalTable } from "../twin/dynamo-local";
import { terminalTemplates } from "./events";
import { median } from "./stats";

/** The end of the two days the jobs end in (UTC midnight plus 20 hours: "today" is 20 h long). */
const NOW = Date.parse("2026-11-02T20:00:00Z");
const SPAN_MS = 44 * 3_600_000;

export interface ListingQuery {
  readonly name: string;
  readonly returned: number;
  readonly read: number;
  readonly firstPageReturned: number;
  readonly firstPageRead: number;
}

export interface ListingFigures {
  readonly jobs: number;
  readonly loadSeconds: number;
  readonly addedItemBytes: number;
  readonly indexItemBytes: { readonly byStatusDay: number; readonly byQueueDay: number };
  readonly indexWriteUnits: number;
  readonly queries: ListingQuery[];
}

/** Job `i`: template `i` in turn, with its own id, ending at an even step over the span. */
function jobRecords(root: string, jobs: number): JobRecord[] {
  const templates = terminalTemplates(root).map((e) => recordFromEvent(e, { now: new Date(NOW) }));
  return Array.from({ length: jobs }, (_, i) => {
    const t = templates[i % templates.length];
    const stoppedAt = NOW - SPAN_MS + Math.floor((i * SPAN_MS) / jobs);
    const shift = stoppedAt - (t.stoppedAt ?? stoppedAt);
    const jobId = `bench-${String(i).padStart(7, "0")}-${t.jobId.slice(0, 8)}`;
    return {
      ...t,
      jobId,
      jobArn: undefined,
      createdAt: t.createdAt === undefined ? undefined : t.createdAt + shift,
      startedAt: t.startedAt === undefined ? undefined : t.startedAt + shift,
      stoppedAt,
      eventTime: stoppedAt + 1_000,
      parentJobId: undefined,
      arrayIndex: undefined,
      nodeIndex: undefined,
    } as JobRecord;
  });
}

function projected(item: StoredItem, indexName: string): StoredItem {
  const names = projectedAttributes(indexSchema(indexName));
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
}

export async function listingFigures(
  root: string,
  jobs: number,
  log: (text: string) => void,
): Promise<ListingFigures> {
  const records = jobRecords(root, jobs);
  const items = records.map((r) => toItem(r));
  const without = (item: StoredItem) =>
    Object.fromEntries(
      Object.entries(item).filter(([n]) => !(LIST_ATTRIBUTES as readonly string[]).includes(n)),
    );
  const sample = items.slice(0, 2_000);
  const added = median(sample.map((i) => itemSizeBytes(i) - itemSizeBytes(without(i))));
  const byStatus = median(sample.map((i) => itemSizeBytes(projected(i, BY_STATUS_DAY))));
  const byQueue = median(sample.map((i) => itemSizeBytes(projected(i, BY_QUEUE_DAY))));
  const units = sample.reduce(
    (n, i) => n + writeUnits(projected(i, BY_STATUS_DAY)) + writeUnits(projected(i, BY_QUEUE_DAY)),
    0,
  );

  const table = await startLocalTable({ tableInputs: tableKeysAndIndexes(), tableName: "listing" });
  try {
    const started = process.hrtime.bigint();
    const batches: StoredItem[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        let requests = batch.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const out = await table.documents.send(
            new BatchWriteCommand({ RequestItems: { listing: requests } }),
          );
          requests = (out.UnprocessedItems?.listing ?? []) as typeof requests;
        }
        if (next % 1_000 === 0) log(`listing: ${next * 25} of ${items.length} jobs written`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const loadSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    const ctx = { tableName: "listing", client: table.documents, now: () => NOW };
    const queue = String(items[0].jobQueue);
    const asked: [string, ListFilter][] = [
      ["failed in the last hour", { statuses: ["FAILED"], since: NOW - 3_600_000 }],
      [`every job of queue ${queue} today`, { queue, since: Date.parse("2026-11-02T00:00:00Z") }],
    ];
    const queries: ListingQuery[] = [];
    for (const [name, filter] of asked) {
      const whole = await listJobs(ctx, filter, { limit: 0 });
      const first = await listJobs(ctx, filter, { limit: 20 });
      queries.push({
        name,
        returned: whole.jobs.length,
        read: whole.itemsRead,
        firstPageReturned: first.jobs.length,
        firstPageRead: first.itemsRead,
      });
    }
    return {
      jobs,
      loadSeconds,
      addedItemBytes: added,
      indexItemBytes: { byStatusDay: byStatus, byQueueDay: byQueue },
      indexWriteUnits: units / sample.length,
      queries,
    };
  } finally {
    await table.close();
  }
}
