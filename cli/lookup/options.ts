/**
 * The flags every lookup command shares (--table, --region, --endpoint, --db, --json, --help), the
 * table-name resolution (flag, then BATCH_JOB_LOG_TABLE, then `pulumi stack output tableName`)
 * and the duration syntax of --since. Nothing here loads an SDK or Pulumi.
 */
import { parseArgs, type ParseArgsConfig } from "util";
import { firstLine, UsageError, type CliIO } from "../io";
import { checkDbOrEndpoint } from "../local-db";
import { NoTableError } from "./errors";
import { runPulumi, type PulumiResult } from "./pulumi-cli";

export const TABLE_ENV = "BATCH_JOB_LOG_TABLE";

export interface CommonOptions {
  readonly table?: string;
  readonly region?: string;
  readonly endpoint?: string;
  /** A folder `replay --db` kept its table in (cli/local-db.ts). */
  readonly db?: string;
  readonly json: boolean;
  readonly help: boolean;
}

type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

const COMMON_SPEC: OptionSpec = {
  table: { type: "string" },
  region: { type: "string" },
  endpoint: { type: "string" },
  db: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

export const COMMON_USAGE = [
  "Common options:",
  "  --table NAME     the job table (default: $BATCH_JOB_LOG_TABLE, else `pulumi stack output tableName`)",
  "  --region REGION  the table's region (default: $AWS_REGION, $AWS_DEFAULT_REGION or the profile's)",
  "  --endpoint URL   a DynamoDB-compatible endpoint (e.g. http://localhost:8000)",
  "  --db DIR         the table `replay --db DIR` kept, read offline (default batch-job-log-<stack>)",
  "  --json           machine-readable output",
  "  -h, --help       this help",
].join("\n");

export interface ParsedArgs<V> {
  readonly common: CommonOptions;
  readonly values: V;
  readonly positionals: string[];
}

/**
 * Parses `argv` with the common flags plus `extra`; unknown flags and missing values are
 * UsageErrors. `values` holds the extra flags as parseArgs returns them.
 */
export function parseCommandArgs<V = Record<string, string | boolean | string[] | undefined>>(
  argv: readonly string[],
  extra: OptionSpec = {},
): ParsedArgs<V> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...COMMON_SPEC, ...extra },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs' messages name the flag ("Unknown option '--x'", "Option '--table <value>' argument missing").
    throw new UsageError(firstLine((error as Error).message));
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const text = (name: string): string | undefined => {
    const value = v[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "") throw new UsageError(`--${name} needs a value.`);
    return value;
  };
  const endpoint = text("endpoint");
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new UsageError(`--endpoint must be an http(s) URL, got "${endpoint}".`);
  }
  const db = text("db");
  checkDbOrEndpoint(db, endpoint);
  return {
    common: {
      table: text("table"),
      region: text("region"),
      endpoint,
      db,
      json: v.json === true,
      help: v.help === true,
    },
    values: v as V,
    positionals: parsed.positionals,
  };
}

/** Runs `pulumi stack output tableName`; resolves undefined with why when it cannot. */
export type PulumiStackOutput = (
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
) => Promise<PulumiResult>;

/** The real one: the Pulumi CLI, looked up on the PATH of `env`, in the folder `cwd`. */
export const pulumiStackOutput: PulumiStackOutput = (cwd, env) =>
  runPulumi(["stack", "output", "tableName"], cwd, env);

/** The table to read: --table, else $BATCH_JOB_LOG_TABLE, else the Pulumi stack's output. */
export async function resolveTableName(
  common: CommonOptions,
  io: CliIO,
  stackOutput: PulumiStackOutput = pulumiStackOutput,
): Promise<string> {
  if (common.table) return common.table;
  const fromEnv = io.env[TABLE_ENV];
  if (fromEnv) return fromEnv;
  const { value, problem } = await stackOutput(io.cwd, io.env);
  if (value) return value;
  throw new NoTableError(problem ?? "no Pulumi stack output");
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "90s", "10m", "2h", "3d", "1w" (or a combination such as "1h30m") in milliseconds. */
export function parseDuration(text: string, flag = "--since"): number {
  const parts = /^(?:\d+[smhdw])+$/.test(text) ? text.match(/\d+[smhdw]/g) : null;
  if (!parts) {
    throw new UsageError(
      `${flag} must be a duration such as 30s, 10m, 2h, 3d or 1w, got "${text}".`,
    );
  }
  const ms = parts.reduce(
    (sum, p) => sum + Number(p.slice(0, -1)) * DURATION_UNITS[p.slice(-1)],
    0,
  );
  if (ms <= 0) throw new UsageError(`${flag} must be longer than zero, got "${text}".`);
  return ms;
}

/** A whole number >= `min` from a flag's text. */
export function parseWholeNumber(text: string, flag: string, min = 1): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag} must be a whole number >= ${min}, got "${text}".`);
  }
  return n;
}

/** Exactly one positional argument named `what`. */
export function onePositional(positionals: readonly string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${what}.`);
  if (positionals.length > 1) {
    throw new UsageError(
      `expected one ${what}, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  }
  return positionals[0];
}
