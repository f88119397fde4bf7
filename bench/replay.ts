/**
 * Replay of growing inputs through the command-line tool, each in a process of its own under GNU
 * time, next to its floor: the same number of conditional PutItems of the same items, with the
 * replay's concurrency, to the same kind of table (dynalite kept on disk, as `--db` keeps it), in a
 * process of its own (bench/put-floor.ts). Both read the same JSON Lines file as a stream.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPLAY_CONCURRENCY } from "../twin/replay-engine";
import { terminalTemplates, writeEventsFile } from "./events";

export const REPLAY_SIZES = [25_000, 250_000, 1_000_000];

export interface Measured {
  readonly seconds: number;
  readonly perSecond: number;
  readonly peakKB: number;
}

export interface ReplayRun {
  readonly events: number;
  readonly inputBytes: number;
  readonly table: string;
  readonly replay: Measured;
  readonly floor: Measured;
  readonly recordedAll: boolean;
}

/** `node <args>` under GNU time; resolves with its output and wall time, CPU and peak RSS. */
function timedNode(args: string[], cwd: string) {
  return new Promise<{ stdout: string; wallS: number; peakKB: number }>((resolve, reject) => {
    execFile(
      "/usr/bin/time",
      ["-f", "BENCHTIME %e %M", process.execPath, ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stderr.split("\n").find((l) => l.startsWith("BENCHTIME "));
        if (!line) {
          return reject(
            new Error(`node ${args.join(" ")}: ${error?.message}\n${stderr.slice(-2000)}`),
          );
        }
        const [wallS, peakKB] = line.split(" ").slice(1).map(Number);
        resolve({ stdout, wallS, peakKB });
      },
    );
  });
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
        },
        floor: { seconds: floor.wallS, perSecond: events / floor.wallS, peakKB: floor.peakKB },
        recordedAll:
          summaryCount(replay.stdout, "recorded") === events && floorResult.recorded === events,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return runs;
}
