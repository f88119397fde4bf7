/**
 * Deterministic sample workload of AWS Batch: the EventBridge events of ~340 jobs
 * (samples/events.jsonl) and what those jobs printed to CloudWatch Logs (samples/logs.jsonl).
 * No dependencies, no clock, no Math.random: the same seed always gives the same output
 * (deep-equal, and byte-equal once serialised).
 *
 * API (only this module is stable):
 *
 *   generateSampleEvents(seed = 1): { events: BatchEvent[]; facts: SampleFacts }
 *
 *   - `events` are full EventBridge envelopes in delivery order (what a target would receive,
 *     one per invocation): the "Batch Job State Change" events of every job, interleaved across
 *     jobs, plus delivery effects (duplicates with the same envelope, duplicates with the same
 *     detail but a new envelope id, non-terminal events delivered after the terminal one) and a
 *     few events that the rule must skip ("Batch Job Queue Blocked", "Batch Service Job State
 *     Change", a source other than aws.batch).
 *   - `facts` are exact counts for that seed, computed from `events` (see SampleFacts).
 *   - Times start at SAMPLE_EPOCH_MS (2026-11-01T00:00:00Z) and only move forward from there.
 *
 *   generateSampleLogs(seed = 1): SampleLogEntry[]
 *
 *   What the same jobs printed, one entry per line of logs.jsonl, either a log group's settings
 *   (first) or a log stream with its events:
 *
 *     {"logGroupName":"/ecs/fargate-report","region":"us-east-1","retentionInDays":14}
 *     {"logGroupName":"/aws/batch/job","region":"us-east-1",
 *      "logStreamName":"nightly-etl/default/<task id>",
 *      "events":[{"timestamp":1793491200123,"message":"INFO etl.run: starting ..."}, ...]}
 *
 *   - Every stream a job ran in has an entry: each attempt that started (retries), each
 *     container of a multi-container job, each node of a multi-node job (the parent's stream is
 *     its main node's), each array child. Timestamps are epoch ms strictly inside the attempt's
 *     run window (its startedAt and stoppedAt in the events), strictly ascending.
 *   - No entry for a stream that was never created (a DockerTimeoutError attempt names one), for
 *     jobs that never ran (cancelled, image pull failure), logged with another driver or ran on
 *     EKS, nor for the streams of /ecs/fargate-report: its 14-day retention has expired them.
 *   - Each stream's lines come from a generator seeded from the seed and the stream name, so
 *     that the events do not depend on what jobs print.
 *
 *   hubSampleEvents(events): samples/hub-events.jsonl, a few of those jobs moved to other
 *   accounts and regions, for `replay --stack hub` (hub.ts).
 *
 *   toJsonl(items): one JSON.stringify per line, "\n" after each.
 *
 * CLI: `npm run samples -- [eventsFile] [seed] [logsFile]` writes both files (the generator is
 * not in the build output; scripts/run-ts.cjs runs this file); eventsFile defaults to
 * samples/events.jsonl under the current directory, seed to 1, logsFile to logs.jsonl next to
 * eventsFile; hub-events.jsonl is written next to eventsFile. The committed samples/*.jsonl are
 * seed 1, written by `npm run samples` from the repository's root.
 *
 * Layout: planner.ts (the table: one row per kind of job, its count and how its spec varies),
 * kinds/ (one module per kind: its events and what its jobs print), logs.ts (streams to
 * logs.jsonl entries), delivery.ts (EventBridge's delivery effects), facts.ts (the counts),
 * and the building blocks rng.ts, envelope.ts, job-detail.ts, job-definitions.ts, queues.ts,
 * log-configs.ts. The format and what the sample holds: docs/samples.md.
 */
import * as fs from "fs";
import * as path from "path";
import { deliver } from "./delivery";
import type { BatchEvent } from "./envelope";
import { computeFacts, type SampleFacts } from "./facts";
import { hubSampleEvents } from "./hub";
import type { JobKind } from "./jobs";
import { skippableEvents } from "./kinds/skippable";
import { sampleLogs, type SampleLogEntry } from "./logs";
import { planJobs } from "./planner";
import { Rng } from "./rng";
import { planStillRunning } from "./still-running";

export { SAMPLE_EPOCH_MS, type BatchEvent } from "./envelope";
export type { SampleFacts } from "./facts";
export { HUB_JOBS_PER_ORIGIN, HUB_ORIGINS, hubSampleEvents } from "./hub";
export { JOB_KINDS, type JobKind } from "./jobs";
export type { LogEvent, LogGroupEntry, LogStreamEntry, SampleLogEntry } from "./logs";

/**
 * The workload of a seed: its jobs with their deliveries, then the jobs still running at its end
 * (still-running.ts: a generator of their own, so that they change nothing else).
 */
function workload(seed: number) {
  const rng = new Rng(seed);
  const jobs = planJobs(rng);
  const deliveries = deliver(rng, jobs);
  const end = Math.max(...deliveries.map((d) => d.deliverAt));
  return { rng, jobs, deliveries, end, running: planStillRunning(seed, end) };
}

export function generateSampleEvents(seed = 1): { events: BatchEvent[]; facts: SampleFacts } {
  const { rng, jobs, deliveries, end, running } = workload(seed);
  deliveries.push(...skippableEvents(rng, jobs, end));
  const seq = deliveries.length;
  deliveries.push(
    ...deliver(new Rng((seed ^ 0x5eed_0002) >>> 0), running).map((d) => ({
      ...d,
      seq: seq + d.seq,
    })),
  );
  deliveries.sort((a, b) => a.deliverAt - b.deliverAt || a.seq - b.seq);
  const events = deliveries.map((d) => d.event);
  const kinds = new Map([...jobs, ...running].map((j) => [j.jobId, j.kind] as [string, JobKind]));
  return { events, facts: computeFacts(seed, events, kinds) };
}

/** What the jobs of `generateSampleEvents(seed)` printed: logs.jsonl's entries. */
export function generateSampleLogs(seed = 1): SampleLogEntry[] {
  const { jobs, running } = workload(seed);
  return sampleLogs(
    seed,
    [...jobs, ...running].flatMap((j) => j.runs),
  );
}

/** One JSON document per line, each followed by "\n". */
export function toJsonl(items: readonly unknown[]): string {
  return items.map((item) => JSON.stringify(item) + "\n").join("");
}

if (require.main === module) {
  const eventsFile = process.argv[2] ?? path.join("samples", "events.jsonl");
  const seed = process.argv[3] === undefined ? 1 : Number(process.argv[3]);
  const logsFile = process.argv[4] ?? path.join(path.dirname(eventsFile), "logs.jsonl");
  const { events, facts } = generateSampleEvents(seed);
  const logs = generateSampleLogs(seed);
  fs.writeFileSync(eventsFile, toJsonl(events));
  fs.writeFileSync(logsFile, toJsonl(logs));
  const hubFile = path.join(path.dirname(eventsFile), "hub-events.jsonl");
  const hubEvents = hubSampleEvents(events);
  fs.writeFileSync(hubFile, toJsonl(hubEvents));
  process.stdout.write(`${eventsFile}: ${JSON.stringify(facts)}\n`);
  process.stdout.write(`${logsFile}: ${logs.length} entries\n`);
  process.stdout.write(`${hubFile}: ${hubEvents.length} events\n`);
}
