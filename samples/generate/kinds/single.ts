/**
 * Single-container ECS jobs, on EC2, Fargate or as 2018-era events: one attempt or several
 * (retried), any log configuration (custom group or region, another driver), and every way an
 * attempt ends (exit code, host terminated, image pull failure, Docker timeout, attempt timeout,
 * out of memory, terminated by a user). Array children are single jobs too (kinds/array.ts).
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
import {
  detailHead,
  detailTail,
  ecsContainer,
  instanceId,
  ipv4,
  type Identity,
  type JobStatus,
} from "../job-detail";
import { jobDefArn, type JobDef } from "../job-definitions";
import type { JobKind, PlannedJob } from "../jobs";
import { streamPrefix, type LogConfiguration } from "../log-configs";
import type { Platform } from "../queues";
import type { Rng } from "../rng";

export type Outcome =
  | { kind: "exit"; exitCode: number }
  | { kind: "host-terminated" }
  | { kind: "pull-failure" }
  | { kind: "docker-timeout" }
  | { kind: "timeout" }
  | { kind: "oom" }
  | { kind: "user-terminated"; reason: string };

export interface SingleJobSpec {
  jobId: string;
  jobName: string;
  def: JobDef;
  queue: string;
  platform: Platform;
  cluster: string;
  createdAt: number;
  /** One outcome per attempt, in order. */
  attempts: Outcome[];
  retryAttempts: number;
  logConfiguration?: LogConfiguration;
  timeoutSeconds?: number;
  arrayIndex?: number;
  parameters?: Record<string, string>;
  /** Newer events carry "eksAttempts": [] even for ECS jobs. */
  eksAttemptsField?: boolean;
}

const PULL_ERRORS = [
  (image: string) =>
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: not found`,
  (image: string) =>
    `CannotPullContainerError: Error response from daemon: pull access denied for ${image.split(":")[0]}, repository does not exist or may require 'docker login'`,
];

export function simulateSingleJob(rng: Rng, s: SingleJobSpec): Emission[] {
  const out: Emission[] = [];
  const id: Identity = {
    jobId: s.jobId,
    jobName: s.jobName,
    withJobArn: s.platform !== "OLD",
    queue: s.queue,
    createdAt: s.createdAt,
    retryAttempts: s.retryAttempts,
    jobDefinition: jobDefArn(s.def),
    parameters: s.parameters,
    region: REGION,
  };
  const jobArn = batchArn(REGION, `job/${s.jobId}`);
  const d = detailHead(id, "RUNNABLE");
  const c = ecsContainer(s.def, s.platform, s.logConfiguration);
  d.container = c;
  if (s.timeoutSeconds !== undefined) d.timeout = { attemptDurationSeconds: s.timeoutSeconds };
  if (s.arrayIndex !== undefined) d.arrayProperties = { index: s.arrayIndex };
  detailTail(
    d,
    id,
    s.platform === "FARGATE" ? ["FARGATE"] : s.platform === "OLD" ? [] : ["EC2"],
    s.eksAttemptsField ?? false,
  );
  const emit = (status: JobStatus, at: number) => {
    d.status = status;
    out.push(stateChange(s.jobId, REGION, at, d, jobArn));
  };

  const prefix = streamPrefix(s.def, s.logConfiguration);
  // With splunk, fluentd, gelf... there is no CloudWatch stream, and no logStreamName (inferred).
  const awslogs = (s.logConfiguration?.logDriver ?? "awslogs") === "awslogs";
  const attempts: JsonObject[] = [];
  let t = s.createdAt + rng.int(800, 4000);
  emit("RUNNABLE", t);

  s.attempts.forEach((o, i) => {
    const last = i === s.attempts.length - 1;
    t += rng.int(20_000, 240_000);
    const taskId = s.platform === "OLD" ? rng.uuid() : rng.hex(32);
    const taskArn =
      s.platform === "OLD"
        ? `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${taskId}`
        : `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${s.cluster}/${taskId}`;
    const instanceArn =
      s.platform === "FARGATE"
        ? undefined
        : s.platform === "OLD"
          ? `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${rng.uuid()}`
          : `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${s.cluster}/${rng.hex(32)}`;
    const nis =
      s.platform === "FARGATE" ? [{ attachmentId: rng.uuid(), privateIpv4Address: ipv4(rng) }] : [];

    delete c.exitCode;
    delete c.reason;
    delete c.logStreamName;
    delete c.containerInstanceArn;
    delete d.statusReason;
    delete d.startedAt;
    delete d.stoppedAt;
    if (instanceArn) c.containerInstanceArn = instanceArn;
    c.taskArn = taskArn;
    c.networkInterfaces = nis;
    emit("STARTING", t);

    const stream = awslogs ? `${prefix}/default/${taskId}` : undefined;
    const ac: JsonObject = {};
    if (instanceArn) ac.containerInstanceArn = instanceArn;
    ac.taskArn = taskArn;
    let attempt: JsonObject;
    let stop: number;

    if (o.kind === "pull-failure" || o.kind === "docker-timeout") {
      const reason =
        o.kind === "pull-failure"
          ? rng.pick(PULL_ERRORS)(s.def.image)
          : "DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s";
      stop =
        t + (o.kind === "pull-failure" ? rng.int(15_000, 90_000) : 240_000 + rng.int(500, 4000));
      ac.reason = reason;
      // The attempt names a stream that is never created (shared/docs/batch-events.md).
      if (o.kind === "docker-timeout") ac.logStreamName = stream;
      ac.networkInterfaces = nis;
      attempt = { container: ac, stoppedAt: stop, statusReason: "Task failed to start" };
      c.reason = reason;
      if (o.kind === "docker-timeout") c.logStreamName = stream;
    } else {
      t += rng.int(5_000, 60_000);
      const started = t;
      if (stream) c.logStreamName = stream;
      d.startedAt = started;
      emit("RUNNING", t);
      const duration =
        o.kind === "timeout"
          ? (s.timeoutSeconds ?? 600) * 1000 + rng.int(50, 2500)
          : rng.int(45_000, 1_800_000);
      stop = started + duration;
      let exitCode: number | undefined;
      let reason: string | undefined;
      let statusReason = "Essential container in task exited";
      switch (o.kind) {
        case "exit":
          exitCode = o.exitCode;
          break;
        case "oom":
          exitCode = 137;
          reason = "OutOfMemoryError: Container killed due to memory usage";
          break;
        case "timeout":
          exitCode = 137;
          statusReason = "Job attempt duration exceeded timeout";
          break;
        case "user-terminated":
          exitCode = 137;
          statusReason = o.reason;
          break;
        case "host-terminated":
          statusReason = `Host EC2 (instance ${instanceId(rng)}) terminated.`;
          break;
      }
      if (exitCode !== undefined) ac.exitCode = exitCode;
      if (reason !== undefined) ac.reason = reason;
      if (stream) ac.logStreamName = stream;
      ac.networkInterfaces = nis;
      attempt = { container: ac, startedAt: started, stoppedAt: stop, statusReason };
      if (exitCode !== undefined) c.exitCode = exitCode;
      if (reason !== undefined) c.reason = reason;
    }
    attempts.push(attempt);
    d.attempts = clone(attempts);
    t = stop;
    if (!last) {
      t += rng.int(1000, 6000);
      delete d.startedAt;
      emit("RUNNABLE", t);
    } else {
      const success = o.kind === "exit" && o.exitCode === 0;
      d.statusReason = attempt.statusReason;
      d.stoppedAt = stop;
      if (o.kind === "user-terminated") d.isTerminated = true;
      emit(success ? "SUCCEEDED" : "FAILED", stop + rng.int(0, 1500));
    }
  });
  return out;
}

export function planSingleJob(rng: Rng, kind: JobKind, spec: SingleJobSpec): PlannedJob[] {
  return [{ kind, jobId: spec.jobId, emissions: simulateSingleJob(rng, spec) }];
}
