/**
 * The job kinds of the sample (what SampleFacts counts) and what the planner makes of each job:
 * its kind, its id and the events AWS emits for it.
 */
import type { Emission } from "./envelope";

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
  | "old-no-jobarn";

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
];

/** One job of the workload (an array child and a node job are jobs of their own). */
export interface PlannedJob {
  kind: JobKind;
  jobId: string;
  emissions: Emission[];
}
