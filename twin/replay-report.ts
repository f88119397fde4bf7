/**
 * How `batch-job-log replay` shows its result to a person: the summary, a table of the jobs in the
 * table with where their logs are (or why there is no stream to read), the failures; and a
 * progress bar for long inputs on a terminal. The `--json` document is built here too, so the two
 * outputs cannot disagree.
 */
import type { ReplayError, ReplaySummary } from "./replay-engine";

type Item = Record<string, unknown>;

/** The `--json` document. */
export function replayDocument(
  summary: ReplaySummary,
  records: readonly Item[],
  errors: readonly ReplayError[],
) {
  return { summary, records, errors };
}

export function formatSummary(summary: ReplaySummary): string {
  const rows: [string, number][] = [
    ["read", summary.read],
    ["matched", summary.matched],
    ["skipped by the rule", summary.skipped],
    ["recorded", summary.recorded],
    ["unchanged", summary.unchanged],
    ["failed", summary.failed],
  ];
  const width = Math.max(...rows.map(([, n]) => String(n).length));
  return rows.map(([label, n]) => `  ${label.padEnd(20)}${String(n).padStart(width)}`).join("\n");
}

/** One row per item: job id, status, exit code, and the log group, region and stream of its last attempt. */
export function formatJobsTable(items: readonly Item[]): string {
  const header = ["JOB ID", "STATUS", "EXIT", "LOG GROUP", "REGION", "LOG STREAM"];
  const rows = items.map((item) => {
    const exit = typeof item.exitCode === "number" ? String(item.exitCode) : "-";
    const cells = [String(item.jobId), String(item.status), exit];
    const stream = item.logStreamName;
    if (typeof stream === "string") {
      return [...cells, String(item.logGroup ?? ""), String(item.logRegion ?? ""), stream];
    }
    return [...cells, `(${noStreamReason(item)})`];
  });
  // The reason of a row without a stream spans the three log columns: it does not set their width.
  const widths = header.map((h, i) =>
    Math.max(
      h.length,
      ...rows.filter((r) => r.length === header.length || i < 3).map((r) => (r[i] ?? "").length),
    ),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** Why an item points at no CloudWatch stream, from what the handler recorded. */
export function noStreamReason(item: Item): string {
  const attempts = Array.isArray(item.attempts) ? (item.attempts as Item[]) : [];
  const last = attempts[attempts.length - 1];
  if (typeof item.logDriver === "string")
    return `no CloudWatch stream: it logs with ${item.logDriver}`;
  if (typeof item.arraySize === "number") {
    return `array parent of ${item.arraySize} children: they have the logs`;
  }
  if (typeof item.numNodes === "number") return `multi-node parent: its nodes have the logs`;
  if (item.platform === "EKS") {
    const pod = last && typeof last.podName === "string" ? ` pod ${last.podName}` : "";
    const node = last && typeof last.nodeName === "string" ? ` on ${last.nodeName}` : "";
    return `EKS, no CloudWatch stream:${pod}${node}`.replace(/:$/, "");
  }
  const why = [item.statusReason, item.reason].filter((s) => typeof s === "string" && s !== "");
  const ran = attempts.some((a) => typeof a.startedAt === "number");
  if (!ran && item.status === "FAILED")
    return `never ran${why.length ? `: ${why.join(": ")}` : ""}`;
  return `no log stream in the event${why.length ? `: ${why.join(": ")}` : ""}`;
}

export function formatErrors(errors: readonly ReplayError[]): string {
  return errors.map((e) => `  ${e.source}  event ${e.eventId}: ${e.message}`).join("\n");
}

export interface Progress {
  update(done: number): void;
  /** Clears the bar. */
  finish(): void;
}

/** Inputs shorter than this replay in about a second: no bar. */
export const PROGRESS_MIN_EVENTS = 200;

/**
 * A progress bar on `stream`, redrawn at most every 100 ms, for `total` events; a no-op when the
 * stream is not a terminal or the input is short.
 */
export function progressBar(
  stream: { write(text: string): unknown; readonly isTTY?: boolean },
  total: number,
  now: () => number = Date.now,
): Progress {
  if (!stream.isTTY || total < PROGRESS_MIN_EVENTS) return { update: () => {}, finish: () => {} };
  const width = 30;
  let last = 0;
  let drawn = false;
  return {
    update(done) {
      const t = now();
      if (done < total && t - last < 100) return;
      last = t;
      const filled = Math.round((done / total) * width);
      const percent = String(Math.floor((done / total) * 100)).padStart(3);
      stream.write(
        `\rreplaying [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent}% ${done}/${total} events`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream.write("\r\x1b[K");
    },
  };
}
