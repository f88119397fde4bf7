/**
 * `batch-job-log show JOB_ID`: what the table knows of a job. Status, reason, exit code and
 * times; for every attempt and container where its logs are (group, region, stream), with a
 * CloudWatch console link and the `aws logs tail` command; the pod and node of an EKS attempt;
 * the children of an array or multi-node parent, from the `byParentJobId` index (listed, or
 * summed up when there are many: cli/lookup/children.ts).
 */
import { isTerminalStatus, type JobRecord, type LogStreamRef } from "../../record";
import { EXIT_OK, type CliIO } from "../io";
import type { Output } from "../output";
import { childLines } from "../lookup/children";
import { logStreamConsoleUrl, tailCommand } from "../lookup/console-link";
import type { ArchiveReader, ArchiveStatus } from "../lookup/archive";
import { archiveForSource, guard, jobFinder, openTable, type LookupDeps } from "../lookup/context";
import { LIVE_NOTE, type FoundJob } from "../lookup/jobs";
import { failureReason, joinReasons } from "../lookup/errors";
import { elapsed, formatTime, labelled as labelledText } from "../lookup/format";
import {
  attemptCount,
  isEks,
  isParent,
  noStreamForAttempt,
  noStreamReason,
} from "../lookup/streams";
import type { ChildSummary } from "../lookup/table";
import { defineCommand, type Input } from "../options";
import { ARCHIVE_BUCKET, AWS_OPTIONS, DB, JSON_OUTPUT, SAMPLE, SAMPLE_DB, TABLE } from "./shared";

export const spec = defineCommand({
  name: "show",
  summary: "where a job's logs are, per attempt and container",
  description: [
    "Where a job's logs are: per attempt and container, the log group, region and stream, a " +
      "CloudWatch console link and the `aws logs tail` command; the pod of an EKS attempt; the " +
      "children of an array or multi-node parent (more than 20: counted by status and exit " +
      "code, with the first failures; --children lists them all).",
    "Where an archive is known (--archive-bucket, $BATCH_JOB_LOG_ARCHIVE_BUCKET, or --db DIR " +
      "that `replay` gave one), each stream's line says whether the S3 archive holds it, and " +
      "where, or why not.",
    "A job the table does not hold yet (running, runnable, or ended seconds ago) is described " +
      'by AWS Batch (DescribeJobs): its status line says "live from Batch, not recorded yet"; ' +
      "with --db, by the local Batch endpoint serving the jobs the replay left unfinished.",
  ],
  positionals: [
    {
      name: "JOB_ID",
      description:
        "a job id (an array child is PARENT:INDEX, a node of a multi-node job PARENT#NODE), a " +
        "job ARN of any partition, a Batch console URL of a job, or a job name (its latest run, " +
        "with a note saying which and how many others there are)",
    },
  ],
  options: [
    {
      name: "children",
      type: "boolean",
      description:
        "of an array or multi-node parent: every child, one row each (default: every child up " +
        "to 20, else counts by status and exit code and the first failures)",
    },
    ARCHIVE_BUCKET,
    TABLE,
    DB,
    {
      ...JSON_OUTPUT,
      description:
        "the stored item, with logLinks (each with its archive, when known) and children",
    },
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
    {
      description: "A job still running, which the table does not hold yet: what Batch says of it",
      command: `batch-job-log show ${SAMPLE.running} --db ${SAMPLE_DB}`,
    },
  ],
});

/** Where one stream is, with the ways to open it. */
export interface LogLink extends LogStreamRef {
  readonly consoleUrl: string;
  readonly tailCommand: string;
  /** Whether the archive holds the stream, when an archive is known. */
  readonly archive?: ArchiveStatus;
}

export async function run(
  input: Input<typeof spec>,
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  const { common, args, values, out } = input;
  const jobId = args.JOB_ID;
  return guard("show", io, async (context) => {
    const opened = await openTable(common, io, deps, context);
    const { aws } = opened;
    const finder = jobFinder(common, opened, io, deps, context);
    const found = await finder.find(jobId);
    const { record } = found;
    const children = isParent(record) ? await finder.children(found) : [];
    const bucket = values["archive-bucket"];
    const archive = await archiveForSource(common, aws, "auto", bucket, io, context);
    const archived = await archiveStatuses(archive, record);
    if (common.json) {
      const links = (record.logStreams ?? []).map((s) => ({
        ...logLink(s),
        ...(archived.has(s) ? { archive: archived.get(s) } : {}),
      }));
      out.document({ ...record, ...(found.live ? { live: true } : {}), logLinks: links, children });
    } else {
      out.printLines(renderShow(found, children, out, values.children, archived));
    }
    return EXIT_OK;
  });
}

/**
 * Whether the archive holds each stream of the record (none without an archive); a failure to
 * ask (access denied) is said as the stream's status rather than failing `show`.
 */
async function archiveStatuses(
  archive: ArchiveReader | undefined,
  record: JobRecord,
): Promise<Map<LogStreamRef, ArchiveStatus>> {
  const statuses = new Map<LogStreamRef, ArchiveStatus>();
  if (!archive) return statuses;
  for (const s of record.logStreams ?? []) {
    const ref = { logGroup: s.logGroup, logRegion: s.logRegion, account: record.account };
    try {
      statuses.set(s, await archive.status(ref, s.logStreamName));
    } catch (error) {
      const why = `could not ask: ${(error as Error).message ?? String(error)}`;
      statuses.set(s, { archived: false, why });
    }
  }
  return statuses;
}

/** The `archive` line of a stream. */
function archiveLine(status: ArchiveStatus): string {
  return status.archived
    ? `${status.url} (${status.objects} ${status.objects === 1 ? "object" : "objects"})`
    : `not archived: ${status.why}`;
}

function logLink(s: LogStreamRef): LogLink {
  return {
    ...s,
    consoleUrl: logStreamConsoleUrl(s.logRegion, s.logGroup, s.logStreamName),
    tailCommand: tailCommand(s.logRegion, s.logGroup, s.logStreamName),
  };
}

/**
 * The text `show` prints, line by line, escaped by the output layer (what a job set may hold
 * control characters), the statuses coloured.
 */
function renderShow(
  { record, live }: FoundJob,
  children: readonly ChildSummary[],
  out: Output,
  allChildren: boolean,
  archived: ReadonlyMap<LogStreamRef, ArchiveStatus> = new Map(),
): string[] {
  const labelled = (pairs: readonly (readonly [string, string | undefined])[], minWidth = 0) =>
    labelledText(
      pairs.map(([label, value]) => [label, value && out.escape(value)] as const),
      minWidth,
    );
  const reason = failureReason(record);
  const duration = elapsed(record.startedAt, record.stoppedAt);
  const STATUS = "\0status";
  const known: [string, string | undefined][] = [
    ["job", record.jobId],
    ["name", record.jobName],
    ["status", STATUS],
    ["reason", reason],
    ["exit code", record.exitCode === undefined ? undefined : String(record.exitCode)],
    ["queue", record.jobQueue],
    ["definition", record.jobDefinition],
    ["created", record.createdAt === undefined ? undefined : formatTime(record.createdAt)],
    ["started", record.startedAt === undefined ? undefined : formatTime(record.startedAt)],
    [
      "stopped",
      record.stoppedAt === undefined
        ? undefined
        : formatTime(record.stoppedAt) + (duration ? ` (ran ${duration})` : ""),
    ],
    ["platform", record.platform],
    ["region", record.region],
    ["account", record.account],
    ["parent", record.parentJobId],
    ["array", arrayLine(record)],
    ["nodes", nodesLine(record)],
    ["eks cluster", record.eksClusterArn],
  ];
  const lines = labelled(known).map((line) =>
    // The status, escaped and coloured by the output layer, after the padding of the labels.
    line.startsWith("status ")
      ? line.replace(
          out.escape(STATUS),
          out.status(record.status) + flags(record) + (live ? `  (${LIVE_NOTE})` : ""),
        )
      : line,
  );
  // The fields show has no line for, aligned with those above but never widening them, so that
  // a field the record gains changes no other line.
  const width = Math.max(...known.filter(([, v]) => v !== undefined).map(([l]) => l.length));
  lines.push(...labelled(otherFields(record), width));

  const count = attemptCount(record);
  const streams = record.logStreams ?? [];
  if (count === 0) {
    lines.push("", out.escape(`logs: ${noStreamReason(record)}`));
  }
  for (let n = 1; n <= count; n++) {
    const a = record.attempts?.[n - 1];
    const facts = [
      a?.exitCode === undefined ? undefined : `exit ${a.exitCode}`,
      a?.startedAt === undefined
        ? undefined
        : a.stoppedAt === undefined && !isTerminalStatus(record.status)
          ? `from ${formatTime(a.startedAt)}, running`
          : `${formatTime(a.startedAt)} to ${formatTime(a.stoppedAt)}`,
      attemptReason(record, n),
    ].filter((f): f is string => f !== undefined);
    lines.push("", out.escape(`attempt ${n}${facts.length > 0 ? `: ${facts.join(", ")}` : ""}`));
    const own = streams.filter((s) => s.attempt === n);
    for (const s of own) {
      const link = logLink(s);
      lines.push(
        `  container ${out.escape(s.container)}`,
        ...labelled([
          ["log group", `${s.logGroup} (${s.logRegion})`],
          ["stream", s.logStreamName],
          ["console", link.consoleUrl],
          ["tail", link.tailCommand],
          ...(archived.has(s)
            ? [["archive", archiveLine(archived.get(s) as ArchiveStatus)] as const]
            : []),
        ]).map((l) => `    ${l}`),
      );
    }
    if (a?.podName !== undefined) {
      lines.push(
        ...labelled([
          ["pod", a.podName],
          ["namespace", a.podNamespace],
          ["node", a.nodeName],
        ]).map((l) => `  ${l}`),
      );
    }
    if (own.length === 0) lines.push(out.escape(`  logs: ${noStreamInAttempt(record, n)}`));
    else if (a !== undefined && a.startedAt === undefined && isTerminalStatus(record.status)) {
      // DockerTimeoutError-style failures name a stream that was never created.
      lines.push("  note: this attempt never started; its stream may never have been created.");
    }
  }

  if (isParent(record)) {
    const table = (rows: readonly (readonly string[])[], indent: string) =>
      out.table(rows, { indent, statusColumn: 1 });
    lines.push("", ...childLines(record, children, allChildren, table));
  }
  return lines;
}

/** Why attempt `n` shows no stream, for the attempt's own block. */
function noStreamInAttempt(record: JobRecord, n: number): string {
  if (isEks(record)) {
    return "no CloudWatch log stream (EKS job): read the pod's logs from the cluster's logging.";
  }
  if (record.logDriver !== undefined) {
    return `no CloudWatch log stream (${record.logDriver} log driver).`;
  }
  return noStreamForAttempt(record, n);
}

/**
 * What `show` prints elsewhere (above, in the attempt blocks, or from the children index) or
 * leaves to `--json` (the job ARN and the provenance of the item). Any other field a record
 * carries is printed under its own name, so that a field added to the record shows up here
 * without a change to this command.
 */
const RENDERED_FIELDS: ReadonlySet<string> = new Set([
  "jobId",
  "jobArn",
  "jobName",
  "status",
  "isCancelled",
  "isTerminated",
  "statusReason",
  "reason",
  "exitCode",
  "jobQueue",
  "jobDefinition",
  "createdAt",
  "startedAt",
  "stoppedAt",
  "platform",
  "region",
  "account",
  "parentJobId",
  "arrayIndex",
  "arraySize",
  "arrayStatusSummary",
  "nodeIndex",
  "isMainNode",
  "numNodes",
  "mainNode",
  "eksClusterArn",
  "logGroup",
  "logRegion",
  "logStreamName",
  "logDriver",
  "logStreams",
  "attempts",
  "eventId",
  "eventTime",
  "recordedAt",
  "expiresAt",
  "revision",
]);

/** The record's other fields with a plain value, as label and text. */
function otherFields(record: JobRecord): [string, string][] {
  return Object.entries(record)
    .filter(([name, value]) => !RENDERED_FIELDS.has(name) && isPlain(value))
    .map(([name, value]) => [name, String(value)]);
}

function isPlain(value: unknown): value is string | number | boolean {
  return ["string", "number", "boolean"].includes(typeof value);
}

function flags(record: JobRecord): string {
  const f = [
    record.isCancelled ? "cancelled" : undefined,
    record.isTerminated ? "terminated" : undefined,
  ];
  const set = f.filter((x) => x !== undefined);
  return set.length > 0 ? ` (${set.join(", ")})` : "";
}

function attemptReason(record: JobRecord, n: number): string | undefined {
  const a = record.attempts?.[n - 1];
  return a ? joinReasons(a.statusReason, a.reason) : undefined;
}

function arrayLine(record: JobRecord): string | undefined {
  if (record.arrayIndex !== undefined) return `child ${record.arrayIndex}`;
  if (record.arraySize === undefined) return undefined;
  const summary = Object.entries(record.arrayStatusSummary ?? {})
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${status} ${n}`)
    .join(", ");
  return `size ${record.arraySize}${summary ? `: ${summary}` : ""}`;
}

function nodesLine(record: JobRecord): string | undefined {
  if (record.nodeIndex !== undefined) {
    return `node ${record.nodeIndex}${record.isMainNode ? " (main)" : ""}`;
  }
  if (record.numNodes === undefined) return undefined;
  return `${record.numNodes}${record.mainNode === undefined ? "" : `, main node ${record.mainNode}`}`;
}
