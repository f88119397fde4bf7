/**
 * The Lambda policy: every function keeps its failed asynchronous invocations (a dead-letter
 * queue or an on-failure destination). Advisory.
 */
import * as aws from "@pulumi/aws";
import { type PolicyResource, type StackValidationPolicy } from "@pulumi/policy";
import { isObject, isSet, read, UNKNOWN, type Verdict } from "./values";

/** The fixed messages of these policies: "must" when mandatory, "should" when advisory. */
export const MESSAGES = {
  lambdaFailureDestination:
    "Lambda functions should keep failed asynchronous invocations: set deadLetterConfig, or an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure for the function.",
} as const;

/**
 * Every Lambda function keeps its failed asynchronous invocations: either its own
 * `deadLetterConfig.targetArn`, or an `aws.lambda.FunctionEventInvokeConfig` whose
 * `destinationConfig.onFailure.destination` is set and whose `functionName` is the function (its
 * name, its ARN, or its ARN with a qualifier). A stack policy, because the function and its
 * invoke config are two resources. When the correlation cannot be decided because a name is
 * unknown during preview, the function is given the benefit of the doubt.
 */
export const lambdaFunctionFailureDestinationConfigured: StackValidationPolicy = {
  name: "lambda-function-failure-destination-configured",
  description:
    "Checks that every Lambda function has a dead-letter queue or an on-failure destination for asynchronous invocations.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const functions = args.resources.filter((r) => r.isType(aws.lambda.Function));
    const invokeConfigs = args.resources.filter((r) =>
      r.isType(aws.lambda.FunctionEventInvokeConfig),
    );
    for (const fn of functions) {
      if (hasDeadLetterTarget(fn.props) !== "no") continue;
      const covered = invokeConfigs.some(
        (config) =>
          hasOnFailureDestination(config.props) !== "no" &&
          invokeConfigTargets(config, fn, functions) !== "no",
      );
      if (!covered) reportViolation(MESSAGES.lambdaFailureDestination, fn.urn);
    }
  },
};

function hasDeadLetterTarget(props: Record<string, unknown>): Verdict {
  const config = read(props, "deadLetterConfig");
  if (config === UNKNOWN) return "maybe";
  if (!isObject(config)) return "no";
  const target = read(config, "targetArn");
  if (target === UNKNOWN) return "maybe";
  return isSet(target) ? "yes" : "no";
}

function hasOnFailureDestination(props: Record<string, unknown>): Verdict {
  const destinations = read(props, "destinationConfig");
  if (destinations === UNKNOWN) return "maybe";
  if (!isObject(destinations)) return "no";
  const onFailure = read(destinations, "onFailure");
  if (onFailure === UNKNOWN) return "maybe";
  if (!isObject(onFailure)) return "no";
  const destination = read(onFailure, "destination");
  if (destination === UNKNOWN) return "maybe";
  return isSet(destination) ? "yes" : "no";
}

/**
 * Whether an invoke config is for a function. Its `functionName` property depending on the
 * function decides when the engine reports property dependencies; otherwise the name is compared
 * with the function's name and ARN. Unknown names make it "maybe", unless the known name is that
 * of another function of the stack.
 */
function invokeConfigTargets(
  config: PolicyResource,
  fn: PolicyResource,
  functions: readonly PolicyResource[],
): Verdict {
  const dependencies = config.propertyDependencies?.["functionName"] ?? [];
  if (dependencies.some((d) => d.urn === fn.urn)) return "yes";
  if (dependencies.some((d) => functions.some((f) => f.urn === d.urn))) return "no";
  const target = read(config.props, "functionName");
  if (target === UNKNOWN) return "maybe";
  if (typeof target !== "string" || target === "") return "no";
  const matches = (f: PolicyResource): Verdict => {
    const name = read(f.props, "name");
    const arn = read(f.props, "arn");
    const targetName = functionNameOf(target);
    if (typeof name === "string" && name !== "" && name === targetName) return "yes";
    if (typeof arn === "string" && arn !== "" && functionNameOf(arn) === targetName) return "yes";
    return name === UNKNOWN ? "maybe" : "no";
  };
  const verdict = matches(fn);
  if (verdict !== "maybe") return verdict;
  return functions.some((other) => other.urn !== fn.urn && matches(other) === "yes")
    ? "no"
    : "maybe";
}

/** The function name in a name, a function ARN, or a qualified function ARN. */
function functionNameOf(nameOrArn: string): string {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(nameOrArn);
  return arn ? arn[1] : nameOrArn;
}
