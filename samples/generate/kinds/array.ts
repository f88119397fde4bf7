/**
 * Array jobs: a parent that never runs itself (PENDING, RUNNING, then SUCCEEDED or FAILED with a
 * status summary of its children) and one single-container child `<parent>:<index>` per index,
 * each with its own attempts and streams.
 */
import { REGION, batchArn, stateChange, type Emission } from "../envelope";
import { detailHead, detailTail, ecsContainer, type Identity } from "../job-detail";
import { jobDefArn, type JobDef } from "../job-definitions";
import type { PlannedJob } from "../jobs";
import type { Rng } from "../rng";
import { simulateSingleJob, type Outcome } from "./single";

export interface ArrayJobSpec {
  parentId: string;
  jobName: string;
  def: JobDef;
  queue: string;
  cluster: string;
  createdAt: number;
  /** One list of attempt outcomes per child index. */
  children: Outcome[][];
  retryAttempts: number;
  eksAttemptsField?: boolean;
}

export interface ArrayJobEmissions {
  parent: Emission[];
  children: Emission[][];
}

function statusAt(emissions: Emission[], t: number): string {
  let status = "PENDING";
  for (const e of emissions) if (e.at <= t) status = e.detail.status as string;
  return status;
}

export function simulateArrayJob(rng: Rng, s: ArrayJobSpec): ArrayJobEmissions {
  const id: Identity = {
    jobId: s.parentId,
    jobName: s.jobName,
    withJobArn: true,
    queue: s.queue,
    createdAt: s.createdAt,
    retryAttempts: s.retryAttempts,
    jobDefinition: jobDefArn(s.def),
    region: REGION,
  };
  const jobArn = batchArn(REGION, `job/${s.parentId}`);
  const pendingAt = s.createdAt + rng.int(500, 2500);
  const children = s.children.map((outcomes, index) =>
    simulateSingleJob(rng, {
      jobId: `${s.parentId}:${index}`,
      jobName: s.jobName,
      def: s.def,
      queue: s.queue,
      platform: "EC2",
      cluster: s.cluster,
      createdAt: pendingAt - 200 + index * rng.int(3, 12),
      attempts: outcomes,
      retryAttempts: s.retryAttempts,
      arrayIndex: index,
      eksAttemptsField: s.eksAttemptsField,
    }),
  );
  const runningAt =
    Math.min(
      ...children.map((evs) => evs.find((e) => e.detail.status === "RUNNING")?.at ?? Infinity),
    ) + rng.int(200, 2000);
  const endAt = Math.max(...children.map((evs) => evs[evs.length - 1].at)) + rng.int(1000, 5000);
  const anyFailed = children.some((evs) => evs[evs.length - 1].detail.status === "FAILED");

  const summary = (t: number) => {
    const counts: Record<string, number> = {
      STARTING: 0,
      FAILED: 0,
      RUNNING: 0,
      SUCCEEDED: 0,
      RUNNABLE: 0,
      SUBMITTED: 0,
      PENDING: 0,
    };
    for (const evs of children) counts[statusAt(evs, t)]++;
    return counts;
  };
  const d = detailHead(id, "PENDING");
  d.container = ecsContainer(s.def, "EC2");
  d.arrayProperties = {
    statusSummary: summary(pendingAt),
    statusSummaryLastUpdatedAt: pendingAt,
    size: s.children.length,
  };
  detailTail(d, id, ["EC2"], s.eksAttemptsField ?? false);
  const parent: Emission[] = [];
  parent.push(stateChange(s.parentId, REGION, pendingAt, d, jobArn));
  if (Number.isFinite(runningAt)) {
    d.status = "RUNNING";
    d.startedAt = runningAt;
    d.arrayProperties = {
      statusSummary: summary(runningAt),
      statusSummaryLastUpdatedAt: runningAt,
      size: s.children.length,
    };
    parent.push(stateChange(s.parentId, REGION, runningAt, d, jobArn));
  }
  d.status = anyFailed ? "FAILED" : "SUCCEEDED";
  d.arrayProperties = {
    statusSummary: summary(endAt),
    statusSummaryLastUpdatedAt: endAt,
    size: s.children.length,
  };
  d.stoppedAt = endAt;
  parent.push(stateChange(s.parentId, REGION, endAt, d, jobArn));
  return { parent, children };
}

/** The parent, then its children in index order. */
export function planArrayJob(rng: Rng, spec: ArrayJobSpec): PlannedJob[] {
  const { parent, children } = simulateArrayJob(rng, spec);
  return [
    { kind: "array-parent", jobId: spec.parentId, emissions: parent },
    ...children.map((emissions, i): PlannedJob => ({
      kind: "array-child",
      jobId: `${spec.parentId}:${i}`,
      emissions,
    })),
  ];
}
