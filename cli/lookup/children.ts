/**
 * The children of an array or multi-node parent as `show` prints them: every child, one row each,
 * when there are few (at most CHILDREN_LISTED) or when asked (--children); else a summary that
 * fits a screen whatever the array's size: counts by status and by exit code, the indexes not
 * recorded, the first FIRST_FAILURES failed children, and how to list them all.
 */
import type { JobRecord } from "../../record";
import { BATCH_STATUSES } from "../../record/constants";
import { columns, formatTime } from "./format";
import type { ChildSummary } from "./table";

/** Up to this many children, every one is listed. */
export const CHILDREN_LISTED = 20;
/** The failed children a summary shows, by index. */
export const FIRST_FAILURES = 10;
/** The missing indexes a summary names (as ranges) before "and N more". */
const MISSING_SHOWN = 10;

export interface ChildCounts {
  /** By status, in the order of a job's life (SUBMITTED to FAILED), only those present. */
  readonly byStatus: readonly (readonly [string, number])[];
  /** By exit code, ascending; `none` (last) for children without one. */
  readonly byExitCode: readonly (readonly [string, number])[];
}

/** How many children are in each status and ended with each exit code. */
export function countChildren(children: readonly ChildSummary[]): ChildCounts {
  const statuses = new Map<string, number>();
  const codes = new Map<number, number>();
  let none = 0;
  for (const c of children) {
    statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
    if (c.exitCode === undefined) none++;
    else codes.set(c.exitCode, (codes.get(c.exitCode) ?? 0) + 1);
  }
  const order = (s: string) => {
    const i = (BATCH_STATUSES as readonly string[]).indexOf(s);
    return i < 0 ? BATCH_STATUSES.length : i;
  };
  return {
    byStatus: [...statuses].sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b)),
    byExitCode: [
      ...[...codes].sort(([a], [b]) => a - b).map(([code, n]) => [String(code), n] as const),
      ...(none > 0 ? [["none", none] as const] : []),
    ],
  };
}

/** `0-4, 7, 9-12`: sorted whole numbers as ranges. */
export function ranges(numbers: readonly number[]): string[] {
  const out: string[] = [];
  const sorted = [...numbers].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out;
}

const indexOf = (c: ChildSummary) => c.arrayIndex ?? c.nodeIndex;

/**
 * Renders rows as aligned columns, each line after `indent` (`show` passes its output layer's,
 * which fits the terminal and colours the status column).
 */
export type TableRenderer = (rows: readonly (readonly string[])[], indent: string) => string[];

/** Plain columns two spaces apart. */
const plainTable: TableRenderer = (rows, indent) => columns(rows).map((l) => indent + l);

/** The children's rows: index (or node), status, exit code, stopped, job id. */
function rows(parent: JobRecord, children: readonly ChildSummary[]): string[][] {
  const kind = parent.arraySize !== undefined ? "INDEX" : "NODE";
  return [
    [kind, "STATUS", "EXIT", "STOPPED", "JOB ID"],
    ...children.map((c) => [
      String(indexOf(c) ?? "-"),
      c.status,
      c.exitCode === undefined ? "-" : String(c.exitCode),
      formatTime(c.stoppedAt),
      c.jobId,
    ]),
  ];
}

const count = (pairs: readonly (readonly [string, number])[]) =>
  pairs.map(([name, n]) => `${name} ${n.toLocaleString("en-US")}`).join(", ");

/**
 * The lines of `show` about a parent's children (after a blank line): the count recorded, then
 * every child (`all`, or at most CHILDREN_LISTED of them) or the summary.
 */
export function childLines(
  parent: JobRecord,
  children: readonly ChildSummary[],
  all: boolean,
  table: TableRenderer = plainTable,
): string[] {
  const expected = parent.arraySize ?? parent.numNodes;
  const noun = parent.arraySize !== undefined ? "children" : "nodes";
  const lines = [
    `children: ${children.length.toLocaleString("en-US")} recorded` +
      (expected === undefined ? "" : ` of ${expected.toLocaleString("en-US")}`),
  ];
  if (children.length === 0) return lines;
  if (all || children.length <= CHILDREN_LISTED) {
    return [...lines, ...table(rows(parent, children), "  ")];
  }
  const { byStatus, byExitCode } = countChildren(children);
  lines.push(`  by status:    ${count(byStatus)}`, `  by exit code: ${count(byExitCode)}`);
  if (expected !== undefined && children.length < expected) {
    const known = new Set(children.map(indexOf));
    const missing: number[] = [];
    for (let i = 0; i < expected; i++) if (!known.has(i)) missing.push(i);
    const shown = ranges(missing);
    const more = shown.length > MISSING_SHOWN ? `, and ${shown.length - MISSING_SHOWN} more` : "";
    lines.push(
      `  not recorded: ${missing.length.toLocaleString("en-US")} ` +
        `(${parent.arraySize !== undefined ? "indexes" : "nodes"} ${shown.slice(0, MISSING_SHOWN).join(", ")}${more})`,
    );
  }
  const failed = children.filter((c) => c.status === "FAILED");
  if (failed.length > 0) {
    const first = failed.slice(0, FIRST_FAILURES);
    lines.push(
      failed.length > first.length
        ? `  first ${first.length} of ${failed.length.toLocaleString("en-US")} failures:`
        : `  failures (${failed.length}):`,
      ...table(rows(parent, first), "    "),
    );
  }
  lines.push(
    `  every one of the ${children.length.toLocaleString("en-US")} ${noun}: ` +
      `batch-job-log show ${parent.jobId} --children`,
  );
  return lines;
}
