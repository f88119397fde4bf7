// batch-job-log: records, per AWS Batch job, where its CloudWatch logs are and why it ended.
// Batch names a job's log stream after its ECS task, not the job; only DescribeJobs links the
// two, and Batch forgets finished jobs within days. This stack listens to "Batch Job State
// Change" events and keeps that link in DynamoDB. One stack per account and region, in one of
// three roles that the configuration chooses: standalone (records its own account and region),
// spoke (forwardTo: forwards them to a hub's event bus) or hub (acceptFrom: records its own and
// its spokes'), so that one table indexes a whole organization.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Archive } from "./infra/archive";
import { readStackConfig } from "./infra/config";
import { queueNotEmptyAlarm } from "./infra/delivery";
import { acceptFromSpokes } from "./infra/hub";
import { createRecorder } from "./infra/recorder";
import { forwardToHub } from "./infra/spoke";

// Configuration, with defaults; invalid values fail here with the key's name.
const config = readStackConfig(new pulumi.Config(), aws.config.region);

// What every rule matches: terminal (and optionally other) state changes of Batch jobs.
const eventPattern = JSON.stringify({
  source: ["aws.batch"],
  "detail-type": ["Batch Job State Change"],
  detail: {
    status: config.statuses,
    ...(config.jobQueues.length > 0 ? { jobQueue: config.jobQueues } : {}),
  },
});

// The dead-letter queue: events that could not be delivered after every retry wait here 14 days.
const deadLetterQueue = new aws.sqs.Queue("dead-letters", {
  sqsManagedSseEnabled: true,
  messageRetentionSeconds: 14 * 24 * 60 * 60,
});

// The rule on the default bus: this account and region's Batch jobs.
const rule = new aws.cloudwatch.EventRule("job-state-change", {
  description: config.forwardTo
    ? "Batch Job State Change events forwarded to the batch-job-log hub"
    : "Batch Job State Change events recorded by batch-job-log",
  eventPattern,
});

// A spoke: the rule forwards to the hub's bus, through a role (infra/spoke.ts).
if (config.forwardTo) forwardToHub(config.forwardTo, rule, deadLetterQueue);

// Standalone and hub: the table and the handler the rule feeds (infra/recorder.ts).
const recorder = config.forwardTo ? undefined : createRecorder(config, rule, deadLetterQueue);

// A hub: its own bus open to acceptFrom, and a rule on it feeding the same handler (infra/hub.ts).
const hub =
  recorder && config.acceptFrom
    ? acceptFromSpokes(config.acceptFrom, eventPattern, recorder.fn, deadLetterQueue)
    : undefined;

// Only the rules may send to the dead-letter queue (Lambda sends with the handler's role).
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
      ...(hub
        ? [
            {
              Sid: "HubRuleDeadLetters",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: deadLetterQueue.arn,
              Condition: { ArnEquals: { "aws:SourceArn": hub.rule.arn } },
            },
          ]
        : []),
    ],
  }),
});

// An alarm as soon as one event waits in the dead-letter queue.
new aws.cloudwatch.MetricAlarm(
  "dead-letters-alarm",
  queueNotEmptyAlarm(
    deadLetterQueue,
    "batch-job-log could not record a Batch event: see the dead-letter queue.",
    config.alarmTopicArn ? [config.alarmTopicArn] : [],
  ),
);

// The S3 archive of the Batch log groups of this account and region, in any role: the archive
// lives where the jobs log (infra/archive.ts, docs/archive.md).
const archive = config.archive
  ? new Archive("archive", { config: config.archive, alarmTopicArn: config.alarmTopicArn })
  : undefined;

// The outputs of the resources this role has, and no others (Pulumi warns of an undefined one).
export = {
  ...(recorder && {
    tableName: recorder.table.name,
    tableArn: recorder.table.arn,
    functionName: recorder.fn.name,
  }),
  ruleName: rule.name,
  deadLetterQueueUrl: deadLetterQueue.url,
  ...(config.forwardTo && { forwardTo: config.forwardTo }),
  ...(hub && { eventBusArn: hub.bus.arn }),
  ...(archive && { archiveBucket: archive.bucket.bucket }),
};
