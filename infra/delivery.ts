/**
 * How EventBridge delivers to every target of every role (the handler, the hub's bus): retried for
 * a day, then dead-lettered to the stack's queue.
 */
import type * as aws from "@pulumi/aws";

/** A target's retry policy and dead-letter queue. */
export function retriedThenDeadLettered(deadLetterQueue: aws.sqs.Queue) {
  return {
    retryPolicy: { maximumEventAgeInSeconds: 24 * 60 * 60, maximumRetryAttempts: 185 },
    deadLetterConfig: { arn: deadLetterQueue.arn },
  };
}
