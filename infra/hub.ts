/**
 * The hub role, besides the standalone one: an event bus of its own that the spokes of `acceptFrom`
 * (account ids, AWS Organizations) may put events on, and a rule on it with the same pattern as the
 * rule on the default bus, feeding the same handler. The hub's own account and region keep being
 * recorded through the default bus. A spoke's event reaches the handler as the spoke's bus had it,
 * so its record keeps the spoke's account and region.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import { retriedThenDeadLettered } from "./delivery";

export interface Hub {
  readonly bus: aws.cloudwatch.EventBus;
  readonly rule: aws.cloudwatch.EventRule;
}

export function acceptFromSpokes(
  acceptFrom: NonNullable<StackConfig["acceptFrom"]>,
  eventPattern: string,
  fn: aws.lambda.Function,
  deadLetterQueue: aws.sqs.Queue,
): Hub {
  const partition = aws.getPartitionOutput().partition;

  // The hub's bus, named after the stack, so that its ARN is known before it exists.
  const bus = new aws.cloudwatch.EventBus("hub-bus", {
    name: `batch-job-log-${pulumi.getStack()}`,
  });

  // Who may put events on it: the accounts by name, the organizations through aws:PrincipalOrgID.
  // The principal "*" appears only with that condition.
  new aws.cloudwatch.EventBusPolicy("hub-bus-policy", {
    eventBusName: bus.name,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        ...(acceptFrom.accounts.length > 0
          ? [
              {
                Sid: "AcceptFromAccounts",
                Effect: "Allow",
                Principal: {
                  AWS: acceptFrom.accounts.map(
                    (id) => pulumi.interpolate`arn:${partition}:iam::${id}:root`,
                  ),
                },
                Action: "events:PutEvents",
                Resource: bus.arn,
              },
            ]
          : []),
        ...(acceptFrom.organizations.length > 0
          ? [
              {
                Sid: "AcceptFromOrganizations",
                Effect: "Allow",
                Principal: "*",
                Action: "events:PutEvents",
                Resource: bus.arn,
                Condition: { StringEquals: { "aws:PrincipalOrgID": acceptFrom.organizations } },
              },
            ]
          : []),
      ],
    }),
  });

  // The rule on the hub's bus: the spokes' Batch job state changes, with the same pattern.
  const rule = new aws.cloudwatch.EventRule("hub-job-state-change", {
    eventBusName: bus.name,
    description: "Batch Job State Change events forwarded by batch-job-log spokes",
    eventPattern,
  });

  // EventBridge may invoke the handler from this rule too.
  const permission = new aws.lambda.Permission("hub-rule-invoke", {
    action: "lambda:InvokeFunction",
    function: fn.name,
    principal: "events.amazonaws.com",
    sourceArn: rule.arn,
  });

  // The rule's target: the same handler, retried for a day, then dead-lettered.
  new aws.cloudwatch.EventTarget(
    "hub-handler-target",
    {
      rule: rule.name,
      eventBusName: bus.name,
      arn: fn.arn,
      ...retriedThenDeadLettered(deadLetterQueue),
    },
    { dependsOn: [permission] },
  );

  return { bus, rule };
}
