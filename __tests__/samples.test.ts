// The sample workload (samples/generate/) is deterministic, matches the committed
// samples/events.jsonl and samples/logs.jsonl byte for byte, covers every job kind and carries
// the delivery effects (duplicates, out-of-order) its facts claim. The counts are recomputed
// here independently; which streams logs.jsonl must hold is derived from the handler's records
// of the terminal events.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { recordFromEvent } from "../record";
import {
  BatchEvent,
  JOB_KINDS,
  JobKind,
  LogGroupEntry,
  LogStreamEntry,
  SAMPLE_EPOCH_MS,
  SampleFacts,
  generateSampleEvents,
  generateSampleLogs,
  HUB_JOBS_PER_ORIGIN,
  HUB_ORIGINS,
  hubSampleEvents,
  toJsonl,
} from "../samples/generate";

const JSONL = path.join(__dirname, "..", "samples", "events.jsonl");
const LOGS_JSONL = path.join(__dirname, "..", "samples", "logs.jsonl");
const FIXTURES = path.join(__dirname, "fixtures", "events");

interface Detail {
  jobId: string;
  jobArn?: string;
  status: string;
  statusReason?: string;
  attempts?: unknown[];
  container?: {
    reason?: string;
    logConfiguration?: { logDriver: string; options?: Record<string, string> };
  };
  nodeProperties?: { numNodes?: number; nodeRangeProperties: { ecsProperties?: unknown }[] };
  arrayProperties?: { size?: number; index?: number };
  eksProperties?: unknown;
  ecsProperties?: unknown;
  isCancelled?: boolean;
  isTerminated?: boolean;
  platformCapabilities?: string[];
  createdAt?: number;
}

const detail = (e: BatchEvent) => e.detail as unknown as Detail;
const isStateChange = (e: BatchEvent) =>
  e.source === "aws.batch" && e["detail-type"] === "Batch Job State Change";
const isTerminal = (status: string) => status === "SUCCEEDED" || status === "FAILED";

/** Recognises a job's kind from the shape of its terminal event alone. */
function classify(e: BatchEvent): JobKind {
  const d = detail(e);
  if (d.jobId.includes("#")) return "multinode-node";
  if (d.nodeProperties) {
    return d.nodeProperties.nodeRangeProperties.some((r) => r.ecsProperties)
      ? "multinode-parent-taskproperties"
      : "multinode-parent";
  }
  if (d.arrayProperties?.size !== undefined) return "array-parent";
  if (d.arrayProperties?.index !== undefined) return "array-child";
  if (d.eksProperties) return "eks";
  if (d.ecsProperties) return "multi-container";
  if (!d.jobArn) return "old-no-jobarn";
  if (d.isCancelled) return "cancelled-in-queue";
  const c = d.container ?? {};
  if (d.statusReason === "Task failed to start") {
    return c.reason?.startsWith("DockerTimeoutError") ? "docker-timeout" : "image-pull-failure";
  }
  if (d.isTerminated) return "terminated";
  if (d.statusReason === "Job attempt duration exceeded timeout") return "timed-out";
  if (c.reason?.startsWith("OutOfMemoryError")) return "oom";
  const log = c.logConfiguration;
  if (log && log.logDriver !== "awslogs") return "non-awslogs-driver";
  const group = log?.options?.["awslogs-group"];
  const region = log?.options?.["awslogs-region"];
  if ((group && group !== "/aws/batch/job") || (region && region !== e.region)) {
    return "custom-log-group";
  }
  if ((d.attempts ?? []).length >= 2) return "retried";
  if (d.platformCapabilities?.includes("FARGATE")) return "fargate";
  return "ec2-single";
}

/** First terminal state-change event of each job, in delivery order. */
function terminalEvents(events: BatchEvent[]): Map<string, BatchEvent> {
  const out = new Map<string, BatchEvent>();
  for (const e of events) {
    const d = detail(e);
    if (isStateChange(e) && isTerminal(d.status) && !out.has(d.jobId)) out.set(d.jobId, e);
  }
  return out;
}

const STATUS_ORDER = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"];

/**
 * Each job's last state: its first terminal event, or for a job still running when the sample
 * ends, its most advanced state (the last delivered of it).
 */
function lastEvents(events: BatchEvent[]): Map<string, BatchEvent> {
  const ended = terminalEvents(events);
  const out = new Map(ended);
  const rank = (e: BatchEvent) => STATUS_ORDER.indexOf(detail(e).status);
  for (const e of events) {
    const d = detail(e);
    if (!isStateChange(e) || ended.has(d.jobId)) continue;
    const kept = out.get(d.jobId);
    if (!kept || rank(e) >= rank(kept)) out.set(d.jobId, e);
  }
  return out;
}

/** A job's kind from its last state: "still-running" when it has not ended. */
const kindOf = (e: BatchEvent): JobKind =>
  isTerminal(detail(e).status) ? classify(e) : "still-running";

function recount(events: BatchEvent[]) {
  const jobs = new Set<string>();
  const terminal = new Map<string, string>();
  const envelopes = new Set<string>();
  const details = new Set<string>();
  const afterTerminal = new Set<string>();
  const outOfOrder = new Set<string>();
  let identical = 0;
  let newEnvelopeId = 0;
  for (const e of events) {
    if (!isStateChange(e)) continue;
    const d = detail(e);
    jobs.add(d.jobId);
    const envelopeKey = JSON.stringify(e);
    const detailKey = JSON.stringify(e.detail);
    if (envelopes.has(envelopeKey)) identical++;
    else if (details.has(detailKey)) newEnvelopeId++;
    envelopes.add(envelopeKey);
    details.add(detailKey);
    if (isTerminal(d.status)) {
      terminal.set(d.jobId, d.status);
      afterTerminal.add(d.jobId);
    } else if (afterTerminal.has(d.jobId)) {
      outOfOrder.add(d.jobId);
    }
  }
  const terminalByStatus = { SUCCEEDED: 0, FAILED: 0 };
  for (const s of terminal.values()) terminalByStatus[s as "SUCCEEDED" | "FAILED"]++;
  const stateChanges = events.filter(isStateChange).length;
  return {
    jobs: jobs.size,
    events: events.length,
    skippable: events.length - stateChanges,
    stateChanges,
    terminalByStatus,
    duplicates: { identical, newEnvelopeId },
    outOfOrderJobs: outOfOrder.size,
  };
}

const sample = generateSampleEvents();
const { events, facts } = sample;

describe("generateSampleEvents", () => {
  it("is deterministic, and the seed matters", () => {
    const again = generateSampleEvents(1);
    expect(again).toEqual(sample);
    expect(toJsonl(again.events)).toBe(toJsonl(events));
    const other = generateSampleEvents(2);
    expect(other.events[0].id).not.toBe(events[0].id);
    expect(other.facts.seed).toBe(2);
  });

  it("matches the committed samples/events.jsonl byte for byte", () => {
    const text = fs.readFileSync(JSONL, "utf8");
    const expected = toJsonl(events);
    const lines = text.split("\n");
    const want = expected.split("\n");
    expect(lines.length).toBe(want.length);
    const firstDiff = want.findIndex((line, i) => line !== lines[i]);
    expect(firstDiff).toBe(-1);
    expect(text === expected).toBe(true);
  });

  it("moves whole jobs of the sample to each hub origin in samples/hub-events.jsonl, byte for byte", () => {
    // Prepare
    const hubEvents = hubSampleEvents(events);
    const rootOf = (e: { detail: Record<string, unknown> }) =>
      String(e.detail.jobId).split(/[:#]/)[0];

    // Assess: the committed file is what the generator writes.
    expect(fs.readFileSync(path.join(path.dirname(JSONL), "hub-events.jsonl"), "utf8")).toBe(
      toJsonl(hubEvents),
    );
    // Every origin has its jobs, each job one origin, with every event the sample has of it.
    const originsByJob = new Map<string, Set<string>>();
    for (const e of hubEvents) {
      const origins = originsByJob.get(rootOf(e)) ?? new Set();
      originsByJob.set(rootOf(e), origins.add(`${e.account} ${e.region}`));
    }
    expect([...originsByJob.values()].every((o) => o.size === 1)).toBe(true);
    const perOrigin = new Map<string, number>();
    for (const [origin] of originsByJob.values()) {
      perOrigin.set(origin, (perOrigin.get(origin) ?? 0) + 1);
    }
    expect(perOrigin).toEqual(
      new Map(HUB_ORIGINS.map((o) => [`${o.account} ${o.region}`, HUB_JOBS_PER_ORIGIN])),
    );
    for (const root of originsByJob.keys()) {
      const inSample = events.filter((e) => rootOf(e) === root).length;
      expect([root, hubEvents.filter((e) => rootOf(e) === root).length]).toEqual([root, inSample]);
    }
    // Nothing of the sample's account or region is left in a moved job.
    for (const e of hubEvents.filter((h) => h.account !== "123456789012")) {
      expect(JSON.stringify(e)).not.toContain("123456789012");
    }
    for (const e of hubEvents.filter((h) => h.region !== "us-east-1")) {
      expect(JSON.stringify(e)).not.toContain("us-east-1");
    }
  });

  it("reports facts that a recount of the events agrees with", () => {
    const r = recount(events);
    expect(facts.seed).toBe(1);
    expect(facts.jobs).toBe(r.jobs);
    expect(facts.events).toBe(r.events);
    expect(facts.skippable).toBe(r.skippable);
    expect(facts.terminalByStatus).toEqual(r.terminalByStatus);
    expect(facts.duplicates).toEqual(r.duplicates);
    expect(facts.outOfOrderJobs).toBe(r.outOfOrderJobs);
    expect(facts.terminalByStatus.SUCCEEDED + facts.terminalByStatus.FAILED).toBe(
      facts.jobs - facts.jobsByKind["still-running"],
    );
  });

  it("has the pinned counts for seed 1", () => {
    const pinned: SampleFacts = {
      seed: 1,
      jobs: 356,
      events: 1666,
      skippable: 9,
      terminalByStatus: { SUCCEEDED: 268, FAILED: 79 },
      jobsByKind: {
        "ec2-single": 90,
        fargate: 40,
        retried: 30,
        "custom-log-group": 20,
        "non-awslogs-driver": 12,
        "array-parent": 8,
        "array-child": 51,
        "multinode-parent": 3,
        "multinode-parent-taskproperties": 3,
        "multinode-node": 17,
        "multi-container": 15,
        eks: 15,
        "cancelled-in-queue": 8,
        "image-pull-failure": 6,
        "docker-timeout": 4,
        terminated: 6,
        "timed-out": 6,
        oom: 8,
        "old-no-jobarn": 5,
        "still-running": 9,
      },
      duplicates: { identical: 34, newEnvelopeId: 37 },
      outOfOrderJobs: 32,
    };
    expect(facts).toEqual(pinned);
  });

  it("every line parses into a well-formed envelope with detail.jobId", () => {
    const lines = fs.readFileSync(JSONL, "utf8").trimEnd().split("\n");
    expect(lines.length).toBe(facts.events);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const line of lines) {
      const e = JSON.parse(line) as BatchEvent;
      expect(e.version).toBe("0");
      expect(e.id).toMatch(uuid);
      expect(e.account).toMatch(/^\d{12}$/);
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(e.time)).toBeGreaterThanOrEqual(SAMPLE_EPOCH_MS);
      expect(e.region).toBe("us-east-1");
      expect(Array.isArray(e.resources)).toBe(true);
      expect(typeof e.detail.jobId).toBe("string");
      expect(typeof e.detail.status).toBe("string");
      if (e.source === "aws.batch") {
        expect(e.resources[0]).toMatch(/^arn:aws:batch:us-east-1:\d{12}:(service-)?job\//);
      }
    }
  });

  it("gives envelope ids that are unique except for identical redeliveries", () => {
    const byId = new Map<string, string>();
    for (const e of events) {
      const json = JSON.stringify(e);
      const seen = byId.get(e.id);
      if (seen !== undefined) expect(seen).toBe(json);
      byId.set(e.id, json);
    }
    expect(events.length - byId.size).toBe(facts.duplicates.identical);
  });

  it("covers every job kind, with the counts the facts claim", () => {
    const counts = Object.fromEntries(JOB_KINDS.map((k) => [k, 0])) as Record<JobKind, number>;
    for (const e of lastEvents(events).values()) counts[kindOf(e)]++;
    expect(counts).toEqual(facts.jobsByKind);
    for (const kind of JOB_KINDS) expect(counts[kind]).toBeGreaterThan(0);
  });

  it("ends every job but those still running exactly once, SUCCEEDED or FAILED, never both", () => {
    const statuses = new Map<string, Set<string>>();
    for (const e of events.filter(isStateChange)) {
      const d = detail(e);
      if (!isTerminal(d.status)) continue;
      if (!statuses.has(d.jobId)) statuses.set(d.jobId, new Set());
      statuses.get(d.jobId)?.add(d.status);
    }
    expect(statuses.size).toBe(facts.jobs - facts.jobsByKind["still-running"]);
    for (const s of statuses.values()) expect(s.size).toBe(1);
  });

  it("links array children and node jobs to parents present in the sample", () => {
    const ids = new Set(events.filter(isStateChange).map((e) => detail(e).jobId));
    for (const id of ids) {
      const parent = id.match(/^(.*)[:#]\d+$/)?.[1];
      if (parent) expect(ids.has(parent)).toBe(true);
    }
    const terminals = terminalEvents(events);
    for (const [id, e] of terminals) {
      const size = detail(e).arrayProperties?.size;
      if (size === undefined) continue;
      for (let i = 0; i < size; i++) expect(terminals.has(`${id}:${i}`)).toBe(true);
    }
  });

  it("carries the delivery effects it claims, in realistic proportions", () => {
    const r = recount(events);
    const dups = r.duplicates.identical + r.duplicates.newEnvelopeId;
    expect(r.duplicates.identical).toBeGreaterThan(0);
    expect(r.duplicates.newEnvelopeId).toBeGreaterThan(0);
    expect(dups / (r.stateChanges - dups)).toBeGreaterThan(0.03);
    expect(dups / (r.stateChanges - dups)).toBeLessThan(0.07);
    expect(r.outOfOrderJobs / r.jobs).toBeGreaterThan(0.05);
    expect(r.outOfOrderJobs / r.jobs).toBeLessThan(0.15);
    // Jobs are interleaved: the first 50 deliveries touch many different jobs.
    const firstJobs = new Set(events.slice(0, 50).map((e) => detail(e).jobId));
    expect(firstJobs.size).toBeGreaterThan(10);
  });

  it("includes each kind of event the rule must skip", () => {
    const skipped = events.filter((e) => !isStateChange(e));
    expect(skipped.length).toBe(facts.skippable);
    const types = new Set(skipped.map((e) => `${e.source} ${e["detail-type"]}`));
    expect(types).toEqual(
      new Set([
        "aws.batch Batch Job Queue Blocked",
        "aws.batch Batch Service Job State Change",
        "com.example.batch-audit Batch Job State Change",
      ]),
    );
  });
});

describe("generateSampleLogs and samples/logs.jsonl", () => {
  const logs = generateSampleLogs(1);
  const streams = logs.filter((l): l is LogStreamEntry => "logStreamName" in l);
  const settings = logs.filter((l): l is LogGroupEntry => !("logStreamName" in l));
  const key = (region: string, group: string, stream: string) => `${region} ${group} ${stream}`;
  const entries = new Map(streams.map((s) => [key(s.region, s.logGroupName, s.logStreamName), s]));
  const EXPIRED = { logGroupName: "/ecs/fargate-report", region: "us-east-1", retentionInDays: 14 };

  /** Every stream a job's last record names, with its job, kind and attempt. */
  const named = [...lastEvents(events).values()].flatMap((e) => {
    const record = recordFromEvent(e, { now: new Date(SAMPLE_EPOCH_MS) });
    return (record.logStreams ?? []).map((ref) => ({
      record,
      kind: kindOf(e),
      ref,
      key: key(ref.logRegion, ref.logGroup, ref.logStreamName),
      attempt: record.attempts[ref.attempt - 1],
    }));
  });
  const ran = named.filter((n) => n.attempt?.startedAt !== undefined);
  const neverCreated = named.filter((n) => n.attempt?.startedAt === undefined);
  const isExpired = (n: (typeof named)[number]) =>
    n.ref.logGroup === EXPIRED.logGroupName && n.ref.logRegion === EXPIRED.region;
  /** The named streams logs.jsonl holds (a main node's stream twice: node and parent). */
  const logged = () => named.filter((n) => entries.has(n.key));
  const messages = (n: (typeof named)[number]) =>
    entries.get(n.key)?.events.map((e) => e.message) ?? [];

  it("matches the committed samples/logs.jsonl byte for byte", () => {
    const text = fs.readFileSync(LOGS_JSONL, "utf8");
    const expected = toJsonl(logs);
    const lines = text.split("\n");
    const want = expected.split("\n");
    expect(lines.length).toBe(want.length);
    expect(want.findIndex((line, i) => line !== lines[i])).toBe(-1);
    expect(text === expected).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThan(600_000);
  });

  it("is deterministic, and the seed matters", () => {
    expect(generateSampleLogs(1)).toEqual(logs);
    const other = generateSampleLogs(2);
    expect(other).not.toEqual(logs);
    expect(other[0]).toEqual(EXPIRED);
  });

  it("declares the expired group's retention once, first, and no other group's", () => {
    expect(settings).toEqual([EXPIRED]);
    expect(logs[0]).toEqual(EXPIRED);
    expect(Object.keys(logs[0])).toEqual(["logGroupName", "region", "retentionInDays"]);
    expect(Object.keys(streams[0])).toEqual(["logGroupName", "region", "logStreamName", "events"]);
  });

  it("has an entry for every stream a job ran in, and none for another", () => {
    const present = ran.filter((n) => !isExpired(n)).map((n) => n.key);
    expect(new Set(entries.keys())).toEqual(new Set(present));
    expect(entries.size).toBe(streams.length);
    expect(streams.length).toBe(381);
  });

  it("has no entry for a stream that was never created: the Docker timeouts'", () => {
    expect(neverCreated.map((n) => n.kind)).toEqual(Array(4).fill("docker-timeout"));
    for (const n of neverCreated) expect(entries.has(n.key)).toBe(false);
  });

  it("has no entry for the expired group's streams, which jobs did run in", () => {
    const expired = ran.filter(isExpired);
    expect(expired.map((n) => n.kind)).toEqual(Array(11).fill("custom-log-group"));
    for (const n of expired) expect(entries.has(n.key)).toBe(false);
    expect(streams.some((s) => s.logGroupName === EXPIRED.logGroupName)).toBe(false);
  });

  it("puts a few to a few dozen lines strictly inside the attempt's run window, ascending", () => {
    const problems: string[] = [];
    for (const n of logged()) {
      // A job still running when the sample ends has printed up to then.
      const { startedAt, stoppedAt = Infinity } = n.attempt as {
        startedAt: number;
        stoppedAt?: number;
      };
      const times = entries.get(n.key)?.events.map((e) => e.timestamp) ?? [];
      if (times.length < 2 || times.length > 60) problems.push(`${n.key}: ${times.length} lines`);
      if (!(times[0] > startedAt)) problems.push(`${n.key}: starts before ${startedAt}`);
      if (!(times[times.length - 1] < stoppedAt))
        problems.push(`${n.key}: ends after ${stoppedAt}`);
      if (times.some((t, i) => i > 0 && t <= times[i - 1]))
        problems.push(`${n.key}: not ascending`);
    }
    for (const s of streams) {
      if (s.events.some((e) => e.message === ""))
        problems.push(`${s.logStreamName}: empty message`);
    }
    expect(problems).toEqual([]);
  });

  it("has the pinned number of streams per job kind (a multi-node parent's is its main node's)", () => {
    const counts = Object.fromEntries(JOB_KINDS.map((k) => [k, 0])) as Record<JobKind, number>;
    for (const n of logged()) counts[n.kind]++;
    expect(counts).toEqual({
      "ec2-single": 90,
      fargate: 40,
      retried: 91,
      "custom-log-group": 15,
      "non-awslogs-driver": 0,
      "array-parent": 0,
      "array-child": 54,
      "multinode-parent": 3,
      "multinode-parent-taskproperties": 3,
      "multinode-node": 17,
      "multi-container": 42,
      eks: 0,
      "cancelled-in-queue": 0,
      "image-pull-failure": 0,
      "docker-timeout": 0,
      terminated: 6,
      "timed-out": 6,
      oom: 8,
      "old-no-jobarn": 5,
      "still-running": 7,
    });
  });

  it("starts each job's own stream with a line naming the job id (sidecars aside)", () => {
    const own = ran.filter(
      (n) => !isExpired(n) && !["metrics-agent", "envoy"].includes(n.ref.container),
    );
    // 356 streams (381 less 17 metrics agents and 8 envoys); the 6 ended multi-node jobs' main
    // nodes' twice, node and parent (a running parent names no stream yet).
    expect(own.length).toBe(356 + 6);
    for (const n of own) expect(messages(n)[0]).toContain(n.record.jobId);
  });

  it("names the array index and the node index in the first line", () => {
    const last = lastEvents(events);
    const parentOf = (n: (typeof named)[number]) =>
      detail(last.get(n.record.parentJobId as string) as BatchEvent);
    const children = ran.filter((r) => r.record.arrayIndex !== undefined);
    expect(children.length).toBe(55);
    for (const n of children) {
      const index = n.record.arrayIndex;
      const size = parentOf(n).arrayProperties?.size;
      expect(messages(n)[0]).toContain(
        `child ${index} of ${size} (AWS_BATCH_JOB_ARRAY_INDEX=${index},`,
      );
    }
    const nodes = ran.filter(
      (r) => r.record.nodeIndex !== undefined && r.record.jobId.includes("#"),
    );
    expect(nodes.length).toBe(20);
    for (const n of nodes) {
      const numNodes = parentOf(n).nodeProperties?.numNodes;
      expect(messages(n)[0]).toContain(`node ${n.record.nodeIndex} of ${numNodes} (`);
    }
  });

  it("prints the cause of the end: memory growth then the OOM error, SIGTERM, a cut-off timeout", () => {
    for (const n of ran.filter((r) => r.kind === "oom")) {
      const text = messages(n);
      const error = text.findIndex((m) =>
        /java\.lang\.OutOfMemoryError|JavaScript heap out of memory/.test(m),
      );
      expect(error).toBeGreaterThan(0);
      const growth = text.slice(0, error).filter((m) => /[Hh]eap/.test(m));
      expect(growth.length).toBeGreaterThanOrEqual(4);
    }
    for (const n of ran.filter((r) => r.kind === "terminated")) {
      expect(messages(n).at(-1)).toBe(
        "WARNING etl.run: received SIGTERM, stopping after the current batch",
      );
    }
    for (const n of ran.filter((r) => r.kind === "timed-out")) {
      const [, done, total] = (messages(n).at(-1) ?? "").match(/^frame (\d+)\/(\d+) done/) ?? [];
      expect(Number(done)).toBeLessThan(Number(total));
    }
  });
});

describe("static fixtures", () => {
  const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".json"));
  const expectedKind = (file: string) =>
    file === "custom-log-group-cross-region.json"
      ? "custom-log-group"
      : file.replace(/\.json$/, "");

  it("has one file per job kind, plus queue-blocked.json", () => {
    // "still-running" is a state, not a shape: every kind of job ends in some fixture.
    const shapes = JOB_KINDS.filter((k) => k !== "still-running");
    const kinds = new Set(files.map(expectedKind));
    for (const kind of shapes) expect(kinds.has(kind)).toBe(true);
    expect(files).toContain("queue-blocked.json");
    expect(files.length).toBe(shapes.length + 1);
  });

  it.each(files.filter((f) => f !== "queue-blocked.json"))(
    "%s holds one job, ends with its terminal event and has the kind its name says",
    (file) => {
      const evs = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as BatchEvent[];
      expect(new Set(evs.map((e) => detail(e).jobId)).size).toBe(1);
      expect(evs.every(isStateChange)).toBe(true);
      const last = evs[evs.length - 1];
      expect(isTerminal(detail(last).status)).toBe(true);
      expect(evs.slice(0, -1).every((e) => !isTerminal(detail(e).status))).toBe(true);
      const times = evs.map((e) => Date.parse(e.time));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(classify(last)).toBe(expectedKind(file));
    },
  );

  it("queue-blocked.json is a single event the rule must skip", () => {
    const evs = JSON.parse(
      fs.readFileSync(path.join(FIXTURES, "queue-blocked.json"), "utf8"),
    ) as BatchEvent[];
    expect(evs).toHaveLength(1);
    expect(evs[0].source).toBe("aws.batch");
    expect(evs[0]["detail-type"]).toBe("Batch Job Queue Blocked");
    expect(isStateChange(evs[0])).toBe(false);
  });
});

describe("npm run samples", () => {
  test("regenerates the three committed files byte for byte, from the TypeScript sources", () => {
    // Prepare: a scratch folder; the script `npm run samples` runs, with a path and the seed.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "samples-"));
    const root = path.join(__dirname, "..");
    const script = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts
      .samples as string;
    const [node, ...args] = script.split(" ");
    expect(node).toBe("node");
    try {
      // Act
      execFileSync(process.execPath, [...args, path.join(dir, "events.jsonl"), "1"], {
        cwd: root,
        stdio: "pipe",
      });
      // Assess
      for (const file of ["events.jsonl", "logs.jsonl", "hub-events.jsonl"]) {
        const made = fs.readFileSync(path.join(dir, file));
        expect([file, made.equals(fs.readFileSync(path.join(root, "samples", file)))]).toEqual([
          file,
          true,
        ]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
