/**
 * The streams and attempts of a stored item (record/layout.ts): each stream as what differs from
 * the one before it, each attempt as what differs from the job, task ARNs in the job's cluster as
 * their short form (docs/record.md lists the rules). A factory, like the rest of what the Lambda
 * runs (record/build.ts says why): the layout calls it once.
 */
import * as constants from "./constants";
import { identifierLayout } from "./identifiers";
import type { AttemptRecord, JobRecord, LogStreamRef, StoredItem } from "./types";

/** Attempt fields omitted when they equal the job's own (usually those of the last attempt). */
export const SHARED_WITH_JOB = [
  "startedAt",
  "stoppedAt",
  "exitCode",
  "statusReason",
  "reason",
] as const;

export function attemptLayout() {
  const { undefined, Object, Array } = globalThis;
  const { DEFAULT_LOG_GROUP, DEFAULT_CONTAINER } = constants;
  const { shorten, lengthen, override, restore } = identifierLayout();
  const shared = SHARED_WITH_JOB;

  /**
   * Each stream as what differs from the one before it (the first from attempt 1 in
   * /aws/batch/job, in the job's region), its container unless `default`; a stream that differs
   * in nothing but its name is stored as the name alone. A name that ends in its attempt's ECS
   * task id (`<prefix>/<container>/<task id>`, as Batch names them) is stored as `<prefix>/`.
   */
  function compactStreams(
    streams: readonly LogStreamRef[],
    attempts: readonly AttemptRecord[],
    region: string,
  ): unknown[] {
    let previous: LogStreamRef | undefined;
    let logGroup = DEFAULT_LOG_GROUP;
    let logRegion = region;
    return streams.map((s) => {
      const c: StoredItem = {};
      if (s.attempt !== nextAttempt(previous, s.container)) c.attempt = s.attempt;
      if (s.container !== DEFAULT_CONTAINER) c.container = s.container;
      if (s.logGroup !== logGroup) c.logGroup = s.logGroup;
      if (s.logRegion !== logRegion) c.logRegion = s.logRegion;
      ({ logGroup, logRegion } = s);
      previous = s;
      const name = compactStreamName(s.logStreamName, s.container, attempts[s.attempt - 1]);
      if (Object.keys(c).length === 0) return name;
      c.logStreamName = name;
      return c;
    });
  }

  function expandStreams(
    stored: unknown,
    attempts: readonly AttemptRecord[],
    region: string,
  ): LogStreamRef[] {
    if (!Array.isArray(stored)) return [];
    let previous: LogStreamRef | undefined;
    let logGroup = DEFAULT_LOG_GROUP;
    let logRegion = region;
    return stored.map((entry: unknown): LogStreamRef => {
      const c = (typeof entry === "string" ? { logStreamName: entry } : entry) as StoredItem;
      const container = (c.container as string | undefined) ?? DEFAULT_CONTAINER;
      const s = {
        ...c,
        attempt: (c.attempt as number | undefined) ?? nextAttempt(previous, container),
        container,
        logGroup: (c.logGroup as string | undefined) ?? logGroup,
        logRegion: (c.logRegion as string | undefined) ?? logRegion,
      };
      ({ logGroup, logRegion } = s);
      const name = c.logStreamName as string;
      previous = {
        ...s,
        logStreamName: expandStreamName(name, s.container, attempts[s.attempt - 1]),
      };
      return previous;
    });
  }

  /**
   * The attempt a stream is assumed to belong to: the next one after a stream of the same
   * container (a retried job), the same as the stream before it otherwise (the containers of one
   * attempt), the first for the first stream.
   */
  function nextAttempt(previous: LogStreamRef | undefined, container: string): number {
    if (previous === undefined) return 1;
    return previous.container === container ? previous.attempt + 1 : previous.attempt;
  }

  /** The `/<container>/<task id>` a stream of this attempt ends with, when its task is known. */
  function streamSuffix(container: string, attempt: AttemptRecord | undefined): string | undefined {
    const taskArn = attempt?.taskArn;
    if (taskArn === undefined) return undefined;
    const taskId = taskArn.slice(taskArn.lastIndexOf("/") + 1);
    return taskId === "" ? undefined : `/${container}/${taskId}`;
  }

  /** `<prefix>/` for a name the attempt's task completes; else the name ("="-escaped if needed). */
  function compactStreamName(
    name: string,
    container: string,
    attempt: AttemptRecord | undefined,
  ): string {
    const suffix = streamSuffix(container, attempt);
    if (suffix !== undefined && name.length > suffix.length && name.endsWith(suffix)) {
      const prefix = name.slice(0, -suffix.length);
      if (!prefix.startsWith("=")) return prefix + "/";
    }
    return name.endsWith("/") || name.startsWith("=") ? "=" + name : name;
  }

  function expandStreamName(
    stored: string,
    container: string,
    attempt: AttemptRecord | undefined,
  ): string {
    if (stored.startsWith("=")) return stored.slice(1);
    if (!stored.endsWith("/")) return stored;
    return stored.slice(0, -1) + (streamSuffix(container, attempt) ?? "");
  }

  function compactAttempt(
    attempt: AttemptRecord,
    record: JobRecord,
    taskPrefix: string | undefined,
    previousTask: string | undefined,
  ): StoredItem {
    const c: StoredItem = {};
    for (const [name, value] of Object.entries(attempt)) {
      if (value !== undefined) c[name] = value;
    }
    for (const name of shared) {
      delete c[name];
      override(c, name, attempt[name], record[name]);
    }
    if (attempt.taskArn !== undefined) {
      c.taskArn = compactTaskArn(attempt.taskArn, taskPrefix, previousTask);
    }
    return c;
  }

  function expandAttempt(
    stored: StoredItem,
    record: StoredItem,
    taskPrefix: string | undefined,
    previousTask: string | undefined,
  ): AttemptRecord {
    const a: StoredItem = {};
    for (const [name, value] of Object.entries(stored)) {
      if (value !== null) a[name] = value;
    }
    for (const name of shared) {
      const value = restore(stored, name, record[name]);
      if (value === undefined) delete a[name];
      else a[name] = value;
    }
    if (stored.taskArn !== undefined) {
      a.taskArn = expandTaskArn(stored.taskArn as string, taskPrefix, previousTask);
    }
    return a as AttemptRecord;
  }

  /** `<cluster>/` of a shortened task ARN (`<cluster>/<task id>`), if it has one. */
  function sameClusterPart(previousTask: string | undefined, taskPrefix: string | undefined) {
    if (previousTask === undefined) return undefined;
    const short = shorten(previousTask, taskPrefix);
    const at = short.lastIndexOf("/");
    return at > 0 && !/^(arn:|=)/.test(short) ? short.slice(0, at + 1) : undefined;
  }

  /** A task ARN, shortened; `/<task id>` when it runs in the cluster of the attempt before. */
  function compactTaskArn(
    taskArn: string,
    taskPrefix: string | undefined,
    previousTask: string | undefined,
  ): string {
    const short = shorten(taskArn, taskPrefix);
    const cluster = sameClusterPart(previousTask, taskPrefix);
    if (cluster !== undefined && short.length > cluster.length && short.startsWith(cluster)) {
      return "/" + short.slice(cluster.length);
    }
    return short;
  }

  function expandTaskArn(
    stored: string,
    taskPrefix: string | undefined,
    previousTask: string | undefined,
  ): string | undefined {
    const cluster = stored.startsWith("/") ? sameClusterPart(previousTask, taskPrefix) : undefined;
    return lengthen(cluster === undefined ? stored : cluster + stored.slice(1), taskPrefix);
  }

  return { compactStreams, expandStreams, compactAttempt, expandAttempt };
}
