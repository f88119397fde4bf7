/**
 * The Pulumi program under mocks: every resource it registers, with its exact inputs, for the
 * default configuration (a standalone stack) and each variation, and for the other two roles: a
 * spoke (Pulumi.spoke-example.yaml) and a hub (Pulumi.hub.yaml). Resource names are the mocks'
 * physical names (`<name>-0a1b2c3`), account 123456789012, region us-east-1 unless a stack file
 * says otherwise.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, readStackConfig } from "../infra/config";
import { tableKeysAndIndexes } from "../record/schema";
import * as pack from "../policy-pack/policies";
import { onlyLambda, type ProgramModel } from "../twin/program";
import { evaluateInChild } from "../twin/program-child";
import {
  byTypeAndName,
  evaluateFresh,
  evaluateStack,
  inputsOf,
  named,
  TYPES,
  typesAndNames,
} from "./helpers/program";
import {
  runPack,
  type PackConfig,
  type TestResource,
  type Violation,
} from "./helpers/policy-harness";

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

/** The resources of a standalone stack, which a hub has too. */
const STANDALONE: [string, string][] = [
  [TYPES.table, "jobs"],
  [TYPES.queue, "dead-letters"],
  [TYPES.queuePolicy, "dead-letters-policy"],
  [TYPES.alarm, "dead-letters-alarm"],
  [TYPES.logGroup, "handler-logs"],
  [TYPES.role, "handler-role"],
  [TYPES.rolePolicy, "handler-policy"],
  [TYPES.fn, "handler"],
  [TYPES.invokeConfig, "handler-invoke-config"],
  [TYPES.rule, "job-state-change"],
  [TYPES.permission, "rule-invoke"],
  [TYPES.target, "handler-target"],
];

const TERMINAL_PATTERN = {
  source: ["aws.batch"],
  "detail-type": ["Batch Job State Change"],
  detail: { status: ["SUCCEEDED", "FAILED"] },
};
const RETRY_POLICY = { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 };

describe("the program with the default configuration", () => {
  let model: ProgramModel;
  beforeAll(async () => {
    model = await evaluateFresh();
  });

  it("registers exactly these resources, once each", () => {
    expect(typesAndNames(model)).toEqual([...STANDALONE].sort(byTypeAndName));
  });

  it("declares the table with the record's schema (keys, indexes), encryption, recovery and protection", () => {
    // The keys and indexes are the record's (record/schema.ts), as the test tables have them.
    expect(inputsOf(model, TYPES.table)).toEqual({
      billingMode: "PAY_PER_REQUEST",
      ...tableKeysAndIndexes(),
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
    expect(rule).toEqual({
      description: "Batch Job State Change events recorded by batch-job-log",
      eventPattern: JSON.stringify(TERMINAL_PATTERN),
    });
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
    expect(model.lambda?.files).toEqual(["__index.js"]);
    expect(model.lambda?.code).toContain("exports.handler");
    expect(model.lambda?.code).not.toMatch(/@pulumi\//);
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

describe("a spoke (Pulumi.spoke-example.yaml)", () => {
  const REGION = "eu-west-1";
  const HUB_BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/batch-job-log-hub`;
  const SPOKE_RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/job-state-change-0a1b2c3`;
  const SPOKE_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:dead-letters-0a1b2c3`;
  const SPOKE_QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/dead-letters-0a1b2c3`;
  let model: ProgramModel;
  beforeAll(async () => {
    // With Pulumi.yaml's defaults, as the engine hands them: they are no spoke's mistake.
    model = await evaluateStack("spoke-example");
  });

  it("registers only the rule, its forwarding role and target, and the dead-letter queue", () => {
    expect(typesAndNames(model)).toEqual(
      (
        [
          [TYPES.rule, "job-state-change"],
          [TYPES.role, "forward-role"],
          [TYPES.rolePolicy, "forward-policy"],
          [TYPES.target, "forward-target"],
          [TYPES.queue, "dead-letters"],
          [TYPES.queuePolicy, "dead-letters-policy"],
          [TYPES.alarm, "dead-letters-alarm"],
        ] as [string, string][]
      ).sort(byTypeAndName),
    );
    expect(model.lambda).toBeUndefined();
    expect(() => onlyLambda(model)).toThrow(
      "The program registered no Lambda function: a spoke (forwardTo) records nothing; use its hub's stack.",
    );
  });

  it("matches the same events on the default bus as a standalone stack", () => {
    expect(inputsOf(model, TYPES.rule)).toEqual({
      description: "Batch Job State Change events forwarded to the batch-job-log hub",
      eventPattern: JSON.stringify(TERMINAL_PATTERN),
    });
  });

  it("lets only EventBridge, for this rule, assume the forwarding role", () => {
    const role = inputsOf(model, TYPES.role);
    expect(Object.keys(role)).toEqual(["assumeRolePolicy"]);
    expect(JSON.parse(role.assumeRolePolicy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { ArnEquals: { "aws:SourceArn": SPOKE_RULE_ARN } },
        },
      ],
    });
  });

  it("lets the role only put events on the hub's bus", () => {
    expect(inputsOf(model, TYPES.rolePolicy).role).toBe("forward-role-id");
    expect(policyDocument(model, TYPES.rolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["events:PutEvents"], Resource: [HUB_BUS] }],
    });
  });

  it("targets the hub's bus through the role, retried for a day and then dead-lettered", () => {
    expect(inputsOf(model, TYPES.target)).toEqual({
      rule: "job-state-change-0a1b2c3",
      arn: HUB_BUS,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/forward-role-0a1b2c3`,
      retryPolicy: RETRY_POLICY,
      deadLetterConfig: { arn: SPOKE_QUEUE_ARN },
    });
    // The role may put events before the target can use it.
    expect(named(model, "forward-target").dependencies).toEqual([
      "dead-letters",
      "forward-policy",
      "forward-role",
      "job-state-change",
    ]);
  });

  it("encrypts its dead-letter queue, lets only its rule send, and alarms on the first message", () => {
    expect(inputsOf(model, TYPES.queue)).toEqual({
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
    });
    expect(inputsOf(model, TYPES.queuePolicy).queueUrl).toBe(SPOKE_QUEUE_URL);
    expect(policyDocument(model, TYPES.queuePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RuleDeadLetters",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: SPOKE_QUEUE_ARN,
          Condition: { ArnEquals: { "aws:SourceArn": SPOKE_RULE_ARN } },
        },
      ],
    });
    expect(inputsOf(model, TYPES.alarm)).toMatchObject({
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "dead-letters-0a1b2c3" },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
  });

  it("exports the hub's bus, its rule and its queue, and nothing of a table or a function", () => {
    expect(model.outputs).toEqual({
      ruleName: "job-state-change-0a1b2c3",
      deadLetterQueueUrl: SPOKE_QUEUE_URL,
      forwardTo: HUB_BUS,
    });
  });
});

describe("a hub (Pulumi.hub.yaml)", () => {
  const BUS = "batch-job-log-hub";
  const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${BUS}`;
  const HUB_RULE_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:rule/${BUS}/hub-job-state-change-0a1b2c3`;
  const DEAD_LETTERS = {
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "sqs:SendMessage",
    Resource: QUEUE_ARN,
  };
  let model: ProgramModel;
  beforeAll(async () => {
    model = await evaluateStack("hub");
  });

  it("registers what a standalone stack does, and its bus, the bus's policy and rule, and the rule's target", () => {
    expect(typesAndNames(model)).toEqual(
      (
        [
          ...STANDALONE,
          [TYPES.eventBus, "hub-bus"],
          [TYPES.eventBusPolicy, "hub-bus-policy"],
          [TYPES.rule, "hub-job-state-change"],
          [TYPES.permission, "hub-rule-invoke"],
          [TYPES.target, "hub-handler-target"],
        ] as [string, string][]
      ).sort(byTypeAndName),
    );
  });

  it("names its bus after the stack: the spoke example's forwardTo", () => {
    expect(inputsOf(model, TYPES.eventBus)).toEqual({ name: BUS });
    const spoke = yaml.load(
      fs.readFileSync(path.join(__dirname, "..", "Pulumi.spoke-example.yaml"), "utf8"),
    ) as { config: Record<string, string> };
    expect(spoke.config["batch-job-log:forwardTo"]).toBe(BUS_ARN);
  });

  it("lets the listed account, by name, and the organization, through aws:PrincipalOrgID, put events on its bus", () => {
    expect(inputsOf(model, TYPES.eventBusPolicy).eventBusName).toBe(BUS);
    expect(policyDocument(model, TYPES.eventBusPolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AcceptFromAccounts",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::210987654321:root"] },
          Action: "events:PutEvents",
          Resource: BUS_ARN,
        },
        {
          Sid: "AcceptFromOrganizations",
          Effect: "Allow",
          Principal: "*",
          Action: "events:PutEvents",
          Resource: BUS_ARN,
          Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } },
        },
      ],
    });
  });

  it("matches the same events on its bus and feeds them to the same handler, retried and dead-lettered", () => {
    expect(named(model, "hub-job-state-change").inputs).toEqual({
      eventBusName: BUS,
      description: "Batch Job State Change events forwarded by batch-job-log spokes",
      eventPattern: JSON.stringify(TERMINAL_PATTERN),
    });
    expect(named(model, "hub-rule-invoke").inputs).toEqual({
      action: "lambda:InvokeFunction",
      function: "handler-0a1b2c3",
      principal: "events.amazonaws.com",
      sourceArn: HUB_RULE_ARN,
    });
    expect(named(model, "hub-handler-target").inputs).toEqual({
      rule: "hub-job-state-change-0a1b2c3",
      eventBusName: BUS,
      arn: FUNCTION_ARN,
      retryPolicy: RETRY_POLICY,
      deadLetterConfig: { arn: QUEUE_ARN },
    });
    expect(named(model, "hub-handler-target").dependencies).toEqual([
      "dead-letters",
      "handler",
      "hub-bus",
      "hub-job-state-change",
      "hub-rule-invoke",
    ]);
  });

  it("keeps recording its own account and region through the rule on the default bus", () => {
    expect(named(model, "job-state-change").inputs).toEqual({
      description: "Batch Job State Change events recorded by batch-job-log",
      eventPattern: JSON.stringify(TERMINAL_PATTERN),
    });
    expect(named(model, "handler-target").inputs).toEqual({
      rule: "job-state-change-0a1b2c3",
      arn: FUNCTION_ARN,
      retryPolicy: RETRY_POLICY,
      deadLetterConfig: { arn: QUEUE_ARN },
    });
    expect(named(model, "rule-invoke").inputs.sourceArn).toBe(RULE_ARN);
  });

  it("lets both rules, and only them, send to the dead-letter queue", () => {
    expect(policyDocument(model, TYPES.queuePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RuleDeadLetters",
          ...DEAD_LETTERS,
          Condition: { ArnEquals: { "aws:SourceArn": RULE_ARN } },
        },
        {
          Sid: "HubRuleDeadLetters",
          ...DEAD_LETTERS,
          Condition: { ArnEquals: { "aws:SourceArn": HUB_RULE_ARN } },
        },
      ],
    });
  });

  it("exports a standalone stack's outputs and its bus's ARN", () => {
    expect(model.outputs).toEqual({
      tableName: "jobs-0a1b2c3",
      tableArn: TABLE_ARN,
      functionName: "handler-0a1b2c3",
      ruleName: "job-state-change-0a1b2c3",
      deadLetterQueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/dead-letters-0a1b2c3`,
      eventBusArn: BUS_ARN,
    });
  });
});

describe("a hub's bus policy", () => {
  const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/batch-job-log-dev`;

  it("names the accounts alone when acceptFrom lists only accounts", async () => {
    const model = await evaluateFresh({ acceptFrom: '["210987654321","111122223333"]' });
    expect(policyDocument(model, TYPES.eventBusPolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AcceptFromAccounts",
          Effect: "Allow",
          Principal: {
            AWS: ["arn:aws:iam::210987654321:root", "arn:aws:iam::111122223333:root"],
          },
          Action: "events:PutEvents",
          Resource: BUS_ARN,
        },
      ],
    });
  });
});

/**
 * Every option of the stack set at once, on a hub of organizations only: one evaluation whose
 * every difference from the default configuration is checked below.
 */
describe("a hub of organizations with every option set", () => {
  const BUS_ARN = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/batch-job-log-dev`;
  const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:oncall`;
  const QUEUES = [QUEUE_1, QUEUE_2];
  let model: ProgramModel;
  beforeAll(async () => {
    model = await evaluateFresh({
      "aws:region": "eu-west-1",
      acceptFrom: '["o-a1b2c3d4e5","o-zyxwvutsrq98"]',
      statuses: '["SUCCEEDED","FAILED","RUNNING"]',
      jobQueues: JSON.stringify(QUEUES),
      kmsKeyArn: KMS_KEY,
      retentionDays: "90",
      deletionProtection: "false",
      logRetentionDays: "365",
      alarmTopicArn: TOPIC,
    });
  });

  it("has only the organization statement in the bus policy", () => {
    expect(policyDocument(model, TYPES.eventBusPolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AcceptFromOrganizations",
          Effect: "Allow",
          Principal: "*",
          Action: "events:PutEvents",
          Resource: BUS_ARN,
          Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5", "o-zyxwvutsrq98"] } },
        },
      ],
    });
  });

  it("matches RUNNING too and only the configured queues, on both rules", () => {
    const pattern = JSON.stringify({
      source: ["aws.batch"],
      "detail-type": ["Batch Job State Change"],
      detail: { status: ["SUCCEEDED", "FAILED", "RUNNING"], jobQueue: QUEUES },
    });
    expect(
      ["job-state-change", "hub-job-state-change"].map((n) => named(model, n).inputs.eventPattern),
    ).toEqual([pattern, pattern]);
  });

  it("encrypts with the customer-managed key and lets the handler use it through DynamoDB in the stack's region only", () => {
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
      Condition: { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } },
    });
  });

  it("expires records through TTL and tells the handler the retention", () => {
    expect(inputsOf(model, TYPES.table).ttl).toEqual({ attributeName: "expiresAt", enabled: true });
    expect(named(model, "handler").inputs.environment).toEqual({
      variables: { TABLE_NAME: "jobs-0a1b2c3", RETENTION_DAYS: "90" },
    });
  });

  it("turns deletion protection off", () => {
    expect(inputsOf(model, TYPES.table).deletionProtectionEnabled).toBe(false);
  });

  it("uses the configured log retention and alarm topic", () => {
    expect(inputsOf(model, TYPES.logGroup).retentionInDays).toBe(365);
    expect(inputsOf(model, TYPES.alarm).alarmActions).toEqual([TOPIC]);
  });
});

describe("the program evaluated in a child process (a long replay's: twin/program-child.ts)", () => {
  // One child for both: the model of the default configuration, then a configuration error.
  const ROOT = path.join(__dirname, "..");

  it("gives the model the program gives in this process, and the error with its name and message", async () => {
    const [inChild, here] = await Promise.all([
      evaluateInChild({ projectRoot: ROOT, stack: "dev", config: {} }),
      evaluateFresh(),
    ]);
    // Under jest, a module's exports come from the test's realm, which the closure serializer
    // writes as `Object.create(global.constructor.prototype)`; a plain process writes `{}`.
    const plain = (model: ProgramModel) => {
      const copy = JSON.parse(JSON.stringify(model)) as ProgramModel;
      const code = onlyLambda(copy).code.replace(
        /Object\.create\(global\.constructor\.prototype\)/g,
        "{}",
      );
      return { ...copy, lambda: { ...onlyLambda(copy), code } };
    };
    expect(inChild.resources.length).toBeGreaterThan(10);
    expect(plain(inChild)).toEqual(plain(here));
    const failed = await evaluateInChild({
      projectRoot: ROOT,
      stack: "dev",
      config: { statuses: '["SUCCEEDED","DONE"]' },
    }).catch((error: Error) => error);
    expect([(failed as Error).name, (failed as Error).message]).toEqual([
      "ConfigError",
      'Invalid configuration "batch-job-log:statuses": "DONE" is not a Batch job status; use SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED.',
    ]);
  });
});

describe("configuration", () => {
  it("forwards to a default bus of another region", async () => {
    const otherRegion = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/default`;
    const model = await evaluateFresh({ "aws:region": "us-east-1", forwardTo: otherRegion });
    expect(inputsOf(model, TYPES.target).arn).toBe(otherRegion);
  });

  it("fails the program, before any resource, with the message that names the key", async () => {
    await expect(evaluateFresh({ statuses: '["SUCCEEDED","DONE"]' })).rejects.toThrow(
      'Invalid configuration "batch-job-log:statuses": "DONE" is not a Batch job status; use SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED.',
    );
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
    [
      { forwardTo: `arn:aws:events:us-east-1:${ACCOUNT}:rule/job-state-change` },
      `Invalid configuration "batch-job-log:forwardTo": "arn:aws:events:us-east-1:${ACCOUNT}:rule/job-state-change" is not an EventBridge event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>).`,
    ],
    [
      {
        "aws:region": "us-east-1",
        forwardTo: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`,
      },
      `Invalid configuration "batch-job-log:forwardTo": "arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default" is a default event bus in this stack's own region, which this stack's rule listens on; forward to the hub's bus (the hub stack's output eventBusArn).`,
    ],
    [
      { forwardTo: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/hub`, retentionDays: "30" },
      'Invalid configuration "batch-job-log:retentionDays": a spoke (forwardTo) has no table and no Lambda for it to configure; remove it from this stack.',
    ],
    [
      {
        forwardTo: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/hub`,
        acceptFrom: '["210987654321"]',
      },
      'Invalid configuration "batch-job-log:forwardTo": it cannot be set together with "batch-job-log:acceptFrom": a stack either forwards its events to a hub (forwardTo) or is a hub (acceptFrom).',
    ],
    [
      { acceptFrom: '["21098765432"]' },
      'Invalid configuration "batch-job-log:acceptFrom": "21098765432" is neither a 12-digit account id nor an organization id (o- followed by 10 to 32 lowercase letters or digits).',
    ],
    [
      { acceptFrom: '["o-abc"]' },
      'Invalid configuration "batch-job-log:acceptFrom": "o-abc" is neither a 12-digit account id nor an organization id (o- followed by 10 to 32 lowercase letters or digits).',
    ],
    [
      { acceptFrom: "[]" },
      'Invalid configuration "batch-job-log:acceptFrom": it must list at least one account id or organization id.',
    ],
    [
      { acceptFrom: "[210987654321]" },
      "Invalid configuration \"batch-job-log:acceptFrom\": 210987654321 is a number, not a string: set account ids with --type string (pulumi config set --path 'acceptFrom[0]' 012345678901 --type string), or a leading zero is lost.",
    ],
  ])("rejects %j with a message naming the key", (values, message) => {
    const config = {
      name: "batch-job-log",
      get: (key: string) => values[key as keyof typeof values],
    };
    const region = (values as Record<string, string>)["aws:region"] ?? "us-east-1";
    expect(() => readStackConfig(config as unknown as pulumi.Config, region)).toThrow(message);
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
        "acceptFrom",
        "alarmTopicArn",
        "archive",
        "archiveBucket",
        "archiveExpireDays",
        "archiveLogGroups",
        "archiveStorageClass",
        "archiveTransitionDays",
        "deletionProtection",
        "forwardTo",
        "jobQueues",
        "kmsKeyArn",
        "logRetentionDays",
        "retentionDays",
        "statuses",
      ].sort(),
    );
    expect(project.config.acceptFrom).toMatchObject({ type: "array", items: { type: "string" } });
    expect(project.config.forwardTo.type).toBe("string");
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

  it("pins the dev stack to a region, with the archive on (docs/archive.md)", () => {
    const dev = yaml.load(fs.readFileSync(path.join(__dirname, "..", "Pulumi.dev.yaml"), "utf8"));
    expect(dev).toEqual({
      config: {
        "aws:region": "us-east-1",
        "batch-job-log:archive": true,
        // The sample's log groups (docs/samples.md), so that replay fills the sample's archive.
        "batch-job-log:archiveLogGroups": [
          "/aws/batch/job",
          "/batch/cfd",
          "/batch/etl",
          "/batch/mpi",
          "/batch/sidecars",
        ],
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The program satisfies its own policy pack. Every policy runs over every resource the program
// registers under Pulumi mocks, in the default configuration and in each variation, a spoke's and
// a hub's (their example stack files, with Pulumi.yaml's defaults) included: resource policies
// see the registered inputs (what `pulumi preview` sends the pack), the stack policy the
// resources' state (inputs plus the attributes AWS would add, as after a preview). Then the
// table's inputs are mutated, to show that a table without encryption or without point-in-time
// recovery cannot pass. The models are the evaluations above (helpers/program.ts keeps them).
// ---------------------------------------------------------------------------------------------
const POLICY_MSG = {
  tableEncryption:
    "DynamoDB tables must set serverSideEncryption.enabled to true, so that the table is encrypted at rest with a KMS key.",
  tableCustomerManagedKey:
    "DynamoDB tables must be encrypted with a customer-managed KMS key: set serverSideEncryption.kmsKeyArn.",
  tablePointInTimeRecovery:
    "DynamoDB tables must set pointInTimeRecovery.enabled to true, so that the table can be restored to any second of its recovery period.",
  tableDeletionProtection:
    "DynamoDB tables should set deletionProtectionEnabled to true, so that the table cannot be deleted by accident.",
  iamWildcardAction:
    'IAM policies should not allow wildcard DynamoDB actions such as "dynamodb:*" or "*": list the actions the principal needs.',
  lambdaFailureDestination:
    "Lambda functions should keep failed asynchronous invocations: set deadLetterConfig, or an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure for the function.",
} as const;

const POLICY_KMS_KEY_ARN =
  "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const REQUIRE_KEY: PackConfig = {
  "dynamodb-table-encryption-enabled": { requireCustomerManagedKey: true },
};

/** The resources as resource policies see them: type, name and registered inputs. */
function policyInputs(model: ProgramModel): TestResource[] {
  return model.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
}

/** The resources as the stack policy sees them: their state after the (mocked) deployment. */
function policyOutputs(model: ProgramModel): TestResource[] {
  return model.resources.map((r) => ({ type: r.type, name: r.name, props: r.state }));
}

function check(model: ProgramModel, config: PackConfig = {}): Promise<Violation[]> {
  return runPack(pack.policies, policyInputs(model), config, policyOutputs(model));
}

function reported(violations: readonly Violation[]): [string, string, string][] {
  return violations.map((v) => [v.policy, v.message, v.enforcementLevel]);
}

/** The model with the table's inputs and state changed by `mutate` (on copies). */
function withTable(
  model: ProgramModel,
  mutate: (props: Record<string, unknown>) => void,
): ProgramModel {
  return {
    ...model,
    resources: model.resources.map((r) => {
      if (r.type !== TYPES.table) return r;
      const inputs = structuredClone(r.inputs);
      const state = structuredClone(r.state);
      mutate(inputs);
      mutate(state);
      return { ...r, inputs, state };
    }),
  };
}

/** Every option of a standalone stack that changes what the policies see, at once. */
const EVERY_OPTION = {
  statuses: '["SUCCEEDED","FAILED","RUNNING"]',
  jobQueues: '["arn:aws:batch:us-east-1:123456789012:job-queue/q1"]',
  kmsKeyArn: POLICY_KMS_KEY_ARN,
  retentionDays: "90",
};

describe("the program under its policy pack", () => {
  let defaults: ProgramModel;
  let everyOption: ProgramModel;

  beforeAll(async () => {
    defaults = await evaluateFresh();
    everyOption = await evaluateFresh(EVERY_OPTION);
  });

  it("registers what the policies are about", () => {
    const count = (type: string) => defaults.resources.filter((r) => r.type === type).length;
    expect(
      [
        TYPES.table,
        TYPES.fn,
        TYPES.invokeConfig,
        TYPES.logGroup,
        TYPES.queue,
        TYPES.rolePolicy,
      ].map(count),
    ).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("passes every policy with the default configuration", async () => {
    expect(reported(await check(defaults))).toEqual([]);
  });

  it("passes every policy with three statuses, a queue filter, a customer-managed key and an item retention", async () => {
    expect(reported(await check(everyOption))).toEqual([]);
  });

  it.each([
    ["a spoke", "spoke-example", 0],
    ["a hub", "hub", 1],
  ])(
    "passes every policy as %s (Pulumi.%s.yaml), whose bus policies are %d",
    async (_l, stack, buses) => {
      const model = await evaluateStack(stack);
      expect(model.resources.filter((r) => r.type === TYPES.eventBusPolicy)).toHaveLength(buses);
      expect(reported(await check(model))).toEqual([]);
    },
  );

  it("has exactly the deletion-protection advisory when deletion protection is off", async () => {
    // What deletionProtection: false does to the table (program.test.ts).
    const model = withTable(defaults, (p) => (p.deletionProtectionEnabled = false));
    expect(reported(await check(model))).toEqual([
      [
        "dynamodb-table-deletion-protection-enabled",
        POLICY_MSG.tableDeletionProtection,
        "advisory",
      ],
    ]);
  });

  it("passes a pack that requires a customer-managed key only when the stack names one", async () => {
    expect(reported(await check(everyOption, REQUIRE_KEY))).toEqual([]);
    expect(reported(await check(defaults, REQUIRE_KEY))).toEqual([
      ["dynamodb-table-encryption-enabled", POLICY_MSG.tableCustomerManagedKey, "mandatory"],
    ]);
  });

  it("fails a table without encryption", async () => {
    const model = withTable(defaults, (p) => delete p.serverSideEncryption);
    expect(reported(await check(model))).toEqual([
      ["dynamodb-table-encryption-enabled", POLICY_MSG.tableEncryption, "mandatory"],
    ]);
  });

  it("fails a table without point-in-time recovery", async () => {
    const model = withTable(defaults, (p) => delete p.pointInTimeRecovery);
    expect(reported(await check(model))).toEqual([
      [
        "dynamodb-table-point-in-time-recovery-enabled",
        POLICY_MSG.tablePointInTimeRecovery,
        "mandatory",
      ],
    ]);
  });

  it("fails a table without either, with exactly those two messages", async () => {
    const model = withTable(defaults, (p) => {
      delete p.serverSideEncryption;
      delete p.pointInTimeRecovery;
    });
    expect(reported(await check(model))).toEqual([
      ["dynamodb-table-encryption-enabled", POLICY_MSG.tableEncryption, "mandatory"],
      [
        "dynamodb-table-point-in-time-recovery-enabled",
        POLICY_MSG.tablePointInTimeRecovery,
        "mandatory",
      ],
    ]);
  });

  it("advises on the handler when its invoke config is gone", async () => {
    const model = {
      ...defaults,
      resources: defaults.resources.filter((r) => r.type !== TYPES.invokeConfig),
    };
    const violations = await check(model);
    expect(reported(violations)).toEqual([
      [
        "lambda-function-failure-destination-configured",
        POLICY_MSG.lambdaFailureDestination,
        "advisory",
      ],
    ]);
    expect(violations[0].urn).toBe(`urn:pulumi:dev::batch-job-log::${TYPES.fn}::handler`);
  });

  it("advises on the handler's policy when it is widened to every DynamoDB action", async () => {
    const model = {
      ...defaults,
      resources: defaults.resources.map((r) => {
        if (r.type !== TYPES.rolePolicy) return r;
        const policy = r.inputs.policy as string;
        expect(policy).toContain('"dynamodb:PutItem"');
        const inputs = {
          ...r.inputs,
          policy: policy.replace('"dynamodb:PutItem"', '"dynamodb:*"'),
        };
        return { ...r, inputs };
      }),
    };
    expect(reported(await check(model))).toEqual([
      ["iam-no-dynamodb-wildcards", POLICY_MSG.iamWildcardAction, "advisory"],
    ]);
  });
});
