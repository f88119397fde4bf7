/**
 * Array jobs: a parent that never runs itself (PENDING, RUNNING, then SUCCEEDED or FAILED with a
 * status summary of its children) and one single-container child `<parent>:<index>` per index,
 * each with its own attempts and streams, where it prints the progress of its shard of tiles.
 */
import { REGION, batchArn, stateChange, type Emission } from "../envelope";
import { detailHead, detailTail, ecsContainer, type Identity } from "../job-detail";
import { jobDefArn, type JobDef } from "../job-definitions";
import type { PlannedJob, Simulated } from "../jobs";
import type { Rng } from "../rng";
import { printAttempt, simulateSingleJob, type Outcome, type Program } from "./single";

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

export interface SimulatedArrayJob {
  parent: Emission[];
  children: Simulated[];
}

function statusAt(emissions: Emission[], t: number): string {
  let status = "PENDING";
  for (const e of emissions) if (e.at <= t) status = e.detail.status as string;
  return status;
}

export function simulateArrayJob(rng: Rng, s: ArrayJobSpec): SimulatedArrayJob {
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
  const tiles = shardOf(s.children.length);
  const children = s.children.map((outcomes, index) =>
    simulateSingleJob(
      rng,
      {
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
      },
      (r, run) => printAttempt(r, run, tiles),
    ),
  );
  const childEvents = children.map((child) => child.emissions);
  const runningAt =
    Math.min(
      ...childEvents.map((evs) => evs.find((e) => e.detail.status === "RUNNING")?.at ?? Infinity),
    ) + rng.int(200, 2000);
  const endAt = Math.max(...childEvents.map((evs) => evs[evs.length - 1].at)) + rng.int(1000, 5000);
  const anyFailed = childEvents.some((evs) => evs[evs.length - 1].detail.status === "FAILED");

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
    for (const evs of childEvents) counts[statusAt(evs, t)]++;
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
    { kind: "array-parent", jobId: spec.parentId, emissions: parent, runs: [] },
    ...children.map((child, i): PlannedJob => ({
      kind: "array-child",
      jobId: `${spec.parentId}:${i}`,
      ...child,
    })),
  ];
}

/** `tile-render`: each child renders the shard of tiles its array index names. */
function shardOf(size: number): Program {
  return (rng, { spec, attempt, ms }) => {
    const index = spec.arrayIndex ?? 0;
    const tiles = rng.int(8, 64) * 256;
    const child = `${spec.jobName} child ${index} of ${size}`;
    return {
      start: [
        `tile-render 2.1.0: ${child} (AWS_BATCH_JOB_ARRAY_INDEX=${index}, job ${spec.jobId}, attempt ${attempt} of ${spec.retryAttempts})`,
        `shard ${index}: zoom 12, ${tiles} tiles from s3://tiles-src/z12/`,
      ],
      step: (i, n) => `shard ${index}: ${Math.round((tiles * i) / n)}/${tiles} tiles rendered`,
      done: [
        `${child} finished in ${(ms / 1000).toFixed(1)} s: ${tiles} tiles written to s3://tiles/z12/${index}/`,
      ],
      fail: () => [
        `ERROR shard ${index}: PostGIS query failed: canceling statement due to statement timeout`,
        `${child} failed`,
      ],
    };
  };
}
