/**
 * The policies of the batch-job-log policy pack, one module per service, each policy an exported
 * constant with its messages beside its check (the @pulumi/compliance-policies layout):
 * dynamodb.ts, eventbridge.ts, lambda.ts, cloudwatch.ts, sqs.ts, iam.ts, s3.ts; values.ts is what they
 * share. `policies` lists them all in the order the pack registers them. Tests and tools import
 * this module; only index.ts constructs the PolicyPack, because constructing one starts a gRPC
 * server.
 *
 * Mandatory: the job table's encryption and point-in-time recovery (it is the audit trail of every
 * Batch job), and that no event bus (a hub's) lets every AWS account put events on it. The rest
 * is what the program promises besides (deletion protection, a destination for failed
 * invocations, log retention, an encrypted dead-letter queue, least-privilege DynamoDB grants):
 * advisory by default, configurable per stack.
 *
 * To add a policy: export it from its service's module (a new module for a new service), with
 * its messages in that module's MESSAGES, and list it below.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { cloudwatchLogGroupRetentionSet } from "./cloudwatch";
import {
  dynamodbTableDeletionProtectionEnabled,
  dynamodbTableEncryptionEnabled,
  dynamodbTablePointInTimeRecoveryEnabled,
} from "./dynamodb";
import { eventbridgeBusPolicyNoPublicAccess } from "./eventbridge";
import { iamNoDynamodbWildcards } from "./iam";
import { lambdaFunctionFailureDestinationConfigured } from "./lambda";
import {
  s3BucketEncryptionEnabled,
  s3BucketLifecycleConfigured,
  s3BucketPublicAccessBlocked,
  s3BucketTlsOnly,
} from "./s3";
import { sqsQueueEncrypted } from "./sqs";

export {
  cloudwatchLogGroupRetentionSet,
  dynamodbTableDeletionProtectionEnabled,
  dynamodbTableEncryptionEnabled,
  dynamodbTablePointInTimeRecoveryEnabled,
  eventbridgeBusPolicyNoPublicAccess,
  iamNoDynamodbWildcards,
  lambdaFunctionFailureDestinationConfigured,
  s3BucketEncryptionEnabled,
  s3BucketLifecycleConfigured,
  s3BucketPublicAccessBlocked,
  s3BucketTlsOnly,
  sqsQueueEncrypted,
};

/** Every policy of the pack, mandatory ones first. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  dynamodbTableEncryptionEnabled,
  dynamodbTablePointInTimeRecoveryEnabled,
  eventbridgeBusPolicyNoPublicAccess,
  s3BucketEncryptionEnabled,
  s3BucketPublicAccessBlocked,
  dynamodbTableDeletionProtectionEnabled,
  lambdaFunctionFailureDestinationConfigured,
  cloudwatchLogGroupRetentionSet,
  sqsQueueEncrypted,
  iamNoDynamodbWildcards,
  s3BucketTlsOnly,
  s3BucketLifecycleConfigured,
];
