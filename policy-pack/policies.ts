/**
 * The policies of the batch-job-log policy pack: one exported constant per policy, and `policies`,
 * all of them in the order the pack registers them. Tests and tools import this module; only
 * index.ts constructs the PolicyPack, because constructing one starts a gRPC server.
 *
 * The DynamoDB table is the audit trail of every Batch job, so its encryption and its
 * point-in-time recovery are mandatory; so is that no event bus (a hub's) lets every AWS account
 * put events on it, since whatever reaches a hub's bus is recorded as a Batch job. The rest is
 * what the program promises besides (deletion protection, a destination for failed invocations,
 * log retention, an encrypted dead-letter queue, least-privilege DynamoDB grants): advisory by
 * default, configurable per stack.
 *
 * Unknown values: during `pulumi preview`, a value computed from a resource that does not exist
 * yet (the ARN of a KMS key created in the same stack) reaches a policy behind @pulumi/policy's
 * unknownCheckingProxy, which throws on access. Every policy reads properties through `read`,
 * which turns that into UNKNOWN, and reports only what the known values prove: a policy never
 * fails a preview on a value it cannot see. During `pulumi up` the same policies run again on
 * the resolved values.
 */
import * as aws from "@pulumi/aws";
import {
  type PolicyResource,
  type ReportViolation,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
  UnknownValueError,
  validateResourceOfType,
} from "@pulumi/policy";

/** Stands for a value that is unknown during preview. */
const UNKNOWN: unique symbol = Symbol("unknown during preview");
type Unknown = typeof UNKNOWN;

/**
 * The fixed messages, one per kind of violation. Mandatory policies say "must", advisory ones
 * "should"; a violation's level comes from the policy (or the pack's configuration), not the text.
 */
const MESSAGES = {
  tableEncryption:
    "DynamoDB tables must set serverSideEncryption.enabled to true, so that the table is encrypted at rest with a KMS key.",
  tableCustomerManagedKey:
    "DynamoDB tables must be encrypted with a customer-managed KMS key: set serverSideEncryption.kmsKeyArn.",
  replicaCustomerManagedKey:
    "DynamoDB table replicas must name a customer-managed KMS key in their own region: set kmsKeyArn on every replica.",
  tablePointInTimeRecovery:
    "DynamoDB tables must set pointInTimeRecovery.enabled to true, so that the table can be restored to any second of its recovery period.",
  replicaPointInTimeRecovery:
    "DynamoDB table replicas must set pointInTimeRecovery to true; a replica does not inherit the table's setting.",
  eventBusPublic:
    'EventBridge event buses must not allow every principal ("*"): name the accounts, or limit the statement with an aws:PrincipalOrgID, aws:SourceAccount or aws:PrincipalAccount condition.',
  tableDeletionProtection:
    "DynamoDB tables should set deletionProtectionEnabled to true, so that the table cannot be deleted by accident.",
  lambdaFailureDestination:
    "Lambda functions should keep failed asynchronous invocations: set deadLetterConfig, or an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure for the function.",
  logGroupRetention:
    "CloudWatch log groups should set retentionInDays to a number of days, so that Lambda logs do not accumulate forever.",
  queueEncryption:
    "SQS queues should be encrypted at rest: set sqsManagedSseEnabled to true or a kmsMasterKeyId.",
  iamDynamodbWildcardAction:
    'IAM policies should not allow wildcard DynamoDB actions such as "dynamodb:*" or "*": list the actions the principal needs.',
  iamDynamodbWildcardResource:
    'IAM policies should not allow DynamoDB actions on Resource "*": name the tables and indexes.',
} as const;

/** The options of `dynamodb-table-encryption-enabled`. */
interface EncryptionConfig {
  /** Requires `serverSideEncryption.kmsKeyArn` (and a key on every replica). Default false. */
  readonly requireCustomerManagedKey?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Mandatory: the audit table is encrypted and recoverable.

/**
 * The table is encrypted with KMS (`serverSideEncryption.enabled: true`), optionally with a
 * customer-managed key. Replicas: DynamoDB encrypts every replica of a global table the way the
 * table is encrypted, but a KMS key belongs to one region, so a replica uses the key its own
 * `kmsKeyArn` names and, without one, falls back to the AWS-managed key of its region. A replica is
 * therefore "encrypted" when the table is, and must name its own key when the table uses a
 * customer-managed key (or the configuration requires one): otherwise its copy of the data would be
 * protected less than the table's. The same holds for an `aws.dynamodb.TableReplica` resource.
 */
export const dynamodbTableEncryptionEnabled: ResourceValidationPolicy = {
  name: "dynamodb-table-encryption-enabled",
  description:
    "Checks that DynamoDB tables and their replicas are encrypted at rest with KMS, with a customer-managed key when required.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireCustomerManagedKey: {
        type: "boolean",
        default: false,
        description:
          "Require a customer-managed KMS key (serverSideEncryption.kmsKeyArn) on tables and a kmsKeyArn on every replica.",
      },
    },
  },
  validateResource: [
    validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
      const report = once(reportViolation);
      const requireKey = args.getConfig<EncryptionConfig>().requireCustomerManagedKey === true;
      const sse = read(table, "serverSideEncryption");
      if (sse === UNKNOWN) return;
      const enabled = sse ? read(sse, "enabled") : undefined;
      if (enabled !== true && enabled !== UNKNOWN) report(MESSAGES.tableEncryption);
      const tableKey = sse ? read(sse, "kmsKeyArn") : undefined;
      if (requireKey && !isSet(tableKey)) report(MESSAGES.tableCustomerManagedKey);
      // An unknown table key is not proof of a customer-managed key: only a known one is.
      const replicasNeedKey = requireKey || (typeof tableKey === "string" && tableKey !== "");
      if (!replicasNeedKey) return;
      for (const replica of elements(read(table, "replicas"))) {
        if (!isSet(read(replica, "kmsKeyArn"))) report(MESSAGES.replicaCustomerManagedKey);
      }
    }),
    validateResourceOfType(aws.dynamodb.TableReplica, (replica, args, reportViolation) => {
      const requireKey = args.getConfig<EncryptionConfig>().requireCustomerManagedKey === true;
      if (requireKey && !isSet(read(replica, "kmsKeyArn"))) {
        reportViolation(MESSAGES.replicaCustomerManagedKey);
      }
    }),
  ],
};

/**
 * The table has point-in-time recovery (`pointInTimeRecovery.enabled: true`), and so has every
 * replica: `replicas[].pointInTimeRecovery` is a boolean of its own that defaults to false, as is
 * `pointInTimeRecovery` of an `aws.dynamodb.TableReplica`.
 */
export const dynamodbTablePointInTimeRecoveryEnabled: ResourceValidationPolicy = {
  name: "dynamodb-table-point-in-time-recovery-enabled",
  description:
    "Checks that DynamoDB tables and their replicas have point-in-time recovery enabled.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
      const report = once(reportViolation);
      const pitr = read(table, "pointInTimeRecovery");
      if (pitr !== UNKNOWN) {
        const enabled = pitr ? read(pitr, "enabled") : undefined;
        if (enabled !== true && enabled !== UNKNOWN) report(MESSAGES.tablePointInTimeRecovery);
      }
      for (const replica of elements(read(table, "replicas"))) {
        const enabled = read(replica, "pointInTimeRecovery");
        if (enabled !== true && enabled !== UNKNOWN) report(MESSAGES.replicaPointInTimeRecovery);
      }
    }),
    validateResourceOfType(aws.dynamodb.TableReplica, (replica, _args, reportViolation) => {
      const enabled = read(replica, "pointInTimeRecovery");
      if (enabled !== true && enabled !== UNKNOWN) {
        reportViolation(MESSAGES.replicaPointInTimeRecovery);
      }
    }),
  ],
};

/**
 * No event bus lets every principal act on it unless a condition limits who. A hub's bus policy is
 * the door of the audit trail: whatever is put on it reaches the handler.
 * - `aws.cloudwatch.EventBusPolicy`: in every `Allow` statement of its `policy` (JSON text or an
 *   object) whose principal is every principal (`"*"`, `{"AWS": "*"}`, `"*"` among several, or a
 *   `NotPrincipal`), a condition must name an organization (`aws:PrincipalOrgID`) or accounts
 *   (`aws:SourceAccount`, `aws:PrincipalAccount`), with a matching operator (`StringEquals`,
 *   `StringEqualsIgnoreCase`, `StringLike`, or their `ForAnyValue:` form; not `...IfExists`, which
 *   lets principals without the key through) and values without wildcards. Named account
 *   principals pass; `Deny` statements do not count.
 * - `aws.cloudwatch.EventPermission` (PutPermission): `principal: "*"` needs its `condition`, whose
 *   one key AWS accepts is `aws:PrincipalOrgID`.
 * Values unknown during preview are given the benefit of the doubt.
 */
export const eventbridgeBusPolicyNoPublicAccess: ResourceValidationPolicy = {
  name: "eventbridge-bus-policy-no-public-access",
  description:
    "Checks that EventBridge event bus policies allow every principal only under a condition that limits it to an organization or to named accounts.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.cloudwatch.EventBusPolicy, (busPolicy, _args, reportViolation) => {
      const statements = statementsOf(read(busPolicy, "policy"));
      if (statements.some(opensToEveryone)) reportViolation(MESSAGES.eventBusPublic);
    }),
    validateResourceOfType(aws.cloudwatch.EventPermission, (permission, _args, reportViolation) => {
      if (read(permission, "principal") !== "*") return;
      const condition = read(permission, "condition");
      if (condition === UNKNOWN) return;
      const limited = isObject(condition)
        ? limitsPrincipals(
            read(condition, "type"),
            read(condition, "key"),
            read(condition, "value"),
          )
        : "no";
      if (limited === "no") reportViolation(MESSAGES.eventBusPublic);
    }),
  ],
};

// ---------------------------------------------------------------------------------------------
// Advisory by default: what the program promises besides.

/** The table cannot be deleted while `deletionProtectionEnabled` is true. */
export const dynamodbTableDeletionProtectionEnabled: ResourceValidationPolicy = {
  name: "dynamodb-table-deletion-protection-enabled",
  description: "Checks that DynamoDB tables have deletion protection enabled.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
    const enabled = read(table, "deletionProtectionEnabled");
    if (enabled !== true && enabled !== UNKNOWN) reportViolation(MESSAGES.tableDeletionProtection);
  }),
};

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

/**
 * IAM policy documents grant DynamoDB nothing by wildcard. In every `Allow` statement of an
 * `aws.iam.Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` and of a role's `inlinePolicies`:
 * - no action pattern with `*` or `?` that matches DynamoDB actions (`*`, `dynamodb:*`,
 *   `dynamodb:Get*`, `dynamo*:*`), and no `NotAction` that leaves DynamoDB actions allowed;
 * - a statement that allows a DynamoDB action names its resources: no `Resource: "*"`, no
 *   all-tables ARN (`arn:aws:dynamodb:*:*:*`, `...:table/*`), no `NotResource`.
 * A document that is unknown during preview, or is not valid JSON, is not judged.
 */
export const iamNoDynamodbWildcards: ResourceValidationPolicy = {
  name: "iam-no-dynamodb-wildcards",
  description:
    "Checks that IAM policies grant no wildcard DynamoDB action and no DynamoDB action on every resource.",
  enforcementLevel: "advisory",
  validateResource: [
    validateResourceOfType(aws.iam.Policy, (p, _args, report) =>
      checkDocuments([read(p, "policy")], report),
    ),
    validateResourceOfType(aws.iam.RolePolicy, (p, _args, report) =>
      checkDocuments([read(p, "policy")], report),
    ),
    validateResourceOfType(aws.iam.UserPolicy, (p, _args, report) =>
      checkDocuments([read(p, "policy")], report),
    ),
    validateResourceOfType(aws.iam.GroupPolicy, (p, _args, report) =>
      checkDocuments([read(p, "policy")], report),
    ),
    validateResourceOfType(aws.iam.Role, (role, _args, report) =>
      checkDocuments(
        elements(read(role, "inlinePolicies")).map((inline) => read(inline, "policy")),
        report,
      ),
    ),
  ],
};

/** Every policy of the pack, mandatory ones first. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  dynamodbTableEncryptionEnabled,
  dynamodbTablePointInTimeRecoveryEnabled,
  eventbridgeBusPolicyNoPublicAccess,
  dynamodbTableDeletionProtectionEnabled,
  lambdaFunctionFailureDestinationConfigured,
  cloudwatchLogGroupRetentionSet,
  sqsQueueEncrypted,
  iamNoDynamodbWildcards,
];

// ---------------------------------------------------------------------------------------------
// Reading values that may be unknown during preview.

/** `obj[key]`, or UNKNOWN when the value is unknown during preview. */
function read<T extends object, K extends keyof T>(obj: T, key: K): T[K] | Unknown {
  try {
    return obj[key];
  } catch (e) {
    if (isUnknownValueError(e)) return UNKNOWN;
    throw e;
  }
}

/**
 * unknownCheckingProxy throws UnknownValueError. The class is matched by name too, so that a
 * proxy from another copy of @pulumi/policy (a test's) is recognised.
 */
function isUnknownValueError(e: unknown): boolean {
  return (
    e instanceof UnknownValueError ||
    (e instanceof Error && e.constructor.name === "UnknownValueError")
  );
}

/** The known object elements of a list that may be absent, unknown or hold unknown elements. */
function elements<T>(list: readonly T[] | undefined | Unknown): NonNullable<T>[] {
  if (list === undefined || list === null || list === UNKNOWN || !Array.isArray(list)) return [];
  const result: NonNullable<T>[] = [];
  for (let i = 0; i < list.length; i++) {
    const element = read(list, i);
    if (
      element !== UNKNOWN &&
      element !== undefined &&
      element !== null &&
      typeof element === "object"
    ) {
      result.push(element as NonNullable<T>);
    }
  }
  return result;
}

/** A value that is, or will be, a non-empty string (an ARN, a key id). */
function isSet(value: unknown): boolean {
  return value === UNKNOWN || (typeof value === "string" && value !== "");
}

/** Reports each distinct message once per resource. */
function once(reportViolation: ReportViolation): (message: string) => void {
  const reported = new Set<string>();
  return (message) => {
    if (reported.has(message)) return;
    reported.add(message);
    reportViolation(message);
  };
}

// ---------------------------------------------------------------------------------------------
// Lambda failure destinations.

type Verdict = "yes" | "no" | "maybe";

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

// ---------------------------------------------------------------------------------------------
// IAM policy documents.

function checkDocuments(documents: readonly unknown[], reportViolation: ReportViolation): void {
  const report = once(reportViolation);
  for (const document of documents) {
    const statements = statementsOf(document);
    for (const statement of statements) {
      const found = judgeStatement(statement);
      if (found.wildcardAction) report(MESSAGES.iamDynamodbWildcardAction);
      if (found.wildcardResource) report(MESSAGES.iamDynamodbWildcardResource);
    }
  }
}

/** The statements of a policy document given as JSON text or as an object; [] when unknown. */
function statementsOf(document: unknown): Record<string, unknown>[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return []; // Not a policy document: IAM rejects it before it grants anything.
    }
  }
  if (!isObject(parsed)) return [];
  const statement = read(parsed, "Statement");
  if (Array.isArray(statement)) return elements(statement) as Record<string, unknown>[];
  return isObject(statement) ? [statement] : [];
}

/** The known strings of a field that holds a string or a list of strings. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) return [];
  const result: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const element = read(value, i);
    if (typeof element === "string") result.push(element);
  }
  return result;
}

function judgeStatement(statement: Record<string, unknown>): {
  wildcardAction: boolean;
  wildcardResource: boolean;
} {
  const none = { wildcardAction: false, wildcardResource: false };
  if (read(statement, "Effect") !== "Allow") return none;
  const actionField = read(statement, "Action");
  const notActionField = read(statement, "NotAction");
  let grantsDynamodb = false;
  let wildcardAction = false;
  if (notActionField !== undefined && notActionField !== UNKNOWN) {
    // Allow + NotAction allows every action not listed: DynamoDB's unless all of it is listed.
    const excluded = strings(notActionField);
    const excludesAllDynamodb = excluded.some((pattern) => matchesAllDynamodbActions(pattern));
    if (!excludesAllDynamodb) {
      grantsDynamodb = true;
      wildcardAction = true;
    }
  }
  for (const action of strings(actionField === UNKNOWN ? undefined : actionField)) {
    if (!matchesSomeDynamodbAction(action)) continue;
    grantsDynamodb = true;
    if (/[*?]/.test(action)) wildcardAction = true;
  }
  if (!grantsDynamodb) return none;
  const notResource = read(statement, "NotResource");
  const resourceField = read(statement, "Resource");
  const wildcardResource =
    (notResource !== undefined && notResource !== UNKNOWN) ||
    strings(resourceField === UNKNOWN ? undefined : resourceField).some(isAllDynamodbResources);
  return { wildcardAction, wildcardResource };
}

/** Whether an IAM action pattern (`service:action`, wildcards allowed) matches a DynamoDB action. */
function matchesSomeDynamodbAction(pattern: string): boolean {
  if (pattern === "*") return true;
  const colon = pattern.indexOf(":");
  if (colon < 0) return false;
  return globMatches(pattern.slice(0, colon), "dynamodb");
}

/** Whether an IAM action pattern matches every DynamoDB action. */
function matchesAllDynamodbActions(pattern: string): boolean {
  if (pattern === "*") return true;
  const colon = pattern.indexOf(":");
  if (colon < 0) return false;
  return globMatches(pattern.slice(0, colon), "dynamodb") && /^\*+$/.test(pattern.slice(colon + 1));
}

/** `*`, or a DynamoDB ARN whose table part is a wildcard: every table. */
function isAllDynamodbResources(resource: string): boolean {
  if (resource === "*") return true;
  return /^arn:[^:]+:(dynamodb|\*):[^:]*:[^:]*:(\*|table\/\*)$/i.test(resource);
}

/** Case-insensitive IAM glob matching: `*` any run of characters, `?` one character. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i").test(value);
}

// ---------------------------------------------------------------------------------------------
// Event bus policies.

/** Condition keys that limit a statement to an organization or to named accounts. */
const LIMITING_KEYS = ["aws:principalorgid", "aws:sourceaccount", "aws:principalaccount"];

/** Condition operators that let a principal through only when the key matches a value. */
const MATCHING_OPERATORS = ["stringequals", "stringequalsignorecase", "stringlike"];

/**
 * Whether a policy statement allows every principal with no condition limiting it to an
 * organization or to named accounts. Unknown parts make it "no": they are not proof.
 */
function opensToEveryone(statement: Record<string, unknown>): boolean {
  if (read(statement, "Effect") !== "Allow") return false;
  const notPrincipal = read(statement, "NotPrincipal");
  if (notPrincipal === UNKNOWN) return false;
  if (notPrincipal === undefined) {
    // Allow + NotPrincipal allows everyone but those listed: every principal, in effect.
    const principal = read(statement, "Principal");
    if (principal === UNKNOWN) return false;
    const every =
      principal === "*" || (isObject(principal) && strings(read(principal, "AWS")).includes("*"));
    if (!every) return false;
  }
  const condition = read(statement, "Condition");
  if (condition === UNKNOWN) return false;
  if (!isObject(condition)) return true;
  for (const operator of Object.keys(condition)) {
    const block = read(condition, operator);
    if (block === UNKNOWN) return false;
    if (!isObject(block)) continue;
    for (const key of Object.keys(block)) {
      if (limitsPrincipals(operator, key, read(block, key)) !== "no") return false;
    }
  }
  return true;
}

/**
 * Whether one condition (operator, key, value or values) limits a statement to an organization
 * or to named accounts: a limiting key, a matching operator, and known values without wildcards.
 */
function limitsPrincipals(operator: unknown, key: unknown, values: unknown): Verdict {
  if (operator === UNKNOWN || key === UNKNOWN || values === UNKNOWN) return "maybe";
  if (typeof operator !== "string" || typeof key !== "string") return "no";
  const matching = operator.toLowerCase().replace(/^foranyvalue:/, "");
  if (!MATCHING_OPERATORS.includes(matching)) return "no";
  if (!LIMITING_KEYS.includes(key.toLowerCase())) return "no";
  const list = Array.isArray(values) ? values : [values];
  if (list.length === 0) return "no";
  let verdict: Verdict = "yes";
  for (let i = 0; i < list.length; i++) {
    const value = read(list, i);
    if (value === UNKNOWN) verdict = "maybe";
    else if (typeof value !== "string" || value === "" || /[*?]/.test(value)) return "no";
  }
  return verdict;
}
