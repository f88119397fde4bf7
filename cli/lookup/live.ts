/**
 * Jobs the table does not hold yet, as AWS Batch describes them now: a running or runnable job
 * (the stack records the statuses of its `statuses` config, by default only the final ones), or
 * one that ended seconds ago. DescribeJobs of the job, turned into a record by the handler's own
 * `buildJobRecord`, so that `show` and `logs` read it as they read a stored one; the children of
 * an array or multi-node parent from ListJobs (`arrayJobId` / `multiNodeJobId`, every status).
 *
 * With --db the calls go to the local Batch endpoint serving DIR/batch.jsonl, the jobs the replay
 * left unfinished (twin/batch-local.ts), as `logs` reads DIR/logs.jsonl.
 */
import type { BatchClient, JobStatus, JobSummary } from "@aws-sdk/client-batch";
import { BATCH_STATUSES, buildJobRecord, indexAfter, type JobRecord } from "../../record";
import {
  clientConfig,
  createBatchClient,
  describeJobs,
  listJobs,
  type AwsSettings,
} from "./clients";
import { accountOfArn } from "./job-ref";
import type { ChildSummary } from "./table";

const batchSdk = (): typeof import("@aws-sdk/client-batch") => require("@aws-sdk/client-batch");

/** Every status ListJobs takes, in a job's order: a parent's children in all of them. */
export const ALL_STATUSES = BATCH_STATUSES as readonly JobStatus[];

/** DescribeJobs takes at most 100 job ids per call. */
const DESCRIBE_MAX = 100;

export interface LiveBatch {
  /** Where it asks, for messages: "Batch us-east-1", or "the local Batch endpoint of --db". */
  readonly where: string;
  /** The jobs Batch knows among `jobIds`, as records (unknown ids are absent). */
  describe(jobIds: readonly string[]): Promise<Map<string, JobRecord>>;
  /** The children Batch lists for an array or multi-node parent, every status. */
  children(parent: JobRecord): Promise<ChildSummary[]>;
}

export interface LiveBatchOptions {
  readonly aws: AwsSettings;
  /** The region to ask (a job ARN's or console URL's); else the command's. */
  readonly region?: string;
  /** --db: the local endpoint. */
  readonly local?: { readonly endpoint: string };
  /** The time the records are built at (their revision). */
  readonly now: () => number;
}

export function liveBatch(options: LiveBatchOptions): LiveBatch {
  const { aws, local } = options;
  const region = options.region ?? aws.region;
  let client: BatchClient | undefined;
  const batch = (): BatchClient => (client ??= batchClient(aws, region, local));

  async function describe(jobIds: readonly string[]): Promise<Map<string, JobRecord>> {
    const records = new Map<string, JobRecord>();
    const asked = await batch().config.region();
    for (let i = 0; i < jobIds.length; i += DESCRIBE_MAX) {
      const out = await describeJobs(batch(), { jobs: jobIds.slice(i, i + DESCRIBE_MAX) });
      for (const job of out.jobs ?? []) {
        const record = buildJobRecord(job, {
          eventId: "",
          region: asked,
          account: accountOfArn(job.jobArn),
          now: new Date(options.now()),
        });
        records.set(record.jobId, record);
      }
    }
    return records;
  }

  async function children(parent: JobRecord): Promise<ChildSummary[]> {
    const by =
      parent.arraySize !== undefined
        ? { arrayJobId: parent.jobId }
        : { multiNodeJobId: parent.jobId };
    const found: ChildSummary[] = [];
    for (const jobStatus of ALL_STATUSES) {
      let nextToken: string | undefined;
      do {
        const out = await listJobs(batch(), { ...by, jobStatus, nextToken });
        for (const job of out.jobSummaryList ?? []) found.push(childOf(parent.jobId, job));
        nextToken = out.nextToken;
      } while (nextToken);
    }
    return found;
  }

  return {
    where: local ? "the local Batch endpoint of --db" : `Batch${region ? ` ${region}` : ""}`,
    describe,
    children,
  };
}

/** A Batch client: of AWS (adaptive retry), or of the local endpoint of --db (dummy credentials). */
export function batchClient(
  aws: AwsSettings,
  region: string | undefined,
  local?: { readonly endpoint: string },
): BatchClient {
  return local
    ? new (batchSdk().BatchClient)({
        ...clientConfig(aws, region ?? "us-east-1"),
        endpoint: local.endpoint,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      })
    : createBatchClient({ ...aws, region });
}

/** A child's summary from ListJobs, in the shape of the table's `byParentJobId` index. */
function childOf(parentJobId: string, job: JobSummary): ChildSummary {
  const jobId = job.jobId as string;
  const arrayIndex = job.arrayProperties?.index ?? indexAfter(jobId, ":");
  const nodeIndex = job.nodeProperties?.nodeIndex ?? indexAfter(jobId, "#");
  return {
    jobId,
    parentJobId,
    status: job.status as string,
    ...(job.container?.exitCode !== undefined ? { exitCode: job.container.exitCode } : {}),
    ...(jobId.includes(":") && arrayIndex !== undefined ? { arrayIndex } : {}),
    ...(jobId.includes("#") && nodeIndex !== undefined ? { nodeIndex } : {}),
    ...(job.stoppedAt !== undefined ? { stoppedAt: job.stoppedAt } : {}),
  };
}
