/**
 * The parts of a job's `detail` that every kind shares: its head (ids, queue, status, attempts,
 * definition), its tail (tags, platform capabilities), the single ECS container of a job
 * definition, and the random host facts (IPs, instance ids) that attempts carry.
 */
import { ACCOUNT, batchArn, clone, type JsonObject } from "./envelope";
import type { JobDef } from "./job-definitions";
import type { LogConfiguration } from "./log-configs";
import type { Platform } from "./queues";
import type { Rng } from "./rng";

export type JobStatus =
  "SUBMITTED" | "PENDING" | "RUNNABLE" | "STARTING" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface Identity {
  jobId: string;
  jobName: string;
  withJobArn: boolean;
  queue: string;
  createdAt: number;
  retryAttempts: number;
  jobDefinition: string;
  parameters?: Record<string, string>;
  region: string;
}

export function detailHead(id: Identity, status: JobStatus): JsonObject {
  const d: JsonObject = {};
  if (id.withJobArn) d.jobArn = batchArn(id.region, `job/${id.jobId}`);
  d.jobName = id.jobName;
  d.jobId = id.jobId;
  d.jobQueue = batchArn(id.region, `job-queue/${id.queue}`);
  d.status = status;
  d.attempts = [];
  d.createdAt = id.createdAt;
  d.retryStrategy = { attempts: id.retryAttempts, evaluateOnExit: [] };
  d.dependsOn = [];
  d.jobDefinition = id.jobDefinition;
  d.parameters = id.parameters ?? {};
  return d;
}

export function detailTail(
  d: JsonObject,
  id: Identity,
  platformCapabilities: string[],
  eks: boolean,
) {
  if (id.withJobArn) d.tags = { resourceArn: batchArn(id.region, `job/${id.jobId}`) };
  d.propagateTags = false;
  d.platformCapabilities = platformCapabilities;
  if (eks) d.eksAttempts = [];
}

/** `detail.container` of a single-container job, in the field order Batch emits. */
export function ecsContainer(def: JobDef, platform: Platform, log?: LogConfiguration): JsonObject {
  const c: JsonObject = { image: def.image };
  if (platform === "OLD") {
    c.vcpus = def.vcpus;
    c.memory = def.memory;
  }
  c.command = def.command;
  c.jobRoleArn = `arn:aws:iam::${ACCOUNT}:role/${def.role}`;
  if (platform === "FARGATE") {
    c.executionRoleArn = `arn:aws:iam::${ACCOUNT}:role/batch-task-execution-role`;
  }
  c.volumes = [];
  c.environment = def.environment;
  c.mountPoints = [];
  c.ulimits = [];
  c.networkInterfaces = [];
  if (platform !== "OLD") {
    c.resourceRequirements = [
      { value: String(def.vcpus), type: "VCPU" },
      { value: String(def.memory), type: "MEMORY" },
    ];
  }
  if (log) c.logConfiguration = clone(log);
  if (platform !== "OLD") c.secrets = [];
  if (platform === "FARGATE") {
    c.networkConfiguration = { assignPublicIp: "DISABLED" };
    c.fargatePlatformConfiguration = { platformVersion: "LATEST" };
    c.runtimePlatform = { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" };
  }
  return c;
}

export function ipv4(rng: Rng): string {
  return `10.0.${rng.int(0, 63)}.${rng.int(4, 250)}`;
}

export function instanceId(rng: Rng): string {
  return `i-0${rng.hex(16)}`;
}
