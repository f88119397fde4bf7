/**
 * Runs the policy pack's policies in-process, the way @pulumi/policy's analyzer server runs them
 * for the Pulumi CLI, and returns the violations they report. @pulumi/policy has no test helpers.
 *
 * What it reproduces of the server (node_modules/@pulumi/policy/server.js):
 * - the enforcement level: the policy's own, overridden by the pack configuration; "disabled"
 *   skips the policy, "remediate" reports as mandatory;
 * - `getConfig()`: the policy's configuration without `enforcementLevel` (no schema defaults:
 *   the policies must supply their own);
 * - props wrapped in `unknownCheckingProxy`, so that a sentinel from `UNKNOWN` behaves like a
 *   value unknown during preview; a policy that lets the proxy's error escape gets the server's
 *   advisory "can't run policy ... during preview" diagnostic, which the tests count;
 * - `notApplicable()` and `validateResourceOfType` for other types: no diagnostic;
 * - a resource policy's violations carry the resource's URN; a stack policy's the URN it gives.
 *
 * The proxy and the sentinels come from the pack's own copy of @pulumi/policy (the one its
 * policies load), as in production, where the server and the policies share one module.
 */
import * as path from "path";
import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

type Policy = ResourceValidationPolicy | StackValidationPolicy;

const PACK_DIR = path.join(__dirname, "..", "..", "policy-pack");
const PACK_POLICY_MODULE = require.resolve("@pulumi/policy", { paths: [PACK_DIR] });

const packPolicy = require(PACK_POLICY_MODULE) as {
  unknownCheckingProxy<T extends object>(value: T): T;
  UnknownValueError: new (...args: never[]) => Error;
};
const packProxy = require(path.join(path.dirname(PACK_POLICY_MODULE), "proxy")) as Record<
  string,
  string
>;

/** `unknownCheckingProxy` of the pack's @pulumi/policy. */
export const unknownCheckingProxy = packPolicy.unknownCheckingProxy;

/** The sentinels with which the engine marks values unknown during preview. */
export const UNKNOWN = {
  string: packProxy.unknownStringValue,
  boolean: packProxy.unknownBooleanValue,
  number: packProxy.unknownNumberValue,
  array: packProxy.unknownArrayValue,
  object: packProxy.unknownObjectValue,
} as const;

export interface Violation {
  readonly policy: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn?: string;
}

/** A resource as the engine describes it to a policy: its type token and its properties. */
export interface TestResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  /** The names of the resources each property depends on (stack policies only). */
  readonly propertyDependencies?: Record<string, readonly string[]>;
}

/** Pack configuration, as in a `--policy-pack-config` file: per policy name. */
export type PackConfig = Record<
  string,
  { readonly enforcementLevel?: EnforcementLevel; readonly [key: string]: unknown }
>;

export const STACK = "dev";
export const PROJECT = "batch-job-log";

/** The URN the engine would give a top-level resource of this stack. */
export function urnOf(resource: Pick<TestResource, "type" | "name">): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${resource.type}::${resource.name}`;
}

/** Runs one resource policy on one resource. */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: TestResource,
  config: PackConfig = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const level = enforcementLevel(policy, config);
  if (level === undefined || policy.validateResource === undefined) return violations;
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : [policy.validateResource];
  const urn = urnOf(resource);
  const report: ReportViolation = (message) => {
    violations.push({ policy: policy.name, message, enforcementLevel: level, urn });
  };
  for (const validation of validations) {
    const props = unknownCheckingProxy(resource.props);
    const args: ResourceValidationArgs = {
      type: resource.type,
      props,
      urn,
      name: resource.name,
      opts: OPTIONS,
      stackTags: new Map(),
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
      asType: (resourceClass) =>
        isTypeOf(resource.type, resourceClass) ? (props as never) : undefined,
      getConfig: <T extends object>() => configOf(policy, config) as T,
      notApplicable: throwNotApplicable,
    };
    await guard(policy, violations, () => validation(args, report));
  }
  return violations;
}

/** Runs one stack policy on a stack made of these resources. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: readonly TestResource[],
  config: PackConfig = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const level = enforcementLevel(policy, config);
  if (level === undefined) return violations;
  const report: ReportViolation = (message, urn) => {
    violations.push({ policy: policy.name, message, enforcementLevel: level, urn });
  };
  const byName = new Map<string, PolicyResource>();
  const policyResources = resources.map((resource) => {
    const props = unknownCheckingProxy(resource.props);
    const policyResource: PolicyResource = {
      type: resource.type,
      props,
      urn: urnOf(resource),
      name: resource.name,
      opts: OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
      asType: (resourceClass) =>
        isTypeOf(resource.type, resourceClass) ? (props as never) : undefined,
    };
    byName.set(resource.name, policyResource);
    return policyResource;
  });
  resources.forEach((resource, i) => {
    for (const [property, names] of Object.entries(resource.propertyDependencies ?? {})) {
      const dependencies = names.map((name) => {
        const dependency = byName.get(name);
        if (!dependency) throw new Error(`No resource named ${name} in this stack.`);
        return dependency;
      });
      policyResources[i].propertyDependencies[property] = dependencies;
      policyResources[i].dependencies.push(...dependencies);
    }
  });
  const args: StackValidationArgs = {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: <T extends object>() => configOf(policy, config) as T,
    notApplicable: throwNotApplicable,
  };
  await guard(policy, violations, () => policy.validateStack(args, report));
  return violations;
}

/**
 * Runs a whole pack as `pulumi preview` would: every resource policy on every resource, then every
 * stack policy on the stack. The stack policies see `stackProps` (the resources' outputs) when
 * given, else the same props as the resource policies (their inputs).
 */
export async function runPack(
  policies: readonly Policy[],
  resources: readonly TestResource[],
  config: PackConfig = {},
  stackResources: readonly TestResource[] = resources,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of policies) {
    if (isStackPolicy(policy)) continue;
    for (const resource of resources) {
      violations.push(...(await runResourcePolicy(policy, resource, config)));
    }
  }
  for (const policy of policies) {
    if (isStackPolicy(policy))
      violations.push(...(await runStackPolicy(policy, stackResources, config)));
  }
  return violations;
}

export function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** The level the server reports a policy's violations at, or undefined when it is disabled. */
function enforcementLevel(policy: Policy, config: PackConfig): EnforcementLevel | undefined {
  const level = config[policy.name]?.enforcementLevel || policy.enforcementLevel || "advisory";
  if (level === "disabled") return undefined;
  return level === "remediate" ? "mandatory" : level;
}

function configOf(policy: Policy, config: PackConfig): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...config[policy.name] };
  delete properties.enforcementLevel;
  return properties;
}

class NotApplicableError extends Error {}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

/** Runs a validation; handles what the server handles, rethrows the rest. */
async function guard(
  policy: Policy,
  violations: Violation[],
  validate: () => void | Promise<void>,
): Promise<void> {
  try {
    await validate();
  } catch (e) {
    if (e instanceof NotApplicableError) return;
    if (e instanceof packPolicy.UnknownValueError) {
      violations.push({
        policy: policy.name,
        message: `can't run policy '${policy.name}' during preview: ${e.message}`,
        enforcementLevel: "advisory",
      });
      return;
    }
    throw e;
  }
}

/** The server's check: the class's Pulumi type token, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  if (typeof token === "string" && token.length > 0) return token === type;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};
