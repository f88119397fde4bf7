/**
 * The jobs still running when the sample ends, so that `show`, `logs` and `logs -f` on a job the
 * table does not hold yet can be tried offline (the stack records final states by default; the
 * lookups ask Batch, which `replay --db` stands in for with DIR/batch.jsonl). Each job is
 * simulated as any other (kinds/), then cut at the sample's end: its events after that time are
 * not delivered, and its streams hold only the lines printed before it.
 *
 *   - an ETL job RUNNING, and a render job RUNNING its second attempt (the first one's host was
 *     terminated);
 *   - a report job RUNNABLE, waiting for capacity (no stream yet);
 *   - an array job RUNNING, of 6 children some of which have ended (one failed), some run;
 *   - a multi-node job of 3 nodes RUNNING.
 *
 * They draw from a generator of their own (seeded from the seed), after the rest of the workload
 * is planned: adding them changed no other job.
 */
import type { Emission } from "./envelope";
import { JOB_DEFS } from "./job-definitions";
import type { PlannedJob } from "./jobs";
import { planArrayJob } from "./kinds/array";
import { planMultiNodeJob } from "./kinds/multi-node";
import { planSingleJob, type Outcome, type SingleJobSpec } from "./kinds/single";
import type { LogRun } from "./logs";
import { CLUSTERS, FARGATE, ON_DEMAND, QUEUES, SPOT } from "./queues";
import { Rng } from "./rng";

/** The generator of these jobs for a seed (another stream than the workload's). */
const RUNNING_SEED = 0x5eed_0001;

/** How many times a job is simulated again, earlier or later, until it is in the wanted state. */
const TRIES = 500;

/** A job's status at time `t`: its last event's at or before `t` (undefined before the first). */
function statusAt(job: PlannedJob, t: number): string | undefined {
  let status: string | undefined;
  for (const e of [...job.emissions].sort((a, b) => a.at - b.at)) {
    if (e.at <= t) status = e.detail.status as string;
  }
  return status;
}

/**
 * Its events up to `end`, and the streams it had opened by then, their lines cut there too; of
 * kind "still-running" unless it had ended by then (an array's child).
 */
function cutAt(job: PlannedJob, end: number): PlannedJob {
  const status = statusAt(job, end);
  return {
    ...job,
    kind: status === "SUCCEEDED" || status === "FAILED" ? job.kind : "still-running",
    emissions: job.emissions.filter((e: Emission) => e.at <= end),
    runs: job.runs
      .filter((r: LogRun) => r.startedAt < end)
      .map((r: LogRun) => ({ ...r, cutAt: end })),
  };
}

/**
 * The first simulation of `plan`, created some minutes before `end`, in which `wanted` holds at
 * `end`; cut there.
 */
function until(
  rng: Rng,
  end: number,
  plan: (createdAt: number) => PlannedJob[],
  wanted: (statuses: (job: PlannedJob) => string | undefined, jobs: PlannedJob[]) => boolean,
): PlannedJob[] {
  for (let i = 0; i < TRIES; i++) {
    const jobs = plan(end - rng.int(60_000, 2_400_000));
    if (wanted((job) => statusAt(job, end), jobs)) {
      return jobs.filter((j) => j.emissions.some((e) => e.at <= end)).map((j) => cutAt(j, end));
    }
  }
  throw new Error(`no simulation in the wanted state after ${TRIES} tries`);
}

/** The still-running jobs of `seed`, cut at `end` (the time of the workload's last delivery). */
export function planStillRunning(seed: number, end: number): PlannedJob[] {
  const rng = new Rng((seed ^ RUNNING_SEED) >>> 0);
  const single = (
    jobName: string,
    spec: Omit<SingleJobSpec, "jobId" | "jobName" | "createdAt" | "retryAttempts">,
    status: string,
    attempts = 1,
  ) =>
    until(
      rng,
      end,
      (createdAt) =>
        planSingleJob(rng, "still-running", {
          jobId: rng.uuid(),
          jobName,
          createdAt,
          retryAttempts: spec.attempts.length,
          ...spec,
        }),
      (at, [job]) =>
        at(job) === status &&
        job.emissions.filter((e) => e.at <= end && e.detail.status === "STARTING").length ===
          (status === "RUNNABLE" ? 0 : attempts),
    );
  const exit0: Outcome = { kind: "exit", exitCode: 0 };
  return [
    ...single(
      "etl-orders-0901",
      { def: JOB_DEFS.etl, ...ON_DEMAND, attempts: [exit0], parameters: { date: "2026-10-31" } },
      "RUNNING",
    ),
    ...single(
      "render-shot-020-0902",
      { def: JOB_DEFS.render, ...SPOT, attempts: [{ kind: "host-terminated" }, exit0] },
      "RUNNING",
      2,
    ),
    ...single(
      "daily-report-0903",
      { def: JOB_DEFS.report, ...FARGATE, attempts: [exit0] },
      "RUNNABLE",
    ),
    ...until(
      rng,
      end,
      (createdAt) =>
        planArrayJob(rng, {
          parentId: rng.uuid(),
          jobName: "tiles-z12-0904",
          def: JOB_DEFS.tiles,
          queue: QUEUES.spot,
          cluster: CLUSTERS.spot,
          createdAt,
          children: [[exit0], [exit0], [{ kind: "exit", exitCode: 1 }], [exit0], [exit0], [exit0]],
          retryAttempts: 2,
        }),
      (at, [parent, ...children]) => {
        const statuses = children.map(at);
        return (
          at(parent) === "RUNNING" &&
          statuses.includes("SUCCEEDED") &&
          statuses.includes("FAILED") &&
          statuses.includes("RUNNING")
        );
      },
    ),
    ...until(
      rng,
      end,
      (createdAt) =>
        planMultiNodeJob(rng, {
          jobId: rng.uuid(),
          jobName: "cfd-wing-0905",
          style: "container",
          numNodes: 3,
          createdAt,
          mainExitCode: 0,
        }),
      (at, jobs) => jobs.every((j) => at(j) === "RUNNING"),
    ),
  ];
}
