/**
 * Deterministic sample workload of AWS Batch EventBridge events (no dependencies, no clock, no
 * Math.random).
 *
 * Stable API:
 *
 *   generateSampleEvents(seed = 1): { events: BatchEvent[]; facts: SampleFacts }
 *
 *   - `events` are full EventBridge envelopes in delivery order (what a target would receive,
 *     one per invocation): the "Batch Job State Change" events of ~340 jobs, interleaved across
 *     jobs, plus delivery effects (duplicates with the same envelope, duplicates with the same
 *     detail but a new envelope id, non-terminal events delivered after the terminal one) and a
 *     few events that the rule must skip ("Batch Job Queue Blocked", "Batch Service Job State
 *     Change", a source other than aws.batch).
 *   - `facts` are exact counts for that seed, computed from `events` (see SampleFacts).
 *
 *   The same seed always gives the same output (deep-equal, and byte-equal once serialised).
 *   Times start at SAMPLE_EPOCH_MS (2026-11-01T00:00:00Z) and only move forward from there.
 *
 * CLI: `node dist/samples/generate/index.js [outFile] [seed]` writes one JSON event per line
 * (JSON.stringify of each element of `events`, "\n" after each) to outFile, by default
 * `samples/events.jsonl` under the current directory. The committed samples/events.jsonl is
 * `generateSampleEvents(1)` written this way.
 *
 * Layout: planner.ts (the table of job kinds), kinds/ (one module per kind of job: its spec and
 * events), delivery.ts (EventBridge's delivery effects), facts.ts (the counts), and the shared
 * building blocks rng.ts, envelope.ts, job-detail.ts, job-definitions.ts, queues.ts,
 * log-configs.ts. Only this module is the stable API.
 */
import * as fs from "fs";
import * as path from "path";
import { deliver } from "./delivery";
import type { BatchEvent } from "./envelope";
import { computeFacts, type SampleFacts } from "./facts";
import type { JobKind } from "./jobs";
import { skippableEvents } from "./kinds/skippable";
import { planJobs } from "./planner";
import { Rng } from "./rng";

export { SAMPLE_EPOCH_MS, type BatchEvent } from "./envelope";
export type { SampleFacts } from "./facts";
export { JOB_KINDS, type JobKind } from "./jobs";

export function generateSampleEvents(seed = 1): { events: BatchEvent[]; facts: SampleFacts } {
  const rng = new Rng(seed);
  const jobs = planJobs(rng);
  const deliveries = deliver(rng, jobs);
  const end = Math.max(...deliveries.map((d) => d.deliverAt));
  deliveries.push(...skippableEvents(rng, jobs, end));
  deliveries.sort((a, b) => a.deliverAt - b.deliverAt || a.seq - b.seq);
  const events = deliveries.map((d) => d.event);
  const kinds = new Map(jobs.map((j) => [j.jobId, j.kind] as [string, JobKind]));
  return { events, facts: computeFacts(seed, events, kinds) };
}

export function toJsonl(events: BatchEvent[]): string {
  return events.map((e) => JSON.stringify(e) + "\n").join("");
}

if (require.main === module) {
  const out = process.argv[2] ?? path.join("samples", "events.jsonl");
  const seed = process.argv[3] === undefined ? 1 : Number(process.argv[3]);
  const { events, facts } = generateSampleEvents(seed);
  fs.writeFileSync(out, toJsonl(events));
  process.stdout.write(`${out}: ${JSON.stringify(facts)}\n`);
}
