/**
 * Where a job's containers log (record/build.ts): the awslogs group and region of the job's
 * container, of the node range that covers a node, or of each named container of a
 * multi-container job; and the list of a job's streams. A factory, like the rest of what the
 * Lambda runs (record/build.ts says why).
 */
import * as constants from "./constants";
import type { FieldReader } from "./field-reader";
import type { LogStreamRef } from "./types";

/** Where the main container and each named container of a job log to. */
export interface LogTargets {
  readonly main: LogTarget;
  /** Named containers (multi-container jobs, node ranges with ecsProperties), in order. */
  readonly containers: readonly NamedContainer[];
  forContainer(name: string | undefined): LogTarget;
  isEssential(name: string | undefined): boolean;
}

/** A container of a job's definition (`ecsProperties`): its log target and whether it is essential. */
export interface NamedContainer {
  readonly name?: string;
  readonly logStreamName?: string;
  readonly essential: boolean;
  readonly target: LogTarget;
}

/** Where a container's awslogs output goes, or which other driver took it. */
export type LogTarget =
  | { readonly kind: "awslogs"; readonly group: string; readonly region: string }
  | { readonly kind: "other"; readonly driver: string };

export interface TaskContainer {
  readonly name?: string;
  readonly logStreamName?: string;
  readonly exitCode?: number;
  readonly reason?: string;
  readonly taskArn?: string;
}

export function logTargetReader() {
  const { undefined, Number } = globalThis;
  const { DEFAULT_LOG_GROUP, MAX_LOG_STREAMS } = constants;

  /**
   * The log configuration of the job's container, else of the node range that covers `node`
   * (multi-node), else of its first named container (multi-container), else Batch's default.
   */
  function logTargets(
    read: FieldReader,
    d: Record<string, unknown>,
    container: Record<string, unknown> | undefined,
    nodeProperties: Record<string, unknown> | undefined,
    node: number | undefined,
    region: string,
  ): LogTargets {
    const range = nodeRange(read, nodeProperties, node);
    const containers = [
      ...taskContainerTargets(read, d.ecsProperties, "detail.ecsProperties", region),
      ...(range
        ? taskContainerTargets(
            read,
            range.value.ecsProperties,
            `${range.path}.ecsProperties`,
            region,
          )
        : []),
    ];
    const rangeContainer = range && read.object(range.value.container, `${range.path}.container`);
    const main: LogTarget =
      container?.logConfiguration !== undefined && container.logConfiguration !== null
        ? logTarget(read, container.logConfiguration, "detail.container.logConfiguration", region)
        : rangeContainer
          ? logTarget(
              read,
              rangeContainer.logConfiguration,
              `${range.path}.container.logConfiguration`,
              region,
            )
          : (containers[0]?.target ?? logTarget(read, undefined, "", region));
    return {
      main,
      containers,
      forContainer: (name) => containers.find((c) => c.name === name)?.target ?? main,
      isEssential: (name) => containers.find((c) => c.name === name)?.essential ?? true,
    };
  }

  function logTarget(
    read: FieldReader,
    logConfiguration: unknown,
    path: string,
    eventRegion: string,
  ): LogTarget {
    const config = read.object(logConfiguration, path);
    const driver = read.string(config?.logDriver, `${path}.logDriver`);
    if (driver !== undefined && driver !== "awslogs") return { kind: "other", driver };
    const options = read.object(config?.options, `${path}.options`);
    return {
      kind: "awslogs",
      group:
        read.string(options?.["awslogs-group"], `${path}.options.awslogs-group`) ||
        DEFAULT_LOG_GROUP,
      region:
        read.string(options?.["awslogs-region"], `${path}.options.awslogs-region`) || eventRegion,
    };
  }

  /** The node range that covers `node` ("0", "1:3", "2:", ":1"), else the first one. */
  function nodeRange(
    read: FieldReader,
    nodeProperties: Record<string, unknown> | undefined,
    node: number | undefined,
  ): { value: Record<string, unknown>; path: string } | undefined {
    const path = "detail.nodeProperties.nodeRangeProperties";
    const ranges = read.objects(nodeProperties?.nodeRangeProperties, path);
    const n = node ?? 0;
    const index = ranges.findIndex((range, i) => {
      const targetNodes = read.string(range.targetNodes, `${path}[${i}].targetNodes`) ?? "";
      const [from, to] = targetNodes.includes(":")
        ? targetNodes.split(":")
        : [targetNodes, targetNodes];
      return (from === "" || Number(from) <= n) && (to === "" || n <= Number(to));
    });
    const chosen = index >= 0 ? index : 0;
    return ranges[chosen] === undefined
      ? undefined
      : { value: ranges[chosen], path: `${path}[${chosen}]` };
  }

  /** `<ecsProperties>.taskProperties[j].containers[k]` with their log target, in order. */
  function taskContainerTargets(
    read: FieldReader,
    ecsProperties: unknown,
    path: string,
    eventRegion: string,
  ): NamedContainer[] {
    const ecs = read.object(ecsProperties, path);
    return read.objects(ecs?.taskProperties, `${path}.taskProperties`).flatMap((task, j) => {
      const tp = `${path}.taskProperties[${j}]`;
      return read.objects(task.containers, `${tp}.containers`).map((c, k) => ({
        name: read.string(c.name, `${tp}.containers[${k}].name`),
        logStreamName: read.string(c.logStreamName, `${tp}.containers[${k}].logStreamName`),
        // ECS's default: a container is essential unless it says otherwise.
        essential: read.boolean(c.essential, `${tp}.containers[${k}].essential`) ?? true,
        target: logTarget(
          read,
          c.logConfiguration,
          `${tp}.containers[${k}].logConfiguration`,
          eventRegion,
        ),
      }));
    });
  }

  /** `attempts[i].taskProperties[j].containers[k]`, flattened in order. */
  function attemptTaskContainers(
    read: FieldReader,
    taskProperties: unknown,
    at: string,
  ): TaskContainer[] {
    return read.objects(taskProperties, `${at}.taskProperties`).flatMap((task, j) => {
      const tp = `${at}.taskProperties[${j}]`;
      const taskArn = read.string(task.taskArn, `${tp}.taskArn`);
      return read.objects(task.containers, `${tp}.containers`).map((c, k) => ({
        name: read.string(c.name, `${tp}.containers[${k}].name`),
        logStreamName: read.string(c.logStreamName, `${tp}.containers[${k}].logStreamName`),
        exitCode: read.number(c.exitCode, `${tp}.containers[${k}].exitCode`),
        reason: read.text(c.reason, `${tp}.containers[${k}].reason`),
        taskArn,
      }));
    });
  }

  /** The streams of a job, without repeats, bounded by MAX_LOG_STREAMS. */
  class StreamList {
    // Written out as part of the factory's text, so the closure serializer keeps it as it is.
    private readonly streams: LogStreamRef[] = [];
    add(attempt: number, container: string, target: LogTarget, logStreamName: string): void {
      if (target.kind !== "awslogs" || this.streams.length >= MAX_LOG_STREAMS) return;
      const duplicate = this.streams.some(
        (s) =>
          s.attempt === attempt && s.container === container && s.logStreamName === logStreamName,
      );
      if (duplicate) return;
      this.streams.push({
        attempt,
        container,
        logGroup: target.group,
        logRegion: target.region,
        logStreamName,
      });
    }
    has(logStreamName: string): boolean {
      return this.streams.some((s) => s.logStreamName === logStreamName);
    }
    list(): LogStreamRef[] {
      return [...this.streams].sort((a, b) => a.attempt - b.attempt);
    }
  }

  return { logTargets, logTarget, attemptTaskContainers, StreamList };
}
