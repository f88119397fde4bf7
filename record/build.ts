/**
 * Building the job record: a "Batch Job State Change" event (or a DescribeJobs JobDetail) in, a
 * job record out, with its revision. No I/O, no clients, no `@pulumi/*`: the Lambda, the local twin
 * and `backfill` all build records with these functions.
 *
 * Field reference: docs/batch-events.md (where the log group, region and streams are for
 * each job kind). Every field is optional but `detail.jobId` and `detail.status`; a field that is
 * present with the wrong type is an error, an unknown field is ignored.
 *
 * Everything the Lambda runs lives inside factories, `recordBuilder()` composing the small ones
 * beside it (envelope.ts, field-reader.ts, log-targets.ts, attempts.ts), which the Lambda calls
 * once per cold start. Pulumi's closure serializer wraps every captured module-level function in a
 * `with` block that re-creates it on each call; functions created by a factory run as plain
 * closures. Each factory also binds the globals it uses, so that no name is looked up through
 * that `with` block on every use. `record/index.ts` instantiates them once for everything else.
 */
import { attemptReader } from "./attempts";
import * as constants from "./constants";
import { envelopeReader } from "./envelope";
import { fieldReading } from "./field-reader";
import { jobIdParser } from "./job-id";
import { logTargetReader } from "./log-targets";
import type { JobRecord, RecordContext } from "./types";

export type { InvalidEventError } from "./field-reader";
export type { ParsedEvent } from "./envelope";

/** The record-building functions; see the module comment for why they come from a factory. */
export function recordBuilder() {
  const { undefined, Math, Date } = globalThis;
  const { STATUS_RANK, TERMINAL_STATUSES } = constants;
  const { invalidEventError, isInvalidEventError, fieldReader, describeValue, truncate, compact } =
    fieldReading();
  const { parseBatchEvent, checkJobArn } = envelopeReader();
  const { logTargets, StreamList } = logTargetReader();
  const { ecsAttempts, eksAttempts, platformOf, statusSummary } = attemptReader();
  const { indexAfter, parentOf } = jobIdParser();

  function isTerminalStatus(status: string): boolean {
    return TERMINAL_STATUSES.includes(status);
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
