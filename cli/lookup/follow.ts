/**
 * `logs --follow`: prints a job's stream to its end, then what comes next, until the job has
 * ended and its stream is drained (or Ctrl-C). New events come from CloudWatch Logs Live Tail
 * (StartLiveTail on the group's ARN and the stream) when the caller may use it; when it is denied
 * or unavailable (AccessDenied, an endpoint that does not serve it, such as a local one), from
 * polling GetLogEvents from the last token, without a word about it. Between polls (every
 * --interval) the record is read again: a retried job moves on to its new attempt's stream once
 * the old one is drained; a job whose record is terminal ends after a poll that brings nothing
 * new. Live Tail has no token: when a tail stops, the stream is read from the last token and what
 * the tail printed already is skipped (same timestamp and message).
 * With --tail N a stream is first read from its end (its last N events, then on from there); with
 * --until nothing at or after that time is printed, and the follow ends once it has passed.
 */
import type { LiveTailSessionLogEvent, OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { isTerminalStatus, type JobRecord, type LogStreamRef } from "../../record";
import { EXIT_OK } from "../io";
import { isMissingStream, LookupError } from "./errors";
import type { LogTarget } from "./log-access";
import { groupRef, header, jobPrefix, printEvent, type LogsRun } from "./log-output";
import { beforeEnd, readPage, readTail, whyMissing } from "./log-read";
import { attemptCount, chooseStream } from "./streams";
import type { FoundJob, JobFinder } from "./jobs";
import type { ChildSummary } from "./table";

const logsSdk = (): typeof import("@aws-sdk/client-cloudwatch-logs") =>
  require("@aws-sdk/client-cloudwatch-logs");

export interface FollowOptions {
  /** --attempt: stay on that attempt (no moving on to a retry). */
  readonly attempt?: number;
  /** --all-attempts: print the earlier attempts first; prefix every line with its attempt. */
  readonly allAttempts: boolean;
  readonly container?: string;
  readonly pollMs: number;
  readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted by SIGINT. */
  readonly stop: AbortController;
  /** The prefix of a stream's lines (default: `[aN] ` with allAttempts, as --prefix says). */
  readonly prefix?: (stream: LogStreamRef) => string;
}

/** The events printed at the newest timestamp, to skip them when read again. */
class Printed {
  last = -Infinity;
  private readonly atLast = new Map<string, number>();

  /** Records an event printed by the tail. */
  add(e: { timestamp?: number; message?: string }): void {
    const t = e.timestamp ?? 0;
    if (t > this.last) {
      this.last = t;
      this.atLast.clear();
    }
    if (t === this.last)
      this.atLast.set(e.message ?? "", (this.atLast.get(e.message ?? "") ?? 0) + 1);
  }

  /** True when the tail printed this event already (consumes it). */
  seen(e: OutputLogEvent): boolean {
    const t = e.timestamp ?? 0;
    if (t < this.last) return true;
    if (t > this.last) return false;
    const n = this.atLast.get(e.message ?? "") ?? 0;
    if (n === 0) return false;
    this.atLast.set(e.message ?? "", n - 1);
    return true;
  }
}

interface Followed {
  stream: LogStreamRef;
  target: LogTarget;
  token?: string;
  /** False until the stream exists (a job that has not started has none yet). */
  found: boolean;
  /** What a Live Tail printed since the last read by token. */
  tailed?: Printed;
}

/** Where a followed job is read again: the table, then Batch (cli/lookup/jobs.ts). */
export interface JobSource {
  get(jobId: string): Promise<JobRecord>;
}

export async function followJob(
  run: LogsRun,
  table: JobSource,
  first: JobRecord,
  options: FollowOptions,
): Promise<number> {
  const { stop } = options;
  const onSigint = () => stop.abort();
  process.on("SIGINT", onSigint);
  try {
    return await follow(run, table, first, options);
  } catch (error) {
    if (stop.signal.aborted) return EXIT_OK;
    throw error;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

async function follow(
  run: LogsRun,
  table: JobSource,
  first: JobRecord,
  options: FollowOptions,
): Promise<number> {
  const { signal } = options.stop;
  let record = first;
  const prefix = (s: LogStreamRef) => {
    if (run.json || run.prefix === "never") return "";
    if (options.prefix) return options.prefix(s);
    if (options.allAttempts) return `[a${s.attempt}] `;
    return run.prefix === "always" ? jobPrefix(record) : "";
  };
  /** --until has passed: what is left is read once more, then the follow ends. */
  const ended = () => run.endTime !== undefined && run.now() >= run.endTime;
  const tags = (s: LogStreamRef) => (options.allAttempts ? { attempt: s.attempt } : undefined);

  /** The stream to follow now: --attempt's, else the latest attempt's; undefined before any. */
  const current = (r: JobRecord): LogStreamRef | undefined => {
    try {
      const { stream, notes } = chooseStream(r, options.attempt, options.container);
      if (r === first) for (const note of notes) run.io.stderr.write(`note: ${note}\n`);
      return stream;
    } catch (error) {
      if (error instanceof LookupError && !isTerminalStatus(r.status) && attemptCount(r) === 0) {
        return undefined;
      }
      throw error;
    }
  };
  const open = async (stream: LogStreamRef): Promise<Followed> => {
    run.io.stderr.write(header(stream));
    return {
      stream,
      target: await run.access.target(groupRef(record, stream)),
      found: false,
    };
  };
  /**
   * Reads from the token to the end (with --tail, first the stream's last N events and the token
   * after them); resolves to the number of events printed.
   */
  const drain = async (f: Followed): Promise<number> => {
    let printed = 0;
    for (;;) {
      let page;
      try {
        if (run.tail !== undefined && !f.found) {
          const window = { startTime: run.startTime, endTime: run.endTime };
          const last = await readTail(
            run.calls,
            f.target,
            f.stream.logStreamName,
            run.tail,
            window,
            signal,
          );
          page = { events: last.events, token: last.token, end: true };
        } else {
          page = await readPage(
            run.calls,
            f.target,
            f.stream.logStreamName,
            { token: f.token, startTime: run.startTime, endTime: run.endTime },
            signal,
          );
        }
      } catch (error) {
        // Not created yet: a job starting up; one that has ended never will be.
        if (isMissingStream(error) && !isTerminalStatus(record.status)) return printed;
        if (isMissingStream(error)) {
          throw new LookupError(await whyMissing(run.calls, f.target, record, f.stream, run.now()));
        }
        throw error;
      }
      f.found = true;
      for (const event of page.events) {
        if (f.tailed?.seen(event)) continue;
        printEvent(run, event, prefix(f.stream), tags(f.stream));
        printed++;
      }
      f.token = page.token;
      if (page.end) {
        f.tailed = undefined;
        return printed;
      }
    }
  };

  if (options.allAttempts) {
    const last = current(record)?.attempt ?? 0;
    for (let n = 1; n < last; n++) {
      const earlier = record.logStreams.find((s) => s.attempt === n);
      try {
        if (earlier) await drain(await open(earlier));
      } catch (error) {
        // An earlier attempt without its stream is said; the later ones are still followed.
        if (!(error instanceof LookupError)) throw error;
        run.io.stderr.write(`note: [a${n}] ${error.message}\n`);
      }
    }
  }
  let stream = current(record);
  if (stream === undefined) {
    run.io.stderr.write(
      `note: waiting for job ${record.jobId} to start (status ${record.status}).\n`,
    );
  }
  while (stream === undefined) {
    await options.wait(options.pollMs, signal);
    if (signal.aborted || ended()) return EXIT_OK;
    record = await table.get(record.jobId);
    stream = current(record);
  }
  const print = (s: LogStreamRef) => (e: OutputLogEvent) => {
    if (beforeEnd(e, run.endTime)) printEvent(run, e, prefix(s), tags(s));
  };
  let f = await open(stream);
  await drain(f);
  let tail = await startTail(f, signal, print(f.stream));

  for (;;) {
    await options.wait(options.pollMs, signal);
    if (signal.aborted) return EXIT_OK;
    if (ended()) {
      await tail?.close();
      await drain(f);
      return EXIT_OK;
    }
    record = await table.get(record.jobId);
    const terminal = isTerminalStatus(record.status);
    const latest = current(record);
    if (latest && latest.attempt !== f.stream.attempt) {
      // Retried: drain the old attempt's stream, then follow the new one from its start.
      await tail?.close();
      await drain(f);
      f = await open(latest);
      await drain(f);
      tail = terminal ? undefined : await startTail(f, signal, print(f.stream));
      continue;
    }
    if (tail && !tail.failed() && !terminal) continue;
    if (tail) {
      await tail.close();
      tail = undefined;
    }
    // Drained, and the record said the job had ended before this poll: nothing more can come.
    if ((await drain(f)) === 0 && terminal) return EXIT_OK;
  }
}

interface Tail {
  /** True once the session ended or broke: polling takes over. */
  failed(): boolean;
  /** Stops the session and waits until nothing more is printed. */
  close(): Promise<void>;
}

/**
 * A Live Tail session on the followed stream, printing what it brings; undefined when
 * StartLiveTail is refused or not served (then the caller polls, and says nothing of it).
 */
async function startTail(
  f: Followed,
  signal: AbortSignal,
  print: (event: OutputLogEvent) => void,
): Promise<Tail | undefined> {
  const abort = new AbortController();
  const onStop = () => abort.abort();
  signal.addEventListener("abort", onStop, { once: true });
  let stream: AsyncIterable<Record<string, unknown>> | undefined;
  try {
    const out = await f.target.client.send(
      new (logsSdk().StartLiveTailCommand)({
        logGroupIdentifiers: [f.target.arn],
        logStreamNames: [f.stream.logStreamName],
      }),
      { abortSignal: abort.signal },
    );
    stream = out.responseStream as AsyncIterable<Record<string, unknown>> | undefined;
  } catch {
    // Denied (AccessDeniedException) or not served (a local endpoint): poll instead.
  }
  if (!stream) {
    signal.removeEventListener("abort", onStop);
    return undefined;
  }
  const printed = new Printed();
  f.tailed = printed;
  let broken = false;
  const done = (async () => {
    try {
      for await (const event of stream) {
        const update = event.sessionUpdate as
          { sessionResults?: LiveTailSessionLogEvent[] } | undefined;
        for (const e of update?.sessionResults ?? []) {
          if (e.logStreamName !== undefined && e.logStreamName !== f.stream.logStreamName) continue;
          print(e);
          printed.add(e);
        }
      }
    } catch {
      // The session timed out or broke: polling from the last token takes over.
    }
    broken = true;
  })();
  return {
    failed: () => broken,
    async close() {
      abort.abort();
      await done;
      signal.removeEventListener("abort", onStop);
    },
  };
}

/** A child that has started (or ended): it may have a stream to follow. */
const STARTED = new Set(["STARTING", "RUNNING", "SUCCEEDED", "FAILED"]);

export interface ParentFollowOptions extends FollowOptions {
  /** The children to follow among those listed (--failed, --index). */
  readonly pick: (children: readonly ChildSummary[]) => readonly ChildSummary[];
  /** A child's prefix (`[3] `, `node 2 `). */
  readonly label: (child: ChildSummary) => string;
}

/**
 * `logs -f PARENT`: follows the children (or nodes) of an array or multi-node job as they start,
 * each with its own follower (as `followJob`) and its prefix, listing them again every poll
 * (from the table, and from Batch while the parent runs), until the parent has ended and every
 * child followed has been drained. A child without a stream is said in a note.
 */
export async function followParent(
  run: LogsRun,
  finder: JobFinder,
  parent: FoundJob,
  options: ParentFollowOptions,
): Promise<number> {
  const { signal } = options.stop;
  const followed = new Set<string>();
  const followers: Promise<number>[] = [];
  let current = parent;
  for (;;) {
    const ended = isTerminalStatus(current.record.status);
    for (const child of options.pick(await finder.children(current))) {
      if (followed.has(child.jobId) || !STARTED.has(child.status)) continue;
      followed.add(child.jobId);
      const label = options.label(child);
      const prefix = () => (run.json || run.prefix === "never" ? "" : label);
      followers.push(
        finder
          .get(child.jobId)
          .then((record) => followJob(run, finder, record, { ...options, prefix }))
          .catch((error: unknown) => {
            if (!(error instanceof LookupError)) throw error;
            run.io.stderr.write(`note: ${label}${error.message}\n`);
            return EXIT_OK;
          }),
      );
    }
    if (ended) break;
    if (followed.size === 0 && current === parent) {
      run.io.stderr.write(
        `note: waiting for the children of job ${parent.record.jobId} to start (status ${parent.record.status}).\n`,
      );
    }
    await options.wait(options.pollMs, signal);
    if (signal.aborted) break;
    current = await finder.byId(parent.record.jobId);
  }
  return Math.max(EXIT_OK, ...(await Promise.all(followers)));
}
