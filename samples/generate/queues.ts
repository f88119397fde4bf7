/**
 * Where the sample's jobs run: the job queues, the ECS clusters Batch creates for their compute
 * environments, the EKS cluster, and the placements (queue, platform, cluster) a job spec picks.
 */
import { ACCOUNT, REGION } from "./envelope";

/** ECS cluster names that Batch creates for its compute environments (name + uuid). */
export const CLUSTERS = {
  ondemand: "AWSBatch-ec2-ondemand-ce-6c1f0e2a-9d3b-3a47-8e5c-2b7f4d1a9c30",
  spot: "AWSBatch-ec2-spot-ce-0b8e7d6c-5a4f-3e21-9c8b-7a6f5e4d3c2b",
  fargate: "AWSBatch-fargate-ce-4e3d2c1b-0a9f-38e7-b6d5-c4b3a2f1e0d9",
  hpc: "AWSBatch-hpc-efa-ce-9f8e7d6c-5b4a-3c2d-8e1f-0a9b8c7d6e5f",
};

export const QUEUES = {
  ondemand: "ec2-ondemand",
  spot: "ec2-spot",
  fargate: "fargate-default",
  eks: "eks-default",
  hpc: "mnp-hpc",
  legacy: "HighPriority",
};

export const EKS_CLUSTER_ARN = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/batch-eks-prod`;
export const EKS_NAMESPACE = "aws-batch-jobs";

/** "OLD" is EC2 as 2018-era events show it: no jobArn, UUID task ids, vcpus/memory fields. */
export type Platform = "EC2" | "FARGATE" | "OLD";

export interface Placement {
  queue: string;
  platform: Platform;
  cluster: string;
}

export const ON_DEMAND: Placement = {
  queue: QUEUES.ondemand,
  platform: "EC2",
  cluster: CLUSTERS.ondemand,
};
export const SPOT: Placement = { queue: QUEUES.spot, platform: "EC2", cluster: CLUSTERS.spot };
export const FARGATE: Placement = {
  queue: QUEUES.fargate,
  platform: "FARGATE",
  cluster: CLUSTERS.fargate,
};
/** Old-style task ARNs carry no cluster name. */
export const LEGACY: Placement = { queue: QUEUES.legacy, platform: "OLD", cluster: "" };
