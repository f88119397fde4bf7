/**
 * The terminal of a command under test: a CliIO that keeps what the command writes, and
 * `runCli`, which runs `batch-job-log <args>` (cli/main.ts) on one.
 */
import type { CliIO } from "../../cli/io";
import { main } from "../../cli/main";

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
