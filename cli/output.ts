/**
 * The one output layer every command prints through (cli/dispatch.ts makes it from the terminal
 * and the output options, and hands each command a CliIO whose stdout goes through it):
 *
 * - Text tables aligned in columns, fitted to the terminal's width: when a table is wider, its
 *   widest columns are narrowed and their long cells cut with a visible "…". Not on a pipe: a
 *   reader of a pipe gets every cell whole.
 * - Colour: a job's status is coloured on a terminal only, never when NO_COLOR is set (to
 *   anything but ""), with --no-color, or on a pipe or file.
 * - Escaping: on a terminal, control characters in what is printed (a log line, a reason, a name
 *   or a tag a job set) are shown escaped, `\x1b` for ESC, so that a job cannot clear the screen,
 *   move the cursor or write the reader's clipboard. Escaped: C0 controls but tab and line feed
 *   (so ESC, BEL, CR, backspace...), DEL and the C1 controls U+0080 to U+009F. --raw passes them
 *   through; on a pipe nothing is escaped (the bytes are the job's).
 * - `--json`, one convention for every command (docs/cli.md, "JSON output"): only JSON on stdout;
 *   a command about one thing (show, backfill, replay) writes one JSON document, indented; a
 *   command that lists things (find, logs, search) writes JSON Lines, one compact object per
 *   item, as the items come. Messages go to stderr. JSON strings carry control characters
 *   escaped by JSON itself (DEL and C1 too, as \u escapes), so --json is never escaped again
 *   nor coloured.
 */
import type { CliIO } from "./io";

/** What the command line says about the output; the rest comes from the terminal. */
export interface OutputFlags {
  readonly json?: boolean;
  /** --no-color */
  readonly noColor?: boolean;
  /** --raw: a job's control characters passed through, even on a terminal. */
  readonly raw?: boolean;
}

type Stream = CliIO["stdout"] & { readonly columns?: number };

/** The stream an escaping stream wraps, for what the tool itself draws (a progress bar). */
const UNESCAPED = Symbol("unescaped");

/**
 * The stream under an escaping one (or the stream itself): for the tool's own control sequences,
 * such as a progress bar's carriage return, which escaping would show as text.
 */
export function unescaped<S extends CliIO["stderr"]>(stream: S): S {
  return ((stream as { [UNESCAPED]?: S })[UNESCAPED] ?? stream) as S;
}

/** The control characters escaped on a terminal: C0 but tab and line feed, DEL, C1. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** `text` with each control character shown as `\xHH` (tab and line feed kept). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** What JSON.stringify leaves raw of the control characters: DEL and C1. */
const JSON_RAW_CONTROL = /[\x7f-\x9f]/g;

/**
 * JSON text with DEL and the C1 controls written as \u escapes, as JSON.stringify writes the C0
 * ones: the same values, and nothing a terminal acts on. (Outside strings JSON text is ASCII.)
 */
export function jsonSafe(text: string): string {
  return text.replace(
    JSON_RAW_CONTROL,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The colours of the job statuses (SGR codes): failures red, success green, the rest yellow. */
const STATUS_COLOURS: Readonly<Record<string, string>> = {
  SUCCEEDED: "32",
  FAILED: "31",
  RUNNING: "36",
  STARTING: "33",
  RUNNABLE: "33",
  PENDING: "33",
  SUBMITTED: "33",
};

/** The cut mark of a cell too long for its column. */
export const ELLIPSIS = "…";
/** A column is never narrowed below this (its header is cut rather). */
const MIN_COLUMN = 6;

/** A column's part in a table. */
export interface TableOptions {
  /** The column (0-based) holding a job status, coloured on a terminal. */
  readonly statusColumn?: number;
  /** Put before every line (and counted in the width). */
  readonly indent?: string;
}

export class Output {
  readonly json: boolean;
  /** Whether statuses are coloured. */
  readonly color: boolean;
  /** Whether control characters are escaped. */
  readonly escaping: boolean;
  /** The terminal's width, or undefined when stdout is no terminal (nothing is cut). */
  readonly width: number | undefined;
  /** The CliIO the command runs with: its stdout escapes what needs escaping. */
  readonly io: CliIO;
  private readonly raw: Stream;

  constructor(io: CliIO, flags: OutputFlags = {}) {
    this.raw = io.stdout as Stream;
    const terminal = this.raw.isTTY === true;
    const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
    this.json = flags.json === true;
    this.color = terminal && !this.json && !noColor && flags.noColor !== true;
    this.escaping = terminal && !this.json && flags.raw !== true;
    this.width = terminal && (this.raw.columns ?? 0) > 0 ? this.raw.columns : undefined;
    // stderr carries messages that quote what a job set (stream names, reasons): escaped on a
    // terminal too, --json or not.
    const stderr = io.stderr as Stream;
    const stderrEscaping = stderr.isTTY === true && flags.raw !== true;
    const stdout = this.escaping
      ? filtered(this.raw, escapeControls)
      : this.json
        ? filtered(this.raw, jsonSafe)
        : io.stdout;
    this.io = {
      stdout,
      stderr: stderrEscaping ? filtered(stderr, escapeControls) : io.stderr,
      env: io.env,
      cwd: io.cwd,
      // A getter, as main's: standard input is opened only by a command that reads it.
      get stdin() {
        return io.stdin;
      },
    };
  }

  /** `text` as it may be shown: escaped when escaping. */
  escape(text: string): string {
    return this.escaping ? escapeControls(text) : text;
  }

  /** A status (escaped), coloured when colouring. */
  status(status: string, padTo = 0): string {
    const text = this.escape(status);
    const pad = " ".repeat(Math.max(0, padTo - text.length));
    const colour = STATUS_COLOURS[status];
    return this.color && colour ? `\x1b[${colour}m${text}\x1b[0m${pad}` : text + pad;
  }

  /** Writes text, escaped when escaping. */
  print(text: string): unknown {
    return this.raw.write(this.escape(text));
  }

  /** Writes lines already escaped (and perhaps coloured) by this layer, each with a newline. */
  printLines(lines: readonly string[]): void {
    if (lines.length > 0) this.raw.write(lines.join("\n") + "\n");
  }

  /** One JSON document, indented. */
  document(value: unknown): void {
    this.raw.write(jsonSafe(JSON.stringify(value, null, 2)) + "\n");
  }

  /** One JSON Lines item: compact, one line. */
  item(value: unknown): void {
    this.raw.write(jsonSafe(JSON.stringify(value)) + "\n");
  }

  /** A table's lines (see `table`), written. */
  printTable(rows: readonly (readonly string[])[], options: TableOptions = {}): void {
    this.printLines(this.table(rows, options));
  }

  /**
   * Rows as left-aligned columns two spaces apart, every cell escaped, fitted to the terminal's
   * width (long cells cut with "…"), the status column coloured; trailing spaces trimmed. The
   * last cell of a row is not padded.
   */
  table(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
    const indent = options.indent ?? "";
    const cells = rows.map((row) => row.map((cell) => this.escape(cell)));
    const widths = fitWidths(
      columnWidths(cells),
      this.width === undefined ? undefined : this.width - indent.length,
    );
    return cells.map((row) => {
      const line = row.map((cell, i) => {
        const last = i === row.length - 1;
        const text = cut(cell, widths[i]);
        if (i === options.statusColumn) {
          return this.status(text, last ? 0 : widths[i]);
        }
        return last ? text : text.padEnd(widths[i]);
      });
      return (indent + line.join("  ")).trimEnd();
    });
  }
}

/** `stream` with `filter` applied to what is written, keeping write's result and "drain". */
function filtered(stream: Stream, filter: (text: string) => string): Stream {
  const raw = stream as Stream & Partial<Pick<NodeJS.WritableStream, "once">>;
  return {
    write: (text: string) => raw.write(filter(text)),
    isTTY: raw.isTTY,
    columns: raw.columns,
    ...(raw.once ? { once: raw.once.bind(raw) } : {}),
    [UNESCAPED]: stream,
  } as Stream;
}

/** The widest cell of each column. */
function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}

/**
 * Column widths that fit `width` (two spaces between columns): the widest column is narrowed
 * one character at a time, never below MIN_COLUMN; unchanged without a width.
 */
export function fitWidths(widths: readonly number[], width: number | undefined): number[] {
  const fitted = [...widths];
  if (width === undefined) return fitted;
  const total = () => fitted.reduce((sum, w) => sum + w, 0) + 2 * Math.max(0, fitted.length - 1);
  while (total() > width) {
    const widest = fitted.reduce((best, w, i) => (w > fitted[best] ? i : best), 0);
    if (fitted[widest] <= MIN_COLUMN) break;
    fitted[widest] -= 1;
  }
  return fitted;
}

/** `text` cut to `width` characters, the last of them "…" when cut. */
export function cut(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, Math.max(0, width - 1)) + ELLIPSIS;
}
