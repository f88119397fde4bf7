/**
 * Which table a lookup reads on DynamoDB: --table, else BATCH_JOB_LOG_TABLE, else `pulumi stack
 * output tableName` (with --db, cli/local-db.ts names it). Nothing here loads an SDK or Pulumi.
 */
import type { CliIO } from "../io";
import type { CommonOptions } from "../options";
import { NoTableError } from "./errors";
import { runPulumi, type PulumiResult } from "./pulumi-cli";

export const TABLE_ENV = "BATCH_JOB_LOG_TABLE";

/** Runs `pulumi stack output tableName`; resolves undefined with why when it cannot. */
export type PulumiStackOutput = (
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
) => Promise<PulumiResult>;

/** The real one: the Pulumi CLI, looked up on the PATH of `env`, in the folder `cwd`. */
export const pulumiStackOutput: PulumiStackOutput = (cwd, env) =>
  runPulumi(["stack", "output", "tableName"], cwd, env);

/** The table to read: --table, else $BATCH_JOB_LOG_TABLE, else the stack's output. */
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
