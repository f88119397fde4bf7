/**
 * The standalone role, which a hub has too: the table and the Lambda that records what the rule on
 * the default bus matches. Resource names are flat (no parent), as they were in index.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as handler from "../handler";
import { TABLE_SCHEMA, tableKeysAndIndexes } from "../record/schema";
import type { StackConfig } from "./config";
import { retriedThenDeadLettered } from "./delivery";

export interface Recorder {
  readonly table: aws.dynamodb.Table;
  readonly fn: aws.lambda.Function;
}

export function createRecorder(
  config: StackConfig,
  rule: aws.cloudwatch.EventRule,
  deadLetterQueue: aws.sqs.Queue,
): Recorder {
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

  // EventBridge may invoke the handler, from the rule on the default bus only.
  const permission = new aws.lambda.Permission("rule-invoke", {
    action: "lambda:InvokeFunction",
    function: fn.name,
    principal: "events.amazonaws.com",
    sourceArn: rule.arn,
  });

  // The rule's target: the handler, retried for a day, then dead-lettered.
  new aws.cloudwatch.EventTarget(
    "handler-target",
    { rule: rule.name, arn: fn.arn, ...retriedThenDeadLettered(deadLetterQueue) },
    { dependsOn: [permission] },
  );

  return { table, fn };
}
