/**
 * `batch-job-log backfill`: records the jobs Batch still remembers (DescribeJobs keeps finished
 * jobs for at least 7 days), so that jobs which ended before the stack existed can be looked up.
 *
 * Listing: ListJobs per queue and per terminal status (`jobStatus` SUCCEEDED, then FAILED). The
 * AFTER_CREATED_AT filter is not used: ListJobs ignores `jobStatus` whenever `filters` is given
 * (only SHARE_IDENTIFIER combines with it) and filters do not apply to array or multi-node
 * children, so --since is applied here to each summary's `createdAt`. Array and multi-node parents
 * do not list their children in the queue: those come from ListJobs with `arrayJobId` /
 * `multiNodeJobId`, per terminal status too.
 *
 * Writing: DescribeJobs in batches of 100, each job turned into a record by the handler's own
 * `buildJobRecord` with event id "" and no event time, then written by the handler's conditional
 * writer. The revision rule means a backfilled record never replaces an item written from an
 * event, nor a newer or more final one: a second run finds everything "unchanged". Throttling is
 * left to the Batch client's adaptive retry mode.
 */
import type {
  BatchClient,
  JobDetail,
  JobStatus,
  ListJobsCommandInput,
} from "@aws-sdk/client-batch";
import {
  buildJobRecord,
  createRecordWriter,
  isInvalidEventError,
  TERMINAL_STATUSES,
  type RecordWriter,
} from "../../record";
import { EXIT_FAILED, EXIT_OK, type CliIO } from "../io";
import { describeJobQueues, describeJobs, listJobs } from "../lookup/clients";
import { guard, openTable, startDbBatch, type LookupDeps } from "../lookup/context";
import { describeError } from "../lookup/errors";
import { accountOfArn } from "../lookup/job-ref";
import { batchClient } from "../lookup/live";
import { plural } from "../lookup/format";
import { defineCommand, type Input } from "../options";
import { progressBar } from "../progress";
import { AWS_OPTIONS, DB, JSON_OUTPUT, SAMPLE_DB, SINCE, TABLE } from "./shared";

export const spec = defineCommand({
  name: "backfill",
  summary: "record the jobs Batch still remembers",
  description: [
    "Records the finished jobs (SUCCEEDED, FAILED) that Batch still remembers (at least 7 days), " +
      "without ever replacing an item written from an event or a newer one. Safe to run again. " +
      "With --db DIR it writes that folder's table (one writer at a time, as replay) from the " +
      "local Batch endpoint of the folder, which knows the jobs the replay saw (DIR/batch.jsonl).",
  ],
  positionals: [],
  options: [
    { ...SINCE, description: "only jobs created within this time, e.g. 2h, 3d (default: all)" },
    {
      name: "queue",
      type: "text",
      valueName: "ARN",
      repeatable: true,
      description: "a job queue, by name or ARN (default: every queue of the region)",
    },
    {
      name: "retention-days",
      type: "count",
      valueName: "N",
      description: "set the items' expiresAt as a stack with retentionDays N does",
    },
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "the summary as {region, queues, listed, described, recorded, unchanged, failed}",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "The jobs of the last three days, in the stack's table, with a profile",
      command: "batch-job-log backfill --since 3d --profile prod",
    },
    {
      description: "Two queues only, into a table of another region",
      command:
        "batch-job-log backfill --queue ec2-spot --queue fargate --region eu-west-1 --table batch-job-log-prod",
    },
    {
      description: "Offline, on the sample: what the replay's stand-in for Batch remembers",
      command: `batch-job-log backfill --db ${SAMPLE_DB}`,
    },
  ],
});

/** DescribeJobs takes at most 100 job ids per call. */
export const DESCRIBE_BATCH = 100;
/** Conditional writes in flight at once. */
export const WRITE_CONCURRENCY = 8;

export interface BackfillSummary {
  readonly region: string;
  readonly queues: string[];
  listed: number;
  described: number;
  recorded: number;
  unchanged: number;
  failed: number;
}

export async function run(
  input: Input<typeof spec>,
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  const { common, values, out } = input;
  const { since: sinceMs, "retention-days": retentionDays } = values;
  const now = deps.now ?? Date.now;

  return guard("backfill", io, async (context) => {
    const { table, client, aws } = await openTable(common, io, deps, context, true);
    const local = common.db === undefined ? undefined : await startDbBatch(common.db, io, context);
    const batch = batchClient(aws, aws.region, local);
    const batchRegion = await batch.config.region();
    const writer = createRecordWriter(table.tableName, client);
    const progress = progressBar(io.stderr, "backfill");

    const queues = values.queue.length > 0 ? values.queue : await listQueues(batch);
    const summary: BackfillSummary = {
      region: batchRegion,
      queues,
      listed: 0,
      described: 0,
      recorded: 0,
      unchanged: 0,
      failed: 0,
    };
    const createdAfter = sinceMs === undefined ? undefined : now() - sinceMs;
    const ids = await listJobIds(batch, queues, createdAfter, (n) =>
      progress.note(`listing jobs... ${n}`),
    );
    summary.listed = ids.length;

    const startedAt = new Date(now());
    for (let i = 0; i < ids.length; i += DESCRIBE_BATCH) {
      const out = await describeJobs(batch, { jobs: ids.slice(i, i + DESCRIBE_BATCH) });
      const jobs = out.jobs ?? [];
      summary.described += jobs.length;
      await pool(jobs, WRITE_CONCURRENCY, async (job) => {
        const outcome = await writeJob(job, writer, {
          region: batchRegion,
          retentionDays,
          now: startedAt,
        });
        if (typeof outcome === "string") summary[outcome] += 1;
        else {
          summary.failed += 1;
          progress.clear();
          io.stderr.write(`batch-job-log backfill: job ${job.jobId}: ${outcome.problem}\n`);
        }
        progress.update(summary.recorded + summary.unchanged + summary.failed, ids.length);
      });
    }
    progress.done();

    if (common.json) {
      out.document(summary);
    } else {
      io.stdout.write(
        `backfill ${batchRegion}, ${plural(queues.length, "queue")}: ` +
          `listed ${summary.listed}, described ${summary.described}, recorded ${summary.recorded}, ` +
          `unchanged ${summary.unchanged}, failed ${summary.failed}\n`,
      );
    }
    return summary.failed > 0 ? EXIT_FAILED : EXIT_OK;
  });
}

/** Every job queue of the region (DescribeJobQueues, paginated), by ARN. */
async function listQueues(batch: BatchClient): Promise<string[]> {
  const queues: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await describeJobQueues(batch, { nextToken });
    for (const q of out.jobQueues ?? [])
      if (q.jobQueueArn ?? q.jobQueueName) queues.push((q.jobQueueArn ?? q.jobQueueName) as string);
    nextToken = out.nextToken;
  } while (nextToken);
  return queues;
}

/**
 * The ids of the terminal jobs of `queues` created at or after `createdAfter`, each once, then the
 * terminal children of the array and multi-node parents among them.
 */
async function listJobIds(
  batch: BatchClient,
  queues: readonly string[],
  createdAfter: number | undefined,
  onProgress: (count: number) => void = () => undefined,
): Promise<string[]> {
  const ids = new Set<string>();
  const arrayParents: string[] = [];
  const nodeParents: string[] = [];
  const list = async (input: ListJobsCommandInput, isChild: boolean) => {
    for (const jobStatus of TERMINAL_STATUSES as readonly JobStatus[]) {
      let nextToken: string | undefined;
      do {
        const out = await listJobs(batch, { ...input, jobStatus, nextToken });
        for (const job of out.jobSummaryList ?? []) {
          if (!job.jobId || ids.has(job.jobId)) continue;
          if (!isChild && createdAfter !== undefined && (job.createdAt ?? 0) < createdAfter)
            continue;
          ids.add(job.jobId);
          if (job.arrayProperties?.size !== undefined) arrayParents.push(job.jobId);
          if (
            job.nodeProperties?.numNodes !== undefined &&
            job.nodeProperties.nodeIndex === undefined
          ) {
            nodeParents.push(job.jobId);
          }
        }
        onProgress(ids.size);
        nextToken = out.nextToken;
      } while (nextToken);
    }
  };
  for (const jobQueue of queues) await list({ jobQueue }, false);
  for (const arrayJobId of arrayParents) await list({ arrayJobId }, true);
  for (const multiNodeJobId of nodeParents) await list({ multiNodeJobId }, true);
  return [...ids];
}

/** Builds and writes one job's record; the outcome, or the problem to report. */
async function writeJob(
  job: JobDetail,
  writer: RecordWriter,
  context: { region: string; retentionDays?: number; now: Date },
): Promise<"recorded" | "unchanged" | { problem: string }> {
  let record;
  try {
    record = buildJobRecord(job, {
      eventId: "",
      region: context.region,
      account: accountOfArn(job.jobArn),
      retentionDays: context.retentionDays,
      now: context.now,
    });
  } catch (error) {
    // An InvalidEventError names the field in `problem`; its message names the (empty) event id.
    return { problem: isInvalidEventError(error) ? error.problem : (error as Error).message };
  }
  try {
    return await writer.put(record);
  } catch (error) {
    if (isFatal(error)) throw error;
    return { problem: describeError(error) };
  }
}

/** Errors that every other write would hit too: stop at the first. */
function isFatal(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? "";
  return [
    "CredentialsProviderError",
    "AccessDeniedException",
    "ResourceNotFoundException",
    "UnrecognizedClientException",
    "ExpiredTokenException",
  ].includes(name);
}

/** Runs `work` on every item, at most `limit` at a time. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
