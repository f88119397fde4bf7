/**
 * Batch jobs on EKS: a pod per attempt (`eksAttempts` with pod, node and namespace). Their output
 * stays in the cluster: no CloudWatch stream.
 */
import { REGION, batchArn, clone, stateChange, type Emission, type JsonObject } from "../envelope";
import { detailHead, detailTail, type Identity, type JobStatus } from "../job-detail";
import { JOB_DEFS, jobDefArn } from "../job-definitions";
import type { PlannedJob } from "../jobs";
import { EKS_CLUSTER_ARN, EKS_NAMESPACE, QUEUES } from "../queues";
import type { Rng } from "../rng";

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

export function planEksJob(rng: Rng, spec: EksJobSpec): PlannedJob[] {
  // The pods' output stays in the cluster: no CloudWatch stream.
  return [{ kind: "eks", jobId: spec.jobId, emissions: simulateEksJob(rng, spec), runs: [] }];
}
