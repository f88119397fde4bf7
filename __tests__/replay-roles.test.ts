/**
 * `replay --stack hub` and `--stack spoke-example`: the twin routes each event as EventBridge
 * would for the program's role (twin/routing.ts). A hub records its own account and region
 * through the default bus and other accounts' through its bus policy and its bus's rule; what
 * the policy refuses is listed, not recorded. A spoke records nothing and reports what it would
 * forward to its hub. Expectations come from samples/hub-events.jsonl itself (each event's
 * account and region) and from Pulumi.hub.yaml's acceptFrom. Then the hub's serialized Lambda
 * alone, on the test fixtures rewritten to another account and region. Two program evaluations:
 * the hub (through the CLI, then reused) and the spoke; one dynalite besides the CLI's own.
 */
import * as fs from "fs";
import * as path from "path";
import { spec as REPLAY } from "../cli/commands/replay";
import { main } from "../cli/main";
import { formatForwarding, formatRefusals, originsNote } from "../cli/replay-report";
import { openEvents } from "../twin/events-input";
import { MOCK_ACCOUNT, RESOURCE_TYPES, type ProgramModel } from "../twin/program";
import { forwardEvents, stackModel, type ForwardResult } from "../twin/replay-engine";
import { routerFor, type StackPlace } from "../twin/routing";
import { parseOrganizations, readStackConfig } from "../twin/stack-config";
import { recordFromEvent, toItem } from "../record";
import { setEnvironment } from "../twin/environment";
import { compileEventPattern } from "../twin/event-pattern";
import { loadSerializedLambda, type LoadedLambda } from "../twin/lambda";
import { onlyLambda } from "../twin/program";
import { useDummyCredentials } from "./helpers/aws-env";
import { recordingIO } from "./helpers/cli-io";
import { startTestTable, withoutWriteTime, type TestTable } from "./helpers/dynamo";
import {
  EXPECTED,
  fixture,
  FIXTURE_NAMES,
  terminalEvent,
  type BatchEvent,
} from "./helpers/fixtures";
import { freshProgramLoader, named } from "./helpers/program";

const ROOT = path.join(__dirname, "..");
const HUB_EVENTS = path.join("samples", "hub-events.jsonl");
const HUB_ACCOUNT = MOCK_ACCOUNT;
const NAMED_ACCOUNT = "210987654321";
const ORG_MEMBER = "345678901234";
const STRANGER = "999999999999";
const ORG = "o-a1b2c3d4e5";

interface SampleEvent {
  id: string;
  source: string;
  account: string;
  region: string;
  "detail-type": string;
  detail: { jobId: string; status: string };
}
const events: SampleEvent[] = fs
  .readFileSync(path.join(ROOT, HUB_EVENTS), "utf8")
  .trimEnd()
  .split("\n")
  .map((line) => JSON.parse(line));
const originOf = (e: SampleEvent) => `${e.account} ${e.region}`;
/** What the rules match (the default statuses): Batch's own terminal job state changes. */
const terminal = (e: SampleEvent) =>
  e.source === "aws.batch" &&
  e["detail-type"] === "Batch Job State Change" &&
  ["SUCCEEDED", "FAILED"].includes(e.detail.status);
const fromAccount = (...accounts: string[]) => events.filter((e) => accounts.includes(e.account));

useDummyCredentials();

const fakeIO = () =>
  recordingIO({
    env: { PATH: path.join(ROOT, "no-pulumi-here"), AWS_REGION: "us-east-1" },
    cwd: ROOT,
  });

async function replay(args: string[]) {
  const io = fakeIO();
  const status = await main(["replay", HUB_EVENTS, "--stack", "hub", ...args], io);
  return { status, io };
}

describe("a hub replays other accounts' events through its bus policy", () => {
  let withOrg: { status: number; doc: HubDocument };

  interface HubDocument {
    summary: Record<string, number>;
    records: { jobId: string; account: string; region: string; logRegion?: string }[];
    errors: unknown[];
    refused: { source: string; eventId: string; message: string }[];
  }

  beforeAll(async () => {
    // Act: replay's --help example of a hub, as JSON.
    const example = REPLAY.examples.find((e) => e.description.includes("hub's bus policy"));
    const [program, ...args] = String(example?.command).split(" ");
    expect([program, ...args]).toEqual([
      "batch-job-log",
      "replay",
      HUB_EVENTS,
      "--stack",
      "hub",
      "--org",
      `${ORG_MEMBER}=${ORG}`,
    ]);
    const io = fakeIO();
    const status = await main([...args, "--json"], io);
    withOrg = { status, doc: JSON.parse(io.out()) };
  }, 120_000);

  it("records the hub's own jobs and those of accepted accounts, each with where it ran", () => {
    // Prepare: every terminal event of an accepted origin is a job the hub must record.
    const accepted = events.filter((e) => e.account !== STRANGER);
    const jobs = new Map(accepted.filter(terminal).map((e) => [e.detail.jobId, originOf(e)]));

    // Assess
    expect(withOrg.status).toBe(0);
    const recorded = new Map(withOrg.doc.records.map((r) => [r.jobId, `${r.account} ${r.region}`]));
    expect(recorded).toEqual(jobs);
    expect(new Set(recorded.values())).toEqual(
      new Set([
        `${HUB_ACCOUNT} us-east-1`,
        `${HUB_ACCOUNT} eu-west-1`,
        `${NAMED_ACCOUNT} us-west-2`,
        `${ORG_MEMBER} eu-west-1`,
      ]),
    );
    expect(withOrg.doc.errors).toEqual([]);
  });

  it("refuses every event of an account outside acceptFrom, and says why", () => {
    const strangers = fromAccount(STRANGER);
    expect(strangers.length).toBeGreaterThan(0);
    expect(withOrg.doc.summary.refused).toBe(strangers.length);
    expect(withOrg.doc.refused.map((r) => r.eventId)).toEqual(strangers.map((e) => e.id));
    expect(new Set(withOrg.doc.refused.map((r) => r.message))).toEqual(
      new Set([
        `account ${STRANGER} is not in the hub bus policy (acceptFrom), and its organization ` +
          `is not known; if it belongs to ${ORG}, say so with --org ${STRANGER}=${ORG}`,
      ]),
    );
    expect(withOrg.doc.refused[0].source).toBe(
      `${HUB_EVENTS}:${events.findIndex((e) => e.account === STRANGER) + 1}`,
    );
    // What was not refused reached a rule: matched or skipped, nothing lost.
    const s = withOrg.doc.summary;
    expect(s.matched + s.skipped + s.refused).toBe(events.length);
    expect(s.matched).toBe(events.filter((e) => e.account !== STRANGER && terminal(e)).length);
  });

  it("without --org, an organization's member is refused too, and the output says how to accept it", async () => {
    // Act
    const { status, io } = await replay([]);

    // Assess: refusals are not errors; one line per reason, with the count and the first event.
    expect(status).toBe(0);
    const refused = fromAccount(STRANGER, ORG_MEMBER).length;
    const firstMember = events.findIndex((e) => e.account === ORG_MEMBER) + 1;
    expect(io.out()).toContain(
      `${refused} events refused by the hub bus policy, not recorded (--json lists each):\n` +
        `  ${fromAccount(ORG_MEMBER).length} events (first ${HUB_EVENTS}:${firstMember}): ` +
        `account ${ORG_MEMBER} is not in the hub bus policy (acceptFrom), and its organization ` +
        `is not known; if it belongs to ${ORG}, say so with --org ${ORG_MEMBER}=${ORG}\n`,
    );
    expect(io.out()).toMatch(new RegExp(`\\n  refused by the bus policy +${refused}\\n`));
    expect(io.out()).toContain(
      `through the bus policy, rules and Lambda of the hub stack hub in ${HUB_ACCOUNT} us-east-1`,
    );
    expect(io.err()).toBe("");
  });

  it("--account moves the hub: its former own account must then pass the policy", async () => {
    // Act: the hub deployed in the named account; 123456789012 is no longer its own.
    const { io } = await replay(["--account", NAMED_ACCOUNT, "--json"]);
    const doc = JSON.parse(io.out()) as HubDocument;

    // Assess: the named account is now the hub's own (every region of it passes), the former
    // own account, the organization's member and the stranger are refused.
    const refusedAccounts = new Set(doc.refused.map((r) => r.message.split(" ")[1]));
    expect(refusedAccounts).toEqual(new Set([HUB_ACCOUNT, ORG_MEMBER, STRANGER]));
    expect(doc.summary.refused).toBe(fromAccount(HUB_ACCOUNT, ORG_MEMBER, STRANGER).length);
  });

  it("rejects an --account or --org that is not an id, before replaying", async () => {
    const cases: [string[], string][] = [
      [
        ["--account", "12345678901"],
        '--account "12345678901" for replay: an account id has 12 digits.',
      ],
      [
        ["--org", "345678901234:o-a1b2c3d4e5"],
        '--org "345678901234:o-a1b2c3d4e5": expected ACCOUNT=ORGANIZATION, a 12-digit account id and an o- id, e.g. 345678901234=o-a1b2c3d4e5.',
      ],
    ];
    for (const [args, message] of cases) {
      const { status, io } = await replay(args);
      expect(status).toBe(2);
      expect(io.err()).toContain(message);
      expect(io.out()).toBe("");
    }
  });
});

describe("the hub bus policy, evaluated", () => {
  // The hub as the CLI above evaluated it (the engine keeps it; evaluated here if alone).
  let hub: ProgramModel;
  beforeAll(async () => {
    hub = await stackModel({
      projectRoot: ROOT,
      stack: "hub",
      config: readStackConfig(ROOT, "hub", true),
    });
  }, 60_000);

  const place: StackPlace = { account: HUB_ACCOUNT, region: "us-east-1" };
  const withPolicy = (statements: object[]): ProgramModel => ({
    ...hub,
    resources: hub.resources.map((r) =>
      r.type === RESOURCE_TYPES.eventBusPolicy
        ? {
            ...r,
            inputs: { ...r.inputs, policy: JSON.stringify({ Statement: statements }) },
          }
        : r,
    ),
  });
  const busArn = () =>
    String(hub.resources.find((r) => r.type === RESOURCE_TYPES.eventBus)?.state.arn);

  it("routes by origin: own account and region to the default bus, the rest to the policy", () => {
    const router = routerFor(hub, { ...place, organizations: { [ORG_MEMBER]: ORG } });
    expect(router.role).toBe("hub");
    expect(router.route({ account: HUB_ACCOUNT, region: "us-east-1" })).toEqual({ to: "default" });
    expect(router.route({ account: HUB_ACCOUNT, region: "eu-west-1" })).toEqual({ to: "hub" });
    expect(router.route({ account: NAMED_ACCOUNT, region: "us-east-1" })).toEqual({ to: "hub" });
    expect(router.route({ account: ORG_MEMBER, region: "us-west-2" })).toEqual({ to: "hub" });
    expect(router.route({ account: STRANGER, region: "us-east-1" }).to).toBe("refused");
    // An event without an account or region is the handler's to reject, on the default bus.
    expect(router.route(undefined)).toEqual({ to: "default" });
  });

  it("a Deny wins over an Allow, and names its statement", () => {
    const model = withPolicy([
      { Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: busArn() },
      {
        Sid: "NoStrangers",
        Effect: "Deny",
        Principal: { AWS: `arn:aws:iam::${STRANGER}:root` },
        Action: "events:PutEvents",
        Resource: busArn(),
      },
    ]);
    const router = routerFor(model, place);
    expect(router.route({ account: NAMED_ACCOUNT, region: "us-east-1" })).toEqual({ to: "hub" });
    expect(router.route({ account: STRANGER, region: "us-east-1" })).toEqual({
      to: "refused",
      reason: `the hub bus policy denies account ${STRANGER} (statement NoStrangers)`,
    });
  });

  it("a statement applies only to its action, its bus and the conditions it can check", () => {
    const allow = (extra: object) => [
      {
        Effect: "Allow",
        Principal: { AWS: [NAMED_ACCOUNT] },
        Action: "events:PutEvents",
        Resource: busArn(),
        ...extra,
      },
    ];
    const cases: [object, boolean][] = [
      [{}, true],
      [{ Action: ["events:DescribeRule"] }, false],
      [{ Action: "events:*" }, true],
      [{ Resource: "arn:aws:events:us-east-1:123456789012:event-bus/other" }, false],
      [{ Condition: { StringEquals: { "aws:PrincipalAccount": NAMED_ACCOUNT } } }, true],
      [{ Condition: { StringEquals: { "aws:PrincipalAccount": STRANGER } } }, false],
    ];
    for (const [extra, passes] of cases) {
      const route = routerFor(withPolicy(allow(extra)), place).route({
        account: NAMED_ACCOUNT,
        region: "us-west-2",
      });
      expect([extra, route.to]).toEqual([extra, passes ? "hub" : "refused"]);
    }
  });

  it.each([
    [
      { Condition: { StringLike: { "aws:SourceArn": "*" } } },
      "condition StringLike on aws:SourceArn",
    ],
    [
      { Condition: { StringEquals: { "aws:SourceAccount": NAMED_ACCOUNT } } },
      "condition StringEquals on aws:SourceAccount",
    ],
    [{ NotAction: "events:DescribeRule" }, "NotAction"],
  ])("refuses a statement it cannot evaluate (%j), naming what", (extra, what) => {
    const statement = {
      Sid: "Other",
      Effect: "Allow",
      Principal: { AWS: [NAMED_ACCOUNT] },
      Action: "events:PutEvents",
      Resource: busArn(),
      ...extra,
    };
    expect(() => routerFor(withPolicy([statement]), place)).toThrow(
      `The twin cannot evaluate the hub bus policy's ${what} (statement Other): it evaluates ` +
        "Principal, Action, Resource and StringEquals on aws:PrincipalOrgID and " +
        "aws:PrincipalAccount only, so it cannot say which events the deployed bus admits.",
    );
  });

  it("an organization statement needs the account's organization, and the right one", () => {
    const router = (organizations: Record<string, string>) =>
      routerFor(hub, { ...place, organizations });
    const member = { account: ORG_MEMBER, region: "eu-west-1" };
    expect(router({ [ORG_MEMBER]: ORG }).route(member)).toEqual({ to: "hub" });
    expect(router({ [ORG_MEMBER]: "o-zzzzzzzzzz" }).route(member)).toEqual({
      to: "refused",
      reason: `account ${ORG_MEMBER} is not in the hub bus policy (acceptFrom), and its organization o-zzzzzzzzzz is not ${ORG}`,
    });
  });

  it("parses --org pairs and rejects anything else", () => {
    expect(parseOrganizations([`${ORG_MEMBER}=${ORG}`, `${STRANGER}=o-0123456789`])).toEqual({
      [ORG_MEMBER]: ORG,
      [STRANGER]: "o-0123456789",
    });
    for (const bad of ["=o-a1b2c3d4e5", `${ORG_MEMBER}=`, `${ORG_MEMBER}=org-1`, `1=${ORG}`]) {
      expect(() => parseOrganizations([bad])).toThrow(`--org "${bad}"`);
    }
  });
});

describe("a spoke reports what it would forward, and where", () => {
  let result: ForwardResult;
  const spokeConfig = () => readStackConfig(ROOT, "spoke-example", true);

  beforeAll(async () => {
    result = await forwardEvents(
      {
        projectRoot: ROOT,
        stack: "spoke-example",
        config: spokeConfig(),
        load: freshProgramLoader(),
      },
      openEvents([HUB_EVENTS], ROOT).items(),
    );
  }, 60_000);

  it("forwards its own account and region's matching events to the hub's bus, through its role", () => {
    const own = events.filter((e) => e.account === HUB_ACCOUNT && e.region === "eu-west-1");
    expect(own.length).toBeGreaterThan(0);
    expect(result.summary).toEqual({
      read: events.length,
      invalid: 0,
      forwarded: own.filter(terminal).length,
      skipped: own.filter((e) => !terminal(e)).length,
      elsewhere: events.length - own.length,
    });
    expect(result.forwardTo).toBe(spokeConfig()["batch-job-log:forwardTo"]);
    expect(result.roleName).toBe("forward-role-0a1b2c3");
    expect(result.jobs).toEqual([...new Set(own.filter(terminal).map((e) => e.detail.jobId))]);
    expect(result.place).toEqual({
      account: HUB_ACCOUNT,
      region: "eu-west-1",
      organizations: undefined,
    });
  });

  it("says so in a few lines, with the origins it never sees", () => {
    const text = formatForwarding("spoke-example", result);
    const s = result.summary;
    expect(text.split("\n")).toEqual([
      `Stack spoke-example is a spoke in ${HUB_ACCOUNT} eu-west-1: it records nothing; its rule puts ` +
        `what it matches on ${result.forwardTo} through the role forward-role-0a1b2c3.`,
      `  read                ${String(s.read).padStart(2)}`,
      `  not events          ${String(s.invalid).padStart(2)}`,
      `  forwarded           ${String(s.forwarded).padStart(2)}`,
      `  skipped by the rule ${String(s.skipped).padStart(2)}`,
      `  not on this bus     ${String(s.elsewhere).padStart(2)}`,
      `note: ${s.elsewhere} events came from ${HUB_ACCOUNT} us-east-1, ${NAMED_ACCOUNT} us-west-2, ` +
        `${ORG_MEMBER} eu-west-1, ${STRANGER} ap-southeast-2, not this spoke's account and region (--account, --region)`,
      "next: batch-job-log replay FILE --stack HUB   (what the hub records of what its spokes forward)",
    ]);
  });

  it("refuses --db, --endpoint-url and --table for a spoke before evaluating anything", async () => {
    for (const option of [
      ["--db", "spoke-db"],
      ["--endpoint-url", "http://localhost:1"],
      ["--table", "jobs"],
    ]) {
      const io = fakeIO();
      const status = await main(["replay", HUB_EVENTS, "--stack", "spoke-example", ...option], io);
      expect(status).toBe(2);
      expect(io.err()).toContain(
        `${option[0]} for replay: stack spoke-example is a spoke (forwardTo), which has no table; replay its hub's stack to see what is recorded.`,
      );
    }
    expect(fs.existsSync(path.join(ROOT, "spoke-db"))).toBe(false);
  });
});

describe("the notes of the report", () => {
  it("a standalone replay of several origins says a standalone stack sees only its own", () => {
    expect(originsNote([`${HUB_ACCOUNT} us-east-1`])).toEqual([]);
    expect(originsNote([`${HUB_ACCOUNT} us-east-1`, `${HUB_ACCOUNT} eu-west-1`])).toEqual([
      "note: the events came from 2 accounts and regions; a standalone stack receives only its own " +
        "(replay them with --stack hub to see what a hub accepts)",
    ]);
  });

  it("refusals beyond those kept are counted, not listed", () => {
    const refusal = {
      source: "f.jsonl:1",
      eventId: "e1",
      message: "account 999999999999 is not in it",
    };
    const summary = {
      read: 5,
      invalid: 0,
      matched: 0,
      skipped: 0,
      refused: 5,
      recorded: 0,
      unchanged: 0,
      failed: 0,
    };
    expect(formatRefusals(summary, [refusal, { ...refusal, source: "f.jsonl:2" }])).toBe(
      [
        "5 events refused by the hub bus policy, not recorded (--json lists each):",
        "  2 events (first f.jsonl:1): account 999999999999 is not in it",
        "  ... and 3 more",
      ].join("\n"),
    );
  });
});

/**
 * The hub's serialized Lambda records the jobs of other accounts and regions as they ran there.
 * Every fixture event is rewritten as if its job had run in account 210987654321 and region
 * eu-west-1 (the whole event: envelope and ARNs; the one fixture that logs to eu-west-1 then logs
 * to us-east-1, the hub's own region), goes through the pattern of the rule on the hub's bus, and
 * then through the hub's serialized Lambda, on dynalite. EventBridge delivers a forwarded event
 * with its envelope as the spoke's bus had it, so the records must keep the spoke's account and
 * region, and the log region must be the container's awslogs-region or else the event's, never
 * the hub's.
 */
describe("the hub's serialized Lambda, on events of another account and region", () => {
  /** The fixtures' regions, swapped: us-east-1 (the hub's) becomes eu-west-1 and the reverse. */
  const SWAPPED: Record<string, string> = { "us-east-1": "eu-west-1", "eu-west-1": "us-east-1" };

  /** An event as if its job had run in the spoke's account and region. */
  function fromSpoke(event: BatchEvent): BatchEvent {
    const text = JSON.stringify(event)
      .replaceAll("123456789012", NAMED_ACCOUNT)
      .replace(/us-east-1|eu-west-1/g, (region) => SWAPPED[region]);
    return JSON.parse(text);
  }

  function recordedJobId(event: BatchEvent): string {
    return recordFromEvent(event, { now: new Date() }).jobId;
  }

  let model: ProgramModel;
  let table: TestTable;
  let lambda: LoadedLambda;
  let stdout: jest.SpyInstance;
  let restoreEnvironment: (() => void) | undefined;
  let delivered: BatchEvent[];

  beforeAll(async () => {
    model = await stackModel({
      projectRoot: ROOT,
      stack: "hub",
      config: readStackConfig(ROOT, "hub", true),
    });
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
      new Set([`${NAMED_ACCOUNT} eu-west-1`]),
    );
  });

  it("records each job with the spoke's account and region, and its logs' region", async () => {
    const records = await table.records();
    expect(records).toHaveLength(FIXTURE_NAMES.length);
    for (const name of FIXTURE_NAMES) {
      const event = fromSpoke(terminalEvent(name));
      const record = records.find((r) => r.jobId === recordedJobId(event))!;
      // The fixtures' log regions, swapped like the events: the event's region, or awslogs-region.
      const logRegions = (EXPECTED[name].logStreams ?? []).map((s) => SWAPPED[s.logRegion]);
      expect([name, record.account, record.region]).toEqual([name, NAMED_ACCOUNT, "eu-west-1"]);
      expect([name, record.logStreams.map((s) => s.logRegion)]).toEqual([name, logRegions]);
      expect([name, record.logRegion]).toEqual([name, logRegions[logRegions.length - 1]]);
    }
    const crossRegion = records.find(
      (r) => r.jobId === recordedJobId(terminalEvent("custom-log-group-cross-region")),
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
});
