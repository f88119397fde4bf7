/**
 * How EventBridge delivers to every target of every role (the handler, the hub's bus): retried for
 * a day, then dead-lettered to the stack's queue; and the alarm on a queue of what could not be
 * delivered (the dead-letter queue, the archive's failures).
 */
import type * as aws from "@pulumi/aws";

/** A target's retry policy and dead-letter queue. */
export function retriedThenDeadLettered(deadLetterQueue: aws.sqs.Queue) {
  return {
    retryPolicy: { maximumEventAgeInSeconds: 24 * 60 * 60, maximumRetryAttempts: 185 },
    deadLetterConfig: { arn: deadLetterQueue.arn },
  };
}

/** An alarm that fires as soon as one message waits in the queue (checked every 5 minutes). */
export function queueNotEmptyAlarm(
  queue: aws.sqs.Queue,
  alarmDescription: string,
  alarmActions: string[],
): aws.cloudwatch.MetricAlarmArgs {
  return {
    alarmDescription,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queue.name },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions,
  };
}
