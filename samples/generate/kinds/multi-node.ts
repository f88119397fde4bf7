/**
 * Multi-node parallel (MPI) jobs: a parent whose node ranges carry the log configuration
 * (`container` style: main and workers log to their own prefixes; `ecs` style: the ranges use
 * `ecsProperties`), and one node job `<id>#<n>` per node, each in its own ECS task and stream.
 * The parent's attempt is its main node's. The main node prints the solver's progress, the
 * workers little more than that they joined and left.
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
import { detailHead, detailTail, ipv4, type Identity } from "../job-detail";
import { JOB_DEFS, jobDefArn } from "../job-definitions";
import type { PlannedJob, Simulated } from "../jobs";
import { lineCount, type LogRun, type Output } from "../logs";
import { LOG_CONFIGS, logDestination, type LogConfiguration } from "../log-configs";
import { CLUSTERS, QUEUES } from "../queues";
import type { Rng } from "../rng";

export interface MultiNodeJobSpec {
  jobId: string;
  jobName: string;
  /** "container": nodeRangeProperties[].container; "ecs": nodeRangeProperties[].ecsProperties. */
  style: "container" | "ecs";
  numNodes: number;
  createdAt: number;
  /** Exit code of the main node (workers exit 0 on success, 143 when the main node fails). */
  mainExitCode: number;
}

export interface SimulatedMultiNodeJob {
  parent: Emission[];
  nodes: Simulated[];
}

const MAIN_CONTAINER = "main";

export function simulateMultiNodeJob(rng: Rng, s: MultiNodeJobSpec): SimulatedMultiNodeJob {
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
  const nodes = Array.from({ length: s.numNodes }, (_, n): NodeTask => {
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
      log,
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
  const mainAttempt = nodeAttempt(s.style === "ecs", main, statusReason);
  d.attempts = [mainAttempt];
  d.statusReason = statusReason;
  d.stoppedAt = main.stop;
  parent.push(stateChange(s.jobId, REGION, endAt, d, jobArn));

  const nodeJobs = nodes.map((node) =>
    simulateNodeJob(
      rng,
      { spec: s, id, nodes, nodeRangeProperties, taskContainer, startingAt },
      node,
    ),
  );
  return { parent, nodes: nodeJobs };
}

/** One node's ECS task, as the simulation draws it. */
interface NodeTask {
  readonly n: number;
  readonly log: LogConfiguration;
  readonly taskId: string;
  readonly taskArn: string;
  readonly instanceArn: string;
  readonly ni: { attachmentId: string; privateIpv4Address: string };
  readonly stream: string;
  readonly startingAt: number;
  readonly runningAt: number;
  readonly stop: number;
  readonly exitCode: number;
}

/** What the node jobs share with their parent. */
interface NodeContext {
  readonly spec: MultiNodeJobSpec;
  readonly id: Identity;
  readonly nodes: readonly NodeTask[];
  readonly nodeRangeProperties: readonly JsonObject[];
  readonly taskContainer: () => JsonObject;
  readonly startingAt: number;
}

/** A node's attempt (the parent's is its main node's): `container`, or `taskProperties` (ecs). */
function nodeAttempt(ecs: boolean, node: NodeTask, statusReason: string): JsonObject {
  return ecs
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
}

/** The node job `<id>#<n>`: STARTING, RUNNING and its end, and what it printed. */
function simulateNodeJob(rng: Rng, ctx: NodeContext, node: NodeTask): Simulated {
  const { spec: s, id, nodes, nodeRangeProperties, taskContainer, startingAt } = ctx;
  const statusReason = "Essential container in task exited";
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
  const attempt = nodeAttempt(task !== undefined, node, statusReason);
  nd.attempts = [attempt];
  if (task) {
    ((task.containers as JsonObject[])[0] as JsonObject).exitCode = node.exitCode;
  } else {
    c.exitCode = node.exitCode;
  }
  nd.statusReason = statusReason;
  nd.stoppedAt = node.stop;
  evs.push(stateChange(nodeId, REGION, node.stop + rng.int(0, 1500), nd, nodeArn));
  const destination = logDestination(node.log, REGION);
  const runs: LogRun[] = [];
  if (destination) {
    const run: NodeRun = {
      spec: s,
      n: node.n,
      exitCode: node.exitCode,
      ms: node.stop - node.runningAt,
      ips: nodes.map((other) => other.ni.privateIpv4Address),
    };
    runs.push({
      ...destination,
      logStreamName: node.stream,
      startedAt: node.runningAt,
      stoppedAt: node.stop,
      print: (r) => printNode(r, run),
    });
  }
  return { emissions: evs, runs };
}

/** The parent, then its node jobs in node order. */
export function planMultiNodeJob(rng: Rng, spec: MultiNodeJobSpec): PlannedJob[] {
  const { parent, nodes } = simulateMultiNodeJob(rng, spec);
  return [
    {
      kind: spec.style === "container" ? "multinode-parent" : "multinode-parent-taskproperties",
      jobId: spec.jobId,
      emissions: parent,
      // The parent's stream is its main node's.
      runs: [],
    },
    ...nodes.map((node, n): PlannedJob => ({
      kind: "multinode-node",
      jobId: `${spec.jobId}#${n}`,
      ...node,
    })),
  ];
}

/** One node's run, as the program in its container saw it. */
interface NodeRun {
  spec: MultiNodeJobSpec;
  n: number;
  exitCode: number;
  ms: number;
  /** Every node's private IP, main node first. */
  ips: string[];
}

function printNode(rng: Rng, { spec, n, exitCode, ms, ips }: NodeRun): Output {
  const N = spec.numNodes;
  const node = `node ${n} of ${N}`;
  // One MPI rank per physical core.
  const ranks = (spec.style === "container" ? JOB_DEFS.mpi : JOB_DEFS.mpiEcs).vcpus / 2;
  const env = `AWS_BATCH_JOB_NODE_INDEX=${n}, AWS_BATCH_JOB_MAIN_NODE_INDEX=0, job ${spec.jobId}#${n}`;
  if (n > 0) {
    const out: Output = [
      [
        `[worker] ${spec.jobName}: ${node} (${env})`,
        `[worker] ${node}: registered with main node ${ips[0]}, waiting for mpirun`,
      ],
    ];
    for (let i = 0, beats = lineCount(ms, 900_000, 1, 4); i < beats; i++) {
      out.push(
        `[worker] ${node}: ${ranks} MPI ranks running, load average ${(ranks - rng.int(0, 150) / 100).toFixed(2)}`,
      );
    }
    out.push(
      exitCode === 0
        ? `[worker] ${node}: main node finished, exiting`
        : `[worker] ${node}: received SIGTERM (main node exited), shutting down`,
    );
    return out;
  }
  const planned = lineCount(ms, 300_000, 3, 10);
  const steps = exitCode === 0 ? planned : rng.int(1, planned - 1);
  const out: Output = [
    [
      `[main] ${spec.jobName}: ${node} (${env})`,
      `[main] waiting for ${N - 1} worker node(s) to register`,
    ],
    [
      `[main] all ${N} nodes registered: ${ips.join(" ")}`,
      `mpirun --allow-run-as-root -np ${N * ranks} --hostfile /tmp/hostfile simpleFoam -parallel`,
    ],
  ];
  for (let i = 1; i <= steps; i++) {
    const time = i * 50;
    out.push([
      `Time = ${time}`,
      `smoothSolver:  Solving for Ux, Initial residual = ${(rng.int(100, 900) / 1e5).toExponential(2)}, Final residual = ${(rng.int(100, 900) / 1e8).toExponential(2)}, No Iterations ${rng.int(2, 6)}`,
      `GAMG:  Solving for p, Initial residual = ${(rng.int(100, 900) / 1e4).toExponential(2)}, Final residual = ${(rng.int(100, 900) / 1e7).toExponential(2)}, No Iterations ${rng.int(8, 30)}`,
      `ExecutionTime = ${((ms * i) / (steps + 1) / 1000).toFixed(2)} s  ClockTime = ${Math.round((ms * i) / (steps + 1) / 1000)} s`,
    ]);
  }
  if (exitCode === 0) {
    out.push([
      "End",
      `[main] ${spec.jobName}: simpleFoam finished on ${N} nodes in ${(ms / 1000).toFixed(1)} s`,
    ]);
    out.push(`[main] uploaded s3://cfd-results/${spec.jobName}/`);
  } else {
    out.push([
      "--> FOAM FATAL ERROR: (openfoam-2306)",
      "Maximum number of iterations exceeded",
      "    From Foam::solverPerformance Foam::GAMGSolver::solve(...)",
      "FOAM parallel run exiting",
    ]);
    out.push([
      `mpirun detected that one or more processes exited with non-zero status, thus causing the job to be terminated. The first process to do so was: rank ${rng.int(0, N * ranks - 1)}, exit code 1`,
      `[main] ${spec.jobName}: simpleFoam failed with status ${exitCode}`,
    ]);
  }
  return out;
}
