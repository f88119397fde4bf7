/**
 * `batch-job-log find NAME`: the most recent runs of a job name, newest first, from the
 * `byJobName` index (hash jobName, range createdAt). --since is a key condition on createdAt,
 * --status, --account and --job-region filters on the index's projection (pages are read until
 * --limit runs matched). ACCOUNT and REGION columns appear when the runs span several.
 */
import { EXIT_OK, type CliIO } from "../io";
import { guard, openTable, type LookupDeps } from "../lookup/context";
import { elapsed, formatTime, shortArn } from "../lookup/format";
import { defineCommand, type Input } from "../options";
import { BATCH_STATUSES } from "../../record/constants";
import { AWS_OPTIONS, DB, JSON_OUTPUT, SAMPLE, SAMPLE_DB, SINCE, TABLE } from "./shared";

export const spec = defineCommand({
  name: "find",
  summary: "the most recent runs of a job name",
  description: [
    "The most recent runs of a job name, newest first, from the byJobName index; with --status, " +
      "--account or --job-region, pages are read until --limit runs matched. When the runs span " +
      "several accounts or regions (a hub table), ACCOUNT and REGION columns say where each ran.",
  ],
  positionals: [{ name: "NAME", description: "a job name" }],
  options: [
    {
      name: "status",
      type: "text",
      valueName: "STATUS",
      choices: BATCH_STATUSES,
      ignoreCase: true,
      description: "only runs in this status",
    },
    { ...SINCE, description: "only runs created within this time, e.g. 10m, 2h, 3d" },
    {
      name: "account",
      type: "text",
      valueName: "ACCOUNT",
      description: "only runs in this AWS account (a hub table holds several)",
    },
    {
      name: "job-region",
      type: "region",
      description: "only runs in this region (--region is the table's)",
    },
    { name: "limit", type: "count", default: 20, description: "at most N runs" },
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "one JSON object a line (JSON Lines): {jobId, jobName, createdAt, status, exitCode, " +
        "startedAt, stoppedAt, jobQueue, region, account}",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "Every run named like an array job of the sample: the parent and its children",
      command: `batch-job-log find ${SAMPLE.arrayName} --db ${SAMPLE_DB}`,
    },
    {
      description: "Only the failed ones (the status in any case)",
      command: `batch-job-log find ${SAMPLE.arrayName} --status failed --db ${SAMPLE_DB}`,
    },
    {
      description: "The newest three, as JSON",
      command: `batch-job-log find ${SAMPLE.arrayName} --limit 3 --json --db ${SAMPLE_DB}`,
    },
  ],
});

export async function run(
  input: Input<typeof spec>,
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  const { common, values, args, out } = input;
  const jobName = args.NAME;
  const { status, since: sinceMs, limit, account } = values;
  const region = values["job-region"];
  const now = deps.now ?? Date.now;

  return guard("find", io, async (context) => {
    const { table } = await openTable(common, io, deps, context);
    const runs = await table.runsByName({
      jobName,
      status,
      account,
      region,
      limit,
      createdSince: sinceMs === undefined ? undefined : now() - sinceMs,
    });
    if (common.json) {
      // A list: JSON Lines, one run a line (docs/cli.md, "JSON output").
      for (const r of runs) out.item(r);
      return EXIT_OK;
    }
    if (runs.length === 0) {
      const narrowed = [
        status ? ` with status ${status}` : "",
        account ? ` in account ${account}` : "",
        region ? ` in region ${region}` : "",
      ].join("");
      io.stderr.write(`no runs of job name ${jobName} in table ${table.tableName}${narrowed}.\n`);
      return EXIT_OK;
    }
    // A hub table: say where each run was when they were not all in one place.
    const where = new Set(runs.map((r) => `${r.account ?? "-"} ${r.region ?? "-"}`)).size > 1;
    out.printTable(
      [
        [
          "CREATED",
          "STATUS",
          "EXIT",
          "RAN",
          "JOB ID",
          ...(where ? ["ACCOUNT", "REGION"] : []),
          "QUEUE",
        ],
        ...runs.map((r) => [
          formatTime(r.createdAt),
          r.status,
          r.exitCode === undefined ? "-" : String(r.exitCode),
          elapsed(r.startedAt, r.stoppedAt) ?? "-",
          r.jobId,
          ...(where ? [r.account ?? "-", r.region ?? "-"] : []),
          shortArn(r.jobQueue) ?? "-",
        ]),
      ],
      { statusColumn: 1 },
    );
    return EXIT_OK;
  });
}
