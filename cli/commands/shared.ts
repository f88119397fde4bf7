/**
 * What the commands' specs share: the options several commands take (--table, --db, --json,
 * --since, the AWS options, --role-arn) and the sample the examples run on, which `npm start`
 * replays into `.sample-db` (`replay --db .sample-db`). Each command's own spec is in its file,
 * cli/commands/<name>.ts; cli/commands/index.ts lists them.
 */
import { defineOption } from "../options";

/** Job ids and names of samples/events.jsonl, for the examples. */
export const SAMPLE = {
  /** align-tumor-0054: failed after three attempts (two hosts terminated, then exit 1). */
  retriedJob: "2260c43a-ea1b-4721-ac9f-8ae0c3a8f82f",
  /** tiles-z12-0211: an array job of 6 children, 2 of them failed. */
  arrayParent: "3e31c0a1-903b-4819-a975-74f72aa508bf",
  arrayName: "tiles-z12-0211",
  /** report-broken-tag-0008: its image could not be pulled; it never started. */
  neverStarted: "5a2e010c-6f95-4a6d-accd-b0fd760b0bcc",
  /** cfd-wing-0155: a multi-node (MPI) job of 4 nodes. */
  multiNodeParent: "9e228a9e-e365-4a6e-977e-f1d95f7bc0ea",
  /** etl-load-eu-0034: logged to /ecs/fargate-report, which keeps events 14 days. */
  expired: "b123cdfb-aeb8-4fad-868b-d3cb32b4562c",
  /** etl-orders-0901: still RUNNING when the sample ends (not in the table: Batch knows it). */
  running: "18428eb3-f239-4d05-bdde-30751270ad02",
  /** tiles-z12-0904: an array job RUNNING when the sample ends, 5 of its 6 children done. */
  runningArray: "0fea2321-1e49-4e84-9bbb-eecaf4b6e2d7",
} as const;

/** Where the examples read the sample from. */
export const SAMPLE_DB = ".sample-db";

export const TABLE = defineOption({
  name: "table",
  type: "table",
  description:
    "the job table (default: $BATCH_JOB_LOG_TABLE, else `pulumi stack output tableName`; " +
    "with --db, batch-job-log-dev)",
});

export const DB = defineOption({
  name: "db",
  type: "dir",
  description: "the embedded table kept in DIR by `replay --db DIR`: offline, no credentials",
  conflicts: ["endpoint-url"],
});

export const JSON_OUTPUT = defineOption({
  name: "json",
  type: "boolean",
  description: "machine-readable output",
});

export const SINCE = defineOption({
  name: "since",
  type: "duration",
  description: "only what is newer than this: 30s, 10m, 2h, 3d, 1w or sums such as 1h30m",
});

export const PROFILE = defineOption({
  name: "profile",
  type: "text",
  valueName: "NAME",
  description:
    "a profile of the shared AWS config and credentials files ($AWS_CONFIG_FILE, " +
    "$AWS_SHARED_CREDENTIALS_FILE): its credentials and region (default: $AWS_PROFILE, else default)",
});

export const REGION = defineOption({
  name: "region",
  type: "region",
  description: "the AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, else the profile's)",
});

export const ENDPOINT_URL = defineOption({
  name: "endpoint-url",
  aliases: ["endpoint"],
  type: "url",
  description:
    "send every AWS call of the command (DynamoDB, CloudWatch Logs, Batch) to this endpoint, " +
    "e.g. a local one; wins over $AWS_ENDPOINT_URL_<SERVICE> and $AWS_ENDPOINT_URL",
});

/** The AWS options of a command that calls AWS. */
export const AWS_OPTIONS = [PROFILE, REGION, ENDPOINT_URL] as const;

export const ROLE_ARN = defineOption({
  name: "role-arn",
  type: "text",
  valueName: "ARN",
  description:
    "read the log groups of another account than the caller's through this role, `{account}` " +
    "standing for the job's account, e.g. 'arn:aws:iam::{account}:role/BatchLogReader' " +
    "(default: by the log group's ARN, as a CloudWatch cross-account observability monitoring " +
    "account may)",
});

export const SOURCE = defineOption({
  name: "source",
  type: "text",
  valueName: "SOURCE",
  choices: ["auto", "cloudwatch", "archive"],
  default: "auto",
  description:
    "where to read: cloudwatch (CloudWatch Logs only), archive (the stack's S3 archive only), " +
    "auto (CloudWatch Logs, and the archive for a stream CloudWatch Logs no longer has or that " +
    "is older than its group's retention; says which served the lines)",
});

export const ARCHIVE_BUCKET = defineOption({
  name: "archive-bucket",
  type: "text",
  valueName: "NAME",
  description:
    "the archive bucket, `{account}` and `{region}` standing for the job's account and log " +
    "region (default: batch-job-log-archive-{account}-{region}, as the stack names it)",
});
