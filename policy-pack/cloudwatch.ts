/** The CloudWatch Logs policy: log groups have a retention. Advisory. */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { read, UNKNOWN } from "./values";

/** The fixed messages of these policies: "must" when mandatory, "should" when advisory. */
export const MESSAGES = {
  logGroupRetention:
    "CloudWatch log groups should set retentionInDays to a number of days, so that Lambda logs do not accumulate forever.",
} as const;

/**
 * Log groups keep their events for a limited time: `retentionInDays` is set and not 0 (0 keeps
 * them forever). The program's log groups are the Lambda handler's; the policy checks every
 * `aws.cloudwatch.LogGroup` in the stack.
 */
export const cloudwatchLogGroupRetentionSet: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-retention-set",
  description: "Checks that CloudWatch log groups, such as the Lambda handler's, have a retention.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(
    aws.cloudwatch.LogGroup,
    (group, _args, reportViolation) => {
      const days = read(group, "retentionInDays");
      if (days === UNKNOWN) return;
      if (typeof days !== "number" || days <= 0) reportViolation(MESSAGES.logGroupRetention);
    },
  ),
};
