/**
 * `replay --db DIR` streams: what it holds at any time is a few events in flight, the errors it
 * keeps and its report, whatever the input's size. V8 left to itself grows its heap with the
 * garbage of a long replay (its default limit is a quarter of the machine's memory), so that the
 * process peaked at 1 GB on a million events. The command-line entry therefore runs such a replay
 * in a child process of its own whose old space is capped (REPLAY_HEAP_MB): same arguments, same
 * terminal, its exit status passed on, and a child that dies with its parent (a `kill -9` of the
 * command stops the replay too). Without --db the table lives in memory, which a cap would
 * starve: no cap then.
 */
import { spawn } from "child_process";
import * as os from "os";
import { CAPPED_ENV } from "./capped";
import { splitCommandLine } from "./dispatch";

/** The old space of a `replay --db` process, in MB. */
export const REPLAY_HEAP_MB = 160;

/** The heap cap for the command line `argv` in MB, or undefined when it runs as it is. */
export function heapCapFor(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  heapLimitBytes: number,
): number | undefined {
  if (env[CAPPED_ENV] !== undefined) return undefined;
  let name: string | undefined;
  try {
    name = splitCommandLine(argv).name;
  } catch {
    return undefined;
  }
  const db = argv.some((a) => a === "--db" || a.startsWith("--db="));
  if (name !== "replay" || !db || argv.includes("--help") || argv.includes("-h")) return undefined;
  return heapLimitBytes > REPLAY_HEAP_MB * 2 * 1024 * 1024 ? REPLAY_HEAP_MB : undefined;
}

/**
 * Runs this script again as a child with `--max-old-space-size=capMB`, and ends as it ends. The
 * child is told through its IPC channel when this process dies: it then kills itself.
 */
export function runCapped(script: string, argv: readonly string[], capMB: number): void {
  const child = spawn(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${capMB}`, script, ...argv],
    {
      stdio: ["inherit", "inherit", "inherit", "ipc"],
      // Two malloc arenas rather than one per thread (LevelDB's and libuv's): less native memory
      // left fragmented by a long run of writes. A value the user set is kept.
      env: { MALLOC_ARENA_MAX: "2", ...process.env, [CAPPED_ENV]: "1" },
    },
  );
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    // Killed by a signal: as a shell reports it, 128 + its number.
    process.exit(signal === null ? (code ?? 1) : 128 + (os.constants.signals[signal] ?? 0));
  });
}

/** In the child: die with the parent (its IPC channel closes when it does). */
export function dieWithParent(): void {
  if (process.env[CAPPED_ENV] === undefined || !process.send) return;
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
  // The channel alone must not keep the process alive once the replay is done.
  process.channel?.unref();
}
