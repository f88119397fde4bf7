/**
 * Which stream of a record to read, and, when there is none, exactly why (docs/batch-events.md,
 * "Where the logs are"): an EKS job keeps its logs in the cluster, a non-awslogs
 * driver sends them elsewhere, an array parent never runs, a job that never started wrote nothing.
 */
import type { AttemptRecord, JobRecord, LogStreamRef } from "../../record";
import { LookupError, failureReason } from "./errors";
import { plural } from "./format";

export interface StreamChoice {
  readonly stream: LogStreamRef;
  /** Said on stderr before the events: another attempt or container exists. */
  readonly notes: readonly string[];
}

/** How many attempts the record knows of, counting one in progress that already has a stream. */
export function attemptCount(record: JobRecord): number {
  const streams = record.logStreams ?? [];
  return Math.max(record.attempts?.length ?? 0, ...streams.map((s) => s.attempt), 0);
}

/** True for an array or multi-node parent: its children or nodes have the logs. */
export function isParent(record: JobRecord): boolean {
  return (
    record.parentJobId === undefined &&
    (record.arraySize !== undefined || record.numNodes !== undefined)
  );
}

/** True when the job ran on EKS (no CloudWatch stream in Batch's events). */
export function isEks(record: JobRecord): boolean {
  return (
    record.platform === "EKS" ||
    record.eksClusterArn !== undefined ||
    (record.attempts ?? []).some((a) => a.podName !== undefined)
  );
}

/**
 * The stream to read: of `attempt` (default: the latest attempt that has one) and `container`
 * (default: the job's main stream, else the attempt's first). Throws LookupError saying why
 * there is none.
 */
export function chooseStream(
  record: JobRecord,
  attempt?: number,
  container?: string,
): StreamChoice {
  const streams = record.logStreams ?? [];
  if (streams.length === 0) throw new LookupError(noStreamReason(record));
  const notes: string[] = [];
  const count = attemptCount(record);
  let chosenAttempt: number;
  if (attempt !== undefined) {
    if (attempt > count) {
      throw new LookupError(`job ${record.jobId} has ${plural(count, "attempt")}, not ${attempt}.`);
    }
    if (!streams.some((s) => s.attempt === attempt)) {
      throw new LookupError(noStreamForAttempt(record, attempt));
    }
    chosenAttempt = attempt;
  } else {
    chosenAttempt = Math.max(...streams.map((s) => s.attempt));
    if (chosenAttempt < count) {
      notes.push(`${noStreamForAttempt(record, count)} Showing attempt ${chosenAttempt}.`);
    }
  }
  const inAttempt = streams.filter((s) => s.attempt === chosenAttempt);
  if (container !== undefined) {
    const found = inAttempt.find((s) => s.container === container);
    if (!found) {
      const names = inAttempt.map((s) => s.container).join(", ");
      throw new LookupError(
        `attempt ${chosenAttempt} of job ${record.jobId} has no container "${container}" (containers: ${names}).`,
      );
    }
    return { stream: found, notes };
  }
  const main = inAttempt.find((s) => s.logStreamName === record.logStreamName) ?? inAttempt[0];
  if (inAttempt.length > 1) {
    const names = inAttempt.map((s) => s.container).join(", ");
    notes.push(
      `attempt ${chosenAttempt} has ${inAttempt.length} containers (${names}): showing ${main.container}; pick one with --container NAME.`,
    );
  }
  return { stream: main, notes };
}

/** The streams of every container of one attempt, and the notes of chooseStream. */
export interface ContainerChoice {
  /** The main container's first, then the others as recorded. */
  readonly streams: readonly LogStreamRef[];
  readonly notes: readonly string[];
}

/**
 * Every container's stream of `attempt` (default: as chooseStream picks it), for
 * --all-containers. Throws LookupError saying why there is none, as chooseStream.
 */
export function containerStreams(record: JobRecord, attempt?: number): ContainerChoice {
  const { stream: main, notes } = chooseStream(record, attempt);
  const others = (record.logStreams ?? []).filter((s) => s.attempt === main.attempt && s !== main);
  // chooseStream's note on the other containers is what --all-containers answers.
  return { streams: [main, ...others], notes: notes.filter((n) => !n.includes("--container")) };
}

/** Why attempt `n` has no stream, as one sentence. */
export function noStreamForAttempt(record: JobRecord, n: number): string {
  const why = failureReason(record, n);
  const a = record.attempts?.[n - 1];
  const started = a?.startedAt !== undefined;
  const what = started ? "has no log stream" : "never started and has no log stream";
  return `attempt ${n} of job ${record.jobId} ${what}${why ? `: ${why}.` : "."}`;
}

/**
 * Why a job has no CloudWatch stream at all, the causes checked in this order: it ran on EKS, it
 * logs with another driver, it is an array parent, a multi-node parent that never ran itself, it
 * has not finished, it never started, or it finished without a stream in its events. `show` and
 * `logs` print it as noStreamReason's sentence, `replay` as a short note in its table of jobs.
 */
export type NoStreamCause =
  /** `pod`: the last attempt that ran in a pod, if any. */
  | { readonly kind: "eks"; readonly pod?: AttemptRecord }
  | { readonly kind: "log-driver"; readonly logDriver: string }
  | { readonly kind: "array-parent"; readonly arraySize: number }
  | { readonly kind: "multi-node-parent" }
  | { readonly kind: "not-finished"; readonly started: boolean }
  | { readonly kind: "never-started" }
  | { readonly kind: "no-recorded-stream" };

export function noStreamCause(record: JobRecord): NoStreamCause {
  if (isEks(record)) {
    const pod = [...(record.attempts ?? [])].reverse().find((a) => a.podName !== undefined);
    return { kind: "eks", pod };
  }
  if (record.logDriver !== undefined) return { kind: "log-driver", logDriver: record.logDriver };
  if (record.arraySize !== undefined) return { kind: "array-parent", arraySize: record.arraySize };
  if (record.numNodes !== undefined && (record.attempts ?? []).length === 0) {
    return { kind: "multi-node-parent" };
  }
  const started =
    record.startedAt !== undefined ||
    (record.attempts ?? []).some((a) => a.startedAt !== undefined);
  if (record.status !== "SUCCEEDED" && record.status !== "FAILED") {
    return { kind: "not-finished", started };
  }
  return started ? { kind: "no-recorded-stream" } : { kind: "never-started" };
}

/** Why a job has no CloudWatch stream at all, as one line. */
export function noStreamReason(record: JobRecord): string {
  const job = `job ${record.jobId}`;
  const cause = noStreamCause(record);
  switch (cause.kind) {
    case "eks": {
      const last = cause.pod;
      const where = last
        ? ` (pod ${last.podName}${last.podNamespace ? ` in namespace ${last.podNamespace}` : ""}` +
          `${last.nodeName ? ` on node ${last.nodeName}` : ""})`
        : "";
      return (
        `${job} ran on EKS${where}: Batch records no CloudWatch log stream for EKS jobs; ` +
        `read its logs from the cluster's logging.`
      );
    }
    case "log-driver":
      return `${job} logs with the ${cause.logDriver} log driver, not awslogs: there is no CloudWatch log stream.`;
    case "array-parent":
      return (
        `${job} is an array parent: it never runs itself; its ${cause.arraySize} children have the logs ` +
        `(\`batch-job-log logs ${record.jobId}\` prints them).`
      );
    case "multi-node-parent":
      return (
        `${job} is a multi-node parent with no recorded stream; its nodes have the logs ` +
        `(\`batch-job-log logs ${record.jobId}\` prints them).`
      );
    case "not-finished":
      return cause.started
        ? `${job} is ${record.status} and has no recorded log stream yet.`
        : `${job} has not started yet (status ${record.status}).`;
    case "never-started":
    case "no-recorded-stream": {
      const why = failureReason(record, record.attempts?.length || undefined);
      const what = cause.kind === "never-started" ? "never started" : "has no recorded log stream";
      return `${job} ${what} (${record.status})${why ? `: ${why}.` : "."}`;
    }
  }
}
