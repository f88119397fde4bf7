/**
 * `batch-job-log show JOB_ID`: what the table knows of a job. Status, reason, exit code and
 * times; for every attempt and container where its logs are (group, region, stream), with a
 * CloudWatch console link and the `aws logs tail` command; the pod and node of an EKS attempt;
 * the children of an array or multi-node parent, from the `byParentJobId` index.
 */
import { isTerminalStatus, type JobRecord, type LogStreamRef } from "../record";
import { SHOW } from "./commands";
import { EXIT_OK, type CliIO } from "./io";
import { logStreamConsoleUrl, tailCommand } from "./lookup/console-link";
import { guard, openTable, type LookupDeps } from "./lookup/context";
import { failureReason, joinReasons } from "./lookup/errors";
import { columns, elapsed, formatTime, labelled } from "./lookup/format";
import {
  attemptCount,
  isEks,
  isParent,
  noStreamForAttempt,
  noStreamReason,
} from "./lookup/streams";
import type { ChildSummary } from "./lookup/table";
import { helpText, parseCommand } from "./options";

/** Where one stream is, with the ways to open it. */
export interface LogLink extends LogStreamRef {
  readonly consoleUrl: string;
  readonly tailCommand: string;
}

export async function show(
  argv: readonly string[],
  io: CliIO,
  deps: LookupDeps = {},
): Promise<number> {
  const parsed = parseCommand(SHOW, argv);
  if (parsed.help) {
    io.stdout.write(helpText(SHOW));
    return EXIT_OK;
  }
  const { common, args } = parsed;
  const jobId = args.JOB_ID;
  return guard("show", io, async (context) => {
    const { table } = await openTable(common, io, deps, context);
    const record = await table.get(jobId);
    const children = isParent(record) ? await table.children(record.jobId) : [];
    if (common.json) {
      const links = (record.logStreams ?? []).map(logLink);
      io.stdout.write(JSON.stringify({ ...record, logLinks: links, children }, null, 2) + "\n");
    } else {
      io.stdout.write(renderShow(record, children).join("\n") + "\n");
    }
    return EXIT_OK;
  });
}

function logLink(s: LogStreamRef): LogLink {
  return {
    ...s,
    consoleUrl: logStreamConsoleUrl(s.logRegion, s.logGroup, s.logStreamName),
    tailCommand: tailCommand(s.logRegion, s.logGroup, s.logStreamName),
  };
}

/** The text `show` prints, line by line. */
function renderShow(record: JobRecord, children: readonly ChildSummary[]): string[] {
  const reason = failureReason(record);
  const duration = elapsed(record.startedAt, record.stoppedAt);
  const lines = labelled([
    ["job", record.jobId],
    ["name", record.jobName],
    ["status", record.status + flags(record)],
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
    ...otherFields(record),
  ]);

  const count = attemptCount(record);
  const streams = record.logStreams ?? [];
  if (count === 0) {
    lines.push("", `logs: ${noStreamReason(record)}`);
  }
  for (let n = 1; n <= count; n++) {
    const a = record.attempts?.[n - 1];
    const facts = [
      a?.exitCode === undefined ? undefined : `exit ${a.exitCode}`,
      a?.startedAt === undefined
        ? undefined
        : `${formatTime(a.startedAt)} to ${formatTime(a.stoppedAt)}`,
      attemptReason(record, n),
    ].filter((f): f is string => f !== undefined);
    lines.push("", `attempt ${n}${facts.length > 0 ? `: ${facts.join(", ")}` : ""}`);
    const own = streams.filter((s) => s.attempt === n);
    for (const s of own) {
      const link = logLink(s);
      lines.push(
        `  container ${s.container}`,
        ...labelled([
          ["log group", `${s.logGroup} (${s.logRegion})`],
          ["stream", s.logStreamName],
          ["console", link.consoleUrl],
          ["tail", link.tailCommand],
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
    if (own.length === 0) lines.push(`  logs: ${noStreamInAttempt(record, n)}`);
    else if (a !== undefined && a.startedAt === undefined && isTerminalStatus(record.status)) {
      // DockerTimeoutError-style failures name a stream that was never created.
      lines.push("  note: this attempt never started; its stream may never have been created.");
    }
  }

  if (isParent(record)) {
    const expected = record.arraySize ?? record.numNodes;
    lines.push(
      "",
      `children: ${children.length} recorded${expected === undefined ? "" : ` of ${expected}`}`,
    );
    if (children.length > 0) {
      const kind = record.arraySize !== undefined ? "INDEX" : "NODE";
      lines.push(
        ...columns([
          [kind, "STATUS", "EXIT", "STOPPED", "JOB ID"],
          ...children.map((c) => [
            String(c.arrayIndex ?? c.nodeIndex ?? "-"),
            c.status,
            c.exitCode === undefined ? "-" : String(c.exitCode),
            formatTime(c.stoppedAt),
            c.jobId,
          ]),
        ]).map((l) => `  ${l}`),
      );
    }
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
