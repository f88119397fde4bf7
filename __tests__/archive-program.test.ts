/**
 * The S3 archive (infra/archive.ts) under Pulumi mocks: one evaluation of the program with every
 * archive setting given, every archive resource with its exact inputs; the whole policy pack over
 * it; and the configuration's checks of the archive keys. The dev stack (Pulumi.dev.yaml) turns
 * the archive on with the defaults, which `replay` runs (archive-local.test.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../infra/config";
import * as pack from "../policy-pack/policies";
import { ARCHIVE_ERROR_PREFIX, ARCHIVE_PARTITION_QUERY, ARCHIVE_PREFIX } from "../record/archive";
import type { ProgramModel } from "../twin/program";
import { evaluateFresh, inputsOf, named, TYPES } from "./helpers/program";
import { runPack } from "./helpers/policy-harness";

const ACCOUNT = "123456789012";
const BUCKET = "acme-batch-logs";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
const STREAM_ARN = `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/batch-job-log-archive-dev`;
const FAILURES_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:archive-failures-0a1b2c3`;

const CONFIG = {
  archive: "true",
  archiveBucket: BUCKET,
  archiveLogGroups: '["/aws/batch/job","/ecs/fargate-report"]',
  archiveTransitionDays: "90",
  archiveStorageClass: "STANDARD_IA",
  archiveExpireDays: "1827",
  alarmTopicArn: TOPIC,
};

const policy = (model: ProgramModel, name: string) =>
  JSON.parse(named(model, name).inputs.policy as string) as unknown;

describe("the archive, every setting given", () => {
  let model: ProgramModel;
  beforeAll(async () => {
    model = await evaluateFresh(CONFIG);
  });

  it("registers the component and exactly these children, named from it", () => {
    const archive = model.resources
      .filter((r) => r.name.startsWith("archive"))
      .map((r) => [r.type, r.name])
      .sort((a, b) => a[1].localeCompare(b[1]));
    expect(archive).toEqual([
      [TYPES.archive, "archive"],
      [TYPES.bucket, "archive-bucket"],
      [TYPES.bucketEncryption, "archive-encryption"],
      [TYPES.queue, "archive-failures"],
      [TYPES.alarm, "archive-failures-alarm"],
      [TYPES.queuePolicy, "archive-failures-policy"],
      [TYPES.subscriptionFilter, "archive-filter-0"],
      [TYPES.subscriptionFilter, "archive-filter-1"],
      [TYPES.logStream, "archive-firehose-log-stream"],
      [TYPES.logGroup, "archive-firehose-logs"],
      [TYPES.rolePolicy, "archive-firehose-policy"],
      [TYPES.role, "archive-firehose-role"],
      [TYPES.alarm, "archive-freshness-alarm"],
      [TYPES.bucketLifecycle, "archive-lifecycle"],
      [TYPES.rolePolicy, "archive-logs-policy"],
      [TYPES.role, "archive-logs-role"],
      [TYPES.bucketNotification, "archive-notification"],
      [TYPES.bucketOwnership, "archive-ownership"],
      [TYPES.bucketPolicy, "archive-policy"],
      [TYPES.bucketPublicAccess, "archive-public-access"],
      [TYPES.bucketObject, "archive-settings"],
      [TYPES.deliveryStream, "archive-stream"],
    ]);
    expect(model.outputs.archiveBucket).toBe(BUCKET);
  });

  it("makes the bucket encrypted, closed to the public, owner-enforced, TLS only", () => {
    expect(inputsOf(model, TYPES.bucket)).toEqual({ bucket: BUCKET });
    expect(inputsOf(model, TYPES.bucketEncryption)).toEqual({
      bucket: BUCKET,
      rules: [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
      ],
    });
    expect(inputsOf(model, TYPES.bucketPublicAccess)).toEqual({
      bucket: BUCKET,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(inputsOf(model, TYPES.bucketOwnership)).toEqual({
      bucket: BUCKET,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    expect(policy(model, "archive-policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    // The policy goes on once public policies are blocked.
    expect(named(model, "archive-policy").dependencies).toEqual([
      "archive-bucket",
      "archive-public-access",
    ]);
  });

  it("moves objects of 128 KB or more to the configured class, expires every one, aborts stale uploads", () => {
    expect(inputsOf(model, TYPES.bucketLifecycle)).toEqual({
      bucket: BUCKET,
      rules: [
        {
          id: "archive-logs",
          status: "Enabled",
          filter: { and: { prefix: "logs/", objectSizeGreaterThan: 131072 } },
          transitions: [{ days: 90, storageClass: "STANDARD_IA" }],
        },
        {
          id: "expire-logs",
          status: "Enabled",
          filter: { prefix: "logs/" },
          expiration: { days: 1827 },
        },
        {
          id: "abort-incomplete-uploads",
          status: "Enabled",
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    });
  });

  it("writes what it archives where the CLI reads it", () => {
    const settings = inputsOf(model, TYPES.bucketObject);
    expect({ ...settings, content: JSON.parse(settings.content as string) }).toEqual({
      bucket: BUCKET,
      key: "archive.json",
      contentType: "application/json",
      content: {
        region: "us-east-1",
        account: ACCOUNT,
        logGroups: ["/aws/batch/job", "/ecs/fargate-report"],
        prefix: ARCHIVE_PREFIX,
        partitionQuery: ARCHIVE_PARTITION_QUERY,
      },
    });
  });

  it("delivers with decompression, a jq partition per group and stream, gzip, errors kept after two hours of retries", () => {
    expect(inputsOf(model, TYPES.deliveryStream)).toEqual({
      name: "batch-job-log-archive-dev",
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
      extendedS3Configuration: {
        roleArn: `arn:aws:iam::${ACCOUNT}:role/archive-firehose-role-0a1b2c3`,
        bucketArn: BUCKET_ARN,
        prefix: "logs/!{partitionKeyFromQuery:logGroup}/!{partitionKeyFromQuery:logStream}/",
        errorOutputPrefix: ARCHIVE_ERROR_PREFIX,
        bufferingSize: 64,
        bufferingInterval: 60,
        compressionFormat: "GZIP",
        dynamicPartitioningConfiguration: { enabled: true, retryDuration: 7200 },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: "Decompression",
              parameters: [{ parameterName: "CompressionFormat", parameterValue: "GZIP" }],
            },
            {
              type: "MetadataExtraction",
              parameters: [
                {
                  parameterName: "MetadataExtractionQuery",
                  parameterValue: "{logGroup: .logGroup | @uri, logStream: .logStream | @uri}",
                },
                { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
              ],
            },
            {
              type: "AppendDelimiterToRecord",
              parameters: [{ parameterName: "Delimiter", parameterValue: "\\n" }],
            },
          ],
        },
        cloudwatchLoggingOptions: {
          enabled: true,
          logGroupName: "/aws/kinesisfirehose/batch-job-log-archive-dev",
          logStreamName: "S3Delivery",
        },
      },
    });
    expect(named(model, "archive-firehose-logs").inputs).toEqual({
      name: "/aws/kinesisfirehose/batch-job-log-archive-dev",
      retentionInDays: 30,
    });
  });

  it("lets Firehose, of this account only, write objects to the bucket and its own errors", () => {
    expect(
      JSON.parse(named(model, "archive-firehose-role").inputs.assumeRolePolicy as string),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "firehose.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ],
    });
    expect(policy(model, "archive-firehose-policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
          Resource: [BUCKET_ARN],
        },
        {
          Effect: "Allow",
          Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
          Resource: [`${BUCKET_ARN}/*`],
        },
        {
          Effect: "Allow",
          Action: ["logs:PutLogEvents"],
          Resource: [
            `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/kinesisfirehose/batch-job-log-archive-dev:log-stream:S3Delivery`,
          ],
        },
      ],
    });
    expect(named(model, "archive-stream").dependencies).toContain("archive-firehose-policy");
  });

  it("subscribes each archived group through a role that may only put records on the stream", () => {
    expect(JSON.parse(named(model, "archive-logs-role").inputs.assumeRolePolicy as string)).toEqual(
      {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "aws:SourceArn": `arn:aws:logs:us-east-1:${ACCOUNT}:*` } },
          },
        ],
      },
    );
    expect(policy(model, "archive-logs-policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
          Resource: [STREAM_ARN],
        },
      ],
    });
    const filter = (group: string) => ({
      name: "batch-job-log-archive-dev",
      logGroup: group,
      filterPattern: "",
      destinationArn: STREAM_ARN,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/archive-logs-role-0a1b2c3`,
    });
    expect(named(model, "archive-filter-0").inputs).toEqual(filter("/aws/batch/job"));
    expect(named(model, "archive-filter-1").inputs).toEqual(filter("/ecs/fargate-report"));
    expect(named(model, "archive-filter-0").dependencies).toContain("archive-logs-policy");
  });

  it("announces every error object to a queue only the bucket may send to, alarmed at the first", () => {
    expect(named(model, "archive-failures").inputs).toEqual({
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
    });
    expect(policy(model, "archive-failures-policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ArchiveErrorObjects",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: FAILURES_ARN,
          Condition: {
            ArnEquals: { "aws:SourceArn": BUCKET_ARN },
            StringEquals: { "aws:SourceAccount": ACCOUNT },
          },
        },
      ],
    });
    expect(inputsOf(model, TYPES.bucketNotification)).toEqual({
      bucket: BUCKET,
      queues: [{ queueArn: FAILURES_ARN, events: ["s3:ObjectCreated:*"], filterPrefix: "errors/" }],
    });
    expect(named(model, "archive-notification").dependencies).toContain("archive-failures-policy");
    const alarm = {
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      period: 300,
      statistic: "Maximum",
      treatMissingData: "notBreaching",
      alarmActions: [TOPIC],
    };
    expect(named(model, "archive-failures-alarm").inputs).toEqual({
      ...alarm,
      alarmDescription:
        "batch-job-log's archive could not deliver log records: see errors/ in the archive bucket.",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "archive-failures-0a1b2c3" },
      threshold: 0,
    });
    expect(named(model, "archive-freshness-alarm").inputs).toEqual({
      ...alarm,
      alarmDescription:
        "batch-job-log's archive is more than 15 minutes behind: Firehose cannot write to the bucket.",
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.DataFreshness",
      dimensions: { DeliveryStreamName: "batch-job-log-archive-dev" },
      threshold: 900,
    });
  });

  it("passes every policy of the pack", async () => {
    const as = (props: "inputs" | "state") =>
      model.resources.map((r) => ({ type: r.type, name: r.name, props: r[props] }));
    const violations = await runPack(pack.policies, as("inputs"), {}, as("state"));
    expect(violations.map((v) => [v.policy, v.message])).toEqual([]);
  });

  it("fails the pack's mandatory S3 policies without the encryption and the public access block", async () => {
    const kept = model.resources.filter(
      (r) => r.type !== TYPES.bucketEncryption && r.type !== TYPES.bucketPublicAccess,
    );
    const as = kept.map((r) => ({ type: r.type, name: r.name, props: r.state }));
    const violations = await runPack(pack.policies, as, {}, as);
    expect(violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([
      ["s3-bucket-encryption-enabled", "mandatory"],
      ["s3-bucket-public-access-blocked", "mandatory"],
    ]);
  });
});

describe("the archive keys", () => {
  const read = (values: Record<string, string>) =>
    readStackConfig(
      { name: "batch-job-log", get: (key: string) => values[key] } as unknown as pulumi.Config,
      "us-east-1",
    );

  it("are off by default, and on with the defaults", () => {
    expect(read({}).archive).toBeUndefined();
    expect(read({ archive: "true" }).archive).toEqual({
      bucket: undefined,
      logGroups: ["/aws/batch/job"],
      transitionDays: 30,
      storageClass: "GLACIER_IR",
      expireDays: undefined,
    });
  });

  it("may be set on a spoke: the archive lives where the jobs log", () => {
    const spoke = read({
      forwardTo: `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/batch-job-log-hub`,
      archive: "true",
    });
    expect(spoke.archive?.logGroups).toEqual(["/aws/batch/job"]);
  });

  it.each([
    [
      { archiveExpireDays: "400" },
      '"batch-job-log:archiveExpireDays": it has no effect unless "batch-job-log:archive" is true.',
    ],
    [
      { archive: "true", archiveBucket: "Logs_Bucket" },
      '"batch-job-log:archiveBucket": "Logs_Bucket" is not an S3 bucket name.',
    ],
    [
      { archive: "true", archiveLogGroups: "[]" },
      '"batch-job-log:archiveLogGroups": it must list at least one log group.',
    ],
    [
      { archive: "true", archiveLogGroups: '["/aws/batch/job*"]' },
      '"batch-job-log:archiveLogGroups": "/aws/batch/job*" is not a log group name.',
    ],
    [
      { archive: "true", archiveStorageClass: "GLACIER" },
      '"batch-job-log:archiveStorageClass": "GLACIER" is not one of STANDARD_IA, GLACIER_IR, INTELLIGENT_TIERING.',
    ],
    [
      { archive: "true", archiveStorageClass: "STANDARD_IA", archiveTransitionDays: "7" },
      '"batch-job-log:archiveTransitionDays": 7 is too soon: S3 moves objects to STANDARD_IA after 30 days at the earliest.',
    ],
    [
      { archive: "true", archiveExpireDays: "30" },
      '"batch-job-log:archiveExpireDays": 30 must be more than archiveTransitionDays (30).',
    ],
  ])("rejects %j with a message naming the key", (values, message) => {
    expect(() => read(values)).toThrow(`Invalid configuration ${message}`);
  });
});
