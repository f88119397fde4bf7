/**
 * The terminal of a command under test: a CliIO that keeps what the command writes, and
 * `runCli`, which runs `batch-job-log <args>` (cli/main.ts) on one.
 */
import type { CommandDeps, CommandModule } from "../../cli/commands";
import { runCommand } from "../../cli/dispatch";
import type { CliIO } from "../../cli/io";
import { main } from "../../cli/main";

/** One command, run as the dispatcher runs it (parsed, --help answered), with the tests' seams. */
export function command(
  module: CommandModule,
): (argv: readonly string[], io: CliIO, deps?: CommandDeps) => Promise<number> {
  return (argv, io, deps) => runCommand(module, argv, io, deps);
}

export interface RecordingIO extends CliIO {
  /** What the command wrote on stdout, then on stderr, so far. */
  out(): string;
  err(): string;
}

export interface IOOptions {
  /** The command's environment: `{}` unless given (never process.env by accident). */
  readonly env?: CliIO["env"];
  /** process.cwd() unless given. */
  readonly cwd?: string;
  /** Whether stderr is a terminal (progress bars): false unless given. */
  readonly tty?: boolean;
  readonly stdin?: CliIO["stdin"];
}

export function recordingIO(options: IOOptions = {}): RecordingIO {
  let out = "";
  let err = "";
  return {
    stdout: { write: (text: string) => (out += text), isTTY: false },
    stderr: { write: (text: string) => (err += text), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdin: options.stdin,
    out: () => out,
    err: () => err,
  };
}

export interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `batch-job-log <args>` on a recording terminal: its exit status and what it wrote. */
export async function runCli(args: readonly string[], options: IOOptions = {}): Promise<Ran> {
  const io = recordingIO(options);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** What a listing command printed with --json: JSON Lines, one value a line (docs/cli.md). */
export function jsonLines<T = unknown>(out: string): T[] {
  expect(out === "" || out.endsWith("\n")).toBe(true);
  return out === ""
    ? []
    : out
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as T);
}
