/**
 * How `batch-job-log replay` shows its result to a person: the table of jobs, cut to the most
 * telling rows when there are many, with where their logs are (or why there is no stream to
 * read); the errors; the summary; and what to run next. The `--json` document is written here
 * too, as a stream. Both read the table page by page: neither holds the whole table.
 */
import type { JobRecord } from "../record";
import type {
  ForwardResult,
  ForwardSummary,
  ReplayError,
  ReplaySummary,
} from "../twin/replay-engine";
import { counted, writeDrained, type CliIO } from "./io";
import { shellQuote } from "./lookup/console-link";
import { columns } from "./lookup/format";
import { noStreamCause } from "./lookup/streams";

/** Every job is listed when there are at most this many; else the table is cut to this many rows. */
export const TABLE_ROWS = 25;

/** In a cut table, failed jobs come first, at most this many. */
export const FAILED_ROWS = 10;

/** Errors listed in the human output. */
export const ERRORS_SHOWN = 20;

/**
 * The `--json` document `{summary, records, errors}`, written as the table is scanned: one record
 * at a time, never the whole table in memory. The text is what JSON.stringify(document, null, 2)
 * gives; `records` come in the table's scan order.
 */
export async function writeReplayDocument(
  out: CliIO["stdout"],
  summary: ReplaySummary,
  errors: readonly ReplayError[],
  pages: AsyncIterable<readonly JobRecord[]>,
  /** A hub's: the events its bus policy refused, as `refused` after `errors`. */
  refused?: readonly ReplayError[],
): Promise<void> {
  const indented = (value: unknown, depth: number) =>
    JSON.stringify(value, null, 2).replace(/\n/g, `\n${"  ".repeat(depth)}`);
  await writeDrained(out, `{\n  "summary": ${indented(summary, 1)},\n  "records": [`);
  let records = 0;
  for await (const page of pages) {
    let text = "";
    for (const record of page) text += `${records++ === 0 ? "" : ","}\n    ${indented(record, 2)}`;
    if (text !== "") await writeDrained(out, text);
  }
  const more = refused === undefined ? "" : `,\n  "refused": ${indented(refused, 1)}`;
  await writeDrained(
    out,
    `${records > 0 ? "\n  " : ""}],\n  "errors": ${indented(errors, 1)}${more}\n}\n`,
  );
}

/** What the human output shows of the table: its size and the rows chosen. */
export interface JobsDigest {
  readonly total: number;
  /** Every job (total <= TABLE_ROWS), or the failed first then a few of each other kind. */
  readonly rows: readonly JobRecord[];
}

/**
 * Reads the table's pages and keeps the rows to show: every job when there are few; else up to
 * FAILED_ROWS failed jobs, then other jobs up to TABLE_ROWS rows, taken in turn from each kind
 * (status, and where the logs are: a stream, an array child's, another log driver, EKS, ...),
 * each kind's smallest job ids, so the choice does not depend on the scan order.
 */
export async function digestJobs(pages: AsyncIterable<readonly JobRecord[]>): Promise<JobsDigest> {
  let total = 0;
  const few: JobRecord[] = [];
  /** Per kind ("STATUS where"), its TABLE_ROWS smallest job ids, sorted. */
  const byKind = new Map<string, JobRecord[]>();
  for await (const page of pages) {
    for (const item of page) {
      total++;
      if (few.length <= TABLE_ROWS) few.push(item);
      const kind = kindOf(item);
      const kept = byKind.get(kind) ?? [];
      byKind.set(kind, kept);
      const id = String(item.jobId);
      if (kept.length === TABLE_ROWS && id >= String(kept[kept.length - 1].jobId)) continue;
      const at = kept.findIndex((k) => id < String(k.jobId));
      kept.splice(at === -1 ? kept.length : at, 0, item);
      if (kept.length > TABLE_ROWS) kept.pop();
    }
  }
  if (total <= TABLE_ROWS) return { total, rows: few.sort(byJobId) };
  const kinds = [...byKind.keys()].sort(byKindOrder);
  const listsOf = (failed: boolean) =>
    kinds
      .filter((k) => k.startsWith("FAILED ") === failed)
      .map((k) => byKind.get(k) as JobRecord[]);
  const failed = inTurn(listsOf(true), FAILED_ROWS);
  const others = inTurn(listsOf(false), TABLE_ROWS - failed.length);
  return { total, rows: [...failed, ...others] };
}

/** Where a job's logs are, in the order kinds are listed: plain jobs first, parents last. */
const WHERE_ORDER = [
  "stream",
  "array-child",
  "node",
  "no-recorded-stream",
  "never-started",
  "not-finished",
  "log-driver",
  "eks",
  "array-parent",
  "multi-node-parent",
];

/** FAILED, then SUCCEEDED, then other statuses by name; within a status, by WHERE_ORDER. */
function byKindOrder(a: string, b: string): number {
  const rank = (kind: string) => {
    const [status, where] = kind.split(" ");
    const first = status === "FAILED" ? "0" : status === "SUCCEEDED" ? "1" : `2${status}`;
    return [first, WHERE_ORDER.indexOf(where)] as const;
  };
  const [x, y] = [rank(a), rank(b)];
  return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1];
}

/** Up to `limit` items taken from the lists in turn, listed list by list. */
function inTurn(lists: readonly JobRecord[][], limit: number): JobRecord[] {
  const taken = lists.map(() => 0);
  for (let n = 0, progress = true; n < limit && progress;) {
    progress = false;
    for (let i = 0; i < lists.length && n < limit; i++) {
      if (taken[i] < lists[i].length) {
        taken[i]++;
        n++;
        progress = true;
      }
    }
  }
  return lists.flatMap((list, i) => list.slice(0, taken[i]));
}

/** "STATUS where": what sets a job's row apart. */
function kindOf(record: JobRecord): string {
  if (typeof record.logStreamName === "string") {
    const where =
      record.arrayIndex !== undefined
        ? "array-child"
        : record.nodeIndex !== undefined
          ? "node"
          : "stream";
    return `${record.status} ${where}`;
  }
  return `${record.status} ${noStreamCause(record).kind}`;
}

function byJobId(a: JobRecord, b: JobRecord): number {
  const x = String(a.jobId);
  const y = String(b.jobId);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The table as the human output shows it: a title, the rows, and how many were left out. */
export function formatJobs(digest: JobsDigest): string {
  if (digest.total === 0) return "No jobs in the table.";
  const cut = digest.rows.length < digest.total;
  const title = cut
    ? `${counted(digest.total, "job")} in the table; the failed first, then a few of each kind:`
    : `${counted(digest.total, "job")} in the table:`;
  const lines = [title, formatJobsTable(digest.rows)];
  if (cut) {
    lines.push(
      `... and ${counted(digest.total - digest.rows.length, "more job")} (--json lists them all)`,
    );
  }
  return lines.join("\n");
}

/** The summary's counts, with thousands separators, aligned; a hub's with what it refused. */
export function formatSummary(summary: ReplaySummary, hub = false): string {
  return formatCounts([
    ["read", summary.read],
    ["not events", summary.invalid],
    ...(hub ? [["refused by the bus policy", summary.refused] as [string, number]] : []),
    ["matched", summary.matched],
    ["skipped by the rule", summary.skipped],
    ["recorded", summary.recorded],
    ["unchanged", summary.unchanged],
    ["failed", summary.failed],
  ]);
}

/** Origins listed in a note, at most. */
const ORIGINS_SHOWN = 5;

/**
 * A standalone stack's note when the events came from several accounts or regions (none
 * otherwise): it would only ever receive its own.
 */
export function originsNote(origins: readonly string[]): string[] {
  if (origins.length < 2) return [];
  return [
    `note: the events came from ${counted(origins.length, "account and region", "accounts and regions")}; ` +
      "a standalone stack receives only its own (replay them with --stack hub to see what a hub accepts)",
  ];
}

/** A spoke's replay as a person reads it: where it forwards, the counts, the next step. */
export function formatForwarding(stack: string, result: ForwardResult): string {
  const { summary, place } = result;
  const elsewhere = result.origins.filter((o) => o !== `${place.account} ${place.region}`);
  const listed =
    elsewhere.length > ORIGINS_SHOWN
      ? `${elsewhere.slice(0, ORIGINS_SHOWN).join(", ")} and ${elsewhere.length - ORIGINS_SHOWN} more`
      : elsewhere.join(", ");
  return [
    `Stack ${stack} is a spoke in ${place.account} ${place.region}: it records nothing; its rule puts ` +
      `what it matches on ${result.forwardTo} through the role ${result.roleName}.`,
    formatForwardSummary(summary),
    ...(summary.elsewhere > 0
      ? [
          `note: ${counted(summary.elsewhere, "event")} came from ${listed}, not this spoke's ` +
            "account and region (--account, --region)",
        ]
      : []),
    "next: batch-job-log replay FILE --stack HUB   (what the hub records of what its spokes forward)",
  ].join("\n");
}

/** What a spoke would do with the events: forward them, skip them, never see them. */
function formatForwardSummary(summary: ForwardSummary): string {
  return formatCounts([
    ["read", summary.read],
    ["not events", summary.invalid],
    ["forwarded", summary.forwarded],
    ["skipped by the rule", summary.skipped],
    ["not on this bus", summary.elsewhere],
  ]);
}

function formatCounts(rows: readonly (readonly [string, number])[]): string {
  const text = rows.map(([label, n]) => [label, n.toLocaleString("en-US")] as const);
  const labels = Math.max(20, ...rows.map(([label]) => label.length + 1));
  const width = Math.max(...text.map(([, n]) => n.length));
  return text.map(([label, n]) => `  ${label.padEnd(labels)}${n.padStart(width)}`).join("\n");
}

/**
 * One row per item: job id, status, exit code, and the log group, region and stream of its last
 * attempt, or, spanning those three columns, why it has none.
 */
export function formatJobsTable(items: readonly JobRecord[]): string {
  const header = ["JOB ID", "STATUS", "EXIT", "LOG GROUP", "REGION", "LOG STREAM"];
  const rows = items.map((item) => {
    // The table's items are the handler's records.
    const record = item;
    const exit = typeof record.exitCode === "number" ? String(record.exitCode) : "-";
    const cells = [String(record.jobId), String(record.status), exit];
    const stream = record.logStreamName;
    if (typeof stream === "string") {
      return [...cells, String(record.logGroup ?? ""), String(record.logRegion ?? ""), stream];
    }
    return [...cells, `(${noStreamNote(record)})`];
  });
  return columns([header, ...rows]).join("\n");
}

/** Why a record points at no CloudWatch stream, short enough for a table row. */
function noStreamNote(record: JobRecord): string {
  const cause = noStreamCause(record);
  switch (cause.kind) {
    case "eks": {
      const pod = cause.pod?.podName !== undefined ? ` pod ${cause.pod.podName}` : "";
      const node = cause.pod?.nodeName !== undefined ? ` on ${cause.pod.nodeName}` : "";
      return `EKS, no CloudWatch stream:${pod}${node}`.replace(/:$/, "");
    }
    case "log-driver":
      return `no CloudWatch stream: it logs with ${cause.logDriver}`;
    case "array-parent":
      return `array parent of ${cause.arraySize} children: they have the logs`;
    case "multi-node-parent":
      return "multi-node parent: its nodes have the logs";
    case "not-finished":
    case "never-started":
    case "no-recorded-stream": {
      const why = [record.statusReason, record.reason].filter(
        (s) => typeof s === "string" && s !== "",
      );
      const what = cause.kind === "never-started" ? "never ran" : "no log stream in the event";
      return `${what}${why.length ? `: ${why.join(": ")}` : ""}`;
    }
  }
}

/**
 * The errors as the human output lists them: a title counting them all, the first ERRORS_SHOWN,
 * and how many more there were.
 */
export function formatErrors(
  summary: Pick<ReplaySummary, "invalid"> & Partial<Pick<ReplaySummary, "failed">>,
  errors: readonly ReplayError[],
): string {
  const failed = summary.failed ?? 0;
  const title = [
    failed > 0 ? counted(failed, "event failed", "events failed") : "",
    summary.invalid > 0
      ? counted(summary.invalid, "input is not an event", "inputs are not events")
      : "",
  ]
    .filter(Boolean)
    .join(" and ");
  return formatListed(title, failed + summary.invalid, errors);
}

/**
 * The events a hub's bus policy refused, one line per reason (it names the account) with how
 * many and the first of them; --json lists each.
 */
export function formatRefusals(summary: ReplaySummary, refusals: readonly ReplayError[]): string {
  const byReason = new Map<string, { count: number; first: ReplayError }>();
  for (const refusal of refusals) {
    const seen = byReason.get(refusal.message);
    if (seen) seen.count++;
    else byReason.set(refusal.message, { count: 1, first: refusal });
  }
  const lines = [...byReason.entries()].map(
    ([reason, { count, first }]) =>
      `  ${counted(count, "event")} (first ${first.source}): ${reason}`,
  );
  if (refusals.length < summary.refused) {
    lines.push(`  ... and ${(summary.refused - refusals.length).toLocaleString("en-US")} more`);
  }
  const title = `${counted(summary.refused, "event")} refused by the hub bus policy, not recorded (--json lists each)`;
  return [`${title}:`, ...lines].join("\n");
}

function formatListed(title: string, total: number, errors: readonly ReplayError[]): string {
  const shown = errors.slice(0, ERRORS_SHOWN);
  const lines = shown.map(
    (e) => `  ${e.source}  ${e.eventId === undefined ? "" : `event ${e.eventId}: `}${e.message}`,
  );
  const more = total - shown.length;
  if (more > 0) {
    const json =
      errors.length < total
        ? `--json lists the first ${errors.length.toLocaleString("en-US")}`
        : "--json lists them all";
    lines.push(`  ... and ${more.toLocaleString("en-US")} more (${json})`);
  }
  return [`${title}:`, ...lines].join("\n");
}

/** Where the replayed table is, as the lookups' flags say it. */
export type TableWhere =
  | { readonly kind: "db"; readonly dir: string; readonly table?: string }
  | { readonly kind: "endpoint"; readonly endpoint: string; readonly table: string }
  | { readonly kind: "gone" };

/**
 * The one line saying what to run next on a job of the table: `show` on a failed job (else one
 * with a log stream, else any), with the flags that reach the table. Undefined for an empty table.
 */
export function nextStep(rows: readonly JobRecord[], where: TableWhere): string | undefined {
  const records = rows;
  const hasStream = (r: JobRecord) => typeof r.logStreamName === "string";
  const job =
    records.find((r) => r.status === "FAILED" && hasStream(r)) ??
    records.find((r) => r.status === "FAILED") ??
    records.find(hasStream) ??
    records[0];
  if (job === undefined) return undefined;
  const why =
    job.status === "FAILED" ? "why it failed and where its logs are" : "where its logs are";
  const show = (flags: string) => `batch-job-log show ${shellQuote(job.jobId)} ${flags}`;
  const table = (name: string | undefined) => (name ? ` --table ${shellQuote(name)}` : "");
  switch (where.kind) {
    case "db":
      return `next: ${show(`--db ${shellQuote(where.dir)}${table(where.table)}`)}   (${why})`;
    case "endpoint":
      return `next: ${show(`--endpoint ${shellQuote(where.endpoint)}${table(where.table)}`)}   (${why})`;
    case "gone":
      return `next: replay with --db DIR to keep the table, then ${show("--db DIR")}   (${why})`;
  }
}
