/**
 * The SDK clients the lookup commands use, and the few calls they make, created on demand so that
 * a command loads only the SDKs it calls, only once it calls them (never for --help or a usage
 * error), and never Pulumi. No SDK module is imported at load: they are required inside functions.
 * - the table: a DynamoDB document client (removeUndefinedValues) through the handler's own
 *   `createDocumentClient`, in the table's region, on --endpoint when given;
 * - CloudWatch Logs: one client per log region, since a job definition can send its logs to
 *   another region than the job's (`awslogs-region`);
 * - Batch: adaptive retry, so that backfill's ListJobs/DescribeJobs bursts slow down on
 *   throttling instead of failing.
 * Credentials come from the SDK's default chain (environment, profile, SSO, instance role).
 */
import type {
  BatchClient,
  DescribeJobQueuesCommandInput,
  DescribeJobQueuesCommandOutput,
  DescribeJobsCommandInput,
  DescribeJobsCommandOutput,
  ListJobsCommandInput,
  ListJobsCommandOutput,
} from "@aws-sdk/client-batch";
import type {
  CloudWatchLogsClient,
  GetLogEventsCommandInput,
  GetLogEventsCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import type {
  GetCommandInput,
  GetCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, type CommandSender } from "../../record";
import type { CliIO } from "../io";
import type { CommonOptions } from "./options";

const batchSdk = (): typeof import("@aws-sdk/client-batch") => require("@aws-sdk/client-batch");
const logsSdk = (): typeof import("@aws-sdk/client-cloudwatch-logs") =>
  require("@aws-sdk/client-cloudwatch-logs");
const documentSdk = (): typeof import("@aws-sdk/lib-dynamodb") => require("@aws-sdk/lib-dynamodb");

/** Attempts per call for Batch (the SDK's default is 3): adaptive retry spaces them out. */
export const BATCH_MAX_ATTEMPTS = 10;

/** --region, else AWS_REGION, else AWS_DEFAULT_REGION; undefined leaves it to the profile. */
export function resolveRegion(common: CommonOptions, io: CliIO): string | undefined {
  return common.region || io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || undefined;
}

/** The document client for the table. */
export function createTableClient(region: string | undefined, endpoint?: string): CommandSender {
  return createDocumentClient({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
}

/** GetItem on the table's document client. */
export async function getItem(
  client: CommandSender,
  input: GetCommandInput,
): Promise<GetCommandOutput> {
  return (await client.send(new (documentSdk().GetCommand)(input))) as GetCommandOutput;
}

/** One page of a Query on the table's document client. */
export async function queryPage(
  client: CommandSender,
  input: QueryCommandInput,
): Promise<QueryCommandOutput> {
  return (await client.send(new (documentSdk().QueryCommand)(input))) as QueryCommandOutput;
}

/** CloudWatch Logs clients, one per region, created when first asked for. */
export function logsClients(): (region: string) => CloudWatchLogsClient {
  const clients = new Map<string, CloudWatchLogsClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new (logsSdk().CloudWatchLogsClient)({ region });
      clients.set(region, client);
    }
    return client;
  };
}

/** One page of GetLogEvents; `abortSignal` cancels the request. */
export function getLogEvents(
  client: CloudWatchLogsClient,
  input: GetLogEventsCommandInput,
  abortSignal?: AbortSignal,
): Promise<GetLogEventsCommandOutput> {
  return client.send(new (logsSdk().GetLogEventsCommand)(input), { abortSignal });
}

/** The Batch client of `region` (undefined: the profile's), with adaptive retry. */
export function createBatchClient(region: string | undefined): BatchClient {
  return new (batchSdk().BatchClient)({
    ...(region ? { region } : {}),
    retryMode: "adaptive",
    maxAttempts: BATCH_MAX_ATTEMPTS,
  });
}

/** One page of DescribeJobQueues. */
export function describeJobQueues(
  batch: BatchClient,
  input: DescribeJobQueuesCommandInput,
): Promise<DescribeJobQueuesCommandOutput> {
  return batch.send(new (batchSdk().DescribeJobQueuesCommand)(input));
}

/** One page of ListJobs. */
export function listJobs(
  batch: BatchClient,
  input: ListJobsCommandInput,
): Promise<ListJobsCommandOutput> {
  return batch.send(new (batchSdk().ListJobsCommand)(input));
}

/** DescribeJobs of at most 100 job ids. */
export function describeJobs(
  batch: BatchClient,
  input: DescribeJobsCommandInput,
): Promise<DescribeJobsCommandOutput> {
  return batch.send(new (batchSdk().DescribeJobsCommand)(input));
}
