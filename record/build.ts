/**
 * Building the job record: a "Batch Job State Change" event (or a DescribeJobs JobDetail) in, a
 * job record out, with its revision. No I/O, no clients, no `@pulumi/*`: the Lambda, the local twin
 * and `backfill` all build records with these functions.
 *
 * Field reference: docs/batch-events.md (where the log group, region and streams are for
 * each job kind). Every field is optional but `detail.jobId` and `detail.status`; a field that is
 * present with the wrong type is an error, an unknown field is ignored.
 *
 * Everything lives inside one factory, `recordBuilder()`, which the Lambda calls once per cold
 * start. Pulumi's closure serializer wraps every captured module-level function in a `with` block
 * that re-creates it on each call; functions created by a factory run as plain closures. The
 * factory also binds the globals it uses, so that no name is looked up through that `with` block
 * on every use. `record/index.ts` instantiates it once for everything else.
 */
import * as constants from "./constants";
import { jobIdParser } from "./job-id";
import type { AttemptRecord, JobRecord, LogStreamRef, Platform, RecordContext } from "./types";

/** A malformed event: names the event and what is wrong with it. */
export interface InvalidEventError extends Error {
  readonly name: "InvalidEventError";
  readonly eventId: string;
  readonly problem: string;
}

/** The envelope checked and split from its detail. */
export interface ParsedEvent {
  readonly eventId: string;
  readonly eventTime?: string;
  readonly region: string;
  readonly account?: string;
  readonly detail: Record<string, unknown>;
}

/** Where the main container and each named container of a job log to. */
interface LogTargets {
  readonly main: LogTarget;
  /** Named containers (multi-container jobs, node ranges with ecsProperties), in order. */
  readonly containers: readonly NamedContainer[];
  forContainer(name: string | undefined): LogTarget;
  isEssential(name: string | undefined): boolean;
}

/** A container of a job's definition (`ecsProperties`): its log target and whether it is essential. */
interface NamedContainer {
  readonly name?: string;
  readonly logStreamName?: string;
  readonly essential: boolean;
  readonly target: LogTarget;
}

/** Where a container's awslogs output goes, or which other driver took it. */
type LogTarget =
  | { readonly kind: "awslogs"; readonly group: string; readonly region: string }
  | { readonly kind: "other"; readonly driver: string };

interface TaskContainer {
  readonly name?: string;
  readonly logStreamName?: string;
  readonly exitCode?: number;
  readonly reason?: string;
  readonly taskArn?: string;
}

/** Typed access to event fields: null counts as absent; a wrong type throws InvalidEventError. */
interface FieldReader {
  fail(problem: string): never;
  object(value: unknown, path: string): Record<string, unknown> | undefined;
  objects(value: unknown, path: string): Record<string, unknown>[];
  array(value: unknown, path: string): unknown[] | undefined;
  /** An identifier: at most MAX_FIELD_LENGTH characters. */
  string(value: unknown, path: string): string | undefined;
  /** Free text (a reason): any length, cut later by `truncate`. */
  text(value: unknown, path: string): string | undefined;
  number(value: unknown, path: string): number | undefined;
  boolean(value: unknown, path: string): boolean | undefined;
}

/** The record-building functions; see the module comment for why they come from a factory. */
export function recordBuilder() {
  const { undefined, Object, Math, Number, Array, Date, Error, JSON, String } = globalThis;
  const { DEFAULT_LOG_GROUP, MAX_TEXT_LENGTH, MAX_FIELD_LENGTH, MAX_ATTEMPTS, MAX_LOG_STREAMS } =
    constants;
  const { STATUS_RANK, TERMINAL_STATUSES, EVENT_SOURCE, EVENT_DETAIL_TYPE } = constants;
  /** us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1, ... */
  const REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
  const ACCOUNT_ID = /^\d{12}$/;
  /** arn:PARTITION:batch:REGION:ACCOUNT:job/ID (service jobs: service-job/ID). */
  const JOB_ARN = /^arn:[a-z-]+:batch:([^:]*):([^:]*):[a-z-]*job\/(.+)$/;
  const { indexAfter, parentOf } = jobIdParser();

  /**
   * A plain Error, not a subclass: Pulumi's closure serializer turns `class extends Error` into a
   * function that calls `Error.call(this, message)`, which sets no message and no stack.
   */
  function invalidEventError(eventId: string, problem: string): InvalidEventError {
    return Object.assign(new Error(`Invalid Batch event ${eventId}: ${problem}`), {
      name: "InvalidEventError" as const,
      eventId,
      problem,
    });
  }

  function isInvalidEventError(error: unknown): error is InvalidEventError {
    return error instanceof Error && error.name === "InvalidEventError";
  }

  function isTerminalStatus(status: string): boolean {
    return TERMINAL_STATUSES.includes(status);
  }

  /** Checks an EventBridge envelope: an object from `aws.batch` of detail-type Batch Job State Change. */
  function parseBatchEvent(event: unknown): ParsedEvent {
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      throw invalidEventError("(no id)", `the event is ${describeValue(event)}, not a JSON object`);
    }
    const envelope = event as Record<string, unknown>;
    const id = envelope.id;
    const eventId = typeof id === "string" && id !== "" ? id : "(no id)";
    const read = fieldReader(eventId);
    if (eventId === "(no id)")
      read.fail(`"id" must be a non-empty string, got ${describeValue(id)}`);
    if (envelope.source !== EVENT_SOURCE) {
      read.fail(`"source" must be "${EVENT_SOURCE}", got ${describeValue(envelope.source)}`);
    }
    if (envelope["detail-type"] !== EVENT_DETAIL_TYPE) {
      read.fail(
        `"detail-type" must be "${EVENT_DETAIL_TYPE}", got ${describeValue(envelope["detail-type"])}`,
      );
    }
    const region = read.string(envelope.region, "region");
    if (!region || !REGION_NAME.test(region)) {
      read.fail(`"region" must be an AWS region name, got ${describeValue(envelope.region)}`);
    }
    const account = read.string(envelope.account, "account");
    if (account !== undefined && !ACCOUNT_ID.test(account)) {
      read.fail(`"account" must be a 12-digit AWS account id, got ${describeValue(account)}`);
    }
    const eventTime = read.string(envelope.time, "time");
    if (eventTime !== undefined && Number.isNaN(Date.parse(eventTime))) {
      read.fail(`"time" must be an ISO-8601 timestamp, got ${describeValue(eventTime)}`);
    }
    const detail = read.object(envelope.detail, "detail");
    if (!detail) read.fail(`"detail" must be an object, got ${describeValue(envelope.detail)}`);
    return {
      eventId,
      eventTime,
      region: region as string,
      account,
      detail: detail as Record<string, unknown>,
    };
  }

  /**
   * Defence in depth for a hub, whose table is keyed by job id alone: the job's ARN must name the
   * account and region of the event that carries it, and the job id, so that a member account
   * cannot overwrite another account's record by sending an event about it.
   */
  function checkJobArn(parsed: ParsedEvent, record: JobRecord): void {
    const read = fieldReader(parsed.eventId);
    if (record.jobArn === undefined) return;
    const arn = JOB_ARN.exec(record.jobArn);
    if (!arn) {
      return read.fail(
        `"detail.jobArn" must be a Batch job ARN, got ${describeValue(record.jobArn)}`,
      );
    }
    const [, arnRegion, arnAccount, arnJobId] = arn;
    const account = parsed.account ?? arnAccount;
    if (arnRegion !== parsed.region || arnAccount !== account) {
      return read.fail(
        `"detail.jobArn" must be of the account and region the event comes from ` +
          `(account ${account} in ${parsed.region}), got account ${arnAccount} in ${arnRegion}`,
      );
    }
    if (arnJobId !== record.jobId) {
      return read.fail(
        `"detail.jobArn" must be the ARN of "detail.jobId" (${record.jobId}), got job ${arnJobId}`,
      );
    }
  }

  /** The record an event yields: `parseBatchEvent` then `buildJobRecord`. */
  function recordFromEvent(
    event: unknown,
    options: { readonly retentionDays?: number; readonly now: Date },
  ): JobRecord {
    const parsed = parseBatchEvent(event);
    const record = buildJobRecord(parsed.detail, { ...parsed, ...options });
    checkJobArn(parsed, record);
    return record;
  }

  /**
   * Builds the record of one job from its detail (an event's `detail` or a DescribeJobs JobDetail).
   * Throws InvalidEventError naming the field when a field has the wrong type.
   */
  function buildJobRecord(detail: unknown, context: RecordContext): JobRecord {
    const read = fieldReader(context.eventId);
    const d = read.object(detail, "detail");
    if (!d) return read.fail(`"detail" must be an object, got ${describeValue(detail)}`);
    const jobId = read.string(d.jobId, "detail.jobId");
    if (!jobId)
      return read.fail(`"detail.jobId" must be a non-empty string, got ${describeValue(d.jobId)}`);
    const status = read.string(d.status, "detail.status");
    if (!status) {
      return read.fail(
        `"detail.status" must be a non-empty string, got ${describeValue(d.status)}`,
      );
    }

    const container = read.object(d.container, "detail.container");
    const nodeDetails = read.object(d.nodeDetails, "detail.nodeDetails");
    const nodeProperties = read.object(d.nodeProperties, "detail.nodeProperties");
    const arrayProperties = read.object(d.arrayProperties, "detail.arrayProperties");
    const eksProperties = read.object(d.eksProperties, "detail.eksProperties");
    const platformCapabilities = read.array(d.platformCapabilities, "detail.platformCapabilities");
    const attemptsIn = read.objects(d.attempts, "detail.attempts");
    const eksAttemptsIn = read.objects(d.eksAttempts, "detail.eksAttempts");
    const createdAt = read.number(d.createdAt, "detail.createdAt");
    const startedAt = read.number(d.startedAt, "detail.startedAt");
    const stoppedAt = read.number(d.stoppedAt, "detail.stoppedAt");
    // The attempt in progress (STARTING, RUNNING) is not in the attempt lists yet: its task, pod
    // and streams sit on the job itself. (Between attempts, a RUNNABLE job shows the previous task.)
    const inProgress = status === "STARTING" || status === "RUNNING";

    // Node jobs are `<id>#<node>` and array children `<parent>:<index>`, even when the detail
    // lacks nodeDetails or arrayProperties.index.
    const nodeIndex =
      read.number(nodeDetails?.nodeIndex, "detail.nodeDetails.nodeIndex") ?? indexAfter(jobId, "#");
    const isNode = nodeIndex !== undefined;
    const mainNode = read.number(nodeProperties?.mainNode, "detail.nodeProperties.mainNode");
    const node = isNode ? nodeIndex : mainNode;
    const targets = logTargets(read, d, container, nodeProperties, node, context.region);

    const streams = new StreamList();
    const attempts = ecsAttempts(read, attemptsIn, targets, streams);
    const ecsTasks = read.objects(
      read.object(d.ecsProperties, "detail.ecsProperties")?.taskProperties,
      "detail.ecsProperties.taskProperties",
    );
    const taskArn =
      read.string(container?.taskArn, "detail.container.taskArn") ??
      read.string(ecsTasks[0]?.taskArn, "detail.ecsProperties.taskProperties[0].taskArn");
    if (inProgress && taskArn && !attempts.some((a) => a.taskArn === taskArn)) {
      attempts.push(compact({ startedAt, taskArn }));
    }
    const current = isTerminalStatus(status)
      ? Math.max(attemptsIn.length, 1)
      : attemptsIn.length + 1;
    const jobStream = read.string(container?.logStreamName, "detail.container.logStreamName");
    if (jobStream && !streams.has(jobStream))
      streams.add(current, "default", targets.main, jobStream);
    for (const c of targets.containers) {
      if (c.logStreamName && !streams.has(c.logStreamName)) {
        streams.add(current, c.name ?? "default", c.target, c.logStreamName);
      }
    }
    const eks = eksAttempts(read, eksAttemptsIn, eksProperties, inProgress, startedAt);
    attempts.push(...eks.attempts);

    const logStreams = streams.list();
    const lastAttempt = logStreams.length > 0 ? logStreams[logStreams.length - 1].attempt : 0;
    const main = logStreams.find((s) => s.attempt === lastAttempt);
    const last = attempts[attempts.length - 1];
    const arrayIndex =
      read.number(arrayProperties?.index, "detail.arrayProperties.index") ??
      (isNode ? undefined : indexAfter(jobId, ":"));
    const eventTimeMs = context.eventTime === undefined ? undefined : Date.parse(context.eventTime);
    const attemptCount = Math.max(attemptsIn.length, eksAttemptsIn.length);

    return compact({
      jobId,
      jobArn: read.string(d.jobArn, "detail.jobArn"),
      jobName: read.string(d.jobName, "detail.jobName") || undefined,
      jobQueue: read.string(d.jobQueue, "detail.jobQueue"),
      jobDefinition: read.string(d.jobDefinition, "detail.jobDefinition"),
      status,
      statusReason: truncate(read.text(d.statusReason, "detail.statusReason")),
      reason: truncate(read.text(container?.reason, "detail.container.reason") ?? last?.reason),
      exitCode: read.number(container?.exitCode, "detail.container.exitCode") ?? last?.exitCode,
      createdAt,
      startedAt,
      stoppedAt,
      region: context.region,
      account: context.account,
      platform: platformOf(read, platformCapabilities, {
        eks: eksProperties !== undefined || eksAttemptsIn.length > 0,
        ec2Host: read.string(
          container?.containerInstanceArn,
          "detail.container.containerInstanceArn",
        ),
        ecs:
          container !== undefined || nodeProperties !== undefined || targets.containers.length > 0,
      }),
      isCancelled: read.boolean(d.isCancelled, "detail.isCancelled") || undefined,
      isTerminated: read.boolean(d.isTerminated, "detail.isTerminated") || undefined,
      logGroup: main?.logGroup,
      logRegion: main?.logRegion,
      logStreamName: main?.logStreamName,
      logDriver: targets.main.kind === "other" ? targets.main.driver : undefined,
      logStreams,
      attempts,
      eksClusterArn: eks.clusterArn,
      arraySize: read.number(arrayProperties?.size, "detail.arrayProperties.size"),
      arrayStatusSummary: statusSummary(read, arrayProperties?.statusSummary),
      arrayIndex,
      numNodes: isNode
        ? undefined
        : read.number(nodeProperties?.numNodes, "detail.nodeProperties.numNodes"),
      mainNode: isNode ? undefined : mainNode,
      nodeIndex,
      isMainNode: read.boolean(nodeDetails?.isMainNode, "detail.nodeDetails.isMainNode"),
      parentJobId: parentOf(jobId, arrayIndex !== undefined, isNode),
      eventId: context.eventId,
      eventTime: eventTimeMs,
      recordedAt: context.now.getTime(),
      expiresAt:
        context.retentionDays === undefined
          ? undefined
          : Math.floor((stoppedAt ?? createdAt ?? eventTimeMs ?? context.now.getTime()) / 1000) +
            context.retentionDays * 86400,
      revision: revisionOf(
        status,
        attemptCount,
        eventTimeMs ?? stoppedAt ?? startedAt ?? createdAt ?? 0,
        context.eventId === "",
      ),
    }) as JobRecord;
  }

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

  /** ECS attempts (`detail.attempts`): one record each, and their streams added to `streams`. */
  function ecsAttempts(
    read: FieldReader,
    attemptsIn: Record<string, unknown>[],
    targets: LogTargets,
    streams: StreamList,
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

  /**
   * A number that grows with the job's progress: terminal before anything else, then the number of
   * finished attempts, then the status, then (for non-terminal statuses) the event time in seconds.
   * An item is replaced only by a record with a greater revision (record/layout.ts), so duplicates
   * and any arrival order converge to the same job facts. A terminal event carries the complete
   * attempt list, so its time is left out: every terminal record of a job has the same revision,
   * whichever delivery it came from. A backfilled record (from DescribeJobs, no event) is one less
   * than the event's record of the same state, so that the event's replaces it and never the
   * other way round, with the one condition `revision < :revision`.
   */
  function revisionOf(
    status: string,
    attemptCount: number,
    timeMs: number,
    backfilled = false,
  ): number {
    const terminal = isTerminalStatus(status) ? 1 : 0;
    const attempts = Math.min(Math.max(Math.floor(attemptCount), 0), 99);
    const seconds = terminal ? 0 : Math.min(Math.max(Math.floor(timeMs / 1000), 0), 9_999_999_999);
    const revision =
      terminal * 1e13 + attempts * 1e11 + (STATUS_RANK[status] ?? 0) * 1e10 + seconds;
    return backfilled ? revision - 1 : revision;
  }

  /**
   * Cuts text longer than MAX_TEXT_LENGTH UTF-16 code units, saying how many were cut; never
   * between the two halves of a surrogate pair (an emoji), which would leave a string that is not
   * valid Unicode and so cannot be encoded as the UTF-8 DynamoDB stores.
   */
  function truncate(text: string | undefined): string | undefined {
    if (text === undefined || text.length <= MAX_TEXT_LENGTH) return text;
    const last = text.charCodeAt(MAX_TEXT_LENGTH - 1);
    const cut = last >= 0xd800 && last <= 0xdbff ? MAX_TEXT_LENGTH - 1 : MAX_TEXT_LENGTH;
    return `${text.slice(0, cut)} [truncated ${text.length - cut} characters]`;
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

  /** The first non-zero exit code of these containers, else the first exit code. */
  function exitCodeOf(containers: readonly { exitCode?: number }[]): number | undefined {
    const failing = containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0);
    return (failing ?? containers.find((c) => c.exitCode !== undefined))?.exitCode;
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

  function fieldReader(eventId: string): FieldReader {
    const fail = (problem: string): never => {
      throw invalidEventError(eventId, problem);
    };
    const wrong = (path: string, expected: string, value: unknown): never =>
      fail(`"${path}" must be ${expected}, got ${describeValue(value)}`);
    const reader: FieldReader = {
      fail,
      object: (value, path) =>
        value === undefined || value === null
          ? undefined
          : typeof value === "object" && !Array.isArray(value)
            ? (value as Record<string, unknown>)
            : wrong(path, "an object", value),
      array: (value, path) =>
        value === undefined || value === null
          ? undefined
          : Array.isArray(value)
            ? value
            : wrong(path, "an array", value),
      objects: (value, path) =>
        (reader.array(value, path) ?? []).map(
          (item, i) =>
            reader.object(item, `${path}[${i}]`) ?? wrong(`${path}[${i}]`, "an object", item),
        ),
      text: (value, path) =>
        value === undefined || value === null
          ? undefined
          : typeof value === "string"
            ? value
            : wrong(path, "a string", value),
      string: (value, path) => {
        const text = reader.text(value, path);
        return text === undefined || text.length <= MAX_FIELD_LENGTH
          ? text
          : wrong(path, `at most ${MAX_FIELD_LENGTH} characters`, value);
      },
      number: (value, path) =>
        value === undefined || value === null
          ? undefined
          : typeof value === "number" && Math.abs(value) <= Number.MAX_SAFE_INTEGER
            ? value
            : wrong(
                path,
                typeof value === "number" ? "a number within ±(2^53 - 1)" : "a number",
                value,
              ),
      boolean: (value, path) =>
        value === undefined || value === null
          ? undefined
          : typeof value === "boolean"
            ? value
            : wrong(path, "a boolean", value),
    };
    return reader;
  }

  /** A short, safe description of a value for error messages. */
  function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "string") {
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
    }
    if (typeof value === "object") return "an object";
    return `${typeof value} ${String(value)}`;
  }

  /** Drops undefined properties so records compare and marshal cleanly. */
  function compact<T extends object>(value: T): T {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
    return out as T;
  }

  return {
    invalidEventError,
    isInvalidEventError,
    isTerminalStatus,
    parseBatchEvent,
    recordFromEvent,
    buildJobRecord,
    revisionOf,
    truncate,
  };
}

export type RecordBuilder = ReturnType<typeof recordBuilder>;
