/**
 * `find` without a name: the listing keys (record/index-keys.ts) spread jobs evenly over the
 * shards; `listJobs` (cli/lookup/list.ts) reads only the listing indexes, by Query, with the keys
 * and windows expected, and returns exactly the jobs a filter asks for, newest first, page by page
 * through its next token; `find` says when more match. One dynalite table of 400 generated jobs
 * over two days (some ending at the same millisecond), in 3 queues, 2 accounts and 2 regions.
 */
import { createHash } from "crypto";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as findCommand from "../cli/commands/find";
import {
  firstPage,
  listJobs,
  type ListContext,
  type ListFilter,
  type ListedJob,
} from "../cli/lookup/list";
import { toItem, type JobRecord } from "../record";
import { LIST_SHARDS, listKeys } from "../record/index-keys";
import { startTestTable, type TestTable } from "./helpers/dynamo";
import { command, recordingIO, runCli } from "./helpers/cli-io";

const DAY1 = Date.parse("2026-11-01T00:00:00Z");
const QUEUES = ["ec2-spot", "ec2-ondemand", "fargate-default"];
const STATUSES = ["SUCCEEDED", "FAILED", "SUCCEEDED", "RUNNING"];
const JOBS = 400;

function uuid(i: number): string {
  const h = createHash("sha1").update(String(i)).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Job i: ends every 7 minutes from DAY1 (two consecutive jobs at the same ms every 10th). */
function job(i: number): JobRecord {
  const region = i % 5 === 0 ? "eu-west-1" : "us-east-1";
  const account = i % 3 === 0 ? "210987654321" : "123456789012";
  const stoppedAt = DAY1 + (i - (i % 10 === 1 ? 1 : 0)) * 420_000;
  const status = STATUSES[i % STATUSES.length];
  return {
    jobId: uuid(i),
    jobName: `${i % 2 === 0 ? "nightly" : "adhoc"}-${String(i).padStart(4, "0")}`,
    jobQueue: `arn:aws:batch:${region}:${account}:job-queue/${QUEUES[i % QUEUES.length]}`,
    status,
    createdAt: stoppedAt - 600_000,
    ...(status === "RUNNING" ? {} : { stoppedAt, startedAt: stoppedAt - 300_000 }),
    eventTime: stoppedAt + 1_000,
    region,
    account,
    recordedAt: stoppedAt + 2_000,
    revision: 1,
  } as unknown as JobRecord;
}

const ALL = Array.from({ length: JOBS }, (_, i) => job(i));
const listedAt = (r: JobRecord) => r.stoppedAt ?? (r.eventTime as number);
/** What a filter should return, from the generated records, newest first. */
function expected(keep: (r: JobRecord) => boolean, since: number, until: number): string[] {
  return ALL.filter((r) => keep(r) && listedAt(r) >= since && listedAt(r) < until)
    .sort((a, b) => listedAt(b) - listedAt(a) || (a.jobId < b.jobId ? 1 : -1))
    .map((r) => r.jobId);
}

let table: TestTable;
let sent: { name: string; input: Record<string, unknown> }[];
let ctx: ListContext;
const NOW = DAY1 + 2 * 86_400_000;

beforeAll(async () => {
  table = await startTestTable("jobs-list");
  for (let i = 0; i < ALL.length; i += 25) {
    const batch = ALL.slice(i, i + 25).map((r) => ({ PutRequest: { Item: toItem(r) } }));
    await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: batch } }));
  }
  sent = [];
  const client = {
    send(c: { constructor: { name: string }; input: Record<string, unknown> }) {
      sent.push({ name: c.constructor.name, input: c.input });
      return table.doc.send(c as never);
    },
  };
  ctx = { tableName: table.tableName, client, now: () => NOW };
}, 60_000);

afterAll(() => table?.close());
beforeEach(() => (sent = []));

/** Every page of a list, following next tokens. */
async function all(filter: ListFilter, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const r = await listJobs(ctx, filter, { limit, nextToken });
    expect(r.jobs.length).toBeLessThanOrEqual(limit);
    ids.push(...r.jobs.map((j: ListedJob) => j.jobId));
    nextToken = r.nextToken;
    pages++;
  } while (nextToken);
  return { ids, pages };
}

describe("the listing keys", () => {
  test("spread 80,000 job ids within 2% of even over the shards, the same shard every time", () => {
    const { shardOf } = listKeys();
    const counts = new Array<number>(LIST_SHARDS).fill(0);
    for (let i = 0; i < 80_000; i++) counts[shardOf(uuid(i))]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(200);
    expect(counts.reduce((a, b) => a + b)).toBe(80_000);
    expect(shardOf("2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61")).toBe(2);
    expect(shardOf(`${uuid(7)}:12`)).toBe(shardOf(`${uuid(7)}:12`));
  });

  test("are the status or queue name, the UTC day and the shard, and the time the job ended", () => {
    const { itemListKeys } = listKeys();
    const r = job(8);
    expect(itemListKeys(r)).toEqual({
      listedAt: DAY1 + 8 * 420_000,
      listStatus: `SUCCEEDED#20261101#${listKeys().shardOf(r.jobId)}`,
      listQueue: `fargate-default#20261101#${listKeys().shardOf(r.jobId)}`,
    });
    // Without stoppedAt (a running job): the time of its last event.
    expect(itemListKeys(job(3)).listedAt).toBe(DAY1 + 3 * 420_000 + 1_000);
  });
});

describe("listJobs", () => {
  test("failed in an hour: one Query per shard of byStatusDay, keyed and windowed exactly", async () => {
    const since = DAY1 + 3_600_000;
    const until = DAY1 + 7_200_000;
    const r = await listJobs(ctx, { statuses: ["FAILED"], since, until }, { limit: 0 });
    const want = expected((j) => j.status === "FAILED", since, until);
    expect(r.jobs.map((j) => j.jobId)).toEqual(want);
    expect(want.length).toBe(3);
    expect(r.itemsRead).toBe(3);
    expect(r.nextToken).toBeUndefined();
    expect(sent.map((s) => s.name)).toEqual(new Array(LIST_SHARDS).fill("QueryCommand"));
    expect(sent.map((s) => s.input.ExpressionAttributeValues)).toEqual(
      Array.from({ length: LIST_SHARDS }, (_, shard) => ({
        ":k": `FAILED#20261101#${shard}`,
        ":from": since,
        ":to": until - 1,
      })),
    );
    expect(sent[0].input).toMatchObject({
      IndexName: "byStatusDay",
      KeyConditionExpression: "#k = :k AND #t BETWEEN :from AND :to",
      ExpressionAttributeNames: { "#k": "listStatus", "#t": "listedAt" },
      ScanIndexForward: false,
    });
  });

  test("a queue's day: byQueueDay, every job read once, none but the queue's", async () => {
    const since = DAY1;
    const until = DAY1 + 86_400_000;
    const r = await listJobs(ctx, { queue: "ec2-spot", since, until }, { limit: 0 });
    const want = expected((j) => String(j.jobQueue).endsWith("/ec2-spot"), since, until);
    expect(want.length).toBe(69);
    expect(r.jobs.map((j) => j.jobId)).toEqual(want);
    expect(r.itemsRead).toBe(want.length);
    expect(new Set(sent.map((s) => s.input.IndexName))).toEqual(new Set(["byQueueDay"]));
  });

  test.each<[string, ListFilter, (r: JobRecord) => boolean]>([
    ["no filter", {}, () => true],
    ["two statuses", { statuses: ["FAILED", "RUNNING"] }, (r) => r.status !== "SUCCEEDED"],
    [
      "a queue by ARN",
      { queue: `arn:aws:batch:eu-west-1:210987654321:job-queue/ec2-spot` },
      (r) => r.jobQueue === "arn:aws:batch:eu-west-1:210987654321:job-queue/ec2-spot",
    ],
    [
      "queue and status",
      { queue: "fargate-default", statuses: ["FAILED"] },
      (r) => String(r.jobQueue).endsWith("/fargate-default") && r.status === "FAILED",
    ],
    ["an account", { account: "210987654321" }, (r) => r.account === "210987654321"],
    ["a region", { region: "eu-west-1" }, (r) => r.region === "eu-west-1"],
    [
      "a name prefix",
      { namePrefix: "nightly-00" },
      (r) => String(r.jobName).startsWith("nightly-00"),
    ],
  ])("%s, across both days, paged by 30 through next tokens", async (_, filter, keep) => {
    const want = expected(keep, DAY1 - 86_400_000, NOW);
    expect(want.length).toBeGreaterThan(0);
    const { ids, pages } = await all(filter, 30);
    expect(ids).toEqual(want);
    expect(pages).toBe(Math.max(1, Math.ceil(want.length / 30)));
    expect(sent.some((s) => s.name !== "QueryCommand")).toBe(false);
  });

  test("--until and --since bound the time each job ended; a bad token is a usage error", async () => {
    const since = DAY1 + 86_400_000 - 3_600_000;
    const until = DAY1 + 86_400_000 + 3_600_000;
    const r = await listJobs(ctx, { since, until }, { limit: 0 });
    expect(r.jobs.map((j) => j.jobId)).toEqual(expected(() => true, since, until));
    expect(r.jobs.map((j) => j.listedAt)).toEqual(
      [...r.jobs.map((j) => j.listedAt)].sort((a, b) => b - a),
    );
    await expect(listJobs(ctx, {}, { nextToken: "nope" })).rejects.toThrow(
      '--next-token "nope" is not a token a previous list printed',
    );
  });
});

test("firstPage of a longer listing is the page a listing of that size returns, token included", async () => {
  // Prepare: the whole window at once, and a page of 7 the usual way.
  const filter = { since: DAY1, until: NOW };
  const long = await listJobs(ctx, filter, { limit: 0 });
  const page = await listJobs(ctx, filter, { limit: 7 });
  // Act
  const cut = firstPage(long, 7);
  // Assess: the same jobs and the same token, which reads on to the same second page.
  expect(long.jobs.length).toBeGreaterThan(7);
  expect(cut.jobs).toEqual(page.jobs);
  expect(cut.nextToken).toBe(page.nextToken);
  const next = await listJobs(ctx, filter, { limit: 7, nextToken: cut.nextToken });
  expect(next.jobs.map((j) => j.jobId)).toEqual(long.jobs.slice(7, 14).map((j) => j.jobId));
  // A listing no longer than the page is returned as it is.
  expect(firstPage(page, 7)).toBe(page);
});

describe("find", () => {
  const find = command(findCommand);
  const env = { BATCH_JOB_LOG_TABLE: "jobs-list", AWS_REGION: "us-east-1" };

  test("without NAME lists the newest, and says when more match and how to read on", async () => {
    const io = recordingIO({ env });
    const code = await find(["--status", "failed,Running", "--limit", "2"], io, { now: () => NOW });
    const want = expected((r) => r.status !== "SUCCEEDED", 0, NOW);
    const [header, first, second, ...rest] = io.out().split("\n");
    expect(code).toBe(0);
    expect(header.split(/\s+/)).toEqual([
      "ENDED",
      "STATUS",
      "EXIT",
      "RAN",
      "JOB",
      "ID",
      "NAME",
      "ACCOUNT",
      "REGION",
      "QUEUE",
    ]);
    expect([first.includes(want[0]), second.includes(want[1]), rest]).toEqual([true, true, [""]]);
    const token = /--next-token (\S+)\n$/.exec(io.err())?.[1] as string;
    expect(io.err()).toBe(`2 shown, more match: --limit 0 for all, or --next-token ${token}\n`);
    const next = recordingIO({ env });
    await find(
      [
        "--status",
        "FAILED",
        "--status",
        "running",
        "--limit",
        "1",
        "--json",
        "--next-token",
        token,
      ],
      next,
      { now: () => NOW },
    );
    expect(JSON.parse(next.out()).jobId).toBe(want[2]);
  });

  test("with NAME too: the default limit no longer cuts silently", async () => {
    const io = recordingIO({ env });
    await find(["nightly-0000", "--limit", "1"], io);
    expect(io.err()).toBe("");
    const many = recordingIO({ env });
    await find(["nightly-*", "--since", "2026-11-01", "--json"], many, { now: () => NOW });
    expect(many.out().trimEnd().split("\n").length).toBe(20);
    expect(many.err()).toMatch(/^20 shown, more match: --limit 0 for all, or --next-token \S+\n$/);
  });

  test("a bad status among commas, a bad limit or token: usage errors naming them", async () => {
    expect(await runCli(["find", "--status", "failed,done"], { env })).toEqual({
      code: 2,
      out: "",
      err: 'batch-job-log: --status for find must be one of SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED, got "done"\n',
    });
    expect((await runCli(["find", "--limit", "ten"], { env })).err).toBe(
      'batch-job-log: --limit for find must be a whole number (0 for all), got "ten"\n',
    );
    expect((await runCli(["find", "--next-token", "x"], { env })).err).toBe(
      'batch-job-log: --next-token "x" is not a token a previous list printed\n',
    );
  });
});
