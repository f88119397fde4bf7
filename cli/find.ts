/**
 * `batch-job-log find NAME`: the most recent runs of a job name, newest first, from the
 * `byJobName` index (hash jobName, range createdAt). --since is a key condition on createdAt,
 * --status, --account and --job-region filters on the index's projection (pages are read until
 * --limit runs matched). ACCOUNT and REGION columns appear when the runs span several.
 */
import { FIND } from "./commands";
import { EXIT_OK, type CliIO } from "./io";
import { guard, openTable, type LookupDeps } from "./lookup/context";
import { columns, elapsed, formatTime, shortArn } from "./lookup/format";
import { helpText, parseCommand } from "./options";

export async function find(
  argv: readonly string[],
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  const parsed = parseCommand(FIND, argv);
  if (parsed.help) {
    io.stdout.write(helpText(FIND));
    return EXIT_OK;
  }
  const { common, values, args } = parsed;
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
      io.stdout.write(JSON.stringify(runs, null, 2) + "\n");
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
    const rows = columns([
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
    ]);
    io.stdout.write(rows.join("\n") + "\n");
    return EXIT_OK;
  });
}
