/**
 * The hub sample (samples/hub-events.jsonl): a few jobs of the sample as if they had run in
 * several accounts and regions and reached one hub, for `replay --stack hub` (Pulumi.hub.yaml
 * accepts 210987654321 and the organization o-a1b2c3d4e5). Each job is taken whole, every event of
 * it, and moved to one origin by rewriting its account and region wherever they appear (the
 * envelope, ARNs, image URIs, awslogs-region). Job ids stay unique: each job goes to one origin.
 */
import { ACCOUNT, REGION, type BatchEvent } from "./envelope";

export interface Origin {
  readonly account: string;
  readonly region: string;
  /** What Pulumi.hub.yaml's bus policy makes of it. */
  readonly why: string;
}

/** Where the hub sample's jobs ran, in turn. */
export const HUB_ORIGINS: readonly Origin[] = [
  { account: ACCOUNT, region: REGION, why: "the hub's own account and region: its default bus" },
  { account: ACCOUNT, region: "eu-west-1", why: "the hub's account in another region" },
  { account: "210987654321", region: "us-west-2", why: "an account named in acceptFrom" },
  {
    account: "345678901234",
    region: "eu-west-1",
    why: "a member of o-a1b2c3d4e5 (replay --org 345678901234=o-a1b2c3d4e5), else refused",
  },
  { account: "999999999999", region: "ap-southeast-2", why: "an account the hub does not accept" },
];

/** Jobs per origin. */
export const HUB_JOBS_PER_ORIGIN = 4;

/** Jobs with more events than this (large arrays) are left out: the file stays short. */
const MAX_EVENTS_PER_JOB = 12;

/** The hub sample from the sample's events, in their delivery order. */
export function hubSampleEvents(events: readonly BatchEvent[]): BatchEvent[] {
  const byJob = new Map<string, BatchEvent[]>();
  for (const event of events) {
    const jobId = event.detail.jobId;
    if (typeof jobId !== "string") continue;
    const root = jobId.split(/[:#]/)[0];
    byJob.set(root, [...(byJob.get(root) ?? []), event]);
  }
  const chosen = [...byJob.entries()]
    .filter(([, jobEvents]) => jobEvents.length <= MAX_EVENTS_PER_JOB)
    .slice(0, HUB_ORIGINS.length * HUB_JOBS_PER_ORIGIN);
  const originOf = new Map(chosen.map(([root], i) => [root, HUB_ORIGINS[i % HUB_ORIGINS.length]]));
  return events.flatMap((event) => {
    const jobId = event.detail.jobId;
    const origin = typeof jobId === "string" ? originOf.get(jobId.split(/[:#]/)[0]) : undefined;
    return origin ? [movedTo(event, origin)] : [];
  });
}

function movedTo(event: BatchEvent, origin: Origin): BatchEvent {
  const text = JSON.stringify(event)
    .replaceAll(ACCOUNT, origin.account)
    .replaceAll(REGION, origin.region);
  return JSON.parse(text) as BatchEvent;
}
