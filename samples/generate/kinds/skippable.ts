/**
 * Events the rule must skip: "Batch Service Job State Change" events of SageMaker service jobs
 * (same source, other detail-type), and terminal events of a few jobs re-published by another
 * source. ("Batch Job Queue Blocked" events come with the cancelled jobs, kinds/cancelled.ts.)
 */
import type { Delivery } from "../delivery";
import {
  ACCOUNT,
  REGION,
  SAMPLE_EPOCH_MS,
  SERVICE_JOB_STATE_CHANGE,
  STATE_CHANGE,
  batchArn,
  clone,
  isTerminal,
  toEnvelope,
  type Emission,
} from "../envelope";
import type { PlannedJob } from "../jobs";
import type { Rng } from "../rng";

function serviceJobEmission(rng: Rng, at: number): Emission {
  const jobId = rng.uuid();
  const arn = batchArn(REGION, `service-job/${jobId}`);
  const trainingJob = `AWSBatch${rng.pick(["fine-tune", "eval-run", "hpo"])}${rng.hex(32)}`;
  const started = at - rng.int(600_000, 3_600_000);
  return {
    jobId,
    at,
    detailType: SERVICE_JOB_STATE_CHANGE,
    source: "aws.batch",
    region: REGION,
    resources: [arn],
    detail: {
      attempts: [
        {
          serviceResourceId: {
            name: "TrainingJobArn",
            value: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${trainingJob}`,
          },
          startedAt: started,
          stoppedAt: at - rng.int(1000, 5000),
          statusReason: "Received status from SageMaker: Training job completed",
        },
      ],
      createdAt: started - rng.int(60_000, 600_000),
      jobArn: arn,
      jobId,
      jobName: "sagemaker-fine-tune",
      jobQueue: batchArn(REGION, "job-queue/sagemaker-training"),
      retryStrategy: { attempts: 1 },
      serviceJobType: "SAGEMAKER_TRAINING",
      startedAt: started,
      status: "SUCCEEDED",
      statusReason: "Received status from SageMaker: Training job completed",
      stoppedAt: at - rng.int(1000, 5000),
      timeoutConfig: { attemptDurationSeconds: 86400 },
    },
  };
}

/** The skippable events, spread over the workload (`end`: the time of its last delivery). */
export function skippableEvents(rng: Rng, jobs: PlannedJob[], end: number): Delivery[] {
  const out: Delivery[] = [];
  const seqBase = 1_000_000;
  // SageMaker service jobs share the source but not the detail-type.
  for (let i = 0; i < 3; i++) {
    const at = SAMPLE_EPOCH_MS + Math.floor(((i + 1) * (end - SAMPLE_EPOCH_MS)) / 4);
    out.push({
      event: toEnvelope(rng, serviceJobEmission(rng, at)),
      deliverAt: at + rng.int(50, 1500),
      seq: seqBase + i,
    });
  }
  // Another publisher re-emitting Batch events on the default bus: same detail-type, other source.
  const terminalOf = (j: PlannedJob) =>
    j.emissions.find((e) => e.detailType === STATE_CHANGE && isTerminal(e.detail.status));
  const picked = jobs.filter((j) => j.kind === "ec2-single").slice(0, 3);
  picked.forEach((j, i) => {
    const term = terminalOf(j);
    if (!term) return;
    const ev = toEnvelope(rng, {
      ...term,
      source: "com.example.batch-audit",
      detail: clone(term.detail),
    });
    out.push({ event: ev, deliverAt: term.at + rng.int(60_000, 300_000), seq: seqBase + 10 + i });
  });
  return out;
}
