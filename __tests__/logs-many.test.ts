/**
 * `logs` of whole jobs (array and multi-node parents, every attempt), `--follow`, the reasons for
 * nothing to print, `search`, and reading other accounts' log groups, against a real table
 * (dynalite, created from the record's schema) holding records written by the record's own
 * writer. CloudWatch Logs and STS are mocked with aws-sdk-client-mock; every call is counted and
 * inspected.
 */
import {
  AccessDeniedException,
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  GetQueryResultsCommand,
  ResourceNotFoundException,
  StartLiveTailCommand,
  StartQueryCommand,
  ThrottlingException,
  type FilterLogEventsCommandInput,
  type GetLogEventsCommandInput,
} from "@aws-sdk/client-cloudwatch-logs";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import type { CliIO } from "../cli/io";
import * as findCommand from "../cli/commands/find";
import * as logsCommand from "../cli/commands/logs";
import * as searchCommand from "../cli/commands/search";
import type { LookupDeps } from "../cli/lookup/context";
import { LOGS_CONCURRENCY, THROTTLE_RETRIES } from "../cli/lookup/log-read";
import { JobTable } from "../cli/lookup/table";
import {
  createRecordWriter,
  tableKeysAndIndexes,
  type JobRecord,
  type LogStreamRef,
} from "../record";
import { startLocalTable, type LocalTable } from "../twin/dynamo-local";
import { useDummyCredentials } from "./helpers/aws-env";
import { command, jsonLines, recordingIO, type Ran } from "./helpers/cli-io";

const find = command(findCommand);
const logs = command(logsCommand);
const search = command(searchCommand);

const TABLE = "batch-job-log-many";
const ACCOUNT = "123456789012";
const OTHER = "222233334444";
const T0 = Date.UTC(2026, 10, 1);
const NOW = T0 + 40 * 86_400_000;

const ARRAY = "a0000000-0000-4000-8000-000000000000";
const MNP = "b0000000-0000-4000-8000-000000000000";
const RETRIED = "c0000000-0000-4000-8000-000000000000";
const NEVER = "d0000000-0000-4000-8000-000000000000";
const EXPIRED = "e0000000-0000-4000-8000-000000000000";
const SPLUNK = "f0000000-0000-4000-8000-000000000000";
const FOREIGN = "f1000000-0000-4000-8000-000000000000";
const FOLLOWED = "f2000000-0000-4000-8000-000000000000";
const SMALL = "a1000000-0000-4000-8000-000000000000";
const CHILDREN = 1000;

let revision = 1;
function job(jobId: string, fields: Partial<JobRecord>): JobRecord {
  return {
    jobId,
    jobName: "job",
    status: "SUCCEEDED",
    region: "us-east-1",
    account: ACCOUNT,
    logStreams: [],
    attempts: [],
    eventId: `e-${jobId}`,
    recordedAt: T0,
    revision: revision++,
    createdAt: T0,
    ...fields,
  };
}

function stream(name: string, attempt = 1, group = "/aws/batch/job"): LogStreamRef {
  return {
    attempt,
    container: "default",
    logGroup: group,
    logRegion: "us-east-1",
    logStreamName: name,
  };
}

/** An attempt that ran from `start` for a minute. */
const ran = (start: number, exitCode = 0) => ({
  startedAt: start,
  stoppedAt: start + 60_000,
  exitCode,
});

const childStream = (i: number) => `tile/default/task${i}`;

let dynamo: LocalTable;
const logsMock = mockClient(CloudWatchLogsClient);
const stsMock = mockClient(STSClient);

async function put(records: readonly JobRecord[]): Promise<void> {
  const writer = createRecordWriter(TABLE, dynamo.documents);
  for (let i = 0; i < records.length; i += 50) {
    await Promise.all(records.slice(i, i + 50).map((r) => writer.put(r)));
  }
}

useDummyCredentials();

beforeAll(async () => {
  dynamo = await startLocalTable({ tableInputs: tableKeysAndIndexes(), tableName: TABLE });
  const children = Array.from({ length: CHILDREN }, (_, i) =>
    job(`${ARRAY}:${i}`, {
      jobName: "tiles",
      parentJobId: ARRAY,
      arrayIndex: i,
      status: i % 100 === 7 ? "FAILED" : "SUCCEEDED",
      logStreams: [stream(childStream(i))],
      attempts: [ran(T0 + i)],
    }),
  );
  await put([
    job(ARRAY, { jobName: "tiles", arraySize: CHILDREN }),
    ...children,
    job(SMALL, { jobName: "small", arraySize: 2 }),
    job(`${SMALL}:0`, {
      parentJobId: SMALL,
      arrayIndex: 0,
      logStreams: [stream("small/default/c0")],
      attempts: [ran(T0)],
    }),
    job(`${SMALL}:1`, {
      parentJobId: SMALL,
      arrayIndex: 1,
      logStreams: [stream("small/default/c1a1", 1), stream("small/default/c1a2", 2)],
      attempts: [ran(T0, 1), ran(T0 + 120_000)],
    }),
    job(MNP, { jobName: "mpi", numNodes: 3, mainNode: 0 }),
    ...[0, 1, 2].map((n) =>
      job(`${MNP}#${n}`, {
        jobName: "mpi",
        parentJobId: MNP,
        nodeIndex: n,
        isMainNode: n === 0,
        logStreams: [stream(`mpi/default/node${n}`)],
        attempts: [ran(T0)],
      }),
    ),
    job(RETRIED, {
      jobName: "align",
      status: "FAILED",
      logStreams: [stream("align/default/t1", 1), stream("align/default/t2", 2)],
      attempts: [ran(T0, 1), ran(T0 + 120_000, 137)],
    }),
    job(NEVER, {
      status: "FAILED",
      statusReason: "Task failed to start",
      reason: "DockerTimeoutError: Could not transition to created",
      logStreams: [stream("render/default/never")],
      attempts: [{ statusReason: "Task failed to start" }],
    }),
    job(EXPIRED, {
      logStreams: [stream("ecs/default/gone", 1, "/ecs/report")],
      attempts: [ran(T0)],
      stoppedAt: T0 + 60_000,
    }),
    job(SPLUNK, { logDriver: "splunk", attempts: [ran(T0)] }),
    job(FOREIGN, {
      jobName: "foreign",
      account: OTHER,
      region: "eu-west-1",
      logStreams: [{ ...stream("etl/default/abc"), logRegion: "eu-west-1" }],
      attempts: [ran(T0)],
    }),
    job("local-run", { jobName: "foreign", createdAt: T0 + 5, attempts: [ran(T0)] }),
    job(FOLLOWED, {
      jobName: "followed",
      status: "RUNNING",
      logStreams: [stream("follow/default/a1", 1)],
      attempts: [],
    }),
  ]);
}, 120_000);

afterAll(async () => {
  logsMock.restore();
  stsMock.restore();
  await dynamo?.close();
});

beforeEach(() => {
  logsMock.reset();
  stsMock.reset();
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
});

type Cmd = (argv: readonly string[], io: CliIO, deps?: LookupDeps) => Promise<number>;

/** No real waiting: the waits asked for are recorded. */
let waits: number[] = [];
const noWait = async (ms: number) => {
  waits.push(ms);
};

async function run(
  cmd: Cmd,
  args: readonly string[],
  deps: LookupDeps = {},
  tty = false,
): Promise<Ran> {
  const io = recordingIO({
    env: { BATCH_JOB_LOG_TABLE: TABLE, AWS_REGION: "us-east-1", PATH: process.env.PATH },
    tty,
  });
  waits = [];
  const code = await cmd([...args, "--endpoint", dynamo.endpoint], io, {
    now: () => NOW,
    sleep: noWait,
    random: () => 0.5,
    ...deps,
  });
  return { code, out: io.out(), err: io.err() };
}

/** A GetLogEvents answer from `events` of each stream, `per` events a page, tokens `f/<n>`. */
function serveStreams(
  events: (name: string) => { timestamp: number; message: string }[] | undefined,
  per = 2,
) {
  return (input: GetLogEventsCommandInput) => {
    const all = events(input.logStreamName as string);
    if (!all) {
      throw new ResourceNotFoundException({
        message: "The specified log stream does not exist.",
        $metadata: {},
      });
    }
    const from = input.nextToken ? Number(input.nextToken.slice(2)) : 0;
    const to = Math.min(all.length, from + per);
    return { events: all.slice(from, to), nextForwardToken: `f/${to}`, nextBackwardToken: "b/0" };
  };
}

const getInputs = (): GetLogEventsCommandInput[] =>
  logsMock.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input);

describe("logs of an array parent of 1,000 children", () => {
  /** Child i prints at T0+i, T0+i+1000, T0+i+2000: the merge interleaves every child. */
  const childEvents = (i: number) =>
    [0, 1, 2].map((k) => ({ timestamp: T0 + i + k * 1000, message: `child ${i} line ${k}` }));

  test("merged in time order, each line prefixed, at most 8 calls in flight, throttling retried without losing a line", async () => {
    let inFlight = 0;
    let most = 0;
    let throttled = 0;
    const once = new Set<string>();
    logsMock.on(GetLogEventsCommand).callsFake(async (input: GetLogEventsCommandInput) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      const i = Number((input.logStreamName as string).slice("tile/default/task".length));
      // Every 10th child is throttled on its first call.
      if (i % 10 === 3 && !once.has(input.logStreamName as string)) {
        once.add(input.logStreamName as string);
        throttled++;
        throw new ThrottlingException({ message: "Rate exceeded", $metadata: {} });
      }
      return serveStreams((name) => childEvents(Number(name.slice(17))))(input);
    });
    const r = await run(logs, [ARRAY]);
    expect([r.code, r.err]).toEqual([
      0,
      `==> job ${ARRAY}: 1000 streams of 1000 children, merged in time order\n`,
    ]);
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(3 * CHILDREN);
    // Prefixes padded to the widest, `[999]`: `[3]   `, `[42]  `, `[999] `.
    expect(lines.slice(0, 3)).toEqual([
      "[0]   child 0 line 0",
      "[1]   child 1 line 0",
      "[2]   child 2 line 0",
    ]);
    expect(lines[42]).toBe("[42]  child 42 line 0");
    expect(lines[999]).toBe("[999] child 999 line 0");
    expect(lines[1000]).toBe("[0]   child 0 line 1");
    expect(lines.at(-1)).toBe("[999] child 999 line 2");
    const expected = Array.from({ length: CHILDREN }, (_, i) => childEvents(i))
      .flat()
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((e) => e.message);
    expect(lines.map((l) => l.slice(6))).toEqual(expected);
    expect(most).toBe(LOGS_CONCURRENCY);
    expect(throttled).toBe(100);
    // One wait per throttled call: full jitter (random 0.5) of 200 ms on the first retry.
    expect(waits).toEqual(Array(100).fill(100));
    // Per child: pages of 2 events (0-2, 2-3), then the repeated token: 3 calls, plus retries.
    expect(getInputs()).toHaveLength(3 * CHILDREN + 100);
    expect(getInputs()[0]).toMatchObject({
      logGroupName: "/aws/batch/job",
      startFromHead: true,
      limit: 200,
    });
  });

  test("--failed keeps the FAILED children, --index picks some, --json tags each line", async () => {
    logsMock
      .on(GetLogEventsCommand)
      .callsFake(serveStreams((name) => childEvents(Number(name.slice(17))), 10));
    const failed = await run(logs, [ARRAY, "--failed"]);
    expect(failed.code).toBe(0);
    const prefixes = new Set(
      failed.out
        .trimEnd()
        .split("\n")
        .map((l) => l.split(" ")[0]),
    );
    expect([...prefixes]).toEqual([
      "[7]",
      "[107]",
      "[207]",
      "[307]",
      "[407]",
      "[507]",
      "[607]",
      "[707]",
      "[807]",
      "[907]",
    ]);
    const picked = await run(logs, [ARRAY, "--index", "5,3", "--json"]);
    expect(
      picked.out
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual(
      [3, 5]
        .flatMap((i) => childEvents(i).map((e) => ({ i, ...e })))
        .sort((a, b) => a.timestamp - b.timestamp)
        .map((e) => ({
          jobId: `${ARRAY}:${e.i}`,
          arrayIndex: e.i,
          attempt: 1,
          container: "default",
          timestamp: e.timestamp,
          message: e.message,
        })),
    );
    const none = await run(logs, [ARRAY, "--failed", "--index", "3"]);
    expect([none.code, none.err]).toEqual([
      1,
      `note: job ${ARRAY} has no FAILED child recorded with index 3.\n` +
        `batch-job-log logs: job ${ARRAY} has no FAILED children to print at those indexes (1000 recorded).\n`,
    ]);
  });

  test("on a terminal, a progress bar while records and first pages are read, erased before the lines", async () => {
    logsMock
      .on(GetLogEventsCommand)
      .callsFake(serveStreams((name) => childEvents(Number(name.slice(17))), 10));
    const r = await run(logs, [ARRAY, "--index", "0,1"], {}, true);
    expect(r.out.split("\n")[0]).toBe("[0] child 0 line 0");
    expect(r.err).toContain("\rreading records [##############################] 2/2 jobs\x1b[K");
    expect(r.err).toContain(
      "\rreading streams [##############################] 2/2 streams\x1b[K\r\x1b[K",
    );
  });

  test("a CloudWatch Logs that keeps throttling stops the command, naming the call", async () => {
    logsMock
      .on(GetLogEventsCommand)
      .rejects(new ThrottlingException({ message: "Rate exceeded", $metadata: {} }));
    const r = await run(logs, [ARRAY, "--index", "0"]);
    expect([r.code, r.out]).toEqual([1, ""]);
    expect(r.err.split("\n")[1]).toBe(
      "batch-job-log logs: CloudWatch Logs still throttles logs:GetLogEvents on " +
        `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/batch/job after ${THROTTLE_RETRIES} retries; ` +
        "stopped rather than skip lines: run again later, or on fewer streams.",
    );
    expect(getInputs()).toHaveLength(THROTTLE_RETRIES + 1);
  });
});

describe("logs of a multi-node parent and of every attempt", () => {
  test("every node, `node N | `, merged in time order", async () => {
    logsMock.on(GetLogEventsCommand).callsFake(
      serveStreams((name) => {
        const n = Number(name.slice(-1));
        return [
          { timestamp: T0 + 10 - n, message: `hello from ${n}` },
          { timestamp: T0 + 20 + n, message: `bye from ${n}` },
        ];
      }),
    );
    const r = await run(logs, [MNP]);
    expect(r.out).toBe(
      [
        "node 2 | hello from 2",
        "node 1 | hello from 1",
        "node 0 | hello from 0",
        "node 0 | bye from 0",
        "node 1 | bye from 1",
        "node 2 | bye from 2",
        "",
      ].join("\n"),
    );
  });

  test("a parent with --all-attempts: every attempt of every child, `[1 a2] `", async () => {
    const at: Record<string, number> = {
      "small/default/c0": 5,
      "small/default/c1a1": 1,
      "small/default/c1a2": 130_000,
    };
    logsMock
      .on(GetLogEventsCommand)
      .callsFake(
        serveStreams((name) => [{ timestamp: T0 + at[name], message: name.split("/")[2] }]),
      );
    const r = await run(logs, [SMALL, "--all-attempts"]);
    expect([r.code, r.out, r.err]).toEqual([
      0,
      "[1 a1] c1a1\n[0 a1] c0\n[1 a2] c1a2\n",
      `==> job ${SMALL}: 3 streams of 2 children, merged in time order\n`,
    ]);
  });

  test("--all-attempts: attempt after attempt, `[a1] `, `[a2] `", async () => {
    logsMock.on(GetLogEventsCommand).callsFake(
      serveStreams((name) =>
        name.endsWith("t1")
          ? [{ timestamp: T0 + 1, message: "first try" }]
          : [
              { timestamp: T0 + 130_000, message: "second try" },
              { timestamp: T0 + 140_000, message: "OutOfMemoryError" },
            ],
      ),
    );
    const r = await run(logs, [RETRIED, "--all-attempts"]);
    expect([r.code, r.out]).toEqual([
      0,
      "[a1] first try\n[a2] second try\n[a2] OutOfMemoryError\n",
    ]);
    expect(getInputs().map((i) => i.logStreamName)).toEqual(
      expect.arrayContaining(["align/default/t1", "align/default/t2"]),
    );
  });
});

describe("nothing to print: exactly why", () => {
  test("never created: the attempt failed before its container started", async () => {
    logsMock.on(GetLogEventsCommand).callsFake(serveStreams(() => undefined));
    const r = await run(logs, [NEVER]);
    expect([r.code, r.out, r.err.split("\n")[1]]).toEqual([
      1,
      "",
      "batch-job-log logs: log stream render/default/never in log group /aws/batch/job (us-east-1) was never created: " +
        `attempt 1 of job ${NEVER} failed before its container started: Task failed to start ` +
        "(DockerTimeoutError: Could not transition to created)",
    ]);
  });

  test("expired under the group's retention (DescribeLogGroups retentionInDays)", async () => {
    logsMock.on(GetLogEventsCommand).callsFake(serveStreams(() => undefined));
    logsMock.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        { logGroupName: "/ecs/report-old" },
        { logGroupName: "/ecs/report", retentionInDays: 14 },
      ],
    });
    const r = await run(logs, [EXPIRED]);
    expect([r.code, r.err.split("\n")[1]]).toEqual([
      1,
      "batch-job-log logs: log stream ecs/default/gone in log group /ecs/report (us-east-1) has expired: the group keeps " +
        "events 14 days (retentionInDays) and attempt 1 ended 2026-11-01T00:01:00Z, 39 days ago.",
    ]);
    expect(logsMock.commandCalls(DescribeLogGroupsCommand)[0].args[0].input).toEqual({
      logGroupNamePrefix: "/ecs/report",
    });
  });

  test("access denied: which permission on which log group's ARN", async () => {
    logsMock
      .on(GetLogEventsCommand)
      .rejects(new AccessDeniedException({ message: "not authorized", $metadata: {} }));
    const r = await run(logs, [RETRIED]);
    expect(r.err.split("\n")[1]).toBe(
      "batch-job-log logs: access denied: the caller needs logs:GetLogEvents on " +
        `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/batch/job (not authorized)`,
    );
  });

  test("another log driver, and an empty stream", async () => {
    const splunk = await run(logs, [SPLUNK]);
    expect(splunk.err).toBe(
      `batch-job-log logs: job ${SPLUNK} logs with the splunk log driver, not awslogs: there is no CloudWatch log stream.\n`,
    );
    logsMock.on(GetLogEventsCommand).callsFake(serveStreams(() => []));
    const empty = await run(logs, [RETRIED, "--since", "1h"]);
    expect([empty.code, empty.err.split("\n")[1]]).toEqual([
      0,
      "note: nothing to print: log stream align/default/t2 in log group /aws/batch/job (us-east-1) has no events since 2026-12-10T23:00:00.000Z.",
    ]);
  });
});

describe("--follow", () => {
  test("Live Tail denied: polls without a word; a retry moves to attempt 2's stream; ends once terminal and drained", async () => {
    logsMock
      .on(StartLiveTailCommand)
      .rejects(new AccessDeniedException({ message: "no live tail", $metadata: {} }));
    const streams: Record<string, { timestamp: number; message: string }[]> = {
      "follow/default/a1": [{ timestamp: T0 + 1, message: "a1 starts" }],
    };
    logsMock.on(GetLogEventsCommand).callsFake(serveStreams((name) => streams[name], 10));
    const writer = createRecordWriter(TABLE, dynamo.documents);
    let polls = 0;
    const sleep = async () => {
      polls++;
      if (polls === 1) streams["follow/default/a1"].push({ timestamp: T0 + 2, message: "a1 dies" });
      if (polls === 2) {
        // Batch retried it: attempt 1 failed, attempt 2 runs in a new stream.
        streams["follow/default/a2"] = [{ timestamp: T0 + 100, message: "a2 starts" }];
        await writer.put(
          job(FOLLOWED, {
            jobName: "followed",
            status: "RUNNING",
            logStreams: [stream("follow/default/a1", 1), stream("follow/default/a2", 2)],
            attempts: [ran(T0, 1)],
          }),
        );
      }
      if (polls === 3) {
        streams["follow/default/a2"].push({ timestamp: T0 + 200, message: "a2 done" });
        await writer.put(
          job(FOLLOWED, {
            jobName: "followed",
            status: "SUCCEEDED",
            logStreams: [stream("follow/default/a1", 1), stream("follow/default/a2", 2)],
            attempts: [ran(T0, 1), ran(T0 + 90, 0)],
          }),
        );
      }
    };
    const r = await run(logs, [FOLLOWED, "--follow"], { sleep });
    expect(r.code).toBe(0);
    expect(r.out).toBe("a1 starts\na1 dies\na2 starts\na2 done\n");
    expect(r.err).toBe(
      "==> /aws/batch/job follow/default/a1 (us-east-1), attempt 1, container default\n" +
        "==> /aws/batch/job follow/default/a2 (us-east-1), attempt 2, container default\n",
    );
    // Live Tail was tried on each stream, by the group's ARN.
    expect(logsMock.commandCalls(StartLiveTailCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupIdentifiers: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/batch/job`],
        logStreamNames: ["follow/default/a1"],
      },
      {
        logGroupIdentifiers: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/batch/job`],
        logStreamNames: ["follow/default/a2"],
      },
    ]);
    // Polls: 1 (a1 dies), 2 (the retry is seen), 3 (terminal seen, a2 done), 4 (nothing new: end).
    expect(polls).toBe(4);
  });

  test("Live Tail granted: its events are printed once, the final read skips them", async () => {
    const events = [{ timestamp: T0 + 1, message: "history" }];
    const live = { timestamp: T0 + 2, message: "live" };
    logsMock.on(GetLogEventsCommand).callsFake(serveStreams(() => events, 10));
    // The tail brings what is written once it runs; the final read by token sees it again.
    logsMock.on(StartLiveTailCommand).callsFake(() => {
      events.push(live);
      return {
        responseStream: (async function* () {
          yield { sessionStart: {} };
          yield {
            sessionUpdate: { sessionResults: [{ logStreamName: "align/default/t2", ...live }] },
          };
        })(),
      };
    });
    const r = await run(logs, [RETRIED, "--follow"]);
    expect([r.code, r.out]).toEqual([0, "history\nlive\n"]);
  });
});

describe("search", () => {
  const fleInputs = (): FilterLogEventsCommandInput[] =>
    logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);

  test("FilterLogEvents: 1,000 streams in calls of 100, each over its batch's time window", async () => {
    logsMock.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => {
      const names = input.logStreamNames as string[];
      return {
        events: names
          .filter((n) => n.endsWith("task7") || n.endsWith("task507"))
          .map((n) => ({
            logStreamName: n,
            timestamp: T0 + 5,
            message: `boom: OutOfMemoryError in ${n}`,
          })),
      };
    });
    const r = await run(search, ["OutOfMemoryError", "--name", "tiles", "--mode", "filter"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `2026-11-01T00:00:00.005Z  ${ARRAY}:7 a1  boom: OutOfMemoryError in tile/default/task7\n` +
        `2026-11-01T00:00:00.005Z  ${ARRAY}:507 a1  boom: OutOfMemoryError in tile/default/task507\n`,
    );
    const inputs = fleInputs();
    expect(inputs.map((i) => i.logStreamNames?.length)).toEqual(Array(10).fill(100));
    expect(inputs[0]).toMatchObject({
      logGroupName: "/aws/batch/job",
      filterPattern: '"OutOfMemoryError"',
      startTime: T0 - 60_000,
      endTime: T0 + 99 + 120_000,
    });
    expect(inputs[0].logStreamNames?.slice(0, 2)).toEqual([childStream(0), childStream(1)]);
    expect(new Set(inputs.flatMap((i) => i.logStreamNames)).size).toBe(CHILDREN);
    expect(r.err).toBe(
      "search: 2 matching lines in 2 jobs; searched 1000 streams of 1000 jobs in 1 log group (10 FilterLogEvents calls).\n",
    );
  });

  test("a stream that does not exist fails its batch: halved until it is found and left out", async () => {
    logsMock
      .on(DescribeLogGroupsCommand)
      .resolves({ logGroups: [{ logGroupName: "/aws/batch/job" }] });
    logsMock.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => {
      const names = input.logStreamNames as string[];
      if (names.includes(childStream(150))) {
        throw new ResourceNotFoundException({
          message: "The specified log stream does not exist.",
          $metadata: {},
        });
      }
      return {
        events: names.includes(childStream(151))
          ? [{ logStreamName: childStream(151), timestamp: T0, message: "OutOfMemoryError" }]
          : [],
      };
    });
    const r = await run(search, ["OutOfMemoryError", "--name", "tiles", "--mode", "filter"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`2026-11-01T00:00:00.000Z  ${ARRAY}:151 a1  OutOfMemoryError\n`);
    expect(r.err.split("\n")[0]).toBe(
      `note: log stream ${childStream(150)} of job ${ARRAY}:150 does not exist in /aws/batch/job; not searched.`,
    );
    // 10 batches; the second (100-199) halved to 50, 25, 13, 7, 4, 2, 1: every other stream searched.
    const names = fleInputs().flatMap((i) => i.logStreamNames as string[]);
    expect(new Set(names).size).toBe(CHILDREN);
    expect(
      fleInputs()
        .filter((i) => !(i.logStreamNames as string[]).includes(childStream(150)))
        .flatMap((i) => i.logStreamNames),
    ).toHaveLength(CHILDREN - 1);
  });

  test("auto mode over 500 streams: Logs Insights, the estimate said first, --yes for a large one", async () => {
    logsMock.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        { logGroupName: "/aws/batch/job", storedBytes: 4e13, creationTime: NOW - 100 * 86_400_000 },
      ],
    });
    logsMock
      .on(StartQueryCommand)
      .callsFake((input) => ({ queryId: `q-${input.queryString.length}` }));
    let polls = 0;
    logsMock.on(GetQueryResultsCommand).callsFake(() =>
      ++polls % 2 === 1
        ? { status: "Running" }
        : {
            status: "Complete",
            results: [
              [
                { field: "@timestamp", value: "2026-11-01 00:00:00.042" },
                { field: "@message", value: "killed: OutOfMemoryError" },
                { field: "@logStream", value: childStream(42) },
              ],
            ],
          },
    );
    const refused = await run(search, ["OutOfMemoryError", "--name", "tiles"], {
      stdinIsTTY: false,
    });
    expect(refused.code).toBe(1);
    expect(refused.err.split("\n").slice(0, 2)).toEqual([
      "search: Logs Insights on 1000 streams of log group /aws/batch/job (us-east-1) in 3 queries: about 2.5 GB scanned (40.0 TB stored, prorated to the jobs' time windows).",
      "batch-job-log search: the Logs Insights queries would scan about 2.5 GB: pass --yes to run them, or narrow the search (--name, --since, --mode filter).",
    ]);
    expect(logsMock.commandCalls(StartQueryCommand)).toHaveLength(0);

    // On a terminal, the question; anything but y or yes runs nothing.
    const questions: string[] = [];
    const declined = await run(search, ["OutOfMemoryError", "--name", "tiles"], {
      stdinIsTTY: true,
      ask: async (question) => {
        questions.push(question);
        return "n";
      },
    });
    expect([declined.code, declined.err.split("\n")[1]]).toEqual([
      1,
      "batch-job-log search: not run.",
    ]);
    expect(questions).toEqual([
      "the Logs Insights queries would scan about 2.5 GB; run them? [y/N] ",
    ]);
    expect(logsMock.commandCalls(StartQueryCommand)).toHaveLength(0);

    const r = await run(search, ["OutOfMemoryError", "--name", "tiles", "--yes"]);
    expect(r.code).toBe(0);
    const queries = logsMock.commandCalls(StartQueryCommand).map((c) => c.args[0].input);
    expect(queries).toHaveLength(3);
    expect(queries.every((q) => (q.queryString as string).length <= 10_000)).toBe(true);
    expect(queries[0]).toMatchObject({
      logGroupNames: ["/aws/batch/job"],
      startTime: Math.floor((T0 - 60_000) / 1000),
    });
    expect((queries[0].queryString as string).split("\n")).toEqual([
      "fields @timestamp, @message, @logStream, @log",
      expect.stringMatching(
        /^\| filter @logStream in \["tile\/default\/task0", "tile\/default\/task1", .*"\]$/,
      ),
      '| filter @message like "OutOfMemoryError"',
      "| sort @timestamp asc",
      "| limit 10000",
    ]);
    // Three queries, each polled once while Running; the one whose streams hold child 42 has its line.
    expect(r.out).toBe(`2026-11-01T00:00:00.042Z  ${ARRAY}:42 a1  killed: OutOfMemoryError\n`);
    // "queries", not "querys".
    expect(r.err.split("\n").at(-2)).toBe(
      "search: 1 matching line in 1 job; searched 1000 streams of 1000 jobs in 1 log group (3 Logs Insights queries).",
    );
  });
});

describe("across accounts", () => {
  test("find: ACCOUNT and REGION columns when the runs span several; --account narrows", async () => {
    const both = await run(find, ["foreign"]);
    expect(both.out.split("\n")[0].split(/ +/)).toEqual([
      "CREATED",
      "STATUS",
      "EXIT",
      "RAN",
      "JOB",
      "ID",
      "ACCOUNT",
      "REGION",
      "QUEUE",
    ]);
    expect(both.out.split("\n")[2]).toContain(`${FOREIGN}  ${OTHER}  eu-west-1`);
    const one = await run(find, ["foreign", "--account", OTHER, "--json"]);
    expect(jsonLines<JobRecord>(one.out).map((r) => [r.jobId, r.account, r.region])).toEqual([
      [FOREIGN, OTHER, "eu-west-1"],
    ]);
    const none = await run(find, ["foreign", "--job-region", "ap-south-1"]);
    expect(none.err).toBe(`no runs of job name foreign in table ${TABLE} in region ap-south-1.\n`);
  });

  test("a job of another account is read by its log group's ARN; denied, it says the two ways", async () => {
    logsMock
      .on(GetLogEventsCommand)
      .callsFake(serveStreams(() => [{ timestamp: T0, message: "from afar" }]));
    const r = await run(logs, [FOREIGN]);
    expect([r.code, r.out]).toEqual([0, "from afar\n"]);
    expect(getInputs()[0]).toEqual({
      logGroupIdentifier: `arn:aws:logs:eu-west-1:${OTHER}:log-group:/aws/batch/job`,
      logStreamName: "etl/default/abc",
      startFromHead: true,
    });
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);

    logsMock
      .on(GetLogEventsCommand)
      .rejects(new AccessDeniedException({ message: "not authorized", $metadata: {} }));
    const denied = await run(logs, [FOREIGN]);
    expect(denied.err.split("\n")[1]).toBe(
      `batch-job-log logs: access denied: logs:GetLogEvents on arn:aws:logs:eu-west-1:${OTHER}:log-group:/aws/batch/job, ` +
        `a log group of account ${OTHER}, from account ${ACCOUNT}. Either make ${ACCOUNT} a CloudWatch cross-account ` +
        `observability monitoring account that ${OTHER} shares its log groups with, or pass --role-arn ` +
        `'arn:aws:iam::{account}:role/NAME' naming a role in ${OTHER} that ${ACCOUNT} may assume and that allows ` +
        "logs:GetLogEvents (not authorized)",
    );
  });

  test("--role-arn: by name, with the credentials of the role assumed in the job's account", async () => {
    logsMock
      .on(GetLogEventsCommand)
      .callsFake(serveStreams(() => [{ timestamp: T0, message: "via role" }]));
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: "AKIDROLE",
        SecretAccessKey: "s",
        SessionToken: "t",
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    const r = await run(logs, [
      FOREIGN,
      "--role-arn",
      "arn:aws:iam::{account}:role/BatchLogReader",
    ]);
    expect([r.code, r.out]).toEqual([0, "via role\n"]);
    expect(getInputs()[0]).toMatchObject({ logGroupName: "/aws/batch/job" });
    const client = logsMock.commandCalls(GetLogEventsCommand)[0].thisValue as CloudWatchLogsClient;
    expect(await client.config.region()).toBe("eu-west-1");
    const credentials = await (
      client.config.credentials as () => Promise<{ accessKeyId: string }>
    )();
    await (client.config.credentials as () => Promise<unknown>)();
    expect(credentials.accessKeyId).toBe("AKIDROLE");
    // Assumed once, cached for the account.
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: `arn:aws:iam::${OTHER}:role/BatchLogReader`, RoleSessionName: "batch-job-log" },
    ]);
  });
});

describe("JobTable.getMany", () => {
  test("100 keys a BatchGetItem; UnprocessedKeys asked again after a wait", async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `job-${i}`);
    const asked: string[][] = [];
    const client = {
      send: async (command: unknown) => {
        const { RequestItems } = (
          command as { input: { RequestItems: Record<string, { Keys: { jobId: string }[] }> } }
        ).input;
        const keys = RequestItems.t.Keys.map((k) => k.jobId);
        asked.push(keys);
        // The first call leaves its last three keys unprocessed.
        const left = asked.length === 1 ? keys.slice(-3) : [];
        return {
          Responses: {
            t: keys
              .filter((k) => !left.includes(k))
              .map((jobId) => ({ jobId, status: "FAILED", region: "us-east-1" })),
          },
          ...(left.length > 0
            ? { UnprocessedKeys: { t: { Keys: left.map((jobId) => ({ jobId })) } } }
            : {}),
        };
      },
    };
    const slept: number[] = [];
    const progress: number[] = [];
    const records = await new JobTable("t", client).getMany(ids, {
      sleep: async (ms) => {
        slept.push(ms);
      },
      onProgress: (done) => progress.push(done),
    });
    expect(asked.map((keys) => keys.length)).toEqual([100, 3, 100, 50]);
    expect(asked[1]).toEqual(["job-97", "job-98", "job-99"]);
    expect([...records.keys()]).toHaveLength(250);
    expect(records.get("job-99")?.status).toBe("FAILED");
    expect(slept).toEqual([200]);
    expect(progress).toEqual([100, 200, 250]);
  });
});
