/**
 * `batch-job-log find [NAME]`: recent jobs, newest first. With a NAME, the runs of that job name
 * from the `byJobName` index (hash jobName, range createdAt; --since/--until bound the creation
 * time). Without one, or with a name prefix (`nightly-*`), the jobs of the whole table from the
 * listing indexes (`byStatusDay`, or `byQueueDay` with --queue; cli/lookup/list.ts), by the time
 * each ended. --status, --account, --job-region and --queue narrow both; pages are read until
 * --limit jobs matched, and a last line says when more match and how to read on.
 */
import { EXIT_OK, type CliIO } from "../io";
import { guard, openTable, type LookupDeps } from "../lookup/context";
import { elapsed, formatTime, shortArn } from "../lookup/format";
import { DEFAULT_LIST_LIMIT, listJobs, listRuns, type ListFilter } from "../lookup/list";
import type { RunSummary } from "../lookup/table";
import { timeWindow } from "../lookup/time";
import { defineCommand, OptionError, type Input } from "../options";
import { BATCH_STATUSES } from "../../record/constants";
import { AWS_OPTIONS, DB, JSON_OUTPUT, SAMPLE, SAMPLE_DB, TABLE } from "./shared";

export const spec = defineCommand({
  name: "find",
  summary: "recent jobs, of a job name or of the whole table",
  description: [
    "With NAME, the most recent runs of that job name, newest first (byJobName index). " +
      "Without NAME, or with a prefix such as nightly-*, recent jobs of the whole table by the " +
      "time each ended, newest first, from the listing indexes (byStatusDay, byQueueDay with " +
      "--queue): no Scan. Without --since a list looks back 7 days. --status, --queue, " +
      "--account and --job-region narrow either. When more jobs match than --limit, a last line " +
      "says so: --limit 0 prints all, --next-token reads on. ACCOUNT and REGION columns appear " +
      "when the jobs span several (a hub table).",
  ],
  positionals: [
    { name: "NAME", optional: true, description: "a job name, or a prefix ending in *" },
  ],
  options: [
    {
      name: "status",
      type: "text",
      valueName: "STATUS",
      repeatable: true,
      choices: BATCH_STATUSES,
      ignoreCase: true,
      description: "only jobs in these statuses: repeat it, or separate them by commas",
    },
    {
      name: "queue",
      type: "text",
      valueName: "QUEUE",
      description: "only jobs of this job queue (name or ARN)",
    },
    {
      name: "since",
      type: "text",
      valueName: "TIME",
      description:
        "only jobs from this time on (with NAME: created; without: ended): a duration ago " +
        "(10m, 2h, 3d) or an ISO 8601 time (2026-11-01T08:00Z; UTC unless it names an offset)",
    },
    {
      name: "until",
      type: "text",
      valueName: "TIME",
      description: "only jobs before this time, written as for --since",
    },
    {
      name: "account",
      type: "text",
      valueName: "ACCOUNT",
      description: "only jobs in this AWS account (a hub table holds several)",
    },
    {
      name: "job-region",
      type: "region",
      description: "only jobs in this region (--region is the table's)",
    },
    {
      name: "limit",
      type: "text",
      valueName: "N",
      default: String(DEFAULT_LIST_LIMIT),
      description: "at most N jobs; 0 for all",
    },
    {
      name: "next-token",
      type: "text",
      valueName: "TOKEN",
      description: "read on from where the previous find stopped (the token its last line gave)",
    },
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "one JSON object a line (JSON Lines): {jobId, jobName, createdAt, status, exitCode, " +
        "startedAt, stoppedAt, jobQueue, region, account} (without NAME, listedAt too); the " +
        "'more match' line goes to stderr",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "Every run named like an array job of the sample: the parent and its children",
      command: `batch-job-log find ${SAMPLE.arrayName} --db ${SAMPLE_DB}`,
    },
    {
      description: "The newest three, as JSON",
      command: `batch-job-log find ${SAMPLE.arrayName} --limit 3 --json --db ${SAMPLE_DB}`,
    },
    {
      description:
        "What failed in any queue during an hour of the sample (without NAME: the whole table; the status in any case)",
      command: `batch-job-log find --status failed --since 2026-11-01T01:00Z --until 2026-11-01T02:00Z --db ${SAMPLE_DB}`,
    },
    {
      description: "Every job of one queue that day, succeeded or failed, the sim-* ones only",
      command: `batch-job-log find sim-* --queue fargate-default --status succeeded,failed --since 2026-11-01 --until 2026-11-02 --limit 5 --db ${SAMPLE_DB}`,
    },
  ],
});

/** --limit: a whole number, 0 for all, or a usage error. */
export function parseLimit(text: string): number {
  if (!/^\d{1,9}$/.test(text)) {
    throw new OptionError(`--limit for find must be a whole number (0 for all), got "${text}"`);
  }
  return Number(text);
}

/** --status values, repeated or comma-separated (each already checked by the parser). */
function statusesOf(values: readonly string[]): string[] {
  return [...new Set(values.flatMap((v) => v.split(",")))];
}

export async function run(
  input: Input<typeof spec>,
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  const { common, values, args, out } = input;
  const name = args.NAME;
  const now = deps.now ?? Date.now;
  const window = timeWindow("find", values.since, values.until, now());
  const filter: ListFilter = {
    statuses: statusesOf(values.status),
    queue: values.queue,
    since: window.startTime,
    until: window.endTime,
    account: values.account,
    region: values["job-region"],
    ...(name?.endsWith("*") ? { namePrefix: name.slice(0, -1) } : {}),
  };
  const page = { limit: parseLimit(values.limit), nextToken: values["next-token"] };

  return guard("find", io, async (context) => {
    const { table, client } = await openTable(common, io, deps, context);
    const ctx = { tableName: table.tableName, client, now };
    const exact = name !== undefined && !name.endsWith("*");
    const { runs, nextToken } = exact
      ? await listRuns(ctx, name, filter, page)
      : await listJobs(ctx, filter, page).then((r) => ({ runs: r.jobs, nextToken: r.nextToken }));
    if (common.json) {
      // A list: JSON Lines, one job a line (docs/cli.md, "JSON output").
      for (const r of runs) out.item(r);
    } else if (runs.length === 0) {
      io.stderr.write(`${nothing(name, filter, exact, table.tableName)}.\n`);
    } else {
      printRuns(out, runs, !exact);
    }
    if (nextToken) {
      io.stderr.write(
        `${runs.length} shown, more match: --limit 0 for all, or --next-token ${nextToken}\n`,
      );
    }
    return EXIT_OK;
  });
}

/** "no runs of job name N with status S …": what was asked, for the empty answer. */
function nothing(
  name: string | undefined,
  filter: ListFilter,
  exact: boolean,
  tableName: string,
): string {
  const what = exact ? `no runs of job name ${name}` : name ? `no jobs named ${name}` : "no jobs";
  return [
    what,
    ` in table ${tableName}`,
    filter.statuses?.length ? ` with status ${filter.statuses.join(" or ")}` : "",
    filter.queue ? ` in queue ${filter.queue}` : "",
    filter.account ? ` in account ${filter.account}` : "",
    filter.region ? ` in region ${filter.region}` : "",
    !exact && filter.since === undefined ? " in the last 7 days (--since for older)" : "",
  ].join("");
}

/** The table of runs; a list (`ended`) leads with the time each job is listed at. */
function printRuns(
  out: Input<typeof spec>["out"],
  runs: readonly (RunSummary & { listedAt?: number })[],
  ended: boolean,
): void {
  // A hub table: say where each run was when they were not all in one place.
  const where = new Set(runs.map((r) => `${r.account ?? "-"} ${r.region ?? "-"}`)).size > 1;
  const names = new Set(runs.map((r) => r.jobName)).size > 1;
  out.printTable(
    [
      [
        ended ? "ENDED" : "CREATED",
        "STATUS",
        "EXIT",
        "RAN",
        "JOB ID",
        ...(names ? ["NAME"] : []),
        ...(where ? ["ACCOUNT", "REGION"] : []),
        "QUEUE",
      ],
      ...runs.map((r) => [
        formatTime(ended ? r.listedAt : r.createdAt),
        r.status,
        r.exitCode === undefined ? "-" : String(r.exitCode),
        elapsed(r.startedAt, r.stoppedAt) ?? "-",
        r.jobId,
        ...(names ? [r.jobName ?? "-"] : []),
        ...(where ? [r.account ?? "-", r.region ?? "-"] : []),
        shortArn(r.jobQueue) ?? "-",
      ]),
    ],
    { statusColumn: 1 },
  );
}
