/**
 * Reads the events to replay, as a stream: from files and folders (`.json` holds one event or an
 * array of events, `.jsonl` one event per line; a folder is searched recursively for both, in name
 * order) and from standard input (`-`, JSON Lines). Every item keeps where it came from
 * (`file:line` for JSON Lines, `file#index` for an array element, `file` for a file holding one
 * event), so a failure can be traced back to its input.
 *
 * Two kinds of problems, told apart on purpose:
 * - what makes the input as a whole unusable is an InputError (exit status 2), raised by
 *   `openEvents` before anything is read: a path that does not exist or cannot be read, a folder
 *   without event files, a file that is not .json/.jsonl, a .json file too large to parse whole;
 * - what spoils one item only (a line that is not JSON, a value that is not an event object, a
 *   .json file that is not valid JSON) is yielded as an `UnusableInput` naming its source and why,
 *   and the items after it are still read.
 *
 * JSON Lines are read chunk by chunk and never held whole; memory does not grow with the input.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "./errors";

export interface SourcedEvent {
  /** Where the event was read: `file:line`, `file#index` or `file`. */
  readonly source: string;
  readonly event: Record<string, unknown>;
  /** The JSON text it was parsed from, when it had a line of its own (JSON Lines). */
  readonly text?: string;
}

/** An input item that is not an event: its source and why, on one line. */
export interface UnusableInput {
  readonly source: string;
  readonly problem: string;
}

export type InputItem = SourcedEvent | UnusableInput;

export function isUnusable(item: InputItem): item is UnusableInput {
  return (item as UnusableInput).problem !== undefined;
}

export const EVENT_FILE_EXTENSIONS = [".json", ".jsonl"];

/** The path that means standard input. */
export const STDIN_PATH = "-";

/** How sources name standard input (`stdin:12`). */
export const STDIN_NAME = "stdin";

/**
 * A .json file is parsed whole: above this size it is refused before replaying (JSON Lines have
 * no limit). V8 cannot hold a string much over 512 MB, and parsing takes several times the size.
 */
export const MAX_JSON_FILE_BYTES = 250_000_000;

/**
 * A longer line is reported as not an event without being held: an EventBridge event is at most
 * 256 KB.
 */
export const MAX_LINE_BYTES = 1_000_000;

/** Bytes read per chunk of a file. */
const CHUNK_BYTES = 1024 * 1024;

/** Where a stream of events comes from: a file as the user named it, or standard input. */
interface EventSource {
  /** Absolute path, or STDIN_PATH. */
  readonly file: string;
  /** How sources and errors refer to it. */
  readonly name: string;
  readonly lines: boolean;
}

export interface EventInput {
  /** The total size of the files in bytes; undefined when standard input is read. */
  readonly totalBytes?: number;
  /** The bytes read so far. */
  bytesRead(): number;
  /** The items, in input order, read as they are pulled. Iterate once. */
  items(): AsyncGenerator<InputItem>;
}

/**
 * The events of `paths` (files, folders, or `-` for `stdin`), resolved against `cwd`. Every path
 * is checked here, before anything is read; sources name files relative to `cwd` when they are
 * under it.
 */
export function openEvents(
  paths: readonly string[],
  cwd: string,
  stdin?: AsyncIterable<Buffer | string>,
): EventInput {
  const sources = eventSources(paths, cwd, stdin !== undefined);
  let totalBytes: number | undefined = 0;
  for (const source of sources) {
    if (source.file === STDIN_PATH) {
      totalBytes = undefined;
      continue;
    }
    const { size } = fs.statSync(source.file);
    if (!source.lines && size > MAX_JSON_FILE_BYTES) {
      throw new InputError(
        `${source.name}: ${megabytes(size)} MB; a .json file is parsed whole, up to ` +
          `${megabytes(MAX_JSON_FILE_BYTES)} MB: write it as JSON Lines (.jsonl, one event per ` +
          `line), e.g. jq -c '.[]' ${source.name} > events.jsonl`,
      );
    }
    if (totalBytes !== undefined) totalBytes += size;
  }
  const counter = { bytes: 0 };
  return {
    totalBytes,
    bytesRead: () => counter.bytes,
    async *items() {
      for (const source of sources) {
        const chunks =
          source.file === STDIN_PATH
            ? (stdin as AsyncIterable<Buffer | string>)
            : fs.createReadStream(source.file, { highWaterMark: CHUNK_BYTES });
        try {
          if (source.lines) yield* jsonLines(chunks, source.name, counter);
          else yield* jsonDocument(chunks, source.name, counter);
        } catch (error) {
          // The file was checked before, but reading it can still fail (removed, I/O error).
          const code = (error as NodeJS.ErrnoException).code;
          yield { source: source.name, problem: `cannot read it (${code ?? error}).` };
        }
      }
    },
  };
}

/** The event files and standard input that `paths` name, in order; InputError when unusable. */
function eventSources(paths: readonly string[], cwd: string, hasStdin: boolean): EventSource[] {
  const sources: EventSource[] = [];
  for (const given of paths) {
    if (given === STDIN_PATH) {
      if (!hasStdin) throw new InputError(`-: there is no standard input to read.`);
      if (sources.some((s) => s.file === STDIN_PATH)) {
        throw new InputError(`-: standard input can be read only once.`);
      }
      sources.push({ file: STDIN_PATH, name: STDIN_NAME, lines: true });
      continue;
    }
    const absolute = path.resolve(cwd, given);
    const stat = statOrFail(absolute, given);
    let files: string[];
    if (stat.isDirectory()) {
      files = walk(absolute);
      if (files.length === 0) {
        throw new InputError(`${given}: the folder holds no .json or .jsonl files.`);
      }
    } else if (!EVENT_FILE_EXTENSIONS.includes(path.extname(absolute))) {
      throw new InputError(`${given}: not a .json or .jsonl file of events.`);
    } else {
      files = [absolute];
    }
    for (const file of files) {
      const name = displayName(file, cwd);
      try {
        fs.accessSync(file, fs.constants.R_OK);
      } catch (error) {
        throw new InputError(
          `${name}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error}).`,
        );
      }
      sources.push({ file, name, lines: path.extname(file) === ".jsonl" });
    }
  }
  return sources;
}

/** One event per non-blank line; a line that is not one is yielded as UnusableInput. */
async function* jsonLines(
  chunks: AsyncIterable<Buffer | string>,
  name: string,
  counter: { bytes: number },
): AsyncGenerator<InputItem> {
  // The start of the current line, from earlier chunks; dropped once it is over MAX_LINE_BYTES.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  let line = 1;
  const lineItem = (last: Buffer): InputItem | undefined => {
    const source = `${name}:${line}`;
    const first = line === 1;
    const tooLong = overlong || pendingBytes + last.length > MAX_LINE_BYTES;
    const whole = tooLong || pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    pendingBytes = 0;
    overlong = false;
    line++;
    if (tooLong) {
      return {
        source,
        problem:
          `a line of over ${megabytes(MAX_LINE_BYTES)} MB, not an event ` +
          `(EventBridge events are at most 256 KB).`,
      };
    }
    let text = whole.toString("utf8");
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith("\r")) text = text.slice(0, -1);
    return text.trim() === "" ? undefined : parseItem(text, source);
  };
  for await (const raw of chunks) {
    const chunk = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
    counter.bytes += chunk.length;
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      const item = lineItem(chunk.subarray(start, end));
      start = end + 1;
      if (item) yield item;
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0 && !overlong) {
      pending.push(rest);
      pendingBytes += rest.length;
      if (pendingBytes > MAX_LINE_BYTES) {
        overlong = true;
        pending = [];
      }
    }
  }
  if (pendingBytes > 0 || overlong) {
    const item = lineItem(Buffer.alloc(0));
    if (item) yield item;
  }
}

/** A .json file: one event, or an array of events (each element yielded on its own). */
async function* jsonDocument(
  chunks: AsyncIterable<Buffer | string>,
  name: string,
  counter: { bytes: number },
): AsyncGenerator<InputItem> {
  const parts: Buffer[] = [];
  for await (const raw of chunks) {
    const chunk = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
    counter.bytes += chunk.length;
    parts.push(chunk);
  }
  const text = Buffer.concat(parts)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  parts.length = 0;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    yield { source: `${name}:${errorLine(text)}`, problem: invalidJson(error) };
    return;
  }
  if (!Array.isArray(value)) {
    yield asItem(value, name);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    yield asItem(value[i], `${name}#${i}`);
    value[i] = undefined; // let the element go once it is replayed
  }
}

/** The event on one line of JSON Lines. */
function parseItem(text: string, source: string): InputItem {
  try {
    return asItem(JSON.parse(text), source, text);
  } catch (error) {
    return { source, problem: invalidJson(error) };
  }
}

/** "invalid JSON: ...", on one line: V8 quotes the text around the error, line breaks included. */
function invalidJson(error: unknown): string {
  return `invalid JSON: ${(error as Error).message.replace(/\s*\n\s*/g, " ")}`;
}

function asItem(value: unknown, source: string, text?: string): InputItem {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const event = value as Record<string, unknown>;
    return text === undefined ? { source, event } : { source, event, text };
  }
  const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
  return { source, problem: `expected an event (a JSON object), got ${kind}.` };
}

/**
 * The events of one small file, read whole (the benchmark's and the tests' fixtures); an item that
 * is not an event is an InputError. `replay` streams its input with `openEvents` instead.
 */
export function readEventFile(file: string, name = file): SourcedEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    throw new InputError(
      `${name}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error}).`,
    );
  }
  const items: InputItem[] = [];
  if (path.extname(file) === ".jsonl") {
    text.split("\n").forEach((raw, i) => {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line.trim() !== "") items.push(parseItem(line, `${name}:${i + 1}`));
    });
  } else {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${name}:${errorLine(text)}: ${invalidJson(error)}`);
    }
    if (Array.isArray(value)) value.forEach((v, i) => items.push(asItem(v, `${name}#${i}`)));
    else items.push(asItem(value, name));
  }
  return items.map((item) => {
    if (isUnusable(item)) throw new InputError(`${item.source}: ${item.problem}`);
    return item;
  });
}

/**
 * The line (from 1) where `text` stops being valid JSON. JSON.parse does not always say where
 * (Node 20 reports "Unexpected token" without a position), so this scans the text itself.
 */
export function errorLine(text: string): number {
  // An input that ends early is reported on its last line that has content.
  return lineOf(text, Math.min(jsonErrorOffset(text), text.trimEnd().length));
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

/** Offset of the first character that breaks the JSON grammar (text.length if it ends early). */
function jsonErrorOffset(text: string): number {
  let i = 0;
  class Stop {
    constructor(readonly at: number) {}
  }
  const fail = (at = i): never => {
    throw new Stop(at);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) if (text[i++] !== ch) fail(i - 1);
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const ch = text[i];
      if (ch === '"') return void i++;
      if (ch < " ") fail();
      if (ch === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail();
        else i++;
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail();
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === "{") {
      i++;
      space();
      if (text[i] === "}") return void i++;
      for (;;) {
        space();
        string();
        space();
        if (text[i] !== ":") fail();
        i++;
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail();
      }
    }
    if (ch === "[") {
      i++;
      space();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === "t") return literal("true");
    if (ch === "f") return literal("false");
    if (ch === "n") return literal("null");
    if (ch === "-" || (ch >= "0" && ch <= "9")) return number();
    fail();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return text.length;
  } catch (error) {
    if (error instanceof Stop) return Math.min(error.at, text.length);
    // Nesting deeper than the stack: report where the scan got to.
    if (error instanceof RangeError) return i;
    throw error;
  }
}

function statOrFail(absolute: string, given: string): fs.Stats {
  try {
    return fs.statSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file or folder" : `cannot read it (${code ?? error})`;
    throw new InputError(`${given}: ${why}.`);
  }
}

/**
 * The event files under `dir`, in name order. Symbolic links are followed, to files and folders
 * alike; a link back to a folder being walked (a loop) and a link to nothing that is named like
 * an event file are errors that name the link.
 */
function walk(dir: string, walking: ReadonlySet<string> = new Set([realpathOf(dir)])): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(
      `${dir}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? error}).`,
    );
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    const eventFile = EVENT_FILE_EXTENSIONS.includes(path.extname(entry.name));
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      let target: fs.Stats;
      try {
        target = fs.statSync(full);
      } catch (error) {
        if (!eventFile) continue;
        const code = (error as NodeJS.ErrnoException).code;
        throw new InputError(`${full}: a symbolic link to nothing that can be read (${code}).`);
      }
      isDirectory = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDirectory) {
      const real = realpathOf(full);
      if (walking.has(real)) {
        throw new InputError(`${full}: a symbolic link loop (back to ${real}).`);
      }
      for (const file of walk(full, new Set([...walking, real]))) files.push(file);
    } else if (isFile && eventFile) files.push(full);
  }
  return files;
}

function realpathOf(dir: string): string {
  return fs.realpathSync(dir);
}

/** `file` relative to `cwd` when under it (as a user would type it), else absolute. */
function displayName(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}
