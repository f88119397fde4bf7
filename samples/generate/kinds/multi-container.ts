/**
 * Multi-container ECS jobs (`ecsProperties`): an essential "app" container logging to Batch's
 * default group, a "metrics-agent" sidecar with its own group and, in some, an "envoy" sidecar.
 * Each attempt runs one task, so each container of each attempt has its own stream: the app
 * prints its simulation, the sidecars their start-up and, when they stop gracefully, shut-down.
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
import type { PlannedJob, Simulated } from "../jobs";
import { lineCount, type LogRun, type Output } from "../logs";
import { LOG_CONFIGS, logDestination, streamPrefix, type LogConfiguration } from "../log-configs";
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

export function simulateMultiContainerJob(rng: Rng, s: MultiContainerJobSpec): Simulated {
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
  const runs: LogRun[] = [];
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
    containerDefs.forEach((cd, k) => {
      const destination = logDestination(cd.log, REGION);
      if (!destination) return;
      const run: ContainerRun = {
        spec: s,
        container: cd.name,
        exitCode: exits[k],
        attempt: i + 1,
        ms: stop - started,
      };
      runs.push({
        ...destination,
        logStreamName: streamOf(cd, taskId),
        startedAt: started,
        stoppedAt: stop,
        print: (r) => printContainer(r, run),
      });
    });
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
  return { emissions: out, runs };
}

export function planMultiContainerJob(rng: Rng, spec: MultiContainerJobSpec): PlannedJob[] {
  return [{ kind: "multi-container", jobId: spec.jobId, ...simulateMultiContainerJob(rng, spec) }];
}

/** One container's run in one attempt. */
interface ContainerRun {
  spec: MultiContainerJobSpec;
  container: string;
  exitCode: number;
  /** 1-based. */
  attempt: number;
  ms: number;
}

/** A sidecar that exits 143 died of the SIGTERM: it printed nothing more. */
function printContainer(rng: Rng, run: ContainerRun): Output {
  const { spec, exitCode } = run;
  if (run.container === "metrics-agent") {
    return [
      [
        "I! Starting AmazonCloudWatchAgent CWAgent/1.300049.1 (go1.22.7; linux; amd64)",
        'I! [agent] Config: Interval:1m0s, Quiet:false, Hostname:"", Flush Interval:1s',
      ],
      ...(exitCode === 0
        ? [
            "I! [agent] Hang on, flushing any cached metrics before shutdown",
            "I! [agent] Stopping running outputs",
          ]
        : []),
    ];
  }
  if (run.container === "envoy") {
    return [
      [
        "[info][main] initializing epoch 0 (base id=0, hot restart version=11.104)",
        `[info][upstream] cds: add ${rng.int(2, 6)} cluster(s), remove 0 cluster(s)`,
        "[info][main] all clusters initialized. initializing init manager",
        "[info][main] starting main dispatch loop",
      ],
      ...(exitCode === 0
        ? [
            [
              "[warning][main] caught ENVOY_SIGTERM",
              "[info][main] shutting down server instance",
              "[info][main] exiting",
            ],
          ]
        : []),
    ];
  }
  const total = rng.int(20, 200) * 100;
  const planned = lineCount(run.ms, 120_000, 2, 8);
  const steps = exitCode === 0 ? planned : rng.int(1, planned - 1);
  const step = (i: number) => Math.round((total * i) / planned);
  const out: Output = [
    [
      `simulate 5.0.0: scenario ${spec.jobName} (job ${spec.jobId}, attempt ${run.attempt} of ${spec.appExitCodes.length})`,
      `loading mesh s3://sim-input/${spec.jobName}/mesh.h5 (${rng.int(200, 4000)}k cells)`,
    ],
  ];
  for (let i = 1; i <= steps; i++) {
    out.push(
      `step ${step(i)}/${total}: t=${(step(i) / 100).toFixed(2)} s, residual ${(rng.int(100, 999) / 1e7).toExponential(2)}`,
    );
  }
  out.push(
    ...(exitCode === 0
      ? [`simulation complete: ${total} steps, results in s3://sim-results/${spec.jobName}/`]
      : [
          `ERROR: solver diverged at step ${step(steps) + rng.int(1, 99)} (residual=inf)`,
          `simulate: exiting with status ${exitCode}`,
        ]),
  );
  return out;
}
