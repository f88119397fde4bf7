/**
 * The Lambda as the program would deploy it, each figure next to its floor in the same run:
 * - the archive as uploaded (zipped);
 * - cold start: fresh `node` processes that load the exact `__index.js` and handle one event,
 *   against processes that load the SDK and do one conditional PutItem of the same item;
 * - warm cost per event on one dynalite: the serialized handler (validate, build, write, log)
 *   against a bare PutItem of the item it writes, with the minimal idempotent condition
 *   (record/layout.ts `putItemInput`), alternating in blocks; wall time and this process's CPU.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { zipSync, type Zippable } from "fflate";
import { createDocumentClient, putItemInput, recordFromEvent } from "../record";
import { localClientConfig } from "../twin/dynamo-local";
import { localSdkEnv } from "../twin/environment";
import { writeLambdaFolder } from "../twin/lambda";
import { onlyLambda } from "../twin/program-model";
import type { Twin } from "../twin/replay-engine";
import { distinctJobEvents, type BatchEvent } from "./events";
import { mean, median } from "./stats";

export const COLD_RUNS = 15;
export const WARM_EVENTS = 4000;
export const WARM_WARMUP = 400;
const WARM_BLOCK = 50;

export function archiveFigures(twin: Twin, root: string) {
  const lambda = onlyLambda(twin.model);
  const entries: Zippable = {};
  for (const file of lambda.files) {
    entries[file] =
      file === "__index.js"
        ? new TextEncoder().encode(lambda.code)
        : new Uint8Array(fs.readFileSync(path.join(root, file)));
  }
  return {
    files: lambda.files,
    indexBytes: Buffer.byteLength(lambda.code),
    zippedBytes: zipSync(entries, { level: 6 }).length,
  };
}

/** The floor of a cold start: load the SDK, make a client, put the given item once. */
const FLOOR_HANDLER = `// The floor: load the SDK and do one conditional PutItem of a prepared item.
const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
const { DynamoDBDocumentClient, PutCommand } = require("@aws-sdk/lib-dynamodb");
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
exports.handler = async (event) => {
  await client.send(new PutCommand({ ...event.input, TableName: process.env.TABLE_NAME }));
  return { outcome: "recorded" };
};
`;

/** Runs in the child: times loading the module and its first event; prints one BENCH line. */
const COLD_RUNNER = `const event = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const mod = require(process.argv[2]);
const t1 = performance.now();
const write = process.stdout.write;
process.stdout.write = () => true; // the handler's own log line
mod.handler(event).then((result) => {
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write = write;
  process.stdout.write("BENCH " + JSON.stringify({
    loadMs: t1 - t0, firstEventMs: t2 - t1, totalMs: t2, cpuMs: (cpu.user + cpu.system) / 1000,
    outcome: result && result.outcome,
  }) + "\\n");
});
`;

interface ColdRun {
  loadMs: number;
  firstEventMs: number;
  totalMs: number;
  /** CPU time of loading and the first event (user + system). */
  cpuMs: number;
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

export async function coldStart(twin: Twin, templates: readonly BatchEvent[], root: string) {
  // Each side in a folder outside the project whose node_modules holds only the runtime's packages.
  const serialized = writeLambdaFolder(onlyLambda(twin.model).code, root);
  const floor = writeLambdaFolder(FLOOR_HANDLER, root, "index.js");
  const runner = path.join(serialized.dir, "runner.js");
  fs.writeFileSync(runner, COLD_RUNNER);
  // The children inherit AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED from this process.
  const env = {
    ...process.env,
    ...twin.lambdaEnvironment,
    ...localSdkEnv(twin.endpoint, twin.region),
  };
  const events = distinctJobEvents(templates, COLD_RUNS * 2, 1);
  const runs = { serialized: [] as ColdRun[], floor: [] as ColdRun[] };
  try {
    for (let i = 0; i < COLD_RUNS; i++) {
      // Alternate, so that drift on the machine affects both sides alike.
      const handlerEvent = events[i * 2];
      const floorInput = putItemInput(
        twin.tableName,
        recordFromEvent(events[i * 2 + 1], { now: new Date() }),
      );
      for (const [side, folder, body] of [
        ["serialized", serialized, handlerEvent],
        ["floor", floor, { input: floorInput }],
      ] as const) {
        const eventFile = path.join(serialized.dir, `event-${side}-${i}.json`);
        fs.writeFileSync(eventFile, JSON.stringify(body));
        const run = await runCold(runner, folder.file, eventFile, env);
        if (run.outcome !== "recorded") {
          throw new Error(`cold run (${side}) did not record: ${run.outcome}`);
        }
        runs[side].push(run);
      }
    }
  } finally {
    fs.rmSync(serialized.dir, { recursive: true, force: true });
    fs.rmSync(floor.dir, { recursive: true, force: true });
  }
  const summarize = (list: ColdRun[]) => ({
    loadMs: median(list.map((r) => r.loadMs)),
    firstEventMs: median(list.map((r) => r.firstEventMs)),
    handledMs: median(list.map((r) => r.loadMs + r.firstEventMs)),
    cpuMs: median(list.map((r) => r.cpuMs)),
    totalMs: median(list.map((r) => r.totalMs)),
    wallMs: median(list.map((r) => r.wallMs)),
  });
  return { runs: COLD_RUNS, serialized: summarize(runs.serialized), floor: summarize(runs.floor) };
}

interface Block {
  wallUs: number;
  cpuUs: number;
}

/**
 * Blocks of WARM_BLOCK events, alternating between the sides, each event a new job; per side the
 * per-event median and mean over the blocks after the warm-up, wall time and CPU time of this
 * process (which runs dynalite too, so the CPU time includes the database's work on both sides).
 * The handler's log lines are written to /dev/null, as a syscall like the runtime's.
 */
export async function warmCost(twin: Twin, templates: readonly BatchEvent[]) {
  const documents = createDocumentClient(
    localClientConfig(twin.endpoint, twin.region),
  ) as DynamoDBDocumentClient;
  const total = WARM_WARMUP + WARM_EVENTS;
  const handlerEvents = distinctJobEvents(templates, total, 2);
  // The floor writes the very item the handler builds, prepared before the clock starts.
  const floorInputs = distinctJobEvents(templates, total, 3).map((event) =>
    putItemInput(twin.tableName, recordFromEvent(event, { now: new Date() })),
  );
  const blocks = { handler: [] as Block[], floor: [] as Block[] };
  const devNull = fs.openSync("/dev/null", "w");
  const write = process.stdout.write;
  process.stdout.write = ((text: string | Uint8Array) => {
    if (typeof text === "string") fs.writeSync(devNull, text);
    else fs.writeSync(devNull, text);
    return true;
  }) as typeof process.stdout.write;
  const timed = async (side: Block[], start: number, one: (i: number) => Promise<void>) => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = start; i < start + WARM_BLOCK; i++) await one(i);
    const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
    const cpu = process.cpuUsage(cpu0);
    if (start >= WARM_WARMUP) {
      side.push({ wallUs: wallUs / WARM_BLOCK, cpuUs: (cpu.user + cpu.system) / WARM_BLOCK });
    }
  };
  try {
    for (let start = 0; start < total; start += WARM_BLOCK) {
      await timed(blocks.handler, start, async (i) => {
        const result = (await twin.lambda.handler(handlerEvents[i])) as { outcome?: string };
        if (result.outcome !== "recorded") throw new Error(`warm event ${i} was ${result.outcome}`);
      });
      await timed(blocks.floor, start, async (i) => {
        await documents.send(new PutCommand(floorInputs[i]));
      });
    }
  } finally {
    process.stdout.write = write;
    fs.closeSync(devNull);
    documents.destroy();
  }
  const stats = (list: Block[]) => ({
    wallMedianUs: median(list.map((b) => b.wallUs)),
    wallMeanUs: mean(list.map((b) => b.wallUs)),
    cpuMedianUs: median(list.map((b) => b.cpuUs)),
  });
  return {
    events: WARM_EVENTS,
    warmup: WARM_WARMUP,
    block: WARM_BLOCK,
    handler: stats(blocks.handler),
    floor: stats(blocks.floor),
  };
}
