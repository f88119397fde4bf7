/**
 * The spoke role: the rule on the default bus forwards what it matches to a hub's event bus, in
 * another account, another region or both, and the spoke records nothing itself. EventBridge keeps
 * each event as it was (its id, account, region and detail), so the hub records where it came from.
 *
 * Why a role: a rule whose target is an event bus in another account or region puts the events
 * there with the IAM role named by the target's `roleArn`. The EventBridge User Guide ("Sending and
 * receiving events between AWS accounts", eb-cross-account) says the sending bus "must have IAM
 * roles attached" when sending to another account, and the PutPermission API reference that
 * accounts granted access through an organization "must specify a RoleArn with proper permissions"
 * in PutTargets; the bus-to-bus and cross-Region guides (eb-bus-to-bus, eb-cross-region) configure
 * the target with an execution role allowed `events:PutEvents` on the receiving bus. So every
 * spoke's target carries one, whether the hub accepts it by account id or by organization.
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
  // rule: for event bus rule targets, aws:SourceArn is the rule's ARN (EventBridge User Guide,
  // "Cross-service confused deputy prevention"); that ARN holds the account, so aws:SourceAccount
  // would add nothing.
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
