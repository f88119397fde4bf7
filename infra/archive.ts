/**
 * The S3 archive (`archive: true`): every line of the archived log groups of this account and
 * region, copied as it is written, kept past CloudWatch Logs' retention (docs/archive.md).
 *
 * The path: a subscription filter on each group delivers its events, as CloudWatch Logs batches
 * them per stream, to an Amazon Data Firehose stream (through a role that may only put records on
 * that stream). Firehose decompresses them, runs a jq query for each record's group and stream,
 * and writes each (group, stream) to its own prefix of the bucket (record/archive.ts), gzipped,
 * one subscription record a line, which keeps every event's id and timestamp. Nothing in the path
 * calls GetLogEvents or FilterLogEvents, which AWS throttles per account and region.
 *
 * Losing no line: CloudWatch Logs retries a throttled delivery for up to 24 hours; Firehose
 * retries a failed write for ARCHIVE_RETRY_SECONDS, then writes the records, with why, under the
 * error prefix, whose every new object is announced to a queue that alarms as soon as one
 * message waits there (the dead-letter alarm pattern of index.ts). Records over the stream's
 * active-partition quota go there too (`activePartitionExceeded`).
 *
 * Children are named from the component's name (`archive-bucket`, ...) with the component as
 * parent, as the awsx components do.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ARCHIVE_ERROR_PREFIX,
  ARCHIVE_JQ_ENGINE,
  ARCHIVE_PARTITION_QUERY,
  ARCHIVE_PREFIX,
  DEFAULT_ARCHIVE_BUCKET,
  archiveBucketName,
} from "../record/archive";
import type { ArchiveConfig } from "./config";
import { queueNotEmptyAlarm } from "./delivery";

/** Firehose retries a failed S3 write this long before the error prefix (its maximum). */
export const ARCHIVE_RETRY_SECONDS = 7200;
/** Firehose buffers per partition: the least size dynamic partitioning allows, and a minute. */
export const ARCHIVE_BUFFER_MB = 64;
export const ARCHIVE_BUFFER_SECONDS = 60;
/** Objects smaller than this stay in S3 Standard: the archive classes bill each as 128 KB. */
export const ARCHIVE_SMALL_OBJECT_BYTES = 131_072;
/** The object that says what the bucket archives; the CLI reads it (`show`). */
export const ARCHIVE_SETTINGS_KEY = "archive.json";

export interface ArchiveArgs {
  readonly config: ArchiveConfig;
  /** SNS topic the failure alarm notifies. */
  readonly alarmTopicArn?: string;
}

export class Archive extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  readonly failures: aws.sqs.Queue;

  constructor(name: string, args: ArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("batch-job-log:archive:Archive", name, {}, opts);
    const parent = { parent: this };
    const where: Where = {
      account: aws.getCallerIdentityOutput({}, parent).accountId,
      region: aws.getRegionOutput({}, parent).region,
      partition: aws.getPartitionOutput({}, parent).partition,
      stack: pulumi.getStack(),
    };
    this.bucket = archiveBucket(name, args.config, where, parent);
    this.deliveryStream = deliveryStream(name, this.bucket, where, parent);
    subscribe(name, args.config, this.deliveryStream, where, parent);
    this.failures = alarmFailures(
      name,
      this.bucket,
      this.deliveryStream,
      args.alarmTopicArn,
      where,
      parent,
    );
    this.registerOutputs({ bucket: this.bucket.bucket, deliveryStream: this.deliveryStream.name });
  }
}

/** The account, region, partition and stack the archive is deployed to. */
interface Where {
  readonly account: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
  readonly stack: string;
}

type Parent = { readonly parent: pulumi.Resource };

/** The bucket, encrypted, closed to the public, TLS only, with its lifecycle and settings object. */
function archiveBucket(name: string, config: ArchiveConfig, where: Where, parent: Parent) {
  const { account, region } = where;
  // The bucket: named by the rule the CLI applies, unless the stack names it.
  const bucketName = config.bucket
    ? pulumi.output(config.bucket)
    : pulumi
        .all([account, region])
        .apply(([a, r]) => archiveBucketName(DEFAULT_ARCHIVE_BUCKET, a, r));
  const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: bucketName }, parent);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
          bucketKeyEnabled: true,
        },
      ],
    },
    parent,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    parent,
  );
  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    parent,
  );
  // Nothing reaches the bucket but over TLS.
  new aws.s3.BucketPolicy(
    `${name}-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    },
    { ...parent, dependsOn: [publicAccess] },
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        // The archive classes bill an object as 128 KB at least: smaller ones stay in Standard.
        {
          id: "archive-logs",
          status: "Enabled",
          filter: { and: { prefix: "logs/", objectSizeGreaterThan: ARCHIVE_SMALL_OBJECT_BYTES } },
          transitions: [{ days: config.transitionDays, storageClass: config.storageClass }],
        },
        ...(config.expireDays === undefined
          ? []
          : [
              {
                id: "expire-logs",
                status: "Enabled",
                filter: { prefix: "logs/" },
                expiration: { days: config.expireDays },
              },
            ]),
        {
          id: "abort-incomplete-uploads",
          status: "Enabled",
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    },
    parent,
  );
  // What the bucket archives, for the CLI: `show` says a group is not in archiveLogGroups.
  new aws.s3.BucketObjectv2(
    `${name}-settings`,
    {
      bucket: bucket.id,
      key: ARCHIVE_SETTINGS_KEY,
      contentType: "application/json",
      content: pulumi.jsonStringify({
        region,
        account,
        logGroups: config.logGroups,
        prefix: ARCHIVE_PREFIX,
        partitionQuery: ARCHIVE_PARTITION_QUERY,
      }),
    },
    parent,
  );
  return bucket;
}

/** The Firehose stream that writes each (group, stream) to its own prefix, and its role. */
function deliveryStream(name: string, bucket: aws.s3.Bucket, where: Where, parent: Parent) {
  const { account, stack } = where;
  // Firehose's errors, with a retention.
  const firehoseLogs = new aws.cloudwatch.LogGroup(
    `${name}-firehose-logs`,
    { name: `/aws/kinesisfirehose/batch-job-log-archive-${stack}`, retentionInDays: 30 },
    parent,
  );
  const firehoseLogStream = new aws.cloudwatch.LogStream(
    `${name}-firehose-log-stream`,
    { logGroupName: firehoseLogs.name, name: "S3Delivery" },
    parent,
  );

  // Firehose's role: write objects to this bucket and its own errors, nothing else.
  const firehoseRole = new aws.iam.Role(
    `${name}-firehose-role`,
    {
      assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "firehose.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ],
      }),
    },
    parent,
  );
  const firehosePolicy = new aws.iam.RolePolicy(
    `${name}-firehose-policy`,
    {
      role: firehoseRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            Resource: [bucket.arn],
          },
          {
            Effect: "Allow",
            Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
            Resource: [pulumi.interpolate`${bucket.arn}/*`],
          },
          {
            Effect: "Allow",
            Action: ["logs:PutLogEvents"],
            Resource: [firehoseLogStream.arn],
          },
        ],
      }),
    },
    parent,
  );

  const stream = new aws.kinesis.FirehoseDeliveryStream(
    `${name}-stream`,
    {
      name: `batch-job-log-archive-${stack}`,
      destination: "extended_s3",
      extendedS3Configuration: {
        roleArn: firehoseRole.arn,
        bucketArn: bucket.arn,
        prefix: ARCHIVE_PREFIX,
        errorOutputPrefix: ARCHIVE_ERROR_PREFIX,
        bufferingSize: ARCHIVE_BUFFER_MB,
        bufferingInterval: ARCHIVE_BUFFER_SECONDS,
        compressionFormat: "GZIP",
        dynamicPartitioningConfiguration: { enabled: true, retryDuration: ARCHIVE_RETRY_SECONDS },
        processingConfiguration: {
          enabled: true,
          processors: [
            // CloudWatch Logs sends gzip; the partition query needs the JSON.
            {
              type: "Decompression",
              parameters: [{ parameterName: "CompressionFormat", parameterValue: "GZIP" }],
            },
            {
              type: "MetadataExtraction",
              parameters: [
                {
                  parameterName: "MetadataExtractionQuery",
                  parameterValue: ARCHIVE_PARTITION_QUERY,
                },
                { parameterName: "JsonParsingEngine", parameterValue: ARCHIVE_JQ_ENGINE },
              ],
            },
            // One record a line. No message extraction: it would drop the events' timestamps.
            {
              type: "AppendDelimiterToRecord",
              parameters: [{ parameterName: "Delimiter", parameterValue: "\\n" }],
            },
          ],
        },
        cloudwatchLoggingOptions: {
          enabled: true,
          logGroupName: firehoseLogs.name,
          logStreamName: firehoseLogStream.name,
        },
      },
      serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
    },
    { ...parent, dependsOn: [firehosePolicy] },
  );
  return stream;
}

/** A subscription filter on each archived group, through CloudWatch Logs' own role. */
function subscribe(
  name: string,
  config: ArchiveConfig,
  stream: aws.kinesis.FirehoseDeliveryStream,
  where: Where,
  parent: Parent,
) {
  const { account, region, partition, stack } = where;
  // CloudWatch Logs' role: put records on this stream only, for this account's log groups.
  const logsRole = new aws.iam.Role(
    `${name}-logs-role`,
    {
      assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
              StringLike: {
                "aws:SourceArn": pulumi.interpolate`arn:${partition}:logs:${region}:${account}:*`,
              },
            },
          },
        ],
      }),
    },
    parent,
  );
  const logsPolicy = new aws.iam.RolePolicy(
    `${name}-logs-policy`,
    {
      role: logsRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
            Resource: [stream.arn],
          },
        ],
      }),
    },
    parent,
  );
  // Every event of every archived group (a group takes two subscription filters at most).
  config.logGroups.forEach((logGroup, i) => {
    new aws.cloudwatch.LogSubscriptionFilter(
      `${name}-filter-${i}`,
      {
        name: `batch-job-log-archive-${stack}`,
        logGroup,
        filterPattern: "",
        destinationArn: stream.arn,
        roleArn: logsRole.arn,
      },
      { ...parent, dependsOn: [logsPolicy] },
    );
  });
}

/** The failures queue fed by the bucket's error objects, and the alarms on it and on delivery. */
function alarmFailures(
  name: string,
  bucket: aws.s3.Bucket,
  stream: aws.kinesis.FirehoseDeliveryStream,
  alarmTopicArn: string | undefined,
  where: Where,
  parent: Parent,
) {
  const { account } = where;
  // Failures: each object Firehose writes under errors/ is announced to this queue.
  const failures = new aws.sqs.Queue(
    `${name}-failures`,
    { sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 60 * 60 },
    parent,
  );
  const failuresPolicy = new aws.sqs.QueuePolicy(
    `${name}-failures-policy`,
    {
      queueUrl: failures.url,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ArchiveErrorObjects",
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: failures.arn,
            Condition: {
              ArnEquals: { "aws:SourceArn": bucket.arn },
              StringEquals: { "aws:SourceAccount": account },
            },
          },
        ],
      }),
    },
    parent,
  );
  new aws.s3.BucketNotification(
    `${name}-notification`,
    {
      bucket: bucket.id,
      queues: [{ queueArn: failures.arn, events: ["s3:ObjectCreated:*"], filterPrefix: "errors/" }],
    },
    { ...parent, dependsOn: [failuresPolicy] },
  );
  const actions = alarmTopicArn ? [alarmTopicArn] : [];
  new aws.cloudwatch.MetricAlarm(
    `${name}-failures-alarm`,
    queueNotEmptyAlarm(
      failures,
      "batch-job-log's archive could not deliver log records: see errors/ in the archive bucket.",
      actions,
    ),
    parent,
  );
  // Delivery falling behind (S3 refusing writes, throttling): the oldest record waits too long.
  new aws.cloudwatch.MetricAlarm(
    `${name}-freshness-alarm`,
    {
      alarmDescription:
        "batch-job-log's archive is more than 15 minutes behind: Firehose cannot write to the bucket.",
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.DataFreshness",
      dimensions: { DeliveryStreamName: stream.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 900,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: actions,
    },
    parent,
  );
  return failures;
}
