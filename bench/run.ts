/**
 * `npm run bench`: measures the Lambda as the program would deploy it, side by side with a
 * hand-written baseline, in one run, and writes the figures to docs/benchmarks.md with the machine
 * and the date. It reports; it never fails on a number.
 *
 * - the archive as uploaded: `__index.js` (and any other archive entry) zipped with fflate;
 * - cold start: fresh `node` processes that load the serialized `__index.js` and handle one
 *   event, against ones that load a minimal handler doing one PutCommand (median of N, ratio);
 * - warm cost per event on the same dynalite: the serialized handler against a bare PutCommand of
 *   the same item (thousands of events, ratio);
 * - item bytes and write units per job kind, from the fixtures' terminal events;
 * - a burst of 10,000 events through the twin, in a process of its own: events per second, peak
 *   RSS, and a count of the items to confirm each was recorded.
 *
 * `node dist/bench/run.js --burst N` is the burst's own process; it prints one JSON line.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { zipSync, type Zippable } from "fflate";
import { itemSizeBytes, writeUnits } from "../record/item-size";
import { createDocumentClient, putItemInput, recordFromEvent, toItem } from "../record";
import { localClientConfig } from "../twin/dynamo-local";
import { localSdkEnv } from "../twin/environment";
import { readEventFile, type SourcedEvent } from "../twin/events-input";
import { findProjectRoot, withStdoutSwallowed, writeLambdaFolder } from "../twin/lambda";
import { onlyLambda } from "../twin/program";
import { startTwin, type Twin } from "../twin/replay-engine";

const ROOT = findProjectRoot();
const COLD_RUNS = 15;
const WARM_EVENTS = 3000;
const WARM_WARMUP = 200;
const BURST_EVENTS = 10_000;

type Event = Record<string, unknown> & { id: string; detail: Record<string, unknown> };

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** The first terminal "Batch Job State Change" of each job in the shipped sample, in order. */
function terminalTemplates(): Event[] {
  const seen = new Set<string>();
  const templates: Event[] = [];
  for (const { event: read } of readEventFile(path.join(ROOT, "samples", "events.jsonl"))) {
    const event = read as Event;
    const status = event.detail?.status;
    if (event.source !== "aws.batch" || event["detail-type"] !== "Batch Job State Change") continue;
    if (status !== "SUCCEEDED" && status !== "FAILED") continue;
    if (seen.has(String(event.detail.jobId))) continue;
    seen.add(String(event.detail.jobId));
    templates.push(event);
  }
  return templates;
}

/** `count` events of distinct jobs: the templates in turn, each given a job uuid and event id of its own. */
function distinctJobEvents(templates: readonly Event[], count: number, series: number): Event[] {
  return Array.from({ length: count }, (_, n) => {
    const template = templates[n % templates.length];
    const uuid = String(template.detail.jobId).slice(0, 36);
    const tag = `${series.toString(16).padStart(4, "0")}${n.toString(16).padStart(8, "0")}`;
    const fresh = `0b0b0b0b-0000-4000-8000-${tag}`;
    const event = JSON.parse(JSON.stringify(template).split(uuid).join(fresh)) as Event;
    event.id = `0e0e0e0e-0000-4000-8000-${tag}`;
    return event;
  });
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

function archiveFigures(twin: Twin) {
  const lambda = onlyLambda(twin.model);
  const entries: Zippable = {};
  for (const file of lambda.files) {
    entries[file] =
      file === "__index.js"
        ? new TextEncoder().encode(lambda.code)
        : new Uint8Array(fs.readFileSync(path.join(ROOT, file)));
  }
  const zipped = zipSync(entries, { level: 6 });
  return {
    files: lambda.files.length,
    fileNames: lambda.files,
    indexBytes: Buffer.byteLength(lambda.code),
    zippedBytes: zipped.length,
  };
}

const HAND_WRITTEN_HANDLER = `// The baseline: a minimal hand-written handler doing one PutCommand.
const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
const { DynamoDBDocumentClient, PutCommand } = require("@aws-sdk/lib-dynamodb");
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
exports.handler = async (event) => {
  await client.send(new PutCommand({
    TableName: process.env.TABLE_NAME,
    Item: { jobId: event.detail.jobId, status: event.detail.status, eventId: event.id },
  }));
  return { outcome: "recorded" };
};
`;

/** Runs in the child: times loading the module and its first event; prints one BENCH line. */
const COLD_RUNNER = `const bootMs = performance.now();
const event = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const t0 = performance.now();
const mod = require(process.argv[2]);
const t1 = performance.now();
const write = process.stdout.write;
process.stdout.write = () => true; // the handler's own log line
mod.handler(event).then((result) => {
  const t2 = performance.now();
  process.stdout.write = write;
  process.stdout.write("BENCH " + JSON.stringify({
    bootMs, loadMs: t1 - t0, firstEventMs: t2 - t1, totalMs: t2, outcome: result && result.outcome,
  }) + "\\n");
});
`;

interface ColdRun {
  bootMs: number;
  loadMs: number;
  firstEventMs: number;
  totalMs: number;
  wallMs: number;
  outcome?: string;
}

function runCold(
  runner: string,
  moduleFile: string,
  eventFile: string,
  env: NodeJS.ProcessEnv,
): Promise<ColdRun> {
  const started = process.hrtime.bigint();
  // Asynchronous on purpose: dynalite answers from this process's event loop.
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [runner, moduleFile, eventFile],
      { env },
      (error, stdout, stderr) => {
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        if (error) return reject(new Error(`cold run failed: ${error.message}\n${stderr}`));
        const line = stdout.split("\n").find((l) => l.startsWith("BENCH "));
        if (!line) return reject(new Error(`cold run printed no result:\n${stdout}\n${stderr}`));
        resolve({ ...(JSON.parse(line.slice(6)) as Omit<ColdRun, "wallMs">), wallMs });
      },
    );
  });
}

async function coldStart(twin: Twin, templates: readonly Event[]) {
  // Each side in a folder outside the project whose node_modules holds only the runtime's packages.
  const serialized = writeLambdaFolder(onlyLambda(twin.model).code, ROOT);
  const baseline = writeLambdaFolder(HAND_WRITTEN_HANDLER, ROOT, "index.js");
  const runner = path.join(serialized.dir, "runner.js");
  fs.writeFileSync(runner, COLD_RUNNER);
  // The children inherit AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED from this process.
  const env = {
    ...process.env,
    ...twin.lambdaEnvironment,
    ...localSdkEnv(twin.endpoint, twin.region),
  };
  const events = distinctJobEvents(templates, COLD_RUNS * 2, 1);
  const runs = { serialized: [] as ColdRun[], baseline: [] as ColdRun[] };
  try {
    for (let i = 0; i < COLD_RUNS; i++) {
      // Alternate, so that drift on the machine affects both sides alike.
      for (const [side, folder] of [
        ["serialized", serialized],
        ["baseline", baseline],
      ] as const) {
        const eventFile = path.join(serialized.dir, `event-${side}-${i}.json`);
        fs.writeFileSync(
          eventFile,
          JSON.stringify(events[i * 2 + (side === "serialized" ? 0 : 1)]),
        );
        const run = await runCold(runner, folder.file, eventFile, env);
        if (run.outcome !== "recorded")
          throw new Error(`cold run (${side}) did not record: ${run.outcome}`);
        runs[side].push(run);
      }
    }
  } finally {
    fs.rmSync(serialized.dir, { recursive: true, force: true });
    fs.rmSync(baseline.dir, { recursive: true, force: true });
  }
  const summarize = (list: ColdRun[]) => ({
    loadMs: median(list.map((r) => r.loadMs)),
    firstEventMs: median(list.map((r) => r.firstEventMs)),
    handledMs: median(list.map((r) => r.loadMs + r.firstEventMs)),
    totalMs: median(list.map((r) => r.totalMs)),
    wallMs: median(list.map((r) => r.wallMs)),
  });
  return {
    runs: COLD_RUNS,
    serialized: summarize(runs.serialized),
    baseline: summarize(runs.baseline),
  };
}

async function warmCost(twin: Twin, templates: readonly Event[]) {
  const documents = createDocumentClient(
    localClientConfig(twin.endpoint, twin.region),
  ) as DynamoDBDocumentClient;
  const total = WARM_WARMUP + WARM_EVENTS;
  const handlerEvents = distinctJobEvents(templates, total, 2);
  // The bare side writes the very item the handler builds, computed before the clock starts.
  const bareInputs = distinctJobEvents(templates, total, 3).map((event) =>
    putItemInput(twin.tableName, recordFromEvent(event, { now: new Date() })),
  );
  const handlerTimes: number[] = [];
  const bareTimes: number[] = [];
  try {
    // Without the handler's log lines.
    await withStdoutSwallowed(async () => {
      const block = 250;
      for (let start = 0; start < total; start += block) {
        for (let i = start; i < Math.min(start + block, total); i++) {
          const t0 = process.hrtime.bigint();
          const result = (await twin.lambda.handler(handlerEvents[i])) as { outcome?: string };
          const t1 = process.hrtime.bigint();
          if (result.outcome !== "recorded")
            throw new Error(`warm event ${i} was ${result.outcome}`);
          if (i >= WARM_WARMUP) handlerTimes.push(Number(t1 - t0) / 1e3);
        }
        for (let i = start; i < Math.min(start + block, total); i++) {
          const t0 = process.hrtime.bigint();
          await documents.send(new PutCommand(bareInputs[i]));
          const t1 = process.hrtime.bigint();
          if (i >= WARM_WARMUP) bareTimes.push(Number(t1 - t0) / 1e3);
        }
      }
    });
  } finally {
    documents.destroy();
  }
  const stats = (list: number[]) => ({ medianUs: median(list), meanUs: mean(list) });
  return {
    events: WARM_EVENTS,
    warmup: WARM_WARMUP,
    serialized: stats(handlerTimes),
    bare: stats(bareTimes),
  };
}

function itemSizes() {
  const dir = path.join(ROOT, "__tests__", "fixtures", "events");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((file) => {
      const last = readEventFile(path.join(dir, file)).at(-1)?.event as Event | undefined;
      if (!last || last["detail-type"] !== "Batch Job State Change") return [];
      const record = recordFromEvent(last, { now: new Date() });
      const item = toItem(record);
      return [
        {
          kind: path.basename(file, ".json"),
          status: record.status,
          bytes: itemSizeBytes(item),
          writeUnits: writeUnits(item),
          logStreams: record.logStreams.length,
          attempts: record.attempts.length,
        },
      ];
    });
}

interface BurstResult {
  events: number;
  evaluateSeconds: number;
  replaySeconds: number;
  eventsPerSecond: number;
  peakRssMB: number;
  summary: Record<string, number>;
  items: number;
  distinctJobs: number;
}

/** The burst, in this process (run as `run.js --burst N`). */
async function burst(count: number): Promise<BurstResult> {
  const t0 = process.hrtime.bigint();
  const twin = await startTwin();
  const t1 = process.hrtime.bigint();
  try {
    const events: SourcedEvent[] = distinctJobEvents(terminalTemplates(), count, 4).map(
      (event, i) => ({
        source: `burst#${i}`,
        event,
      }),
    );
    const t2 = process.hrtime.bigint();
    const result = await twin.replay(events);
    const t3 = process.hrtime.bigint();
    const items = await twin.items();
    const replaySeconds = Number(t3 - t2) / 1e9;
    return {
      events: count,
      evaluateSeconds: Number(t1 - t0) / 1e9,
      replaySeconds,
      eventsPerSecond: count / replaySeconds,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      summary: { ...result.summary },
      items: items.length,
      distinctJobs: new Set(events.map((e) => String((e.event as Event).detail.jobId))).size,
    };
  } finally {
    await twin.close();
  }
}

function burstInChild(count: number): Promise<BurstResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [__filename, "--burst", String(count)],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`burst failed: ${error.message}\n${stderr}`));
        const line = stdout.split("\n").find((l) => l.startsWith("BENCH "));
        if (!line) return reject(new Error(`burst printed no result:\n${stdout}\n${stderr}`));
        resolve(JSON.parse(line.slice(6)) as BurstResult);
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const us = (n: number) => `${n.toFixed(0)} µs`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGB: os.totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: gitCommit(),
    loadAverage: os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(", "),
  };
}

/** The commit measured, with "+ local changes" when the work tree differs from it. */
function gitCommit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
    return `${git("rev-parse", "--short", "HEAD")}${dirty ? " + local changes" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

function report(figures: {
  date: Date;
  archive: ReturnType<typeof archiveFigures>;
  cold: Awaited<ReturnType<typeof coldStart>>;
  warm: Awaited<ReturnType<typeof warmCost>>;
  sizes: ReturnType<typeof itemSizes>;
  burst: BurstResult;
}): string {
  const m = machine();
  const { archive, cold, warm, sizes, burst: b } = figures;
  const everyOne =
    b.items === b.events && b.summary.recorded === b.events && b.summary.failed === 0;
  const lines = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); every figure below comes from one run. The",
    "benchmark reports and never fails; no test asserts on time. DynamoDB is dynalite in the",
    "benchmark's process, so the figures compare the handler with a baseline on the same machine;",
    "they are not Lambda's or DynamoDB's latencies.",
    "",
    "## Machine",
    "",
    "| | |",
    "|---|---|",
    `| date | ${figures.date.toISOString()} |`,
    `| commit | ${m.commit} |`,
    `| CPU | ${m.cpu} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGB.toFixed(1)} GB |`,
    `| Node.js | ${m.node} |`,
    `| OS | ${m.platform} |`,
    `| load average (1, 5, 15 min) at the end | ${m.loadAverage} |`,
    "",
    "## The Lambda archive, as uploaded",
    "",
    "The archive CallbackFunction builds (the AWS SDK v3 is left to the nodejs22.x runtime), zipped",
    "with fflate at deflate level 6.",
    "",
    "| files | `__index.js` | zipped |",
    "|---|---|---|",
    `| ${archive.files} (${archive.fileNames.map((f) => `\`${f}\``).join(", ")}) | ${archive.indexBytes.toLocaleString("en-US")} bytes | ${archive.zippedBytes.toLocaleString("en-US")} bytes |`,
    "",
    "## Cold start",
    "",
    `Median of ${cold.runs} fresh \`node\` processes per side, alternating. Each loads its module from a`,
    "temporary folder whose `node_modules` holds only `@aws-sdk` (as the runtime does) and handles one",
    "event against dynalite. The serialized side is the exact `__index.js`; the baseline is a",
    "hand-written handler that does one `PutCommand` of a three-attribute item. *Load* is `require`",
    "(the factory runs then), *first event* the first invocation (client setup, first connection),",
    "*process* the time from process start to the event handled, *wall* as seen by the parent.",
    "",
    "| | load | first event | load + first event | process | wall |",
    "|---|---|---|---|---|---|",
    `| serialized \`__index.js\` | ${ms(cold.serialized.loadMs)} | ${ms(cold.serialized.firstEventMs)} | ${ms(cold.serialized.handledMs)} | ${ms(cold.serialized.totalMs)} | ${ms(cold.serialized.wallMs)} |`,
    `| hand-written PutCommand | ${ms(cold.baseline.loadMs)} | ${ms(cold.baseline.firstEventMs)} | ${ms(cold.baseline.handledMs)} | ${ms(cold.baseline.totalMs)} | ${ms(cold.baseline.wallMs)} |`,
    `| ratio | ${ratio(cold.serialized.loadMs, cold.baseline.loadMs)} | ${ratio(cold.serialized.firstEventMs, cold.baseline.firstEventMs)} | ${ratio(cold.serialized.handledMs, cold.baseline.handledMs)} | ${ratio(cold.serialized.totalMs, cold.baseline.totalMs)} | ${ratio(cold.serialized.wallMs, cold.baseline.wallMs)} |`,
    "",
    "## Warm cost per event",
    "",
    `${warm.events.toLocaleString("en-US")} events per side after ${warm.warmup} of warm-up, in blocks of 250 alternating`,
    "between the sides, each event a new job. The serialized handler validates the event, builds",
    "the record, writes it with its revision condition and logs a line; the bare side sends a",
    "`PutCommand` of the same item (built beforehand), unconditionally.",
    "",
    "| | median | mean |",
    "|---|---|---|",
    `| serialized handler | ${us(warm.serialized.medianUs)} | ${us(warm.serialized.meanUs)} |`,
    `| bare \`PutCommand\` | ${us(warm.bare.medianUs)} | ${us(warm.bare.meanUs)} |`,
    `| ratio | ${ratio(warm.serialized.medianUs, warm.bare.medianUs)} | ${ratio(warm.serialized.meanUs, warm.bare.meanUs)} |`,
    "",
    "## Item size per job kind",
    "",
    "The item the handler writes for the terminal event of each fixture in",
    "`__tests__/fixtures/events/`, sized as DynamoDB documents it (`handler/item-size.ts`); one",
    "write unit is 1 KB.",
    "",
    "| job kind | status | item bytes | write units | log streams | attempts |",
    "|---|---|---|---|---|---|",
    ...sizes.map(
      (s) =>
        `| ${s.kind} | ${s.status} | ${s.bytes.toLocaleString("en-US")} | ${s.writeUnits} | ${s.logStreams} | ${s.attempts} |`,
    ),
    "",
    "## Burst through the twin",
    "",
    `${b.events.toLocaleString("en-US")} terminal events of distinct jobs (the sample's job kinds in turn, each with a job id`,
    "of its own) replayed through the twin in a process of its own: rule, serialized handler,",
    "embedded dynalite, one event at a time. Peak RSS is the process's maximum resident set,",
    "program evaluation included.",
    "",
    "| | |",
    "|---|---|",
    `| program evaluation | ${b.evaluateSeconds.toFixed(2)} s |`,
    `| replay | ${b.replaySeconds.toFixed(2)} s |`,
    `| events per second | ${b.eventsPerSecond.toFixed(0)} |`,
    `| peak RSS | ${b.peakRssMB.toFixed(0)} MB |`,
    `| summary | read ${b.summary.read}, matched ${b.summary.matched}, recorded ${b.summary.recorded}, unchanged ${b.summary.unchanged}, failed ${b.summary.failed} |`,
    `| items in the table | ${b.items.toLocaleString("en-US")} (distinct jobs sent: ${b.distinctJobs.toLocaleString("en-US")}) |`,
    `| every event recorded | ${everyOne ? "yes" : "**no**"} |`,
    "",
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  // The SDK's notice that its releases from 2027 need Node 22 is about this machine, not about the
  // nodejs22.x runtime measured; off here and in every process the benchmark starts.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const at = process.argv.indexOf("--burst");
  if (at >= 0) {
    const result = await burst(Number(process.argv[at + 1] ?? BURST_EVENTS));
    process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);
    return;
  }
  const date = new Date();
  const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
  log("evaluating the program and starting the twin");
  const templates = terminalTemplates();
  const twin = await startTwin();
  let archive, sizes, cold, warm;
  try {
    archive = archiveFigures(twin);
    sizes = itemSizes();
    log(`cold start, ${COLD_RUNS} processes per side`);
    cold = await coldStart(twin, templates);
    log(`warm cost, ${WARM_EVENTS} events per side`);
    warm = await warmCost(twin, templates);
  } finally {
    await twin.close();
  }
  log(`burst of ${BURST_EVENTS} events through the twin`);
  const burstResult = await burstInChild(BURST_EVENTS);
  const text = report({ date, archive, cold, warm, sizes, burst: burstResult });
  fs.mkdirSync(path.join(ROOT, "docs"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "docs", "benchmarks.md"), text);
  process.stdout.write(text);
  log("wrote docs/benchmarks.md");
}

main().catch((error) => {
  process.stderr.write(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
