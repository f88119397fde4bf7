/**
 * The SDK clients the lookup commands use, and the few calls they make, created on demand so that
 * a command loads only the SDKs it calls, only once it calls them (never for --help or a usage
 * error), and never Pulumi. No SDK module is imported at load: they are required inside functions.
 * Every client of a command gets the same AWS settings (AwsSettings): --region, --profile and
 * --endpoint-url, which a local endpoint serving every service needs; without --endpoint-url the
 * SDK reads AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, per client.
 * - the table: a DynamoDB document client (removeUndefinedValues) through the handler's own
 *   `createDocumentClient`;
 * - CloudWatch Logs: in cli/lookup/log-access.ts, one client per log region (a job definition
 *   can send its logs to another region than the job's, `awslogs-region`) and account;
 * - Batch: adaptive retry, so that backfill's ListJobs/DescribeJobs bursts slow down on
 *   throttling instead of failing.
 * Credentials come from the SDK's default chain (environment, profile, SSO, instance role), or
 * from --profile, which the shared config files must hold (checked before any call).
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
  BatchGetCommandInput,
  BatchGetCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import * as path from "path";
import { createDocumentClient, type CommandSender } from "../../record";
import type { CliIO } from "../io";
import { OptionError, type CommonOptions } from "../options";

const batchSdk = (): typeof import("@aws-sdk/client-batch") => require("@aws-sdk/client-batch");
const documentSdk = (): typeof import("@aws-sdk/lib-dynamodb") => require("@aws-sdk/lib-dynamodb");

/** Attempts per call for Batch (the SDK's default is 3): adaptive retry spaces them out. */
export const BATCH_MAX_ATTEMPTS = 10;

/** What every AWS client of a command is created with; undefined leaves it to the SDK. */
export interface AwsSettings {
  /** --region, else AWS_REGION, else AWS_DEFAULT_REGION; undefined: the profile's. */
  readonly region?: string;
  readonly profile?: string;
  /** --endpoint-url: wins over the SDK's AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL. */
  readonly endpoint?: string;
}

/**
 * The AWS settings of `command` from its options; a --profile that neither shared file holds is
 * an OptionError, before any client is made.
 */
export async function awsSettings(
  command: string,
  common: CommonOptions,
  io: CliIO,
): Promise<AwsSettings> {
  if (common.profile !== undefined) await checkProfile(command, common.profile, io.env);
  return {
    region: common.region || io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || undefined,
    profile: common.profile,
    endpoint: common.endpoint,
  };
}

/**
 * Fails unless `profile` is a section of the shared config file (`[profile NAME]`, or
 * `[default]`) or of the credentials file (`[NAME]`), read with the SDK's own loader from
 * AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, or their default places under ~/.aws.
 */
export async function checkProfile(
  command: string,
  profile: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const { getHomeDir, loadSharedConfigFiles } =
    require("@smithy/core/config") as typeof import("@smithy/core/config");
  const configFilepath = env.AWS_CONFIG_FILE || path.join(getHomeDir(), ".aws", "config");
  const filepath =
    env.AWS_SHARED_CREDENTIALS_FILE || path.join(getHomeDir(), ".aws", "credentials");
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath,
    filepath,
    ignoreCache: true,
  });
  if (Object.hasOwn(configFile, profile) || Object.hasOwn(credentialsFile, profile)) return;
  throw new OptionError(
    `--profile for ${command} must name a profile of ${configFilepath} or ${filepath}, got "${profile}"`,
  );
}

/** A client's configuration from the settings; `region` overrides theirs. */
export function clientConfig(aws: AwsSettings, region = aws.region): Record<string, string> {
  return {
    ...(region ? { region } : {}),
    ...(aws.profile ? { profile: aws.profile } : {}),
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
  };
}

/** The document client for the table. */
export function createTableClient(aws: AwsSettings): CommandSender {
  return createDocumentClient(clientConfig(aws));
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

/** One BatchGetItem (at most 100 keys) on the table's document client. */
export async function batchGet(
  client: CommandSender,
  input: BatchGetCommandInput,
): Promise<BatchGetCommandOutput> {
  return (await client.send(new (documentSdk().BatchGetCommand)(input))) as BatchGetCommandOutput;
}

/** One page of a Scan on the table's document client. */
export async function scanPage(
  client: CommandSender,
  input: ScanCommandInput,
): Promise<ScanCommandOutput> {
  return (await client.send(new (documentSdk().ScanCommand)(input))) as ScanCommandOutput;
}

/** The Batch client, with adaptive retry. */
export function createBatchClient(aws: AwsSettings): BatchClient {
  return new (batchSdk().BatchClient)({
    ...clientConfig(aws),
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
