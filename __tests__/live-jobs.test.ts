/**
 * Any id a user has (cli/lookup/job-ref.ts), and jobs the table does not hold yet, described by
 * AWS Batch (cli/lookup/live.ts, cli/lookup/jobs.ts): `show` and `logs` on a running job, `logs -f`
 * following it until the handler records its end, and `logs -f PARENT` picking up children as
 * they start. The table is dynalite; Batch and CloudWatch Logs (no local implementation) are
 * aws-sdk-client-mock; the twin's stand-in for Batch (what `--db` asks) with the real SDK client,
 * last (it restores the Batch mock).
 */
import {
  BatchClient,
  DescribeJobsCommand,
  ListJobsCommand,
  type DescribeJobsCommandInput,
  type JobDetail,
  type ListJobsCommandInput,
} from "@aws-sdk/client-batch";
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import * as logsCommand from "../cli/commands/logs";
import * as showCommand from "../cli/commands/show";
import type { LookupDeps } from "../cli/lookup/context";
import { parseJobRef } from "../cli/lookup/job-ref";
import {
  createRecordWriter,
  recordFromEvent,
  tableKeysAndIndexes,
  type CommandSender,
} from "../record";
import { LiveJobs, MAX_REMEMBERED, startLocalBatch } from "../twin/batch-local";
import { startLocalTable, type LocalTable } from "../twin/dynamo-local";
import { useDummyCredentials } from "./helpers/aws-env";
import { command, recordingIO, type Ran } from "./helpers/cli-io";
import { fixture, type BatchEvent } from "./helpers/fixtures";

const TABLE = "batch-job-log-live";
const EC2 = "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61";
const NAME = "etl-orders-20261101";
/** Not in the table: Batch describes it. */
const LIVE = "7e7e7e7e-1111-4222-8333-444455556666";
const LIVE_ARRAY = "8a8a8a8a-1111-4222-8333-444455556666";

const show = command(showCommand);
const logs = command(logsCommand);
const batchMock = mockClient(BatchClient);
const logsMock = mockClient(CloudWatchLogsClient);
let dynamo: LocalTable;
let documents: CommandSender;

type Detail = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The detail of an event, as DescribeJobs would give it. */
const detailOf = (event: BatchEvent): JobDetail => event.detail as unknown as JobDetail;

/** The event of a fixture in `status`, as a new job `jobId` (its stream renamed `stream`). */
function eventAs(name: string, status: string, jobId: string, stream?: string): BatchEvent {
  const event = clone(fixture(name).find((e) => (e.detail as Detail).status === status));
  if (!event) throw new Error(`${name} has no ${status} event`);
  const d = event.detail as Detail;
  event.id = `evt-${jobId}-${status}`;
  d.jobId = jobId;
  d.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${jobId}`;
  if (stream !== undefined) {
    if (d.container?.logStreamName) d.container.logStreamName = stream;
    for (const a of d.attempts ?? []) a.container.logStreamName = stream;
  }
  if (d.arrayProperties?.index !== undefined) d.arrayProperties.index = Number(jobId.split(":")[1]);
  return event;
}

async function record(events: readonly BatchEvent[]): Promise<void> {
  const writer = createRecordWriter(TABLE, documents);
  for (const e of events)
    await writer.put(recordFromEvent(e, { now: new Date(1_800_000_000_000) }));
}

/** A run of NAME created at `createdAt`. */
function run(jobId: string, createdAt: number): BatchEvent {
  const e = eventAs("ec2-single", "SUCCEEDED", jobId);
  (e.detail as Detail).createdAt = createdAt;
  return e;
}

const page = (messages: string[], token: string) => ({
  events: messages.map((message, i) => ({ timestamp: 1793611000000 + i, message })),
  nextForwardToken: token,
  nextBackwardToken: "b/0",
});

/** GetLogEvents of each stream: its lines on the first read, nothing new after. */
function streamsSay(lines: Record<string, string[]>): void {
  logsMock.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) => {
    const said = lines[input.logStreamName as string] ?? [];
    return input.nextToken === undefined ? page(said, "f/1") : page([], "f/1");
  });
}

const describeInputs = () =>
  batchMock.commandCalls(DescribeJobsCommand).map((c) => c.args[0].input.jobs);

async function runCmd(
  cmd: typeof show,
  args: readonly string[],
  deps: LookupDeps = {},
): Promise<Ran> {
  const io = recordingIO({ env: { BATCH_JOB_LOG_TABLE: TABLE, AWS_REGION: "us-east-1" } });
  const code = await cmd([...args, "--endpoint", dynamo.endpoint], io, deps);
  return { code, out: io.out(), err: io.err() };
}

useDummyCredentials();

beforeAll(async () => {
  dynamo = await startLocalTable({ tableInputs: tableKeysAndIndexes(), tableName: TABLE });
  documents = dynamo.documents;
  await record(fixture("ec2-single"));
  await record([run("run-old", 1793600000000), run("run-new", 1793640000000)]);
}, 60_000);

afterAll(async () => {
  batchMock.restore();
  logsMock.restore();
  await dynamo?.close();
});

beforeEach(() => {
  batchMock.reset();
  logsMock.reset();
  batchMock.on(DescribeJobsCommand).resolves({ jobs: [] });
  batchMock.on(ListJobsCommand).resolves({ jobSummaryList: [] });
});

describe("any id a user has", () => {
  test.each([
    [EC2, { kind: "id", jobId: EC2, from: "id" }],
    [`${EC2}:17`, { kind: "id", jobId: `${EC2}:17`, from: "id" }],
    [`${EC2}#3`, { kind: "id", jobId: `${EC2}#3`, from: "id" }],
    [
      `arn:aws:batch:eu-west-1:123456789012:job/${EC2}`,
      { kind: "id", jobId: EC2, from: "ARN", region: "eu-west-1" },
    ],
    [
      `arn:aws-cn:batch:cn-north-1:123456789012:job/${EC2}:4`,
      { kind: "id", jobId: `${EC2}:4`, from: "ARN", region: "cn-north-1" },
    ],
    [
      `arn:aws-us-gov:batch:us-gov-west-1:123456789012:service-job/${EC2}`,
      { kind: "id", jobId: EC2, from: "ARN", region: "us-gov-west-1" },
    ],
    [
      `https://us-east-2.console.aws.amazon.com/batch/home?region=us-east-2#jobs/ec2/detail/${EC2}`,
      { kind: "id", jobId: EC2, from: "console URL", region: "us-east-2" },
    ],
    [
      `https://console.aws.amazon.com/batch/home?region=us-west-2#jobs/detail/${EC2}%3A5`,
      { kind: "id", jobId: `${EC2}:5`, from: "console URL", region: "us-west-2" },
    ],
    [
      `https://cn-north-1.console.amazonaws.cn/batch/home#jobs/mnp/detail/${EC2}%232`,
      { kind: "id", jobId: `${EC2}#2`, from: "console URL", region: "cn-north-1" },
    ],
    [NAME, { kind: "id-or-name", text: NAME }],
    ["run-new", { kind: "id-or-name", text: "run-new" }],
  ])("%s", (text, expected) => {
    expect(parseJobRef(text)).toEqual(expected);
  });

  test("a URL that is not a Batch job page is refused, saying what is expected", () => {
    for (const url of [
      "https://us-east-1.console.aws.amazon.com/batch/home?region=us-east-1#queues",
      `https://example.com/batch/home#jobs/detail/${EC2}`,
      `https://us-east-1.console.aws.amazon.com/cloudwatch/home#jobs/detail/${EC2}`,
    ]) {
      expect(() => parseJobRef(url)).toThrow(
        `${url} is not the Batch console page of a job (…console.aws.amazon.com/batch/home#jobs/detail/JOB_ID); give the job id, its ARN or its name.`,
      );
    }
  });

  test("show by ARN and by console URL prints what show by id prints, and asks Batch nothing", async () => {
    const byId = await runCmd(show, [EC2]);
    expect(byId.code).toBe(0);
    expect(byId.out).toContain(`job         ${EC2}\n`);
    for (const ref of [
      `arn:aws:batch:us-east-1:123456789012:job/${EC2}`,
      `https://us-east-1.console.aws.amazon.com/batch/home?region=us-east-1#jobs/ec2/detail/${EC2}`,
    ]) {
      expect(await runCmd(show, [ref])).toEqual({ code: 0, out: byId.out, err: "" });
    }
    expect(describeInputs()).toEqual([]);
  });

  test("a job name is its latest run, with a note naming it and counting the others", async () => {
    const r = await runCmd(show, [NAME, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).jobId).toBe("run-new");
    expect(r.err).toBe(
      `note: job name ${NAME}: job run-new, created 2026-11-02T17:20:00Z, the latest of 3 runs ` +
        `(\`batch-job-log find ${NAME}\` lists them).\n`,
    );
  });

  test("an id the table holds is never taken for a name", async () => {
    const r = await runCmd(show, ["run-old", "--json"]);
    expect([r.code, JSON.parse(r.out).jobId, r.err]).toEqual([0, "run-old", ""]);
  });

  test("neither an id nor a name of the table: says so, and how to list names", async () => {
    const r = await runCmd(show, ["nightly-etl"]);
    expect([r.code, r.out, r.err]).toEqual([
      1,
      "",
      `batch-job-log show: no job has the id or name nightly-etl in table ${TABLE}; ` +
        "`batch-job-log find 'nightly-etl*'` lists the names that start with it.\n",
    ]);
  });
});

describe("jobs the table does not hold yet, from Batch", () => {
  const running = () => detailOf(eventAs("ec2-single", "RUNNING", LIVE));

  test("show: Batch's description, said to be live, in Batch's region of the ARN", async () => {
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [running()] });
    const r = await runCmd(show, [`arn:aws:batch:eu-west-1:123456789012:job/${LIVE}`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("status      RUNNING  (live from Batch, not recorded yet)\n");
    expect(r.out).toContain("stream     nightly-etl/default/15af9da521a8da87cf894a817c898cd6\n");
    expect(r.out).toContain("attempt 1: from 2026-11-02T09:16:32.262Z, running\n");
    expect(describeInputs()).toEqual([[LIVE]]);
    const client = batchMock.commandCalls(DescribeJobsCommand)[0].thisValue as BatchClient;
    expect(await client.config.region()).toBe("eu-west-1");
  });

  test("show --json marks it live", async () => {
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [running()] });
    const r = await runCmd(show, [LIVE, "--json"]);
    const doc = JSON.parse(r.out);
    expect([r.code, doc.jobId, doc.status, doc.live, doc.stoppedAt]).toEqual([
      0,
      LIVE,
      "RUNNING",
      true,
      undefined,
    ]);
  });

  test("in neither: says both were asked", async () => {
    const r = await runCmd(show, [LIVE]);
    expect([r.code, r.out, r.err]).toEqual([
      1,
      "",
      `batch-job-log show: job ${LIVE} is not in table ${TABLE}, and Batch us-east-1 does not ` +
        "know it (it forgets jobs days after they end): check the id and --region.\n",
    ]);
    expect(describeInputs()).toEqual([[LIVE]]);
  });

  test("Batch cannot be asked: says why, after what the table said", async () => {
    batchMock
      .on(DescribeJobsCommand)
      .rejects(
        Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }),
      );
    const r = await runCmd(show, [LIVE]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `^batch-job-log show: job ${LIVE} is not in table ${TABLE}, and Batch us-east-1 could not be asked: .*not authorized`,
      ),
    );
  });

  test("logs: the running job's stream, with a note that it is live", async () => {
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [running()] });
    streamsSay({
      "nightly-etl/default/15af9da521a8da87cf894a817c898cd6": ["loading", "still loading"],
    });
    const r = await runCmd(logs, [LIVE]);
    expect([r.code, r.out]).toEqual([0, "loading\nstill loading\n"]);
    expect(r.err).toContain(`note: job ${LIVE} (RUNNING): live from Batch, not recorded yet.\n`);
  });

  test("logs -f follows a running job until the handler has recorded its end", async () => {
    const stream = "nightly-etl/default/15af9da521a8da87cf894a817c898cd6";
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [running()] });
    const reads = [page(["started"], "f/1"), page([], "f/1"), page(["done"], "f/2")];
    logsMock.on(GetLogEventsCommand).callsFake(() => reads.shift() ?? page([], "f/2"));
    let sleeps = 0;
    const sleep = async () => {
      // The job ends during the first wait: its terminal event reaches the table.
      if (++sleeps === 1) await record([eventAs("ec2-single", "SUCCEEDED", LIVE)]);
    };
    const r = await runCmd(logs, [LIVE, "-f"], { sleep });
    expect([r.code, r.out]).toEqual([0, "started\ndone\n"]);
    // One more poll after the end was recorded: it brings nothing, so the follow ends.
    expect(sleeps).toBe(2);
    // Batch was asked once: the second read of the job found it in the table.
    expect(describeInputs()).toEqual([[LIVE]]);
    expect(
      logsMock.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input.logStreamName),
    ).toEqual([stream, stream, stream, stream, stream]);
  });

  test("logs -f PARENT picks up the children of a running array job as they start", async () => {
    let later = false;
    const child = (index: number, status: string) =>
      detailOf(
        eventAs("array-child", status, `${LIVE_ARRAY}:${index}`, `render/default/child${index}`),
      );
    const parent = (status: string) => detailOf(eventAs("array-parent", status, LIVE_ARRAY));
    // First: child 0 runs, child 1 waits; after a poll: both succeeded, and so has the parent.
    const now = () =>
      later
        ? { parent: parent("SUCCEEDED"), children: [child(0, "SUCCEEDED"), child(1, "SUCCEEDED")] }
        : { parent: parent("RUNNING"), children: [child(0, "RUNNING"), child(1, "RUNNABLE")] };
    batchMock.on(DescribeJobsCommand).callsFake((input: DescribeJobsCommandInput) => {
      const { parent: p, children } = now();
      return { jobs: [p, ...children].filter((j) => input.jobs?.includes(j.jobId as string)) };
    });
    batchMock.on(ListJobsCommand).callsFake((input: ListJobsCommandInput) => ({
      jobSummaryList:
        input.arrayJobId === LIVE_ARRAY
          ? now()
              .children.filter((c) => c.status === input.jobStatus)
              .map((c) => ({
                jobId: c.jobId,
                jobName: c.jobName,
                status: c.status,
                arrayProperties: { index: c.arrayProperties?.index },
              }))
          : [],
    }));
    streamsSay({ "render/default/child0": ["zero"], "render/default/child1": ["one"] });
    const sleep = async () => {
      later = true;
    };
    const r = await runCmd(logs, [LIVE_ARRAY, "-f"], { sleep });
    expect(r.code).toBe(0);
    expect(r.out).toBe("[0] zero\n[1] one\n");
    expect(r.err).toContain(
      `note: job ${LIVE_ARRAY} (RUNNING): live from Batch, not recorded yet.\n`,
    );
    const listed = batchMock.commandCalls(ListJobsCommand).map((c) => c.args[0].input);
    expect(new Set(listed.map((i) => i.arrayJobId))).toEqual(new Set([LIVE_ARRAY]));
    // Every status, on each of the two listings.
    expect(listed.map((i) => i.jobStatus)).toEqual([
      ...["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"],
      ...["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"],
    ]);
  });
});

describe("the twin's stand-in for Batch (twin/batch-local.ts)", () => {
  test("keeps each unfinished job's most advanced state, and how an ended one ended, whatever the delivery order", () => {
    const live = new LiveJobs();
    const running = eventAs("ec2-single", "RUNNING", LIVE);
    const runnable = eventAs("ec2-single", "RUNNABLE", LIVE);
    const ended = eventAs("ec2-single", "SUCCEEDED", EC2);
    // A late RUNNABLE after RUNNING; EC2 ends, then a state of it arrives late.
    for (const e of [running, runnable, eventAs("ec2-single", "RUNNING", EC2), ended]) {
      live.observe(e);
    }
    live.observe(eventAs("ec2-single", "RUNNING", EC2));
    live.observe({ ...running, source: "com.example" });
    // The ended job as it ended (what Batch remembers for a while), the other as it runs.
    expect(live.lines().map((l) => JSON.parse(l))).toEqual([
      { region: "us-east-1", job: ended.detail },
      { region: "us-east-1", job: running.detail },
    ]);
  });

  test("an ended job's line is the same from its event's JSON text as from the event alone", () => {
    // Prepare: the same ended events, one stand-in given each event's text (as replay reads
    // JSON Lines), one not; an event of eu-west-1 and one with no region.
    const [withText, without] = [new LiveJobs(), new LiveJobs()];
    const abroad = { ...eventAs("oom", "FAILED", LIVE), region: "eu-west-1" };
    const noRegion: Partial<BatchEvent> = eventAs("ec2-single", "SUCCEEDED", EC2);
    delete noRegion.region;
    for (const event of [abroad, noRegion]) {
      withText.observe(event, JSON.stringify(event));
      without.observe(event);
    }
    // Act, Assess: the same lines, by job id, each the job's detail with its region.
    expect(withText.lines()).toEqual(without.lines());
    expect(withText.lines()).toEqual([
      JSON.stringify({ region: "us-east-1", job: noRegion.detail }),
      JSON.stringify({ region: "eu-west-1", job: abroad.detail }),
    ]);
  });

  test("remembers the newest MAX_REMEMBERED ended jobs only", () => {
    const live = new LiveJobs();
    const template = eventAs("ec2-single", "SUCCEEDED", EC2);
    const ids = Array.from(
      { length: MAX_REMEMBERED + 5 },
      (_, i) => `job-${String(i).padStart(6, "0")}`,
    );
    for (const jobId of ids) live.observe({ ...template, detail: { ...template.detail, jobId } });
    const kept = live.lines().map((l) => (JSON.parse(l) as { job: { jobId: string } }).job.jobId);
    expect(kept).toEqual(ids.slice(5));
  });

  test("a state delivered after its job's end is no longer remembered: dropped when the table says the job ended", async () => {
    // Prepare: job-000000 ends, MAX_REMEMBERED others end after it, then a late RUNNING of it
    // arrives, and one of a job that really runs.
    const live = new LiveJobs();
    const ended = eventAs("ec2-single", "SUCCEEDED", EC2);
    const late = eventAs("ec2-single", "RUNNING", EC2);
    live.observe(ended);
    const template = eventAs("ec2-single", "SUCCEEDED", LIVE);
    for (let i = 1; i <= MAX_REMEMBERED; i++) {
      live.observe({ ...template, detail: { ...template.detail, jobId: `job-${i}` } });
    }
    live.observe(late);
    live.observe(eventAs("ec2-single", "RUNNING", LIVE_ARRAY));
    expect(live.size).toBe(2);
    // Act: the table holds EC2 as SUCCEEDED and LIVE_ARRAY as RUNNING.
    const asked: string[] = [];
    const statuses: Record<string, string> = { [EC2]: "SUCCEEDED", [LIVE_ARRAY]: "RUNNING" };
    await live.forgetEnded(async (jobId) => (asked.push(jobId), statuses[jobId]), 1);
    // Assess: only the unfinished jobs were asked about; the ended one is gone.
    expect(asked.sort()).toEqual([EC2, LIVE_ARRAY].sort());
    expect(live.size).toBe(1);
    const open = live
      .lines()
      .map((l) => JSON.parse(l) as { job: { jobId: string; status: string } })
      .filter(({ job }) => job.status !== "SUCCEEDED");
    expect(open.map(({ job }) => [job.jobId, job.status])).toEqual([[LIVE_ARRAY, "RUNNING"]]);
  });

  test("answers DescribeJobs and ListJobs (a status at a time, in pages) to the real SDK client", async () => {
    const dir = mkdtempSync(join(tmpdir(), "batch-local-"));
    const file = join(dir, "batch.jsonl");
    const live = new LiveJobs();
    for (let i = 0; i < 3; i++) {
      live.observe(eventAs("array-child", "RUNNING", `${LIVE_ARRAY}:${i}`));
    }
    live.observe(eventAs("array-parent", "RUNNING", LIVE_ARRAY));
    writeFileSync(file, live.lines().join("\n") + "\n");
    const served = await startLocalBatch(file);
    batchMock.restore();
    const client = new BatchClient({
      region: "us-east-1",
      endpoint: served.endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      const described = await client.send(new DescribeJobsCommand({ jobs: [LIVE_ARRAY, LIVE] }));
      expect(described.jobs?.map((j) => [j.jobId, j.status])).toEqual([[LIVE_ARRAY, "RUNNING"]]);
      const first = await client.send(
        new ListJobsCommand({ arrayJobId: LIVE_ARRAY, jobStatus: "RUNNING", maxResults: 2 }),
      );
      const second = await client.send(
        new ListJobsCommand({
          arrayJobId: LIVE_ARRAY,
          jobStatus: "RUNNING",
          nextToken: first.nextToken,
        }),
      );
      expect(
        [...(first.jobSummaryList ?? []), ...(second.jobSummaryList ?? [])].map((j) => j.jobId),
      ).toEqual([0, 1, 2].map((i) => `${LIVE_ARRAY}:${i}`));
      expect(second.nextToken).toBeUndefined();
      // A queue lists its jobs by name or ARN, not their children.
      for (const jobQueue of [
        "ec2-spot",
        "arn:aws:batch:us-east-1:123456789012:job-queue/ec2-spot",
      ]) {
        const queued = await client.send(new ListJobsCommand({ jobQueue, jobStatus: "RUNNING" }));
        expect(queued.jobSummaryList?.map((j) => j.jobId)).toEqual([LIVE_ARRAY]);
      }
      const other = new BatchClient({
        region: "eu-west-1",
        endpoint: served.endpoint,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
      expect((await other.send(new DescribeJobsCommand({ jobs: [LIVE_ARRAY] }))).jobs).toEqual([]);
      other.destroy();
      expect(served.operations).toEqual([
        "describejobs",
        "listjobs",
        "listjobs",
        "listjobs",
        "listjobs",
        "describejobs",
      ]);
    } finally {
      client.destroy();
      await served.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
