/**
 * show, logs and find against a real table: dynalite, created exactly as the Pulumi program
 * declares it, holding records written by the handler's own code (recordFromEvent + the
 * conditional writer) from the event fixtures. CloudWatch Logs has no local implementation: it is
 * mocked with aws-sdk-client-mock, and the tests assert which client region each call used.
 */
import { useDummyCredentials } from "./helpers/aws-env";
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from "fs";
import { createServer, type Server } from "http";
import type { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import {
  AccessDeniedException,
  CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
  type GetLogEventsCommandInput,
} from "@aws-sdk/client-cloudwatch-logs";
import { BatchClient, DescribeJobsCommand } from "@aws-sdk/client-batch";
import { mockClient } from "aws-sdk-client-mock";
import {
  createRecordWriter,
  recordFromEvent,
  tableKeysAndIndexes,
  type CommandSender,
  type JobRecord,
} from "../record";
import * as findCommand from "../cli/commands/find";
import * as logsCommand from "../cli/commands/logs";
import * as showCommand from "../cli/commands/show";
import type { CliIO } from "../cli/io";
import type { LookupDeps } from "../cli/lookup/context";
import { pulumiStackOutput } from "../cli/lookup/options";
import { JobTable } from "../cli/lookup/table";
import { main } from "../cli/main";
import { startLocalTable, type LocalTable } from "../twin/dynamo-local";
import { command, jsonLines } from "./helpers/cli-io";
import { fixture as loadFixture, type BatchEvent } from "./helpers/fixtures";

const find = command(findCommand);
const logs = command(logsCommand);
const show = command(showCommand);

const TABLE = "batch-job-log-lookups";

type Envelope = BatchEvent & { time: string };

function fixture(name: string): Envelope[] {
  return loadFixture(name) as Envelope[];
}
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

// Job ids of the fixtures (see __tests__/fixtures/events/README.md).
const EC2 = "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61";
const RETRIED = "c3a5e7f9-1b2d-4c6e-a8f0-2d4f6a8c0e13";
const CROSS_REGION = "4d6f8a0c-2e4a-4b8d-9f1a-3c5e7a9b1d24";
const ARRAY_PARENT = "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46";
const EKS = "b2d4f6a8-0c1e-4a3b-95d7-8f0b2d4f6a80";
const DOCKER_TIMEOUT = "f6b8d0f2-4a5c-4e7f-99b1-2c4e6a8cadb3";
const IMAGE_PULL = "e5a7c9e1-3f4b-4d6e-88a0-1b3d5f7a9ca2";
const NON_AWSLOGS = "9e1b3d5f-7a9c-4e2a-b4c6-8d0f2a4c6e35";
const MULTI_CONTAINER = "a1c3e5f7-9b0d-4f2a-84c6-7e9a1c3e5f79";
const DOLLAR_JOB = "0d0d0d0d-1111-4222-8333-444455556666";
const DOLLAR_STREAM = "etl$prod/default/0a1b$2c";

/** Array children 0 and 2, made from the fixture's child 1 (own id, index, task and stream). */
function arrayChild(index: number, status: "SUCCEEDED" | "FAILED"): Envelope[] {
  return fixture("array-child").map((event, i) => {
    const e = clone(event);
    const d = e.detail as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    e.id = `${event.id.slice(0, -2)}${index}${i}`;
    const id = `${ARRAY_PARENT}:${index}`;
    d.jobId = id;
    d.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${id}`;
    d.arrayProperties.index = index;
    const stream = `tile-render/default/child${index}task`;
    if (d.container?.logStreamName) d.container.logStreamName = stream;
    for (const a of d.attempts ?? []) {
      a.container.logStreamName = stream;
      if (d.status === "SUCCEEDED" && status === "FAILED") a.container.exitCode = 3;
    }
    if (d.status === "SUCCEEDED" && status === "FAILED") {
      d.status = "FAILED";
      d.container.exitCode = 3;
    }
    return e;
  });
}

/** A run of `etl-orders-20261101` (the ec2-single fixture) with its own id, creation time, status. */
function run(
  id: string,
  createdAt: number,
  status: "SUCCEEDED" | "FAILED",
  exitCode: number,
): Envelope {
  const events = fixture("ec2-single");
  const e = clone(events[events.length - 1]);
  const d = e.detail as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  e.id = `evt-${id}`;
  d.jobId = id;
  d.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${id}`;
  d.createdAt = createdAt;
  d.startedAt = createdAt + 60_000;
  d.stoppedAt = createdAt + 60_000 + 303_000;
  d.status = status;
  d.container.exitCode = exitCode;
  d.attempts[0].container.exitCode = exitCode;
  return e;
}

let dynamo: LocalTable;
let documentClient: CommandSender;
const logsMock = mockClient(CloudWatchLogsClient);

async function record(events: readonly Envelope[]): Promise<void> {
  const writer = createRecordWriter(TABLE, documentClient);
  for (const event of events)
    await writer.put(recordFromEvent(event, { now: new Date(1_800_000_000_000) }));
}

useDummyCredentials();

beforeAll(async () => {
  dynamo = await startLocalTable({ tableInputs: tableKeysAndIndexes(), tableName: TABLE });
  documentClient = dynamo.documents;
  for (const name of [
    "ec2-single",
    "retried",
    "custom-log-group-cross-region",
    "array-parent",
    "array-child",
    "eks",
    "docker-timeout",
    "image-pull-failure",
    "non-awslogs-driver",
    "multi-container",
  ]) {
    await record(fixture(name));
  }
  // Children 2 and 0 after 1: show must sort them.
  await record(arrayChild(2, "FAILED"));
  await record(arrayChild(0, "SUCCEEDED"));
  // A stream name with `/` and `$` (an awslogs-stream-prefix may contain `$`).
  const dollar = clone(fixture("ec2-single").at(-1) as Envelope);
  const d = dollar.detail as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  dollar.id = "evt-dollar";
  d.jobId = DOLLAR_JOB;
  d.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${DOLLAR_JOB}`;
  d.jobName = "dollar-job";
  d.container.logStreamName = DOLLAR_STREAM;
  d.attempts[0].container.logStreamName = DOLLAR_STREAM;
  await record([dollar]);
  // Runs of one job name for find (ec2-single is the run created at 1793610900123).
  await record([
    run("run-a", 1793600000000, "FAILED", 1),
    run("run-b", 1793620000000, "SUCCEEDED", 0),
    run("run-c", 1793630000000, "FAILED", 137),
    run("run-d", 1793640000000, "SUCCEEDED", 0),
  ]);
}, 60_000);

afterAll(async () => {
  logsMock.restore();
  await dynamo?.close();
});

beforeEach(() => logsMock.reset());

interface Ran {
  code: number;
  out: string;
  err: string;
}

type Cmd = (argv: readonly string[], io: CliIO, deps?: LookupDeps) => Promise<number>;

function io(env: Record<string, string | undefined> = {}, tty = false) {
  let out = "";
  let err = "";
  const value: CliIO = {
    stdout: { write: (t: string) => (out += t), isTTY: tty },
    stderr: { write: (t: string) => (err += t), isTTY: tty },
    env: { BATCH_JOB_LOG_TABLE: TABLE, AWS_REGION: "us-east-1", PATH: process.env.PATH, ...env },
    cwd: process.cwd(),
  };
  return { value, result: () => ({ out, err }) };
}

async function runCmd(
  cmd: Cmd,
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; deps?: LookupDeps; endpoint?: string } = {},
): Promise<Ran> {
  const { value, result } = io(options.env);
  const code = await cmd(
    [...args, "--endpoint", options.endpoint ?? dynamo.endpoint],
    value,
    options.deps,
  );
  return { code, ...result() };
}

/** Through the dispatcher, as `batch-job-log <args>` runs. */
async function runMain(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<Ran> {
  const { value, result } = io(env);
  const code = await main(args, value);
  return { code, ...result() };
}

const logsInputs = (): GetLogEventsCommandInput[] =>
  logsMock.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input);

async function regionOfCall(i: number): Promise<string> {
  const client = logsMock.commandCalls(GetLogEventsCommand)[i].thisValue as CloudWatchLogsClient;
  return client.config.region();
}

describe("show", () => {
  test("a single-container job: status, times, and where its one stream is", async () => {
    const r = await runCmd(show, [EC2]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out.split("\n")).toEqual([
      "job         2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
      "name        etl-orders-20261101",
      "status      SUCCEEDED",
      "reason      Essential container in task exited",
      "exit code   0",
      "queue       arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand",
      "definition  arn:aws:batch:us-east-1:123456789012:job-definition/nightly-etl:7",
      "created     2026-11-02T09:15:00.123Z",
      "started     2026-11-02T09:16:32.262Z",
      "stopped     2026-11-02T09:26:15.656Z (ran 9m 43s)",
      "platform    EC2",
      "region      us-east-1",
      "account     123456789012",
      "",
      "attempt 1: exit 0, 2026-11-02T09:16:32.262Z to 2026-11-02T09:26:15.656Z, Essential container in task exited",
      "  container default",
      "    log group  /aws/batch/job (us-east-1)",
      "    stream     nightly-etl/default/15af9da521a8da87cf894a817c898cd6",
      "    console    https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Fbatch$252Fjob/log-events/nightly-etl$252Fdefault$252F15af9da521a8da87cf894a817c898cd6",
      "    tail       aws logs tail /aws/batch/job --log-stream-names nightly-etl/default/15af9da521a8da87cf894a817c898cd6 --region us-east-1",
      "",
    ]);
  });

  test("the exact console link and tail command for a stream name with `/` and `$`", async () => {
    const r = await runCmd(show, [DOLLAR_JOB]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines).toContain(
      "    console    https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1" +
        "#logsV2:log-groups/log-group/$252Faws$252Fbatch$252Fjob/log-events/etl$2524prod$252Fdefault$252F0a1b$25242c",
    );
    expect(lines).toContain(
      "    tail       aws logs tail /aws/batch/job --log-stream-names 'etl$prod/default/0a1b$2c' --region us-east-1",
    );
    const json = JSON.parse((await runCmd(show, [DOLLAR_JOB, "--json"])).out);
    expect(json.logLinks[0].consoleUrl).toBe(
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1" +
        "#logsV2:log-groups/log-group/$252Faws$252Fbatch$252Fjob/log-events/etl$2524prod$252Fdefault$252F0a1b$25242c",
    );
  });

  test("a retried job: every attempt with its own exit code, reason and stream", async () => {
    const r = await runCmd(show, [RETRIED]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const attempts = lines.filter((l) => l.startsWith("attempt "));
    expect(attempts.map((l) => l.replace(/, \S+Z to \S+Z(?=,)/, ""))).toEqual([
      "attempt 1: exit 1, Essential container in task exited",
      "attempt 2: exit 137, Essential container in task exited (OutOfMemoryError: Container killed due to memory usage)",
      "attempt 3: exit 0, Essential container in task exited",
    ]);
    expect(lines.filter((l) => l.startsWith("    stream"))).toEqual([
      "    stream     genomics-align/default/ef8d6ff25f62ff26255e8cf28ade0fa4",
      "    stream     genomics-align/default/0e311a38e626b8cf919d814a3c7dab9f",
      "    stream     genomics-align/default/8643edbbbb6220f7c2677ca0b492a45b",
    ]);
  });

  test("a cross-region log group: the link and tail command use the log region", async () => {
    const r = await runCmd(show, [CROSS_REGION]);
    const lines = r.out.split("\n");
    expect(lines).toContain("region      us-east-1");
    expect(lines).toContain("    log group  /batch/etl (eu-west-1)");
    expect(lines).toContain(
      "    console    https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fbatch$252Fetl/log-events/etl$252Fdefault$252F7a808a5c4e05b138635681b9eab5d10a",
    );
    expect(lines).toContain(
      "    tail       aws logs tail /batch/etl --log-stream-names etl/default/7a808a5c4e05b138635681b9eab5d10a --region eu-west-1",
    );
  });

  test("an array parent lists its children from the index, sorted by index, with statuses", async () => {
    const r = await runCmd(show, [ARRAY_PARENT]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines).toContain("array       size 3: SUCCEEDED 3");
    expect(lines).toContain(
      "logs: job 5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46 is an array parent: it never runs itself; " +
        "its 3 children have the logs (`batch-job-log logs 5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46` prints them).",
    );
    const at = lines.indexOf("children: 3 recorded of 3");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 5)).toEqual([
      "  INDEX  STATUS     EXIT  STOPPED                   JOB ID",
      "  0      SUCCEEDED  0     2026-11-02T12:24:13.417Z  5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46:0",
      "  1      SUCCEEDED  0     2026-11-02T12:24:13.417Z  5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46:1",
      "  2      FAILED     3     2026-11-02T12:24:13.417Z  5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46:2",
    ]);
    const json = JSON.parse((await runCmd(show, [ARRAY_PARENT, "--json"])).out);
    expect(json.jobId).toBe(ARRAY_PARENT);
    expect(json.arraySize).toBe(3);
    expect(json.children.map((c: JobRecord) => [c.jobId, c.status, c.arrayIndex])).toEqual([
      [`${ARRAY_PARENT}:0`, "SUCCEEDED", 0],
      [`${ARRAY_PARENT}:1`, "SUCCEEDED", 1],
      [`${ARRAY_PARENT}:2`, "FAILED", 2],
    ]);
  });

  test("an attempt that never started but names a stream: shown, with a warning", async () => {
    const r = await runCmd(show, [DOCKER_TIMEOUT]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const a1 = lines.findIndex((l) => l.startsWith("attempt 1"));
    expect(lines[a1]).toBe(
      "attempt 1: Task failed to start (DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s)",
    );
    expect(lines[a1 + 3]).toBe(
      "    stream     render-frames/default/444fbea193638b4fb67c47081e7d7dad",
    );
    expect(lines[a1 + 6]).toBe(
      "  note: this attempt never started; its stream may never have been created.",
    );
  });

  test("an EKS job: pod, namespace and node per attempt, and why there is no stream", async () => {
    const r = await runCmd(show, [EKS]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines).toContain("platform     EKS");
    expect(lines).toContain(
      "eks cluster  arn:aws:eks:us-east-1:123456789012:cluster/batch-eks-prod",
    );
    const a1 = lines.findIndex((l) => l.startsWith("attempt 1:"));
    expect(lines[a1]).toBe(
      "attempt 1: exit 1, 2026-11-02T16:02:27.053Z to 2026-11-02T16:23:17.335Z, Error",
    );
    expect(lines.slice(a1 + 1, a1 + 5)).toEqual([
      "  pod        aws-batch.7ad542d3-8c70-3f1a-aae1-6f0242c1cc4d",
      "  namespace  aws-batch-jobs",
      "  node       ip-10-0-16-121.ec2.internal",
      "  logs: no CloudWatch log stream (EKS job): read the pod's logs from the cluster's logging.",
    ]);
    const a2 = lines.findIndex((l) => l.startsWith("attempt 2:"));
    expect(lines.slice(a2, a2 + 5)).toEqual([
      "attempt 2: exit 0, 2026-11-02T16:24:51.933Z to 2026-11-02T16:40:46.299Z, Completed",
      "  pod        aws-batch.05fbb034-c0c9-3601-b2fb-8f8bbffca251",
      "  namespace  aws-batch-jobs",
      "  node       ip-10-0-35-156.ec2.internal",
      "  logs: no CloudWatch log stream (EKS job): read the pod's logs from the cluster's logging.",
    ]);
  });

  test("a field the record gained is printed under its own name, with no change to show", async () => {
    // Prepare: the record of a job as a newer record module would build it, with one more field.
    const writer = createRecordWriter(TABLE, documentClient);
    const base = recordFromEvent(fixture("ec2-single").at(-1), {
      now: new Date(1_800_000_000_000),
    });
    await writer.put({
      ...base,
      jobId: "job-with-cost-center",
      jobName: "cost-report",
      costCenter: "genomics",
    } as JobRecord);
    // Act
    const r = await runCmd(show, ["job-with-cost-center"]);
    // Assess: after the fields show knows, before the attempts, aligned with them.
    const lines = r.out.split("\n");
    const account = lines.indexOf("account     123456789012");
    const head = lines.slice(account, lines.indexOf("", account));
    expect(head.filter((l) => /^costCenter +genomics$/.test(l))).toHaveLength(1);
    expect(head[0]).toBe("account     123456789012");
  });

  test("--json prints the stored record plus children (empty for a job that is no parent)", async () => {
    const r = await runCmd(show, [EC2, "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    const stored = (await new JobTable(TABLE, documentClient).get(EC2)) as unknown as Record<
      string,
      unknown
    >;
    for (const [key, value] of Object.entries(stored)) expect(json[key]).toEqual(value);
    expect(json.children).toEqual([]);
    expect(json.logLinks).toEqual([
      {
        attempt: 1,
        container: "default",
        logGroup: "/aws/batch/job",
        logRegion: "us-east-1",
        logStreamName: "nightly-etl/default/15af9da521a8da87cf894a817c898cd6",
        consoleUrl:
          "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Fbatch$252Fjob/log-events/nightly-etl$252Fdefault$252F15af9da521a8da87cf894a817c898cd6",
        tailCommand:
          "aws logs tail /aws/batch/job --log-stream-names nightly-etl/default/15af9da521a8da87cf894a817c898cd6 --region us-east-1",
      },
    ]);
  });
});

describe("logs", () => {
  const page = (messages: string[], token: string) => ({
    events: messages.map((message, i) => ({
      timestamp: 1793611000000 + i,
      ingestionTime: 1793611000500,
      message,
    })),
    nextForwardToken: token,
    nextBackwardToken: "b/0",
  });

  test("a job's control characters: escaped on a terminal, as written with --raw or on a pipe, JSON-escaped with --json", async () => {
    // Prepare: a line that would write the clipboard (OSC 52), clear the screen, return,
    // backspace and open a C1 CSI; a tab, which stays.
    const line = "\x1b]52;c;ZXZpbA==\x07copied \x1b[2Jcleared\rback\bspace\x9b31m\ttab";
    logsMock
      .on(GetLogEventsCommand)
      .callsFake((input: GetLogEventsCommandInput) =>
        input.nextToken === undefined ? page([line], "f/1") : page([], "f/1"),
      );
    const on = async (tty: boolean, ...flags: string[]) => {
      const { value, result } = io({}, tty);
      const code = await main(["logs", EC2, ...flags, "--endpoint", dynamo.endpoint], value);
      return { code, out: result().out };
    };
    // Act, Assess
    expect(await on(true)).toEqual({
      code: 0,
      out: "\\x1b]52;c;ZXZpbA==\\x07copied \\x1b[2Jcleared\\x0dback\\x08space\\x9b31m\ttab\n",
    });
    expect(await on(true, "--raw")).toEqual({ code: 0, out: line + "\n" });
    expect(await on(false)).toEqual({ code: 0, out: line + "\n" });
    const json = await on(true, "--json");
    expect(json.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(JSON.parse(json.out).message).toBe(line);
  });

  test("pages with nextForwardToken until the token repeats: every event once, in order", async () => {
    const pages: Record<string, ReturnType<typeof page>> = {
      start: page(["one", "two"], "f/1"),
      "f/1": page(["three"], "f/2"),
      "f/2": page(["four\n", "five"], "f/3"),
      "f/3": page([], "f/3"),
    };
    logsMock
      .on(GetLogEventsCommand)
      .callsFake((input: GetLogEventsCommandInput) => pages[input.nextToken ?? "start"]);
    const r = await runCmd(logs, [EC2]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("one\ntwo\nthree\nfour\nfive\n");
    expect(r.err).toBe(
      "==> /aws/batch/job nightly-etl/default/15af9da521a8da87cf894a817c898cd6 (us-east-1), attempt 1, container default\n",
    );
    expect(logsInputs()).toEqual([
      {
        logGroupName: "/aws/batch/job",
        logStreamName: "nightly-etl/default/15af9da521a8da87cf894a817c898cd6",
        startFromHead: true,
      },
      ...["f/1", "f/2", "f/3"].map((nextToken) => ({
        logGroupName: "/aws/batch/job",
        logStreamName: "nightly-etl/default/15af9da521a8da87cf894a817c898cd6",
        startFromHead: true,
        nextToken,
      })),
    ]);
    expect(await regionOfCall(0)).toBe("us-east-1");
  });

  test("--json prints one object per event", async () => {
    logsMock
      .on(GetLogEventsCommand)
      .callsFake((input: GetLogEventsCommandInput) =>
        input.nextToken ? page([], "f/1") : page(["hello"], "f/1"),
      );
    const r = await runCmd(logs, [EC2, "--json"]);
    expect(r.out).toBe(
      '{"timestamp":1793611000000,"ingestionTime":1793611000500,"message":"hello"}\n',
    );
    expect(logsInputs()).toHaveLength(2);
  });

  test("a cross-region log group is read with a client in the log region", async () => {
    logsMock.on(GetLogEventsCommand).resolves(page([], "f/0"));
    const r = await runCmd(logs, [CROSS_REGION]);
    expect(r.code).toBe(0);
    expect(logsInputs()[0]).toEqual({
      logGroupName: "/batch/etl",
      logStreamName: "etl/default/7a808a5c4e05b138635681b9eab5d10a",
      startFromHead: true,
    });
    expect(await regionOfCall(0)).toBe("eu-west-1");
  });

  test("the last attempt by default, --attempt N for another, --since as startTime", async () => {
    logsMock.on(GetLogEventsCommand).resolves(page([], "f/0"));
    await runCmd(logs, [RETRIED]);
    expect(logsInputs()[0].logStreamName).toBe(
      "genomics-align/default/8643edbbbb6220f7c2677ca0b492a45b",
    );
    logsMock.resetHistory();
    const now = 1793700000000;
    await runCmd(logs, [RETRIED, "--attempt", "2", "--since", "10m"], { deps: { now: () => now } });
    expect(logsInputs()[0]).toEqual({
      logGroupName: "/aws/batch/job",
      logStreamName: "genomics-align/default/0e311a38e626b8cf919d814a3c7dab9f",
      startFromHead: true,
      startTime: now - 600_000,
    });
    const r = await runCmd(logs, [RETRIED, "--attempt", "4"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`batch-job-log logs: job ${RETRIED} has 3 attempts, not 4.\n`);
  });

  test("a multi-container job: the main container by default, --container for another", async () => {
    logsMock.on(GetLogEventsCommand).resolves(page([], "f/0"));
    const r = await runCmd(logs, [MULTI_CONTAINER]);
    expect(r.code).toBe(0);
    expect(r.err.split("\n")[0]).toBe(
      "note: attempt 1 has 3 containers (app, metrics-agent, envoy): showing app; pick one with --container NAME.",
    );
    expect(logsInputs()[0].logStreamName).toBe("multi-sim/app/ec46300d77b3c5ff9c0e8060db5156e5");
    logsMock.resetHistory();
    await runCmd(logs, [MULTI_CONTAINER, "--container", "metrics-agent"]);
    expect(logsInputs()[0]).toMatchObject({
      logGroupName: "/batch/sidecars",
      logStreamName: "sidecar/metrics-agent/ec46300d77b3c5ff9c0e8060db5156e5",
    });
  });

  test("a stream that was never created: one line with the failure reason, exit 1", async () => {
    logsMock.on(GetLogEventsCommand).rejects(
      new ResourceNotFoundException({
        message: "The specified log stream does not exist.",
        $metadata: {},
      }),
    );
    const r = await runCmd(logs, [DOCKER_TIMEOUT]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.split("\n")).toEqual([
      "==> /aws/batch/job render-frames/default/444fbea193638b4fb67c47081e7d7dad (us-east-1), attempt 1, container default",
      "batch-job-log logs: log stream render-frames/default/444fbea193638b4fb67c47081e7d7dad in log group " +
        `/aws/batch/job (us-east-1) was never created: attempt 1 of job ${DOCKER_TIMEOUT} failed before its ` +
        "container started: Task failed to start " +
        "(DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s)",
      "",
    ]);
    expect(logsInputs()).toHaveLength(1);
  });

  test("jobs without a CloudWatch stream say why, without calling CloudWatch Logs", async () => {
    const cases: [string, string][] = [
      [
        EKS,
        `job ${EKS} ran on EKS (pod aws-batch.05fbb034-c0c9-3601-b2fb-8f8bbffca251 in namespace aws-batch-jobs ` +
          "on node ip-10-0-35-156.ec2.internal): Batch records no CloudWatch log stream for EKS jobs; " +
          "read its logs from the cluster's logging.",
      ],
      [
        IMAGE_PULL,
        `job ${IMAGE_PULL} never started (FAILED): Task failed to start (CannotPullContainerError: pull image manifest ` +
          "has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/etl:2026.11.0-rc1: not found).",
      ],
      [
        NON_AWSLOGS,
        `job ${NON_AWSLOGS} logs with the splunk log driver, not awslogs: there is no CloudWatch log stream.`,
      ],
    ];
    for (const [jobId, message] of cases) {
      const r = await runCmd(logs, [jobId]);
      expect([r.code, r.out, r.err]).toEqual([1, "", `batch-job-log logs: ${message}\n`]);
    }
    expect(logsInputs()).toHaveLength(0);
  });

  test("--follow polls from the last token until SIGINT", async () => {
    const responses = [
      page(["a"], "f/1"),
      page([], "f/1"),
      page(["b", "c"], "f/2"),
      page([], "f/2"),
      page([], "f/2"),
    ];
    logsMock.on(GetLogEventsCommand).callsFake(() => responses.shift() ?? page([], "f/2"));
    const listeners = process.listenerCount("SIGINT");
    let sleeps = 0;
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      sleeps += 1;
      expect(process.listenerCount("SIGINT")).toBe(listeners + 1);
      if (sleeps === 2) process.emit("SIGINT");
    };
    const r = await runCmd(logs, [EC2, "--follow", "--interval", "3"], { deps: { sleep } });
    expect(r.code).toBe(0);
    expect(r.out).toBe("a\nb\nc\n");
    expect(waits).toEqual([3000, 3000]);
    expect(logsInputs().map((i) => i.nextToken)).toEqual([undefined, "f/1", "f/1", "f/2"]);
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  });

  test("--follow waits 2 seconds between polls unless --interval says otherwise", async () => {
    logsMock.on(GetLogEventsCommand).resolves(page([], "f/1"));
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      process.emit("SIGINT");
    };
    const r = await runCmd(logs, [EC2, "-f"], { deps: { sleep } });
    expect([r.code, waits]).toEqual([0, [2000]]);
  });
});

describe("find", () => {
  test("newest first, with status, exit code, run time, id and queue", async () => {
    const r = await runCmd(find, ["etl-orders-20261101"]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out.split("\n")).toEqual([
      "CREATED                   STATUS     EXIT  RAN     JOB ID                                QUEUE",
      "2026-11-02T17:20:00Z      SUCCEEDED  0     5m 3s   run-d                                 ec2-ondemand",
      "2026-11-02T14:33:20Z      FAILED     137   5m 3s   run-c                                 ec2-ondemand",
      "2026-11-02T11:46:40Z      SUCCEEDED  0     5m 3s   run-b                                 ec2-ondemand",
      "2026-11-02T09:15:00.123Z  SUCCEEDED  0     9m 43s  2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61  ec2-ondemand",
      "2026-11-02T06:13:20Z      FAILED     1     5m 3s   run-a                                 ec2-ondemand",
      "",
    ]);
  });

  test("--limit, --status and --since; --json is JSON Lines, a run a line", async () => {
    const ids = async (args: string[], deps?: LookupDeps) => {
      const r = await runCmd(find, ["etl-orders-20261101", "--json", ...args], { deps });
      expect(r.code).toBe(0);
      return jsonLines<JobRecord>(r.out).map((j) => j.jobId);
    };
    expect(await ids(["--limit", "2"])).toEqual(["run-d", "run-c"]);
    expect(await ids(["--status", "failed"])).toEqual(["run-c", "run-a"]);
    expect(await ids(["--status", "SUCCEEDED", "--limit", "2"])).toEqual(["run-d", "run-b"]);
    // Created within 6 hours of 2026-11-02T18:00:00Z: run-d, run-c (14:33:20) but not run-b (11:46:40).
    const now = Date.parse("2026-11-02T18:00:00Z");
    expect(await ids(["--since", "6h"], { now: () => now })).toEqual(["run-d", "run-c"]);
    const json = jsonLines(
      (await runCmd(find, ["etl-orders-20261101", "--json", "--limit", "1"])).out,
    );
    expect(json).toEqual([
      {
        jobId: "run-d",
        jobName: "etl-orders-20261101",
        createdAt: 1793640000000,
        status: "SUCCEEDED",
        exitCode: 0,
        startedAt: 1793640060000,
        stoppedAt: 1793640363000,
        jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand",
        region: "us-east-1",
        account: "123456789012",
      },
    ]);
  });

  test("a name without runs: no line of JSON, or a note", async () => {
    expect((await runCmd(find, ["no-such-name", "--json"])).out).toBe("");
    const r = await runCmd(find, ["no-such-name"]);
    expect([r.code, r.out, r.err]).toEqual([
      0,
      "",
      `no runs of job name no-such-name in table ${TABLE}.\n`,
    ]);
  });

  test("bad flags are usage errors (exit 2) through the dispatcher, naming the option and command", async () => {
    expect(await runMain(["find", "x", "--status", "DONE"])).toEqual({
      code: 2,
      out: "",
      err: 'batch-job-log: --status for find must be one of SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED, got "DONE"\n',
    });
    expect((await runMain(["find", "x", "--since", "yesterday"])).err).toBe(
      'batch-job-log: --since for find must be a duration such as 10m, 2h or 3d, or an ISO 8601 time such as 2026-11-01T08:00:00Z, got "yesterday"\n',
    );
    expect((await runMain(["find", "x", "--limit", "all"])).err).toBe(
      'batch-job-log: --limit for find must be a whole number (0 for all), got "all"\n',
    );
    expect((await runMain(["logs", "x", "--attempt", "first"])).err).toBe(
      'batch-job-log: --attempt for logs must be a whole number of at least 1, got "first"\n',
    );
    expect((await runMain(["logs", "x", "--bogus"])).err).toBe(
      "batch-job-log: unknown option --bogus for logs (see batch-job-log logs --help)\n",
    );
    expect((await runMain(["show"])).err).toBe(
      "batch-job-log: missing JOB_ID for show (see batch-job-log show --help)\n",
    );
    expect((await runMain(["show", "a", "b"])).err).toBe(
      'batch-job-log: unexpected argument "b" for show (see batch-job-log show --help)\n',
    );
  });
});

describe("one-line errors", () => {
  test("in neither the table nor Batch: says both were asked", async () => {
    const batch = mockClient(BatchClient).on(DescribeJobsCommand).resolves({ jobs: [] });
    try {
      const r = await runCmd(show, ["4b3c2d1e-0000-4000-8000-000000000000"]);
      expect([r.code, r.out, r.err]).toEqual([
        1,
        "",
        `batch-job-log show: job 4b3c2d1e-0000-4000-8000-000000000000 is not in table ${TABLE}, ` +
          "and Batch us-east-1 does not know it (it forgets jobs days after they end): check the id and --region.\n",
      ]);
      expect(batch.commandCalls(DescribeJobsCommand).map((c) => c.args[0].input)).toEqual([
        { jobs: ["4b3c2d1e-0000-4000-8000-000000000000"] },
      ]);
    } finally {
      batch.restore();
    }
  });

  test("no table: no flag, no BATCH_JOB_LOG_TABLE and no pulumi on the PATH", async () => {
    const empty = mkdtempSync(join(tmpdir(), "no-pulumi-"));
    try {
      const r = await runCmd(show, [EC2], { env: { BATCH_JOB_LOG_TABLE: undefined, PATH: empty } });
      expect([r.code, r.out, r.err]).toEqual([
        1,
        "",
        "batch-job-log show: no table found: pass --table NAME or set BATCH_JOB_LOG_TABLE " +
          "(the pulumi CLI is not on the PATH).\n",
      ]);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  test("the table name from `pulumi stack output tableName`, and its failure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
    try {
      const script = join(dir, "pulumi");
      writeFileSync(
        script,
        `#!/bin/sh\n[ "$*" = "stack output tableName" ] && echo ${TABLE} && exit 0\nexit 3\n`,
      );
      chmodSync(script, 0o755);
      const env = { BATCH_JOB_LOG_TABLE: undefined, PATH: dir };
      const ok = await runCmd(show, [EC2], { env });
      expect(ok.code).toBe(0);
      expect(ok.out.split("\n")[0]).toBe(`job         ${EC2}`);
      writeFileSync(script, "#!/bin/sh\necho 'error: no stack selected' >&2\nexit 255\n");
      expect(await pulumiStackOutput(process.cwd(), { PATH: dir })).toEqual({
        problem: "`pulumi stack output tableName` failed: error: no stack selected",
      });
      const failed = await runCmd(show, [EC2], { env });
      expect(failed.err).toBe(
        "batch-job-log show: no table found: pass --table NAME or set BATCH_JOB_LOG_TABLE " +
          "(`pulumi stack output tableName` failed: error: no stack selected).\n",
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("a table that does not exist", async () => {
    const r = await runCmd(show, [EC2, "--table", "nope"]);
    expect([r.code, r.err]).toEqual([
      1,
      "batch-job-log show: no table found: table nope does not exist in us-east-1.\n",
    ]);
  });

  test("no credentials", async () => {
    const saved = { ...process.env };
    const missing = join(tmpdir(), "batch-job-log-no-such-file");
    for (const key of Object.keys(process.env)) {
      if (key.startsWith("AWS_")) delete process.env[key];
    }
    Object.assign(process.env, {
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SHARED_CREDENTIALS_FILE: missing,
      AWS_CONFIG_FILE: missing,
    });
    try {
      const r = await runCmd(show, [EC2]);
      expect([r.code, r.out, r.err]).toEqual([
        1,
        "",
        "batch-job-log show: no AWS credentials found: pass --profile NAME or set AWS_PROFILE " +
          "(run `aws sso login` for an SSO profile), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.\n",
      ]);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  test("access denied by DynamoDB (as the service answers it on the wire)", async () => {
    const message =
      "User: arn:aws:sts::123456789012:assumed-role/dev/alice is not authorized to perform: dynamodb:GetItem " +
      `on resource: arn:aws:dynamodb:us-east-1:123456789012:table/${TABLE}`;
    const server: Server = createServer((_req, res) => {
      res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
      res.end(
        JSON.stringify({
          __type: "com.amazon.coral.service#AccessDeniedException",
          Message: message,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await runCmd(show, [EC2], { endpoint });
      expect([r.code, r.out, r.err]).toEqual([
        1,
        "",
        `batch-job-log show: access denied: ${message}\n`,
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("access denied by CloudWatch Logs", async () => {
    logsMock.on(GetLogEventsCommand).rejects(
      new AccessDeniedException({
        message:
          "User: arn:aws:sts::123456789012:assumed-role/dev/alice is not authorized to perform: logs:GetLogEvents",
        $metadata: {},
      }),
    );
    const r = await runCmd(logs, [EC2]);
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[1]).toBe(
      "batch-job-log logs: access denied: the caller needs logs:GetLogEvents on " +
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/batch/job " +
        "(User: arn:aws:sts::123456789012:assumed-role/dev/alice is not authorized to perform: logs:GetLogEvents)",
    );
  });
});

describe("JobTable.children", () => {
  test("reads every page of the children index, then sorts by index", async () => {
    const pages = [
      {
        Items: [
          { jobId: "p:10", arrayIndex: 10, status: "FAILED" },
          { jobId: "p:2", arrayIndex: 2, status: "SUCCEEDED" },
        ],
        LastEvaluatedKey: { k: 1 },
      },
      { Items: [{ jobId: "p:0", arrayIndex: 0, status: "SUCCEEDED" }], LastEvaluatedKey: { k: 2 } },
      { Items: [{ jobId: "p:1", arrayIndex: 1, status: "RUNNING" }] },
    ];
    const inputs: Record<string, unknown>[] = [];
    const client = {
      send: async (command: unknown) => {
        inputs.push((command as { input: Record<string, unknown> }).input);
        return pages[inputs.length - 1];
      },
    };
    const children = await new JobTable("t", client).children("p");
    expect(children.map((c) => c.jobId)).toEqual(["p:0", "p:1", "p:2", "p:10"]);
    expect(inputs.map((i) => [i.IndexName, i.ExclusiveStartKey])).toEqual([
      ["byParentJobId", undefined],
      ["byParentJobId", { k: 1 }],
      ["byParentJobId", { k: 2 }],
    ]);
  });
});
