// batch-job-log: records, per AWS Batch job, where its CloudWatch logs are and why it ended.
// Batch names a job's log stream after its ECS task, not the job; only DescribeJobs links the
// two, and Batch forgets finished jobs within days. This stack listens to "Batch Job State
// Change" events and keeps that link in DynamoDB. One stack per region.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as handler from "./handler";
import { readStackConfig } from "./infra/config";
import { TABLE_SCHEMA, tableKeysAndIndexes } from "./record/schema";

// Configuration, with defaults; invalid values fail here with the key's name.
const config = readStackConfig(new pulumi.Config());
const stack = pulumi.getStack();
const region = aws.getRegionOutput().region;

// The table: one item per job, keyed by job id, encrypted with KMS and recoverable to any second.
// Its key, attribute types and indexes are the record's schema (record/schema.ts).
const table = new aws.dynamodb.Table("jobs", {
  billingMode: "PAY_PER_REQUEST",
  ...tableKeysAndIndexes(),
  serverSideEncryption: config.kmsKeyArn
    ? { enabled: true, kmsKeyArn: config.kmsKeyArn }
    : { enabled: true },
  pointInTimeRecovery: { enabled: true },
  deletionProtectionEnabled: config.deletionProtection,
  ttl:
    config.retentionDays === undefined
      ? undefined
      : { attributeName: TABLE_SCHEMA.ttlAttribute, enabled: true },
});

// The dead-letter queue: events that could not be recorded after every retry wait here 14 days.
const deadLetterQueue = new aws.sqs.Queue("dead-letters", {
  sqsManagedSseEnabled: true,
  messageRetentionSeconds: 14 * 24 * 60 * 60,
});

// The handler's own log group, with a retention.
const logGroup = new aws.cloudwatch.LogGroup("handler-logs", {
  name: `/aws/lambda/batch-job-log-${stack}`,
  retentionInDays: config.logRetentionDays,
});

// The handler's role: it may only write items to this table, log to its group and dead-letter.
const role = new aws.iam.Role("handler-role", {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
});
const rolePolicy = new aws.iam.RolePolicy("handler-policy", {
  role: role.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [table.arn] },
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [pulumi.interpolate`${logGroup.arn}:*`],
      },
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [deadLetterQueue.arn] },
      // A customer-managed table key: DynamoDB uses it on the caller's behalf.
      ...(config.kmsKeyArn
        ? [
            {
              Effect: "Allow",
              Action: ["kms:Decrypt", "kms:GenerateDataKey"],
              Resource: [config.kmsKeyArn],
              Condition: {
                StringEquals: {
                  "kms:ViaService": pulumi.interpolate`dynamodb.${region}.amazonaws.com`,
                },
              },
            },
          ]
        : []),
    ],
  }),
});

// The handler: a magic function whose code Pulumi serializes from ./handler.
const fn = new aws.lambda.CallbackFunction(
  "handler",
  {
    runtime: aws.lambda.Runtime.NodeJS22dX,
    role: role,
    // Graviton: the same work for less; the handler is plain JavaScript.
    architectures: ["arm64"],
    timeout: 10,
    memorySize: 256,
    environment: {
      variables: {
        TABLE_NAME: table.name,
        ...(config.retentionDays === undefined
          ? {}
          : { RETENTION_DAYS: String(config.retentionDays) }),
      },
    },
    // One JSON line per event from the handler; the platform's START/END/REPORT lines are
    // dropped (duration and errors remain as Lambda metrics), runtime errors are kept.
    loggingConfig: {
      logFormat: "JSON",
      logGroup: logGroup.name,
      applicationLogLevel: "INFO",
      systemLogLevel: "WARN",
    },
    // The Node.js 22 runtime provides the AWS SDK v3: the archive carries only the handler.
    codePathOptions: {
      extraExcludePackages: ["@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb"],
    },
    callbackFactory: () => handler.createEventHandler(),
  },
  { dependsOn: [rolePolicy] },
);

// After its own retries, a failed invocation goes to the dead-letter queue. Lambda checks the
// role's sqs:SendMessage when the destination is set, so the policy must exist first.
new aws.lambda.FunctionEventInvokeConfig(
  "handler-invoke-config",
  {
    functionName: fn.name,
    maximumRetryAttempts: 2,
    maximumEventAgeInSeconds: 6 * 60 * 60,
    destinationConfig: { onFailure: { destination: deadLetterQueue.arn } },
  },
  { dependsOn: [rolePolicy] },
);

// The rule: terminal (and optionally other) state changes of Batch jobs on the default bus.
const rule = new aws.cloudwatch.EventRule("job-state-change", {
  description: "Batch Job State Change events recorded by batch-job-log",
  eventPattern: JSON.stringify({
    source: ["aws.batch"],
    "detail-type": ["Batch Job State Change"],
    detail: {
      status: config.statuses,
      ...(config.jobQueues.length > 0 ? { jobQueue: config.jobQueues } : {}),
    },
  }),
});

// EventBridge may invoke the handler, from this rule only.
const permission = new aws.lambda.Permission("rule-invoke", {
  action: "lambda:InvokeFunction",
  function: fn.name,
  principal: "events.amazonaws.com",
  sourceArn: rule.arn,
});

// The rule's target: retried for a day, then dead-lettered.
new aws.cloudwatch.EventTarget(
  "handler-target",
  {
    rule: rule.name,
    arn: fn.arn,
    retryPolicy: { maximumEventAgeInSeconds: 24 * 60 * 60, maximumRetryAttempts: 185 },
    deadLetterConfig: { arn: deadLetterQueue.arn },
  },
  { dependsOn: [permission] },
);

// Only this rule may send to the dead-letter queue (Lambda sends with the role above).
new aws.sqs.QueuePolicy("dead-letters-policy", {
  queueUrl: deadLetterQueue.url,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RuleDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: deadLetterQueue.arn,
        Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
      },
    ],
  }),
});

// An alarm as soon as one event waits in the dead-letter queue.
new aws.cloudwatch.MetricAlarm("dead-letters-alarm", {
  alarmDescription: "batch-job-log could not record a Batch event: see the dead-letter queue.",
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  dimensions: { QueueName: deadLetterQueue.name },
  statistic: "Maximum",
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
  alarmActions: config.alarmTopicArn ? [config.alarmTopicArn] : [],
});

export const tableName = table.name;
export const tableArn = table.arn;
export const functionName = fn.name;
export const ruleName = rule.name;
export const deadLetterQueueUrl = deadLetterQueue.url;
