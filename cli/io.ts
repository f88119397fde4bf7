import { InputError } from "../twin/errors";

/** What every subcommand gets: its arguments, where to write, and the environment. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths are resolved against. */
  readonly cwd: string;
  /** Standard input, for `replay -`; absent where there is none to read. */
  readonly stdin?: AsyncIterable<Buffer | string>;
}

/** A subcommand: resolves to the process exit status. */
export type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

/** Bad usage (unknown flag, unreadable path, invalid input file): exit status 2. */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The first line of `text`, trimmed: a message cut to the one line the tool prints. */
export function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

/** `text` kept whole on one line, each line break shown as "\n" (a value a message quotes). */
export function oneLine(text: string): string {
  return text.replace(/\r?\n/g, "\\n");
}

/**
 * Writes `text` to `stream` and, when the stream asks to (write returned false: a pipe its reader
 * has not emptied yet), waits for it to drain, so that a long output is not piled up in memory.
 */
export async function writeDrained(stream: CliIO["stdout"], text: string): Promise<void> {
  const writable = stream as CliIO["stdout"] & Partial<Pick<NodeJS.WritableStream, "once">>;
  if (writable.write(text) === false && writable.once) {
    await new Promise<void>((resolve) => writable.once?.("drain", () => resolve()));
  }
}

/** `n` with thousands separators and `noun`, plural unless n is 1: "1 job", "4,812 jobs". */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? noun : plural}`;
}
