/**
 * `batch-job-log replay`, called in-process through the CLI's dispatcher with a fake terminal:
 * the shipped sample replayed with the counts the generator's facts imply, the table cut to its
 * telling rows and the next step, the `--json` document, exit statuses, broken events and lines
 * that are not events among good ones, the cap on errors kept, standard input, `--db` kept across
 * runs and read by `show`, idempotence on a shared endpoint, table creation on a given endpoint,
 * and the engine's streaming: per-job order under concurrency, lazy pulling. The program is
 * evaluated once with the default stack config for the whole file (the engine keeps the model),
 * and once more with RUNNING among the statuses.
 *
 * The expected table is computed without the twin: the rule's pattern written out as a predicate,
 * and the handler's source (handleEvent with the record writer, not the serialized __index.js) on
 * a dynalite of its own. The serialized Lambda must agree with its source item for item, and both
 * with the generator's facts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { main } from "../cli/main";
import { writeDrained, type CliIO } from "../cli/io";
import {
  ERRORS_SHOWN,
  formatJobsTable,
  nextStep,
  TABLE_ROWS,
  writeReplayDocument,
} from "../cli/replay-report";
import { InputError } from "../twin/errors";
import { eventHandler } from "../handler";
import {
  createRecordWriter,
  fromItem,
  recordFromEvent,
  tableKeysAndIndexes,
  type JobRecord,
} from "../record";
import { noStreamCause } from "../cli/lookup/streams";
import { generateSampleEvents } from "../samples/generate";
import {
  localClientConfig,
  startLocalDynamo,
  startLocalTable,
  type LocalDynamo,
} from "../twin/dynamo-local";
import { errorLine, openEvents, type InputItem } from "../twin/events-input";
import { MAX_ERRORS_KEPT, startTwin, type Twin } from "../twin/replay-engine";
import { parseConfigOverrides, readStackConfig } from "../twin/stack-config";
import { recordingIO, type RecordingIO } from "./helpers/cli-io";
import { withoutWriteTime } from "./helpers/dynamo";
import { fixture, FIXTURE_NAMES } from "./helpers/fixtures";
import { freshProgramLoader } from "./helpers/program";

const { events: sampleEvents, facts } = generateSampleEvents(1);
const ROOT = path.join(__dirname, "..");

/**
 * A terminal whose PATH has no `pulumi`, so that replay's stack is `dev` on any machine
 * (replay-stack.test.ts covers the stack the Pulumi CLI selects).
 */
function fakeIO(
  cwd = ROOT,
  tty = false,
  env: CliIO["env"] = { PATH: noPulumi },
  stdin?: CliIO["stdin"],
): RecordingIO {
  return recordingIO({ cwd, tty, env, stdin });
}

/** What the deployed rule lets through with the default statuses, written out by hand. */
function ruleMatches(event: object): boolean {
  const {
    source,
    detail,
    "detail-type": detailType,
  } = event as {
    source?: unknown;
    detail?: { status?: unknown };
    "detail-type"?: unknown;
  };
  return (
    source === "aws.batch" &&
    detailType === "Batch Job State Change" &&
    (detail?.status === "SUCCEEDED" || detail?.status === "FAILED")
  );
}

interface Expected {
  summary: Record<string, number>;
  /** Items without recordedAt, sorted by jobId. */
  records: Omit<JobRecord, "recordedAt">[];
}

/** What the handler's source makes of `events` (those the rule matches, in order) on its own table. */
async function sourceReplay(events: readonly object[]): Promise<Expected> {
  const table = await startLocalTable({
    tableInputs: { hashKey: "jobId", attributes: [{ name: "jobId", type: "S" }] },
    tableName: `source-${Math.random().toString(36).slice(2)}`,
  });
  try {
    const deps = {
      writer: createRecordWriter(table.tableName, table.documents),
      now: () => new Date(0),
      log: () => {},
    };
    const summary = {
      read: 0,
      invalid: 0,
      matched: 0,
      skipped: 0,
      refused: 0,
      recorded: 0,
      unchanged: 0,
      failed: 0,
    };
    for (const event of events) {
      summary.read++;
      if (!ruleMatches(event)) {
        summary.skipped++;
        continue;
      }
      summary.matched++;
      try {
        summary[(await eventHandler(deps)(event)).outcome]++;
      } catch {
        summary.failed++;
      }
    }
    const records = withoutRecordedAt((await table.items()).map((item) => fromItem(item)));
    return { summary, records };
  } finally {
    await table.close();
  }
}

function withoutRecordedAt(records: readonly object[]): Expected["records"] {
  return records.map(withoutWriteTime) as unknown as Expected["records"];
}

/** `records` sorted by jobId: --json lists them in the table's scan order. */
function byJobId(records: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...records].sort((a, b) => (String(a.jobId) < String(b.jobId) ? -1 : 1));
}

interface ReplayDocument {
  summary: Record<string, number>;
  records: Record<string, unknown>[];
  errors: { source: string; eventId?: string; message: string }[];
}

async function replayJson(
  args: string[],
  io = fakeIO(),
): Promise<{ status: number; doc: ReplayDocument }> {
  const status = await main(["replay", "--json", ...args], io);
  return { status, doc: JSON.parse(io.out()) as ReplayDocument };
}

let tmp: string;
/** A folder without `pulumi`: the PATH of fakeIO. */
let noPulumi: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "replay-test-"));
  noPulumi = fs.mkdtempSync(path.join(tmp, "no-pulumi-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let expected: Expected;
beforeAll(async () => {
  expected = await sourceReplay(sampleEvents);
});

describe("the expected sample table", () => {
  it("agrees with the generator's facts: every event read, every job recorded once, with its final status", () => {
    expect(expected.summary.read).toBe(facts.events);
    // Every job but those still running when the sample ends (the stack records final states).
    const ended = facts.jobs - facts.jobsByKind["still-running"];
    expect(expected.records).toHaveLength(ended);
    const byStatus = { SUCCEEDED: 0, FAILED: 0 };
    for (const r of expected.records) byStatus[r.status as "SUCCEEDED" | "FAILED"]++;
    expect(byStatus).toEqual(facts.terminalByStatus);
    // Skipped: the 9 events of other sources or detail-types, plus every non-terminal state change.
    const nonTerminal = sampleEvents.filter(
      (e) =>
        e.source === "aws.batch" &&
        e["detail-type"] === "Batch Job State Change" &&
        !ruleMatches(e),
    ).length;
    expect(expected.summary.skipped).toBe(facts.skippable + nonTerminal);
    expect(expected.summary.failed).toBe(0);
    expect(expected.summary.recorded + expected.summary.unchanged).toBe(expected.summary.matched);
    expect(expected.summary.recorded).toBeGreaterThanOrEqual(ended);
  });
});

/** What sets a job's row apart in a cut table: its status, and where its logs are. */
function kindOf(r: JobRecord): string {
  if (r.logStreamName === undefined) return `${r.status} ${noStreamCause(r).kind}`;
  const where =
    r.arrayIndex !== undefined ? "child" : r.nodeIndex !== undefined ? "node" : "stream";
  return `${r.status} ${where}`;
}

/** The job the next-step line names: the failed plain job with a stream of smallest id. */
function firstFailedWithStream(records: readonly Omit<JobRecord, "recordedAt">[]): string {
  return records
    .filter((r) => kindOf(r as JobRecord) === "FAILED stream")
    .map((r) => r.jobId)
    .sort()[0];
}

describe("replay of the shipped sample", () => {
  let io: RecordingIO;
  let status: number;
  beforeAll(async () => {
    io = fakeIO();
    status = await main(["replay"], io);
  });

  it("prints the table cut to the failed jobs first and a few of each kind, then the summary and the next step", () => {
    expect([status, io.err()]).toEqual([0, ""]);
    const lines = io.out().split("\n");
    expect(lines[0]).toBe(
      `${expected.records.length} jobs in the table; the failed first, then a few of each kind:`,
    );
    expect(lines[1]).toMatch(/^JOB ID +STATUS +EXIT +LOG GROUP +REGION +LOG STREAM$/);
    const rows = lines.slice(2, 2 + TABLE_ROWS);
    const shown = rows.map((row) => {
      const record = expected.records.find((r) => row.startsWith(`${r.jobId} `));
      if (!record) throw new Error(`a row of no job of the table: ${row}`);
      return record;
    });
    // Each row as the full table prints it, the 10 failed ones first.
    expect(rows).toEqual(
      formatJobsTable(shown as JobRecord[])
        .split("\n")
        .slice(1),
    );
    expect(shown.map((r) => r.status === "FAILED")).toEqual(
      Array.from({ length: TABLE_ROWS }, (_, i) => i < 10),
    );
    // Every kind of job in the table has a row.
    const kinds = (records: readonly object[]) =>
      [...new Set(records.map((r) => kindOf(r as JobRecord)))].sort();
    expect(kinds(shown)).toEqual(kinds(expected.records));
    const s = expected.summary;
    const n = (count: number) => count.toLocaleString("en-US").padStart(5);
    expect(lines.slice(2 + TABLE_ROWS)).toEqual([
      `... and ${expected.records.length - TABLE_ROWS} more jobs (--json lists them all)`,
      "",
      "Replayed 1,666 events through the rule and Lambda of stack dev (table batch-job-log-dev on embedded dynalite):",
      `  read                ${n(s.read)}`,
      `  not events          ${n(0)}`,
      `  matched             ${n(s.matched)}`,
      `  skipped by the rule ${n(s.skipped)}`,
      `  recorded            ${n(s.recorded)}`,
      `  unchanged           ${n(s.unchanged)}`,
      `  failed              ${n(0)}`,
      "next: replay with --db DIR to keep the table, then batch-job-log show " +
        `${firstFailedWithStream(expected.records)} --db DIR   (why it failed and where its logs are)`,
      "",
    ]);
  });

  it("--json prints one document: the summary, every item of the table, no errors", async () => {
    const json = fakeIO(ROOT, true);
    const before = Date.now();
    const { status, doc } = await replayJson([], json);
    const after = Date.now();
    expect(status).toBe(0);
    expect(Object.keys(doc)).toEqual(["summary", "records", "errors"]);
    expect(doc.summary).toEqual(expected.summary);
    expect(withoutRecordedAt(byJobId(doc.records))).toEqual(expected.records);
    for (const r of doc.records) {
      expect(r.recordedAt).toBeGreaterThanOrEqual(before);
      expect(r.recordedAt).toBeLessThanOrEqual(after);
    }
    expect(doc.errors).toEqual([]);
    // On a terminal, the progress bar of the bytes read went to stderr, cleared at the end.
    const mb = (fs.statSync(path.join(ROOT, "samples", "events.jsonl")).size / 1e6).toFixed(1);
    expect(json.err()).toContain(`] ${mb}/${mb} MB`);
    expect(json.err().endsWith("\r\x1b[K")).toBe(true);
  });
});

describe("the jobs table", () => {
  it("explains, for each job without a stream, why: other log driver, array parent, EKS, never ran", () => {
    const table = formatJobsTable(expected.records as JobRecord[]).split("\n");
    const rowOf = (jobId: string) => table.find((line) => line.startsWith(jobId + " "));
    const noStream = expected.records.filter((r) => r.logStreamName === undefined);
    const drivers = noStream.filter((r) => r.logDriver !== undefined);
    const arrayParents = noStream.filter((r) => r.arraySize !== undefined);
    const eks = noStream.filter((r) => r.platform === "EKS");
    expect(drivers).toHaveLength(facts.jobsByKind["non-awslogs-driver"]);
    expect(arrayParents).toHaveLength(facts.jobsByKind["array-parent"]);
    expect(eks).toHaveLength(facts.jobsByKind.eks);
    for (const r of drivers)
      expect(rowOf(r.jobId)).toContain(`(no CloudWatch stream: it logs with ${r.logDriver})`);
    for (const r of arrayParents) {
      expect(rowOf(r.jobId)).toContain(
        `(array parent of ${r.arraySize} children: they have the logs)`,
      );
    }
    for (const r of eks) {
      const last = r.attempts[r.attempts.length - 1];
      expect(rowOf(r.jobId)).toContain(
        `(EKS, no CloudWatch stream: pod ${last.podName} on ${last.nodeName})`,
      );
    }
    const neverRan = noStream.filter(
      (r) => ![...drivers, ...arrayParents, ...eks].includes(r) && r.numNodes === undefined,
    );
    expect(neverRan).toHaveLength(
      facts.jobsByKind["cancelled-in-queue"] + facts.jobsByKind["image-pull-failure"],
    );
    for (const r of neverRan) {
      expect(rowOf(r.jobId)).toContain(
        `(never ran: ${[r.statusReason, r.reason].filter(Boolean).join(": ")})`,
      );
    }
  });
});

describe("the next step", () => {
  // Records reduced to what the next step reads.
  const rows = [
    { jobId: "ok-1", status: "SUCCEEDED", logStreamName: "s/1" },
    { jobId: "failed-1", status: "FAILED" },
    { jobId: "failed-2", status: "FAILED", logStreamName: "s/2" },
  ] as JobRecord[];

  it("shows a failed job with a stream, else a failed one, else one with a stream, with the flags that reach the table", () => {
    expect(
      nextStep(rows, { kind: "endpoint", endpoint: "http://localhost:8000", table: "t" }),
    ).toBe(
      "next: batch-job-log show failed-2 --endpoint http://localhost:8000 --table t   (why it failed and where its logs are)",
    );
    expect(
      nextStep(rows.slice(0, 2), { kind: "db", dir: "my db", table: "batch-job-log-prod" }),
    ).toBe(
      "next: batch-job-log show failed-1 --db 'my db' --table batch-job-log-prod   (why it failed and where its logs are)",
    );
    expect(nextStep(rows.slice(0, 1), { kind: "db", dir: ".sample-db" })).toBe(
      "next: batch-job-log show ok-1 --db .sample-db   (where its logs are)",
    );
    expect(nextStep([], { kind: "gone" })).toBeUndefined();
  });
});

describe("the --json document, written as the table is read", () => {
  const summary = {
    read: 2,
    invalid: 0,
    matched: 2,
    skipped: 0,
    refused: 0,
    recorded: 2,
    unchanged: 0,
    failed: 0,
  };
  async function* pages(list: Record<string, unknown>[][]) {
    yield* list as unknown as JobRecord[][];
  }

  it("is the text JSON.stringify(document, null, 2) gives, empty pages and all", async () => {
    const records = [{ jobId: "a", attempts: [{ n: 1 }], empty: [] }, { jobId: "b" }];
    const errors = [{ source: "x.jsonl:2", message: "invalid JSON: nope" }];
    const cases: [Record<string, unknown>[][], Record<string, unknown>[]][] = [
      [[[], [records[0]], [], [records[1]]], records],
      [[[]], []],
    ];
    for (const [list, recordsOut] of cases) {
      let text = "";
      const out = { write: (t: string) => (text += t) };
      await writeReplayDocument(out, summary, errors, pages(list));
      expect(text).toBe(JSON.stringify({ summary, records: recordsOut, errors }, null, 2) + "\n");
    }
  });

  it("waits for a full pipe to drain before writing on", async () => {
    const written: string[] = [];
    const drains: (() => void)[] = [];
    const pipe = {
      write: (t: string) => {
        written.push(t);
        return false;
      },
      once: (_event: string, listener: () => void) => drains.push(listener),
    };
    const writing = writeDrained(pipe, "first");
    let done = false;
    void writing.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect([written, done]).toEqual([["first"], false]);
    drains[0]();
    await writing;
    expect(done).toBe(true);
  });
});

describe("exit statuses and usage errors", () => {
  it("2 for an unknown flag, naming it, on one line", async () => {
    const io = fakeIO();
    expect(await main(["replay", "--frobnicate"], io)).toBe(2);
    expect(io.err()).toBe(
      "batch-job-log: unknown option --frobnicate for replay (see batch-job-log replay --help)\n",
    );
    expect(io.out()).toBe("");
  });

  it("2 for a flag without its value, or with an invalid one, on one line", async () => {
    const cases: [string[], string][] = [
      [["--endpoint"], "--endpoint for replay needs a value"],
      [
        ["--endpoint-url", "localhost:8000"],
        '--endpoint-url for replay must be an http:// or https:// URL, got "localhost:8000"',
      ],
      [
        ["--table", "t"],
        '--table for replay must be a DynamoDB table name: 3 to 255 letters, digits, "_", "-" or ".", got "t"',
      ],
      [["--region", "US"], '--region for replay must be a region such as us-east-1, got "US"'],
      [["--profile", "p"], "--profile for replay needs --endpoint-url"],
      [
        ["--db", "d", "--endpoint", "http://127.0.0.1:1"],
        "--db for replay cannot be combined with --endpoint",
      ],
    ];
    for (const [args, message] of cases) {
      const io = fakeIO();
      expect(await main(["replay", ...args], io)).toBe(2);
      expect(io.err()).toBe(`batch-job-log: ${message}\n`);
    }
  });

  it("2 for a path that does not exist, naming it", async () => {
    const io = fakeIO(tmp);
    expect(await main(["replay", "missing.jsonl"], io)).toBe(2);
    expect(io.err()).toBe("batch-job-log replay: missing.jsonl: no such file or folder.\n");
  });

  it("2 for a file that is not .json or .jsonl", async () => {
    fs.writeFileSync(path.join(tmp, "notes.txt"), "{}");
    const io = fakeIO(tmp);
    expect(await main(["replay", "notes.txt"], io)).toBe(2);
    expect(io.err()).toBe(
      "batch-job-log replay: notes.txt: not a .json or .jsonl file of events.\n",
    );
  });

  it("2 for - without a standard input, or given twice, and for --db with --endpoint", async () => {
    for (const [args, stdin, message] of [
      [["-"], undefined, "batch-job-log replay: -: there is no standard input to read."],
      [["-", "-"], emptyStdin(), "batch-job-log replay: -: standard input can be read only once."],
      [
        ["--db", "db", "--endpoint", "http://127.0.0.1:9"],
        undefined,
        "batch-job-log: --db for replay cannot be combined with --endpoint",
      ],
    ] as const) {
      const io = fakeIO(tmp, false, { PATH: noPulumi }, stdin);
      expect(await main(["replay", ...args], io)).toBe(2);
      expect(io.err()).toBe(`${message}\n`);
    }
  });

  it("2 for a .json file too large to parse whole, saying to write JSON Lines", async () => {
    const huge = path.join(tmp, "huge.json");
    fs.writeFileSync(huge, "");
    fs.truncateSync(huge, 300_000_000); // sparse: nothing is written
    const io = fakeIO(tmp);
    expect(await main(["replay", "huge.json"], io)).toBe(2);
    expect(io.err()).toBe(
      "batch-job-log replay: huge.json: 300 MB; a .json file is parsed whole, up to 250 MB: " +
        "write it as JSON Lines (.jsonl, one event per line), e.g. jq -c '.[]' huge.json > events.jsonl\n",
    );
  });

  it("2 for --db naming a file, or a folder of other files", async () => {
    fs.writeFileSync(path.join(tmp, "notes.txt"), "{}");
    fs.mkdirSync(path.join(tmp, "papers"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "papers", "notes.txt"), "mine");
    for (const [dir, message] of [
      ["notes.txt", "--db notes.txt: not a folder."],
      [
        "papers",
        "--db papers: the folder holds other files; give a new or empty folder, or one that " +
          "`batch-job-log replay --db` made.",
      ],
    ]) {
      const io = fakeIO(tmp);
      expect(await main(["replay", "--db", dir], io)).toBe(2);
      expect(io.err()).toBe(`batch-job-log replay: ${message}\n`);
    }
  });

  it("2 for a --stack without its Pulumi.<stack>.yaml", async () => {
    const io = fakeIO();
    expect(await main(["replay", "--stack", "nosuchstack"], io)).toBe(2);
    expect(io.err()).toBe(
      "batch-job-log replay: --stack nosuchstack: there is no Pulumi.nosuchstack.yaml.\n",
    );
  });

  it("without --stack, dev when pulumi is not on the PATH or has no stack selected", async () => {
    const events = path.join("__tests__", "fixtures", "events", "ec2-single.json");
    const title =
      "Replayed 4 events through the rule and Lambda of stack dev " +
      "(table batch-job-log-dev on embedded dynalite):";
    const titleOf = (out: string) => out.split("\n").find((l) => l.startsWith("Replayed "));
    const missing = fakeIO();
    expect(await main(["replay", events], missing)).toBe(0);
    expect(titleOf(missing.out())).toBe(title);

    const bin = fs.mkdtempSync(path.join(tmp, "pulumi-"));
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      "#!/bin/sh\necho 'error: no stack selected' >&2\nexit 255\n",
    );
    fs.chmodSync(path.join(bin, "pulumi"), 0o755);
    const failing = fakeIO(ROOT, false, { PATH: bin });
    expect(await main(["replay", events], failing)).toBe(0);
    expect([titleOf(failing.out()), failing.err()]).toEqual([title, ""]);
  });

  it("--help prints the options, then the examples, and exits 0", async () => {
    const io = fakeIO();
    expect(await main(["replay", "--help"], io)).toBe(0);
    const names = io
      .out()
      .split("\n")
      .filter((l) => /^ {2}-/.test(l))
      .map((l) => l.trim().split(/ {2,}/)[0]);
    expect(names).toEqual([
      "--json",
      "--table NAME",
      "--db DIR",
      "--stack NAME",
      "--config key=value",
      "--account ACCOUNT",
      "--org ACCOUNT=ORG",
      "-h, --help",
      "--profile NAME",
      "--region REGION",
      "--endpoint-url, --endpoint URL",
    ]);
    expect(io.out()).toContain(
      "\nExamples:\n  # Replay the shipped sample and keep its table in .sample-db",
    );
  });
});

/** A standard input that ends at once. */
function emptyStdin(): CliIO["stdin"] {
  return Readable.from([]);
}

/** The sources of the items `openEvents` reads from `paths`. */
async function sourcesOf(paths: string[], cwd: string): Promise<string[]> {
  const sources: string[] = [];
  for await (const item of openEvents(paths, cwd).items()) sources.push(item.source);
  return sources;
}

/** What V8 says of `text` as JSON, on one line as replay reports it. */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return `invalid JSON: ${(error as Error).message.replace(/\s*\n\s*/g, " ")}`;
  }
  throw new Error(`${text} is valid JSON`);
}

/** The first terminal events of the sample's first three jobs. */
const good = sampleEvents
  .filter(ruleMatches)
  .filter((e, i, all) => all.findIndex((o) => o.detail.jobId === e.detail.jobId) === i)
  .slice(0, 3);

describe("broken events and input that is not events, among good ones", () => {
  // Three terminal events of three jobs, and between them one the handler must reject.
  const broken = {
    ...good[0],
    id: "broken-0001",
    detail: { ...good[0].detail, attempts: "not a list" },
  };
  const brokenMessage = (() => {
    try {
      recordFromEvent(broken, { now: new Date(0) });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("the broken event was accepted");
  })();

  it("records the good ones, reports the broken one by file and line, exits 1 (.jsonl)", async () => {
    const file = path.join(tmp, "mixed.jsonl");
    fs.writeFileSync(
      file,
      [good[0], good[1], broken, good[2]].map((e) => JSON.stringify(e)).join("\n") + "\n",
    );
    const { status, doc } = await replayJson(["mixed.jsonl"], fakeIO(tmp));
    expect(status).toBe(1);
    expect(brokenMessage).toBe(
      'Invalid Batch event broken-0001: "detail.attempts" must be an array, got "not a list"',
    );
    expect(doc.errors).toEqual([
      { source: "mixed.jsonl:3", eventId: "broken-0001", message: brokenMessage },
    ]);
    expect(doc.summary).toEqual({
      read: 4,
      invalid: 0,
      matched: 4,
      skipped: 0,
      refused: 0,
      recorded: 3,
      unchanged: 0,
      failed: 1,
    });
    expect(withoutRecordedAt(byJobId(doc.records))).toEqual((await sourceReplay(good)).records);
  });

  it("reports a line that is not JSON and one that is not an object by file:line, records the rest, exits 1", async () => {
    const notJson = '{"id": "x", "detail": }';
    // Over 1 MB, across the 1 MB chunks files are read in: reported without being held.
    const long = `{"id": "${"x".repeat(1_500_000)}"}`;
    const lines = [good[0], notJson, good[1], "42", "", long, good[2]];
    fs.writeFileSync(
      path.join(tmp, "lines.jsonl"),
      lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\r\n") + "\r\n",
    );
    const { status, doc } = await replayJson(["lines.jsonl"], fakeIO(tmp));
    expect(status).toBe(1);
    expect(doc.errors).toEqual([
      { source: "lines.jsonl:2", message: jsonError(notJson) },
      { source: "lines.jsonl:4", message: "expected an event (a JSON object), got a number." },
      {
        source: "lines.jsonl:6",
        message: "a line of over 1 MB, not an event (EventBridge events are at most 256 KB).",
      },
    ]);
    expect(doc.summary).toEqual({
      read: 6,
      invalid: 3,
      matched: 3,
      skipped: 0,
      refused: 0,
      recorded: 3,
      unchanged: 0,
      failed: 0,
    });
    expect(withoutRecordedAt(byJobId(doc.records))).toEqual((await sourceReplay(good)).records);
  });

  it("reports a .json file that is not JSON at the line of the error, on one line, and replays the other files", async () => {
    const text = JSON.stringify([good[0], good[1]], null, 2).split("\n");
    const broken = text.findIndex((l) => l.includes('"account"'));
    text[broken] = text[broken].replace('"account":', '"account"');
    fs.writeFileSync(path.join(tmp, "invalid.json"), text.join("\n"));
    fs.writeFileSync(path.join(tmp, "short.json"), '[\n  {\n    "id": }\n]\n');
    fs.writeFileSync(path.join(tmp, "good.json"), JSON.stringify(good[2]));
    const io = fakeIO(tmp);
    expect(await main(["replay", "invalid.json", "short.json", "good.json"], io)).toBe(1);
    expect(io.err()).toBe(
      [
        "2 inputs are not events:",
        `  invalid.json:${broken + 1}  ${jsonError(text.join("\n"))}`,
        `  short.json:3  ${jsonError('[\n  {\n    "id": }\n]\n')}`,
        "",
        "",
      ].join("\n"),
    );
    expect(io.err()).toContain(`Unexpected token '}', "[ { "id": } ]`);
    expect(io.out()).toContain("1 job in the table:\n");
    // Events: not the two inputs that are not.
    expect(io.out()).toContain("\nReplayed 1 event through the rule and Lambda of stack dev ");
    expect(io.out()).toContain("  not events          2\n");
  });

  it("reports an array element by file#index (.json), and lists failures on stderr in human output", async () => {
    fs.writeFileSync(
      path.join(tmp, "mixed.json"),
      JSON.stringify([good[0], broken, good[1]], null, 2),
    );
    const io = fakeIO(tmp);
    expect(await main(["replay", "mixed.json"], io)).toBe(1);
    expect(io.err()).toBe(
      `1 event failed:\n  mixed.json#1  event broken-0001: ${brokenMessage}\n\n`,
    );
    expect(io.out()).toContain("  failed              1\n");
    expect(io.out()).toContain("2 jobs in the table:");
  });

  it("reads folders recursively, .json and .jsonl, in name order", async () => {
    const dir = path.join(tmp, "folder");
    fs.mkdirSync(path.join(dir, "b"), { recursive: true });
    fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify(good[0]));
    fs.writeFileSync(
      path.join(dir, "b", "c.jsonl"),
      `${JSON.stringify(good[1])}\n\n${JSON.stringify(good[2])}\n`,
    );
    fs.writeFileSync(path.join(dir, "b", "ignored.txt"), "not events");
    expect(await sourcesOf(["folder"], tmp)).toEqual([
      path.join("folder", "a.json"),
      `${path.join("folder", "b", "c.jsonl")}:1`,
      `${path.join("folder", "b", "c.jsonl")}:3`,
    ]);
    const { status, doc } = await replayJson(["folder"], fakeIO(tmp));
    expect(status).toBe(0);
    expect(withoutRecordedAt(byJobId(doc.records))).toEqual((await sourceReplay(good)).records);
  });

  describe("keeps the first errors and the count of the others", () => {
    // A failing event, then 1,200 lines that are not JSON, then a good event.
    const bad = Array.from({ length: 1200 }, (_, i) => `not json ${i}`);
    beforeAll(() => {
      fs.writeFileSync(
        path.join(tmp, "many.jsonl"),
        [JSON.stringify(broken), ...bad, JSON.stringify(good[0])].join("\n") + "\n",
      );
    });

    it(`--json lists the first ${MAX_ERRORS_KEPT}, in input order; the summary counts them all`, async () => {
      const { status, doc } = await replayJson(["many.jsonl"], fakeIO(tmp));
      expect(status).toBe(1);
      expect(doc.summary).toEqual({
        read: 1202,
        invalid: 1200,
        matched: 2,
        skipped: 0,
        refused: 0,
        recorded: 1,
        unchanged: 0,
        failed: 1,
      });
      expect(doc.errors).toEqual([
        { source: "many.jsonl:1", eventId: "broken-0001", message: brokenMessage },
        ...bad
          .slice(0, MAX_ERRORS_KEPT - 1)
          .map((line, i) => ({ source: `many.jsonl:${i + 2}`, message: jsonError(line) })),
      ]);
    });

    it(`the human output lists the first ${ERRORS_SHOWN} and says how many more`, async () => {
      const io = fakeIO(tmp);
      expect(await main(["replay", "many.jsonl"], io)).toBe(1);
      expect(io.err()).toBe(
        [
          "1 event failed and 1,200 inputs are not events:",
          `  many.jsonl:1  event broken-0001: ${brokenMessage}`,
          ...bad
            .slice(0, ERRORS_SHOWN - 1)
            .map((line, i) => `  many.jsonl:${i + 2}  ${jsonError(line)}`),
          "  ... and 1,181 more (--json lists the first 1,000)",
          "",
          "",
        ].join("\n"),
      );
    });
  });

  it("reads JSON Lines from standard input (-), whatever the chunks cut, sources stdin:LINE", async () => {
    // A multi-byte character, cut by the chunks like every line.
    const events = [
      good[0],
      { ...good[1], detail: { ...good[1].detail, statusReason: "arrêté ✓" } },
    ];
    const text = `${JSON.stringify(events[0])}\n${JSON.stringify(events[1])}\nnope\n`;
    const bytes = Buffer.from(text, "utf8");
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
      bytes.subarray(i * 7, i * 7 + 7),
    );
    const io = fakeIO(tmp, true, { PATH: noPulumi }, Readable.from(chunks));
    const { status, doc } = await replayJson(["-"], io);
    expect(status).toBe(1);
    // Of unknown size: the progress bar counts the events read.
    expect(io.err()).toMatch(/^\rreplaying: 1 event read\x1b\[K/);
    expect(io.err().endsWith("\r\x1b[K")).toBe(true);
    expect(doc.errors).toEqual([{ source: "stdin:3", message: jsonError("nope") }]);
    expect(doc.summary).toMatchObject({ read: 3, invalid: 1, matched: 2, recorded: 2 });
    expect(withoutRecordedAt(byJobId(doc.records))).toEqual((await sourceReplay(events)).records);
  });
});

/** three.jsonl in the test's folder: the three good events. */
function writeThree(): void {
  fs.writeFileSync(
    path.join(tmp, "three.jsonl"),
    good.map((e) => JSON.stringify(e)).join("\n") + "\n",
  );
}

describe("--db DIR: the table kept in a folder, read by the lookups", () => {
  beforeAll(() => writeThree());

  it("replays into DIR and says to `show` a failed job with --db DIR; show finds it there; a second replay adds to the same table", async () => {
    const { records } = await sourceReplay(good);
    // The one failed job of the three: the job the next step names.
    const failed = String(good[1].detail.jobId);
    expect(records.filter((r) => r.status === "FAILED").map((r) => r.jobId)).toEqual([failed]);

    const first = fakeIO(tmp);
    expect(await main(["replay", "three.jsonl", "--db", "kept"], first)).toBe(0);
    expect(first.out()).toBe(
      [
        "3 jobs in the table:",
        formatJobsTable(records as JobRecord[]),
        "",
        "Replayed 3 events through the rule and Lambda of stack dev (table batch-job-log-dev on embedded dynalite, kept in kept):",
        "  read                3",
        "  not events          0",
        "  matched             3",
        "  skipped by the rule 0",
        "  recorded            3",
        "  unchanged           0",
        "  failed              0",
        `next: batch-job-log show ${failed} --db kept   (why it failed and where its logs are)`,
        "",
      ].join("\n"),
    );

    const show = fakeIO(tmp);
    expect(await main(["show", failed, "--db", "kept", "--json"], show)).toBe(0);
    expect(show.err()).toBe("");
    expect(JSON.parse(show.out())).toMatchObject(records.find((r) => r.jobId === failed) ?? {});

    const second = await replayJson(["three.jsonl", "--db", "kept"], fakeIO(tmp));
    expect(second.status).toBe(0);
    expect(second.doc.summary).toEqual({
      read: 3,
      invalid: 0,
      matched: 3,
      skipped: 0,
      refused: 0,
      recorded: 0,
      unchanged: 3,
      failed: 0,
    });
  });

  it("a lookup's --db names the folder when it is no table folder, and the tables it holds when the table is not one", async () => {
    const missing = fakeIO(tmp);
    expect(await main(["show", "job-1", "--db", "nowhere"], missing)).toBe(2);
    expect(missing.err()).toBe(
      "batch-job-log show: --db nowhere: no such folder; `batch-job-log replay --db nowhere` makes it.\n",
    );
    const other = fakeIO(tmp);
    expect(await main(["find", "etl", "--db", "kept", "--table", "other"], other)).toBe(1);
    expect(other.err()).toBe(
      "batch-job-log find: --db kept holds no table other; it holds batch-job-log-dev: pass --table NAME.\n",
    );
  });
});

describe("--db DIR has one writer at a time", () => {
  beforeAll(() => writeThree());
  const lockOf = (dir: string) => path.join(tmp, dir, "replay.lock");
  /** A process that is alive while the test runs (this test runner's parent would do too). */
  const livePid = process.ppid;
  /** A process id no process has: the highest possible, never handed out on Linux. */
  const deadPid = 4194304;

  it("refuses a second replay, and a lookup, while a live replay holds the folder", async () => {
    // Prepare: a table folder whose lock a running process holds.
    expect(await main(["replay", "three.jsonl", "--db", "locked"], fakeIO(tmp))).toBe(0);
    expect(fs.existsSync(lockOf("locked"))).toBe(false);
    fs.writeFileSync(lockOf("locked"), `${livePid}\n`);
    const dir = path.join(tmp, "locked");
    // Act
    const replay = fakeIO(tmp);
    const show = fakeIO(tmp);
    const replayStatus = await main(["replay", "three.jsonl", "--db", "locked"], replay);
    const showStatus = await main(["show", "job-1", "--db", "locked"], show);
    // Assess: both refused at once, naming the folder and the writer; the lock is left as it was.
    expect([replayStatus, showStatus]).toEqual([2, 2]);
    const message = (command: string, doing: string) =>
      `batch-job-log ${command}: --db locked: batch-job-log replay (process ${livePid}) is writing ` +
      `${dir}; ${doing} once it has finished (it holds ${path.join(dir, "replay.lock")}).\n`;
    expect(replay.err()).toBe(message("replay", "replay into it"));
    expect(show.err()).toBe(message("show", "look it up"));
    expect(fs.readFileSync(lockOf("locked"), "utf8")).toBe(`${livePid}\n`);
  });

  it("takes over the lock of a replay that died (kill -9), says so, and releases it when done", async () => {
    // Prepare
    expect(await main(["replay", "three.jsonl", "--db", "stale"], fakeIO(tmp))).toBe(0);
    fs.writeFileSync(lockOf("stale"), `${deadPid}\n`);
    // Act
    const again = await replayJson(["three.jsonl", "--db", "stale"], fakeIO(tmp));
    // Assess: the table is complete (each job once) and the lock gone.
    expect(again.status).toBe(0);
    expect(again.doc.summary).toMatchObject({ read: 3, recorded: 0, unchanged: 3, failed: 0 });
    expect(fs.existsSync(lockOf("stale"))).toBe(false);
  });

  it("tells of the stale lock it takes over on standard error", async () => {
    fs.mkdirSync(path.join(tmp, "fresh-stale"));
    fs.writeFileSync(lockOf("fresh-stale"), `${deadPid}\n`);
    const io = fakeIO(tmp);
    expect(await main(["replay", "three.jsonl", "--db", "fresh-stale"], io)).toBe(0);
    expect(io.err()).toContain(
      `--db fresh-stale: a replay (process ${deadPid}) stopped before it finished; replaying ` +
        "again completes the table (each job is written once, whatever came before).\n",
    );
    expect(fs.existsSync(lockOf("fresh-stale"))).toBe(false);
  });
});

describe("--endpoint and --table: a DynamoDB shared across runs", () => {
  /** Every job kind's fixture, one job each; those the default rule records end terminal. */
  const FIXTURES = path.join("__tests__", "fixtures", "events");
  const FIXTURE_TERMINAL_JOBS = FIXTURE_NAMES.filter((name) =>
    fixture(name).some((e) => ruleMatches(e)),
  ).length;

  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it("creates the missing table from the program's Table inputs", async () => {
    const describe = () =>
      client.send(new DescribeTableCommand({ TableName: "created-by-replay" }));
    await expect(describe()).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    const { status, doc } = await replayJson([
      FIXTURES,
      "--endpoint",
      dynamo.endpoint,
      "--table",
      "created-by-replay",
    ]);
    expect(status).toBe(0);
    expect(doc.summary.recorded).toBe(FIXTURE_TERMINAL_JOBS);
    expect(doc.records).toHaveLength(FIXTURE_TERMINAL_JOBS);
    const table = (await describe()).Table;
    // The table replay creates is the record's schema (record/schema.ts), key for key.
    const schema = tableKeysAndIndexes();
    expect(table?.KeySchema).toEqual([{ AttributeName: schema.hashKey, KeyType: "HASH" }]);
    expect(table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table?.AttributeDefinitions?.map((a) => [a.AttributeName, a.AttributeType])).toEqual(
      schema.attributes.map((a) => [a.name, a.type]),
    );
    const byName = (a: { name?: string }, b: { name?: string }) =>
      String(a.name).localeCompare(String(b.name));
    expect(
      table?.GlobalSecondaryIndexes?.map((g) => ({
        name: g.IndexName,
        keys: g.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`),
        projection: g.Projection,
      })).sort(byName),
    ).toEqual(
      schema.globalSecondaryIndexes
        .map((g) => ({
          name: g.name,
          keys: [`${g.hashKey}:HASH`, `${g.rangeKey}:RANGE`],
          projection: { ProjectionType: g.projectionType, NonKeyAttributes: g.nonKeyAttributes },
        }))
        .sort(byName),
    );
    expect(schema.globalSecondaryIndexes.length).toBeGreaterThan(0);
  });

  it("replaying the same input twice leaves the table unchanged", async () => {
    const args = [FIXTURES, "--endpoint", dynamo.endpoint, "--table", "twice"];
    const first = await replayJson(args);
    expect(first.status).toBe(0);
    expect(first.doc.summary).toMatchObject({ recorded: FIXTURE_TERMINAL_JOBS, unchanged: 0 });
    const second = await replayJson(args);
    expect(second.status).toBe(0);
    expect(second.doc.summary).toEqual({
      ...first.doc.summary,
      recorded: 0,
      unchanged: first.doc.summary.matched,
    });
    // Not one item was rewritten: even recordedAt is the first run's.
    expect(second.doc.records).toEqual(first.doc.records);
  });
});

describe("stack config and inputs, unit by unit", () => {
  it("reads Pulumi.<stack>.yaml as the engine hands config to a program", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "stack-"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.test.yaml"),
      [
        "config:",
        "  aws:region: eu-west-1",
        "  batch-job-log:statuses: [RUNNING, FAILED]",
        "  batch-job-log:retentionDays: 30",
        "  batch-job-log:deletionProtection: false",
      ].join("\n"),
    );
    expect(readStackConfig(dir, "test", true)).toEqual({
      "aws:region": "eu-west-1",
      "batch-job-log:statuses": '["RUNNING","FAILED"]',
      "batch-job-log:retentionDays": "30",
      "batch-job-log:deletionProtection": "false",
    });
    expect(readStackConfig(dir, "dev", false)).toEqual({});
  });

  it("names the file, line and column of invalid YAML, on one line", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "stack-"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.bad.yaml"),
      "config:\n  aws:region: eu-west-1\n   batch-job-log:retentionDays: 30\n",
    );
    expect(() => readStackConfig(dir, "bad", true)).toThrow(
      new InputError("Pulumi.bad.yaml:3:31: bad indentation of a mapping entry."),
    );
  });

  it("refuses a secret, which cannot be decrypted offline", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "stack-"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.s.yaml"),
      "config:\n  batch-job-log:alarmTopicArn:\n    secure: AAABAF==\n",
    );
    expect(() => readStackConfig(dir, "s", true)).toThrow(
      'Pulumi.s.yaml: "batch-job-log:alarmTopicArn" is a secret, which cannot be decrypted offline; ' +
        "pass it with --config batch-job-log:alarmTopicArn=VALUE.",
    );
  });

  it("takes --config key=value with or without the project prefix", () => {
    expect(parseConfigOverrides(['statuses=["FAILED"]', "aws:region=eu-west-1", "x=a=b"])).toEqual({
      "batch-job-log:statuses": '["FAILED"]',
      "aws:region": "eu-west-1",
      "batch-job-log:x": "a=b",
    });
    expect(() => parseConfigOverrides(["novalue"])).toThrow(
      '--config "novalue": expected key=value.',
    );
  });

  it("finds the line of a JSON error wherever JSON.parse does not say", () => {
    expect(errorLine('{\n  "a": 1,\n  "b": }\n')).toBe(3);
    expect(errorLine('[\n  {"a": 1},\n  {"b": 2}\n')).toBe(3);
    expect(errorLine('{\n  "a": "unterminated\n}')).toBe(2);
    expect(errorLine("{}\n{}")).toBe(2);
  });
});

/**
 * An event of the ec2-single fixture in `status`, made the event of job `jobId` with the envelope
 * id `eventId`.
 */
function ec2Event(status: string, jobId: string, eventId: string): Record<string, unknown> {
  const events = fixture("ec2-single");
  const event = events.find((e) => e.detail.status === status);
  if (!event) throw new Error(`ec2-single has no ${status} event`);
  const text = JSON.stringify(event).split(String(event.detail.jobId)).join(jobId);
  return { ...JSON.parse(text), id: eventId };
}

/** Job ids of a series: `0c0c0c0c-0000-4000-8000-<series><n>`. */
function jobIdOf(series: number, n: number): string {
  return `0c0c0c0c-0000-4000-8000-${series.toString(16).padStart(4, "0")}${n.toString(16).padStart(8, "0")}`;
}

describe("the twin under a config with RUNNING among the statuses", () => {
  const statuses = ["RUNNING", "SUCCEEDED", "FAILED"];
  let twin: Twin;
  beforeAll(async () => {
    twin = await startTwin({
      config: { "batch-job-log:statuses": JSON.stringify(statuses) },
      // A second configuration in this process: index.ts is loaded afresh.
      load: freshProgramLoader(),
    });
  });
  afterAll(async () => {
    await twin?.close();
  });

  /** The items of the twin's table whose job id starts with `prefix`. */
  async function itemsOf(prefix: string): Promise<JobRecord[]> {
    return (await twin.items()).filter((r) => String(r.jobId).startsWith(prefix));
  }

  it("takes the rule from the program: the RUNNING events match too", async () => {
    expect(twin.pattern).toEqual({
      source: ["aws.batch"],
      "detail-type": ["Batch Job State Change"],
      detail: { status: statuses },
    });
    const { summary, errors } = await twin.replay(
      openEvents(["samples/events.jsonl"], ROOT).items(),
    );
    const matching = sampleEvents.filter(
      (e) =>
        e.source === "aws.batch" &&
        e["detail-type"] === "Batch Job State Change" &&
        statuses.includes(String(e.detail.status)),
    ).length;
    expect(errors).toEqual([]);
    expect(summary.read).toBe(facts.events);
    expect(summary.matched).toBe(matching);
    expect(summary.matched).toBeGreaterThan(expected.summary.matched);
    expect(summary.skipped).toBe(facts.events - matching);
    // And the 8 jobs still RUNNING when the sample ends (its 9th waits, RUNNABLE).
    expect((await twin.items()).map((r) => r.status).sort()).toEqual(
      [...expected.records.map((r) => r.status), ...Array(8).fill("RUNNING")].sort(),
    );
  });

  it("replays different jobs concurrently with the counts of a one-at-a-time replay: a RUNNING after SUCCEEDED leaves SUCCEEDED", async () => {
    // Per job: RUNNING, SUCCEEDED, then the RUNNING again under a new envelope id (a late
    // delivery). In input order: recorded, recorded, unchanged. (keyed-pool.test.ts shows the
    // order is kept whatever the timing; here, on the real Lambda and dynalite.)
    const jobs = 40;
    const events = (series: number) =>
      Array.from({ length: jobs }, (_, n) => {
        const jobId = jobIdOf(series, n);
        return [
          ec2Event("RUNNING", jobId, `${jobId}-r1`),
          ec2Event("SUCCEEDED", jobId, `${jobId}-s`),
          ec2Event("RUNNING", jobId, `${jobId}-r2`),
        ];
      })
        .flat()
        .map((event, i): InputItem => ({ source: `series-${series}#${i}`, event }));
    const sequential = await twin.replay(events(1), { concurrency: 1 });
    const concurrent = await twin.replay(events(2), { concurrency: 8 });
    const counts = {
      read: 3 * jobs,
      invalid: 0,
      matched: 3 * jobs,
      skipped: 0,
      refused: 0,
      recorded: 2 * jobs,
      unchanged: jobs,
      failed: 0,
    };
    const alone = {
      summary: counts,
      errors: [],
      refusals: [],
      origins: ["123456789012 us-east-1"],
    };
    expect(sequential).toEqual(alone);
    expect(concurrent).toEqual(alone);
    const finalStatuses = (items: JobRecord[]) => items.map((r) => [r.status, r.eventId]);
    expect(finalStatuses(await itemsOf(jobIdOf(2, 0).slice(0, -8)))).toEqual(
      Array.from({ length: jobs }, (_, n) => ["SUCCEEDED", `${jobIdOf(2, n)}-s`]),
    );
  });

  it("pulls a long input lazily: never more than `concurrency` events read ahead of those done", async () => {
    // 4,000 events made as they are pulled: one in 20 a terminal event of a job of its own, the
    // others of another source, which the rule skips.
    const total = 4_000;
    const concurrency = 4;
    let done = 0;
    let aheadMost = 0;
    async function* generated(): AsyncGenerator<InputItem> {
      for (let i = 0; i < total; i++) {
        aheadMost = Math.max(aheadMost, i + 1 - done);
        const event = ec2Event("SUCCEEDED", jobIdOf(3, i), `generated-${i}`);
        yield {
          source: `generated#${i}`,
          event: i % 20 === 0 ? event : { ...event, source: "other" },
        };
      }
    }
    const result = await twin.replay(generated(), { concurrency, onProgress: (n) => (done = n) });
    expect(result).toEqual({
      summary: {
        read: total,
        invalid: 0,
        matched: total / 20,
        skipped: total - total / 20,
        refused: 0,
        recorded: total / 20,
        unchanged: 0,
        failed: 0,
      },
      errors: [],
      refusals: [],
      origins: ["123456789012 us-east-1"],
    });
    expect(done).toBe(total);
    expect(aheadMost).toBeLessThanOrEqual(concurrency);
    expect(aheadMost).toBeGreaterThan(1);
    expect(await itemsOf(jobIdOf(3, 0).slice(0, -8))).toHaveLength(total / 20);
  });
});
