/**
 * The exact counts of a generated workload (SampleFacts), computed from its delivered events and
 * the kind of each planned job, so that tests and docs can state them.
 */
import { STATE_CHANGE, isTerminal, type BatchEvent } from "./envelope";
import { JOB_KINDS, type JobKind } from "./jobs";

export interface SampleFacts {
  seed: number;
  /** Distinct detail.jobId among source "aws.batch" + detail-type "Batch Job State Change". */
  jobs: number;
  /** Total number of events (lines of the jsonl file). */
  events: number;
  /** Events whose source is not "aws.batch" or whose detail-type is not "Batch Job State Change". */
  skippable: number;
  /** Distinct jobs by terminal status (each job counted once, whatever its duplicates). */
  terminalByStatus: { SUCCEEDED: number; FAILED: number };
  /** Distinct jobs per kind (a multi-node job counts its parent and each node job). */
  jobsByKind: Record<JobKind, number>;
  /**
   * Extra deliveries of a state-change event: `identical` repeats an earlier envelope exactly;
   * `newEnvelopeId` repeats an earlier detail under another envelope id.
   */
  duplicates: { identical: number; newEnvelopeId: number };
  /** Jobs with at least one non-terminal event delivered after their first terminal event. */
  outOfOrderJobs: number;
}

export function computeFacts(
  seed: number,
  events: BatchEvent[],
  kinds: Map<string, JobKind>,
): SampleFacts {
  const isStateChange = (e: BatchEvent) =>
    e.source === "aws.batch" && e["detail-type"] === STATE_CHANGE;
  const jobIds = new Set<string>();
  const terminal = new Map<string, string>();
  const seenEnvelope = new Set<string>();
  const seenDetail = new Set<string>();
  const firstTerminalSeen = new Set<string>();
  const outOfOrder = new Set<string>();
  let identical = 0;
  let newEnvelopeId = 0;
  let skippable = 0;
  for (const e of events) {
    if (!isStateChange(e)) {
      skippable++;
      continue;
    }
    const jobId = e.detail.jobId as string;
    const status = e.detail.status as string;
    jobIds.add(jobId);
    const envKey = JSON.stringify(e);
    const detailKey = JSON.stringify(e.detail);
    if (seenEnvelope.has(envKey)) identical++;
    else if (seenDetail.has(detailKey)) newEnvelopeId++;
    seenEnvelope.add(envKey);
    seenDetail.add(detailKey);
    if (isTerminal(status)) {
      terminal.set(jobId, status);
      firstTerminalSeen.add(jobId);
    } else if (firstTerminalSeen.has(jobId)) {
      outOfOrder.add(jobId);
    }
  }
  const terminalByStatus = { SUCCEEDED: 0, FAILED: 0 };
  for (const s of terminal.values()) terminalByStatus[s as "SUCCEEDED" | "FAILED"]++;
  const jobsByKind = Object.fromEntries(JOB_KINDS.map((k) => [k, 0])) as Record<JobKind, number>;
  for (const k of kinds.values()) jobsByKind[k]++;
  return {
    seed,
    jobs: jobIds.size,
    events: events.length,
    skippable,
    terminalByStatus,
    jobsByKind,
    duplicates: { identical, newEnvelopeId },
    outOfOrderJobs: outOfOrder.size,
  };
}
