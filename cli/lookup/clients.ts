/**
 * The SDK clients the lookup commands use, created on demand so that a command loads only the
 * SDKs it calls (and never Pulumi):
 * - the table: a DynamoDB document client (removeUndefinedValues) through the handler's own
 *   `createDocumentClient`, in the table's region, on --endpoint when given;
 * - CloudWatch Logs: one client per log region, since a job definition can send its logs to
 *   another region than the job's (`awslogs-region`);
 * - Batch: adaptive retry, so that backfill's ListJobs/DescribeJobs bursts slow down on
 *   throttling instead of failing.
 * Credentials come from the SDK's default chain (environment, profile, SSO, instance role).
 */
import type { BatchClient } from "@aws-sdk/client-batch";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { createDocumentClient, type CommandSender } from "../../handler/store";
import type { CliIO } from "../io";
import type { CommonOptions } from "./options";

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

/** CloudWatch Logs clients, one per region, created when first asked for. */
export function logsClients(): (region: string) => CloudWatchLogsClient {
  const clients = new Map<string, CloudWatchLogsClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      const sdk: typeof import("@aws-sdk/client-cloudwatch-logs") = require("@aws-sdk/client-cloudwatch-logs");
      client = new sdk.CloudWatchLogsClient({ region });
      clients.set(region, client);
    }
    return client;
  };
}

/** The Batch client of `region` (undefined: the profile's), with adaptive retry. */
export function createBatchClient(region: string | undefined): BatchClient {
  const sdk: typeof import("@aws-sdk/client-batch") = require("@aws-sdk/client-batch");
  return new sdk.BatchClient({
    ...(region ? { region } : {}),
    retryMode: "adaptive",
    maxAttempts: BATCH_MAX_ATTEMPTS,
  });
}
