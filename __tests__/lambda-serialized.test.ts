/**
 * The Lambda as it would be deployed: the exact `__index.js` CallbackFunction serializes under
 * mocks, loaded from a folder where only the runtime's packages (`@aws-sdk/*`) resolve, and
 * invoked against dynalite. It must pass what the source passes.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MAX_TEXT_LENGTH, recordFromEvent, toItem } from "../record";
import { setEnvironment } from "../twin/environment";
import { loadSerializedLambda, type LoadedLambda } from "../twin/lambda";
import type { ProgramModel } from "../twin/program";
import { onlyLambda, onlyResource, RESOURCE_TYPES } from "../twin/program";
import { startTestTable, withoutWriteTime, type TestTable } from "./helpers/dynamo";
import { expectRecordFor, fixture, FIXTURE_NAMES, terminalEvent } from "./helpers/fixtures";
import { evaluateFresh } from "./helpers/program";

let model: ProgramModel;
let table: TestTable;
let lambda: LoadedLambda;
let stdout: jest.SpyInstance;
let restoreEnvironment: (() => void) | undefined;

beforeAll(async () => {
  model = await evaluateFresh({ retentionDays: "30" });
  table = await startTestTable("jobs-serialized");
  // The function's own environment, as the program declared it, pointed at the test table.
  const variables = (
    onlyResource(model, RESOURCE_TYPES.fn).inputs.environment as {
      variables: Record<string, string>;
    }
  ).variables;
  restoreEnvironment = setEnvironment({ ...variables, TABLE_NAME: table.tableName });
  stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  lambda = loadSerializedLambda(onlyLambda(model).code);
});

afterAll(async () => {
  lambda?.dispose();
  stdout?.mockRestore();
  restoreEnvironment?.();
  await table?.close();
});

it("is loaded from a folder whose node_modules holds only the AWS SDK", () => {
  expect(fs.readdirSync(lambda.dir).sort()).toEqual(["__index.js", "node_modules"]);
  expect(fs.readdirSync(path.join(lambda.dir, "node_modules"))).toEqual(["@aws-sdk"]);
  expect(fs.readFileSync(path.join(lambda.dir, "__index.js"), "utf8")).toBe(onlyLambda(model).code);
});

it("wraps only the functions it calls once per cold start, none on the per-event path", () => {
  // Pulumi's closure serializer re-creates each function it wraps on every call (handler/index.ts).
  const wrapped = [...onlyLambda(model).code.matchAll(/return function \/\*(\w+)\*\//g)].map(
    (m) => m[1],
  );
  expect(wrapped.sort()).toEqual([
    "attemptLayout",
    "attemptReader",
    "createDocumentClient",
    "createEventHandler",
    "createRecordWriter",
    "envelopeReader",
    "eventHandler",
    "fieldReading",
    "identifierLayout",
    "itemLayout",
    "itemSizer",
    "jobIdParser",
    "listKeys",
    "logTargetReader",
    "readHandlerConfig",
    "recordBuilder",
  ]);
});

it("records every job kind exactly as the source handler does", async () => {
  for (const name of FIXTURE_NAMES) {
    for (const event of fixture(name)) await lambda.handler(event);
  }
  const items = await table.items();
  const records = await table.records();
  expect(items).toHaveLength(FIXTURE_NAMES.length);
  for (const name of FIXTURE_NAMES) {
    const expected = recordFromEvent(terminalEvent(name), { now: new Date(), retentionDays: 30 });
    const item = items.find((i) => i.jobId === expected.jobId)!;
    expect(withoutWriteTime(item)).toEqual(withoutWriteTime(toItem(expected)));
    const record = records.find((r) => r.jobId === expected.jobId)!;
    expect(withoutWriteTime(record)).toEqual(withoutWriteTime(expected));
    expectRecordFor(name, record);
  }
});

it("answers with the outcome and logs one JSON line per event", async () => {
  stdout.mockClear();
  const terminal = terminalEvent("ec2-single");
  await expect(lambda.handler(terminal)).resolves.toEqual({
    jobId: "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
    status: "SUCCEEDED",
    outcome: "unchanged",
  });
  expect(stdout.mock.calls.map((c) => JSON.parse(String(c[0])))).toEqual([
    {
      level: "INFO",
      jobId: "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
      status: "SUCCEEDED",
      eventId: terminal.id,
      outcome: "unchanged",
    },
  ]);
});

it("throws on a malformed event so that it reaches the dead-letter queue", async () => {
  const before = await table.items();
  await expect(lambda.handler({ id: "e-1", source: "aws.batch" })).rejects.toThrow(
    'Invalid Batch event e-1: "detail-type" must be "Batch Job State Change", got nothing',
  );
  expect(await table.items()).toEqual(before);
});

it("refuses an event whose job ARN is of another account than its envelope, writing nothing", async () => {
  // A member account of a hub sends an event about a job of another account.
  const good = terminalEvent("ec2-single");
  const forged = { ...good, account: "210987654321" };
  const before = await table.items();
  await expect(lambda.handler(forged)).rejects.toThrow(
    `Invalid Batch event ${good.id}: "detail.jobArn" must be of the account and region the event comes from (account 210987654321 in us-east-1), got account 123456789012 in us-east-1`,
  );
  expect(await table.items()).toEqual(before);
});

it("stores a long reason cut before an emoji on the limit, as valid UTF-8 DynamoDB reads back", async () => {
  // Prepare: a reason whose emoji straddles the 1,024-unit limit.
  const good = terminalEvent("ec2-single");
  const jobId = "truncated-emoji-job";
  const reason = "r".repeat(MAX_TEXT_LENGTH - 1) + "\u{1F4A5} and more";
  const event = {
    ...good,
    id: "truncated-emoji-event",
    detail: {
      ...good.detail,
      jobId,
      jobArn: String(good.detail.jobArn).replace(String(good.detail.jobId), jobId),
      statusReason: reason,
    },
  };
  // Act
  await lambda.handler(event);
  // Assess
  const stored = (await table.records()).find((r) => r.jobId === jobId);
  expect(stored?.statusReason).toBe(`${"r".repeat(MAX_TEXT_LENGTH - 1)} [truncated 11 characters]`);
});

it("is a harness that fails a closure which captures a package the runtime does not have", async () => {
  // Prepare: a handler that captures a module from the project's node_modules by reference.
  const captured = require("fast-check");
  const bad = await pulumi.runtime.serializeFunction(() => async () => typeof captured.integer, {
    isFactoryFunction: true,
  });
  // Act / Assess
  expect(bad.text).toMatch(/require\("fast-check/);
  expect(() => loadSerializedLambda(bad.text)).toThrow(/Cannot find module 'fast-check/);
});
