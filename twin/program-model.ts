/**
 * What the Pulumi program would create, as plain data: the model `evaluateProgram` (twin/program.ts)
 * returns, the resource types it names, and the lookups on it. No `@pulumi/*` import: a replay
 * that takes its model from a child process (twin/program-child.ts) never loads Pulumi.
 */

export const MOCK_ACCOUNT = "123456789012";
export const DEFAULT_MOCK_REGION = "us-east-1";

/** The type token of every resource the program registers. */
export const RESOURCE_TYPES = {
  table: "aws:dynamodb/table:Table",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  fn: "aws:lambda/function:Function",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  permission: "aws:lambda/permission:Permission",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  /** A hub's own bus and its policy. */
  eventBus: "aws:cloudwatch/eventBus:EventBus",
  eventBusPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  /** The S3 archive (infra/archive.ts). */
  archive: "batch-job-log:archive:Archive",
  bucket: "aws:s3/bucket:Bucket",
  bucketEncryption:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPublicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketOwnership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  bucketObject: "aws:s3/bucketObjectv2:BucketObjectv2",
  bucketNotification: "aws:s3/bucketNotification:BucketNotification",
  deliveryStream: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  logStream: "aws:cloudwatch/logStream:LogStream",
  subscriptionFilter: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
} as const;

export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** What the mock answered: the inputs plus the attributes AWS would add (arn, name, url). */
  readonly state: Record<string, unknown>;
  /** Names of the resources it waits for: through its inputs or an explicit `dependsOn`. */
  readonly dependencies: readonly string[];
}

export interface ProgramModel {
  readonly resources: readonly RegisteredResource[];
  readonly outputs: Record<string, unknown>;
  /**
   * The serialized `__index.js` of the one CallbackFunction, and its archive's file names; none
   * for a spoke (`forwardTo`), which records nothing.
   */
  readonly lambda?: SerializedLambda;
}

export interface SerializedLambda {
  readonly code: string;
  readonly files: readonly string[];
}

/** The program's serialized Lambda; throws for a stack that has none (a spoke). */
export function onlyLambda(model: ProgramModel): SerializedLambda {
  if (!model.lambda) {
    throw new Error(
      "The program registered no Lambda function: a spoke (forwardTo) records nothing; use its hub's stack.",
    );
  }
  return model.lambda;
}

/** The resources of one type, in registration order. */
export function resourcesOfType(model: ProgramModel, type: string): RegisteredResource[] {
  return model.resources.filter((r) => r.type === type);
}

/** The one resource of a type; throws when there is none or several. */
export function onlyResource(model: ProgramModel, type: string): RegisteredResource {
  const found = resourcesOfType(model, type);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}.`);
  return found[0];
}
