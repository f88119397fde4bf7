/**
 * A hub records the jobs of other accounts and regions as they ran there. Every fixture event is
 * rewritten as if its job had run in account 210987654321 and region eu-west-1 (the whole event:
 * envelope and ARNs; the one fixture that logs to eu-west-1 then logs to us-east-1, the hub's own
 * region), goes through the pattern of the rule on the hub's bus, and then through the hub's
 * serialized Lambda, on dynalite. EventBridge delivers a forwarded event with its envelope as the
 * spoke's bus had it, so the records must keep the spoke's account and region, and the log region
 * must be the container's awslogs-region or else the event's, never the hub's.
 *
 * A file of its own: one evaluation of the hub's program (Pulumi.hub.yaml) and one dynalite.
 */
import { recordFromEvent, toItem } from "../record";
import { setEnvironment } from "../twin/environment";
import { compileEventPattern } from "../twin/event-pattern";
import { loadSerializedLambda, type LoadedLambda } from "../twin/lambda";
import { onlyLambda, type ProgramModel } from "../twin/program";
import { startTestTable, withoutWriteTime, type TestTable } from "./helpers/dynamo";
import {
  EXPECTED,
  fixture,
  FIXTURE_NAMES,
  terminalEvent,
  type BatchEvent,
} from "./helpers/fixtures";
import { evaluateStack, named } from "./helpers/program";

const SPOKE_ACCOUNT = "210987654321";
/** The fixtures' regions, swapped: us-east-1 (the hub's) becomes eu-west-1 and the reverse. */
const SWAPPED: Record<string, string> = { "us-east-1": "eu-west-1", "eu-west-1": "us-east-1" };

/** An event as if its job had run in the spoke's account and region. */
function fromSpoke(event: BatchEvent): BatchEvent {
  const text = JSON.stringify(event)
    .replaceAll("123456789012", SPOKE_ACCOUNT)
    .replace(/us-east-1|eu-west-1/g, (region) => SWAPPED[region]);
  return JSON.parse(text);
}

function jobIdOf(event: BatchEvent): string {
  return recordFromEvent(event, { now: new Date() }).jobId;
}

let model: ProgramModel;
let table: TestTable;
let lambda: LoadedLambda;
let stdout: jest.SpyInstance;
let restoreEnvironment: (() => void) | undefined;
let delivered: BatchEvent[];

beforeAll(async () => {
  model = await evaluateStack("hub");
  table = await startTestTable("jobs-hub");
  const variables = (
    named(model, "handler").inputs.environment as { variables: Record<string, string> }
  ).variables;
  restoreEnvironment = setEnvironment({ ...variables, TABLE_NAME: table.tableName });
  stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  lambda = loadSerializedLambda(onlyLambda(model).code);
  // What the rule on the hub's bus delivers to the handler, in emission order.
  const matches = compileEventPattern(
    JSON.parse(named(model, "hub-job-state-change").inputs.eventPattern as string),
  );
  delivered = FIXTURE_NAMES.flatMap((name) => fixture(name).map(fromSpoke)).filter(matches);
  for (const event of delivered) await lambda.handler(event);
});

afterAll(async () => {
  lambda?.dispose();
  stdout?.mockRestore();
  restoreEnvironment?.();
  await table?.close();
});

it("delivers every job's terminal event from the spoke's account and region", () => {
  const terminal = FIXTURE_NAMES.map((name) => fromSpoke(terminalEvent(name)).id);
  expect(delivered.filter((e) => terminal.includes(e.id)).map((e) => e.id)).toEqual(terminal);
  expect(new Set(delivered.map((e) => [e.account, e.region].join(" ")))).toEqual(
    new Set([`${SPOKE_ACCOUNT} eu-west-1`]),
  );
});

it("records each job with the spoke's account and region, and its logs' region", async () => {
  const records = await table.records();
  expect(records).toHaveLength(FIXTURE_NAMES.length);
  for (const name of FIXTURE_NAMES) {
    const event = fromSpoke(terminalEvent(name));
    const record = records.find((r) => r.jobId === jobIdOf(event))!;
    // The fixtures' log regions, swapped like the events: the event's region, or awslogs-region.
    const logRegions = (EXPECTED[name].logStreams ?? []).map((s) => SWAPPED[s.logRegion]);
    expect([name, record.account, record.region]).toEqual([name, SPOKE_ACCOUNT, "eu-west-1"]);
    expect([name, record.logStreams.map((s) => s.logRegion)]).toEqual([name, logRegions]);
    expect([name, record.logRegion]).toEqual([name, logRegions[logRegions.length - 1]]);
  }
  const crossRegion = records.find(
    (r) => r.jobId === jobIdOf(terminalEvent("custom-log-group-cross-region")),
  );
  expect(crossRegion?.logRegion).toBe("us-east-1");
});

it("stores what the source record of the rewritten event holds", async () => {
  const items = await table.items();
  for (const name of FIXTURE_NAMES) {
    const expected = recordFromEvent(fromSpoke(terminalEvent(name)), { now: new Date() });
    const item = items.find((i) => i.jobId === expected.jobId)!;
    expect([name, withoutWriteTime(item)]).toEqual([name, withoutWriteTime(toItem(expected))]);
  }
});
