/**
 * The job record: the contract between the Lambda that writes it and everyone who reads it (the
 * command-line tool, the twin, the benchmark, anyone querying the table).
 *
 * - types.ts: the record's fields (the contract: add fields, never rename);
 * - build.ts: an event (or a DescribeJobs JobDetail) in, a record out, with its revision;
 *   composed from envelope.ts (the envelope and the job's ARN), field-reader.ts (typed fields),
 *   log-targets.ts (where containers log) and attempts.ts (attempts, platform);
 * - layout.ts: the stored (compact) item and its expansion, and the conditional write; composed
 *   from identifiers.ts (ARN prefixes, overrides) and attempt-layout.ts (streams and attempts);
 * - schema.ts: the table's key, attribute types and indexes with their projections;
 * - constants.ts, job-id.ts: the fixed facts both build on; item-size.ts: DynamoDB's item size.
 *
 * The Lambda (handler/) calls the factories of build.ts and layout.ts itself, once per cold start;
 * everything else uses the functions instantiated here.
 */
import { recordBuilder } from "./build";
import { jobIdParser } from "./job-id";
import { itemLayout, type StoredItem } from "./layout";
import { indexSchema, projectedAttributes } from "./schema";
import type { JobRecord } from "./types";

export * from "./constants";
export * from "./schema";
export type * from "./types";
export type { InvalidEventError, ParsedEvent } from "./build";
export { COMPACT_LAYOUT, WRITE_CONDITION, type StoredItem } from "./layout";

export const {
  invalidEventError,
  isInvalidEventError,
  isTerminalStatus,
  parseBatchEvent,
  recordFromEvent,
  buildJobRecord,
  revisionOf,
  truncate,
} = recordBuilder();

export const { toItem, fromItem, putItemInput } = itemLayout();
/** What a job id says of itself: `indexAfter("uuid:3", ":")` is 3, `parentOf` the uuid. */
export const { indexAfter, parentOf } = jobIdParser();
export {
  createDocumentClient,
  createRecordWriter,
  type CommandSender,
  type RecordWriter,
  type WriteOutcome,
} from "./writer";

/**
 * An item read from an index, expanded: the record's fields that the index projects (what cannot
 * be derived from a projection is left out rather than shown empty).
 */
export function fromIndexItem(item: StoredItem, indexName: string): Partial<JobRecord> {
  const record = fromItem(item) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of projectedAttributes(indexSchema(indexName))) {
    if (record[name] !== undefined) out[name] = record[name];
  }
  return out as Partial<JobRecord>;
}
