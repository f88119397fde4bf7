/**
 * The one option parser of every subcommand. A command is declared once, as data (a CommandSpec:
 * name, summary, positionals, options, AWS options, examples), and from that one spec come the
 * parsing with typed values, the `--help` text, the one-line usage errors and (cli/commands/completion.ts)
 * the shell completion. The specs themselves are each beside its command, in cli/commands/.
 *
 * Built on `util.parseArgs` in tokens mode, which splits `--name=value`, `-abc` and `--` as
 * POSIX tools do; this module adds what it lacks: long aliases (`--endpoint`), allowed values,
 * typed and validated values, repeated-option checks, conflicts, and messages that name the
 * option and the command. commander and yargs were not taken: both would need their help layout
 * and error texts overridden to read like this, neither writes a zsh script from the spec, and
 * the tool's own code here is a few hundred lines without a dependency.
 *
 * Nothing here loads an SDK or Pulumi: `--help` and usage errors stay light.
 */
import { parseArgs } from "util";
import { UsageError } from "./io";
import type { Output } from "./output";

export const PROGRAM = "batch-job-log";

/** What each value type parses to. */
export interface ValueTypes {
  boolean: boolean;
  /** Any non-empty text. */
  text: string;
  /** A file or folder (completes file names). */
  path: string;
  /** A folder (completes folder names). */
  dir: string;
  /** Milliseconds, from "30s", "10m", "2h", "3d", "1w" or a sum such as "1h30m". */
  duration: number;
  /** A whole number of at least 1. */
  count: number;
  /** A DynamoDB table name. */
  table: string;
  /** An AWS region name. */
  region: string;
  /** An http:// or https:// URL. */
  url: string;
}
export type ValueType = keyof ValueTypes;

export interface OptionSpec {
  /** The long name, without `--`. */
  readonly name: string;
  /** Other long names (`endpoint` for `endpoint-url`). */
  readonly aliases?: readonly string[];
  /** One letter: `-f`. */
  readonly short?: string;
  readonly type: ValueType;
  /** The placeholder in the help (`--since DURATION`); by default the type's. */
  readonly valueName?: string;
  readonly description: string;
  /** May be given several times; the values come as an array. */
  readonly repeatable?: boolean;
  /** The allowed values (the help and the completion list them). */
  readonly choices?: readonly string[];
  /** Choices match in any case; the value comes as the choice is spelled. */
  readonly ignoreCase?: boolean;
  /** The value when the option is absent (shown in the help). */
  readonly default?: string | number;
  /** Options that must not be given with this one. */
  readonly conflicts?: readonly string[];
  /** Options this one needs. */
  readonly requires?: readonly string[];
}

export interface PositionalSpec {
  /** As the help shows it: JOB_ID. */
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
  /** Takes every remaining argument (the last positional only). */
  readonly repeatable?: boolean;
  /** `path` completes file names. */
  readonly type?: "text" | "path";
  readonly choices?: readonly string[];
}

export interface Example {
  /** What it does, one line. */
  readonly description: string;
  readonly command: string;
}

export interface CommandSpec {
  readonly name: string;
  /** One line, for the list of commands. */
  readonly summary: string;
  /** Paragraphs of the help, between the usage line and the options. */
  readonly description: readonly string[];
  readonly positionals: readonly PositionalSpec[];
  readonly options: readonly OptionSpec[];
  /** The AWS options the command takes (--profile, --region, --endpoint-url), listed apart. */
  readonly aws?: readonly OptionSpec[];
  readonly examples: readonly Example[];
}

/** Declares a command: the spec as written, with its literal types kept for typed values. */
export function defineCommand<const S extends CommandSpec>(spec: S): S {
  return spec;
}

/** Declares an option shared by several commands. */
export function defineOption<const O extends OptionSpec>(option: O): O {
  return option;
}

type SpecOptions<S extends CommandSpec> =
  S["options"][number] | (S["aws"] extends readonly OptionSpec[] ? S["aws"][number] : never);

type OptionValue<O extends OptionSpec> = O["type"] extends "boolean"
  ? boolean
  : O extends { readonly repeatable: true }
    ? ValueTypes[O["type"]][]
    : O extends { readonly default: string | number }
      ? ValueTypes[O["type"]]
      : ValueTypes[O["type"]] | undefined;

/** The parsed options of a command, by long name. */
export type Values<S extends CommandSpec> = {
  [O in SpecOptions<S> as O["name"]]: OptionValue<O>;
};

/** The parsed positionals of a command, by name. */
export type Args<S extends CommandSpec> = {
  [P in S["positionals"][number] as P["name"]]: P extends { readonly repeatable: true }
    ? string[]
    : P extends { readonly optional: true }
      ? string | undefined
      : string;
};

/** The options most commands share, whichever of them the command declares. */
export interface CommonOptions {
  readonly table?: string;
  /** The folder of the embedded table `replay --db DIR` keeps. */
  readonly db?: string;
  readonly profile?: string;
  readonly region?: string;
  /** --endpoint-url (or its alias --endpoint): every AWS client's endpoint. */
  readonly endpoint?: string;
  readonly json: boolean;
}

export type Parsed<S extends CommandSpec> =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly values: Values<S>;
      readonly args: Args<S>;
      readonly common: CommonOptions;
    };

/** What a command's run function gets: its parsed arguments and the output layer. */
export interface Input<S extends CommandSpec> {
  readonly values: Values<S>;
  readonly args: Args<S>;
  readonly common: CommonOptions;
  /** Where it prints (cli/output.ts): tables, JSON, colour, escaping. */
  readonly out: Output;
}

/** A usage error found by the parser; its message names the command, so it goes out as is. */
export class OptionError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "OptionError";
  }
}

const HELP: OptionSpec = {
  name: "help",
  short: "h",
  type: "boolean",
  description: "show this help",
};

interface ValueRule<T> {
  readonly valueName: string;
  /** Completes "must ..." in `--flag for command must ..., got "x"`. */
  readonly mustBe: string;
  /** The value, or undefined when the text is not one. */
  parse(text: string): T | undefined;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "30s", "10m", "2h", "3d", "1w", or a sum such as "1h30m", in milliseconds; else undefined. */
export function durationMs(text: string): number | undefined {
  if (!/^(?:\d+[smhdw])+$/.test(text)) return undefined;
  const ms = (text.match(/\d+[smhdw]/g) ?? []).reduce(
    (sum, part) => sum + Number(part.slice(0, -1)) * DURATION_UNITS[part.slice(-1)],
    0,
  );
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** A whole number of at least 1, else undefined. */
export function countOf(text: string): number | undefined {
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** An http:// or https:// URL with a host, else undefined. */
export function httpUrl(text: string): string | undefined {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host !== ""
      ? text
      : undefined;
  } catch {
    return undefined;
  }
}

const nonEmpty = (text: string) => (text === "" ? undefined : text);
const matching = (pattern: RegExp) => (text: string) => (pattern.test(text) ? text : undefined);

/** Every validation of an option value, with its one wording. */
const VALUE_RULES: { readonly [T in Exclude<ValueType, "boolean">]: ValueRule<ValueTypes[T]> } = {
  text: { valueName: "VALUE", mustBe: "must not be empty", parse: nonEmpty },
  path: { valueName: "PATH", mustBe: "must not be empty", parse: nonEmpty },
  dir: { valueName: "DIR", mustBe: "must not be empty", parse: nonEmpty },
  duration: {
    valueName: "DURATION",
    mustBe: "must be a duration such as 30s, 10m, 2h, 3d or 1w",
    parse: durationMs,
  },
  count: { valueName: "N", mustBe: "must be a whole number of at least 1", parse: countOf },
  table: {
    valueName: "NAME",
    mustBe: 'must be a DynamoDB table name: 3 to 255 letters, digits, "_", "-" or "."',
    parse: matching(/^[A-Za-z0-9_.-]{3,255}$/),
  },
  region: {
    valueName: "REGION",
    mustBe: "must be a region such as us-east-1",
    parse: matching(/^[a-z]{2}(-[a-z]+)+-\d+$/),
  },
  url: { valueName: "URL", mustBe: "must be an http:// or https:// URL", parse: httpUrl },
};

/** "see batch-job-log show --help" */
function seeHelp(spec: CommandSpec): string {
  return `(see ${PROGRAM} ${spec.name} --help)`;
}

/** Every option of a command, help included. */
export function allOptions(spec: CommandSpec): OptionSpec[] {
  return [...spec.options, ...(spec.aws ?? []), HELP];
}

/** The placeholder of an option's value, or undefined for a flag. */
export function valueNameOf(option: OptionSpec): string | undefined {
  return option.type === "boolean"
    ? undefined
    : (option.valueName ?? VALUE_RULES[option.type].valueName);
}

/**
 * Parses `argv` against `spec`. `--help` anywhere (before `--`) wins over every other problem;
 * otherwise every problem is an OptionError naming the option and the command.
 */
export function parseCommand<const S extends CommandSpec>(
  spec: S,
  argv: readonly string[],
): Parsed<S> {
  const options = allOptions(spec);
  const byLong = new Map<string, OptionSpec>();
  for (const o of options) {
    for (const name of [o.name, ...(o.aliases ?? [])]) byLong.set(name, o);
  }
  const { tokens } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(
      options.flatMap((o) =>
        [o.name, ...(o.aliases ?? [])].map((name) => [
          name,
          {
            type: o.type === "boolean" ? ("boolean" as const) : ("string" as const),
            ...(o.short && name === o.name ? { short: o.short } : {}),
          },
        ]),
      ),
    ),
  });

  // parseArgs names a known short flag by its long name, an unknown one by its letter.
  const optionOf = (token: { name: string }) => byLong.get(token.name);
  if (tokens.some((t) => t.kind === "option" && optionOf(t) === HELP)) return { help: true };

  const values: Record<string, unknown> = {};
  const given = new Map<string, string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const flag = token.rawName;
    const option = optionOf(token);
    if (!option) throw new OptionError(unknownOption(flag, spec, options));
    const name = option.name;
    if (given.has(name) && !option.repeatable) {
      throw new OptionError(`${flag} for ${spec.name} is given more than once`);
    }
    given.set(name, flag);
    if (option.type === "boolean") {
      if (token.inlineValue) throw new OptionError(`${flag} for ${spec.name} takes no value`);
      values[name] = true;
      continue;
    }
    const text = token.value;
    // As parseArgs' strict mode: a value that looks like an option is a forgotten value.
    if (text === undefined || text === "" || (!token.inlineValue && text.startsWith("-"))) {
      throw new OptionError(`${flag} for ${spec.name} needs a value`);
    }
    const value = valueOf(option, text, `${flag} for ${spec.name}`);
    values[name] = option.repeatable ? [...((values[name] as unknown[]) ?? []), value] : value;
  }

  for (const [name, flag] of given) {
    const option = byLong.get(name) as OptionSpec;
    for (const other of option.conflicts ?? []) {
      if (given.has(other)) {
        throw new OptionError(
          `${flag} for ${spec.name} cannot be combined with ${given.get(other)}`,
        );
      }
    }
    for (const needed of option.requires ?? []) {
      if (!given.has(needed)) throw new OptionError(`${flag} for ${spec.name} needs --${needed}`);
    }
  }
  for (const o of options) {
    if (values[o.name] !== undefined || o === HELP) continue;
    if (o.type === "boolean") values[o.name] = false;
    else if (o.repeatable) values[o.name] = [];
    else if (o.default !== undefined) values[o.name] = o.default;
  }

  const args = positionalsOf(spec, positionals);
  const v = values as Record<string, string | boolean | undefined>;
  const common: CommonOptions = {
    table: v.table as string | undefined,
    db: v.db as string | undefined,
    profile: v.profile as string | undefined,
    region: v.region as string | undefined,
    endpoint: v["endpoint-url"] as string | undefined,
    json: v.json === true,
  };
  return { help: false, values: values as Values<S>, args: args as Args<S>, common };
}

/** "unknown option --sinse for logs; did you mean --since? (see ...)" */
function unknownOption(flag: string, spec: CommandSpec, options: readonly OptionSpec[]): string {
  const names = options.flatMap((o) => [o.name, ...(o.aliases ?? [])]);
  const suggestion = flag.startsWith("--") ? closest(flag.slice(2), names) : undefined;
  const mean = suggestion === undefined ? "" : `; did you mean --${suggestion}?`;
  return `unknown option ${flag} for ${spec.name}${mean} ${seeHelp(spec)}`;
}

/** An option's value from its text, checked against its type and choices. */
function valueOf(option: OptionSpec | PositionalSpec, text: string, what: string): unknown {
  if (option.choices) {
    const fold = (s: string) => ("ignoreCase" in option && option.ignoreCase ? s.toUpperCase() : s);
    // A repeatable option also takes its choices separated by commas (`--status failed,running`).
    const parts = option.repeatable ? text.split(",") : [text];
    return parts
      .map((part) => {
        const choice = option.choices?.find((c) => fold(c) === fold(part));
        if (choice === undefined) {
          throw new OptionError(
            `${what} must be one of ${option.choices?.join(", ")}, got "${part}"`,
          );
        }
        return choice;
      })
      .join(",");
  }
  const type = option.type ?? "text";
  if (type === "boolean") return true;
  const rule = VALUE_RULES[type] as ValueRule<unknown>;
  const value = rule.parse(text);
  if (value === undefined) throw new OptionError(`${what} ${rule.mustBe}, got "${text}"`);
  return value;
}

/** The positionals by name, or an OptionError for one missing or one too many. */
function positionalsOf(spec: CommandSpec, given: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  let i = 0;
  for (const p of spec.positionals) {
    if (p.repeatable) {
      args[p.name] = given.slice(i).map((text) => valueOf(p, text, `${p.name} for ${spec.name}`));
      i = given.length;
    } else if (i < given.length) {
      args[p.name] = valueOf(p, given[i++], `${p.name} for ${spec.name}`);
    } else if (!p.optional) {
      throw new OptionError(`missing ${p.name} for ${spec.name} ${seeHelp(spec)}`);
    }
  }
  if (i < given.length) {
    throw new OptionError(`unexpected argument "${given[i]}" for ${spec.name} ${seeHelp(spec)}`);
  }
  return args;
}

/** The closest of `candidates` to `word` (edit distance at most 2, or a prefix), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = name.startsWith(word) && word.length > 0 ? 1 : editDistance(word, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance, with a transposition counting as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** Help lines are wrapped to this width when the terminal's is unknown (a pipe, a file). */
export const HELP_WIDTH = 100;
/** Nor narrower than this on a narrow terminal. */
const MIN_HELP_WIDTH = 40;
/** Names wider than this put their description on the next line. */
const MAX_NAME_WIDTH = 32;

/** `text` wrapped at `helpWidth`, every line after the first indented by `indent`. */
function wrap(
  text: string,
  helpWidth: number,
  firstIndent: number,
  indent = firstIndent,
): string[] {
  const lines: string[] = [];
  let line = "";
  let width = helpWidth - firstIndent;
  for (const word of text.split(/ +/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
      width = helpWidth - indent;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.map((l, i) => " ".repeat(i === 0 ? firstIndent : indent) + l);
}

/** "  name   description" rows, the descriptions aligned and wrapped. */
function table(
  rows: readonly (readonly [string, string])[],
  nameWidth: number,
  helpWidth: number,
): string[] {
  return rows.flatMap(([name, description]) => {
    const indent = 2 + nameWidth + 2;
    if (name.length > nameWidth) return [`  ${name}`, ...wrap(description, helpWidth, indent)];
    const [first, ...rest] = wrap(description, helpWidth, indent);
    return [`  ${name.padEnd(nameWidth)}  ${first.trimStart()}`, ...rest];
  });
}

/** `-f, --follow`, `--endpoint-url, --endpoint URL` */
export function optionLabel(option: OptionSpec): string {
  const names = [
    ...(option.short ? [`-${option.short}`] : []),
    ...[option.name, ...(option.aliases ?? [])].map((n) => `--${n}`),
  ].join(", ");
  const value = valueNameOf(option);
  return value ? `${names} ${value}` : names;
}

/**
 * The description with what the spec says besides (allowed values, default, repeatable), in
 * parentheses: the description's own closing one, or new ones.
 */
function describe(option: OptionSpec | PositionalSpec, isOption: boolean): string {
  const o = option as Partial<OptionSpec>;
  const notes = [
    o.choices ? `one of ${o.choices.join(", ")}${o.ignoreCase ? ", in any case" : ""}` : undefined,
    o.default !== undefined ? `default ${o.default}` : undefined,
    // A repeatable positional shows as `[PATH ...]` in the usage line.
    isOption && o.repeatable ? "repeatable" : undefined,
  ].filter((n) => n !== undefined);
  if (notes.length === 0) return option.description;
  const text = notes.join("; ");
  return option.description.endsWith(")")
    ? `${option.description.slice(0, -1)}; ${text})`
    : `${option.description} (${text})`;
}

/** `show JOB_ID [options]`, `replay [PATH ...] [options]` */
export function synopsis(spec: CommandSpec): string {
  const args = spec.positionals.map((p) => {
    const name = p.repeatable ? `${p.name} ...` : p.name;
    return p.optional || p.repeatable ? `[${name}]` : name;
  });
  return [spec.name, ...args, "[options]"].join(" ");
}

/** The width help is wrapped to: the terminal's (`columns`), else HELP_WIDTH. */
export function helpWidth(columns: number | undefined): number {
  return columns === undefined ? HELP_WIDTH : Math.max(MIN_HELP_WIDTH, columns);
}

/**
 * The `--help` text: usage, description, arguments, options, AWS options, examples last; wrapped
 * to `width` columns.
 */
export function helpText(spec: CommandSpec, width = HELP_WIDTH): string {
  const sections: (readonly [string, (readonly [string, string])[]])[] = [
    ["Arguments:", spec.positionals.map((p) => [p.name, describe(p, false)] as const)],
    ["Options:", [...spec.options, HELP].map((o) => [optionLabel(o), describe(o, true)] as const)],
    ["AWS options:", (spec.aws ?? []).map((o) => [optionLabel(o), describe(o, true)] as const)],
  ];
  const nameWidth = Math.min(
    Math.min(MAX_NAME_WIDTH, Math.floor(width / 3)),
    Math.max(...sections.flatMap(([, rows]) => rows.map(([name]) => name.length))),
  );
  const lines = [`Usage: ${PROGRAM} ${synopsis(spec)}`];
  for (const paragraph of spec.description) lines.push("", ...wrap(paragraph, width, 0));
  for (const [title, rows] of sections) {
    if (rows.length > 0) lines.push("", title, ...table(rows, nameWidth, width));
  }
  if (spec.examples.length > 0) {
    lines.push("", "Examples:");
    spec.examples.forEach((e, i) => {
      if (i > 0) lines.push("");
      lines.push(...wrap(`# ${e.description}`, width, 2, 4), `  ${e.command}`);
    });
  }
  return lines.join("\n") + "\n";
}

/** The output options every command takes, anywhere on the line (cli/dispatch.ts answers them). */
export const OUTPUT_OPTIONS_HELP: readonly (readonly [string, string])[] = [
  ["--no-color", "no colour, even on a terminal (none either with NO_COLOR set, or on a pipe)"],
  ["--raw", "print the control characters a job wrote as they are (a terminal shows them escaped)"],
];

/** The tool's own usage: every command with its summary, wrapped to `width` columns. */
export function programHelp(specs: readonly CommandSpec[], width = HELP_WIDTH): string {
  const rows: [string, string][] = specs.map((s) => [s.name, s.summary]);
  const options: [string, string][] = [
    ["-h, --help", "show this help"],
    ["-v, --version", "print the version of batch-job-log, Node.js and the platform"],
    ...OUTPUT_OPTIONS_HELP.map(([name, text]) => [name, text] as [string, string]),
  ];
  const nameWidth = Math.max(...[...rows, ...options].map(([name]) => name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...table(rows, nameWidth, width),
    "",
    "Options:",
    ...table(options, nameWidth, width),
    "",
    ...wrap(
      "--json, --db, --table, --profile, --region and --endpoint-url may come before the " +
        `command too. Run '${PROGRAM} <command> --help' for a command's options and examples.`,
      width,
      0,
    ),
    "",
  ].join("\n");
}
