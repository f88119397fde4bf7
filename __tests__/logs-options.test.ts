/**
 * `logs` with the options kubectl, stern and `aws logs tail` users type: --tail N, --since and
 * --until (a duration ago or ISO 8601), --timestamps, --prefix/--no-prefix and --all-containers,
 * each alone and with --follow; `search` with -i, --regex and -C N, as grep users type them.
 * Offline as a user tries it: `--db DIR`, a table folder written by the record's own writer
 * (dynalite on the folder) and DIR/logs.jsonl served by the twin's local CloudWatch Logs
 * endpoint (twin/logs-local.ts), which the real SDK client talks to with FilterLogEvents'
 * `%regex%` patterns and Insights' `like /regex/`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import * as logsCommand from "../cli/commands/logs";
import { caseless, searchPattern } from "../cli/lookup/search-pattern";
import { isoTime, timeWindow } from "../cli/lookup/time";
import { createRecordWriter, tableKeysAndIndexes, type JobRecord } from "../record";
import { startLocalTable } from "../twin/dynamo-local";
import { useDummyCredentials } from "./helpers/aws-env";
import { command, recordingIO, runCli, type Ran } from "./helpers/cli-io";

const logs = command(logsCommand);

const TABLE = "jobs-options";
const T0 = Date.UTC(2026, 10, 1, 8, 0, 0);
const GROUP = "/aws/batch/job";

const SINGLE = "10000000-0000-4000-8000-000000000001";
const SIDECARS = "10000000-0000-4000-8000-000000000002";
const ARRAY = "10000000-0000-4000-8000-000000000003";
const RUNNING = "10000000-0000-4000-8000-000000000004";
const WORKER = "10000000-0000-4000-8000-000000000005";
const WORKER2 = "10000000-0000-4000-8000-000000000006";

/** The worker's lines, one second apart from T0. */
const WORK = [
  "starting worker",
  "loading shard 1",
  "ERROR: shard 1 failed",
  "retrying shard 1",
  "shard 1 ok",
  "loading shard 2",
  "loading shard 3",
  "loading shard 4",
  "error: out of memory (shard 4)",
  "exiting",
];

/** `count` events one second apart from `start`: "<name> line <i>". */
function lines(name: string, count: number, start = T0) {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: start + i * 1000,
    message: `${name} line ${i}`,
  }));
}

const STREAMS: Record<string, { timestamp: number; message: string }[]> = {
  "single/default/s1": lines("single", 10),
  // Two containers of one attempt, interleaved in time.
  "web/main/m1": lines("main", 3),
  "web/proxy/p1": lines("proxy", 3, T0 + 500),
  "tiles/default/c0": lines("c0", 4),
  "tiles/default/c1": lines("c1", 4, T0 + 250),
  "run/default/r1": lines("run", 5),
  "work/default/w1": WORK.map((message, i) => ({ timestamp: T0 + i * 1000, message })),
  "work/default/w2": ["ok", "ERROR again", "done"].map((message, i) => ({
    timestamp: T0 + 20_000 + i * 1000,
    message,
  })),
};

const stream = (logStreamName: string, container = "default") => ({
  attempt: 1,
  container,
  logGroup: GROUP,
  logRegion: "us-east-1",
  logStreamName,
});

let revision = 1;
function job(jobId: string, fields: Partial<JobRecord>): JobRecord {
  return {
    jobId,
    jobName: "job",
    status: "SUCCEEDED",
    region: "us-east-1",
    logStreams: [],
    attempts: [],
    eventId: `e-${jobId}`,
    recordedAt: T0,
    revision: revision++,
    createdAt: T0,
    ...fields,
  };
}

const ran = { startedAt: T0, stoppedAt: T0 + 60_000, exitCode: 0 };

let dir: string;
useDummyCredentials();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "logs-options-"));
  const table = await startLocalTable({
    tableInputs: tableKeysAndIndexes(),
    tableName: TABLE,
    path: dir,
  });
  const writer = createRecordWriter(TABLE, table.documents);
  for (const record of [
    job(SINGLE, {
      jobName: "single",
      logStreamName: "single/default/s1",
      logStreams: [stream("single/default/s1")],
      attempts: [ran],
    }),
    job(SIDECARS, {
      jobName: "web",
      logStreamName: "web/main/m1",
      logStreams: [stream("web/main/m1", "main"), stream("web/proxy/p1", "proxy")],
      attempts: [ran],
    }),
    job(ARRAY, { jobName: "tiles", arraySize: 2 }),
    ...[0, 1].map((i) =>
      job(`${ARRAY}:${i}`, {
        jobName: "tiles",
        parentJobId: ARRAY,
        arrayIndex: i,
        logStreamName: `tiles/default/c${i}`,
        logStreams: [stream(`tiles/default/c${i}`)],
        attempts: [ran],
      }),
    ),
    ...[WORKER, WORKER2].map((jobId, i) =>
      job(jobId, {
        jobName: "worker",
        logStreamName: `work/default/w${i + 1}`,
        logStreams: [stream(`work/default/w${i + 1}`)],
        attempts: [{ startedAt: T0 + i * 20_000, stoppedAt: T0 + i * 20_000 + 10_000 }],
      }),
    ),
    job(RUNNING, {
      jobName: "run",
      status: "RUNNING",
      logStreamName: "run/default/r1",
      logStreams: [stream("run/default/r1")],
      attempts: [{ startedAt: T0 }],
    }),
  ]) {
    await writer.put(record);
  }
  await table.close();
  writeFileSync(
    join(dir, "logs.jsonl"),
    Object.entries(STREAMS)
      .map(([logStreamName, events]) =>
        JSON.stringify({ logGroupName: GROUP, region: "us-east-1", logStreamName, events }),
      )
      .join("\n") + "\n",
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `batch-job-log logs <args> --db DIR --table TABLE`. */
function run(args: readonly string[]): Promise<Ran> {
  return runCli(["logs", ...args, "--db", dir, "--table", TABLE], {
    env: { AWS_REGION: "us-east-1" },
  });
}

/** `logs` called with a clock and a sleep that counts the polls of --follow. */
async function follow(
  args: readonly string[],
  now = T0 + 3_600_000,
): Promise<Ran & { polls: number }> {
  const io = recordingIO({ env: { AWS_REGION: "us-east-1" } });
  let polls = 0;
  let clock = now;
  const code = await logs([...args, "--follow", "--db", dir, "--table", TABLE], io, {
    now: () => clock,
    sleep: async () => {
      polls++;
      clock += 2_000;
    },
  });
  return { code, out: io.out(), err: io.err(), polls };
}

const out = (r: Ran) => r.out.split("\n").slice(0, -1);

describe("--tail N", () => {
  test("the last N lines of a stream, oldest first", async () => {
    const r = await run([SINGLE, "--tail", "3"]);
    expect(r.code).toBe(0);
    expect(out(r)).toEqual(["single line 7", "single line 8", "single line 9"]);
  });

  test("more than the stream holds: all of it", async () => {
    expect(out(await run([SINGLE, "--tail", "50"]))).toHaveLength(10);
  });

  test("of a parent: the last N of each child, merged in time order", async () => {
    const r = await run([ARRAY, "--tail", "1"]);
    expect(out(r)).toEqual(["[0] c0 line 3", "[1] c1 line 3"]);
  });

  test("with --until: the last N before it", async () => {
    const r = await run([SINGLE, "--tail", "2", "--until", "2026-11-01T08:00:05Z"]);
    expect(out(r)).toEqual(["single line 3", "single line 4"]);
  });

  test("with --follow: the last N, then on from there until the job has ended", async () => {
    const r = await follow([SINGLE, "--tail", "2"]);
    expect([r.code, out(r)]).toEqual([0, ["single line 8", "single line 9"]]);
    // The first poll finds nothing new and the record terminal: the end.
    expect(r.polls).toBe(1);
  });
});

describe("--since and --until", () => {
  test("absolute: events in [since, until)", async () => {
    const r = await run([
      SINGLE,
      "--since",
      "2026-11-01T08:00:02Z",
      "--until",
      "2026-11-01T09:00:04+01:00",
    ]);
    expect(out(r)).toEqual(["single line 2", "single line 3"]);
  });

  test("relative: a duration ago, on the command's clock", async () => {
    const io = recordingIO({ env: { AWS_REGION: "us-east-1" } });
    // Now is T0 + 10 s: --since 3s is T0 + 7 s.
    const code = await logs([SINGLE, "--since", "3s", "--db", dir, "--table", TABLE], io, {
      now: () => T0 + 10_000,
    });
    expect([code, io.out()]).toEqual([0, "single line 7\nsingle line 8\nsingle line 9\n"]);
  });

  test("nothing in the window: says which window", async () => {
    const r = await run([SINGLE, "--until", "2026-11-01T07:00:00Z"]);
    expect([r.code, r.out]).toEqual([0, ""]);
    expect(r.err.split("\n").at(-2)).toBe(
      "note: nothing to print: log stream single/default/s1 in log group /aws/batch/job (us-east-1) has no events before 2026-11-01T07:00:00.000Z.",
    );
  });

  test("--until not after --since, or not a time: usage errors", async () => {
    const backwards = await run([SINGLE, "--since", "2026-11-02", "--until", "2026-11-01"]);
    expect([backwards.code, backwards.err]).toEqual([
      2,
      "batch-job-log: --until for logs must be after --since: 2026-11-01T00:00:00.000Z is not after 2026-11-02T00:00:00.000Z\n",
    ]);
    const bad = await run([SINGLE, "--since", "yesterday"]);
    expect([bad.code, bad.err]).toEqual([
      2,
      'batch-job-log: --since for logs must be a duration such as 10m, 2h or 3d, or an ISO 8601 time such as 2026-11-01T08:00:00Z, got "yesterday"\n',
    ]);
  });

  test("--until with --follow: a running job is followed until then, not until it ends", async () => {
    // The clock starts 1 s before --until and moves 2 s a poll.
    const r = await follow([RUNNING, "--until", "2026-11-01T08:00:03Z"], T0 + 2_000);
    expect([r.code, out(r)]).toEqual([0, ["run line 0", "run line 1", "run line 2"]]);
    expect(r.polls).toBe(1);
  });

  test("ISO 8601 forms: date, minutes, fraction, offsets; a date that does not exist is none", () => {
    expect(isoTime("2026-11-01")).toBe(Date.UTC(2026, 10, 1));
    expect(isoTime("2026-11-01T08:00")).toBe(T0);
    expect(isoTime("2026-11-01 08:00:00.250Z")).toBe(T0 + 250);
    expect(isoTime("2026-11-01T10:00:00+0200")).toBe(T0);
    expect(isoTime("2026-11-01T03:00:00-05:00")).toBe(T0);
    expect(isoTime("2026-02-30")).toBeUndefined();
    expect(isoTime("08:00")).toBeUndefined();
    expect(timeWindow("logs", "1h", undefined, T0)).toEqual({
      startTime: T0 - 3_600_000,
      endTime: undefined,
    });
  });
});

describe("--timestamps, --prefix, --no-prefix", () => {
  test("--timestamps: each line begins with its event's time", async () => {
    const r = await run([SINGLE, "--tail", "2", "--timestamps"]);
    expect(out(r)).toEqual([
      "2026-11-01T08:00:08.000Z single line 8",
      "2026-11-01T08:00:09.000Z single line 9",
    ]);
  });

  test("--prefix: a single stream's lines carry the job's name; a child's its index", async () => {
    expect(out(await run([SINGLE, "--tail", "1", "--prefix"]))).toEqual(["[single] single line 9"]);
    expect(out(await run([`${ARRAY}:1`, "--tail", "1", "--prefix", "--timestamps"]))).toEqual([
      "[tiles:1] 2026-11-01T08:00:03.250Z c1 line 3",
    ]);
  });

  test("--no-prefix: a parent's merged lines without their child's index", async () => {
    expect(out(await run([ARRAY, "--tail", "1", "--no-prefix"]))).toEqual([
      "c0 line 3",
      "c1 line 3",
    ]);
  });

  test("--prefix with --no-prefix: a usage error", async () => {
    const r = await run([SINGLE, "--prefix", "--no-prefix"]);
    expect([r.code, r.err]).toEqual([
      2,
      "batch-job-log: --prefix for logs cannot be combined with --no-prefix\n",
    ]);
  });

  test("with --follow: --prefix and --timestamps apply to what is followed", async () => {
    const r = await follow([SINGLE, "--tail", "1", "--prefix", "--timestamps"]);
    expect(out(r)).toEqual(["[single] 2026-11-01T08:00:09.000Z single line 9"]);
  });
});

describe("--all-containers", () => {
  test("every container of the attempt, merged in time order, prefixed with its container", async () => {
    const r = await run([SIDECARS, "--all-containers"]);
    expect(r.code).toBe(0);
    expect(out(r)).toEqual([
      "[main]  main line 0",
      "[proxy] proxy line 0",
      "[main]  main line 1",
      "[proxy] proxy line 1",
      "[main]  main line 2",
      "[proxy] proxy line 2",
    ]);
    expect(r.err).toBe(`==> job ${SIDECARS}: 2 streams of 2 containers, merged in time order\n`);
  });

  test("without it: the main container, and a note naming the others", async () => {
    const r = await run([SIDECARS]);
    expect(out(r)).toEqual(["main line 0", "main line 1", "main line 2"]);
    expect(r.err).toContain("attempt 1 has 2 containers (main, proxy): showing main");
  });

  test("with --tail and --no-prefix", async () => {
    const r = await run([SIDECARS, "--all-containers", "--tail", "1", "--no-prefix"]);
    expect(out(r)).toEqual(["main line 2", "proxy line 2"]);
  });

  test("with --container: a usage error", async () => {
    const r = await run([SIDECARS, "--all-containers", "--container", "main"]);
    expect([r.code, r.err]).toEqual([
      2,
      "batch-job-log: --all-containers for logs cannot be combined with --container\n",
    ]);
  });

  test("with --follow: each container followed, its lines prefixed with it", async () => {
    const r = await follow([SIDECARS, "--all-containers"]);
    expect(r.code).toBe(0);
    expect(out(r).sort()).toEqual(
      [
        "[main]  main line 0",
        "[main]  main line 1",
        "[main]  main line 2",
        "[proxy] proxy line 0",
        "[proxy] proxy line 1",
        "[proxy] proxy line 2",
      ].sort(),
    );
    // One poll each: nothing new, the job has ended.
    expect(r.polls).toBe(2);
  });
});

/** `batch-job-log search <args> --name worker --db DIR --table TABLE`. */
function search(args: readonly string[]): Promise<Ran> {
  return runCli(["search", ...args, "--name", "worker", "--db", dir, "--table", TABLE], {
    env: { AWS_REGION: "us-east-1" },
  });
}

const at = (second: number) => new Date(T0 + second * 1000).toISOString();
const W1 = `${WORKER} a1`;
const W2 = `${WORKER2} a1`;

describe("search -i, --regex, -C", () => {
  test("TEXT is case-sensitive; -i matches it in any case", async () => {
    const exact = await search(["error"]);
    expect(out(exact)).toEqual([`${at(8)}  ${W1}  error: out of memory (shard 4)`]);
    const any = await search(["error", "-i"]);
    expect(out(any)).toEqual([
      `${at(2)}  ${W1}  ERROR: shard 1 failed`,
      `${at(8)}  ${W1}  error: out of memory (shard 4)`,
      `${at(21)}  ${W2}  ERROR again`,
    ]);
    expect(any.err).toBe(
      "search: 3 matching lines in 2 jobs; searched 2 streams of 2 jobs in 1 log group (1 FilterLogEvents call).\n",
    );
  });

  test("-i on text with spaces: its longest word filters, each line is checked here", async () => {
    const r = await search(["OUT OF MEMORY", "-i", "--mode", "filter"]);
    expect(out(r)).toEqual([`${at(8)}  ${W1}  error: out of memory (shard 4)`]);
    expect(searchPattern("OUT OF MEMORY", { ignoreCase: true }).filterPattern).toBe(
      "%[mM][eE][mM][oO][rR][yY]%",
    );
  });

  test("--regex a filter pattern can say: FilterLogEvents with %regex%", async () => {
    const r = await search(["^loading\\sshard\\s[34]$", "--regex", "--mode", "filter"]);
    expect(out(r)).toEqual([
      `${at(6)}  ${W1}  loading shard 3`,
      `${at(7)}  ${W1}  loading shard 4`,
    ]);
    expect(r.err).toContain("(1 FilterLogEvents call)");
  });

  test("--regex with parentheses: Logs Insights in --mode auto, a usage error in --mode filter", async () => {
    const r = await search(["shard [0-9] (ok|failed)", "--regex", "--yes"]);
    expect(out(r)).toEqual([
      `${at(2)}  ${W1}  ERROR: shard 1 failed`,
      `${at(4)}  ${W1}  shard 1 ok`,
    ]);
    expect(r.err.split("\n")[0]).toBe(
      'note: a filter pattern\'s regex takes no parentheses, so FilterLogEvents cannot look for --regex "shard [0-9] (ok|failed)": every log group is searched with Logs Insights.',
    );
    const refused = await search(["(ok|failed)", "--regex", "--mode", "filter"]);
    expect([refused.code, refused.err]).toEqual([
      2,
      "batch-job-log: --regex for search cannot be searched with --mode filter: a filter pattern's regex takes no parentheses; use --mode insights or auto\n",
    ]);
  });

  test("--regex -i in Logs Insights: like /(?i)regex/", async () => {
    const r = await search(["^error", "--regex", "-i", "--mode", "insights", "--yes"]);
    expect(out(r)).toEqual([
      `${at(2)}  ${W1}  ERROR: shard 1 failed`,
      `${at(8)}  ${W1}  error: out of memory (shard 4)`,
      `${at(21)}  ${W2}  ERROR again`,
    ]);
    const none = await search(["^fatal", "--regex", "-i"]);
    expect([none.code, none.err.split("\n").at(-2)]).toEqual([
      1,
      "batch-job-log search: no line matches /^fatal/i in 2 streams of 2 jobs in 1 log group (1 FilterLogEvents call).",
    ]);
  });

  test("-C 1: a line before and after each match, -- between groups and between streams", async () => {
    const r = await search(["error", "-i", "-C", "1"]);
    expect(out(r)).toEqual([
      `${at(1)}  ${W1}- loading shard 1`,
      `${at(2)}  ${W1}: ERROR: shard 1 failed`,
      `${at(3)}  ${W1}- retrying shard 1`,
      "--",
      `${at(7)}  ${W1}- loading shard 4`,
      `${at(8)}  ${W1}: error: out of memory (shard 4)`,
      `${at(9)}  ${W1}- exiting`,
      "--",
      `${at(20)}  ${W2}- ok`,
      `${at(21)}  ${W2}: ERROR again`,
      `${at(22)}  ${W2}- done`,
    ]);
  });

  test("-C 3: groups that meet are one, without --", async () => {
    const r = await search(["error", "-i", "-C", "3", "--mode", "insights", "--yes"]);
    expect(out(r).slice(0, 10)).toEqual(
      WORK.map((line, i) => {
        const match = i === 2 || i === 8;
        return `${at(i)}  ${W1}${match ? ":" : "-"} ${line}`;
      }),
    );
    expect(out(r)[10]).toBe("--");
  });

  test("-C with --json: every line with context true or false", async () => {
    const r = await search(["exiting", "-C", "1", "--json"]);
    expect(
      r.out
        .split("\n")
        .slice(0, -1)
        .map((l) => JSON.parse(l)),
    ).toEqual([
      expect.objectContaining({
        jobId: WORKER,
        message: "error: out of memory (shard 4)",
        context: true,
      }),
      expect.objectContaining({
        jobId: WORKER,
        message: "exiting",
        context: false,
        timestamp: T0 + 9000,
      }),
    ]);
  });

  test("searchPattern: the filter pattern and Insights filter of each form", () => {
    expect(searchPattern('say "hi"')).toMatchObject({
      filterPattern: '"say " "hi"',
      insightsFilter: 'filter @message like "say \\"hi\\""',
    });
    expect(searchPattern("a/b.c", { ignoreCase: true })).toMatchObject({
      filterPattern: "%[aA]/[bB]%",
      insightsFilter: "filter @message like /(?i)a\\/b\\.c/",
    });
    expect(searchPattern("x/y[0-9]+", { regex: true })).toMatchObject({
      filterPattern: "%x/y[0-9]+%",
      insightsFilter: "filter @message like /x\\/y[0-9]+/",
    });
    expect(searchPattern("ab", { regex: true, ignoreCase: true }).filterPattern).toBe("%[aA][bB]%");
    expect(caseless("\\d[a-cX]{2}q")).toBe("\\d[a-cXA-Cx]{2}[qQ]");
    expect(() => searchPattern("a(", { regex: true })).toThrow(
      /^TEXT for search must be a regular expression with --regex: /,
    );
  });
});
