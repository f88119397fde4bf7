/**
 * Jobs cancelled while RUNNABLE: they never ran, so they have no attempt and no stream. Some
 * first sit in a blocked queue, which emits a "Batch Job Queue Blocked" event the rule must skip.
 */
import { QUEUE_BLOCKED, REGION, batchArn, clone, stateChange, type Emission } from "../envelope";
import { detailHead, detailTail, ecsContainer, type Identity } from "../job-detail";
import { jobDefArn, type JobDef } from "../job-definitions";
import type { PlannedJob } from "../jobs";
import type { Rng } from "../rng";

export interface CancelledJobSpec {
  jobId: string;
  jobName: string;
  def: JobDef;
  queue: string;
  platform: "EC2" | "FARGATE";
  createdAt: number;
  cancelReason: string;
  /** Emit a "Batch Job Queue Blocked" event (with this statusReason) before the cancel. */
  blockedReason?: string;
  eksAttemptsField?: boolean;
}

export function simulateCancelledJob(rng: Rng, s: CancelledJobSpec): Emission[] {
  const id: Identity = {
    jobId: s.jobId,
    jobName: s.jobName,
    withJobArn: true,
    queue: s.queue,
    createdAt: s.createdAt,
    retryAttempts: 1,
    jobDefinition: jobDefArn(s.def),
    region: REGION,
  };
  const jobArn = batchArn(REGION, `job/${s.jobId}`);
  const d = detailHead(id, "RUNNABLE");
  d.container = ecsContainer(s.def, s.platform);
  detailTail(d, id, [s.platform], s.eksAttemptsField ?? false);
  const out: Emission[] = [];
  let t = s.createdAt + rng.int(800, 4000);
  out.push(stateChange(s.jobId, REGION, t, d, jobArn));
  if (s.blockedReason) {
    t += rng.int(300_000, 900_000);
    const blocked = clone(d);
    blocked.statusReason = s.blockedReason;
    out.push({
      jobId: s.jobId,
      at: t,
      detailType: QUEUE_BLOCKED,
      source: "aws.batch",
      region: REGION,
      resources: [jobArn, batchArn(REGION, `job-queue/${s.queue}`)],
      detail: blocked,
    });
  }
  t += rng.int(600_000, 3_600_000);
  d.status = "FAILED";
  d.statusReason = s.cancelReason;
  d.isCancelled = true;
  out.push(stateChange(s.jobId, REGION, t, d, jobArn));
  return out;
}

export function planCancelledJob(rng: Rng, spec: CancelledJobSpec): PlannedJob[] {
  return [
    {
      kind: "cancelled-in-queue",
      jobId: spec.jobId,
      emissions: simulateCancelledJob(rng, spec),
      // It never ran: no stream.
      runs: [],
    },
  ];
}
