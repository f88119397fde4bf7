/**
 * Replay of growing inputs through the command-line tool, each in a process of its own (its memory
 * sampled from /proc, with the child `replay --db` runs in), next to its floor: the same number of conditional PutItems of the same items, with the
 * replay's concurrency, to the same kind of table (dynalite kept on disk, as `--db` keeps it), in a
 * process of its own (bench/put-floor.ts). Both read the same JSON Lines file as a stream.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPLAY_CONCURRENCY } from "../twin/replay-engine";
import { terminalTemplates, writeEventsFile } from "./events";

export const REPLAY_SIZES = [100_000, 1_000_000];

export interface Measured {
  readonly seconds: number;
  readonly perSecond: number;
  /** The process tree's peak resident memory, and its anonymous part (without mapped files). */
  readonly peakKB: number;
  readonly peakAnonKB: number;
}

export interface ReplayRun {
  readonly events: number;
  readonly inputBytes: number;
  readonly table: string;
  readonly replay: Measured;
  readonly floor: Measured;
  readonly recordedAll: boolean;
}

/** The resident memory of a process, in KB: anonymous (heap, native) and file-backed (mapped). */
function residentKB(pid: number): { anon: number; file: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { anon: field("RssAnon"), file: field("RssFile") + field("RssShmem") };
  } catch {
    return { anon: 0, file: 0 };
  }
}

/** A process and its descendants (the command re-runs `replay --db` in a child: cli/heap.ts). */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = fs.readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, "utf8");
      pids.push(...children.split(" ").filter(Boolean).map(Number));
    } catch {
      // Gone already.
    }
  }
  return pids;
}

/**
 * `node <args>`; resolves with its output, wall time, and the peaks of its process tree's resident
 * memory, sampled every 100 ms from /proc: in all, and its anonymous part (the JavaScript heap and
 * native allocations, without the files the store maps: LevelDB maps the table files it reads, so
 * reading a large table back adds file-backed pages the kernel can drop at will).
 */
function timedNode(args: string[], cwd: string) {
  return new Promise<{ stdout: string; wallS: number; peakKB: number; peakAnonKB: number }>(
    (resolve, reject) => {
      const started = Date.now();
      let peakKB = 0;
      let peakAnonKB = 0;
      const child = execFile(
        process.execPath,
        args,
        { cwd, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          clearInterval(sampler);
          if (error && error.code !== 0 && !stdout) {
            return reject(
              new Error(`node ${args.join(" ")}: ${error.message}\n${stderr.slice(-2000)}`),
            );
          }
          resolve({ stdout, wallS: (Date.now() - started) / 1000, peakKB, peakAnonKB });
        },
      );
      const sampler = setInterval(() => {
        const tree = processTree(child.pid as number).map(residentKB);
        const anon = tree.reduce((sum, r) => sum + r.anon, 0);
        const file = tree.reduce((sum, r) => sum + r.file, 0);
        peakAnonKB = Math.max(peakAnonKB, anon);
        peakKB = Math.max(peakKB, anon + file);
      }, 100);
    },
  );
}

/** The number after `label` in replay's summary ("  recorded   1,000,000"). */
function summaryCount(output: string, label: string): number | undefined {
  const line = output.split("\n").find((l) => l.trimStart().startsWith(label + " "));
  return line === undefined
    ? undefined
    : Number(line.slice(line.lastIndexOf(" ") + 1).replace(/,/g, ""));
}

export async function replayScale(
  root: string,
  log: (text: string) => void,
  sizes: readonly number[] = REPLAY_SIZES,
): Promise<ReplayRun[]> {
  const templates = terminalTemplates(root);
  const runs: ReplayRun[] = [];
  for (const events of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-replay-"));
    try {
      const file = path.join(dir, "events.jsonl");
      const inputBytes = await writeEventsFile(file, templates, events, 5);
      log(`  ${events} events (${(inputBytes / 1024 ** 2).toFixed(0)} MB): replay`);
      const cli = path.join(root, "dist", "cli", "main.js");
      const replay = await timedNode([cli, "replay", file, "--db", path.join(dir, "db")], root);
      log(`  ${events} events: floor`);
      const floorScript = path.join(root, "dist", "bench", "put-floor.js");
      const floor = await timedNode(
        [floorScript, file, path.join(dir, "floor-db"), String(REPLAY_CONCURRENCY)],
        root,
      );
      const floorResult = JSON.parse(
        floor.stdout
          .split("\n")
          .find((l) => l.startsWith("BENCH "))
          ?.slice(6) ?? "{}",
      ) as { recorded?: number };
      runs.push({
        events,
        inputBytes,
        table: "dynalite on disk (`--db`)",
        replay: {
          seconds: replay.wallS,
          perSecond: events / replay.wallS,
          peakKB: replay.peakKB,
          peakAnonKB: replay.peakAnonKB,
        },
        floor: {
          seconds: floor.wallS,
          perSecond: events / floor.wallS,
          peakKB: floor.peakKB,
          peakAnonKB: floor.peakAnonKB,
        },
        recordedAll:
          summaryCount(replay.stdout, "recorded") === events && floorResult.recorded === events,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return runs;
}
