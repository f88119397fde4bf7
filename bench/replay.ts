/**
 * Replay of growing inputs through the command-line tool, each in a process of its own (its memory
 * sampled from /proc, with the child `replay --db` runs in), next to its floor: the same number of
 * conditional PutItems of the same items, with the replay's concurrency, to the same kind of table
 * (dynalite kept on disk, as `--db` keeps it), in a process of its own (bench/put-floor.ts). Both
 * read the same JSON Lines file as a stream.
 *
 * The speed of this machine drifts over minutes (the same floor of 100,000 puts took 131 s in one
 * run and 164 s in another three hours later), so one replay and one floor run one after the other
 * compare two moments as much as two programs. With two rounds or more the runs alternate
 * (replay, floor, floor, replay, ...: each round reverses the last one's order), so that a drift
 * weighs on both sides alike; the figures are the means over the rounds, each table and store new.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPLAY_CONCURRENCY } from "../twin/replay-engine";
import { terminalTemplates, writeEventsFile } from "./events";

export const REPLAY_SIZES = [100_000, 1_000_000];

/** Rounds of replay and floor at each size (see the module comment). */
export const REPLAY_ROUNDS = 2;

export interface Measured {
  readonly seconds: number;
  readonly perSecond: number;
  /**
   * The CPU time (user and system) of the process tree, in seconds: what the work costs whatever
   * else the machine is running, where the wall time moves with the machine's load.
   */
  readonly cpuS: number;
  /** The process tree's peak resident memory, and its anonymous part (without mapped files). */
  readonly peakKB: number;
  readonly peakAnonKB: number;
  /**
   * The tree's peak resident memory with each file's pages counted once, not once per process
   * that maps it (the command and its replay child both map the node binary).
   */
  readonly peakSharedOnceKB: number;
}

export interface ReplayRun {
  readonly events: number;
  readonly inputBytes: number;
  readonly table: string;
  /** Means over the rounds (the peaks: the highest of the rounds). */
  readonly replay: Measured;
  readonly floor: Measured;
  /** Each round's replay ÷ floor, in events and puts per second, in the order run. */
  readonly roundRatios: readonly number[];
  readonly recordedAll: boolean;
}

/** One run of a command: its output, wall time, CPU time and memory peaks. */
type Timed = { readonly stdout: string; readonly wallS: number } & Omit<
  Measured,
  "seconds" | "perSecond"
>;

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

/**
 * The resident file-backed pages of a process, in KB per mapped file (a mapping's Rss without its
 * Anonymous part: the private copies it made of the file's pages). From /proc/PID/smaps.
 */
function filePagesKB(pid: number): Map<string, number> {
  const pages = new Map<string, number>();
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return pages;
  }
  let file: string | undefined;
  let rss = 0;
  for (const line of text.split("\n")) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) file = mapping[1].startsWith("/") ? mapping[1] : undefined;
    else if (file !== undefined && line.startsWith("Rss:")) rss = Number(line.split(/\s+/)[1]);
    else if (file !== undefined && line.startsWith("Anonymous:")) {
      pages.set(file, (pages.get(file) ?? 0) + rss - Number(line.split(/\s+/)[1]));
    }
  }
  return pages;
}

/**
 * The file-backed pages the processes count more than once, in KB: per file, the sum of the
 * processes' resident pages of it less the largest (taken as the union: a process that does less
 * touches a subset of the same file's pages, as the command does of its child's node binary).
 */
function sharedFileKB(pids: readonly number[]): number {
  const perFile = new Map<string, { sum: number; max: number }>();
  for (const pid of pids) {
    for (const [file, kb] of filePagesKB(pid)) {
      const seen = perFile.get(file) ?? { sum: 0, max: 0 };
      perFile.set(file, { sum: seen.sum + kb, max: Math.max(seen.max, kb) });
    }
  }
  let shared = 0;
  for (const { sum, max } of perFile.values()) shared += sum - max;
  return shared;
}

/** The kernel's clock ticks per second (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * The CPU time of this process's children that have ended and been waited for, in seconds
 * (/proc/self/stat's cutime and cstime; a child's includes that of the children it waited for).
 */
function childrenCpuS(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 of the file; `fields` starts at its field 3.
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
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
 * reading a large table back adds file-backed pages the kernel can drop at will); and in all with
 * the pages of a file mapped by several of the processes counted once (that overlap is read from
 * the smaps of each process once a second, a costlier read than the status file).
 */
function timedNode(args: string[], cwd: string) {
  return new Promise<Timed>((resolve, reject) => {
    const started = Date.now();
    const cpuBefore = childrenCpuS();
    let peakKB = 0;
    let peakAnonKB = 0;
    let peakSharedOnceKB = 0;
    let shared = 0;
    let samples = 0;
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
        resolve({
          stdout,
          wallS: (Date.now() - started) / 1000,
          cpuS: childrenCpuS() - cpuBefore,
          peakKB,
          peakAnonKB,
          peakSharedOnceKB,
        });
      },
    );
    const sampler = setInterval(() => {
      const pids = processTree(child.pid as number);
      const tree = pids.map(residentKB);
      const anon = tree.reduce((sum, r) => sum + r.anon, 0);
      const file = tree.reduce((sum, r) => sum + r.file, 0);
      if (samples++ % 10 === 0) shared = pids.length > 1 ? sharedFileKB(pids) : 0;
      peakAnonKB = Math.max(peakAnonKB, anon);
      peakKB = Math.max(peakKB, anon + file);
      peakSharedOnceKB = Math.max(peakSharedOnceKB, anon + file - shared);
    }, 100);
  });
}

/** The number after `label` in replay's summary ("  recorded   1,000,000"). */
function summaryCount(output: string, label: string): number | undefined {
  const line = output.split("\n").find((l) => l.trimStart().startsWith(label + " "));
  return line === undefined
    ? undefined
    : Number(line.slice(line.lastIndexOf(" ") + 1).replace(/,/g, ""));
}

/** The mean of each figure over the rounds, the peaks being the highest. */
function overRounds(events: number, runs: readonly Timed[]): Measured {
  const mean = (of: (r: Timed) => number) => runs.reduce((sum, r) => sum + of(r), 0) / runs.length;
  const highest = (of: (r: Timed) => number) => Math.max(...runs.map(of));
  const seconds = mean((r) => r.wallS);
  return {
    seconds,
    perSecond: events / seconds,
    cpuS: mean((r) => r.cpuS),
    peakKB: highest((r) => r.peakKB),
    peakAnonKB: highest((r) => r.peakAnonKB),
    peakSharedOnceKB: highest((r) => r.peakSharedOnceKB),
  };
}

export async function replayScale(
  root: string,
  log: (text: string) => void,
  sizes: readonly number[] = REPLAY_SIZES,
  /** Rounds at each size, by position; the last applies to the sizes after it. */
  rounds: readonly number[] = [REPLAY_ROUNDS],
): Promise<ReplayRun[]> {
  const templates = terminalTemplates(root);
  const runs: ReplayRun[] = [];
  for (const [at, events] of sizes.entries()) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-replay-"));
    try {
      const file = path.join(dir, "events.jsonl");
      const inputBytes = await writeEventsFile(file, templates, events, 5);
      const cli = path.join(root, "dist", "cli", "main.js");
      const floorScript = path.join(root, "dist", "bench", "put-floor.js");
      const replays: Timed[] = [];
      const floors: Timed[] = [];
      let recordedAll = true;
      const replayOnce = async (round: number) => {
        log(
          `  ${events} events (${(inputBytes / 1024 ** 2).toFixed(0)} MB), round ${round + 1}: replay`,
        );
        const db = path.join(dir, "db");
        const replay = await timedNode([cli, "replay", file, "--db", db], root);
        fs.rmSync(db, { recursive: true, force: true });
        recordedAll &&= summaryCount(replay.stdout, "recorded") === events;
        replays.push(replay);
      };
      const floorOnce = async (round: number) => {
        log(`  ${events} events, round ${round + 1}: floor`);
        const db = path.join(dir, "floor-db");
        const floor = await timedNode([floorScript, file, db, String(REPLAY_CONCURRENCY)], root);
        fs.rmSync(db, { recursive: true, force: true });
        const result = JSON.parse(
          floor.stdout
            .split("\n")
            .find((l) => l.startsWith("BENCH "))
            ?.slice(6) ?? "{}",
        ) as { recorded?: number };
        recordedAll &&= result.recorded === events;
        floors.push(floor);
      };
      const roundsHere = rounds[Math.min(at, rounds.length - 1)];
      for (let round = 0; round < roundsHere; round++) {
        if (round % 2 === 0) {
          await replayOnce(round);
          await floorOnce(round);
        } else {
          await floorOnce(round);
          await replayOnce(round);
        }
      }
      runs.push({
        events,
        inputBytes,
        table: "dynalite on disk (`--db`)",
        replay: overRounds(events, replays),
        floor: overRounds(events, floors),
        roundRatios: replays.map((r, i) => floors[i].wallS / r.wallS),
        recordedAll,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return runs;
}
