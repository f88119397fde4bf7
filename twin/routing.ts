/**
 * Which bus an event reaches and whether it gets onto it, for the three roles of the program
 * (README, "One index for an organization"), read from the resources the program registered:
 *
 * - standalone: the default bus of the stack's account and region; the twin replays every event
 *   through its rule, as it always has (`origins` in the result says when the input came from
 *   several accounts or regions, which a standalone stack would never receive).
 * - hub: an event of the hub's own account and region is on the default bus and goes through
 *   `job-state-change`. Any other is put on the hub's bus by a spoke, and gets there only if the
 *   bus policy lets the spoke's account `events:PutEvents`: an Allow whose principal names the
 *   account, or `*` under an `aws:PrincipalOrgID` condition naming the account's organization
 *   (which the caller says, `--org ACCOUNT=o-...`: an event does not carry it), and no Deny that
 *   matches. The hub's own account in another region needs no statement: its IAM role suffices.
 *   Then the hub bus's rule.
 * - spoke: only its own account and region's events are on its default bus; those its rule
 *   matches are forwarded to the hub's bus. It records nothing.
 */
import { resourcesOfType, RESOURCE_TYPES, type ProgramModel } from "./program-model";

export type Role = "standalone" | "hub" | "spoke";

/** Where an event comes from: the account and region of its envelope. */
export interface Origin {
  readonly account: string;
  readonly region: string;
}

/** The account and region the stack is deployed to. */
export interface StackPlace extends Origin {
  /** Organization of each account, as the caller knows it (`--org ACCOUNT=o-...`). */
  readonly organizations?: Readonly<Record<string, string>>;
}

/** What happens to one event on its way to the handler. */
export type Route =
  | { readonly to: "default" }
  | { readonly to: "hub" }
  | { readonly to: "refused"; readonly reason: string }
  | { readonly to: "elsewhere" };

export interface Router {
  readonly role: Role;
  /** The event patterns of the rules, by the bus they listen on. */
  readonly patterns: { readonly default: string; readonly hub?: string };
  /** A spoke's target: the hub's bus, and the role EventBridge puts events there with. */
  readonly forward?: { readonly busArn: string; readonly roleName: string };
  route(origin: Origin | undefined): Route;
}

/** The account and region of an event's envelope, when it has both. */
export function originOf(event: Record<string, unknown>): Origin | undefined {
  const { account, region } = event;
  return typeof account === "string" && typeof region === "string" && account && region
    ? { account, region }
    : undefined;
}

/** The router of the program's role, from its rules, bus, bus policy and targets. */
export function routerFor(model: ProgramModel, place: StackPlace): Router {
  const rules = resourcesOfType(model, RESOURCE_TYPES.rule);
  const onDefault = rules.find((r) => !onCustomBus(r.inputs));
  if (!onDefault) throw new Error("The program registered no rule on the default bus.");
  const patterns = { default: String(onDefault.inputs.eventPattern) };
  const own = (origin: Origin | undefined) =>
    !origin || (origin.account === place.account && origin.region === place.region);

  const forwardTarget = resourcesOfType(model, RESOURCE_TYPES.target).find((t) =>
    String(t.inputs.arn).includes(":event-bus/"),
  );
  if (forwardTarget) {
    const role = resourcesOfType(model, RESOURCE_TYPES.role).find(
      (r) => r.state.arn === forwardTarget.inputs.roleArn,
    );
    return {
      role: "spoke",
      patterns,
      forward: { busArn: String(forwardTarget.inputs.arn), roleName: String(role?.state.name) },
      route: (origin) => (own(origin) ? { to: "default" } : { to: "elsewhere" }),
    };
  }

  const bus = resourcesOfType(model, RESOURCE_TYPES.eventBus)[0];
  if (!bus) {
    return { role: "standalone", patterns, route: () => ({ to: "default" }) };
  }
  const onHub = rules.find((r) => r.inputs.eventBusName === bus.state.name);
  const policies = resourcesOfType(model, RESOURCE_TYPES.eventBusPolicy).map((p) =>
    parsePolicy(String(p.inputs.policy)),
  );
  policies.flat().forEach(checkEvaluable);
  const busArn = String(bus.state.arn);
  return {
    role: "hub",
    patterns: { ...patterns, hub: onHub ? String(onHub.inputs.eventPattern) : undefined },
    route(origin) {
      if (own(origin)) return { to: "default" };
      const { account } = origin as Origin;
      const decision = putEventsDecision(policies, busArn, account, place);
      return decision === "allowed" ? { to: "hub" } : { to: "refused", reason: decision };
    },
  };
}

function onCustomBus(inputs: Record<string, unknown>): boolean {
  const bus = inputs.eventBusName;
  return typeof bus === "string" && bus !== "default";
}

interface Statement {
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

function parsePolicy(text: string): Statement[] {
  const document = JSON.parse(text) as { Statement?: Statement | Statement[] };
  const statements = document.Statement ?? [];
  return Array.isArray(statements) ? statements : [statements];
}

/** What the twin evaluates: StringEquals on these condition keys (lower case). */
const EVALUATED_KEYS = ["aws:principalorgid", "aws:principalaccount"];

/**
 * Refuses a statement the twin cannot evaluate as EventBridge would: a condition other than
 * StringEquals on aws:PrincipalOrgID or aws:PrincipalAccount, or NotPrincipal, NotAction or
 * NotResource. Guessing would replay events the deployed bus refuses, or the reverse.
 */
function checkEvaluable(statement: Statement): void {
  const cannot = (what: string) =>
    new Error(
      `The twin cannot evaluate the hub bus policy's ${what}${sid(statement)}: it evaluates ` +
        `Principal, Action, Resource and StringEquals on aws:PrincipalOrgID and ` +
        `aws:PrincipalAccount only, so it cannot say which events the deployed bus admits.`,
    );
  for (const negated of ["NotPrincipal", "NotAction", "NotResource"]) {
    if (negated in statement) throw cannot(negated);
  }
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(keys)) {
      if (operator !== "StringEquals" || !EVALUATED_KEYS.includes(caseless(key))) {
        throw cannot(`condition ${operator} on ${key}`);
      }
    }
  }
}

/**
 * May `account` put events on the bus? "allowed", or why not. Deny wins over Allow; the bus's
 * own account needs no statement. Conditions are those `checkEvaluable` let through.
 */
function putEventsDecision(
  policies: readonly Statement[][],
  busArn: string,
  account: string,
  place: StackPlace,
): "allowed" | string {
  const organization = place.organizations?.[account];
  const applies = (s: Statement) =>
    names(s.Action, ["events:PutEvents", "events:*", "*"]) &&
    names(s.Resource ?? "*", [busArn, "*"]) &&
    principalIncludes(s.Principal, account) &&
    conditionHolds(s.Condition, account, organization);
  const statements = policies.flat();
  const denied = statements.find((s) => s.Effect === "Deny" && applies(s));
  if (denied) {
    return `the hub bus policy denies account ${account}${sid(denied)}`;
  }
  if (account === place.account) return "allowed";
  if (statements.some((s) => s.Effect === "Allow" && applies(s))) return "allowed";
  const orgs = statements.flatMap((s) => orgIds(s.Condition));
  const membership =
    orgs.length === 0
      ? ""
      : organization
        ? `, and its organization ${organization} is not ${orgs.join(" or ")}`
        : `, and its organization is not known; if it belongs to ${orgs.join(" or ")}, say so ` +
          `with --org ${account}=${orgs[0]}`;
  return `account ${account} is not in the hub bus policy (acceptFrom)${membership}`;
}

function sid(statement: Statement): string {
  const name = (statement as { Sid?: unknown }).Sid;
  return typeof name === "string" ? ` (statement ${name})` : "";
}

/** Whether a policy value (a string or a list) names one of `wanted`. */
function names(value: unknown, wanted: readonly string[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => typeof v === "string" && wanted.includes(v));
}

function principalIncludes(principal: unknown, account: string): boolean {
  if (principal === "*") return true;
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  const values = Array.isArray(aws) ? aws : [aws];
  return values.some(
    (v) =>
      v === "*" ||
      v === account ||
      (typeof v === "string" && new RegExp(`^arn:[^:]+:iam::${account}:root$`).test(v)),
  );
}

function conditionHolds(
  condition: Statement["Condition"],
  account: string,
  organization: string | undefined,
): boolean {
  // Only StringEquals on the two keys gets here (checkEvaluable).
  for (const keys of Object.values(condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      if (caseless(key) === "aws:principalorgid") {
        if (organization === undefined || !names(value, [organization])) return false;
      } else if (!names(value, [account])) return false;
    }
  }
  return true;
}

function orgIds(condition: Statement["Condition"]): string[] {
  const value = Object.entries(condition?.StringEquals ?? {}).find(
    ([key]) => caseless(key) === "aws:principalorgid",
  )?.[1];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
}

function caseless(key: string): string {
  return key.toLowerCase();
}
