/** The IAM policy: no policy document grants DynamoDB anything by wildcard. Advisory. */
import * as aws from "@pulumi/aws";
import {
  type ReportViolation,
  type ResourceValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { elements, once, read, statementsOf, strings, UNKNOWN } from "./values";

/** The fixed messages of these policies: "must" when mandatory, "should" when advisory. */
export const MESSAGES = {
  iamDynamodbWildcardAction:
    'IAM policies should not allow wildcard DynamoDB actions such as "dynamodb:*" or "*": list the actions the principal needs.',
  iamDynamodbWildcardResource:
    'IAM policies should not allow DynamoDB actions on Resource "*": name the tables and indexes.',
} as const;

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
