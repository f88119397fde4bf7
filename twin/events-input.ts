/**
 * Reads the events to replay from files and folders: `.json` holds one event or an array of
 * events, `.jsonl` one event per line; a folder is searched recursively for both, in name order.
 * Every event keeps where it came from (`file:line` for JSON Lines, `file#index` for an array
 * element, `file` for a file holding one event), so a failure can be traced back to its input.
 *
 * Anything that makes the input unusable is an InputError (exit status 2) naming the file and,
 * for invalid JSON, the line: an unreadable path, a file that is not .json/.jsonl, invalid JSON,
 * or a value that is not an event object.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "./errors";

export interface SourcedEvent {
  /** Where the event was read: `file:line`, `file#index` or `file`. */
  readonly source: string;
  readonly event: Record<string, unknown>;
}

export const EVENT_FILE_EXTENSIONS = [".json", ".jsonl"];

/**
 * Every event of `paths` (files or folders), resolved against `cwd`, in order. Sources name files
 * relative to `cwd` when they are under it.
 */
export function readEvents(paths: readonly string[], cwd: string): SourcedEvent[] {
  const events: SourcedEvent[] = [];
  for (const file of eventFiles(paths, cwd)) {
    events.push(...readEventFile(file, displayName(file, cwd)));
  }
  return events;
}

/** The event files `paths` name: files as given, folders expanded recursively in name order. */
function eventFiles(paths: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const stat = statOrFail(absolute, given);
    if (stat.isDirectory()) {
      const found = walk(absolute);
      if (found.length === 0) {
        throw new InputError(`${given}: the folder holds no .json or .jsonl files.`);
      }
      files.push(...found);
    } else if (!EVENT_FILE_EXTENSIONS.includes(path.extname(absolute))) {
      throw new InputError(`${given}: not a .json or .jsonl file of events.`);
    } else {
      files.push(absolute);
    }
  }
  return files;
}

/** The events of one file; `name` is how errors and sources refer to it. */
export function readEventFile(file: string, name = file): SourcedEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    throw new InputError(
      `${name}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error}).`,
    );
  }
  return path.extname(file) === ".jsonl" ? parseJsonLines(text, name) : parseJsonFile(text, name);
}

/** One event per non-blank line. */
function parseJsonLines(text: string, name: string): SourcedEvent[] {
  const events: SourcedEvent[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${name}:${i + 1}: invalid JSON: ${(error as Error).message}`);
    }
    events.push({ source: `${name}:${i + 1}`, event: asEvent(value, `${name}:${i + 1}`) });
  });
  return events;
}

/** One event (an object) or an array of events. */
function parseJsonFile(text: string, name: string): SourcedEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // One line: V8 quotes the text around the error, line breaks included.
    const message = (error as Error).message.replace(/\s*\n\s*/g, " ");
    throw new InputError(`${name}:${errorLine(text)}: invalid JSON: ${message}`);
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => ({
      source: `${name}#${i}`,
      event: asEvent(item, `${name}#${i}`),
    }));
  }
  return [{ source: name, event: asEvent(value, name) }];
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
    throw error;
  }
}

function asEvent(value: unknown, source: string): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
  throw new InputError(`${source}: expected an event (a JSON object), got ${kind}.`);
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

function walk(dir: string): string[] {
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
    if (entry.isDirectory()) files.push(...walk(full));
    else if (entry.isFile() && EVENT_FILE_EXTENSIONS.includes(path.extname(entry.name)))
      files.push(full);
  }
  return files;
}

/** `file` relative to `cwd` when under it (as a user would type it), else absolute. */
function displayName(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}
