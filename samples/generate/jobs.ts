/**
 * The job kinds of the sample (what SampleFacts counts) and what the planner makes of each job:
 * its kind, its id, the events AWS emits for it and the log streams it wrote to.
 */
import type { Emission } from "./envelope";
import type { LogRun } from "./logs";

export type JobKind =
  | "ec2-single"
  | "fargate"
  | "retried"
  | "custom-log-group"
  | "non-awslogs-driver"
  | "array-parent"
  | "array-child"
  | "multinode-parent"
  | "multinode-parent-taskproperties"
  | "multinode-node"
  | "multi-container"
  | "eks"
  | "cancelled-in-queue"
  | "image-pull-failure"
  | "docker-timeout"
  | "terminated"
  | "timed-out"
  | "oom"
  | "old-no-jobarn"
  | "still-running";

export const JOB_KINDS: readonly JobKind[] = [
  "ec2-single",
  "fargate",
  "retried",
  "custom-log-group",
  "non-awslogs-driver",
  "array-parent",
  "array-child",
  "multinode-parent",
  "multinode-parent-taskproperties",
  "multinode-node",
  "multi-container",
  "eks",
  "cancelled-in-queue",
  "image-pull-failure",
  "docker-timeout",
  "terminated",
  "timed-out",
  "oom",
  "old-no-jobarn",
  "still-running",
];

/** What a kind module simulates for one job: its events, and a run per stream it wrote to. */
export interface Simulated {
  emissions: Emission[];
  runs: LogRun[];
}

/** One job of the workload (an array child and a node job are jobs of their own). */
export interface PlannedJob extends Simulated {
  kind: JobKind;
  jobId: string;
}
