/**
 * backfill: Batch mocked with aws-sdk-client-mock (ListJobs, DescribeJobs, DescribeJobQueues
 * answer with the fixtures' job details, since DescribeJobs returns the same JobDetail shape as an
 * event's detail); the table is dynalite, created as the program declares it, and pre-filled by
 * the handler's own code. Asserts the listing strategy (jobStatus per terminal status, never
 * `filters`), DescribeJobs batches of 100, the "never overwrite newer" rule and idempotence.
 * Every test gets a new, empty table and records what it starts from itself, so each passes alone
 * (`-t <name>`) and in any order.
 */
import { useDummyCredentials } from "./helpers/aws-env";
import {
  BatchClient,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  ListJobsCommand,
  type JobDetail,
  type JobSummary,
  type ListJobsCommandInput,
} from "@aws-sdk/client-batch";
import { GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import * as backfillCommand from "../cli/commands/backfill";
import { runCommand } from "../cli/dispatch";
import { main } from "../cli/main";
import type { LookupDeps } from "../cli/lookup/context";
import {
  createRecordWriter,
  fromItem,
  recordFromEvent,
  tableKeysAndIndexes,
  type CommandSender,
  type JobRecord,
  type StoredItem,
} from "../record";
import {
  startLocalDynamo,
  startLocalTable,
  type LocalDynamo,
  type LocalTable,
} from "../twin/dynamo-local";
import { fixture, terminalEvent } from "./helpers/fixtures";
import { recordingIO } from "./helpers/cli-io";

const TABLE_PREFIX = "batch-job-log-backfill";
const QUEUE_A = "arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand";
const QUEUE_B = "arn:aws:batch:us-east-1:123456789012:job-queue/ec2-spot";
const QUEUE_C = "arn:aws:batch:us-east-1:123456789012:job-queue/archive";
const EC2 = "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61";
const RETRIED = "c3a5e7f9-1b2d-4c6e-a8f0-2d4f6a8c0e13";
const OOM = "2c4e6a8c-0d1f-4b3c-85e7-9a1b3d5f7ce6";
const DOCKER_TIMEOUT = "f6b8d0f2-4a5c-4e7f-99b1-2c4e6a8cadb3";
const ARRAY_PARENT = "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46";
const BULK = Array.from({ length: 150 }, (_, i) => `bulk-${String(i).padStart(3, "0")}`);
const NOW = Date.parse("2026-11-03T00:00:00Z");

/** DescribeJobs' answer for a job: the terminal event's detail (JSON, as the SDK returns it). */
function detailOf(name: string): JobDetail {
  return JSON.parse(JSON.stringify(terminalEvent(name).detail));
}

const details = new Map<string, JobDetail>();
function addDetail(detail: JobDetail): JobDetail {
  details.set(detail.jobId as string, detail);
  return detail;
}
addDetail(detailOf("ec2-single"));
addDetail(detailOf("retried"));
addDetail(detailOf("oom"));
addDetail(detailOf("docker-timeout"));
addDetail(detailOf("array-parent"));
for (const index of [0, 1, 2]) {
  const child = detailOf("array-child");
  child.jobId = `${ARRAY_PARENT}:${index}`;
  child.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${child.jobId}`;
  child.arrayProperties = { index };
  addDetail(child);
}
for (const [i, id] of BULK.entries()) {
  const bulk = detailOf("ec2-single");
  bulk.jobId = id;
  bulk.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${id}`;
  bulk.jobName = `bulk-${i % 5}`;
  bulk.createdAt = NOW - 86_400_000 + i * 1000;
  addDetail(bulk);
}
// Queue C: one job created 2 days before NOW, one 10 days before.
for (const [id, age] of [
  ["recent-1", 2],
  ["ancient-1", 10],
] as const) {
  const job = detailOf("ec2-single");
  job.jobId = id;
  job.jobArn = `arn:aws:batch:us-east-1:987654321098:job/${id}`;
  job.createdAt = NOW - age * 86_400_000;
  addDetail(job);
}

const summary = (id: string): JobSummary => {
  const d = details.get(id) as JobDetail;
  return {
    jobId: id,
    jobArn: d.jobArn,
    jobName: d.jobName,
    createdAt: d.createdAt,
    status: d.status,
    ...(d.arrayProperties?.size !== undefined
      ? { arrayProperties: { size: d.arrayProperties.size } }
      : {}),
  };
};

/** What ListJobs knows: per queue (or parent) and status, in pages. */
const LISTS: Record<string, string[][]> = {
  [`${QUEUE_A}|SUCCEEDED`]: [[EC2, ...BULK.slice(0, 90)], BULK.slice(90)],
  [`${QUEUE_A}|FAILED`]: [[OOM, DOCKER_TIMEOUT]],
  [`${QUEUE_B}|SUCCEEDED`]: [[RETRIED, ARRAY_PARENT]],
  [`${QUEUE_B}|FAILED`]: [[]],
  [`${ARRAY_PARENT}|SUCCEEDED`]: [[`${ARRAY_PARENT}:0`, `${ARRAY_PARENT}:1`, `${ARRAY_PARENT}:2`]],
  [`${ARRAY_PARENT}|FAILED`]: [[]],
  [`${QUEUE_C}|SUCCEEDED`]: [["recent-1", "ancient-1"]],
  [`${QUEUE_C}|FAILED`]: [[]],
};
const TOTAL = 1 + 150 + 2 + 2 + 3;

const batchMock = mockClient(BatchClient);
function mockBatch(): void {
  batchMock.reset();
  batchMock
    .on(DescribeJobQueuesCommand)
    .callsFake((input) =>
      input.nextToken === "q2"
        ? { jobQueues: [{ jobQueueName: "ec2-spot", jobQueueArn: QUEUE_B }] }
        : { jobQueues: [{ jobQueueName: "ec2-ondemand", jobQueueArn: QUEUE_A }], nextToken: "q2" },
    );
  batchMock.on(ListJobsCommand).callsFake((input: ListJobsCommandInput) => {
    const target = input.jobQueue ?? input.arrayJobId ?? input.multiNodeJobId;
    const pages = LISTS[`${target}|${input.jobStatus}`] ?? [[]];
    const page = input.nextToken === undefined ? 0 : Number(input.nextToken);
    return {
      jobSummaryList: pages[page].map(summary),
      ...(page + 1 < pages.length ? { nextToken: String(page + 1) } : {}),
    };
  });
  batchMock.on(DescribeJobsCommand).callsFake((input) => ({
    jobs: (input.jobs as string[]).map((id) => details.get(id)).filter((d) => d !== undefined),
  }));
}

let dynamo: LocalDynamo;
let documentClient: CommandSender;
/** This test's table: a new one per test (beforeEach). */
let table: string;
let localTable: LocalTable | undefined;
let tablesCreated = 0;

/** The job's record as the table holds it, expanded from its stored item. */
async function item(jobId: string): Promise<JobRecord | undefined> {
  const out = (await documentClient.send(new GetCommand({ TableName: table, Key: { jobId } }))) as {
    Item?: StoredItem;
  };
  return out.Item && fromItem(out.Item);
}

async function count(): Promise<number> {
  const out = (await documentClient.send(
    new ScanCommand({ TableName: table, Select: "COUNT" }),
  )) as {
    Count: number;
  };
  return out.Count;
}

useDummyCredentials();

beforeAll(async () => {
  dynamo = await startLocalDynamo();
}, 60_000);

afterAll(async () => {
  batchMock.restore();
  await dynamo?.close();
});

beforeEach(async () => {
  mockBatch();
  table = `${TABLE_PREFIX}-${++tablesCreated}`;
  localTable = await startLocalTable({
    tableInputs: tableKeysAndIndexes(),
    tableName: table,
    endpoint: dynamo.endpoint,
  });
  documentClient = localTable.documents;
});

afterEach(async () => {
  await localTable?.close();
});

/**
 * The table as the Lambda left it before the backfill: ec2-single recorded from all its events
 * (terminal last), which backfill must keep; retried only up to its second RUNNING event, which
 * backfill's terminal record replaces. Returns both items as written.
 */
async function recordedByTheHandler(): Promise<{ ec2: JobRecord; retried: JobRecord }> {
  const writer = createRecordWriter(table, documentClient);
  const now = new Date(NOW - 3_600_000);
  for (const event of fixture("ec2-single")) await writer.put(recordFromEvent(event, { now }));
  for (const event of fixture("retried").slice(0, 6)) {
    await writer.put(recordFromEvent(event, { now }));
  }
  const recorded = {
    ec2: (await item(EC2)) as JobRecord,
    retried: (await item(RETRIED)) as JobRecord,
  };
  expect(recorded.ec2.status).toBe("SUCCEEDED");
  expect(recorded.retried.status).toBe("RUNNING");
  return recorded;
}

/** A backfill run that a test starts from: it must succeed; Batch's call history is cleared. */
async function backfilled(args: string[], expected: string): Promise<void> {
  expect(await run(args)).toEqual({ code: 0, out: expected, err: "" });
  batchMock.resetHistory();
}

async function run(args: string[], options: { tty?: boolean; deps?: LookupDeps } = {}) {
  const io = recordingIO({
    env: { BATCH_JOB_LOG_TABLE: table, AWS_REGION: "us-east-1" },
    tty: options.tty,
  });
  const code = await runCommand(backfillCommand, [...args, "--endpoint", dynamo.endpoint], io, {
    now: () => NOW,
    ...options.deps,
  });
  return { code, out: io.out(), err: io.err() };
}

describe("backfill", () => {
  test("several queues: lists, describes in batches of 100, records, keeps the newer item", async () => {
    const before = await recordedByTheHandler();

    const r = await run([]);
    expect(r).toEqual({
      code: 0,
      out: `backfill us-east-1, 2 queues: listed ${TOTAL}, described ${TOTAL}, recorded ${TOTAL - 1}, unchanged 1, failed 0\n`,
      err: "",
    });

    // The item written from the terminal event is exactly as it was.
    expect(await item(EC2)).toEqual(before.ec2);
    // The item from a RUNNING event is replaced by the complete, terminal record.
    const retried = (await item(RETRIED)) as JobRecord;
    expect(retried.status).toBe("SUCCEEDED");
    expect(retried.eventId).toBe("");
    expect(retried.eventTime).toBeUndefined();
    expect(retried.region).toBe("us-east-1");
    expect(retried.account).toBe("123456789012");
    expect(retried.recordedAt).toBe(NOW);
    expect(retried.logStreams.map((s) => s.logStreamName)).toEqual([
      "genomics-align/default/ef8d6ff25f62ff26255e8cf28ade0fa4",
      "genomics-align/default/0e311a38e626b8cf919d814a3c7dab9f",
      "genomics-align/default/8643edbbbb6220f7c2677ca0b492a45b",
    ]);
    // Children listed through the parent, with their parent for the children index.
    for (const index of [0, 1, 2]) {
      expect(await item(`${ARRAY_PARENT}:${index}`)).toMatchObject({
        parentJobId: ARRAY_PARENT,
        arrayIndex: index,
        status: "SUCCEEDED",
      });
    }
    expect((await item(DOCKER_TIMEOUT))?.statusReason).toBe("Task failed to start");
    expect(await count()).toBe(TOTAL);

    // Listing: one status per call, never `filters` (which would make ListJobs ignore jobStatus).
    const listCalls = batchMock.commandCalls(ListJobsCommand).map((c) => c.args[0].input);
    expect(
      listCalls.map((i) => [i.jobQueue ?? `array:${i.arrayJobId}`, i.jobStatus, i.nextToken]),
    ).toEqual([
      [QUEUE_A, "SUCCEEDED", undefined],
      [QUEUE_A, "SUCCEEDED", "1"],
      [QUEUE_A, "FAILED", undefined],
      [QUEUE_B, "SUCCEEDED", undefined],
      [QUEUE_B, "FAILED", undefined],
      [`array:${ARRAY_PARENT}`, "SUCCEEDED", undefined],
      [`array:${ARRAY_PARENT}`, "FAILED", undefined],
    ]);
    expect(listCalls.every((i) => i.filters === undefined)).toBe(true);
    // Queues from DescribeJobQueues, both pages.
    expect(
      batchMock.commandCalls(DescribeJobQueuesCommand).map((c) => c.args[0].input.nextToken),
    ).toEqual([undefined, "q2"]);
    // DescribeJobs: 100, then the rest, every listed job once.
    const described = batchMock
      .commandCalls(DescribeJobsCommand)
      .map((c) => c.args[0].input.jobs as string[]);
    expect(described.map((ids) => ids.length)).toEqual([100, TOTAL - 100]);
    expect(new Set(described.flat()).size).toBe(TOTAL);

    // The Batch client: the table's region, adaptive retry for throttling.
    const client = batchMock.call(0).thisValue as BatchClient;
    expect(await client.config.region()).toBe("us-east-1");
    const strategy = (await client.config.retryStrategy()) as unknown as { mode: string };
    expect(strategy.mode).toBe("adaptive");
  });

  test("idempotent: a second run changes nothing", async () => {
    const before = await recordedByTheHandler();
    await backfilled(
      [],
      `backfill us-east-1, 2 queues: listed ${TOTAL}, described ${TOTAL}, recorded ${TOTAL - 1}, unchanged 1, failed 0\n`,
    );
    const snapshot = (await item(RETRIED)) as JobRecord;
    const r = await run(["--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      region: "us-east-1",
      queues: [QUEUE_A, QUEUE_B],
      listed: TOTAL,
      described: TOTAL,
      recorded: 0,
      unchanged: TOTAL,
      failed: 0,
    });
    expect(await item(EC2)).toEqual(before.ec2);
    expect(await item(RETRIED)).toEqual(snapshot);
    expect(await count()).toBe(TOTAL);
  });

  test("--queue (repeatable) skips DescribeJobQueues; --since keeps recent jobs only", async () => {
    expect(await count()).toBe(0);
    const r = await run(["--queue", QUEUE_C, "--since", "7d", "--retention-days", "30"]);
    expect(r.out).toBe(
      "backfill us-east-1, 1 queue: listed 1, described 1, recorded 1, unchanged 0, failed 0\n",
    );
    expect(batchMock.commandCalls(DescribeJobQueuesCommand)).toHaveLength(0);
    expect(await item("ancient-1")).toBeUndefined();
    const recent = (await item("recent-1")) as JobRecord;
    // The account comes from the job's ARN; expiresAt counts from the job's end like the handler.
    expect(recent.account).toBe("987654321098");
    expect(recent.expiresAt).toBe(Math.floor((recent.stoppedAt as number) / 1000) + 30 * 86400);

    batchMock.resetHistory();
    const both = await run(["--queue", QUEUE_C, "--queue", QUEUE_B]);
    expect(both.code).toBe(0);
    const queues = batchMock.commandCalls(ListJobsCommand).map((c) => c.args[0].input.jobQueue);
    expect([...new Set(queues.filter((q) => q !== undefined))]).toEqual([QUEUE_C, QUEUE_B]);
    expect(await item("ancient-1")).toBeDefined();
  });

  test("a job Batch describes with a malformed field is counted as failed, the rest go on", async () => {
    await backfilled(
      ["--queue", QUEUE_C],
      "backfill us-east-1, 1 queue: listed 2, described 2, recorded 2, unchanged 0, failed 0\n",
    );
    const bad = detailOf("oom");
    bad.jobId = "malformed-1";
    (bad as unknown as Record<string, unknown>).attempts = "not a list";
    details.set("malformed-1", bad);
    LISTS[`${QUEUE_C}|FAILED`] = [["malformed-1"]];
    try {
      const r = await run(["--queue", QUEUE_C]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'batch-job-log backfill: job malformed-1: "detail.attempts" must be an array, got "not a list"\n',
      );
      expect(r.out).toBe(
        "backfill us-east-1, 1 queue: listed 3, described 3, recorded 0, unchanged 2, failed 1\n",
      );
    } finally {
      LISTS[`${QUEUE_C}|FAILED`] = [[]];
      details.delete("malformed-1");
    }
  });

  test("a progress bar on stderr only when it is a terminal", async () => {
    await backfilled(
      ["--queue", QUEUE_B],
      "backfill us-east-1, 1 queue: listed 5, described 5, recorded 5, unchanged 0, failed 0\n",
    );
    const r = await run(["--queue", QUEUE_B], { tty: true });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^\rbackfill: listing jobs\.\.\. 2\x1b\[K/);
    expect(r.err).toContain(`\rbackfill [${"#".repeat(30)}] 5/5\x1b[K\n`);
    expect(r.err.endsWith("\n")).toBe(true);
    expect(r.out).toBe(
      "backfill us-east-1, 1 queue: listed 5, described 5, recorded 0, unchanged 5, failed 0\n",
    );
  });

  test("access denied is one line; usage errors go through the dispatcher", async () => {
    batchMock.on(ListJobsCommand).rejects(
      Object.assign(
        new Error(
          "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: batch:ListJobs",
        ),
        {
          name: "AccessDeniedException",
          $metadata: { httpStatusCode: 403 },
        },
      ),
    );
    const denied = await run(["--queue", QUEUE_B]);
    expect([denied.code, denied.out, denied.err]).toEqual([
      1,
      "",
      "batch-job-log backfill: access denied: User: arn:aws:iam::123456789012:user/bob is not authorized to perform: batch:ListJobs\n",
    ]);

    let err = "";
    const code = await main(["backfill", "--bogus"], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (err += t) },
      env: {},
      cwd: process.cwd(),
    });
    expect(code).toBe(2);
    expect(err).toBe(
      "batch-job-log: unknown option --bogus for backfill (see batch-job-log backfill --help)\n",
    );
  });
});
