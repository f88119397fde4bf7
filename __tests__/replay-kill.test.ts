/**
 * A replay into `--db DIR` killed with SIGKILL part-way, then run again, leaves every job recorded
 * exactly once with the status the events give it; and one whose store cannot be written (a full
 * disk, here a file size limit) stops with one line and exit 2, keeping what it wrote. Real
 * processes of the command (run from the TypeScript sources, as `npm run samples` runs the
 * generator), killed at a point drawn at random in the writing: how far LevelDB's log has grown.
 * The completing replay runs in this process (the file's one program evaluation).
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../cli/main";
import type { JobRecord } from "../record";
import { useDummyCredentials } from "./helpers/aws-env";
import { recordingIO } from "./helpers/cli-io";

const ROOT = path.join(__dirname, "..");
const SAMPLE = path.join(ROOT, "samples", "events.jsonl");

/** Each job's final status, from the sample's events: its first SUCCEEDED or FAILED. */
function finalStatuses(): Map<string, string> {
  const statuses = new Map<string, string>();
  for (const line of fs.readFileSync(SAMPLE, "utf8").trimEnd().split("\n")) {
    const event = JSON.parse(line) as {
      source?: string;
      "detail-type"?: string;
      detail: Record<string, string>;
    };
    if (event.source !== "aws.batch" || event["detail-type"] !== "Batch Job State Change") continue;
    const { jobId, status } = event.detail;
    if ((status === "SUCCEEDED" || status === "FAILED") && !statuses.has(jobId)) {
      statuses.set(jobId, status);
    }
  }
  return statuses;
}

/** `batch-job-log replay ARGS` in a process of its own, from the sources. */
function replayProcess(args: readonly string[], cwd: string, shellPrefix = ""): ChildProcess {
  const command = [
    process.execPath,
    path.join(ROOT, "scripts", "run-ts.cjs"),
    path.join(ROOT, "cli", "main.ts"),
    "replay",
    ...args,
  ]
    .map((a) => `'${a}'`)
    .join(" ");
  return spawn("sh", ["-c", `${shellPrefix}exec ${command}`], {
    cwd,
    env: { ...process.env, PATH: path.join(cwd, "no-pulumi-here") + ":/usr/bin:/bin" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function ended(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; err: string }> {
  let err = "";
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  child.stdout?.resume();
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, err })),
  );
}

/** The size of the LevelDB log files of `dir` (what has been written so far). */
function written(dir: string): number {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".log") || f.endsWith(".ldb"))
      .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  } catch {
    return 0;
  }
}

useDummyCredentials();

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "replay-kill-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("kill -9 at a random point of the writing, then the same replay: every job once, with its status", async () => {
  // Prepare: where to kill, drawn in the first 80% of what a whole replay of the sample writes
  // (about 300 KB of log); said in the failure message.
  const killAt = 8_000 + Math.floor(Math.random() * 240_000);
  const db = path.join(tmp, "killed");
  const child = replayProcess(["--db", db], tmp);
  const done = ended(child);
  const poll = setInterval(() => {
    if (written(db) >= killAt) child.kill("SIGKILL");
  }, 5);
  const killed = await done;
  clearInterval(poll);
  expect([`killed at ${killAt} bytes`, killed.signal]).toEqual([
    `killed at ${killAt} bytes`,
    "SIGKILL",
  ]);
  // The lock of the killed replay is left behind.
  expect(fs.readFileSync(path.join(db, "replay.lock"), "utf8")).toBe(`${child.pid}\n`);

  // Act: the same replay, to the end.
  const io = recordingIO({ cwd: tmp, env: { PATH: path.join(tmp, "no-pulumi-here") } });
  const status = await main(["replay", "--json", "--db", db], io);

  // Assess: it took the stale lock over, and the table holds every job once, as the events end it.
  expect(status).toBe(0);
  expect(io.err()).toContain(`a replay (process ${child.pid}) stopped before it finished`);
  const doc = JSON.parse(io.out()) as { summary: Record<string, number>; records: JobRecord[] };
  expect(doc.summary.failed).toBe(0);
  const table = new Map(doc.records.map((r) => [r.jobId, r.status]));
  expect(doc.records).toHaveLength(table.size);
  expect(table).toEqual(finalStatuses());
  expect(fs.existsSync(path.join(db, "replay.lock"))).toBe(false);
}, 120_000);

test("a store that cannot be written part-way (a file size limit): one line, exit 2, what was written kept", async () => {
  // Prepare: writes past 64 KB fail (EFBIG), as on a full disk; the signal that would kill the
  // process instead is ignored, as the shell passes it on.
  // The sample's events as a file of the user's (the sample's log store is not copied then).
  const db = path.join(tmp, "full");
  fs.copyFileSync(SAMPLE, path.join(tmp, "events.jsonl"));
  const limit = "trap '' XFSZ; ulimit -f 128; ";
  const run = await ended(replayProcess(["events.jsonl", "--db", db], tmp, limit));

  // Assess
  expect([run.code, run.signal]).toEqual([2, null]);
  expect(run.err).toMatch(
    new RegExp(
      `^batch-job-log replay: --db ${db}: the table folder could not be written \\(${db}/\\d+\\.log: File too large\\)\\. ` +
        "What was recorded before is kept: make room, then run the same replay again \\(it completes the table, each job written once\\)\\.\\n$",
    ),
  );
  expect(fs.existsSync(path.join(db, "replay.lock"))).toBe(false);
  const io = recordingIO({ cwd: tmp, env: { PATH: path.join(tmp, "no-pulumi-here") } });
  expect(await main(["find", "--db", db, "--since", "60d", "--limit", "0", "--json"], io)).toBe(0);
  const kept = io.out().trimEnd().split("\n").length;
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(finalStatuses().size);
}, 120_000);
