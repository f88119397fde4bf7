/**
 * One-line messages for what goes wrong when looking a job up: no table, no credentials, no
 * region, an endpoint that cannot be reached (which service, which endpoint), a job the table
 * does not have, access denied, a log stream that does not exist (never
 * created, expired, no such group, not in the local store).
 * Every command prints `batch-job-log <command>: <message>` and exits with EXIT_FAILED instead of
 * a stack trace. No SDK is loaded here: errors are recognised by their `name`.
 */
import * as path from "path";
import type { JobRecord, LogStreamRef } from "../../record";
import { firstLine } from "../io";
import { formatTime } from "./format";

/** No --table, no BATCH_JOB_LOG_TABLE and no Pulumi stack output to fall back on. */
export class NoTableError extends Error {
  constructor(readonly problem: string) {
    super(`no table found: pass --table NAME or set BATCH_JOB_LOG_TABLE (${problem}).`);
    this.name = "NoTableError";
  }
}

/**
 * The table has no item for this job id (and, when `batch` says where it was asked, Batch does
 * not know it either, or could not be asked).
 */
export class JobNotFoundError extends Error {
  constructor(
    readonly jobId: string,
    readonly tableName: string,
    readonly batch?: { readonly where: string; readonly failure?: string },
  ) {
    super(
      batch === undefined
        ? `job ${jobId} is not in table ${tableName}; if it ended before the stack was deployed, ` +
            `bring it in with \`batch-job-log backfill\`.`
        : batch.failure === undefined
          ? `job ${jobId} is not in table ${tableName}, and ${batch.where} does not know it ` +
            `(it forgets jobs days after they end): check the id and --region.`
          : `job ${jobId} is not in table ${tableName}, and ${batch.where} could not be asked: ${batch.failure}`,
    );
    this.name = "JobNotFoundError";
  }
}

/** A problem already phrased for the user (a job without logs, an unknown container). */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LookupError";
  }
}

interface AwsErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Where the failing call went, to name it in the message. */
export interface ErrorContext {
  readonly tableName?: string;
  readonly region?: string;
  /** The folder of the embedded table (--db), when the table is there. */
  readonly db?: string;
}

/**
 * The one line to print for `error`. Errors of this module keep their message; AWS errors are
 * recognised by name; anything else is its message's first line.
 */
export function describeError(error: unknown, context: ErrorContext = {}): string {
  const e = (error ?? {}) as AwsErrorLike;
  const name = e.name ?? "";
  const message = firstLine(e.message ?? String(error));
  if (error instanceof NoTableError || error instanceof JobNotFoundError) return message;
  if (error instanceof LookupError) return message;
  const failure = endpointFailure(error);
  if (failure) return unreachable(failure, e as { code?: string; name?: string }, message);
  const at = endpointOf(error);
  if (at && isForeignAnswer(error)) {
    return (
      `${at.$service} at ${at.$endpoint} answered HTTP ${e.$metadata?.httpStatusCode} without an ` +
      `AWS error, not as ${at.$service} does: check --endpoint-url and --region.`
    );
  }
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return (
      "no AWS credentials found: pass --profile NAME or set AWS_PROFILE (run `aws sso login` " +
      "for an SSO profile), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
    );
  }
  if (/Region is missing/i.test(message)) {
    return "no AWS region: pass --region or set AWS_REGION.";
  }
  if (name === "ExpiredTokenException" || name === "ExpiredToken") {
    return "the AWS credentials have expired: refresh them (e.g. `aws sso login`) and retry.";
  }
  if (
    name === "AccessDeniedException" ||
    name === "AccessDenied" ||
    name === "UnauthorizedOperation"
  ) {
    return `access denied: ${message}`;
  }
  if (name === "UnrecognizedClientException" || name === "InvalidSignatureException") {
    return `the AWS credentials were rejected (${name}): ${message}`;
  }
  if (name === "ResourceNotFoundException" && context.tableName !== undefined) {
    const where = context.db ? ` in ${context.db}` : context.region ? ` in ${context.region}` : "";
    return `no table found: table ${context.tableName} does not exist${where}.`;
  }
  return name && name !== "Error" && !message.includes(name) ? `${name}: ${message}` : message;
}

/** The services the CLI calls, as its messages name them. */
export type ServiceName =
  | "DynamoDB"
  | "CloudWatch Logs"
  | "Batch"
  | "STS"
  | "S3"
  | "EventBridge"
  | "Lambda"
  | "SQS"
  | "CloudWatch"
  | "IAM";

/** Node's codes for a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * True for an error of a call that got no HTTP answer: a Node network error code, or the
 * handler's TimeoutError (no connection, or no data, in time).
 */
export function isNetworkError(error: unknown): boolean {
  const e = error as
    { code?: string; name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e || e.$metadata?.httpStatusCode !== undefined) return false;
  return NETWORK_CODES.has(e.code ?? "") || e.name === "TimeoutError";
}

/** The endpoint and service nameEndpoint marks a network error with. */
export interface EndpointFailure {
  readonly $service: ServiceName;
  /** `https://logs.eu-west-1.amazonaws.com` or `http://127.0.0.1:4566`. */
  readonly $endpoint: string;
}

/** The service and endpoint of a call's error, when clients.ts `nameEndpoint` marked it. */
export function endpointOf(error: unknown): EndpointFailure | undefined {
  const e = error as Partial<EndpointFailure> | undefined;
  return e?.$service !== undefined && e.$endpoint !== undefined
    ? { $service: e.$service, $endpoint: e.$endpoint }
    : undefined;
}

/** The service and endpoint of a network error, when nameEndpoint marked it. */
export function endpointFailure(error: unknown): EndpointFailure | undefined {
  return isNetworkError(error) ? endpointOf(error) : undefined;
}

/**
 * True for an HTTP answer that carries no AWS error (the SDK names it `Unknown`/`UnknownError`):
 * what a web server, a proxy or another service answers at a wrong endpoint.
 */
export function isForeignAnswer(error: unknown): boolean {
  const e = error as
    { name?: string; message?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return (
    e?.$metadata?.httpStatusCode !== undefined &&
    (e.name === "Unknown" || e.name === "UnknownError" || e.message === "UnknownError")
  );
}

/**
 * A call that got no answer from its endpoint, in one line: which service, at which endpoint,
 * what happened (refused, no such host, no connection in time), and what to check.
 */
function unreachable(
  failure: EndpointFailure,
  error: { code?: string; name?: string },
  message: string,
): string {
  const what: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    EPIPE: "connection closed",
    ETIMEDOUT: "connection timed out",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
    ENOTFOUND: "no such host",
    EAI_AGAIN: "name lookup failed",
  };
  const why = what[error.code ?? ""] ?? (error.name === "TimeoutError" ? message : error.code);
  return (
    `cannot reach ${failure.$service} at ${failure.$endpoint} (${why}): check --endpoint-url, ` +
    `--region and the network.`
  );
}

/** True for the error GetLogEvents raises when the stream (or its group) does not exist. */
export function isMissingStream(error: unknown): boolean {
  return (error as AwsErrorLike | undefined)?.name === "ResourceNotFoundException";
}

/** What DescribeLogGroups says of a log group. */
export interface GroupFacts {
  readonly retentionInDays?: number;
  readonly storedBytes?: number;
  readonly creationTime?: number;
}

/** What is known of a missing stream's surroundings. */
export interface MissingStreamFacts {
  /** The group's facts; "missing" when it does not exist; "unasked" when not needed. */
  readonly group: GroupFacts | "missing" | "unasked";
  /** The job's account. */
  readonly account?: string;
  /** With --db: the local store's file, and whether it exists. */
  readonly local?: { readonly file: string; readonly exists: boolean };
  /** Epoch ms, to tell an expired stream. */
  readonly now: number;
}

const DAY_MS = 86_400_000;

/**
 * Why a stream the record names does not exist, as one line, the causes in this order: its
 * attempt never started (the stream was never created), the local store (--db) has no file, the
 * log group does not exist, the stream expired under the group's retention (the attempt ended
 * longer ago than `retentionInDays`), the local store has no such stream; else where it was
 * looked for and why the job ended (missingStreamMessage).
 */
export function missingStreamReason(
  record: JobRecord,
  stream: LogStreamRef,
  facts: MissingStreamFacts,
): string {
  const where = `log stream ${stream.logStreamName} in log group ${stream.logGroup} (${stream.logRegion})`;
  const attempt = record.attempts?.[stream.attempt - 1];
  if (attempt !== undefined && attempt.startedAt === undefined) {
    const why = failureReason(record, stream.attempt);
    return (
      `${where} was never created: attempt ${stream.attempt} of job ${record.jobId} failed ` +
      `before its container started${why ? `: ${why}` : "."}`
    );
  }
  const { local, group } = facts;
  if (local && !local.exists) {
    return (
      `the local log store ${local.file} does not exist, so it has no ${where}; ` +
      `\`batch-job-log replay --db ${path.dirname(local.file)}\` of the shipped sample writes it.`
    );
  }
  if (group === "missing") {
    const inAccount = facts.account ? ` of account ${facts.account}` : "";
    return (
      `log group ${stream.logGroup} does not exist in ${stream.logRegion}${inAccount}: ` +
      `nothing of job ${record.jobId} was ever written to ${stream.logStreamName}.`
    );
  }
  const ended = attempt?.stoppedAt ?? record.stoppedAt;
  const retention = group === "unasked" ? undefined : group.retentionInDays;
  if (retention !== undefined && ended !== undefined && facts.now - ended > retention * DAY_MS) {
    return (
      `${where} has expired: the group keeps events ${retention} days (retentionInDays) and ` +
      `attempt ${stream.attempt} ended ${formatTime(ended)}, ` +
      `${Math.floor((facts.now - ended) / DAY_MS)} days ago.`
    );
  }
  if (local) return `the local log store ${local.file} has no ${where}.`;
  return missingStreamMessage(record, stream);
}

/**
 * The one line for a stream that does not exist: where it was looked for, then why the job
 * ended, from the attempt first and the job second. `DockerTimeoutError`-style failures name a
 * stream that was never created (docs/batch-events.md).
 */
export function missingStreamMessage(record: JobRecord, stream: LogStreamRef): string {
  const where =
    `log stream ${stream.logStreamName} does not exist in log group ${stream.logGroup} ` +
    `(${stream.logRegion})`;
  const why = failureReason(record, stream.attempt);
  return why ? `${where}; job ${record.status}: ${why}` : `${where}; job ${record.status}.`;
}

/** "statusReason (reason)" of an attempt, else of the job; undefined when Batch gave none. */
export function failureReason(record: JobRecord, attempt?: number): string | undefined {
  const a = attempt === undefined ? undefined : record.attempts[attempt - 1];
  return joinReasons(a?.statusReason ?? record.statusReason, a?.reason ?? record.reason);
}

/** "statusReason (reason)"; one of them when the other is missing or says the same. */
export function joinReasons(
  statusReason: string | undefined,
  reason: string | undefined,
): string | undefined {
  if (statusReason && reason && statusReason !== reason) return `${statusReason} (${reason})`;
  return statusReason ?? reason;
}
