/**
 * The one-line progress bar of `replay` and `backfill`, on stderr when it is a terminal (elsewhere
 * it draws nothing). It is redrawn at most every PROGRESS_INTERVAL_MS, so that a fast loop does
 * not spend its time writing to the terminal; the last step (done = total) is always drawn, and a
 * step skipped by the throttle is drawn by `done()`.
 */
import { unescaped } from "./output";

/** The least time between two drawings. */
export const PROGRESS_INTERVAL_MS = 100;

export interface ProgressBar {
  /** "LABEL: TEXT", for a phase whose total is not known yet (backfill's listing). */
  note(text: string): void;
  /** "LABEL [#####-----] DONE/TOTAL UNIT". */
  update(done: number, total: number): void;
  /** Erases the bar: before another line is written, or at the end. */
  clear(): void;
  /** Ends the bar's line, leaving its last state on the screen. */
  done(): void;
}

export interface ProgressOptions {
  /** What is counted, after the numbers ("events"); nothing by default. */
  readonly unit?: string;
  /** How DONE and TOTAL are written (e.g. bytes as megabytes); as they are by default. */
  readonly format?: (n: number) => string;
  /** Clock (epoch ms), for tests. */
  readonly now?: () => number;
}

/** A progress bar on `stream` whose lines start with `label`. */
export function progressBar(
  stream: { write(text: string): unknown; readonly isTTY?: boolean },
  label: string,
  options: ProgressOptions = {},
): ProgressBar {
  if (!stream.isTTY) return { note() {}, update() {}, clear() {}, done() {} };
  // The bar's own carriage returns and erase-line sequences, past the output layer's escaping.
  const out = unescaped(stream);
  const now = options.now ?? Date.now;
  const unit = options.unit ? ` ${options.unit}` : "";
  const format = options.format ?? String;
  const width = 30;
  let last = -Infinity;
  let drawn = false;
  /** The latest text the throttle kept from the screen. */
  let pending: string | undefined;
  const draw = (text: string, always: boolean) => {
    const t = now();
    if (!always && t - last < PROGRESS_INTERVAL_MS) {
      pending = text;
      return;
    }
    last = t;
    pending = undefined;
    out.write(`\r${text}\x1b[K`);
    drawn = true;
  };
  return {
    note(text) {
      draw(`${label}: ${text}`, false);
    },
    update(done, total) {
      const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
      const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
      draw(`${label} [${bar}] ${format(done)}/${format(total)}${unit}`, done >= total);
    },
    clear() {
      pending = undefined;
      if (drawn) out.write("\r\x1b[K");
      drawn = false;
    },
    done() {
      if (pending !== undefined) draw(pending, true);
      if (drawn) out.write("\n");
      drawn = false;
    },
  };
}
