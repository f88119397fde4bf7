/**
 * --endpoint-url, the SDK's per-service endpoint variables and --profile, for real: the commands
 * run their own SDK clients (DynamoDB, CloudWatch Logs, Batch) against local HTTP servers that
 * record each request (which operation, and the access key, region and service its signature
 * names) and answer as the services do. The profile comes from a config file and a credentials
 * file in a temporary folder, found through AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { createServer, request, type IncomingMessage, type ServerResponse } from "http";
import type { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { marshall } from "@aws-sdk/util-dynamodb";
import { recordFromEvent } from "../record";
import { startLocalDynamo } from "../twin/dynamo-local";
import { setEnvironment } from "../twin/environment";
import { useDummyCredentials } from "./helpers/aws-env";
import { runCli, type Ran } from "./helpers/cli-io";
import { terminalEvent } from "./helpers/fixtures";

/** The ec2-single fixture's job, as the table holds it: one stream, in us-east-1. */
const JOB = "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61";
const ITEM = marshall(recordFromEvent(terminalEvent("ec2-single"), { now: new Date(0) }), {
  removeUndefinedValues: true,
});

interface Call {
  /** `DynamoDB_20120810.GetItem`, `Logs_20140328.GetLogEvents`, `POST /v1/listjobs`. */
  readonly operation: string;
  /** `<access key>/<region>/<service>` from the signature's credential scope. */
  readonly signedAs: string;
}

interface Recorder {
  readonly endpoint: string;
  readonly calls: Call[];
  close(): Promise<void>;
}

/** The answer of each service to what the commands here ask. */
function answer(operation: string, body: string, res: ServerResponse): void {
  const reply = (type: string, body: unknown) => {
    res.writeHead(200, { "content-type": type });
    res.end(JSON.stringify(body));
  };
  if (operation === "DynamoDB_20120810.GetItem") {
    return reply("application/x-amz-json-1.0", { Item: ITEM });
  }
  if (operation === "Logs_20140328.GetLogEvents") {
    // One event, then the same token again: the end of the stream.
    const first = JSON.parse(body).nextToken === undefined;
    return reply("application/x-amz-json-1.1", {
      events: first ? [{ timestamp: 1, ingestionTime: 2, message: "hello" }] : [],
      nextForwardToken: "f/1",
    });
  }
  if (operation === "POST /v1/listjobs") return reply("application/json", { jobSummaryList: [] });
  res.writeHead(400, { "content-type": "application/json" });
  res.end(JSON.stringify({ __type: "UnknownOperation", message: operation }));
}

async function recorder(): Promise<Recorder> {
  const calls: Call[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const target = req.headers["x-amz-target"];
      const operation = typeof target === "string" ? target : `${req.method} ${req.url}`;
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(
        String(req.headers.authorization),
      );
      calls.push({ operation, signedAs: scope ? scope.slice(1).join("/") : "unsigned" });
      answer(operation, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A recorder that forwards every request to `target` (dynalite) and relays its answer. */
async function recordingProxy(target: string): Promise<Recorder> {
  const calls: Call[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(
      String(req.headers.authorization),
    );
    calls.push({
      operation: String(req.headers["x-amz-target"]),
      signedAs: scope ? scope.slice(1).join("/") : "unsigned",
    });
    const upstream = request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `batch-job-log <args>` with the process environment (which the SDK reads too). */
function run(args: readonly string[]): Promise<Ran> {
  return runCli(args, { env: { ...process.env } });
}

/** Sets variables for one test; `afterEach` puts them back. */
let restore: (() => void)[] = [];
function env(values: Record<string, string | undefined>): void {
  restore.push(setEnvironment(values));
}

const ENDPOINT_VARIABLES = {
  AWS_ENDPOINT_URL: undefined,
  AWS_ENDPOINT_URL_DYNAMODB: undefined,
  AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: undefined,
  AWS_ENDPOINT_URL_BATCH: undefined,
};

let servers: Recorder[] = [];
async function servers4(): Promise<[Recorder, Recorder, Recorder, Recorder]> {
  servers = await Promise.all([recorder(), recorder(), recorder(), recorder()]);
  return servers as [Recorder, Recorder, Recorder, Recorder];
}

useDummyCredentials();

beforeEach(() => env({ ...ENDPOINT_VARIABLES, AWS_REGION: "us-east-1", AWS_MAX_ATTEMPTS: "1" }));

afterEach(async () => {
  for (const undo of restore.reverse()) undo();
  restore = [];
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const operations = (r: Recorder) => r.calls.map((c) => c.operation);

const LOGS = ["logs", JOB, "--table", "jobs"];
const EVENTS = join("__tests__", "fixtures", "events", "ec2-single.json");
const BACKFILL = ["backfill", "--queue", "q", "--table", "jobs"];

describe("--endpoint-url", () => {
  test("sends the calls of every client, DynamoDB, CloudWatch Logs and Batch, to it", async () => {
    const [local] = await servers4();
    const logs = await run([...LOGS, "--endpoint-url", local.endpoint]);
    const backfill = await run([...BACKFILL, "--endpoint", local.endpoint]);
    expect([logs.code, logs.out, backfill.code, backfill.out]).toEqual([
      0,
      "hello\n",
      0,
      "backfill us-east-1, 1 queue: listed 0, described 0, recorded 0, unchanged 0, failed 0\n",
    ]);
    expect(operations(local)).toEqual([
      "DynamoDB_20120810.GetItem",
      // STS GetCallerIdentity: the caller's account, to read the job's account's log group.
      "POST /",
      "Logs_20140328.GetLogEvents",
      "Logs_20140328.GetLogEvents",
      "POST /v1/listjobs",
      "POST /v1/listjobs",
    ]);
    expect(local.calls[0].signedAs).toBe("local/us-east-1/dynamodb");
    expect(local.calls[1].signedAs).toBe("local/us-east-1/sts");
    expect(local.calls[2].signedAs).toBe("local/us-east-1/logs");
    expect(local.calls[4].signedAs).toBe("local/us-east-1/batch");
  });

  test("AWS_ENDPOINT_URL_<SERVICE> points one service each; --endpoint-url wins over them", async () => {
    const [dynamodb, logs, batch, flag] = await servers4();
    env({
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint,
      AWS_ENDPOINT_URL_BATCH: batch.endpoint,
    });
    expect((await run(LOGS)).code).toBe(0);
    expect((await run(BACKFILL)).code).toBe(0);
    expect([operations(dynamodb), operations(logs), operations(batch)]).toEqual([
      ["DynamoDB_20120810.GetItem"],
      ["Logs_20140328.GetLogEvents", "Logs_20140328.GetLogEvents"],
      ["POST /v1/listjobs", "POST /v1/listjobs"],
    ]);

    expect((await run([...LOGS, "--endpoint-url", flag.endpoint])).code).toBe(0);
    expect((await run([...BACKFILL, "--endpoint-url", flag.endpoint])).code).toBe(0);
    expect(operations(flag)).toEqual([
      "DynamoDB_20120810.GetItem",
      "POST /",
      "Logs_20140328.GetLogEvents",
      "Logs_20140328.GetLogEvents",
      "POST /v1/listjobs",
      "POST /v1/listjobs",
    ]);
    expect([dynamodb, logs, batch].map((s) => s.calls.length)).toEqual([1, 2, 2]);
  });

  test("AWS_ENDPOINT_URL serves every service a per-service variable does not", async () => {
    const [dynamodb, all] = await servers4();
    env({ AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint, AWS_ENDPOINT_URL: all.endpoint });
    expect((await run(LOGS)).code).toBe(0);
    expect((await run(BACKFILL)).code).toBe(0);
    expect([operations(dynamodb), operations(all)]).toEqual([
      ["DynamoDB_20120810.GetItem"],
      [
        "POST /",
        "Logs_20140328.GetLogEvents",
        "Logs_20140328.GetLogEvents",
        "POST /v1/listjobs",
        "POST /v1/listjobs",
      ],
    ]);
  });
});

describe("--profile", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "aws-config-"));
    writeFileSync(
      join(dir, "config"),
      "[default]\nregion = ap-south-1\n\n[profile analyst]\nregion = eu-west-2\n",
    );
    writeFileSync(
      join(dir, "credentials"),
      "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = secret\n\n" +
        "[analyst]\naws_access_key_id = AKIDANALYST\naws_secret_access_key = secret\n\n" +
        "[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = secret\n",
    );
  });
  afterAll(() => rmSync(dir, { recursive: true }));

  beforeEach(() =>
    env({
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
    }),
  );

  test("every client signs with the profile's credentials, in its region, over the environment's", async () => {
    // The SDK warns once that the environment's static credentials (the dummy ones) are set too.
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const [local] = await servers4();
    const logs = await run([...LOGS, "--profile", "analyst", "--endpoint-url", local.endpoint]);
    const backfill = await run([...BACKFILL, "--profile", "analyst", "--endpoint", local.endpoint]);
    warn.mockRestore();
    expect([logs.code, backfill.code, backfill.out]).toEqual([
      0,
      0,
      "backfill eu-west-2, 1 queue: listed 0, described 0, recorded 0, unchanged 0, failed 0\n",
    ]);
    expect(local.calls.map((c) => `${c.operation} ${c.signedAs}`)).toEqual([
      "DynamoDB_20120810.GetItem AKIDANALYST/eu-west-2/dynamodb",
      "POST / AKIDANALYST/eu-west-2/sts",
      // The log stream's own region, as recorded (awslogs-region), with the profile's key.
      "Logs_20140328.GetLogEvents AKIDANALYST/us-east-1/logs",
      "Logs_20140328.GetLogEvents AKIDANALYST/us-east-1/logs",
      "POST /v1/listjobs AKIDANALYST/eu-west-2/batch",
      "POST /v1/listjobs AKIDANALYST/eu-west-2/batch",
    ]);
  });

  test("--region wins over the profile's region", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const [local] = await servers4();
    const r = await run([
      ...BACKFILL,
      "--profile",
      "analyst",
      "--region",
      "ca-central-1",
      "--endpoint-url",
      local.endpoint,
    ]);
    warn.mockRestore();
    expect(r.code).toBe(0);
    expect(local.calls[0].signedAs).toBe("AKIDANALYST/ca-central-1/batch");
  });

  test("an unknown profile: exit 2 before any call, naming the profile and both files", async () => {
    const [local] = await servers4();
    for (const command of [["show", JOB], ["logs", JOB], ["find", "x"], ["backfill"]]) {
      const r = await run([
        ...command,
        "--table",
        "jobs",
        "--profile",
        "nope",
        "--endpoint-url",
        local.endpoint,
      ]);
      expect([r.code, r.out, r.err]).toEqual([
        2,
        "",
        `batch-job-log: --profile for ${command[0]} must name a profile of ${join(dir, "config")} ` +
          `or ${join(dir, "credentials")}, got "nope"\n`,
      ]);
    }
    expect(local.calls).toEqual([]);
  });

  test("a profile of the credentials file alone, and [default], are profiles too", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const [local] = await servers4();
    const ops = await run([
      ...BACKFILL,
      "--profile",
      "ops",
      "--region",
      "eu-north-1",
      "--endpoint-url",
      local.endpoint,
    ]);
    const fallback = await run([
      ...BACKFILL,
      "--profile",
      "default",
      "--endpoint-url",
      local.endpoint,
    ]);
    warn.mockRestore();
    expect([ops.code, fallback.code]).toEqual([0, 0]);
    expect(local.calls.map((c) => c.signedAs)).toEqual([
      "AKIDOPS/eu-north-1/batch",
      "AKIDOPS/eu-north-1/batch",
      "AKIDDEFAULT/ap-south-1/batch",
      "AKIDDEFAULT/ap-south-1/batch",
    ]);
  });

  test("replay --endpoint-url --profile: the twin's client and the Lambda's both sign as the profile", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const dynamo = await startLocalDynamo();
    const proxy = await recordingProxy(dynamo.endpoint);
    servers = [proxy];
    try {
      const r = await run([
        "replay",
        EVENTS,
        "--endpoint-url",
        proxy.endpoint,
        "--profile",
        "analyst",
        "--table",
        "replay-profile",
      ]);
      expect([r.code, r.err]).toEqual([0, ""]);
      expect(r.out).toMatch(/\n {2}recorded +1\n {2}unchanged +0\n {2}failed +0\n/);
    } finally {
      warn.mockRestore();
      await dynamo.close();
    }
    expect(proxy.calls.map((c) => c.operation)).toContain("DynamoDB_20120810.PutItem");
    expect([...new Set(proxy.calls.map((c) => c.signedAs))]).toEqual([
      "AKIDANALYST/us-east-1/dynamodb",
    ]);
  });

  test("replay on the embedded table ignores an AWS_PROFILE of the environment", async () => {
    // The Lambda's client reads the environment: the twin's dummy credentials must win there.
    env({ AWS_PROFILE: "nonexistent" });
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const r = await run(["replay", EVENTS]);
    warn.mockRestore();
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out).toMatch(/\n {2}recorded +1\n {2}unchanged +0\n {2}failed +0\n/);
    expect(warn).not.toHaveBeenCalled();
  });
});
