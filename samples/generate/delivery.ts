/**
 * How EventBridge delivers the jobs' events: at least once and in any order. Each job's events
 * arrive a little after their emission, some non-terminal ones after the terminal event, and
 * about 5% of the state changes twice (the same envelope, or the same detail under a new id).
 */
import { STATE_CHANGE, clone, isTerminal, toEnvelope, type BatchEvent } from "./envelope";
import type { PlannedJob } from "./jobs";
import type { Rng } from "./rng";

/** An envelope, when it arrives, and a tie-breaker that keeps equal times in planning order. */
export interface Delivery {
  event: BatchEvent;
  deliverAt: number;
  seq: number;
}

/** How a job's state-change events are delivered: in order, or one late after the terminal. */
export function deliver(rng: Rng, jobs: PlannedJob[]): Delivery[] {
  const out: Delivery[] = [];
  let seq = 0;
  const push = (event: BatchEvent, deliverAt: number) => out.push({ event, deliverAt, seq: seq++ });

  for (const job of jobs) {
    const ems = [...job.emissions].sort((a, b) => a.at - b.at);
    const times = ems.map((e) => e.at + rng.int(50, 1500));
    const terminalIdx = ems.findIndex(
      (e) => e.detailType === STATE_CHANGE && isTerminal(e.detail.status),
    );
    const candidates = ems
      .map((_e, i) => i)
      .filter((i) => i < terminalIdx && ems[i].detailType === STATE_CHANGE);
    if (terminalIdx > 0 && candidates.length > 0 && rng.chance(0.1)) {
      // Late delivery of the last (or the last two) non-terminal events.
      const late = candidates.slice(rng.chance(0.25) ? -2 : -1);
      for (const i of late) times[i] = times[terminalIdx] + rng.int(1000, 120_000);
    }
    ems.forEach((e, i) => push(toEnvelope(rng, e), times[i]));
  }

  // Duplicates of state-change events (~5% of them).
  const originals = out.filter((d) => d.event["detail-type"] === STATE_CHANGE);
  for (const d of originals) {
    if (!rng.chance(0.05)) continue;
    if (rng.chance(0.5)) {
      push(clone(d.event), d.deliverAt + rng.int(0, 8000));
    } else {
      const copy = clone(d.event);
      copy.id = rng.uuid();
      push(copy, d.deliverAt + rng.int(100, 30_000));
    }
  }
  return out;
}
