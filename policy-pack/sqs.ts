/** The SQS policy: queues (the dead-letter queue) are encrypted at rest. Advisory. */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isSet, read, UNKNOWN } from "./values";

/** The fixed messages of these policies: "must" when mandatory, "should" when advisory. */
export const MESSAGES = {
  queueEncryption:
    "SQS queues should be encrypted at rest: set sqsManagedSseEnabled to true or a kmsMasterKeyId.",
} as const;

/** Queues are encrypted at rest: SQS-managed keys (`sqsManagedSseEnabled`) or a KMS key. */
export const sqsQueueEncrypted: ResourceValidationPolicy = {
  name: "sqs-queue-encrypted",
  description: "Checks that SQS queues, such as the dead-letter queue, are encrypted at rest.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.sqs.Queue, (queue, _args, reportViolation) => {
    const managed = read(queue, "sqsManagedSseEnabled");
    if (managed === true || managed === UNKNOWN) return;
    if (isSet(read(queue, "kmsMasterKeyId"))) return;
    reportViolation(MESSAGES.queueEncryption);
  }),
};
