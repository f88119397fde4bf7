/**
 * A job's attempts (record/build.ts): ECS attempts with their exit code and reason (of the
 * essential containers of a multi-container attempt), EKS attempts by pod; the job's platform and
 * an array's status summary. A factory, like the rest of what the Lambda runs (record/build.ts
 * says why).
 */
import * as constants from "./constants";
import { fieldReading, type FieldReader } from "./field-reader";
import { logTargetReader, type LogTargets } from "./log-targets";
import type { AttemptRecord, Platform } from "./types";

/** The streams of a job as log-targets.ts lists them. */
type Streams = InstanceType<ReturnType<typeof logTargetReader>["StreamList"]>;

export function attemptReader() {
  const { undefined, Object } = globalThis;
  const { MAX_ATTEMPTS, STATUS_RANK } = constants;
  const { truncate, compact } = fieldReading();
  const { attemptTaskContainers } = logTargetReader();

  /** ECS attempts (`detail.attempts`): one record each, and their streams added to `streams`. */
  function ecsAttempts(
    read: FieldReader,
    attemptsIn: Record<string, unknown>[],
    targets: LogTargets,
    streams: Streams,
  ): AttemptRecord[] {
    return attemptsIn.slice(0, MAX_ATTEMPTS).map((attempt, i): AttemptRecord => {
      const at = `detail.attempts[${i}]`;
      const ac = read.object(attempt.container, `${at}.container`);
      const taskContainers = attemptTaskContainers(read, attempt.taskProperties, at);
      const acStream = read.string(ac?.logStreamName, `${at}.container.logStreamName`);
      if (acStream) streams.add(i + 1, "default", targets.main, acStream);
      for (const c of taskContainers) {
        if (c.logStreamName) {
          streams.add(i + 1, c.name ?? "default", targets.forContainer(c.name), c.logStreamName);
        }
      }
      // A multi-container attempt ends with its essential containers: a sidecar's exit code is
      // not the job's.
      const essential = taskContainers.filter((c) => targets.isEssential(c.name));
      const deciding = essential.length > 0 ? essential : taskContainers;
      return compact({
        startedAt: read.number(attempt.startedAt, `${at}.startedAt`),
        stoppedAt: read.number(attempt.stoppedAt, `${at}.stoppedAt`),
        exitCode: read.number(ac?.exitCode, `${at}.container.exitCode`) ?? exitCodeOf(deciding),
        statusReason: truncate(read.text(attempt.statusReason, `${at}.statusReason`)),
        reason: truncate(
          read.text(ac?.reason, `${at}.container.reason`) ?? deciding.find((c) => c.reason)?.reason,
        ),
        taskArn:
          read.string(ac?.taskArn, `${at}.container.taskArn`) ??
          taskContainers.find((c) => c.taskArn)?.taskArn,
      });
    });
  }

  /**
   * EKS attempts (`detail.eksAttempts`), identified by pod, node and namespace; an attempt in
   * progress is not there yet, its pod is in `eksProperties.podProperties`.
   */
  function eksAttempts(
    read: FieldReader,
    attemptsIn: Record<string, unknown>[],
    eksProperties: Record<string, unknown> | undefined,
    inProgress: boolean,
    jobStartedAt: number | undefined,
  ): { attempts: AttemptRecord[]; clusterArn?: string } {
    let clusterArn: string | undefined;
    const attempts = attemptsIn.slice(0, MAX_ATTEMPTS).map((attempt, i): AttemptRecord => {
      const at = `detail.eksAttempts[${i}]`;
      const containers = read.objects(attempt.containers, `${at}.containers`).map((c, k) => ({
        exitCode: read.number(c.exitCode, `${at}.containers[${k}].exitCode`),
        reason: read.text(c.reason, `${at}.containers[${k}].reason`),
      }));
      clusterArn = read.string(attempt.eksClusterArn, `${at}.eksClusterArn`) ?? clusterArn;
      return compact({
        startedAt: read.number(attempt.startedAt, `${at}.startedAt`),
        stoppedAt: read.number(attempt.stoppedAt, `${at}.stoppedAt`),
        exitCode: exitCodeOf(containers),
        statusReason: truncate(read.text(attempt.statusReason, `${at}.statusReason`)),
        reason: truncate(containers.find((c) => c.reason)?.reason),
        podName: read.string(attempt.podName, `${at}.podName`),
        nodeName: read.string(attempt.nodeName, `${at}.nodeName`),
        podNamespace: read.string(attempt.podNamespace, `${at}.podNamespace`),
      });
    });
    const pod = read.object(eksProperties?.podProperties, "detail.eksProperties.podProperties");
    const podName = read.string(pod?.podName, "detail.eksProperties.podProperties.podName");
    if (podName && inProgress && !attempts.some((a) => a.podName === podName)) {
      attempts.push(
        compact({
          startedAt: jobStartedAt,
          podName,
          nodeName: read.string(pod?.nodeName, "detail.eksProperties.podProperties.nodeName"),
        }),
      );
    }
    return { attempts, clusterArn };
  }

  /** The first non-zero exit code of these containers, else the first exit code. */
  function exitCodeOf(containers: readonly { exitCode?: number }[]): number | undefined {
    const failing = containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0);
    return (failing ?? containers.find((c) => c.exitCode !== undefined))?.exitCode;
  }

  function platformOf(
    read: FieldReader,
    capabilities: unknown[] | undefined,
    hints: { eks: boolean; ec2Host?: string; ecs: boolean },
  ): Platform | undefined {
    const caps = (capabilities ?? []).map((c, i) =>
      read.string(c, `detail.platformCapabilities[${i}]`),
    );
    if (caps.includes("FARGATE")) return "FARGATE";
    if (hints.eks) return "EKS";
    if (caps.includes("EC2") || hints.ec2Host) return "EC2";
    // Older EC2 events carry `platformCapabilities: []`: an ECS job that is not Fargate runs on EC2.
    return hints.ecs && capabilities !== undefined ? "EC2" : undefined;
  }

  function statusSummary(read: FieldReader, value: unknown): Record<string, number> | undefined {
    const summary = read.object(value, "detail.arrayProperties.statusSummary");
    if (!summary) return undefined;
    const counts: Record<string, number> = {};
    // Only the job statuses: the summary is bounded whatever the event carries.
    for (const key of Object.keys(STATUS_RANK)) {
      const n = read.number(summary[key], `detail.arrayProperties.statusSummary.${key}`);
      if (n !== undefined) counts[key] = n;
    }
    return counts;
  }

  return { ecsAttempts, eksAttempts, exitCodeOf, platformOf, statusSummary };
}
