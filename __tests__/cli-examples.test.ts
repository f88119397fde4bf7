/**
 * The examples of `--help` work on the shipped sample: `replay --db .sample-db` (what `npm start`
 * runs) keeps the sample's table and its log events (samples/logs.jsonl) in a folder, then every
 * example of `show`, `find`, `logs` and `search` runs as printed and finds what its description
 * promises; so do `logs` of the sample's multi-node job and of a job whose stream expired. One
 * Pulumi evaluation (the replay); each lookup opens the folder with its own dynalite, as the
 * command does. The hub example of `replay` runs in replay-roles.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { spec as BACKFILL } from "../cli/commands/backfill";
import { spec as FIND } from "../cli/commands/find";
import { spec as LOGS } from "../cli/commands/logs";
import { spec as REPLAY } from "../cli/commands/replay";
import { spec as SEARCH } from "../cli/commands/search";
import { SAMPLE, SAMPLE_DB } from "../cli/commands/shared";
import { spec as SHOW } from "../cli/commands/show";
import type { CommandSpec } from "../cli/options";
import { useDummyCredentials } from "./helpers/aws-env";
import * as uiCommand from "../cli/commands/ui";
import { command, jsonLines, recordingIO, runCli, type Ran } from "./helpers/cli-io";

const SAMPLE_EVENTS = readFileSync(join(__dirname, "..", "samples", "events.jsonl"), "utf8")
  .trimEnd()
  .split("\n").length;

let cwd: string;

/** `batch-job-log <args>` in the temporary folder, without pulumi on the PATH. */
function run(args: readonly string[]): Promise<Ran> {
  return runCli(args, { cwd, env: { PATH: join(cwd, "no-pulumi-here"), AWS_REGION: "us-east-1" } });
}

/** The arguments of the example of `spec` whose description starts with `start`. */
function example(spec: CommandSpec, start: string): string[] {
  const found = spec.examples.find((e) => e.description.startsWith(start));
  if (!found) throw new Error(`no example of ${spec.name} starts with "${start}"`);
  const [program, ...args] = found.command.split(" ");
  expect(program).toBe("batch-job-log");
  return args;
}

useDummyCredentials();

let replayed: Ran;
beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "examples-"));
  replayed = await run(example(REPLAY, "Replay the shipped sample"));
}, 120_000);

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

test("replay --db .sample-db keeps the sample's table in the folder", () => {
  expect([replayed.code, replayed.err]).toEqual([0, ""]);
  expect(replayed.out.split("\n").find((line) => line.startsWith("Replayed "))).toBe(
    `Replayed ${SAMPLE_EVENTS.toLocaleString("en-US")} events through the rule and Lambda of stack dev ` +
      "(table batch-job-log-dev on embedded dynalite, kept in .sample-db):",
  );
});

test("show: the three attempts of a failed job, each with its stream", async () => {
  const r = await run(example(SHOW, "Where the logs of each of the three attempts"));
  expect([r.code, r.err]).toEqual([0, ""]);
  const lines = r.out.split("\n");
  expect(lines.filter((l) => l.startsWith("status"))).toEqual(["status      FAILED"]);
  expect(lines.filter((l) => /^attempt \d/.test(l)).map((l) => l.split(":")[0])).toEqual([
    "attempt 1",
    "attempt 2",
    "attempt 3",
  ]);
  expect(lines.filter((l) => l.startsWith("    stream "))).toHaveLength(3);
});

test("show: an array job and its children with their statuses; one child as JSON", async () => {
  const parent = await run(example(SHOW, "An array job and its children"));
  expect([parent.code, parent.err]).toEqual([0, ""]);
  expect(parent.out).toContain("\narray       size 6: SUCCEEDED 4, FAILED 2\n");
  expect(parent.out).toContain("\nchildren: 6 recorded of 6\n");

  const child = await run(example(SHOW, "One child of that array job"));
  expect(child.code).toBe(0);
  const record = JSON.parse(child.out);
  expect([record.arrayIndex, record.status, record.children]).toEqual([3, "FAILED", []]);
});

test("show: a job by ARN, by name (its latest run, said), and one still running, from the replay's Batch", async () => {
  const byId = await run(["show", SAMPLE.retriedJob, "--db", SAMPLE_DB]);
  const arn = `arn:aws:batch:us-east-1:123456789012:job/${SAMPLE.retriedJob}`;
  const byArn = await run(["show", arn, "--db", SAMPLE_DB]);
  expect([byArn.code, byArn.out, byArn.err]).toEqual([0, byId.out, ""]);
  const byName = await run(["show", "align-tumor-0054", "--db", SAMPLE_DB]);
  expect([byName.code, byName.out]).toEqual([0, byId.out]);
  expect(byName.err).toMatch(
    new RegExp(
      `^note: job name align-tumor-0054: job ${SAMPLE.retriedJob}, created \\S+, its only run\\.\n$`,
    ),
  );

  const running = await run(example(SHOW, "A job still running"));
  expect([running.code, running.err]).toEqual([0, ""]);
  const lines = running.out.split("\n");
  expect(lines.filter((l) => /^(name|status) /.test(l))).toEqual([
    "name        etl-orders-0901",
    "status      RUNNING  (live from Batch, not recorded yet)",
  ]);
  expect(lines.filter((l) => l.startsWith("attempt "))).toEqual([
    expect.stringMatching(/^attempt 1: from \S+, running$/),
  ]);
});

test("replay --db keeps what Batch would say: the unfinished jobs, and those that ended", () => {
  const jobs = readFileSync(join(cwd, SAMPLE_DB, "batch.jsonl"), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { region: string; job: { jobId: string; status: string } });
  const unfinished = jobs.filter((j) => !["SUCCEEDED", "FAILED"].includes(j.job.status));
  expect(unfinished.map((j) => `${j.job.jobId} ${j.job.status}`)).toEqual([
    `${SAMPLE.runningArray} RUNNING`,
    `${SAMPLE.runningArray}:3 RUNNING`,
    `${SAMPLE.running} RUNNING`,
    "418edc52-771e-4865-88de-abe3f556dedb RUNNABLE",
    "90b4ab38-3ce3-467e-b2a4-5099d4d967ff RUNNING",
    "90b4ab38-3ce3-467e-b2a4-5099d4d967ff#0 RUNNING",
    "90b4ab38-3ce3-467e-b2a4-5099d4d967ff#1 RUNNING",
    "90b4ab38-3ce3-467e-b2a4-5099d4d967ff#2 RUNNING",
    "a1e1b0a6-7f19-420b-b922-b2cc8fbeeda0 RUNNING",
  ]);
  // Every job of the table ended, once each.
  expect(jobs.length - unfinished.length).toBe(347);
  expect(new Set(jobs.map((j) => j.job.jobId)).size).toBe(jobs.length);
  expect(new Set(jobs.map((j) => j.region))).toEqual(new Set(["us-east-1"]));
});

test("backfill --db: what the stand-in for Batch remembers, each job already recorded", async () => {
  const r = await run(example(BACKFILL, "Offline, on the sample"));
  expect([r.code, r.out, r.err]).toEqual([
    0,
    "backfill us-east-1, 6 queues: listed 342, described 342, recorded 0, unchanged 342, failed 0\n",
    "",
  ]);
  expect(existsSync(join(cwd, SAMPLE_DB, "replay.lock"))).toBe(false);
});

test("logs: a running array job's children, the recorded and the running one, merged", async () => {
  const r = await run(example(LOGS, "What the children of an array job still running"));
  expect(r.code).toBe(0);
  expect(r.err.split("\n")[0]).toBe(
    `note: job ${SAMPLE.runningArray} (RUNNING): live from Batch, not recorded yet.`,
  );
  const prefixes = new Set(
    r.out
      .trimEnd()
      .split("\n")
      .map((l) => l.slice(0, 4)),
  );
  expect(prefixes).toEqual(new Set(["[0] ", "[1] ", "[2] ", "[3] ", "[4] ", "[5] "]));
});

test("find: the array job's runs, the newest three as JSON", async () => {
  const all = await run(example(FIND, "Every run named like an array job"));
  expect([all.code, all.err]).toEqual([0, ""]);
  const rows = all.out.trimEnd().split("\n");
  expect(rows).toHaveLength(1 + 7);
  expect(rows[0].split(/ +/)).toEqual(["CREATED", "STATUS", "EXIT", "RAN", "JOB", "ID", "QUEUE"]);

  const newest = await run(example(FIND, "The newest three"));
  const runs = jsonLines<{ createdAt: number }>(newest.out);
  expect(runs).toHaveLength(3);
  expect(runs.map((r) => r.createdAt)).toEqual(runs.map((r) => r.createdAt).sort((a, b) => b - a));
});

test("find without NAME: what failed in an hour of the sample, one queue's sim-* jobs", async () => {
  const failed = await run(example(FIND, "What failed in any queue"));
  const rows = failed.out.trimEnd().split("\n");
  expect(rows[0].split(/ +/).slice(0, 2)).toEqual(["ENDED", "STATUS"]);
  expect(new Set(rows.slice(1).map((r) => r.split(/ +/)[1]))).toEqual(new Set(["FAILED"]));
  expect(rows).toHaveLength(1 + 20);
  expect(failed.err).toMatch(/^20 shown, more match: --limit 0 for all, or --next-token \S+\n$/);

  const sim = await run(example(FIND, "Every job of one queue"));
  const simRows = sim.out
    .trimEnd()
    .split("\n")
    .slice(1)
    .map((r) => r.split(/ +/));
  expect(simRows).toHaveLength(5);
  for (const r of simRows) {
    expect([
      r[r.length - 2].startsWith("sim-"),
      r[r.length - 1],
      ["SUCCEEDED", "FAILED"].includes(r[1]),
    ]).toEqual([true, "fargate-default", true]);
  }
});

test("logs: a job that never started says why it has no log events, without CloudWatch", async () => {
  const r = await run(["logs", SAMPLE.neverStarted, "--db", SAMPLE_DB]);
  expect([r.code, r.out]).toEqual([1, ""]);
  expect(r.err).toMatch(
    /^batch-job-log logs: job [0-9a-f-]{36} never started \(FAILED\): Task failed to start \(CannotPullContainerError: .+\)\.\n$/,
  );
});

test("replay --db of the shipped sample copies its log events beside the table", () => {
  expect(readFileSync(join(cwd, ".sample-db", "logs.jsonl"), "utf8")).toBe(
    readFileSync(join(__dirname, "..", "samples", "logs.jsonl"), "utf8"),
  );
});

test("logs: an array job's failed children, merged in time order, prefixed", async () => {
  const r = await run(example(LOGS, "What the failed children of an array job printed"));
  expect([r.code, r.err]).toEqual([
    0,
    "==> job 3e31c0a1-903b-4819-a975-74f72aa508bf: 2 streams of 2 children, merged in time order\n",
  ]);
  const lines = r.out.trimEnd().split("\n");
  expect(lines.slice(0, 2)).toEqual([
    "[3] tile-render 2.1.0: tiles-z12-0211 child 3 of 6 (AWS_BATCH_JOB_ARRAY_INDEX=3, job 3e31c0a1-903b-4819-a975-74f72aa508bf:3, attempt 1 of 2)",
    "[3] shard 3: zoom 12, 13056 tiles from s3://tiles-src/z12/",
  ]);
  expect(lines.slice(-2)).toEqual([
    "[5] ERROR shard 5: PostGIS query failed: canceling statement due to statement timeout",
    "[5] tiles-z12-0211 child 5 of 6 failed",
  ]);
  expect(new Set(lines.map((l) => l.slice(0, 4)))).toEqual(new Set(["[3] ", "[5] "]));
});

test("logs: every node of a multi-node job; every attempt of a retried one", async () => {
  const nodes = await run(["logs", SAMPLE.multiNodeParent, "--db", SAMPLE_DB]);
  expect(nodes.code).toBe(0);
  const prefixes = nodes.out
    .trimEnd()
    .split("\n")
    .map((l) => l.slice(0, 9));
  expect(new Set(prefixes)).toEqual(new Set(["node 0 | ", "node 1 | ", "node 2 | ", "node 3 | "]));
  expect(prefixes[0]).toBe("node 0 | ");

  const attempts = await run(example(LOGS, "The last 3 lines of each attempt of a job"));
  expect(attempts.code).toBe(0);
  const lines = attempts.out.trimEnd().split("\n");
  // Three of each attempt, in attempt order, each `[aN] <ISO time> <message>`.
  expect(lines.map((l) => l.slice(0, 5))).toEqual([
    ...Array(3).fill("[a1] "),
    ...Array(3).fill("[a2] "),
    ...Array(3).fill("[a3] "),
  ]);
  expect(lines.every((l) => /^\[a\d\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S/.test(l))).toBe(
    true,
  );
});

test("logs: a stream gone under its group's 14-day retention says so", async () => {
  const r = await run(["logs", SAMPLE.expired, "--db", SAMPLE_DB]);
  expect([r.code, r.out]).toEqual([1, ""]);
  // The replay kept an archive (the dev stack's), which does not cover that group either.
  expect(r.err.split("\n")[1]).toBe(
    "note: not in the archive either: group /ecs/fargate-report is not in archiveLogGroups of " +
      "s3://batch-job-log-archive-123456789012-us-east-1.",
  );
  expect(r.err.split("\n")[2]).toMatch(
    /^batch-job-log logs: log stream ecs\/default\/96bde4227ba3da6a8b13f164d7ff38fd in log group \/ecs\/fargate-report \(us-east-1\) has expired: the group keeps events 14 days \(retentionInDays\) and attempt 1 ended 2026-11-01T00:33:43.213Z, \d+ days ago\.$/,
  );
});

test("search: every job that printed OutOfMemoryError; a name's failed runs, by filter and by Insights", async () => {
  const oom = await run(example(SEARCH, "Which jobs of the sample ran out of memory"));
  expect(oom.code).toBe(0);
  expect(oom.out.trimEnd().split("\n")).toHaveLength(4);
  expect(oom.err.split("\n")[0]).toBe(
    "note: no --name: scanning every item of table batch-job-log-dev with a filter; --name JOB_NAME reads only that name's runs.",
  );

  const failed = await run(example(SEARCH, "Which failed runs of an array job's name"));
  const child = (i: number) => `3e31c0a1-903b-4819-a975-74f72aa508bf:${i} a1`;
  // Each match (`:`) with the line before and after (`-`), `--` between the two children.
  expect([failed.code, failed.out.split("\n")]).toEqual([
    0,
    [
      `2026-11-01T01:01:01.801Z  ${child(3)}- shard 3: 3917/13056 tiles rendered`,
      `2026-11-01T01:04:49.648Z  ${child(3)}: ERROR shard 3: PostGIS query failed: canceling statement due to statement timeout`,
      `2026-11-01T01:09:46.047Z  ${child(3)}- tiles-z12-0211 child 3 of 6 failed`,
      "--",
      `2026-11-01T01:02:05.882Z  ${child(5)}- shard 5: 1434/7168 tiles rendered`,
      `2026-11-01T01:10:07.275Z  ${child(5)}: ERROR shard 5: PostGIS query failed: canceling statement due to statement timeout`,
      `2026-11-01T01:14:31.768Z  ${child(5)}- tiles-z12-0211 child 5 of 6 failed`,
      "",
    ],
  ]);
  const insights = await run(example(SEARCH, "A regular expression, with a Logs Insights query"));
  expect(insights.code).toBe(0);
  expect(
    insights.out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l).jobId),
  ).toEqual(["3e31c0a1-903b-4819-a975-74f72aa508bf:3", "3e31c0a1-903b-4819-a975-74f72aa508bf:5"]);
});

test("the archive examples print what CloudWatch Logs has: the same lines, the same matches", async () => {
  const args = example(LOGS, "The same lines as CloudWatch Logs has");
  const archived = await run(args);
  const cloudwatch = await run([
    ...args.filter((a, i) => a !== "--source" && args[i - 1] !== "--source"),
    "--source",
    "cloudwatch",
  ]);
  expect(archived.code).toBe(0);
  expect(archived.out.split("\n")).toHaveLength(cloudwatch.out.split("\n").length);
  expect(archived.out).toBe(cloudwatch.out);
  expect(archived.out.split("\n")[0]).toBe(
    "[align.sh] align-tumor-0054: sample NA43685 (AWS_BATCH_JOB_ID=2260c43a-ea1b-4721-ac9f-8ae0c3a8f82f, attempt 3 of 3)",
  );

  const search = await run(example(SEARCH, "The same search in the stack's S3 archive"));
  const oom = await run(example(SEARCH, "Which jobs of the sample ran out of memory"));
  expect(search.code).toBe(0);
  expect(search.out).toBe(oom.out);
  expect(search.err.trimEnd().split("\n").pop()).toMatch(
    /^search: 4 matching lines in \d+ jobs?; searched \d+ of \d+ streams of \d+ jobs in the archive \(\d+ LIST requests, \d+ GET requests, [\d.]+ KB read\)\.$/,
  );
});

test("ui: a stream CloudWatch Logs no longer has is read from the archive, the same lines", async () => {
  // Prepare: the local log store aside (as if retention had expired every stream), the view up.
  const expected = (await run(["logs", SAMPLE.retriedJob, "--db", SAMPLE_DB])).out;
  const store = join(cwd, SAMPLE_DB, "logs.jsonl");
  renameSync(store, `${store}.aside`);
  const stop = new AbortController();
  let served: Promise<number> | undefined;
  try {
    const url = await new Promise<string>((resolve) => {
      served = command(uiCommand)(
        ["--db", SAMPLE_DB],
        recordingIO({ cwd, env: { AWS_REGION: "us-east-1" } }),
        { stop: stop.signal, onListening: resolve } as uiCommand.UiDeps,
      );
    });
    const token = new URL(url).searchParams.get("token") as string;
    // Act
    const answer = await fetch(
      `${new URL(url).origin}/api/logs?job=${SAMPLE.retriedJob}&stream=2`,
      { headers: { cookie: `batch_job_log_token=${token}` } },
    );
    const page = (await answer.json()) as { events: { m: string }[]; source: string; token: null };
    // Assess
    expect([answer.status, page.source, page.token]).toEqual([200, "archive", null]);
    expect(page.events.map((e) => e.m).join("\n") + "\n").toBe(expected);
  } finally {
    stop.abort();
    await served;
    renameSync(`${store}.aside`, store);
  }
});

test("logs without the local log store: says the store has no stream, and how to make it", async () => {
  const store = join(cwd, ".sample-db", "logs.jsonl");
  renameSync(store, `${store}.aside`);
  try {
    // CloudWatch Logs only: --source auto would read the archive.
    const r = await run([
      "logs",
      "2260c43a-ea1b-4721-ac9f-8ae0c3a8f82f",
      "--db",
      ".sample-db",
      "--source",
      "cloudwatch",
    ]);
    expect([r.code, r.out, r.err.split("\n")[1]]).toEqual([
      1,
      "",
      "batch-job-log logs: the local log store .sample-db/logs.jsonl does not exist, so it has no " +
        "log stream genomics-align/default/50da15db2a5df83f107f3f32cb987069 in log group /aws/batch/job " +
        "(us-east-1); `batch-job-log replay --db .sample-db` of the shipped sample writes it.",
    ]);
  } finally {
    renameSync(`${store}.aside`, store);
  }
});

test("a lookup on a folder that holds no table, and on one that does not exist", async () => {
  const missing = await run(["show", "x", "--db", "nowhere"]);
  expect([missing.code, missing.err]).toEqual([
    2,
    "batch-job-log show: --db nowhere: no such folder; `batch-job-log replay --db nowhere` makes it.\n",
  ]);
  const otherTable = await run([
    "find",
    "x",
    "--db",
    ".sample-db",
    "--table",
    "batch-job-log-prod",
  ]);
  expect([otherTable.code, otherTable.err]).toEqual([
    1,
    "batch-job-log find: --db .sample-db holds no table batch-job-log-prod; it holds batch-job-log-dev: pass --table NAME.\n",
  ]);
});
