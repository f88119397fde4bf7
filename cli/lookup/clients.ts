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
 *
 * An endpoint that cannot be reached fails fast (networkConfig): connecting is abandoned after
 * CONNECT_TIMEOUT_MS, and a call that never reached its endpoint is tried NETWORK_ATTEMPTS times
 * in all, whatever the service's own attempts for throttling; nameEndpoint marks such an error
 * with the service and the endpoint, which errors.ts `describeError` puts in its one line.
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
import { isNetworkError, type ServiceName } from "./errors";

import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from "@smithy/types";

const batchSdk = (): typeof import("@aws-sdk/client-batch") => require("@aws-sdk/client-batch");
const documentSdk = (): typeof import("@aws-sdk/lib-dynamodb") => require("@aws-sdk/lib-dynamodb");

/** Attempts per call for Batch (the SDK's default is 3): adaptive retry spaces them out. */
export const BATCH_MAX_ATTEMPTS = 10;

/**
 * Connecting to an endpoint is abandoned after this long (the SDK's default is to wait on). Not
 * less than 2 s: below that, the SDK's HTTP handler (4.x) arms its timer at once and cannot clear
 * it when the connection fails first, which would hold the process for the rest of the timeout.
 */
export const CONNECT_TIMEOUT_MS = 2_000;
/**
 * Attempts, in all, of a call that could not reach its endpoint (refused, no such host, no
 * connection within CONNECT_TIMEOUT_MS): two, so that one lost packet is forgiven and a wrong
 * endpoint or no network is said within 2 × 2 s and a short backoff.
 */
export const NETWORK_ATTEMPTS = 2;

/**
 * A retry strategy that gives up on a network error after NETWORK_ATTEMPTS attempts and leaves
 * everything else (throttling, 5xx) to the SDK's strategy of the client (`inner`).
 */
export class FailFastRetry implements RetryStrategyV2 {
  /** The inner strategy's: "adaptive" or "standard". */
  readonly mode: string | undefined;

  constructor(
    readonly inner: RetryStrategyV2,
    readonly networkAttempts = NETWORK_ATTEMPTS,
  ) {
    this.mode = (inner as { mode?: string }).mode;
  }

  acquireInitialRetryToken(scope: string) {
    return this.inner.acquireInitialRetryToken(scope);
  }

  refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo) {
    if (isNetworkError(errorInfo.error) && token.getRetryCount() + 1 >= this.networkAttempts) {
      // The retry middleware rethrows the call's own error.
      return Promise.reject(errorInfo.error);
    }
    return this.inner.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.inner.recordSuccess(token);
  }
}

/**
 * What a client of `service` is created with on top of clientConfig: the connection timeout, and
 * `maxAttempts` attempts (adaptive: spaced out on throttling) except for network errors.
 */
export function networkConfig(options: {
  readonly maxAttempts?: number;
  readonly adaptive?: boolean;
}): { requestHandler: { connectionTimeout: number }; retryStrategy: FailFastRetry } {
  const retry = require("@smithy/core/retry") as typeof import("@smithy/core/retry");
  const maxAttempts = options.maxAttempts ?? retry.DEFAULT_MAX_ATTEMPTS;
  const inner = options.adaptive
    ? new retry.AdaptiveRetryStrategy(maxAttempts)
    : new retry.StandardRetryStrategy(maxAttempts);
  return {
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS },
    retryStrategy: new FailFastRetry(inner),
  };
}

interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: { request: unknown }) => Promise<unknown>,
      ) => (args: { request: unknown }) => Promise<unknown>,
      options: { step: "finalizeRequest"; priority: "low"; name: string },
    ): void;
  };
}

/** An error's own name, message and code (not enumerable on an Error). */
function pick(error: object): { name?: string; message?: string; code?: string } {
  const e = error as { name?: string; message?: string; code?: string };
  return { name: e.name, message: e.message, code: e.code };
}

/**
 * Marks every error of `client`'s calls with the service and the endpoint the request went to
 * (each attempt's request, inside the retries), for describeError to name them when the endpoint
 * could not be reached or answered as no AWS service does. Returns the client.
 */
export function nameEndpoint<C>(client: C, service: ServiceName): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const request = args.request as
          { protocol?: string; hostname?: string; port?: number } | undefined;
        if (request?.hostname && error && typeof error === "object") {
          const port = request.port === undefined ? "" : `:${request.port}`;
          // An Error of another realm (Node's own, seen from a VM context such as jest's) would
          // be wrapped by the SDK's retry without its code: it goes on as an Error of this one.
          const own =
            error instanceof Error || !isNetworkError(error)
              ? error
              : Object.assign(new Error(), error, pick(error));
          throw Object.assign(own, {
            $service: service,
            $endpoint: `${request.protocol ?? "https:"}//${request.hostname}${port}`,
          });
        }
        throw error;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "batchJobLogNameEndpoint" },
  );
  return client;
}

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
  return nameEndpoint(
    createDocumentClient({ ...clientConfig(aws), ...networkConfig({}) }),
    "DynamoDB",
  );
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

/** The Batch client, with adaptive retry (and networkConfig's fast failure). */
export function createBatchClient(aws: AwsSettings): BatchClient {
  return nameEndpoint(
    new (batchSdk().BatchClient)({
      ...clientConfig(aws),
      ...networkConfig({ maxAttempts: BATCH_MAX_ATTEMPTS, adaptive: true }),
    }),
    "Batch",
  );
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
