/**
 * How `batch-job-log replay` shows its result to a person: the summary, a table of the jobs in the
 * table with where their logs are (or why there is no stream to read), the failures. The `--json`
 * document is built here too, so the two outputs cannot disagree.
 */
import type { JobRecord } from "../record";
import type { ReplayError, ReplaySummary } from "../twin/replay-engine";
import { columns } from "./lookup/format";
import { noStreamCause } from "./lookup/streams";

/** The `--json` document. */
export function replayDocument(
  summary: ReplaySummary,
  records: readonly JobRecord[],
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

/**
 * One row per item: job id, status, exit code, and the log group, region and stream of its last
 * attempt, or, spanning those three columns, why it has none.
 */
export function formatJobsTable(records: readonly JobRecord[]): string {
  const header = ["JOB ID", "STATUS", "EXIT", "LOG GROUP", "REGION", "LOG STREAM"];
  const rows = records.map((record) => {
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

export function formatErrors(errors: readonly ReplayError[]): string {
  return errors.map((e) => `  ${e.source}  event ${e.eventId}: ${e.message}`).join("\n");
}
