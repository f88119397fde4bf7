/**
 * Deterministic sample workload of AWS Batch EventBridge events (no dependencies, no clock, no
 * Math.random).
 *
 * Stable API:
 *
 *   generateSampleEvents(seed = 1): { events: BatchEvent[]; facts: SampleFacts }
 *
 *   - `events` are full EventBridge envelopes in delivery order (what a target would receive,
 *     one per invocation): the "Batch Job State Change" events of ~340 jobs, interleaved across
 *     jobs, plus delivery effects (duplicates with the same envelope, duplicates with the same
 *     detail but a new envelope id, non-terminal events delivered after the terminal one) and a
 *     few events that the rule must skip ("Batch Job Queue Blocked", "Batch Service Job State
 *     Change", a source other than aws.batch).
 *   - `facts` are exact counts for that seed, computed from `events` (see SampleFacts).
 *
 *   The same seed always gives the same output (deep-equal, and byte-equal once serialised).
 *   Times start at SAMPLE_EPOCH_MS (2026-11-01T00:00:00Z) and only move forward from there.
 *
 * CLI: `node generate.js [outFile] [seed]` writes one JSON event per line (JSON.stringify of each
 * element of `events`, "\n" after each) to outFile, by default `events.jsonl` next to this file.
 * The committed samples/events.jsonl is `generateSampleEvents(1)` written this way.
 *
 * The building blocks (Rng, simulate*) are exported for fixture tooling; they are not part of the
 * stable API.
 */

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

export type JsonObject = { [key: string]: unknown };

export interface BatchEvent {
  version: string;
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: JsonObject;
}

export interface SampleFacts {
  seed: number;
  /** Distinct detail.jobId among source "aws.batch" + detail-type "Batch Job State Change". */
  jobs: number;
  /** Total number of events (lines of the jsonl file). */
  events: number;
  /** Events whose source is not "aws.batch" or whose detail-type is not "Batch Job State Change". */
  skippable: number;
  /** Distinct jobs by terminal status (each job counted once, whatever its duplicates). */
  terminalByStatus: { SUCCEEDED: number; FAILED: number };
  /** Distinct jobs per kind (a multi-node job counts its parent and each node job). */
  jobsByKind: Record<JobKind, number>;
  /**
   * Extra deliveries of a state-change event: `identical` repeats an earlier envelope exactly;
   * `newEnvelopeId` repeats an earlier detail under another envelope id.
   */
  duplicates: { identical: number; newEnvelopeId: number };
  /** Jobs with at least one non-terminal event delivered after their first terminal event. */
  outOfOrderJobs: number;
}

export const SAMPLE_EPOCH_MS = Date.UTC(2026, 10, 1, 0, 0, 0);
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

export const STATE_CHANGE = "Batch Job State Change";
export const QUEUE_BLOCKED = "Batch Job Queue Blocked";
export const SERVICE_JOB_STATE_CHANGE = "Batch Service Job State Change";

/* ------------------------------------------------------------------------------------------ */
/* PRNG                                                                                        */
/* ------------------------------------------------------------------------------------------ */

/** mulberry32 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  hex(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += "0123456789abcdef"[Math.floor(this.next() * 16)];
    return s;
  }

  /** RFC 4122 version 4 layout. */
  uuid(): string {
    const h = this.hex(32).split("");
    h[12] = "4";
    h[16] = "89ab"[parseInt(h[16], 16) & 3];
    const s = h.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Static catalogue                                                                            */
/* ------------------------------------------------------------------------------------------ */

export interface JobDef {
  name: string;
  revision: number;
  image: string;
  command: string[];
  vcpus: number;
  memory: number;
  role: string;
  environment: { name: string; value: string }[];
}

const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

export const JOB_DEFS = {
  etl: {
    name: "nightly-etl",
    revision: 7,
    image: `${ECR}/etl:2026.10.3`,
    command: ["python", "-m", "etl.run", "--date", "Ref::date"],
    vcpus: 2,
    memory: 4096,
    role: "batch-etl-job-role",
    environment: [{ name: "LOG_LEVEL", value: "info" }],
  },
  render: {
    name: "render-frames",
    revision: 12,
    image: `${ECR}/renderer:4.2.1`,
    command: ["render", "--scene", "Ref::scene"],
    vcpus: 4,
    memory: 8192,
    role: "batch-render-job-role",
    environment: [],
  },
  report: {
    name: "fargate-report",
    revision: 3,
    image: `${ECR}/reporting:1.9.0`,
    command: ["node", "dist/report.js"],
    vcpus: 1,
    memory: 2048,
    role: "batch-report-job-role",
    environment: [{ name: "NODE_ENV", value: "production" }],
  },
  align: {
    name: "genomics-align",
    revision: 21,
    image: `${ECR}/bwa-mem2:2.2.1`,
    command: ["bash", "-c", "align.sh Ref::sample"],
    vcpus: 8,
    memory: 30720,
    role: "batch-genomics-job-role",
    environment: [],
  },
  etlEu: {
    name: "etl-loader",
    revision: 9,
    image: `${ECR}/etl-loader:3.0.2`,
    command: ["python", "-m", "loader"],
    vcpus: 2,
    memory: 4096,
    role: "batch-etl-job-role",
    environment: [{ name: "TARGET_REGION", value: "eu-west-1" }],
  },
  billing: {
    name: "billing-export",
    revision: 4,
    image: `${ECR}/billing-export:0.14.0`,
    command: ["./export", "--month", "Ref::month"],
    vcpus: 1,
    memory: 2048,
    role: "batch-billing-job-role",
    environment: [],
  },
  tiles: {
    name: "tile-render",
    revision: 6,
    image: `${ECR}/tiles:2.1.0`,
    command: ["tiles", "render", "--shard", "$AWS_BATCH_JOB_ARRAY_INDEX"],
    vcpus: 2,
    memory: 4096,
    role: "batch-render-job-role",
    environment: [],
  },
  mpi: {
    name: "mpi-cfd",
    revision: 4,
    image: `${ECR}/openfoam-mpi:11`,
    command: ["/opt/run-mpi.sh"],
    vcpus: 72,
    memory: 184320,
    role: "batch-hpc-job-role",
    environment: [{ name: "OMP_NUM_THREADS", value: "1" }],
  },
  mpiEcs: {
    name: "mpi-cfd-ecs",
    revision: 2,
    image: `${ECR}/openfoam-mpi:11`,
    command: ["/opt/run-mpi.sh"],
    vcpus: 64,
    memory: 122880,
    role: "batch-hpc-job-role",
    environment: [],
  },
  multi: {
    name: "multi-sim",
    revision: 2,
    image: `${ECR}/sim-app:5.0.0`,
    command: ["./simulate"],
    vcpus: 4,
    memory: 8192,
    role: "batch-sim-job-role",
    environment: [],
  },
  eks: {
    name: "eks-train",
    revision: 5,
    image: `${ECR}/trainer:0.31.2`,
    command: ["python", "train.py"],
    vcpus: 4,
    memory: 16384,
    role: "unused",
    environment: [{ name: "EPOCHS", value: "3" }],
  },
  legacy: {
    name: "legacy-transcode",
    revision: 1,
    image: `${ECR}/ffmpeg:3.4`,
    command: ["transcode.sh", "Ref::input"],
    vcpus: 2,
    memory: 2000,
    role: "batch-legacy-job-role",
    environment: [],
  },
} satisfies Record<string, JobDef>;

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

export function batchArn(region: string, resource: string): string {
  return `arn:aws:batch:${region}:${ACCOUNT}:${resource}`;
}

function jobDefArn(def: JobDef, region = REGION): string {
  return batchArn(region, `job-definition/${def.name}:${def.revision}`);
}

export type LogConfiguration = {
  logDriver: string;
  options?: Record<string, string>;
  secretOptions?: { name: string; valueFrom: string }[];
};

export const LOG_CONFIGS = {
  etlCrossRegion: {
    logDriver: "awslogs",
    options: {
      "awslogs-group": "/batch/etl",
      "awslogs-region": "eu-west-1",
      "awslogs-stream-prefix": "etl",
    },
    secretOptions: [],
  },
  etlSameRegion: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/etl", "awslogs-stream-prefix": "etl" },
    secretOptions: [],
  },
  reportsGroup: {
    logDriver: "awslogs",
    options: {
      "awslogs-group": "/ecs/fargate-report",
      "awslogs-region": REGION,
      "awslogs-stream-prefix": "ecs",
    },
    secretOptions: [],
  },
  prefixOnly: {
    logDriver: "awslogs",
    options: { "awslogs-stream-prefix": "report" },
    secretOptions: [],
  },
  defaultGroupExplicit: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/aws/batch/job", "awslogs-stream-prefix": "batch" },
    secretOptions: [],
  },
  splunk: {
    logDriver: "splunk",
    options: {
      "splunk-url": "https://http-inputs-example.splunkcloud.com:443",
      "splunk-source": "aws-batch",
      "splunk-format": "json",
    },
    secretOptions: [
      {
        name: "splunk-token",
        valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:splunk-hec-token-Xy12Ab`,
      },
    ],
  },
  fluentd: {
    logDriver: "fluentd",
    options: { "fluentd-address": "127.0.0.1:24224", tag: "batch.{{.Name}}" },
    secretOptions: [],
  },
  gelf: {
    logDriver: "gelf",
    options: { "gelf-address": "udp://graylog.internal.example.com:12201" },
    secretOptions: [],
  },
  mpiMain: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/mpi", "awslogs-stream-prefix": "mpi-main" },
    secretOptions: [],
  },
  mpiWorker: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/mpi", "awslogs-stream-prefix": "mpi-worker" },
    secretOptions: [],
  },
  cfd: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/cfd", "awslogs-stream-prefix": "cfd" },
    secretOptions: [],
  },
  sidecars: {
    logDriver: "awslogs",
    options: { "awslogs-group": "/batch/sidecars", "awslogs-stream-prefix": "sidecar" },
    secretOptions: [],
  },
} satisfies Record<string, LogConfiguration>;

/* ------------------------------------------------------------------------------------------ */
/* Emissions                                                                                   */
/* ------------------------------------------------------------------------------------------ */

export type JobStatus =
  "SUBMITTED" | "PENDING" | "RUNNABLE" | "STARTING" | "RUNNING" | "SUCCEEDED" | "FAILED";

/** One event as AWS emits it (before EventBridge delivery effects). */
export interface Emission {
  jobId: string;
  at: number;
  detailType: string;
  source: string;
  region: string;
  resources: string[];
  detail: JsonObject;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function toEnvelope(rng: Rng, e: Emission): BatchEvent {
  return {
    version: "0",
    id: rng.uuid(),
    "detail-type": e.detailType,
    source: e.source,
    account: ACCOUNT,
    time: isoSeconds(e.at),
    region: e.region,
    resources: e.resources,
    detail: e.detail,
  };
}

function ipv4(rng: Rng): string {
  return `10.0.${rng.int(0, 63)}.${rng.int(4, 250)}`;
}

function instanceId(rng: Rng): string {
  return `i-0${rng.hex(16)}`;
}

function streamPrefix(def: JobDef, log: LogConfiguration | undefined): string {
  return log?.options?.["awslogs-stream-prefix"] ?? def.name;
}

function isTerminal(status: unknown): boolean {
  return status === "SUCCEEDED" || status === "FAILED";
}

/* ------------------------------------------------------------------------------------------ */
/* Single-container ECS jobs (EC2, Fargate, old-style)                                          */
/* ------------------------------------------------------------------------------------------ */

export type Platform = "EC2" | "FARGATE" | "OLD";

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
  attempts: Outcome[];
  retryAttempts: number;
  logConfiguration?: LogConfiguration;
  timeoutSeconds?: number;
  arrayIndex?: number;
  parameters?: Record<string, string>;
  /** Newer events carry "eksAttempts": [] even for ECS jobs. */
  eksAttemptsField?: boolean;
  region?: string;
}

function ecsContainer(def: JobDef, platform: Platform, log?: LogConfiguration): JsonObject {
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

interface Identity {
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

function detailHead(id: Identity, status: JobStatus): JsonObject {
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

function detailTail(d: JsonObject, id: Identity, platformCapabilities: string[], eks: boolean) {
  if (id.withJobArn) d.tags = { resourceArn: batchArn(id.region, `job/${id.jobId}`) };
  d.propagateTags = false;
  d.platformCapabilities = platformCapabilities;
  if (eks) d.eksAttempts = [];
}

function stateChange(
  jobId: string,
  region: string,
  at: number,
  detail: JsonObject,
  jobArn: string,
): Emission {
  return {
    jobId,
    at,
    detailType: STATE_CHANGE,
    source: "aws.batch",
    region,
    resources: [jobArn],
    detail: clone(detail),
  };
}

const PULL_ERRORS = [
  (image: string) =>
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: not found`,
  (image: string) =>
    `CannotPullContainerError: Error response from daemon: pull access denied for ${image.split(":")[0]}, repository does not exist or may require 'docker login'`,
];

export function simulateSingleJob(rng: Rng, s: SingleJobSpec): Emission[] {
  const region = s.region ?? REGION;
  const out: Emission[] = [];
  const id: Identity = {
    jobId: s.jobId,
    jobName: s.jobName,
    withJobArn: s.platform !== "OLD",
    queue: s.queue,
    createdAt: s.createdAt,
    retryAttempts: s.retryAttempts,
    jobDefinition: jobDefArn(s.def, region),
    parameters: s.parameters,
    region,
  };
  const jobArn = batchArn(region, `job/${s.jobId}`);
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
    out.push(stateChange(s.jobId, region, at, d, jobArn));
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
        ? `arn:aws:ecs:${region}:${ACCOUNT}:task/${taskId}`
        : `arn:aws:ecs:${region}:${ACCOUNT}:task/${s.cluster}/${taskId}`;
    const instanceArn =
      s.platform === "FARGATE"
        ? undefined
        : s.platform === "OLD"
          ? `arn:aws:ecs:${region}:${ACCOUNT}:container-instance/${rng.uuid()}`
          : `arn:aws:ecs:${region}:${ACCOUNT}:container-instance/${s.cluster}/${rng.hex(32)}`;
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

/* ------------------------------------------------------------------------------------------ */
/* Cancelled while RUNNABLE (never ran)                                                          */
/* ------------------------------------------------------------------------------------------ */

export interface CancelledJobSpec {
  jobId: string;
  jobName: string;
  def: JobDef;
  queue: string;
  platform: "EC2" | "FARGATE";
  createdAt: number;
  cancelReason: string;
  /** Emit a "Batch Job Queue Blocked" event (with this statusReason) before the cancel. */
  blockedReason?: string;
  eksAttemptsField?: boolean;
}

export function simulateCancelledJob(rng: Rng, s: CancelledJobSpec): Emission[] {
  const id: Identity = {
    jobId: s.jobId,
    jobName: s.jobName,
    withJobArn: true,
    queue: s.queue,
    createdAt: s.createdAt,
    retryAttempts: 1,
    jobDefinition: jobDefArn(s.def),
    region: REGION,
  };
  const jobArn = batchArn(REGION, `job/${s.jobId}`);
  const d = detailHead(id, "RUNNABLE");
  d.container = ecsContainer(s.def, s.platform);
  detailTail(d, id, [s.platform], s.eksAttemptsField ?? false);
  const out: Emission[] = [];
  let t = s.createdAt + rng.int(800, 4000);
  out.push(stateChange(s.jobId, REGION, t, d, jobArn));
  if (s.blockedReason) {
    t += rng.int(300_000, 900_000);
    const blocked = clone(d);
    blocked.statusReason = s.blockedReason;
    out.push({
      jobId: s.jobId,
      at: t,
      detailType: QUEUE_BLOCKED,
      source: "aws.batch",
      region: REGION,
      resources: [jobArn, batchArn(REGION, `job-queue/${s.queue}`)],
      detail: blocked,
    });
  }
  t += rng.int(600_000, 3_600_000);
  d.status = "FAILED";
  d.statusReason = s.cancelReason;
  d.isCancelled = true;
  out.push(stateChange(s.jobId, REGION, t, d, jobArn));
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Array jobs                                                                                  */
/* ------------------------------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------------------------------ */
/* Multi-node parallel jobs                                                                     */
/* ------------------------------------------------------------------------------------------ */

export interface MultiNodeJobSpec {
  jobId: string;
  jobName: string;
  /** "container": nodeRangeProperties[].container; "ecs": nodeRangeProperties[].ecsProperties. */
  style: "container" | "ecs";
  numNodes: number;
  createdAt: number;
  /** Exit code of the main node (workers exit 0 on success, 143 when the main node fails). */
  mainExitCode: number;
  /** Emit events for the node jobs (<jobId>#<n>) too. */
  withNodeEvents: boolean;
}

export interface MultiNodeJobEmissions {
  parent: Emission[];
  nodes: Emission[][];
}

const MAIN_CONTAINER = "main";

export function simulateMultiNodeJob(rng: Rng, s: MultiNodeJobSpec): MultiNodeJobEmissions {
  const def = s.style === "container" ? JOB_DEFS.mpi : JOB_DEFS.mpiEcs;
  const id: Identity = {
    jobId: s.jobId,
    jobName: s.jobName,
    withJobArn: true,
    queue: QUEUES.hpc,
    createdAt: s.createdAt,
    retryAttempts: 1,
    jobDefinition: jobDefArn(def),
    region: REGION,
  };
  const instanceType = s.style === "container" ? "c5n.18xlarge" : "hpc7a.48xlarge";
  const rangeContainer = (log: LogConfiguration, command: string[]): JsonObject => ({
    image: def.image,
    command,
    jobRoleArn: `arn:aws:iam::${ACCOUNT}:role/${def.role}`,
    volumes: [],
    environment: def.environment,
    mountPoints: [],
    ulimits: [{ hardLimit: 65535, name: "nofile", softLimit: 65535 }],
    instanceType,
    resourceRequirements: [
      { value: String(def.vcpus), type: "VCPU" },
      { value: String(def.memory), type: "MEMORY" },
    ],
    linuxParameters: { devices: [], sharedMemorySize: 8192, tmpfs: [] },
    logConfiguration: clone(log),
    secrets: [],
  });
  const taskContainer = (): JsonObject => ({
    name: MAIN_CONTAINER,
    image: def.image,
    command: def.command,
    essential: true,
    environment: def.environment,
    logConfiguration: clone(LOG_CONFIGS.cfd),
    mountPoints: [],
    resourceRequirements: [
      { value: String(def.vcpus), type: "VCPU" },
      { value: String(def.memory), type: "MEMORY" },
    ],
    secrets: [],
    ulimits: [{ hardLimit: 65535, name: "nofile", softLimit: 65535 }],
  });
  const nodeRangeProperties =
    s.style === "container"
      ? [
          {
            targetNodes: "0",
            container: rangeContainer(LOG_CONFIGS.mpiMain, [...def.command, "--role", "main"]),
          },
          {
            targetNodes: "1:",
            container: rangeContainer(LOG_CONFIGS.mpiWorker, [...def.command, "--role", "worker"]),
          },
        ]
      : [
          {
            targetNodes: "0:",
            instanceTypes: [instanceType],
            ecsProperties: {
              taskProperties: [{ containers: [taskContainer()], volumes: [] }],
            },
          },
        ];

  // Timeline.
  const runnableAt = s.createdAt + rng.int(800, 4000);
  const startingAt = runnableAt + rng.int(120_000, 600_000);
  const runningAt = startingAt + rng.int(20_000, 90_000);
  const mainStop = runningAt + rng.int(600_000, 3_600_000);
  const endAt = mainStop + rng.int(1000, 4000);

  // Per-node task facts.
  const nodes = Array.from({ length: s.numNodes }, (_, n) => {
    const taskId = rng.hex(32);
    const log =
      s.style === "container"
        ? n === 0
          ? LOG_CONFIGS.mpiMain
          : LOG_CONFIGS.mpiWorker
        : LOG_CONFIGS.cfd;
    const containerName = s.style === "container" ? "default" : MAIN_CONTAINER;
    return {
      n,
      taskId,
      taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTERS.hpc}/${taskId}`,
      instanceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${CLUSTERS.hpc}/${rng.hex(32)}`,
      ni: { attachmentId: rng.uuid(), privateIpv4Address: ipv4(rng) },
      stream: `${log.options["awslogs-stream-prefix"]}/${containerName}/${taskId}`,
      startingAt: startingAt + rng.int(0, 3000),
      runningAt: runningAt + rng.int(0, 5000),
      stop: n === 0 ? mainStop : mainStop - rng.int(500, 20_000),
      exitCode: n === 0 ? s.mainExitCode : s.mainExitCode === 0 ? 0 : 143,
    };
  });
  const main = nodes[0];
  const failed = s.mainExitCode !== 0;
  const statusReason = "Essential container in task exited";

  const jobArn = batchArn(REGION, `job/${s.jobId}`);
  const d = detailHead(id, "RUNNABLE");
  d.nodeProperties = { numNodes: s.numNodes, mainNode: 0, nodeRangeProperties };
  detailTail(d, id, ["EC2"], false);
  const parent: Emission[] = [];
  parent.push(stateChange(s.jobId, REGION, runnableAt, d, jobArn));
  d.status = "STARTING";
  parent.push(stateChange(s.jobId, REGION, startingAt, d, jobArn));
  d.status = "RUNNING";
  d.startedAt = main.runningAt;
  parent.push(stateChange(s.jobId, REGION, main.runningAt + rng.int(0, 1500), d, jobArn));
  d.status = failed ? "FAILED" : "SUCCEEDED";
  const mainAttempt: JsonObject =
    s.style === "container"
      ? {
          container: {
            containerInstanceArn: main.instanceArn,
            taskArn: main.taskArn,
            exitCode: main.exitCode,
            logStreamName: main.stream,
            networkInterfaces: [main.ni],
          },
          startedAt: main.runningAt,
          stoppedAt: main.stop,
          statusReason,
        }
      : {
          startedAt: main.runningAt,
          stoppedAt: main.stop,
          statusReason,
          taskProperties: [
            {
              containerInstanceArn: main.instanceArn,
              taskArn: main.taskArn,
              containers: [
                {
                  exitCode: main.exitCode,
                  name: MAIN_CONTAINER,
                  logStreamName: main.stream,
                  networkInterfaces: [main.ni],
                },
              ],
            },
          ],
        };
  d.attempts = [mainAttempt];
  d.statusReason = statusReason;
  d.stoppedAt = main.stop;
  parent.push(stateChange(s.jobId, REGION, endAt, d, jobArn));

  const nodeEmissions: Emission[][] = [];
  if (s.withNodeEvents) {
    for (const node of nodes) {
      const nodeId = `${s.jobId}#${node.n}`;
      const nodeArn = batchArn(REGION, `job/${nodeId}`);
      const nid: Identity = { ...id, jobId: nodeId, createdAt: startingAt - rng.int(500, 3000) };
      const nd = detailHead(nid, "STARTING");
      let c: JsonObject;
      let task: JsonObject | undefined;
      if (s.style === "container") {
        const range = nodeRangeProperties[node.n === 0 ? 0 : 1] as { container: JsonObject };
        c = clone(range.container);
        c.containerInstanceArn = node.instanceArn;
        c.taskArn = node.taskArn;
        c.networkInterfaces = [node.ni];
        nd.container = c;
      } else {
        c = {};
        nd.container = c;
        task = {
          containers: [taskContainer()],
          containerInstanceArn: node.instanceArn,
          taskArn: node.taskArn,
          volumes: [],
        };
        nd.ecsProperties = { taskProperties: [task] };
      }
      nd.nodeDetails = { nodeIndex: node.n, isMainNode: node.n === 0 };
      detailTail(nd, nid, ["EC2"], false);
      const evs: Emission[] = [];
      evs.push(stateChange(nodeId, REGION, node.startingAt, nd, nodeArn));
      nd.status = "RUNNING";
      nd.startedAt = node.runningAt;
      if (task) {
        ((task.containers as JsonObject[])[0] as JsonObject).logStreamName = node.stream;
      } else {
        c.logStreamName = node.stream;
      }
      evs.push(stateChange(nodeId, REGION, node.runningAt, nd, nodeArn));
      nd.status = node.exitCode === 0 ? "SUCCEEDED" : "FAILED";
      const attempt: JsonObject = task
        ? {
            startedAt: node.runningAt,
            stoppedAt: node.stop,
            statusReason,
            taskProperties: [
              {
                containerInstanceArn: node.instanceArn,
                taskArn: node.taskArn,
                containers: [
                  {
                    exitCode: node.exitCode,
                    name: MAIN_CONTAINER,
                    logStreamName: node.stream,
                    networkInterfaces: [node.ni],
                  },
                ],
              },
            ],
          }
        : {
            container: {
              containerInstanceArn: node.instanceArn,
              taskArn: node.taskArn,
              exitCode: node.exitCode,
              logStreamName: node.stream,
              networkInterfaces: [node.ni],
            },
            startedAt: node.runningAt,
            stoppedAt: node.stop,
            statusReason,
          };
      nd.attempts = [attempt];
      if (task) {
        ((task.containers as JsonObject[])[0] as JsonObject).exitCode = node.exitCode;
      } else {
        c.exitCode = node.exitCode;
      }
      nd.statusReason = statusReason;
      nd.stoppedAt = node.stop;
      evs.push(stateChange(nodeId, REGION, node.stop + rng.int(0, 1500), nd, nodeArn));
      nodeEmissions.push(evs);
    }
  }
  return { parent, nodes: nodeEmissions };
}

/* ------------------------------------------------------------------------------------------ */
/* Multi-container (ecsProperties) jobs                                                         */
/* ------------------------------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------------------------------ */
/* EKS jobs                                                                                    */
/* ------------------------------------------------------------------------------------------ */

export interface EksJobSpec {
  jobId: string;
  jobName: string;
  createdAt: number;
  /** Per attempt: exit code of the "default" container (137 with reason OOMKilled if oom). */
  attempts: { exitCode: number; oom?: boolean }[];
}

export function simulateEksJob(rng: Rng, s: EksJobSpec): Emission[] {
  const def = JOB_DEFS.eks;
  const id: Identity = {
    jobId: s.jobId,
    jobName: s.jobName,
    withJobArn: true,
    queue: QUEUES.eks,
    createdAt: s.createdAt,
    retryAttempts: Math.max(1, s.attempts.length),
    jobDefinition: jobDefArn(def),
    region: REGION,
  };
  const jobArn = batchArn(REGION, `job/${s.jobId}`);
  const container: JsonObject = {
    name: "default",
    image: def.image,
    command: def.command,
    args: ["--epochs", "3"],
    env: def.environment,
    resources: {
      limits: { cpu: String(def.vcpus), memory: `${def.memory}Mi` },
      requests: { cpu: String(def.vcpus), memory: `${def.memory}Mi` },
    },
    volumeMounts: [],
    securityContext: {},
  };
  const pod: JsonObject = {
    hostNetwork: true,
    dnsPolicy: "ClusterFirstWithHostNet",
    containers: [container],
    initContainers: [],
    volumes: [],
    metadata: { labels: { team: "ml-platform" } },
  };
  const d = detailHead(id, "RUNNABLE");
  d.eksProperties = { podProperties: pod };
  detailTail(d, id, [], false);
  d.eksAttempts = [];
  const out: Emission[] = [];
  const emit = (status: JobStatus, at: number) => {
    d.status = status;
    out.push(stateChange(s.jobId, REGION, at, d, jobArn));
  };
  const eksAttempts: JsonObject[] = [];
  let t = s.createdAt + rng.int(800, 4000);
  emit("RUNNABLE", t);
  s.attempts.forEach((a, i) => {
    const last = i === s.attempts.length - 1;
    t += rng.int(15_000, 180_000);
    const podName = `aws-batch.${rng.uuid().replace(/-4/, "-3")}`;
    const nodeName = `ip-10-0-${rng.int(0, 63)}-${rng.int(4, 250)}.ec2.internal`;
    delete d.statusReason;
    delete d.startedAt;
    delete d.stoppedAt;
    delete container.exitCode;
    delete container.reason;
    pod.podName = podName;
    pod.nodeName = nodeName;
    emit("STARTING", t);
    t += rng.int(5_000, 45_000);
    const started = t;
    d.startedAt = started;
    emit("RUNNING", t);
    const stop = started + rng.int(120_000, 2_400_000);
    const reason = a.oom ? "OOMKilled" : a.exitCode === 0 ? "Completed" : "Error";
    container.exitCode = a.exitCode;
    container.reason = reason;
    eksAttempts.push({
      containers: [
        {
          name: "default",
          containerID: `containerd://${rng.hex(64)}`,
          exitCode: a.exitCode,
          reason,
        },
      ],
      initContainers: [],
      eksClusterArn: EKS_CLUSTER_ARN,
      podName,
      podNamespace: EKS_NAMESPACE,
      nodeName,
      startedAt: started,
      stoppedAt: stop,
    });
    d.eksAttempts = clone(eksAttempts);
    t = stop;
    if (!last) {
      t += rng.int(1000, 6000);
      delete d.startedAt;
      emit("RUNNABLE", t);
    } else {
      d.stoppedAt = stop;
      emit(a.exitCode === 0 ? "SUCCEEDED" : "FAILED", stop + rng.int(0, 1500));
    }
  });
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Events the rule must skip                                                                   */
/* ------------------------------------------------------------------------------------------ */

export function serviceJobEmission(rng: Rng, at: number): Emission {
  const jobId = rng.uuid();
  const arn = batchArn(REGION, `service-job/${jobId}`);
  const trainingJob = `AWSBatch${rng.pick(["fine-tune", "eval-run", "hpo"])}${rng.hex(32)}`;
  const started = at - rng.int(600_000, 3_600_000);
  return {
    jobId,
    at,
    detailType: SERVICE_JOB_STATE_CHANGE,
    source: "aws.batch",
    region: REGION,
    resources: [arn],
    detail: {
      attempts: [
        {
          serviceResourceId: {
            name: "TrainingJobArn",
            value: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${trainingJob}`,
          },
          startedAt: started,
          stoppedAt: at - rng.int(1000, 5000),
          statusReason: "Received status from SageMaker: Training job completed",
        },
      ],
      createdAt: started - rng.int(60_000, 600_000),
      jobArn: arn,
      jobId,
      jobName: "sagemaker-fine-tune",
      jobQueue: batchArn(REGION, "job-queue/sagemaker-training"),
      retryStrategy: { attempts: 1 },
      serviceJobType: "SAGEMAKER_TRAINING",
      startedAt: started,
      status: "SUCCEEDED",
      statusReason: "Received status from SageMaker: Training job completed",
      stoppedAt: at - rng.int(1000, 5000),
      timeoutConfig: { attemptDurationSeconds: 86400 },
    },
  };
}

/* ------------------------------------------------------------------------------------------ */
/* Workload                                                                                    */
/* ------------------------------------------------------------------------------------------ */

interface PlannedJob {
  kind: JobKind;
  jobId: string;
  emissions: Emission[];
}

type TopLevel =
  | "ec2-single"
  | "fargate"
  | "retried"
  | "custom-log-group"
  | "non-awslogs-driver"
  | "array"
  | "multinode-container"
  | "multinode-ecs"
  | "multi-container"
  | "eks"
  | "cancelled-in-queue"
  | "image-pull-failure"
  | "docker-timeout"
  | "terminated"
  | "timed-out"
  | "oom"
  | "old-no-jobarn";

const TOP_LEVEL_COUNTS: [TopLevel, number][] = [
  ["ec2-single", 90],
  ["fargate", 40],
  ["retried", 30],
  ["custom-log-group", 20],
  ["non-awslogs-driver", 12],
  ["array", 8],
  ["multinode-container", 3],
  ["multinode-ecs", 3],
  ["multi-container", 15],
  ["eks", 15],
  ["cancelled-in-queue", 8],
  ["image-pull-failure", 6],
  ["docker-timeout", 4],
  ["terminated", 6],
  ["timed-out", 6],
  ["oom", 8],
  ["old-no-jobarn", 5],
];

const JOB_NAME_STEMS: Record<string, string[]> = {
  etl: ["etl-orders", "etl-customers", "etl-inventory", "etl-clickstream"],
  render: ["render-shot-010", "render-shot-020", "render-preview"],
  report: ["daily-report", "kpi-report", "sla-report"],
  align: ["align-sample", "align-tumor", "align-normal"],
};

function failureExit(rng: Rng): number {
  return rng.pick([1, 1, 1, 2, 127, 139]);
}

function planJobs(rng: Rng): PlannedJob[] {
  const slots: TopLevel[] = [];
  for (const [kind, n] of TOP_LEVEL_COUNTS) for (let i = 0; i < n; i++) slots.push(kind);
  rng.shuffle(slots);

  const jobs: PlannedJob[] = [];
  let t = SAMPLE_EPOCH_MS + rng.int(1000, 5000);
  let serial = 0;
  const name = (stem: string) => `${stem}-${String(++serial).padStart(4, "0")}`;

  for (const slot of slots) {
    t += rng.int(2000, 25_000);
    const createdAt = t;
    const jobId = rng.uuid();
    const eksField = rng.chance(0.5);
    const single = (kind: JobKind, spec: Omit<SingleJobSpec, "jobId" | "createdAt">) =>
      jobs.push({ kind, jobId, emissions: simulateSingleJob(rng, { ...spec, jobId, createdAt }) });

    switch (slot) {
      case "ec2-single": {
        const spot = rng.chance(0.4);
        const def = rng.pick([JOB_DEFS.etl, JOB_DEFS.render]);
        single("ec2-single", {
          jobName: name(
            rng.pick(def === JOB_DEFS.etl ? JOB_NAME_STEMS.etl : JOB_NAME_STEMS.render),
          ),
          def,
          queue: spot ? QUEUES.spot : QUEUES.ondemand,
          platform: "EC2",
          cluster: spot ? CLUSTERS.spot : CLUSTERS.ondemand,
          attempts: [{ kind: "exit", exitCode: rng.chance(0.1) ? failureExit(rng) : 0 }],
          retryAttempts: 1,
          parameters: def === JOB_DEFS.etl ? { date: "2026-10-31" } : { scene: "s01" },
          eksAttemptsField: eksField,
        });
        break;
      }
      case "fargate": {
        single("fargate", {
          jobName: name(rng.pick(JOB_NAME_STEMS.report)),
          def: JOB_DEFS.report,
          queue: QUEUES.fargate,
          platform: "FARGATE",
          cluster: CLUSTERS.fargate,
          attempts: [{ kind: "exit", exitCode: rng.chance(0.1) ? 1 : 0 }],
          retryAttempts: 1,
          logConfiguration: rng.pick([
            undefined,
            LOG_CONFIGS.prefixOnly,
            LOG_CONFIGS.defaultGroupExplicit,
          ]),
          eksAttemptsField: eksField,
        });
        break;
      }
      case "retried": {
        const n = rng.int(2, 4);
        const finalOk = rng.chance(0.75);
        const attempts: Outcome[] = [];
        for (let i = 0; i < n - 1; i++) {
          attempts.push(
            rng.chance(0.3)
              ? { kind: "host-terminated" }
              : { kind: "exit", exitCode: failureExit(rng) },
          );
        }
        attempts.push({ kind: "exit", exitCode: finalOk ? 0 : failureExit(rng) });
        single("retried", {
          jobName: name(rng.pick(JOB_NAME_STEMS.align)),
          def: JOB_DEFS.align,
          queue: QUEUES.spot,
          platform: "EC2",
          cluster: CLUSTERS.spot,
          attempts,
          retryAttempts: finalOk ? Math.max(n, rng.int(3, 5)) : n,
          parameters: { sample: `NA${rng.int(10000, 99999)}` },
          eksAttemptsField: eksField,
        });
        break;
      }
      case "custom-log-group": {
        const fargate = rng.chance(0.3);
        const attempts: Outcome[] = rng.chance(0.2)
          ? [
              { kind: "exit", exitCode: 1 },
              { kind: "exit", exitCode: 0 },
            ]
          : [{ kind: "exit", exitCode: rng.chance(0.1) ? 1 : 0 }];
        single("custom-log-group", {
          jobName: name("etl-load-eu"),
          def: fargate ? JOB_DEFS.report : JOB_DEFS.etlEu,
          queue: fargate ? QUEUES.fargate : QUEUES.ondemand,
          platform: fargate ? "FARGATE" : "EC2",
          cluster: fargate ? CLUSTERS.fargate : CLUSTERS.ondemand,
          attempts,
          retryAttempts: attempts.length,
          logConfiguration: fargate
            ? LOG_CONFIGS.reportsGroup
            : rng.chance(0.6)
              ? LOG_CONFIGS.etlCrossRegion
              : LOG_CONFIGS.etlSameRegion,
          eksAttemptsField: eksField,
        });
        break;
      }
      case "non-awslogs-driver": {
        const log = rng.pick([
          LOG_CONFIGS.splunk,
          LOG_CONFIGS.splunk,
          LOG_CONFIGS.fluentd,
          LOG_CONFIGS.gelf,
        ]);
        const fargate = log === LOG_CONFIGS.splunk && rng.chance(0.5);
        single("non-awslogs-driver", {
          jobName: name("billing-export"),
          def: JOB_DEFS.billing,
          queue: fargate ? QUEUES.fargate : QUEUES.ondemand,
          platform: fargate ? "FARGATE" : "EC2",
          cluster: fargate ? CLUSTERS.fargate : CLUSTERS.ondemand,
          attempts: [{ kind: "exit", exitCode: rng.chance(0.15) ? 1 : 0 }],
          retryAttempts: 1,
          logConfiguration: log,
          parameters: { month: "2026-10" },
          eksAttemptsField: eksField,
        });
        break;
      }
      case "array": {
        const size = rng.int(2, 8);
        const children: Outcome[][] = Array.from({ length: size }, () => {
          const r = rng.next();
          if (r < 0.08) return [{ kind: "exit", exitCode: 1 }];
          if (r < 0.2) return [{ kind: "host-terminated" }, { kind: "exit", exitCode: 0 }];
          return [{ kind: "exit", exitCode: 0 }];
        });
        const res = simulateArrayJob(rng, {
          parentId: jobId,
          jobName: name("tiles-z12"),
          def: JOB_DEFS.tiles,
          queue: QUEUES.spot,
          cluster: CLUSTERS.spot,
          createdAt,
          children,
          retryAttempts: 2,
          eksAttemptsField: eksField,
        });
        jobs.push({ kind: "array-parent", jobId, emissions: res.parent });
        res.children.forEach((evs, i) =>
          jobs.push({ kind: "array-child", jobId: `${jobId}:${i}`, emissions: evs }),
        );
        break;
      }
      case "multinode-container":
      case "multinode-ecs": {
        const numNodes = rng.int(2, 4);
        const res = simulateMultiNodeJob(rng, {
          jobId,
          jobName: name("cfd-wing"),
          style: slot === "multinode-container" ? "container" : "ecs",
          numNodes,
          createdAt,
          mainExitCode: rng.chance(0.2) ? 1 : 0,
          withNodeEvents: true,
        });
        jobs.push({
          kind:
            slot === "multinode-container" ? "multinode-parent" : "multinode-parent-taskproperties",
          jobId,
          emissions: res.parent,
        });
        res.nodes.forEach((evs, n) =>
          jobs.push({ kind: "multinode-node", jobId: `${jobId}#${n}`, emissions: evs }),
        );
        break;
      }
      case "multi-container": {
        const r = rng.next();
        const appExitCodes = r < 0.15 ? [1] : r < 0.3 ? [1, 0] : [0];
        jobs.push({
          kind: "multi-container",
          jobId,
          emissions: simulateMultiContainerJob(rng, {
            jobId,
            jobName: name("sim-scenario"),
            platform: rng.chance(0.3) ? "FARGATE" : "EC2",
            createdAt,
            withEnvoy: rng.chance(0.5),
            appExitCodes,
            eksAttemptsField: eksField,
          }),
        });
        break;
      }
      case "eks": {
        const r = rng.next();
        const attempts =
          r < 0.15
            ? [{ exitCode: 137, oom: true }]
            : r < 0.35
              ? [{ exitCode: 1 }, { exitCode: 0 }]
              : r < 0.4
                ? [{ exitCode: 1 }, { exitCode: 1 }, { exitCode: 0 }]
                : [{ exitCode: 0 }];
        jobs.push({
          kind: "eks",
          jobId,
          emissions: simulateEksJob(rng, {
            jobId,
            jobName: name("train-ranker"),
            createdAt,
            attempts,
          }),
        });
        break;
      }
      case "cancelled-in-queue": {
        const blocked = rng.chance(0.6);
        jobs.push({
          kind: "cancelled-in-queue",
          jobId,
          emissions: simulateCancelledJob(rng, {
            jobId,
            jobName: name("render-4k-gpu"),
            def: JOB_DEFS.render,
            queue: QUEUES.ondemand,
            platform: "EC2",
            createdAt,
            blockedReason: blocked
              ? "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job."
              : undefined,
            cancelReason: blocked
              ? "Canceled by JobStateTimeLimit action due to reason: MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
              : "Cancelled by user: superseded by a newer submission",
            eksAttemptsField: eksField,
          }),
        });
        break;
      }
      case "image-pull-failure": {
        const fargate = rng.chance(0.5);
        single("image-pull-failure", {
          jobName: name("report-broken-tag"),
          def: fargate ? JOB_DEFS.report : JOB_DEFS.etl,
          queue: fargate ? QUEUES.fargate : QUEUES.ondemand,
          platform: fargate ? "FARGATE" : "EC2",
          cluster: fargate ? CLUSTERS.fargate : CLUSTERS.ondemand,
          attempts: [{ kind: "pull-failure" }],
          retryAttempts: 1,
          eksAttemptsField: eksField,
        });
        break;
      }
      case "docker-timeout": {
        single("docker-timeout", {
          jobName: name("render-cold-start"),
          def: JOB_DEFS.render,
          queue: QUEUES.spot,
          platform: "EC2",
          cluster: CLUSTERS.spot,
          attempts: [{ kind: "docker-timeout" }],
          retryAttempts: 1,
          eksAttemptsField: eksField,
        });
        break;
      }
      case "terminated": {
        single("terminated", {
          jobName: name("etl-backfill"),
          def: JOB_DEFS.etl,
          queue: QUEUES.ondemand,
          platform: "EC2",
          cluster: CLUSTERS.ondemand,
          attempts: [
            {
              kind: "user-terminated",
              reason: rng.pick([
                "Terminated by operator: backfill superseded",
                "Terminated by pipeline: upstream partition missing",
              ]),
            },
          ],
          retryAttempts: 1,
          eksAttemptsField: eksField,
        });
        break;
      }
      case "timed-out": {
        single("timed-out", {
          jobName: name("render-long"),
          def: JOB_DEFS.render,
          queue: QUEUES.ondemand,
          platform: "EC2",
          cluster: CLUSTERS.ondemand,
          attempts: [{ kind: "timeout" }],
          retryAttempts: 1,
          timeoutSeconds: rng.pick([600, 900, 1800]),
          eksAttemptsField: eksField,
        });
        break;
      }
      case "oom": {
        const fargate = rng.chance(0.3);
        single("oom", {
          jobName: name("align-large"),
          def: fargate ? JOB_DEFS.report : JOB_DEFS.align,
          queue: fargate ? QUEUES.fargate : QUEUES.ondemand,
          platform: fargate ? "FARGATE" : "EC2",
          cluster: fargate ? CLUSTERS.fargate : CLUSTERS.ondemand,
          attempts: [{ kind: "oom" }],
          retryAttempts: 1,
          eksAttemptsField: eksField,
        });
        break;
      }
      case "old-no-jobarn": {
        single("old-no-jobarn", {
          jobName: name("legacy-transcode"),
          def: JOB_DEFS.legacy,
          queue: QUEUES.legacy,
          platform: "OLD",
          cluster: "",
          attempts: [{ kind: "exit", exitCode: rng.chance(0.2) ? 1 : 0 }],
          retryAttempts: 1,
          parameters: { input: "s3://media-in/clip.mov" },
        });
        break;
      }
    }
  }
  return jobs;
}

interface Delivery {
  event: BatchEvent;
  deliverAt: number;
  seq: number;
}

/** How a job's state-change events are delivered: in order, or one late after the terminal. */
function deliver(rng: Rng, jobs: PlannedJob[]): Delivery[] {
  const out: Delivery[] = [];
  let seq = 0;
  const push = (event: BatchEvent, deliverAt: number) => out.push({ event, deliverAt, seq: seq++ });

  for (const job of jobs) {
    const ems = [...job.emissions].sort((a, b) => a.at - b.at);
    const times = ems.map((e) => e.at + rng.int(50, 1500));
    const terminalIdx = ems.findIndex(
      (e) => e.detailType === STATE_CHANGE && isTerminal(e.detail.status),
    );
    const candidates = ems
      .map((_e, i) => i)
      .filter((i) => i < terminalIdx && ems[i].detailType === STATE_CHANGE);
    if (terminalIdx > 0 && candidates.length > 0 && rng.chance(0.1)) {
      // Late delivery of the last (or the last two) non-terminal events.
      const late = candidates.slice(rng.chance(0.25) ? -2 : -1);
      for (const i of late) times[i] = times[terminalIdx] + rng.int(1000, 120_000);
    }
    ems.forEach((e, i) => push(toEnvelope(rng, e), times[i]));
  }

  // Duplicates of state-change events (~5% of them).
  const originals = out.filter((d) => d.event["detail-type"] === STATE_CHANGE);
  for (const d of originals) {
    if (!rng.chance(0.05)) continue;
    if (rng.chance(0.5)) {
      push(clone(d.event), d.deliverAt + rng.int(0, 8000));
    } else {
      const copy = clone(d.event);
      copy.id = rng.uuid();
      push(copy, d.deliverAt + rng.int(100, 30_000));
    }
  }
  return out;
}

function skippableEvents(rng: Rng, jobs: PlannedJob[], end: number): Delivery[] {
  const out: Delivery[] = [];
  const seqBase = 1_000_000;
  // SageMaker service jobs share the source but not the detail-type.
  for (let i = 0; i < 3; i++) {
    const at = SAMPLE_EPOCH_MS + Math.floor(((i + 1) * (end - SAMPLE_EPOCH_MS)) / 4);
    out.push({
      event: toEnvelope(rng, serviceJobEmission(rng, at)),
      deliverAt: at + rng.int(50, 1500),
      seq: seqBase + i,
    });
  }
  // Another publisher re-emitting Batch events on the default bus: same detail-type, other source.
  const terminalOf = (j: PlannedJob) =>
    j.emissions.find((e) => e.detailType === STATE_CHANGE && isTerminal(e.detail.status));
  const picked = jobs.filter((j) => j.kind === "ec2-single").slice(0, 3);
  picked.forEach((j, i) => {
    const term = terminalOf(j);
    if (!term) return;
    const ev = toEnvelope(rng, {
      ...term,
      source: "com.example.batch-audit",
      detail: clone(term.detail),
    });
    out.push({ event: ev, deliverAt: term.at + rng.int(60_000, 300_000), seq: seqBase + 10 + i });
  });
  return out;
}

export function computeFacts(
  seed: number,
  events: BatchEvent[],
  kinds: Map<string, JobKind>,
): SampleFacts {
  const isStateChange = (e: BatchEvent) =>
    e.source === "aws.batch" && e["detail-type"] === STATE_CHANGE;
  const jobIds = new Set<string>();
  const terminal = new Map<string, string>();
  const seenEnvelope = new Set<string>();
  const seenDetail = new Set<string>();
  const firstTerminalSeen = new Set<string>();
  const outOfOrder = new Set<string>();
  let identical = 0;
  let newEnvelopeId = 0;
  let skippable = 0;
  for (const e of events) {
    if (!isStateChange(e)) {
      skippable++;
      continue;
    }
    const jobId = e.detail.jobId as string;
    const status = e.detail.status as string;
    jobIds.add(jobId);
    const envKey = JSON.stringify(e);
    const detailKey = JSON.stringify(e.detail);
    if (seenEnvelope.has(envKey)) identical++;
    else if (seenDetail.has(detailKey)) newEnvelopeId++;
    seenEnvelope.add(envKey);
    seenDetail.add(detailKey);
    if (isTerminal(status)) {
      terminal.set(jobId, status);
      firstTerminalSeen.add(jobId);
    } else if (firstTerminalSeen.has(jobId)) {
      outOfOrder.add(jobId);
    }
  }
  const terminalByStatus = { SUCCEEDED: 0, FAILED: 0 };
  for (const s of terminal.values()) terminalByStatus[s as "SUCCEEDED" | "FAILED"]++;
  const jobsByKind = Object.fromEntries(JOB_KINDS.map((k) => [k, 0])) as Record<JobKind, number>;
  for (const k of kinds.values()) jobsByKind[k]++;
  return {
    seed,
    jobs: jobIds.size,
    events: events.length,
    skippable,
    terminalByStatus,
    jobsByKind,
    duplicates: { identical, newEnvelopeId },
    outOfOrderJobs: outOfOrder.size,
  };
}

export function generateSampleEvents(seed = 1): { events: BatchEvent[]; facts: SampleFacts } {
  const rng = new Rng(seed);
  const jobs = planJobs(rng);
  const deliveries = deliver(rng, jobs);
  const end = Math.max(...deliveries.map((d) => d.deliverAt));
  deliveries.push(...skippableEvents(rng, jobs, end));
  deliveries.sort((a, b) => a.deliverAt - b.deliverAt || a.seq - b.seq);
  const events = deliveries.map((d) => d.event);
  const kinds = new Map(jobs.map((j) => [j.jobId, j.kind] as [string, JobKind]));
  return { events, facts: computeFacts(seed, events, kinds) };
}

/* ------------------------------------------------------------------------------------------ */
/* CLI                                                                                         */
/* ------------------------------------------------------------------------------------------ */

export function toJsonl(events: BatchEvent[]): string {
  return events.map((e) => JSON.stringify(e) + "\n").join("");
}

if (require.main === module) {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const out = process.argv[2] ?? path.join(__dirname, "events.jsonl");
  const seed = process.argv[3] === undefined ? 1 : Number(process.argv[3]);
  const { events, facts } = generateSampleEvents(seed);
  fs.writeFileSync(out, toJsonl(events));
  process.stdout.write(`${out}: ${JSON.stringify(facts)}\n`);
}
