/**
 * `batch-job-log replay`, called in-process through the CLI's dispatcher with a fake terminal:
 * the shipped sample replayed with the counts the generator's facts imply, the `--json` document,
 * exit statuses, a broken event among good ones, idempotence on a shared endpoint, and table
 * creation on a given endpoint. The program is evaluated once for the whole file (the engine
 * keeps the model; every test uses the default stack config).
 *
 * The expected table is computed without the twin: the rule's pattern written out as a predicate,
 * and the handler's source (handleEvent with the record writer, not the serialized __index.js) on
 * a dynalite of its own. The serialized Lambda must agree with its source item for item, and both
 * with the generator's facts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { main } from "../cli/main";
import { type CliIO } from "../cli/io";
import { InputError } from "../twin/errors";
import { eventHandler } from "../handler";
import { createRecordWriter, fromItem, recordFromEvent, type JobRecord } from "../record";
import { generateSampleEvents } from "../samples/generate";
import {
  localClientConfig,
  startLocalDynamo,
  startLocalTable,
  type LocalDynamo,
} from "../twin/dynamo-local";
import { errorLine, readEvents } from "../twin/events-input";
import { startTwin } from "../twin/replay-engine";
import { parseConfigOverrides, readStackConfig } from "../twin/stack-config";
import { withoutWriteTime } from "./helpers/dynamo";
import { freshProgramLoader } from "./helpers/program";

const { events: sampleEvents, facts } = generateSampleEvents(1);
const ROOT = path.join(__dirname, "..");

interface FakeIO extends CliIO {
  out(): string;
  err(): string;
}

/**
 * A terminal whose PATH has no `pulumi`, so that replay's stack is `dev` on any machine
 * (replay-stack.test.ts covers the stack the Pulumi CLI selects).
 */
function fakeIO(cwd = ROOT, tty = false, env: CliIO["env"] = { PATH: noPulumi }): FakeIO {
  let out = "";
  let err = "";
  return {
    stdout: { write: (text: string) => (out += text), isTTY: false },
    stderr: { write: (text: string) => (err += text), isTTY: tty },
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
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
    const summary = { read: 0, matched: 0, skipped: 0, recorded: 0, unchanged: 0, failed: 0 };
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

interface ReplayDocument {
  summary: Record<string, number>;
  records: Record<string, unknown>[];
  errors: { source: string; eventId: string; message: string }[];
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
    expect(expected.records).toHaveLength(facts.jobs);
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
    expect(expected.summary.recorded).toBeGreaterThanOrEqual(facts.jobs);
  });
});

describe("replay of the shipped sample", () => {
  it("prints the summary and a table of every job with where its logs are, and exits 0", async () => {
    const io = fakeIO();
    expect(await main(["replay"], io)).toBe(0);
    expect(io.err()).toBe("");
    const out = io.out();
    const s = expected.summary;
    const pad = (n: number) => String(n).padStart(4);
    expect(out).toContain(
      [
        `Replayed ${facts.events} events through the rule and Lambda of stack dev (table batch-job-log-dev on embedded dynalite):`,
        `  read                ${pad(s.read)}`,
        `  matched             ${pad(s.matched)}`,
        `  skipped by the rule ${pad(s.skipped)}`,
        `  recorded            ${pad(s.recorded)}`,
        `  unchanged           ${pad(s.unchanged)}`,
        `  failed              ${pad(0)}`,
        "",
        `${facts.jobs} jobs in the table:`,
      ].join("\n"),
    );
    const lines = out.trimEnd().split("\n");
    const tableStart = lines.indexOf(`${facts.jobs} jobs in the table:`) + 1;
    expect(lines[tableStart]).toMatch(/^JOB ID +STATUS +EXIT +LOG GROUP +REGION +LOG STREAM$/);
    const rows = lines.slice(tableStart + 1);
    expect(rows).toHaveLength(facts.jobs);
    rows.forEach((row, i) => {
      const record = expected.records[i];
      const cells = row.split(/ {2,}/);
      expect(cells.slice(0, 3)).toEqual([
        record.jobId,
        record.status,
        record.exitCode === undefined ? "-" : String(record.exitCode),
      ]);
      if (record.logStreamName !== undefined) {
        expect(cells.slice(3)).toEqual([record.logGroup, record.logRegion, record.logStreamName]);
      } else {
        expect(cells.slice(3)).toHaveLength(1);
        expect(cells[3]).toMatch(/^\(.+\)$/);
      }
    });
  });

  it("explains, for each job without a stream, why: other log driver, array parent, EKS, never ran", async () => {
    const io = fakeIO();
    await main(["replay"], io);
    const rowOf = (jobId: string) =>
      io
        .out()
        .split("\n")
        .find((line) => line.startsWith(jobId + " "));
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

  it("--json prints one document: the summary, the table's items sorted by jobId, no errors", async () => {
    const io = fakeIO(ROOT, true);
    const before = Date.now();
    const { status, doc } = await replayJson([], io);
    const after = Date.now();
    expect(status).toBe(0);
    expect(Object.keys(doc)).toEqual(["summary", "records", "errors"]);
    expect(doc.summary).toEqual(expected.summary);
    expect(withoutRecordedAt(doc.records)).toEqual(expected.records);
    for (const r of doc.records) {
      expect(r.recordedAt).toBeGreaterThanOrEqual(before);
      expect(r.recordedAt).toBeLessThanOrEqual(after);
    }
    expect(doc.errors).toEqual([]);
    // On a terminal, the progress bar went to stderr and was cleared at the end.
    expect(io.err()).toContain(`${facts.events}/${facts.events} events`);
    expect(io.err().endsWith("\r\x1b[K")).toBe(true);
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

  it("2 for invalid JSON in a .jsonl file, naming the file and line", async () => {
    const lines = sampleEvents.slice(0, 3).map((e) => JSON.stringify(e));
    lines.splice(2, 0, '{"id": "x", "detail": }');
    fs.writeFileSync(path.join(tmp, "invalid.jsonl"), lines.join("\n") + "\n");
    const io = fakeIO(tmp);
    expect(await main(["replay", "invalid.jsonl"], io)).toBe(2);
    expect(io.err()).toMatch(/^batch-job-log replay: invalid\.jsonl:3: invalid JSON: /);
    expect(io.out()).toBe("");
  });

  it("2 for invalid JSON in a .json file, naming the line the error is on", async () => {
    const text = JSON.stringify(sampleEvents.slice(0, 2), null, 2).split("\n");
    const broken = text.findIndex((l) => l.includes('"account"'));
    text[broken] = text[broken].replace('"account":', '"account"');
    fs.writeFileSync(path.join(tmp, "invalid.json"), text.join("\n"));
    const io = fakeIO(tmp);
    expect(await main(["replay", "invalid.json"], io)).toBe(2);
    expect(io.err()).toMatch(
      new RegExp(`^batch-job-log replay: invalid\\.json:${broken + 1}: invalid JSON: [^\n]+\n$`),
    );
  });

  it("2 for invalid JSON that V8 quotes over several lines, on one line", async () => {
    fs.writeFileSync(path.join(tmp, "short.json"), '[\n  {\n    "id": }\n]\n');
    const io = fakeIO(tmp);
    expect(await main(["replay", "short.json"], io)).toBe(2);
    expect(io.err()).toMatch(/^batch-job-log replay: short\.json:3: invalid JSON: [^\n]+\n$/);
    expect(io.err()).toContain(`Unexpected token '}', "[ { "id": } ]`);
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
    const first =
      "Replayed 4 events through the rule and Lambda of stack dev " +
      "(table batch-job-log-dev on embedded dynalite):";
    const missing = fakeIO();
    expect(await main(["replay", events], missing)).toBe(0);
    expect(missing.out().split("\n")[0]).toBe(first);

    const bin = fs.mkdtempSync(path.join(tmp, "pulumi-"));
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      "#!/bin/sh\necho 'error: no stack selected' >&2\nexit 255\n",
    );
    fs.chmodSync(path.join(bin, "pulumi"), 0o755);
    const failing = fakeIO(ROOT, false, { PATH: bin });
    expect(await main(["replay", events], failing)).toBe(0);
    expect([failing.out().split("\n")[0], failing.err()]).toEqual([first, ""]);
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

describe("a file with one broken event among good ones", () => {
  // Three terminal events of three jobs, and between them one the handler must reject.
  const good = sampleEvents
    .filter(ruleMatches)
    .filter((e, i, all) => all.findIndex((o) => o.detail.jobId === e.detail.jobId) === i)
    .slice(0, 3);
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
      matched: 4,
      skipped: 0,
      recorded: 3,
      unchanged: 0,
      failed: 1,
    });
    expect(withoutRecordedAt(doc.records)).toEqual((await sourceReplay(good)).records);
  });

  it("reports an array element by file#index (.json), and lists failures on stderr in human output", async () => {
    fs.writeFileSync(
      path.join(tmp, "mixed.json"),
      JSON.stringify([good[0], broken, good[1]], null, 2),
    );
    const io = fakeIO(tmp);
    expect(await main(["replay", "mixed.json"], io)).toBe(1);
    expect(io.err()).toBe(`1 event failed:\n  mixed.json#1  event broken-0001: ${brokenMessage}\n`);
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
    expect(readEvents(["folder"], tmp).map((e) => e.source)).toEqual([
      path.join("folder", "a.json"),
      `${path.join("folder", "b", "c.jsonl")}:1`,
      `${path.join("folder", "b", "c.jsonl")}:3`,
    ]);
    const { status, doc } = await replayJson(["folder"], fakeIO(tmp));
    expect(status).toBe(0);
    expect(withoutRecordedAt(doc.records)).toEqual((await sourceReplay(good)).records);
  });
});

describe("--endpoint and --table: a DynamoDB shared across runs", () => {
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
      "--endpoint",
      dynamo.endpoint,
      "--table",
      "created-by-replay",
    ]);
    expect(status).toBe(0);
    expect(doc.records).toHaveLength(facts.jobs);
    const table = (await describe()).Table;
    expect(table?.KeySchema).toEqual([{ AttributeName: "jobId", KeyType: "HASH" }]);
    expect(table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table?.AttributeDefinitions?.map((a) => [a.AttributeName, a.AttributeType])).toEqual([
      ["jobId", "S"],
      ["jobName", "S"],
      ["createdAt", "N"],
      ["parentJobId", "S"],
    ]);
    expect(
      table?.GlobalSecondaryIndexes?.map((g) => ({
        name: g.IndexName,
        keys: g.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`),
        projection: g.Projection,
      })).sort((a, b) => String(a.name).localeCompare(String(b.name))),
    ).toEqual([
      {
        name: "byJobName",
        keys: ["jobName:HASH", "createdAt:RANGE"],
        projection: {
          ProjectionType: "INCLUDE",
          NonKeyAttributes: [
            "layout",
            "status",
            "exitCode",
            "startedAt",
            "stoppedAt",
            "jobQueue",
            "region",
            "account",
          ],
        },
      },
      {
        name: "byParentJobId",
        keys: ["parentJobId:HASH", "jobId:RANGE"],
        projection: {
          ProjectionType: "INCLUDE",
          NonKeyAttributes: [
            "layout",
            "status",
            "exitCode",
            "stoppedAt",
            "arrayIndex",
            "nodeIndex",
          ],
        },
      },
    ]);
  });

  it("replaying the same input twice leaves the table unchanged", async () => {
    const args = ["--endpoint", dynamo.endpoint, "--table", "twice"];
    const first = await replayJson(args);
    expect(first.status).toBe(0);
    expect(first.doc.summary).toEqual(expected.summary);
    const second = await replayJson(args);
    expect(second.status).toBe(0);
    expect(second.doc.summary).toEqual({
      ...expected.summary,
      recorded: 0,
      unchanged: expected.summary.matched,
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

describe("the twin takes the rule from the program under the given config", () => {
  it("with statuses RUNNING, SUCCEEDED and FAILED, the RUNNING events match too", async () => {
    const statuses = ["RUNNING", "SUCCEEDED", "FAILED"];
    const twin = await startTwin({
      config: { "batch-job-log:statuses": JSON.stringify(statuses) },
      // A second configuration in this process: index.ts is loaded afresh.
      load: freshProgramLoader(),
    });
    try {
      expect(twin.pattern).toEqual({
        source: ["aws.batch"],
        "detail-type": ["Batch Job State Change"],
        detail: { status: statuses },
      });
      const { summary, errors } = await twin.replay(readEvents(["samples/events.jsonl"], ROOT));
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
      expect((await twin.items()).map((r) => r.status).sort()).toEqual(
        expected.records.map((r) => r.status).sort(),
      );
    } finally {
      await twin.close();
    }
  });
});
