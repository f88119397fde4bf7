/**
 * Every subcommand of batch-job-log, declared once (cli/options.ts says how): what it takes, its
 * help and its examples. The examples run on the shipped sample, which `npm start` replays into
 * `.sample-db` (`replay --db .sample-db`). Each command's code is loaded only when it runs, so
 * listing, `--help` and completion load none of it.
 *
 * To add a command: declare its spec here with `defineCommand`, add it to COMMANDS with its
 * loader, and in its module start with `parseCommand(SPEC, argv)`.
 */
import { BATCH_STATUSES } from "../record/constants";
import type { Command } from "./io";
import { defineCommand, defineOption, type CommandSpec } from "./options";

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

export const REPLAY = defineCommand({
  name: "replay",
  summary: "replay Batch events through the exact Lambda on an embedded DynamoDB",
  description: [
    "Replays AWS Batch events through the EventBridge rule and the exact Lambda this program " +
      "deploys (evaluated offline under Pulumi mocks), writing to an embedded DynamoDB, then " +
      "shows the table.",
    "The stack's role counts: a hub (acceptFrom) takes other accounts' and regions' events " +
      "through its bus policy (those refused are listed, not recorded) and its bus's rule; a " +
      "spoke (forwardTo) records nothing and reports what it would forward, and where.",
    "Exit status: 0 every matched event was recorded (or already was), 1 some failed, 2 usage error.",
  ],
  positionals: [
    {
      name: "PATH",
      type: "path",
      repeatable: true,
      description:
        ".json files (one event or an array), .jsonl files (one event per line), or folders of " +
        "them (default: the shipped sample, samples/events.jsonl)",
    },
  ],
  options: [
    {
      name: "json",
      type: "boolean",
      description: "print one JSON document {summary, records, errors} on stdout",
    },
    {
      name: "table",
      type: "table",
      description: "the table to write (default batch-job-log-<stack>); created if missing",
    },
    {
      ...DB,
      description:
        "keep the embedded table in DIR, for `show`, `find` and `logs --db DIR` to read it",
      conflicts: ["endpoint-url"],
    },
    {
      name: "stack",
      type: "text",
      valueName: "NAME",
      description:
        "read Pulumi.<NAME>.yaml (default: the stack `pulumi stack --show-name` prints in the " +
        "project folder, else dev)",
    },
    {
      name: "config",
      type: "text",
      valueName: "key=value",
      repeatable: true,
      description: `override a stack config value, e.g. --config 'statuses=["RUNNING","FAILED"]'`,
    },
    {
      name: "account",
      type: "text",
      valueName: "ACCOUNT",
      description:
        "the account the stack is deployed to (default 123456789012, the sample's): a hub takes " +
        "other accounts' events through its bus policy, a spoke sees only its own",
    },
    {
      name: "org",
      type: "text",
      valueName: "ACCOUNT=ORG",
      repeatable: true,
      description:
        "an account's AWS Organization, for a hub whose acceptFrom names organizations " +
        "(events do not carry it), e.g. --org 345678901234=o-a1b2c3d4e5",
    },
  ],
  aws: [
    {
      ...PROFILE,
      description: "the profile whose credentials write to --endpoint-url",
      requires: ["endpoint-url"],
    },
    {
      ...REGION,
      description: "the stack's region and the DynamoDB client's (default: the stack's aws:region)",
    },
    {
      ...ENDPOINT_URL,
      description:
        "write to this DynamoDB-compatible endpoint instead of the embedded dynalite " +
        "(e.g. DynamoDB Local)",
    },
  ],
  examples: [
    {
      description: `Replay the shipped sample and keep its table in ${SAMPLE_DB} for the lookups`,
      command: `batch-job-log replay --db ${SAMPLE_DB}`,
    },
    {
      description:
        "Replay jobs of five accounts and regions through the example hub's bus policy and rules",
      command:
        "batch-job-log replay samples/hub-events.jsonl --stack hub --org 345678901234=o-a1b2c3d4e5",
    },
    {
      description: "Replay the sample with RUNNING events recorded too, as one JSON document",
      command: `batch-job-log replay samples/events.jsonl --config 'statuses=["RUNNING","SUCCEEDED","FAILED"]' --json`,
    },
  ],
});

export const SHOW = defineCommand({
  name: "show",
  summary: "where a job's logs are, per attempt and container",
  description: [
    "Where a job's logs are: per attempt and container, the log group, region and stream, a " +
      "CloudWatch console link and the `aws logs tail` command; the pod of an EKS attempt; the " +
      "children of an array or multi-node parent.",
  ],
  positionals: [
    {
      name: "JOB_ID",
      description:
        "a job id; an array child is PARENT:INDEX, a node of a multi-node job PARENT#NODE",
    },
  ],
  options: [
    TABLE,
    DB,
    { ...JSON_OUTPUT, description: "the stored item, with logLinks and children" },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "Where the logs of each of the three attempts of a failed job are",
      command: `batch-job-log show ${SAMPLE.retriedJob} --db ${SAMPLE_DB}`,
    },
    {
      description: "An array job and its children, with their statuses",
      command: `batch-job-log show ${SAMPLE.arrayParent} --db ${SAMPLE_DB}`,
    },
    {
      description: "One child of that array job, as JSON",
      command: `batch-job-log show ${SAMPLE.arrayParent}:3 --db ${SAMPLE_DB} --json`,
    },
  ],
});

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

export const LOGS = defineCommand({
  name: "logs",
  summary: "print the log events of a job, of its children or of its nodes",
  description: [
    "Prints a job's log events from CloudWatch Logs (the last attempt's, unless --attempt or " +
      "--all-attempts), oldest first, from the log group, region and account its record names. " +
      "Of an array parent, prints its children's logs, of a multi-node parent every node's, " +
      "merged in time order, each line prefixed as `docker compose logs` does: `[3] ` for array " +
      "child 3, `node 3 | ` for node 3, `[3 a1] ` and `node 3 a1 | ` with --all-attempts " +
      "(`[a1] ` for a job that is no parent), the prefixes padded to one width.",
    "When there is nothing to print, says why: the stream was never created (the job failed " +
      "before its container started), it expired under its log group's retention, access was " +
      "denied (which permission on which log group), or the job logs elsewhere. With --db, the " +
      "job and its events are read offline: the table, and DIR/logs.jsonl through a local " +
      "CloudWatch Logs endpoint.",
  ],
  positionals: [{ name: "JOB_ID", description: "a job id, as `show` takes it" }],
  options: [
    {
      name: "attempt",
      type: "count",
      description: "the attempt to read, counting from 1 (default: the last with a stream)",
      conflicts: ["all-attempts"],
    },
    {
      name: "all-attempts",
      type: "boolean",
      description: "every attempt's stream in attempt order, each line prefixed with its attempt",
    },
    {
      name: "container",
      type: "text",
      valueName: "NAME",
      description: "the container to read in a multi-container job (default: the main one)",
    },
    {
      name: "failed",
      type: "boolean",
      description: "of an array or multi-node parent: only the FAILED children or nodes",
    },
    {
      name: "index",
      type: "text",
      valueName: "N[,M]",
      description: "of an array or multi-node parent: only these children or nodes, e.g. 0,3,7",
    },
    SINCE,
    {
      name: "follow",
      short: "f",
      type: "boolean",
      description:
        "then print new events as they come (CloudWatch Logs Live Tail where the caller may, " +
        "else polling), moving to a retried job's new attempt, until the job has ended and its " +
        "stream is drained, or Ctrl-C; one job, not a parent",
    },
    {
      name: "interval",
      type: "count",
      valueName: "SECS",
      default: 2,
      description: "seconds between polls (and between reads of the record) with --follow",
    },
    ROLE_ARN,
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "one JSON object per event: {timestamp, ingestionTime, message}, with jobId, arrayIndex " +
        "or nodeIndex, attempt and container where lines come from several streams",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "What the failed children of an array job printed, merged in time order",
      command: `batch-job-log logs ${SAMPLE.arrayParent} --failed --db ${SAMPLE_DB}`,
    },
    {
      description: "Every attempt of a job that failed three times, prefixed with its attempt",
      command: `batch-job-log logs ${SAMPLE.retriedJob} --all-attempts --db ${SAMPLE_DB}`,
    },
    {
      description: "Why a job that never started has no log events to print",
      command: `batch-job-log logs ${SAMPLE.neverStarted} --db ${SAMPLE_DB}`,
    },
  ],
});

export const SEARCH = defineCommand({
  name: "search",
  summary: "find log lines across many runs: which jobs printed TEXT",
  description: [
    "Finds the log lines that contain TEXT (exactly, case-sensitive) in the streams of many " +
      "jobs, every attempt and container. Which jobs comes from the table: with --name the runs " +
      "of that name (the byJobName index), without it a Scan of the whole table (said on " +
      "stderr), both narrowed by --status, --since, --queue, --account and --job-region.",
    "Per log group, up to 500 streams are searched with FilterLogEvents (100 stream names a " +
      "call, each batch over its jobs' time window), more with a CloudWatch Logs Insights query " +
      "(--mode to choose). Before a query, the number of streams and an estimate of the bytes " +
      "it scans go to stderr; an estimate over 1 GB needs --yes, or a yes at the prompt when " +
      "stdin is a terminal.",
    "Exit status: 0 some line matched, 1 none did (or the search failed), 2 usage error.",
  ],
  positionals: [{ name: "TEXT", description: "the text to find in log lines" }],
  options: [
    { name: "name", type: "text", valueName: "JOB_NAME", description: "the runs of this job name" },
    {
      name: "status",
      type: "text",
      valueName: "STATUS",
      choices: BATCH_STATUSES,
      ignoreCase: true,
      description: "only jobs in this status",
    },
    { ...SINCE, description: "only jobs created within this time, e.g. 2h, 3d, 1w" },
    {
      name: "queue",
      type: "text",
      valueName: "QUEUE",
      description: "only jobs of this job queue, by name or ARN",
    },
    {
      name: "account",
      type: "text",
      valueName: "ACCOUNT",
      description: "only jobs of this AWS account (a hub table holds several)",
    },
    {
      name: "job-region",
      type: "region",
      description: "only jobs that ran in this region (--region is the table's)",
    },
    {
      name: "mode",
      type: "text",
      valueName: "MODE",
      choices: ["auto", "filter", "insights"],
      default: "auto",
      description:
        "filter: FilterLogEvents; insights: a Logs Insights query; auto: insights for a log " +
        "group with more than 500 streams to search",
    },
    { name: "yes", short: "y", type: "boolean", description: "run a large query without asking" },
    ROLE_ARN,
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "one JSON object per matching line: {jobId, jobName, attempt, container, logGroup, " +
        "logRegion, logStreamName, timestamp, message} (and arrayIndex, nodeIndex, account)",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "Which jobs of the sample ran out of memory, from every job of the table",
      command: `batch-job-log search OutOfMemoryError --db ${SAMPLE_DB}`,
    },
    {
      description: "Which failed runs of an array job's name printed a PostGIS failure",
      command: `batch-job-log search PostGIS --name ${SAMPLE.arrayName} --status failed --db ${SAMPLE_DB}`,
    },
    {
      description: "The same with a Logs Insights query, as JSON",
      command: `batch-job-log search PostGIS --name ${SAMPLE.arrayName} --mode insights --json --db ${SAMPLE_DB}`,
    },
  ],
});

export const FIND = defineCommand({
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
        "an array of {jobId, jobName, createdAt, status, exitCode, startedAt, stoppedAt, jobQueue, " +
        "region, account}",
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

export const BACKFILL = defineCommand({
  name: "backfill",
  summary: "record the jobs Batch still remembers",
  description: [
    "Records the finished jobs (SUCCEEDED, FAILED) that Batch still remembers (at least 7 days), " +
      "without ever replacing an item written from an event or a newer one. Safe to run again. " +
      "It calls AWS Batch: there is no offline sample of it.",
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
  ],
});

export const COMPLETION = defineCommand({
  name: "completion",
  summary: "print a shell completion script (bash, zsh)",
  description: [
    "Prints a script that completes batch-job-log's commands, options and their allowed values " +
      "in bash or zsh, for the command `batch-job-log` on the PATH (e.g. after `npm link`).",
  ],
  positionals: [{ name: "SHELL", description: "the shell", choices: ["bash", "zsh"] }],
  options: [],
  examples: [
    {
      description: "Complete in every new bash",
      command: "echo 'source <(batch-job-log completion bash)' >> ~/.bashrc",
    },
    {
      description: "Complete in zsh: a file in a folder of $fpath, read by compinit",
      command: 'batch-job-log completion zsh > "${fpath[1]}/_batch-job-log"',
    },
  ],
});

export interface CommandEntry {
  readonly spec: CommandSpec;
  /** Loads the command's module (and only then what it needs). */
  readonly load: () => Command;
}

/** The commands, in the order the usage lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { spec: REPLAY, load: () => require("./replay").replay },
  { spec: SHOW, load: () => require("./show").show },
  { spec: LOGS, load: () => require("./logs").logs },
  { spec: SEARCH, load: () => require("./search").search },
  { spec: FIND, load: () => require("./find").find },
  { spec: BACKFILL, load: () => require("./backfill").backfill },
  { spec: COMPLETION, load: () => require("./completion").completion },
];
