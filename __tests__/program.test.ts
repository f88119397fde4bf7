/**
 * The Pulumi program under mocks: every resource it registers, with its exact inputs, for the
 * default configuration and each variation. Resource names are the mocks' physical names
 * (`<name>-0a1b2c3`), account 123456789012, region us-east-1.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { DEFAULTS } from "../infra/config";
import { tableKeysAndIndexes } from "../record/schema";
import type { ProgramModel } from "../twin/program";
import { evaluateFresh, inputsOf, TYPES } from "./helpers/program";

const ACCOUNT = "123456789012";
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/jobs-0a1b2c3`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:dead-letters-0a1b2c3`;
const RULE_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:rule/job-state-change-0a1b2c3`;
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:handler-0a1b2c3`;
const LOG_GROUP = "/aws/lambda/batch-job-log-dev";
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const QUEUE_1 = `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/etl`;
const QUEUE_2 = `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/ml-training`;

function policyDocument(model: ProgramModel, type: string): unknown {
  return JSON.parse(inputsOf(model, type).policy as string);
}

describe("the program with the default configuration", () => {
  let model: ProgramModel;
  beforeAll(async () => {
    model = await evaluateFresh();
  });

  it("registers exactly these resources, once each", () => {
    const types = model.resources.map((r) => r.type).sort();
    expect(types).toEqual(Object.values(TYPES).sort());
  });

  it("declares the table's keys and indexes from the record's schema, as the test tables have them", () => {
    expect(inputsOf(model, TYPES.table)).toMatchObject(tableKeysAndIndexes());
  });

  it("declares the table with its key, indexes, encryption, recovery and protection", () => {
    expect(inputsOf(model, TYPES.table)).toEqual({
      billingMode: "PAY_PER_REQUEST",
      hashKey: "jobId",
      attributes: [
        { name: "jobId", type: "S" },
        { name: "jobName", type: "S" },
        { name: "createdAt", type: "N" },
        { name: "parentJobId", type: "S" },
      ],
      globalSecondaryIndexes: [
        {
          name: "byJobName",
          hashKey: "jobName",
          rangeKey: "createdAt",
          projectionType: "INCLUDE",
          nonKeyAttributes: [
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
        {
          name: "byParentJobId",
          hashKey: "parentJobId",
          rangeKey: "jobId",
          projectionType: "INCLUDE",
          nonKeyAttributes: [
            "layout",
            "status",
            "exitCode",
            "stoppedAt",
            "arrayIndex",
            "nodeIndex",
          ],
        },
      ],
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    });
  });

  it("matches terminal Batch Job State Change events from any queue", () => {
    const rule = inputsOf(model, TYPES.rule);
    expect(JSON.parse(rule.eventPattern as string)).toEqual({
      source: ["aws.batch"],
      "detail-type": ["Batch Job State Change"],
      detail: { status: ["SUCCEEDED", "FAILED"] },
    });
    expect(rule.eventBusName).toBeUndefined();
  });

  it("gives the function an explicit runtime, architecture, role, timeout, memory, environment and logging", () => {
    const { code, ...fn } = inputsOf(model, TYPES.fn);
    expect(code).toBeDefined();
    expect(fn).toEqual({
      runtime: "nodejs22.x",
      handler: "__index.handler",
      role: `arn:aws:iam::${ACCOUNT}:role/handler-role-0a1b2c3`,
      architectures: ["arm64"],
      timeout: 10,
      memorySize: 256,
      environment: { variables: { TABLE_NAME: "jobs-0a1b2c3" } },
      loggingConfig: {
        logFormat: "JSON",
        logGroup: LOG_GROUP,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
    });
  });

  it("ships only the serialized handler in the archive", () => {
    expect(model.lambda.files).toEqual(["__index.js"]);
    expect(model.lambda.code).toContain("exports.handler");
    expect(model.lambda.code).not.toMatch(/@pulumi\//);
  });

  it("lets only Lambda assume the role, which has no managed policy attached", () => {
    expect(inputsOf(model, TYPES.role)).toEqual({
      assumeRolePolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AllowAssumeRole",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Principal: { Service: "lambda.amazonaws.com" },
          },
        ],
      },
    });
    expect(model.resources.filter((r) => r.type.includes("rolePolicyAttachment"))).toEqual([]);
  });

  it("grants the handler exactly PutItem on the table, its log group and its dead-letter queue", () => {
    expect(inputsOf(model, TYPES.rolePolicy).role).toBe("handler-role-id");
    expect(policyDocument(model, TYPES.rolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [TABLE_ARN] },
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${LOG_GROUP}:*`],
        },
        { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [QUEUE_ARN] },
      ],
    });
  });

  it("keeps the handler's logs for 30 days", () => {
    expect(inputsOf(model, TYPES.logGroup)).toEqual({ name: LOG_GROUP, retentionInDays: 30 });
  });

  it("retries the rule's target for a day and then dead-letters the event", () => {
    expect(inputsOf(model, TYPES.target)).toEqual({
      rule: "job-state-change-0a1b2c3",
      arn: FUNCTION_ARN,
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: QUEUE_ARN },
    });
  });

  it("sends failed asynchronous invocations to the same queue after two retries", () => {
    expect(inputsOf(model, TYPES.invokeConfig)).toEqual({
      functionName: "handler-0a1b2c3",
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: QUEUE_ARN } },
    });
  });

  it("scopes the invoke permission to this rule", () => {
    expect(inputsOf(model, TYPES.permission)).toEqual({
      action: "lambda:InvokeFunction",
      function: "handler-0a1b2c3",
      principal: "events.amazonaws.com",
      sourceArn: RULE_ARN,
    });
  });

  it("encrypts the dead-letter queue, keeps messages 14 days and lets only the rule send", () => {
    expect(inputsOf(model, TYPES.queue)).toEqual({
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
    });
    expect(inputsOf(model, TYPES.queuePolicy).queueUrl).toBe(
      `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/dead-letters-0a1b2c3`,
    );
    expect(policyDocument(model, TYPES.queuePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RuleDeadLetters",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: QUEUE_ARN,
          Condition: { ArnEquals: { "aws:SourceArn": RULE_ARN } },
        },
      ],
    });
  });

  it("alarms as soon as one message is visible in the dead-letter queue", () => {
    expect(inputsOf(model, TYPES.alarm)).toEqual({
      alarmDescription: "batch-job-log could not record a Batch event: see the dead-letter queue.",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "dead-letters-0a1b2c3" },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [],
    });
  });

  it("creates the function and its failure destination only once the role may use them", () => {
    // Lambda checks the role's sqs:SendMessage when the destination is set: the policy goes first.
    const dependencies = Object.fromEntries(model.resources.map((r) => [r.name, r.dependencies]));
    expect(dependencies["handler"]).toEqual([
      "handler-logs",
      "handler-policy",
      "handler-role",
      "jobs",
    ]);
    expect(dependencies["handler-invoke-config"]).toEqual([
      "dead-letters",
      "handler",
      "handler-policy",
    ]);
    expect(dependencies["handler-target"]).toEqual([
      "dead-letters",
      "handler",
      "job-state-change",
      "rule-invoke",
    ]);
  });

  it("exports the outputs users look up, resolved to the created resources", () => {
    expect(model.outputs).toEqual({
      tableName: "jobs-0a1b2c3",
      tableArn: TABLE_ARN,
      functionName: "handler-0a1b2c3",
      ruleName: "job-state-change-0a1b2c3",
      deadLetterQueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/dead-letters-0a1b2c3`,
    });
  });
});

describe("configuration variations", () => {
  it("adds RUNNING to the rule when statuses lists it", async () => {
    const model = await evaluateFresh({ statuses: '["SUCCEEDED","FAILED","RUNNING"]' });
    const pattern = JSON.parse(inputsOf(model, TYPES.rule).eventPattern as string);
    expect(pattern.detail).toEqual({ status: ["SUCCEEDED", "FAILED", "RUNNING"] });
  });

  it("narrows the rule to the configured job queues", async () => {
    const model = await evaluateFresh({ jobQueues: JSON.stringify([QUEUE_1, QUEUE_2]) });
    const pattern = JSON.parse(inputsOf(model, TYPES.rule).eventPattern as string);
    expect(pattern.detail).toEqual({
      status: ["SUCCEEDED", "FAILED"],
      jobQueue: [QUEUE_1, QUEUE_2],
    });
  });

  it("encrypts with the customer-managed key and lets the handler use it through DynamoDB only", async () => {
    const model = await evaluateFresh({ kmsKeyArn: KMS_KEY });
    expect(inputsOf(model, TYPES.table).serverSideEncryption).toEqual({
      enabled: true,
      kmsKeyArn: KMS_KEY,
    });
    const statements = (policyDocument(model, TYPES.rolePolicy) as { Statement: unknown[] })
      .Statement;
    expect(statements).toHaveLength(4);
    expect(statements[3]).toEqual({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [KMS_KEY],
      Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
    });
  });

  it("expires records through TTL and tells the handler the retention", async () => {
    const model = await evaluateFresh({ retentionDays: "90" });
    expect(inputsOf(model, TYPES.table).ttl).toEqual({ attributeName: "expiresAt", enabled: true });
    expect(inputsOf(model, TYPES.fn).environment).toEqual({
      variables: { TABLE_NAME: "jobs-0a1b2c3", RETENTION_DAYS: "90" },
    });
  });

  it("turns deletion protection off for throwaway stacks", async () => {
    const model = await evaluateFresh({ deletionProtection: "false" });
    expect(inputsOf(model, TYPES.table).deletionProtectionEnabled).toBe(false);
  });

  it("uses the configured log retention and alarm topic", async () => {
    const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
    const model = await evaluateFresh({ logRetentionDays: "365", alarmTopicArn: topic });
    expect(inputsOf(model, TYPES.logGroup).retentionInDays).toBe(365);
    expect(inputsOf(model, TYPES.alarm).alarmActions).toEqual([topic]);
  });

  it("names the stack's region in the KMS condition", async () => {
    const model = await evaluateFresh({ "aws:region": "eu-west-1", kmsKeyArn: KMS_KEY });
    const statements = (
      policyDocument(model, TYPES.rolePolicy) as { Statement: { Condition?: unknown }[] }
    ).Statement;
    expect(statements[3].Condition).toEqual({
      StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" },
    });
  });

  it.each([
    [
      { statuses: '["SUCCEEDED","DONE"]' },
      'Invalid configuration "batch-job-log:statuses": "DONE" is not a Batch job status; use SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED.',
    ],
    [
      { statuses: "[]" },
      'Invalid configuration "batch-job-log:statuses": it must list at least one status.',
    ],
    [
      { statuses: "SUCCEEDED" },
      'Invalid configuration "batch-job-log:statuses": it must be a JSON list of strings.',
    ],
    [
      { jobQueues: '["etl"]' },
      'Invalid configuration "batch-job-log:jobQueues": "etl" is not a Batch job queue ARN.',
    ],
    [
      { retentionDays: "-1" },
      'Invalid configuration "batch-job-log:retentionDays": it must be a positive number of days.',
    ],
    [
      { retentionDays: "1.5" },
      'Invalid configuration "batch-job-log:retentionDays": "1.5" is not a whole number.',
    ],
    [
      { logRetentionDays: "10" },
      'Invalid configuration "batch-job-log:logRetentionDays": 10 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.',
    ],
    [
      { kmsKeyArn: "alias/aws/dynamodb" },
      'Invalid configuration "batch-job-log:kmsKeyArn": "alias/aws/dynamodb" is not a KMS key ARN.',
    ],
    [
      { deletionProtection: "yes" },
      'Invalid configuration "batch-job-log:deletionProtection": "yes" is not true or false.',
    ],
    [
      { alarmTopicArn: "oncall" },
      'Invalid configuration "batch-job-log:alarmTopicArn": "oncall" is not an SNS topic ARN.',
    ],
  ])("rejects %j with a message naming the key", async (config, message) => {
    await expect(evaluateFresh(config)).rejects.toThrow(message);
  });
});

describe("Pulumi.yaml", () => {
  const project = yaml.load(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
    name: string;
    config: Record<string, { type: string; description: string; default?: unknown }>;
  };

  it("declares every key the program reads, with a type and a description", () => {
    expect(project.name).toBe("batch-job-log");
    expect(Object.keys(project.config).sort()).toEqual(
      [
        "alarmTopicArn",
        "deletionProtection",
        "jobQueues",
        "kmsKeyArn",
        "logRetentionDays",
        "retentionDays",
        "statuses",
      ].sort(),
    );
    for (const declared of Object.values(project.config)) {
      expect(declared.type).toMatch(/^(string|integer|boolean|array)$/);
      expect(declared.description.length).toBeGreaterThan(20);
    }
  });

  it("states the same defaults the program applies", () => {
    const defaults = Object.fromEntries(
      Object.entries(project.config)
        .filter(([, declared]) => declared.default !== undefined)
        .map(([key, declared]) => [key, declared.default]),
    );
    expect(defaults).toEqual(DEFAULTS);
  });

  it("pins the dev stack to a region", () => {
    const dev = yaml.load(fs.readFileSync(path.join(__dirname, "..", "Pulumi.dev.yaml"), "utf8"));
    expect(dev).toEqual({ config: { "aws:region": "us-east-1" } });
  });
});
