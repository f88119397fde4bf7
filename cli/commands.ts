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
const SAMPLE = {
  /** align-tumor-0054: failed after three attempts (two hosts terminated, then exit 1). */
  retriedJob: "2260c43a-ea1b-4721-ac9f-8ae0c3a8f82f",
  /** tiles-z12-0211: an array job of 6 children, 2 of them failed. */
  arrayParent: "3e31c0a1-903b-4819-a975-74f72aa508bf",
  arrayName: "tiles-z12-0211",
  /** report-broken-tag-0008: its image could not be pulled; it never started. */
  neverStarted: "5a2e010c-6f95-4a6d-accd-b0fd760b0bcc",
} as const;

/** Where the examples read the sample from. */
const SAMPLE_DB = ".sample-db";

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
      description: "Replay the test fixtures with RUNNING events recorded too, as JSON",
      command: `batch-job-log replay __tests__/fixtures/events --config 'statuses=["RUNNING","SUCCEEDED","FAILED"]' --json`,
    },
    {
      description: "Replay into DynamoDB Local, in a table of your choosing",
      command:
        "batch-job-log replay samples/events.jsonl --endpoint-url http://localhost:8000 --table jobs",
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

export const LOGS = defineCommand({
  name: "logs",
  summary: "print a job's log events from CloudWatch Logs",
  description: [
    "Prints a job's log events from CloudWatch Logs (the last attempt's, unless --attempt), " +
      "oldest first, from the log group and region its record names. With --db, the job is read " +
      "from the embedded table and its events still from CloudWatch Logs.",
  ],
  positionals: [{ name: "JOB_ID", description: "a job id, as `show` takes it" }],
  options: [
    {
      name: "attempt",
      type: "count",
      description: "the attempt to read, counting from 1 (default: the last with a stream)",
    },
    {
      name: "container",
      type: "text",
      valueName: "NAME",
      description: "the container to read in a multi-container job (default: the main one)",
    },
    SINCE,
    {
      name: "follow",
      short: "f",
      type: "boolean",
      description: "keep polling for new events until interrupted (Ctrl-C)",
    },
    {
      name: "interval",
      type: "count",
      valueName: "SECS",
      default: 2,
      description: "seconds between polls with --follow",
    },
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description: "one JSON object per event: {timestamp, ingestionTime, message}",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "Why a job that never started has no log events to print",
      command: `batch-job-log logs ${SAMPLE.neverStarted} --db ${SAMPLE_DB}`,
    },
    {
      description: "The first attempt of a failed job, from a local CloudWatch Logs (LocalStack)",
      command: `batch-job-log logs ${SAMPLE.retriedJob} --attempt 1 --db ${SAMPLE_DB} --endpoint-url http://localhost:4566`,
    },
    {
      description: "The last hour of a job's log, then new events as they come, with a profile",
      command: `batch-job-log logs ${SAMPLE.retriedJob} --since 1h --follow --profile prod`,
    },
  ],
});

export const FIND = defineCommand({
  name: "find",
  summary: "the most recent runs of a job name",
  description: [
    "The most recent runs of a job name, newest first, from the byJobName index; with --status, " +
      "pages are read until --limit runs matched.",
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
    { name: "limit", type: "count", default: 20, description: "at most N runs" },
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "an array of {jobId, jobName, createdAt, status, exitCode, startedAt, stoppedAt, jobQueue}",
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
  { spec: FIND, load: () => require("./find").find },
  { spec: BACKFILL, load: () => require("./backfill").backfill },
  { spec: COMPLETION, load: () => require("./completion").completion },
];
