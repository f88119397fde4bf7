/**
 * The spoke role: the rule on the default bus forwards what it matches to a hub's event bus, in
 * another account, another region or both, and the spoke records nothing itself. The event arrives
 * with its envelope as the spoke's bus had it (its account and region: README, "Where a job ran"),
 * so the hub records where the job ran.
 *
 * Why a role: a rule whose target is an event bus in another account or region puts the events
 * there with the IAM role named by the target's `roleArn`. The EventBridge User Guide, "Sending and
 * receiving events between AWS accounts" (userguide/eb-cross-account.html), says the sending bus
 * "must have IAM roles attached to them when sending events to another account"; the PutPermission
 * API reference, that accounts granted access through an organization "must specify a RoleArn with
 * proper permissions when they use PutTarget"; the cross-Region guide (eb-cross-region.html) and
 * the bus-to-bus guide (eb-bus-to-bus.html) give the target an execution role allowed
 * `events:PutEvents` on the receiving bus. So every spoke's target has one, whether the hub
 * accepts it by account id or by organization, in its own region or another.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { retriedThenDeadLettered } from "./delivery";

export function forwardToHub(
  forwardTo: string,
  rule: aws.cloudwatch.EventRule,
  deadLetterQueue: aws.sqs.Queue,
): void {
  // The role EventBridge assumes to put the rule's events on the hub's bus. Its trust names the
  // rule: "for EventBridge event bus rule targets, the value of aws:SourceArn must be the rule ARN"
  // (EventBridge User Guide, cross-service-confused-deputy-prevention.html). That ARN holds the
  // account, so aws:SourceAccount would add nothing.
  const role = new aws.iam.Role("forward-role", {
    assumeRolePolicy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
        },
      ],
    }),
  });

  // The role may only put events on the hub's bus.
  const rolePolicy = new aws.iam.RolePolicy("forward-policy", {
    role: role.id,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["events:PutEvents"], Resource: [forwardTo] }],
    }),
  });

  // The rule's target: the hub's bus, through the role; retried for a day, then dead-lettered.
  new aws.cloudwatch.EventTarget(
    "forward-target",
    {
      rule: rule.name,
      arn: forwardTo,
      roleArn: role.arn,
      ...retriedThenDeadLettered(deadLetterQueue),
    },
    { dependsOn: [rolePolicy] },
  );
}
