/**
 * Reading CloudWatch Logs for `logs` and `search`, within the service's request quotas:
 * - LogCalls: every call of a command goes through one limiter (at most LOGS_CONCURRENCY in
 *   flight) and, when CloudWatch Logs throttles (ThrottlingException, LimitExceededException),
 *   is retried after a full-jitter exponential backoff, on top of the SDK's own adaptive retry;
 *   a call still throttled after THROTTLE_RETRIES fails the command (a line is never dropped).
 *   Access denied becomes one line naming the action, the group's ARN and, for another account,
 *   the two ways to set it up;
 * - streamPages: one stream's GetLogEvents pages, until the forward token repeats, or past
 *   --until;
 * - readTail: a stream's last N events (backward pages), and the token to read on from;
 * - mergeByTimestamp: a k-way merge of many streams' pages by timestamp, holding at most two
 *   pages per stream (the one being merged and the next one, fetched ahead);
 * - whyMissing: why a stream the record names does not exist, with DescribeLogGroups' facts.
 */
import type { GetLogEventsCommandOutput, OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import type { JobRecord, LogStreamRef } from "../../record";
import { LookupError, missingStreamReason, type GroupFacts } from "./errors";
import { AssumeRoleError, type LogTarget } from "./log-access";

const logsSdk = (): typeof import("@aws-sdk/client-cloudwatch-logs") =>
  require("@aws-sdk/client-cloudwatch-logs");

/**
 * CloudWatch Logs calls in flight at once, per command. GetLogEvents' default quota is 25
 * requests a second per account and region (FilterLogEvents' lower): 8 concurrent calls of a
 * few hundred milliseconds each stay near it, and the adaptive retry slows down below it.
 */
export const LOGS_CONCURRENCY = 8;
/** Retries of a throttled call after the SDK's own, each after a longer jittered wait. */
export const THROTTLE_RETRIES = 10;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 20_000;

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "LimitExceededException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has((error as { name?: string } | undefined)?.name ?? "");
}

function isAccessDenied(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? "";
  return name === "AccessDeniedException" || name === "AccessDenied";
}

export interface LogCallOptions {
  /** Waits `ms` (resolves early on abort). */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly signal: AbortSignal;
  /** In [0, 1): the jitter. */
  readonly random?: () => number;
}

/** At most `size` tasks at once; the others wait their turn, first come first served. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** The calls of one command: bounded, retried on throttling, access denied explained. */
export class LogCalls {
  private readonly limiter: Limiter;

  constructor(private readonly options: LogCallOptions) {
    this.limiter = new Limiter(LOGS_CONCURRENCY);
  }

  /** Runs `send` (an `action` on `target`) when a place is free. */
  async run<T>(target: LogTarget, action: string, send: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await this.limiter.run(send);
      } catch (error) {
        if (isAccessDenied(error) || error instanceof AssumeRoleError) {
          throw new LookupError(accessDeniedMessage(target, action, error));
        }
        if (!isThrottling(error) || this.options.signal.aborted) throw error;
        if (retry >= THROTTLE_RETRIES) {
          throw new LookupError(
            `CloudWatch Logs still throttles ${action} on ${target.arn} after ${THROTTLE_RETRIES} ` +
              `retries; stopped rather than skip lines: run again later, or on fewer streams.`,
          );
        }
      }
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
      await this.options.sleep(
        Math.floor((this.options.random ?? Math.random)() * ceiling),
        this.options.signal,
      );
    }
  }
}

/**
 * Access denied on a log group: the action, the group's ARN, and for a group of another account
 * which account and the two ways to read it.
 */
export function accessDeniedMessage(target: LogTarget, action: string, error: unknown): string {
  const account = target.ref.account;
  const why = (error as Error | undefined)?.message ?? String(error);
  if (error instanceof AssumeRoleError) {
    return (
      `cannot assume ${error.roleArn} to read log group ${target.arn} of account ${error.account}: ` +
      `${why}; the role's trust policy must let ${target.callerAccount ? `account ${target.callerAccount}` : "the caller"} call sts:AssumeRole.`
    );
  }
  switch (target.way) {
    case "role":
      return (
        `access denied: role ${target.roleArn} in account ${account} may not ${action} on ` +
        `${target.arn}: give it ${action} on that log group (${why})`
      );
    case "arn":
      return (
        `access denied: ${action} on ${target.arn}, a log group of account ${account}, from ` +
        `account ${target.callerAccount}. Either make ${target.callerAccount} a CloudWatch ` +
        `cross-account observability monitoring account that ${account} shares its log groups ` +
        `with, or pass --role-arn 'arn:aws:iam::{account}:role/NAME' naming a role in ${account} ` +
        `that ${target.callerAccount} may assume and that allows ${action} (${why})`
      );
    default:
      return `access denied: the caller needs ${action} on ${target.arn} (${why})`;
  }
}

export interface StreamPage {
  readonly events: readonly OutputLogEvent[];
  /** The token to read on from; equal to the one sent when the stream had nothing more. */
  readonly token: string | undefined;
  /** True when this page is the stream's end for now. */
  readonly end: boolean;
}

export interface PageQuery {
  /** Continue from this token; the first page without one. */
  readonly token?: string;
  /** The first page only: from this time (epoch ms). */
  readonly startTime?: number;
  /** Before this time (epoch ms, excluded): sent with every page, and checked here too. */
  readonly endTime?: number;
  /** Events per page (GetLogEvents' default and maximum 10,000). */
  readonly limit?: number;
}

/** The most events one GetLogEvents page holds. */
export const MAX_PAGE_EVENTS = 10_000;

/** True when `event` is before `endTime` (none: every event is). */
export function beforeEnd(event: { readonly timestamp?: number }, endTime?: number): boolean {
  return endTime === undefined || (event.timestamp ?? 0) < endTime;
}

/** One GetLogEvents page of a stream. */
export async function readPage(
  calls: LogCalls,
  target: LogTarget,
  logStreamName: string,
  query: PageQuery,
  abortSignal?: AbortSignal,
): Promise<StreamPage> {
  const out: GetLogEventsCommandOutput = await calls.run(target, "logs:GetLogEvents", () =>
    target.client.send(
      new (logsSdk().GetLogEventsCommand)({
        ...target.group,
        logStreamName,
        startFromHead: true,
        ...(query.token === undefined && query.startTime !== undefined
          ? { startTime: query.startTime }
          : {}),
        ...(query.endTime === undefined ? {} : { endTime: query.endTime }),
        ...(query.token === undefined ? {} : { nextToken: query.token }),
        ...(query.limit === undefined ? {} : { limit: query.limit }),
      }),
      { abortSignal },
    ),
  );
  const next = out.nextForwardToken;
  const events = out.events ?? [];
  const kept = events.filter((e) => beforeEnd(e, query.endTime));
  // Past --until: nothing after this page can be printed.
  const past = kept.length < events.length;
  const drained = next === undefined || next === query.token;
  return { events: kept, token: drained ? query.token : next, end: drained || past };
}

/** A stream's last events, oldest first, and the forward token to read what comes after them. */
export interface StreamTail {
  readonly events: readonly OutputLogEvent[];
  /** Reads on after the newest event (GetLogEvents' nextForwardToken of the newest page). */
  readonly token: string | undefined;
}

/**
 * The last `count` events of a stream in [startTime, endTime): GetLogEvents from the end
 * (startFromHead false), then backward pages by nextBackwardToken until `count` are in or the
 * token repeats (the stream's start).
 */
export async function readTail(
  calls: LogCalls,
  target: LogTarget,
  logStreamName: string,
  count: number,
  query: Pick<PageQuery, "startTime" | "endTime">,
  abortSignal?: AbortSignal,
): Promise<StreamTail> {
  const pages: OutputLogEvent[][] = [];
  let held = 0;
  let forward: string | undefined;
  let backward: string | undefined;
  while (held < count) {
    const out: GetLogEventsCommandOutput = await calls.run(target, "logs:GetLogEvents", () =>
      target.client.send(
        new (logsSdk().GetLogEventsCommand)({
          ...target.group,
          logStreamName,
          startFromHead: false,
          limit: Math.min(MAX_PAGE_EVENTS, count - held),
          ...(query.startTime === undefined ? {} : { startTime: query.startTime }),
          ...(query.endTime === undefined ? {} : { endTime: query.endTime }),
          ...(backward === undefined ? {} : { nextToken: backward }),
        }),
        { abortSignal },
      ),
    );
    if (backward === undefined) forward = out.nextForwardToken;
    const events = (out.events ?? []).filter(
      (e) =>
        beforeEnd(e, query.endTime) &&
        (query.startTime === undefined || (e.timestamp ?? 0) >= query.startTime),
    );
    pages.unshift(events);
    held += events.length;
    const next = out.nextBackwardToken;
    if ((out.events ?? []).length === 0 || next === undefined || next === backward) break;
    backward = next;
  }
  return { events: pages.flat().slice(-count), token: forward };
}

/** Every page of a stream, until the token repeats (empty pages are skipped). */
export async function* streamPages(
  calls: LogCalls,
  target: LogTarget,
  logStreamName: string,
  query: Omit<PageQuery, "token">,
): AsyncGenerator<readonly OutputLogEvent[]> {
  let token: string | undefined;
  for (;;) {
    const page = await readPage(calls, target, logStreamName, { ...query, token });
    if (page.events.length > 0) yield page.events;
    if (page.end) return;
    token = page.token;
  }
}

/** Events per page when merging `streams` streams: all of them together hold about 200,000. */
export function mergePageLimit(streams: number): number {
  return Math.max(100, Math.min(10_000, Math.floor(200_000 / Math.max(1, streams))));
}

interface Cursor<T> {
  readonly index: number;
  readonly pages: AsyncIterator<readonly T[]>;
  page: readonly T[];
  at: number;
  /** The next page, asked for as soon as the current one is taken. */
  ahead?: Promise<IteratorResult<readonly T[]>>;
}

/**
 * The events of every source in timestamp order (ties: the source listed first), as
 * `[source index, event]`. Each source is an iterator of pages in timestamp order; a source's
 * next page is fetched while its current one is merged, so at most two pages per source are held.
 * Nothing is yielded before every source's first page is in (`onOpened` counts them).
 */
export async function* mergeByTimestamp<T extends { readonly timestamp?: number }>(
  sources: readonly AsyncIterator<readonly T[]>[],
  onOpened?: (opened: number, total: number) => void,
): AsyncGenerator<readonly [number, T]> {
  const ask = (c: Cursor<T>) => {
    c.ahead = c.pages.next();
    // Awaited later; a rejection before that is not unhandled.
    c.ahead.catch(() => undefined);
  };
  /** Moves the cursor to its next non-empty page; false when the source is done. */
  const advance = async (c: Cursor<T>): Promise<boolean> => {
    for (;;) {
      const result = await (c.ahead as Promise<IteratorResult<readonly T[]>>);
      if (result.done) return false;
      ask(c);
      if (result.value.length > 0) {
        c.page = result.value;
        c.at = 0;
        return true;
      }
    }
  };
  const cursors: Cursor<T>[] = sources.map((pages, index) => ({ index, pages, page: [], at: 0 }));
  cursors.forEach(ask);
  const heap = new CursorHeap<T>();
  let opened = 0;
  await Promise.all(
    cursors.map(async (c) => {
      if (await advance(c)) heap.push(c);
      onOpened?.(++opened, cursors.length);
    }),
  );
  for (;;) {
    const c = heap.pop();
    if (!c) return;
    yield [c.index, c.page[c.at]] as const;
    c.at++;
    if (c.at < c.page.length || (await advance(c))) heap.push(c);
  }
}

/** A binary min-heap of cursors by their current event's timestamp, then source index. */
class CursorHeap<T extends { readonly timestamp?: number }> {
  private readonly items: Cursor<T>[] = [];

  private less(a: Cursor<T>, b: Cursor<T>): boolean {
    const ta = a.page[a.at].timestamp ?? 0;
    const tb = b.page[b.at].timestamp ?? 0;
    return ta < tb || (ta === tb && a.index < b.index);
  }

  push(c: Cursor<T>): void {
    const items = this.items;
    items.push(c);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Cursor<T> | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(items[l], items[m])) m = l;
        if (r < items.length && this.less(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}

/** The group's facts (DescribeLogGroups by name prefix, the exact name picked out). */
export async function describeGroup(
  calls: LogCalls,
  target: LogTarget,
): Promise<GroupFacts | undefined> {
  const name = target.ref.logGroup;
  let nextToken: string | undefined;
  do {
    const out = await calls.run(target, "logs:DescribeLogGroups", () =>
      target.client.send(
        new (logsSdk().DescribeLogGroupsCommand)({
          logGroupNamePrefix: name,
          ...(target.way === "arn" && target.ref.account
            ? { accountIdentifiers: [target.ref.account], includeLinkedAccounts: true }
            : {}),
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    );
    const found = out?.logGroups?.find((g) => g.logGroupName === name);
    if (found) {
      return {
        retentionInDays: found.retentionInDays,
        storedBytes: found.storedBytes,
        creationTime: found.creationTime,
      };
    }
    nextToken = out?.nextToken;
  } while (nextToken);
  return undefined;
}

/**
 * Why `stream` of `record` does not exist, as one line (errors.ts `missingStreamReason`), asking
 * DescribeLogGroups only when the record alone cannot tell.
 */
export async function whyMissing(
  calls: LogCalls,
  target: LogTarget,
  record: JobRecord,
  stream: LogStreamRef,
  now: number,
): Promise<string> {
  const attempt = record.attempts?.[stream.attempt - 1];
  const local = target.local;
  const known =
    (attempt !== undefined && attempt.startedAt === undefined) || (local && !local.exists);
  const group = known ? undefined : await describeGroup(calls, target);
  return missingStreamReason(record, stream, {
    group: known ? "unasked" : (group ?? "missing"),
    account: target.ref.account,
    local,
    now,
  });
}
