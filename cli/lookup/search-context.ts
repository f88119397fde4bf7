/**
 * `search -C N`: the N lines before and after each match, as `grep -C` prints them, read from the
 * match's stream with GetLogEvents (FilterLogEvents and Insights return the matches only).
 *
 * Per stream, from its first match: the N events before it (readTail, ending at the match's
 * time), then forward pages from the match's time, each event tested as search tests lines; a
 * match prints the lines held before it and opens N lines after it. When a page ends with no
 * line after a match still to print and the next match is later than that page, the read jumps
 * to it (N events before it, then forward again) instead of reading what lies between. The read
 * of a stream ends once it has printed as many matches as the search found in it and the lines
 * after the last. A group of lines that does not follow the one before is preceded by a gap.
 */
import type { OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import type { LogTarget } from "./log-access";
import { readPage, readTail, type LogCalls } from "./log-read";

/** A line to print: a match, or a line around one; `gap` when lines were left out before it. */
export interface ContextLine {
  readonly timestamp: number;
  readonly message: string;
  readonly match: boolean;
  readonly gap: boolean;
}

/** Events per forward page: enough for a few groups of context, little for a jump. */
function pageLimit(n: number): number {
  return Math.min(10_000, Math.max(100, 4 * (2 * n + 1)));
}

/**
 * The matches of one stream with N lines of context around each. `matches` are the times of the
 * search's matches in this stream (sorted): they say where to start, where to jump and when to
 * stop; `test` says which lines are matches.
 */
export async function linesAround(
  calls: LogCalls,
  target: LogTarget,
  logStreamName: string,
  matches: readonly number[],
  n: number,
  test: (message: string) => boolean,
): Promise<ContextLine[]> {
  const out: ContextLine[] = [];
  if (matches.length === 0) return out;
  let ring: OutputLogEvent[] = [];
  let after = 0;
  let printed = 0;
  let skipped = false;
  let last = -Infinity;

  const emit = (e: OutputLogEvent, match: boolean) => {
    out.push({
      timestamp: e.timestamp ?? 0,
      message: e.message ?? "",
      match,
      gap: skipped && out.length > 0,
    });
    skipped = false;
  };
  const take = (e: OutputLogEvent) => {
    last = Math.max(last, e.timestamp ?? 0);
    if (test(e.message ?? "")) {
      for (const held of ring) emit(held, false);
      ring = [];
      emit(e, true);
      printed++;
      after = n;
    } else if (after > 0) {
      emit(e, false);
      after--;
    } else {
      ring.push(e);
      if (ring.length > n) {
        ring.shift();
        skipped = true;
      }
    }
  };
  /** Holds the N events before `time` that were not read yet; starts reading at `time`. */
  const jumpTo = async (time: number) => {
    const before =
      n === 0
        ? []
        : (await readTail(calls, target, logStreamName, n, { endTime: time })).events.filter(
            (e) => (e.timestamp ?? 0) > last,
          );
    // Fewer than N new ones: nothing between the last line read and them was left out.
    if (n === 0 || before.length === n) skipped = true;
    ring = [...before];
  };

  await jumpTo(matches[0]);
  let token: string | undefined;
  let startTime: number | undefined = matches[0];
  for (;;) {
    const page = await readPage(calls, target, logStreamName, {
      token,
      startTime,
      limit: pageLimit(n),
    });
    for (const e of page.events) take(e);
    if (page.end || (printed >= matches.length && after === 0)) break;
    const next = matches[printed];
    if (after === 0 && next !== undefined && next > last) {
      await jumpTo(next);
      token = undefined;
      startTime = next;
    } else {
      token = page.token;
      startTime = undefined;
    }
  }
  return out;
}

/**
 * The same lines as linesAround, from events already read (a stream of the archive, in time
 * order): each line that `test` matches, with the N lines before and after it.
 */
export function contextOf(
  events: readonly { readonly timestamp: number; readonly message: string }[],
  n: number,
  test: (message: string) => boolean,
): ContextLine[] {
  const keep = new Set<number>();
  const matches = new Set<number>();
  events.forEach((e, i) => {
    if (!test(e.message)) return;
    matches.add(i);
    for (let j = Math.max(0, i - n); j <= Math.min(events.length - 1, i + n); j++) keep.add(j);
  });
  const out: ContextLine[] = [];
  let previous = -1;
  for (const i of [...keep].sort((a, b) => a - b)) {
    const { timestamp, message } = events[i];
    out.push({
      timestamp,
      message,
      match: matches.has(i),
      gap: out.length > 0 && i !== previous + 1,
    });
    previous = i;
  }
  return out;
}
