/**
 * `batch-job-log find NAME`: the most recent runs of a job name, newest first, from the
 * `byJobName` index (hash jobName, range createdAt). --since is a key condition on createdAt,
 * --status a filter (pages are read until --limit runs matched).
 */
import { BATCH_STATUSES } from "../record";
import { EXIT_OK, UsageError, type CliIO } from "./io";
import { guard, openTable, type LookupDeps } from "./lookup/context";
import { columns, elapsed, formatTime, shortArn } from "./lookup/format";
import {
  COMMON_USAGE,
  onePositional,
  parseCommandArgs,
  parseDuration,
  parseWholeNumber,
} from "./lookup/options";

export const DEFAULT_LIMIT = 20;
export const FIND_USAGE = [
  "Usage: batch-job-log find NAME [options]",
  "",
  "The most recent runs of a job name, newest first.",
  "",
  "Options:",
  `  --status S        only runs in this status (${BATCH_STATUSES.join(", ")})`,
  "  --since DURATION  only runs created within this time, e.g. 10m, 2h, 3d",
  `  --limit N         at most N runs (default ${DEFAULT_LIMIT})`,
  "",
  COMMON_USAGE,
].join("\n");

interface FindValues {
  status?: string;
  since?: string;
  limit?: string;
}

export async function find(
  argv: readonly string[],
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  const { common, values, positionals } = parseCommandArgs<FindValues>(argv, {
    status: { type: "string" },
    since: { type: "string" },
    limit: { type: "string" },
  });
  if (common.help) {
    io.stdout.write(FIND_USAGE + "\n");
    return EXIT_OK;
  }
  const jobName = onePositional(positionals, "NAME");
  const status = values.status?.toUpperCase();
  if (status !== undefined && !BATCH_STATUSES.includes(status)) {
    throw new UsageError(
      `--status must be one of ${BATCH_STATUSES.join(", ")}, got "${values.status}".`,
    );
  }
  const sinceMs = values.since === undefined ? undefined : parseDuration(values.since);
  const limit =
    values.limit === undefined ? DEFAULT_LIMIT : parseWholeNumber(values.limit, "--limit");
  const now = deps.now ?? Date.now;

  return guard("find", io, async (context) => {
    const { table } = await openTable(common, io, deps, context);
    const runs = await table.runsByName({
      jobName,
      status,
      limit,
      createdSince: sinceMs === undefined ? undefined : now() - sinceMs,
    });
    if (common.json) {
      io.stdout.write(JSON.stringify(runs, null, 2) + "\n");
      return EXIT_OK;
    }
    if (runs.length === 0) {
      io.stderr.write(
        `no runs of job name ${jobName} in table ${table.tableName}${status ? ` with status ${status}` : ""}.\n`,
      );
      return EXIT_OK;
    }
    const rows = columns([
      ["CREATED", "STATUS", "EXIT", "RAN", "JOB ID", "QUEUE"],
      ...runs.map((r) => [
        formatTime(r.createdAt),
        r.status,
        r.exitCode === undefined ? "-" : String(r.exitCode),
        elapsed(r.startedAt, r.stoppedAt) ?? "-",
        r.jobId,
        shortArn(r.jobQueue) ?? "-",
      ]),
    ]);
    io.stdout.write(rows.join("\n") + "\n");
    return EXIT_OK;
  });
}
