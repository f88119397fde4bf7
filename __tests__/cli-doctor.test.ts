/**
 * `batch-job-log doctor` against moto's server (__tests__/helpers/moto.ts): a healthy stack's
 * resources are created there and every check passes; then one thing at a time is broken and
 * exactly that check fails. Batch is the exception: moto runs a submitted job in Docker, which a
 * test machine need not have, so the ended jobs of ListJobs come from aws-sdk-client-mock.
 */
import { BatchClient, DescribeJobQueuesCommand, ListJobsCommand } from "@aws-sdk/client-batch";
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { zipSync, strToU8 } from "fflate";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as doctorCommand from "../cli/commands/doctor";
import { runCommand } from "../cli/dispatch";
import { useDummyCredentials } from "./helpers/aws-env";
import { recordingIO } from "./helpers/cli-io";
import { startMoto, type Moto } from "./helpers/moto";

useDummyCredentials();

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const NOW = Date.now();
const HOUR = 60 * 60 * 1000;
const T = { table: "jobs", fn: "handler", rule: "job-state-change", queue: "dead-letters" };
const QUEUE_ARN = "arn:aws:batch:us-east-1:123456789012:job-queue/main";

let moto: Moto;
let dir: string;
let queueUrl: string;
let queueArn: string;
const clients = {} as {
  dynamodb: DynamoDBClient;
  events: EventBridgeClient;
  sqs: SQSClient;
  cloudwatch: CloudWatchClient;
  lambda: LambdaClient;
  iam: IAMClient;
};
const batchMock = mockClient(BatchClient);

/** Ended jobs as ListJobs gives them: the newest is recorded unless `unrecorded` is newer. */
function batchJobs(unrecorded?: { jobId: string; stoppedAt: number }) {
  batchMock.reset();
  batchMock.on(DescribeJobQueuesCommand).rejects(new Error("the queues come from --job-queue"));
  batchMock
    .on(ListJobsCommand, { jobQueue: QUEUE_ARN, jobStatus: "SUCCEEDED" })
    .resolves({
      jobSummaryList: [
        { jobId: "job-recorded", jobName: "a", stoppedAt: NOW - 2 * HOUR },
        ...(unrecorded ? [{ jobName: "b", ...unrecorded }] : []),
      ],
    })
    .on(ListJobsCommand, { jobQueue: QUEUE_ARN, jobStatus: "FAILED" })
    .resolves({ jobSummaryList: [{ jobId: "job-old", jobName: "c", stoppedAt: NOW - 3 * HOUR }] });
}

/** A role in moto's IAM that `service` may assume (Lambda needs one that exists). */
async function createRole(name: string, service: string): Promise<string> {
  const { Role } = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
      }),
    }),
  );
  return Role!.Arn!;
}

/** The function's target as the program makes it (infra/recorder.ts, infra/delivery.ts). */
function functionTarget(retries = 185): Target {
  return {
    Id: "handler",
    Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${T.fn}`,
    RetryPolicy: { MaximumRetryAttempts: retries, MaximumEventAgeInSeconds: 86400 },
    DeadLetterConfig: { Arn: queueArn },
  };
}

beforeAll(async () => {
  moto = await startMoto();
  const config = { region: REGION, endpoint: moto.endpoint };
  clients.dynamodb = new DynamoDBClient(config);
  clients.events = new EventBridgeClient(config);
  clients.sqs = new SQSClient(config);
  clients.cloudwatch = new CloudWatchClient(config);
  clients.lambda = new LambdaClient(config);
  clients.iam = new IAMClient(config);
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: T.table,
      AttributeDefinitions: [{ AttributeName: "jobId", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "jobId", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      SSESpecification: { Enabled: true, SSEType: "KMS" },
      DeletionProtectionEnabled: true,
    }),
  );
  await clients.dynamodb.send(
    new UpdateContinuousBackupsCommand({
      TableName: T.table,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  );
  await clients.dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: T.table,
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    }),
  );
  await clients.dynamodb.send(
    new PutItemCommand({ TableName: T.table, Item: { jobId: { S: "job-recorded" } } }),
  );
  const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: T.queue }));
  queueUrl = queue.QueueUrl!;
  queueArn = (
    await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    )
  ).Attributes!.QueueArn!;
  await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: T.fn,
      Runtime: "nodejs22.x",
      Role: await createRole("handler-role", "lambda.amazonaws.com"),
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": strToU8("exports.handler = async () => {};") }) },
    }),
  );
  await clients.events.send(
    new PutRuleCommand({
      Name: T.rule,
      EventPattern: JSON.stringify({ source: ["aws.batch"] }),
      State: "ENABLED",
    }),
  );
  await clients.events.send(new PutTargetsCommand({ Rule: T.rule, Targets: [functionTarget()] }));
  await clients.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: "dead-letters-alarm",
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: T.queue }],
      Statistic: "Maximum",
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
    }),
  );
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.prod.yaml"),
    "config:\n  aws:region: us-east-1\n  batch-job-log:retentionDays: 30\n",
  );
  fs.writeFileSync(
    path.join(dir, "outputs.json"),
    JSON.stringify({
      tableName: T.table,
      functionName: T.fn,
      ruleName: T.rule,
      deadLetterQueueUrl: queueUrl,
    }),
  );
  batchJobs();
}, 60_000);

afterAll(async () => {
  await moto?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Report {
  ok: boolean;
  role: string;
  checks: { check: string; ok: boolean; detail: string; fix?: string }[];
}

async function doctor(args: string[] = [], now = NOW) {
  const io = recordingIO({ cwd: dir, env: { AWS_REGION: REGION } });
  const code = await runCommand(
    doctorCommand,
    [
      "--outputs",
      "outputs.json",
      ...(args.includes("--stack") ? [] : ["--stack", "prod"]),
      "--job-queue",
      QUEUE_ARN,
      "--endpoint-url",
      moto.endpoint,
      ...args,
    ],
    io,
    { now: () => now },
  );
  return { code, out: io.out(), err: io.err() };
}

/** The checks that failed, from --json. */
async function failedChecks(args: string[] = [], now = NOW): Promise<string[]> {
  const { code, out, err } = await doctor(["--json", ...args], now);
  expect(err).toBe("");
  const report = JSON.parse(out) as Report;
  expect(code).toBe(report.ok ? 0 : 1);
  return report.checks.filter((c) => !c.ok).map((c) => c.check);
}

const STANDALONE_CHECKS = [
  "table.encryption",
  "table.point-in-time-recovery",
  "table.ttl",
  "table.deletion-protection",
  "rule.enabled",
  "rule.target",
  "function.errors",
  "function.throttles",
  "dead-letters.depth",
  "dead-letters.oldest",
  "alarm",
  "records.lag",
];

describe("doctor on a healthy standalone stack", () => {
  test("every check passes: one line each, exit 0", async () => {
    const { code, out, err } = await doctor();
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const lines = out.trimEnd().split("\n");
    expect(lines.map((l) => l.split(":")[0])).toEqual([
      ...STANDALONE_CHECKS.map((c) => `ok   ${c}`),
      "12 checks passed (standalone stack).",
    ]);
    expect(lines[5]).toBe(
      `ok   rule.target: targets function arn:aws:lambda:${REGION}:${ACCOUNT}:function:${T.fn}, 185 retries over a day, then the dead-letter queue`,
    );
    expect(lines[11]).toBe("ok   records.lag: newest ended job job-recorded recorded, no lag");
  });

  test("--json: one document, the role and every check", async () => {
    const { code, out } = await doctor(["--json"]);
    const report = JSON.parse(out) as Report;
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.role).toBe("standalone");
    expect(report.checks.map((c) => c.check)).toEqual(STANDALONE_CHECKS);
  });
});

describe("doctor: one thing broken at a time, exactly its check fails", () => {
  test("point-in-time recovery off", async () => {
    const pitr = (on: boolean) =>
      clients.dynamodb.send(
        new UpdateContinuousBackupsCommand({
          TableName: T.table,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: on },
        }),
      );
    await pitr(false);
    expect(await failedChecks()).toEqual(["table.point-in-time-recovery"]);
    await pitr(true);
  });

  test("TTL off though retentionDays is set", async () => {
    const ttl = (on: boolean) =>
      clients.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: T.table,
          TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: on },
        }),
      );
    await ttl(false);
    expect(await failedChecks()).toEqual(["table.ttl"]);
    await ttl(true);
  });

  test("deletion protection off", async () => {
    const protect = (on: boolean) =>
      clients.dynamodb.send(
        new UpdateTableCommand({ TableName: T.table, DeletionProtectionEnabled: on }),
      );
    await protect(false);
    const { code, out } = await doctor();
    expect(code).toBe(1);
    expect(out).toContain(
      "FAIL table.deletion-protection: deletion protection off, configured on\n" +
        "     fix: run `pulumi up` to put it back as the program declares it\n",
    );
    expect(out).toContain("1 of 12 checks failed (standalone stack).\n");
    await protect(true);
  });

  test("a customer-managed key configured, the table on another", async () => {
    fs.writeFileSync(
      path.join(dir, "Pulumi.cmk.yaml"),
      "config:\n  batch-job-log:retentionDays: 30\n  batch-job-log:kmsKeyArn: arn:aws:kms:us-east-1:123456789012:key/other\n",
    );
    expect(await failedChecks(["--stack", "cmk"])).toEqual(["table.encryption"]);
  });

  test("the rule disabled", async () => {
    await clients.events.send(new DisableRuleCommand({ Name: T.rule }));
    expect(await failedChecks()).toEqual(["rule.enabled"]);
    await clients.events.send(new EnableRuleCommand({ Name: T.rule }));
  });

  test("the target's retries not the program's", async () => {
    await clients.events.send(
      new PutTargetsCommand({ Rule: T.rule, Targets: [functionTarget(3)] }),
    );
    const { out } = await doctor(["--json"]);
    const report = JSON.parse(out) as Report;
    expect(report.checks.filter((c) => !c.ok)).toEqual([
      {
        check: "rule.target",
        ok: false,
        detail: `target function arn:aws:lambda:${REGION}:${ACCOUNT}:function:${T.fn}: retries 3 over 86400 s (expected 185 over 86400 s)`,
        fix: "run `pulumi up` to put it back as the program declares it",
      },
    ]);
    await clients.events.send(new PutTargetsCommand({ Rule: T.rule, Targets: [functionTarget()] }));
  });

  test("no such function: rule.target fails with Lambda's error, rule.enabled still passes", async () => {
    const { out } = await doctor(["--json", "--function", "gone"]);
    const report = JSON.parse(out) as Report;
    expect(report.checks.filter((c) => !c.ok)).toEqual([
      {
        check: "rule.target",
        ok: false,
        detail: expect.stringMatching(/^ResourceNotFoundException: .*gone/),
        fix: `check that rule ${T.rule} (default bus) and function gone exist in this account and region`,
      },
    ]);
  });

  test("the function failed or was throttled in the last hour (metrics of a later hour)", async () => {
    const put = (metric: string, at: number) =>
      clients.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: "AWS/Lambda",
          MetricData: [
            {
              MetricName: metric,
              Dimensions: [{ Name: "FunctionName", Value: T.fn }],
              Timestamp: new Date(at),
              Value: 2,
            },
          ],
        }),
      );
    await put("Errors", NOW + 10 * HOUR);
    await put("Throttles", NOW + 20 * HOUR);
    expect(await failedChecks([], NOW + 10 * HOUR + 60_000)).toEqual(["function.errors"]);
    expect(await failedChecks([], NOW + 20 * HOUR + 60_000)).toEqual(["function.throttles"]);
  });

  test("a message in the dead-letter queue", async () => {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{}" }));
    expect(await failedChecks()).toEqual(["dead-letters.depth"]);
    await clients.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  });

  test("a message waited in the dead-letter queue in the last hour", async () => {
    await clients.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "AWS/SQS",
        MetricData: [
          {
            MetricName: "ApproximateAgeOfOldestMessage",
            Dimensions: [{ Name: "QueueName", Value: T.queue }],
            Timestamp: new Date(NOW + 30 * HOUR),
            Value: 600,
          },
        ],
      }),
    );
    expect(await failedChecks([], NOW + 30 * HOUR + 60_000)).toEqual(["dead-letters.oldest"]);
  });

  test("the alarm in ALARM", async () => {
    const state = (StateValue: "ALARM" | "OK") =>
      clients.cloudwatch.send(
        new SetAlarmStateCommand({
          AlarmName: "dead-letters-alarm",
          StateValue,
          StateReason: "test",
        }),
      );
    await state("ALARM");
    expect(await failedChecks()).toEqual(["alarm"]);
    await state("OK");
  });

  test("a job that ended an hour ago is not recorded", async () => {
    batchJobs({ jobId: "job-missing", stoppedAt: NOW - HOUR });
    const { out } = await doctor(["--json"]);
    expect((JSON.parse(out) as Report).checks.filter((c) => !c.ok)).toEqual([
      {
        check: "records.lag",
        ok: false,
        detail:
          "newest ended job job-missing not recorded; the newest recorded, job-recorded, ended 60 min 0 s before it",
        fix: expect.any(String),
      },
    ]);
    batchJobs();
  });

  test("nothing recorded of what ended over 5 minutes ago; a job that just ended waits", async () => {
    batchMock.reset();
    batchMock.on(ListJobsCommand).resolves({
      jobSummaryList: [{ jobId: "job-missing", jobName: "b", stoppedAt: NOW - 10 * 60_000 }],
    });
    expect(await failedChecks()).toEqual(["records.lag"]);
    batchMock.on(ListJobsCommand).resolves({
      jobSummaryList: [{ jobId: "job-missing", jobName: "b", stoppedAt: NOW - 60_000 }],
    });
    expect(await failedChecks()).toEqual([]);
    batchJobs();
  });
});

describe("doctor on a hub and a spoke", () => {
  const BUS = "batch-job-log-hub";
  const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`;

  test("hub: the bus admits acceptFrom and its rule feeds the function; one more account, or the rule disabled, fails its check", async () => {
    await clients.events.send(new CreateEventBusCommand({ Name: BUS }));
    await clients.events.send(
      new PutRuleCommand({
        Name: "hub-rule",
        EventBusName: BUS,
        EventPattern: JSON.stringify({ source: ["aws.batch"] }),
      }),
    );
    await clients.events.send(
      new PutTargetsCommand({ Rule: "hub-rule", EventBusName: BUS, Targets: [functionTarget()] }),
    );
    await clients.events.send(
      new PutPermissionCommand({
        EventBusName: BUS,
        Action: "events:PutEvents",
        Principal: "111122223333",
        StatementId: "AcceptFromAccounts",
      }),
    );
    fs.writeFileSync(
      path.join(dir, "Pulumi.hub.yaml"),
      "config:\n  batch-job-log:retentionDays: 30\n  batch-job-log:acceptFrom:\n    - '111122223333'\n",
    );
    const hub = ["--stack", "hub", "--event-bus-arn", BUS_ARN];
    const { out } = await doctor(["--json", ...hub]);
    const report = JSON.parse(out) as Report;
    expect(report.role).toBe("hub");
    expect(report.checks.find((c) => c.check === "hub.bus-policy")).toEqual({
      check: "hub.bus-policy",
      ok: true,
      detail: `bus ${BUS} admits 111122223333`,
    });
    expect(report.checks.find((c) => c.check === "hub.rule")).toEqual({
      check: "hub.rule",
      ok: true,
      detail: `rule hub-rule on bus ${BUS} feeds the function, enabled`,
    });
    expect(report.ok).toBe(true);
    await clients.events.send(new DisableRuleCommand({ Name: "hub-rule", EventBusName: BUS }));
    expect(await failedChecks(hub)).toEqual(["hub.rule"]);
    await clients.events.send(new EnableRuleCommand({ Name: "hub-rule", EventBusName: BUS }));
    await clients.events.send(
      new PutPermissionCommand({
        EventBusName: BUS,
        Action: "events:PutEvents",
        Principal: "444455556666",
        StatementId: "Intruder",
      }),
    );
    expect(await failedChecks(hub)).toEqual(["hub.bus-policy"]);
    await clients.events.send(
      new RemovePermissionCommand({ EventBusName: BUS, StatementId: "Intruder" }),
    );
  });

  test("spoke: the rule forwards to the hub's bus through a role that may only put events there; a wider role or none fails", async () => {
    const spokeRule = "spoke-rule";
    const forward = (RoleArn?: string) =>
      clients.events.send(
        new PutTargetsCommand({
          Rule: spokeRule,
          Targets: [
            {
              Id: "hub",
              Arn: BUS_ARN,
              RoleArn,
              RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
              DeadLetterConfig: { Arn: queueArn },
            },
          ],
        }),
      );
    await clients.events.send(
      new PutRuleCommand({
        Name: spokeRule,
        EventPattern: JSON.stringify({ source: ["aws.batch"] }),
      }),
    );
    const putPolicy = (Action: string[]) =>
      clients.iam.send(
        new PutRolePolicyCommand({
          RoleName: "forward",
          PolicyName: "forward-policy",
          PolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action, Resource: [BUS_ARN] }],
          }),
        }),
      );
    await forward(await createRole("forward", "events.amazonaws.com"));
    await putPolicy(["events:PutEvents"]);
    const spoke = [
      "--rule",
      spokeRule,
      "--dead-letter-queue-url",
      queueUrl,
      "--forward-to",
      BUS_ARN,
    ];
    const { code, out } = await doctor(["--json", ...spoke]);
    const report = JSON.parse(out) as Report;
    expect(code).toBe(0);
    expect(report.role).toBe("spoke");
    expect(report.checks.map((c) => c.check)).toEqual([
      "rule.enabled",
      "rule.target",
      "spoke.role",
      "dead-letters.depth",
      "dead-letters.oldest",
      "alarm",
    ]);
    expect(report.checks[2].detail).toBe(
      `role forward: EventBridge only, events:PutEvents on ${BUS_ARN} only`,
    );
    await putPolicy(["events:PutEvents", "events:DeleteRule"]);
    const broken = JSON.parse((await doctor(["--json", ...spoke])).out) as Report;
    expect(broken.checks.filter((c) => !c.ok).map((c) => [c.check, c.detail])).toEqual([
      ["spoke.role", "role forward: it also allows events:DeleteRule"],
    ]);
    await putPolicy(["events:PutEvents"]);
    await forward(undefined);
    expect(await failedChecks(spoke)).toEqual(["rule.target"]);
  });
});

describe("doctor's input", () => {
  test("an endpoint that cannot be reached ends the command with one line, exit 1", async () => {
    const io = recordingIO({ cwd: dir, env: { AWS_REGION: REGION } });
    const code = await runCommand(
      doctorCommand,
      ["--outputs", "outputs.json", "--stack", "prod", "--endpoint-url", "http://127.0.0.1:1"],
      io,
    );
    expect(code).toBe(1);
    expect(io.out()).toBe("");
    expect(io.err()).toMatch(
      /^batch-job-log doctor: cannot reach DynamoDB at http:\/\/127\.0\.0\.1:1 \(/,
    );
    expect(io.err().split("\n")).toHaveLength(2);
  });

  test("no outputs and no pulumi: a clear error, exit 1, no AWS call", async () => {
    const io = recordingIO({ cwd: dir, env: {} });
    const code = await runCommand(doctorCommand, ["--endpoint-url", moto.endpoint], io, {
      pulumi: async () => ({ problem: "the pulumi CLI is not on the PATH" }),
    } as never);
    expect(code).toBe(1);
    expect(io.err()).toBe(
      "batch-job-log doctor: no stack outputs: the pulumi CLI is not on the PATH; pass --outputs FILE, or --rule and --dead-letter-queue-url\n",
    );
  });
});
