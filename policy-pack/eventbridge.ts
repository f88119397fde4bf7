/**
 * The EventBridge policy: no event bus (a hub's) lets every AWS account put events on it, since
 * whatever reaches a hub's bus is recorded as a Batch job. Mandatory.
 */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isObject, read, statementsOf, strings, UNKNOWN, type Verdict } from "./values";

/** The fixed messages of these policies: "must" when mandatory, "should" when advisory. */
export const MESSAGES = {
  eventBusPublic:
    'EventBridge event buses must not allow every principal ("*"): name the accounts, or limit the statement with an aws:PrincipalOrgID, aws:SourceAccount or aws:PrincipalAccount condition.',
} as const;

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
