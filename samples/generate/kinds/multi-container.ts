/**
 * Multi-container ECS jobs (`ecsProperties`): an essential "app" container logging to Batch's
 * default group, a "metrics-agent" sidecar with its own group and, in some, an "envoy" sidecar.
 * Each attempt runs one task, so each container of each attempt has its own stream.
 */
import {
  ACCOUNT,
  REGION,
  batchArn,
  clone,
  stateChange,
  type Emission,
  type JsonObject,
} from "../envelope";
import { detailHead, detailTail, ipv4, type Identity, type JobStatus } from "../job-detail";
import { JOB_DEFS, jobDefArn } from "../job-definitions";
import type { PlannedJob } from "../jobs";
import { LOG_CONFIGS, streamPrefix, type LogConfiguration } from "../log-configs";
import { CLUSTERS, QUEUES } from "../queues";
import type { Rng } from "../rng";

export interface MultiContainerJobSpec {
  jobId: string;
  jobName: string;
  platform: "EC2" | "FARGATE";
  createdAt: number;
  /** Containers beyond "app": "metrics-agent" (own log group) and optionally "envoy". */
  withEnvoy: boolean;
  /** Exit code of the essential "app" container, per attempt. */
  appExitCodes: number[];
  eksAttemptsField?: boolean;
}

export function simulateMultiContainerJob(rng: Rng, s: MultiContainerJobSpec): Emission[] {
  const def = JOB_DEFS.multi;
  const id: Identity = {
    jobId: s.jobId,
    jobName: s.jobName,
    withJobArn: true,
    queue: s.platform === "FARGATE" ? QUEUES.fargate : QUEUES.ondemand,
    createdAt: s.createdAt,
    retryAttempts: Math.max(1, s.appExitCodes.length),
    jobDefinition: jobDefArn(def),
    region: REGION,
  };
  const cluster = s.platform === "FARGATE" ? CLUSTERS.fargate : CLUSTERS.ondemand;
  const jobArn = batchArn(REGION, `job/${s.jobId}`);
  const containerDefs: {
    name: string;
    essential: boolean;
    image: string;
    log?: LogConfiguration;
  }[] = [
    { name: "app", essential: true, image: def.image },
    {
      name: "metrics-agent",
      essential: false,
      image: "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300049.1",
      log: LOG_CONFIGS.sidecars,
    },
  ];
  if (s.withEnvoy) {
    containerDefs.push({
      name: "envoy",
      essential: false,
      image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
    });
  }
  const containers: JsonObject[] = containerDefs.map((cd) => {
    const c: JsonObject = {
      name: cd.name,
      image: cd.image,
      command: cd.name === "app" ? def.command : [],
      essential: cd.essential,
      environment: [],
      mountPoints: [],
      resourceRequirements:
        cd.name === "app"
          ? [
              { value: String(def.vcpus), type: "VCPU" },
              { value: String(def.memory), type: "MEMORY" },
            ]
          : [
              { value: "0.25", type: "VCPU" },
              { value: "512", type: "MEMORY" },
            ],
      secrets: [],
      ulimits: [],
    };
    if (cd.log) c.logConfiguration = clone(cd.log);
    return c;
  });
  const task: JsonObject = { containers };
  if (s.platform === "FARGATE") {
    task.executionRoleArn = `arn:aws:iam::${ACCOUNT}:role/batch-task-execution-role`;
    task.platformVersion = "LATEST";
    task.networkConfiguration = { assignPublicIp: "DISABLED" };
    task.runtimePlatform = { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" };
  }
  task.taskRoleArn = `arn:aws:iam::${ACCOUNT}:role/${def.role}`;
  task.volumes = [];

  const d = detailHead(id, "RUNNABLE");
  d.container = {};
  d.ecsProperties = { taskProperties: [task] };
  detailTail(d, id, [s.platform], s.eksAttemptsField ?? false);
  const out: Emission[] = [];
  const emit = (status: JobStatus, at: number) => {
    d.status = status;
    out.push(stateChange(s.jobId, REGION, at, d, jobArn));
  };
  const streamOf = (cd: (typeof containerDefs)[number], taskId: string) =>
    `${streamPrefix(def, cd.log)}/${cd.name}/${taskId}`;

  let t = s.createdAt + rng.int(800, 4000);
  emit("RUNNABLE", t);
  const attempts: JsonObject[] = [];
  s.appExitCodes.forEach((appExit, i) => {
    const last = i === s.appExitCodes.length - 1;
    t += rng.int(20_000, 240_000);
    const taskId = rng.hex(32);
    const taskArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${taskId}`;
    const instanceArn =
      s.platform === "EC2"
        ? `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${cluster}/${rng.hex(32)}`
        : undefined;
    const nis =
      s.platform === "FARGATE" ? [{ attachmentId: rng.uuid(), privateIpv4Address: ipv4(rng) }] : [];
    delete d.statusReason;
    delete d.startedAt;
    delete d.stoppedAt;
    delete task.containerInstanceArn;
    if (instanceArn) task.containerInstanceArn = instanceArn;
    task.taskArn = taskArn;
    for (const c of containers) {
      delete c.exitCode;
      delete c.reason;
      delete c.logStreamName;
      c.networkInterfaces = nis;
    }
    emit("STARTING", t);
    t += rng.int(5_000, 60_000);
    const started = t;
    containers.forEach((c, k) => (c.logStreamName = streamOf(containerDefs[k], taskId)));
    d.startedAt = started;
    emit("RUNNING", t);
    const stop = started + rng.int(60_000, 1_200_000);
    // Non-essential containers are stopped (SIGTERM) when the essential one exits.
    const exits = containerDefs.map((cd) => (cd.essential ? appExit : rng.chance(0.7) ? 143 : 0));
    containers.forEach((c, k) => (c.exitCode = exits[k]));
    const statusReason = "Essential container in task exited";
    const taskAttempt: JsonObject = {};
    if (instanceArn) taskAttempt.containerInstanceArn = instanceArn;
    taskAttempt.taskArn = taskArn;
    taskAttempt.containers = containerDefs.map((cd, k) => ({
      exitCode: exits[k],
      name: cd.name,
      logStreamName: streamOf(cd, taskId),
      networkInterfaces: nis,
    }));
    attempts.push({
      startedAt: started,
      stoppedAt: stop,
      statusReason,
      taskProperties: [taskAttempt],
    });
    d.attempts = clone(attempts);
    t = stop;
    if (!last) {
      t += rng.int(1000, 6000);
      delete d.startedAt;
      emit("RUNNABLE", t);
    } else {
      d.statusReason = statusReason;
      d.stoppedAt = stop;
      emit(appExit === 0 ? "SUCCEEDED" : "FAILED", stop + rng.int(0, 1500));
    }
  });
  return out;
}

export function planMultiContainerJob(rng: Rng, spec: MultiContainerJobSpec): PlannedJob[] {
  return [
    { kind: "multi-container", jobId: spec.jobId, emissions: simulateMultiContainerJob(rng, spec) },
  ];
}
