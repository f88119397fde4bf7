/**
 * The sample's log lines (logs.jsonl): what each container printed to its CloudWatch stream.
 * A kind module (kinds/) hands over one LogRun per stream its jobs wrote to, with the attempt's
 * run window and a printer; this module draws the lines and their timestamps from a generator
 * of the stream's own (seeded from the seed and the stream name, so the events never shift),
 * leaves out the streams of the expired group and declares that group's retention.
 */
import { EXPIRED_LOG_GROUP, type LogDestination } from "./log-configs";
import { Rng, seedFor } from "./rng";

export interface LogEvent {
  /** Epoch milliseconds, within the attempt's run window. */
  timestamp: number;
  message: string;
}

/** A log stream and everything it holds, events in ascending time. */
export interface LogStreamEntry {
  logGroupName: string;
  region: string;
  logStreamName: string;
  events: LogEvent[];
}

/** A log group's settings. */
export interface LogGroupEntry {
  logGroupName: string;
  region: string;
  retentionInDays: number;
}

/** One line of logs.jsonl. */
export type SampleLogEntry = LogGroupEntry | LogStreamEntry;

/** What a container printed, in order; a list of lines is printed at once (a stack trace). */
export type Output = (string | string[])[];

/** A stream a container wrote to during one attempt. */
export interface LogRun extends LogDestination {
  logStreamName: string;
  /** The attempt's run window (epoch ms): every line falls strictly inside it. */
  startedAt: number;
  stoppedAt: number;
  /** A job still running when the sample ends: only its lines up to this time. */
  cutAt?: number;
  print: (rng: Rng) => Output;
}

/** How many progress lines a run of `ms` prints: one per `msPerLine`, within [min, max]. */
export function lineCount(ms: number, msPerLine: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(ms / msPerLine)));
}

/**
 * Timestamps for `output`: the first entry shortly after the container started, the last shortly
 * before it stopped, the others spread between with some jitter; the lines of one entry 1 ms
 * apart. Strictly ascending.
 */
function stamp(rng: Rng, run: LogRun, output: Output): LogEvent[] {
  const from = run.startedAt + rng.int(200, 3000);
  const to = run.stoppedAt - rng.int(100, 2000);
  const gaps = output.map((_entry, i) => (i === 0 ? 0 : 0.5 + rng.next()));
  const total = gaps.reduce((a, b) => a + b, 0);
  const events: LogEvent[] = [];
  let elapsed = 0;
  let last = run.startedAt;
  output.forEach((entry, i) => {
    elapsed += gaps[i];
    const at = total === 0 ? from : from + Math.round(((to - from) * elapsed) / total);
    for (const message of typeof entry === "string" ? [entry] : entry) {
      last = Math.max(at, last + 1);
      events.push({ timestamp: last, message });
    }
  });
  return events;
}

/** logs.jsonl's entries: the expired group's settings, then every other stream, in run order. */
export function sampleLogs(seed: number, runs: readonly LogRun[]): SampleLogEntry[] {
  const expired = (run: LogRun) =>
    run.logGroupName === EXPIRED_LOG_GROUP.logGroupName && run.region === EXPIRED_LOG_GROUP.region;
  return [
    { ...EXPIRED_LOG_GROUP },
    ...runs
      .filter((run) => !expired(run))
      .map((run): LogStreamEntry => {
        const rng = new Rng(seedFor(seed, run.logStreamName));
        return {
          logGroupName: run.logGroupName,
          region: run.region,
          logStreamName: run.logStreamName,
          events: stamp(rng, run, run.print(rng)).filter(
            (e) => run.cutAt === undefined || e.timestamp <= run.cutAt,
          ),
        };
      }),
  ];
}
