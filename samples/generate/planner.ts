/**
 * The workload's plan, as one table: a row per kind of job says how many to make and how each
 * one's spec varies. The rows' slots are shuffled; each slot draws its job's creation time, id and
 * spec and hands them to the module of its kind (kinds/), which simulates the job's events.
 *
 * Every draw comes from the one workload Rng, in a fixed order: reordering the rows, or the draws
 * inside a row, changes the output for every seed.
 */
import { SAMPLE_EPOCH_MS } from "./envelope";
import { JOB_DEFS, type JobDef } from "./job-definitions";
import type { JobKind, PlannedJob } from "./jobs";
import { LOG_CONFIGS } from "./log-configs";
import { FARGATE, LEGACY, ON_DEMAND, QUEUES, SPOT, CLUSTERS, type Placement } from "./queues";
import type { Rng } from "./rng";
import { planArrayJob, type ArrayJobSpec } from "./kinds/array";
import { planCancelledJob } from "./kinds/cancelled";
import { planEksJob } from "./kinds/eks";
import { planMultiContainerJob } from "./kinds/multi-container";
import { planMultiNodeJob } from "./kinds/multi-node";
import { planSingleJob, type Outcome, type SingleJobSpec } from "./kinds/single";

/** What every slot draws before its row draws the rest. */
interface NewJob {
  jobId: string;
  createdAt: number;
  /** Newer events carry "eksAttempts": [] even for ECS jobs. */
  eksAttemptsField: boolean;
  /** `<stem>-<serial>`, unique in the workload. */
  name: (stem: string) => string;
}

interface PlanRow {
  /** The row's name (a JobKind where one row makes one kind). */
  slot: string;
  count: number;
  /** Draws one job's spec and simulates it: the job, or a parent and its children. */
  plan: (rng: Rng, job: NewJob) => PlannedJob[];
}

/** A single-container job's spec without what the slot provides; retries default to none. */
type SingleVariation = Omit<
  SingleJobSpec,
  "jobId" | "createdAt" | "eksAttemptsField" | "retryAttempts"
> &
  Partial<Pick<SingleJobSpec, "eksAttemptsField" | "retryAttempts">>;

function single(
  kind: JobKind,
  count: number,
  vary: (rng: Rng, name: NewJob["name"]) => SingleVariation,
): PlanRow {
  return {
    slot: kind,
    count,
    plan: (rng, job) => {
      const v = vary(rng, job.name);
      return planSingleJob(rng, kind, {
        jobId: job.jobId,
        createdAt: job.createdAt,
        eksAttemptsField: job.eksAttemptsField,
        retryAttempts: v.attempts.length,
        ...v,
      });
    },
  };
}

const exit = (exitCode: number): Outcome => ({ kind: "exit", exitCode });

/** Fargate with one definition, else EC2 on demand with another. */
function fargateOr(
  fargate: boolean,
  fargateDef: JobDef,
  ec2Def: JobDef,
): { def: JobDef } & Placement {
  return fargate ? { def: fargateDef, ...FARGATE } : { def: ec2Def, ...ON_DEMAND };
}

const JOB_NAME_STEMS = {
  etl: ["etl-orders", "etl-customers", "etl-inventory", "etl-clickstream"],
  render: ["render-shot-010", "render-shot-020", "render-preview"],
  report: ["daily-report", "kpi-report", "sla-report"],
  align: ["align-sample", "align-tumor", "align-normal"],
};

function failureExit(rng: Rng): number {
  return rng.pick([1, 1, 1, 2, 127, 139]);
}

const PLAN: readonly PlanRow[] = [
  single("ec2-single", 90, (rng, name): SingleVariation => {
    const spot = rng.chance(0.4);
    const def = rng.pick([JOB_DEFS.etl, JOB_DEFS.render]);
    const etl = def === JOB_DEFS.etl;
    return {
      jobName: name(rng.pick(etl ? JOB_NAME_STEMS.etl : JOB_NAME_STEMS.render)),
      def,
      ...(spot ? SPOT : ON_DEMAND),
      attempts: [exit(rng.chance(0.1) ? failureExit(rng) : 0)],
      parameters: etl ? { date: "2026-10-31" } : { scene: "s01" },
    };
  }),
  single("fargate", 40, (rng, name) => ({
    jobName: name(rng.pick(JOB_NAME_STEMS.report)),
    def: JOB_DEFS.report,
    ...FARGATE,
    attempts: [exit(rng.chance(0.1) ? 1 : 0)],
    logConfiguration: rng.pick([
      undefined,
      LOG_CONFIGS.prefixOnly,
      LOG_CONFIGS.defaultGroupExplicit,
    ]),
  })),
  single("retried", 30, (rng, name) => {
    const n = rng.int(2, 4);
    const finalOk = rng.chance(0.75);
    const attempts: Outcome[] = [];
    for (let i = 0; i < n - 1; i++) {
      attempts.push(rng.chance(0.3) ? { kind: "host-terminated" } : exit(failureExit(rng)));
    }
    attempts.push(exit(finalOk ? 0 : failureExit(rng)));
    return {
      jobName: name(rng.pick(JOB_NAME_STEMS.align)),
      def: JOB_DEFS.align,
      ...SPOT,
      attempts,
      // A job that succeeded may have had retries left.
      retryAttempts: finalOk ? Math.max(n, rng.int(3, 5)) : n,
      parameters: { sample: `NA${rng.int(10000, 99999)}` },
    };
  }),
  single("custom-log-group", 20, (rng, name) => {
    const fargate = rng.chance(0.3);
    return {
      jobName: name("etl-load-eu"),
      attempts: rng.chance(0.2) ? [exit(1), exit(0)] : [exit(rng.chance(0.1) ? 1 : 0)],
      ...fargateOr(fargate, JOB_DEFS.report, JOB_DEFS.etlEu),
      logConfiguration: fargate
        ? LOG_CONFIGS.reportsGroup
        : rng.chance(0.6)
          ? LOG_CONFIGS.etlCrossRegion
          : LOG_CONFIGS.etlSameRegion,
    };
  }),
  single("non-awslogs-driver", 12, (rng, name) => {
    const log = rng.pick([
      LOG_CONFIGS.splunk,
      LOG_CONFIGS.splunk,
      LOG_CONFIGS.fluentd,
      LOG_CONFIGS.gelf,
    ]);
    const fargate = log === LOG_CONFIGS.splunk && rng.chance(0.5);
    return {
      jobName: name("billing-export"),
      def: JOB_DEFS.billing,
      ...(fargate ? FARGATE : ON_DEMAND),
      attempts: [exit(rng.chance(0.15) ? 1 : 0)],
      logConfiguration: log,
      parameters: { month: "2026-10" },
    };
  }),
  {
    slot: "array",
    count: 8,
    plan: (rng, job) => {
      const size = rng.int(2, 8);
      const children: ArrayJobSpec["children"] = Array.from({ length: size }, () => {
        const r = rng.next();
        if (r < 0.08) return [exit(1)];
        if (r < 0.2) return [{ kind: "host-terminated" }, exit(0)];
        return [exit(0)];
      });
      return planArrayJob(rng, {
        parentId: job.jobId,
        jobName: job.name("tiles-z12"),
        def: JOB_DEFS.tiles,
        queue: QUEUES.spot,
        cluster: CLUSTERS.spot,
        createdAt: job.createdAt,
        children,
        retryAttempts: 2,
        eksAttemptsField: job.eksAttemptsField,
      });
    },
  },
  ...(["container", "ecs"] as const).map((style): PlanRow => ({
    slot: `multinode-${style}`,
    count: 3,
    plan: (rng, job) =>
      planMultiNodeJob(rng, {
        numNodes: rng.int(2, 4),
        jobId: job.jobId,
        jobName: job.name("cfd-wing"),
        style,
        createdAt: job.createdAt,
        mainExitCode: rng.chance(0.2) ? 1 : 0,
      }),
  })),
  {
    slot: "multi-container",
    count: 15,
    plan: (rng, job) => {
      const r = rng.next();
      return planMultiContainerJob(rng, {
        jobId: job.jobId,
        jobName: job.name("sim-scenario"),
        platform: rng.chance(0.3) ? "FARGATE" : "EC2",
        createdAt: job.createdAt,
        withEnvoy: rng.chance(0.5),
        appExitCodes: r < 0.15 ? [1] : r < 0.3 ? [1, 0] : [0],
        eksAttemptsField: job.eksAttemptsField,
      });
    },
  },
  {
    slot: "eks",
    count: 15,
    plan: (rng, job) => {
      const r = rng.next();
      return planEksJob(rng, {
        jobId: job.jobId,
        jobName: job.name("train-ranker"),
        createdAt: job.createdAt,
        attempts:
          r < 0.15
            ? [{ exitCode: 137, oom: true }]
            : r < 0.35
              ? [{ exitCode: 1 }, { exitCode: 0 }]
              : r < 0.4
                ? [{ exitCode: 1 }, { exitCode: 1 }, { exitCode: 0 }]
                : [{ exitCode: 0 }],
      });
    },
  },
  {
    slot: "cancelled-in-queue",
    count: 8,
    plan: (rng, job) => {
      const blocked = rng.chance(0.6);
      return planCancelledJob(rng, {
        jobId: job.jobId,
        jobName: job.name("render-4k-gpu"),
        def: JOB_DEFS.render,
        queue: QUEUES.ondemand,
        platform: "EC2",
        createdAt: job.createdAt,
        blockedReason: blocked
          ? "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job."
          : undefined,
        cancelReason: blocked
          ? "Canceled by JobStateTimeLimit action due to reason: MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
          : "Cancelled by user: superseded by a newer submission",
        eksAttemptsField: job.eksAttemptsField,
      });
    },
  },
  single("image-pull-failure", 6, (rng, name) => ({
    jobName: name("report-broken-tag"),
    ...fargateOr(rng.chance(0.5), JOB_DEFS.report, JOB_DEFS.etl),
    attempts: [{ kind: "pull-failure" }],
  })),
  single("docker-timeout", 4, (_rng, name) => ({
    jobName: name("render-cold-start"),
    def: JOB_DEFS.render,
    ...SPOT,
    attempts: [{ kind: "docker-timeout" }],
  })),
  single("terminated", 6, (rng, name) => ({
    jobName: name("etl-backfill"),
    def: JOB_DEFS.etl,
    ...ON_DEMAND,
    attempts: [
      {
        kind: "user-terminated",
        reason: rng.pick([
          "Terminated by operator: backfill superseded",
          "Terminated by pipeline: upstream partition missing",
        ]),
      },
    ],
  })),
  single("timed-out", 6, (rng, name) => ({
    jobName: name("render-long"),
    def: JOB_DEFS.render,
    ...ON_DEMAND,
    attempts: [{ kind: "timeout" }],
    timeoutSeconds: rng.pick([600, 900, 1800]),
  })),
  single("oom", 8, (rng, name) => ({
    jobName: name("align-large"),
    ...fargateOr(rng.chance(0.3), JOB_DEFS.report, JOB_DEFS.align),
    attempts: [{ kind: "oom" }],
  })),
  single("old-no-jobarn", 5, (rng, name) => ({
    jobName: name("legacy-transcode"),
    def: JOB_DEFS.legacy,
    ...LEGACY,
    attempts: [exit(rng.chance(0.2) ? 1 : 0)],
    parameters: { input: "s3://media-in/clip.mov" },
    // 2018-era events predate the eksAttempts field.
    eksAttemptsField: false,
  })),
];

/** Every job of the workload, in creation order (a parent before its children). */
export function planJobs(rng: Rng): PlannedJob[] {
  const slots = PLAN.flatMap((row) => Array.from({ length: row.count }, () => row));
  rng.shuffle(slots);
  const jobs: PlannedJob[] = [];
  let t = SAMPLE_EPOCH_MS + rng.int(1000, 5000);
  let serial = 0;
  const name = (stem: string) => `${stem}-${String(++serial).padStart(4, "0")}`;
  for (const row of slots) {
    t += rng.int(2000, 25_000);
    const job: NewJob = {
      createdAt: t,
      jobId: rng.uuid(),
      eksAttemptsField: rng.chance(0.5),
      name,
    };
    jobs.push(...row.plan(rng, job));
  }
  return jobs;
}
