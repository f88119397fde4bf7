/**
 * The checks of `batch-job-log doctor` on a deployed stack, per role (standalone, hub, spoke as
 * index.ts creates them): each reads one thing through the AWS APIs and says whether it is as the
 * program and its configuration make it, and if not, what to do. A check whose call fails (no
 * such resource, access denied) fails with the call's message; an endpoint that cannot be reached
 * fails the whole command (errors.ts). The SDKs are required inside functions, when doctor runs.
 */
import type { BatchClient, JobSummary } from "@aws-sdk/client-batch";
import type { CloudWatchClient, Datapoint } from "@aws-sdk/client-cloudwatch";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EventBridgeClient, Target } from "@aws-sdk/client-eventbridge";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { CommandSender } from "../../record";
import { ACCOUNT_ID } from "../../twin/stack-config";
import { getItem, listJobs, describeJobQueues } from "./clients";
import { isNetworkError } from "./errors";

/** The stack's role, from its outputs: a spoke has `forwardTo`, a hub `eventBusArn`. */
export type StackRole = "standalone" | "hub" | "spoke";

/** The deployed resources doctor checks (the stack's outputs, or the flags). */
export interface DoctorTarget {
  readonly role: StackRole;
  readonly tableName?: string;
  readonly functionName?: string;
  readonly ruleName: string;
  readonly deadLetterQueueUrl: string;
  readonly eventBusArn?: string;
  readonly forwardTo?: string;
}

/** What the configuration makes them (infra/config.ts; its defaults when not known). */
export interface DoctorExpected {
  readonly kmsKeyArn?: string;
  readonly retentionDays?: number;
  readonly deletionProtection: boolean;
  readonly jobQueues: readonly string[];
  readonly acceptFrom?: { readonly accounts: string[]; readonly organizations: string[] };
}

export interface DoctorClients {
  readonly dynamodb: DynamoDBClient;
  readonly table: CommandSender;
  readonly events: EventBridgeClient;
  readonly lambda: LambdaClient;
  readonly sqs: SQSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly batch: BatchClient;
  readonly iam: IAMClient;
}

/** One line of the report. */
export interface CheckResult {
  /** A stable name: `table.encryption`, `rule.target`, ... */
  readonly check: string;
  readonly ok: boolean;
  /** What was found. */
  readonly detail: string;
  /** What to do, when it failed. */
  readonly fix?: string;
}

/** The target's retry policy and the attempts the program sets (infra/delivery.ts). */
export const RETRY = { maximumEventAgeInSeconds: 24 * 60 * 60, maximumRetryAttempts: 185 };
/** A job that ended this long ago may not be recorded yet (EventBridge's delivery). */
export const LAG_GRACE_MS = 5 * 60 * 1000;
/** How many of the newest ended jobs are looked up for the newest that is recorded. */
const LAG_LOOKUPS = 10;
const HOUR_MS = 60 * 60 * 1000;
const REDEPLOY = "run `pulumi up` to put it back as the program declares it";

const pass = (check: string, detail: string): CheckResult => ({ check, ok: true, detail });
const fail = (check: string, detail: string, fix: string): CheckResult => ({
  check,
  ok: false,
  detail,
  fix,
});

const sdk = {
  dynamodb: (): typeof import("@aws-sdk/client-dynamodb") => require("@aws-sdk/client-dynamodb"),
  events: (): typeof import("@aws-sdk/client-eventbridge") =>
    require("@aws-sdk/client-eventbridge"),
  lambda: (): typeof import("@aws-sdk/client-lambda") => require("@aws-sdk/client-lambda"),
  sqs: (): typeof import("@aws-sdk/client-sqs") => require("@aws-sdk/client-sqs"),
  cloudwatch: (): typeof import("@aws-sdk/client-cloudwatch") =>
    require("@aws-sdk/client-cloudwatch"),
  iam: (): typeof import("@aws-sdk/client-iam") => require("@aws-sdk/client-iam"),
};

/**
 * Runs `body`, which may push the results it has into `done` as it goes; a call that failed (but
 * reached its endpoint) fails the `names` not done with its message.
 */
async function checked(
  names: readonly string[],
  fix: string,
  body: (done: CheckResult[]) => Promise<CheckResult[]>,
): Promise<CheckResult[]> {
  const done: CheckResult[] = [];
  try {
    return await body(done);
  } catch (error) {
    if (isNetworkError(error)) throw error;
    const e = error as { name?: string; message?: string };
    const detail = `${e.name ?? "Error"}: ${e.message ?? String(error)}`;
    const left = names.filter((name) => !done.some((r) => r.check === name));
    return [...done, ...left.map((name) => fail(name, detail, fix))];
  }
}

/** The table: encryption, point-in-time recovery, TTL and deletion protection. */
export function checkTable(
  clients: DoctorClients,
  tableName: string,
  expected: DoctorExpected,
): Promise<CheckResult[]> {
  const names = ["table.encryption", "table.point-in-time-recovery", "table.ttl"];
  const names2 = [...names, "table.deletion-protection"];
  return checked(
    names2,
    `check that table ${tableName} exists in this account and region`,
    async (results) => {
      const d = sdk.dynamodb();
      const { Table } = await clients.dynamodb.send(
        new d.DescribeTableCommand({ TableName: tableName }),
      );
      const sse = Table?.SSEDescription;
      const kms = sse?.Status === "ENABLED" && sse.SSEType === "KMS";
      const keyOk = !expected.kmsKeyArn || sse?.KMSMasterKeyArn === expected.kmsKeyArn;
      results.push(
        kms && keyOk
          ? pass(names[0], `KMS encryption with ${sse.KMSMasterKeyArn ?? "the AWS-managed key"}`)
          : fail(
              names[0],
              kms
                ? `KMS key ${sse.KMSMasterKeyArn}, configured ${expected.kmsKeyArn}`
                : `no KMS encryption (${sse?.Status ?? "the DynamoDB-owned key"})`,
              REDEPLOY,
            ),
      );
      const backups = await clients.dynamodb.send(
        new d.DescribeContinuousBackupsCommand({ TableName: tableName }),
      );
      const pitr =
        backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription
          ?.PointInTimeRecoveryStatus;
      results.push(
        pitr === "ENABLED"
          ? pass(names[1], "point-in-time recovery enabled")
          : fail(names[1], `point-in-time recovery ${pitr ?? "unknown"}`, REDEPLOY),
      );
      const ttl = (
        await clients.dynamodb.send(new d.DescribeTimeToLiveCommand({ TableName: tableName }))
      ).TimeToLiveDescription;
      const ttlOn = ttl?.TimeToLiveStatus === "ENABLED" || ttl?.TimeToLiveStatus === "ENABLING";
      if (expected.retentionDays !== undefined) {
        results.push(
          ttlOn && ttl?.AttributeName === "expiresAt"
            ? pass(names[2], `TTL on expiresAt (retentionDays ${expected.retentionDays})`)
            : fail(
                names[2],
                `TTL ${ttl?.TimeToLiveStatus ?? "unknown"} on ${ttl?.AttributeName ?? "no attribute"}, configured on expiresAt`,
                REDEPLOY,
              ),
        );
      } else {
        results.push(
          ttlOn
            ? fail(
                names[2],
                `TTL on ${ttl?.AttributeName}, though retentionDays is not set: records expire`,
                REDEPLOY,
              )
            : pass(names[2], "no TTL (retentionDays not set: records are kept)"),
        );
      }
      const protection = Table?.DeletionProtectionEnabled === true;
      results.push(
        protection === expected.deletionProtection
          ? pass(names2[3], `deletion protection ${protection ? "on" : "off"}, as configured`)
          : fail(
              names2[3],
              `deletion protection ${protection ? "on" : "off"}, configured ${expected.deletionProtection ? "on" : "off"}`,
              REDEPLOY,
            ),
      );
      return results;
    },
  );
}

/** What is wrong with a target's retry policy and dead-letter queue, if anything. */
function deliveryProblems(target: Target, queueArn: string | undefined): string[] {
  const problems: string[] = [];
  const retry = target.RetryPolicy;
  if (
    retry?.MaximumRetryAttempts !== RETRY.maximumRetryAttempts ||
    retry?.MaximumEventAgeInSeconds !== RETRY.maximumEventAgeInSeconds
  ) {
    problems.push(
      `retries ${retry?.MaximumRetryAttempts ?? "default"} over ${retry?.MaximumEventAgeInSeconds ?? "default"} s ` +
        `(expected ${RETRY.maximumRetryAttempts} over ${RETRY.maximumEventAgeInSeconds} s)`,
    );
  }
  if (target.DeadLetterConfig?.Arn !== queueArn) {
    problems.push(
      `dead-letters to ${target.DeadLetterConfig?.Arn ?? "nothing"} (expected ${queueArn})`,
    );
  }
  return problems;
}

/** What the rule's check learnt that later checks need. */
interface Seen {
  roleArn?: string;
  functionArn?: string;
}

/** The rule is enabled, and its one target is the function (or, for a spoke, the hub's bus). */
export function checkRule(
  clients: DoctorClients,
  target: DoctorTarget,
  queueArn: string | undefined,
  seen: Seen = {},
): Promise<CheckResult[]> {
  const names = ["rule.enabled", "rule.target"];
  return checked(
    names,
    `check that rule ${target.ruleName} (default bus)` +
      (target.functionName ? ` and function ${target.functionName} exist` : " exists") +
      " in this account and region",
    async (results) => {
      const e = sdk.events();
      const rule = await clients.events.send(new e.DescribeRuleCommand({ Name: target.ruleName }));
      results.push(
        rule.State === "ENABLED"
          ? pass(names[0], `rule ${target.ruleName} enabled`)
          : fail(
              names[0],
              `rule ${target.ruleName} is ${rule.State ?? "in no state"}`,
              `aws events enable-rule --name ${target.ruleName}`,
            ),
      );
      const { Targets = [] } = await clients.events.send(
        new e.ListTargetsByRuleCommand({ Rule: target.ruleName }),
      );
      let wanted: string | undefined;
      if (target.role === "spoke") {
        wanted = target.forwardTo;
      } else if (target.functionName) {
        const l = sdk.lambda();
        const fn = await clients.lambda.send(
          new l.GetFunctionCommand({ FunctionName: target.functionName }),
        );
        wanted = fn.Configuration?.FunctionArn;
        seen.functionArn = wanted;
      }
      const found = Targets.find((t) => t.Arn === wanted);
      const what = target.role === "spoke" ? `the hub's bus ${wanted}` : `function ${wanted}`;
      if (!found || Targets.length !== 1) {
        results.push(
          fail(
            names[1],
            `targets ${Targets.map((t) => t.Arn).join(", ") || "nothing"}, expected only ${what}`,
            REDEPLOY,
          ),
        );
        return results;
      }
      const problems = deliveryProblems(found, queueArn);
      seen.roleArn = found.RoleArn;
      if (target.role === "spoke" && !found.RoleArn) problems.push("no role to put events with");
      results.push(
        problems.length === 0
          ? pass(
              names[1],
              `targets ${what}` +
                (found.RoleArn ? ` as ${found.RoleArn}` : "") +
                `, ${RETRY.maximumRetryAttempts} retries over a day, then the dead-letter queue`,
            )
          : fail(names[1], `target ${what}: ${problems.join("; ")}`, REDEPLOY),
      );
      return results;
    },
  );
}

/** The sum (or maximum) of a metric over the last hour; undefined when it has no data. */
async function lastHour(
  clients: DoctorClients,
  now: number,
  namespace: string,
  metric: string,
  dimension: { Name: string; Value: string },
  statistic: "Sum" | "Maximum",
): Promise<number | undefined> {
  const c = sdk.cloudwatch();
  const { Datapoints = [] } = await clients.cloudwatch.send(
    new c.GetMetricStatisticsCommand({
      Namespace: namespace,
      MetricName: metric,
      Dimensions: [dimension],
      StartTime: new Date(now - HOUR_MS),
      EndTime: new Date(now),
      Period: 60,
      Statistics: [statistic],
    }),
  );
  if (Datapoints.length === 0) return undefined;
  const values = Datapoints.map((p: Datapoint) => p[statistic] ?? 0);
  return statistic === "Sum" ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
}

/** The function's Errors and Throttles in the last hour. */
export function checkFunction(
  clients: DoctorClients,
  functionName: string,
  now: number,
): Promise<CheckResult[]> {
  const names = ["function.errors", "function.throttles"];
  return checked(
    names,
    "check that the caller may call cloudwatch:GetMetricStatistics",
    async () => {
      const dimension = { Name: "FunctionName", Value: functionName };
      const errors = (await lastHour(clients, now, "AWS/Lambda", "Errors", dimension, "Sum")) ?? 0;
      const throttles =
        (await lastHour(clients, now, "AWS/Lambda", "Throttles", dimension, "Sum")) ?? 0;
      return [
        errors === 0
          ? pass(names[0], `no errors of ${functionName} in the last hour`)
          : fail(
              names[0],
              `${errors} errors of ${functionName} in the last hour`,
              `read the handler's log group /aws/lambda/${functionName}: each error names the event and the field`,
            ),
        throttles === 0
          ? pass(names[1], `no throttles of ${functionName} in the last hour`)
          : fail(
              names[1],
              `${throttles} throttles of ${functionName} in the last hour`,
              "raise the account's Lambda concurrency, or the function's reserved concurrency",
            ),
      ];
    },
  );
}

/** The queue's name, the last part of its URL. */
export function queueName(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1);
}

/** The dead-letter queue's depth and its oldest message's age; its ARN (for the targets). */
export async function checkDeadLetters(
  clients: DoctorClients,
  url: string,
  now: number,
): Promise<{ results: CheckResult[]; queueArn?: string }> {
  const names = ["dead-letters.depth", "dead-letters.oldest"];
  const name = queueName(url);
  const fix =
    `read the events with \`aws sqs receive-message --queue-url ${url}\`, fix their cause, ` +
    "then replay them (docs/doctor.md)";
  let queueArn: string | undefined;
  const results = await checked(names, `check that queue ${url} exists`, async () => {
    const s = sdk.sqs();
    const { Attributes = {} } = await clients.sqs.send(
      new s.GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          "QueueArn",
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
        ],
      }),
    );
    queueArn = Attributes.QueueArn;
    const depth =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    const dimension = { Name: "QueueName", Value: name };
    const age = await lastHour(
      clients,
      now,
      "AWS/SQS",
      "ApproximateAgeOfOldestMessage",
      dimension,
      "Maximum",
    );
    return [
      depth === 0
        ? pass(names[0], `dead-letter queue ${name} is empty`)
        : fail(names[0], `dead-letter queue ${name} holds ${depth} events`, fix),
      !age
        ? pass(names[1], `no message waited in ${name} in the last hour`)
        : fail(names[1], `the oldest message of ${name} waited ${Math.round(age)} s`, fix),
    ];
  });
  return { results, queueArn };
}

/** The alarm on the dead-letter queue exists and is not in ALARM. */
export function checkAlarm(clients: DoctorClients, url: string): Promise<CheckResult[]> {
  const check = "alarm";
  return checked(
    [check],
    "check that the caller may call cloudwatch:DescribeAlarmsForMetric",
    async () => {
      const c = sdk.cloudwatch();
      const name = queueName(url);
      const { MetricAlarms = [] } = await clients.cloudwatch.send(
        new c.DescribeAlarmsForMetricCommand({
          Namespace: "AWS/SQS",
          MetricName: "ApproximateNumberOfMessagesVisible",
          Dimensions: [{ Name: "QueueName", Value: name }],
        }),
      );
      if (MetricAlarms.length === 0) {
        return [fail(check, `no alarm on the dead-letter queue ${name}`, REDEPLOY)];
      }
      const firing = MetricAlarms.filter((a) => a.StateValue === "ALARM");
      return firing.length === 0
        ? [pass(check, `alarm ${MetricAlarms[0].AlarmName} is ${MetricAlarms[0].StateValue}`)]
        : [
            fail(
              check,
              `alarm ${firing[0].AlarmName} is in ALARM: ${firing[0].StateReason ?? ""}`.trim(),
              "see the dead-letter queue's checks above",
            ),
          ];
    },
  );
}

/** The principals a bus policy admits: accounts (by id) and organizations. */
function admitted(policy: string): {
  accounts: Set<string>;
  organizations: Set<string>;
  open: boolean;
} {
  const accounts = new Set<string>();
  const organizations = new Set<string>();
  let open = false;
  const doc = JSON.parse(policy) as { Statement?: unknown };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  for (const s of statements as {
    Effect?: string;
    Principal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
  }[]) {
    if (s?.Effect !== "Allow") continue;
    const list = (v: unknown): string[] =>
      Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
    const orgs = list(s.Condition?.StringEquals?.["aws:PrincipalOrgID"]);
    const principal = s.Principal;
    if (principal === "*" || (principal as { AWS?: unknown })?.AWS === "*") {
      if (orgs.length > 0) for (const o of orgs) organizations.add(o);
      else open = true;
      continue;
    }
    for (const p of list((principal as { AWS?: unknown })?.AWS)) {
      const id = /^(?:arn:aws[a-z-]*:iam::)?(\d{12})(?::root)?$/.exec(p)?.[1];
      if (id && ACCOUNT_ID.test(id)) accounts.add(id);
    }
  }
  return { accounts, organizations, open };
}

/** A hub's bus policy admits the accounts and organizations of acceptFrom, and no one else. */
export function checkBusPolicy(
  clients: DoctorClients,
  busArn: string,
  expected: DoctorExpected,
): Promise<CheckResult[]> {
  const check = "hub.bus-policy";
  const busName = busArn.slice(busArn.indexOf("event-bus/") + "event-bus/".length);
  return checked([check], `check that bus ${busName} exists`, async () => {
    const e = sdk.events();
    const bus = await clients.events.send(new e.DescribeEventBusCommand({ Name: busName }));
    if (!bus.Policy)
      return [fail(check, `bus ${busName} has no policy: no spoke can send`, REDEPLOY)];
    const got = admitted(bus.Policy);
    const problems: string[] = [];
    if (got.open) problems.push("it admits every account");
    const want = expected.acceptFrom;
    if (want) {
      const missing = [
        ...want.accounts.filter((a) => !got.accounts.has(a)),
        ...want.organizations.filter((o) => !got.organizations.has(o)),
      ];
      const extra = [
        ...[...got.accounts].filter((a) => !want.accounts.includes(a)),
        ...[...got.organizations].filter((o) => !want.organizations.includes(o)),
      ];
      if (missing.length > 0) problems.push(`it does not admit ${missing.join(", ")}`);
      if (extra.length > 0) problems.push(`it admits ${extra.join(", ")}, not in acceptFrom`);
    }
    const who = [...got.accounts, ...got.organizations].join(", ") || "no one";
    return problems.length === 0
      ? [pass(check, `bus ${busName} admits ${who}`)]
      : [fail(check, `bus ${busName}: ${problems.join("; ")}`, REDEPLOY)];
  });
}

interface PolicyStatement {
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
}

/** The statements of a policy document as IAM returns it (URL-encoded JSON). */
function statements(document: string | undefined): PolicyStatement[] {
  if (!document) return [];
  const parsed = JSON.parse(decodeURIComponent(document)) as { Statement?: unknown };
  const list = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return list.filter((x): x is PolicyStatement => typeof x === "object" && x !== null);
}

const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/**
 * A spoke's role (infra/spoke.ts): only EventBridge may assume it, and its policies allow
 * `events:PutEvents` on the hub's bus and nothing else (no managed policy attached).
 */
export function checkSpokeRole(
  clients: DoctorClients,
  roleArn: string,
  forwardTo: string,
): Promise<CheckResult[]> {
  const check = "spoke.role";
  const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
  return checked([check], `check that role ${roleName} exists`, async () => {
    const i = sdk.iam();
    const { Role } = await clients.iam.send(new i.GetRoleCommand({ RoleName: roleName }));
    const problems: string[] = [];
    const trust = statements(Role?.AssumeRolePolicyDocument).filter((t) => t.Effect === "Allow");
    const services = trust.flatMap((t) =>
      asList((t.Principal as { Service?: string | string[] } | undefined)?.Service),
    );
    if (services.length === 0 || services.some((svc) => svc !== "events.amazonaws.com")) {
      problems.push(
        `its trust admits ${services.join(", ") || "no service"}, not only events.amazonaws.com`,
      );
    }
    const { PolicyNames = [] } = await clients.iam.send(
      new i.ListRolePoliciesCommand({ RoleName: roleName }),
    );
    const allowed: PolicyStatement[] = [];
    for (const PolicyName of PolicyNames) {
      const policy = await clients.iam.send(
        new i.GetRolePolicyCommand({ RoleName: roleName, PolicyName }),
      );
      allowed.push(...statements(policy.PolicyDocument).filter((t) => t.Effect === "Allow"));
    }
    const puts = allowed.some(
      (t) =>
        asList(t.Action).includes("events:PutEvents") && asList(t.Resource).includes(forwardTo),
    );
    if (!puts) problems.push(`it may not events:PutEvents on ${forwardTo}`);
    const extra = allowed.flatMap((t) => [
      ...asList(t.Action).filter((a) => a !== "events:PutEvents"),
      ...asList(t.Resource).filter((r) => r !== forwardTo),
    ]);
    if (extra.length > 0) problems.push(`it also allows ${[...new Set(extra)].join(", ")}`);
    const { AttachedPolicies = [] } = await clients.iam.send(
      new i.ListAttachedRolePoliciesCommand({ RoleName: roleName }),
    );
    if (AttachedPolicies.length > 0) {
      problems.push(
        `managed policies attached: ${AttachedPolicies.map((a) => a.PolicyName).join(", ")}`,
      );
    }
    return problems.length === 0
      ? [pass(check, `role ${roleName}: EventBridge only, events:PutEvents on ${forwardTo} only`)]
      : [fail(check, `role ${roleName}: ${problems.join("; ")}`, REDEPLOY)];
  });
}

/** The hub's rule on its own bus (infra/hub.ts): enabled, feeding the same function likewise. */
export function checkHubRule(
  clients: DoctorClients,
  busArn: string,
  functionArn: string | undefined,
  queueArn: string | undefined,
): Promise<CheckResult[]> {
  const check = "hub.rule";
  const busName = busArn.slice(busArn.indexOf("event-bus/") + "event-bus/".length);
  return checked([check], `check that bus ${busName} exists`, async () => {
    const e = sdk.events();
    const { Rules = [] } = await clients.events.send(
      new e.ListRulesCommand({ EventBusName: busName }),
    );
    const problems: string[] = [];
    let feeding: string | undefined;
    for (const rule of Rules) {
      const { Targets = [] } = await clients.events.send(
        new e.ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: busName }),
      );
      const found = Targets.find((t) => t.Arn === functionArn);
      if (!found) continue;
      feeding = rule.Name;
      if (rule.State !== "ENABLED") problems.push(`rule ${rule.Name} is ${rule.State}`);
      problems.push(...deliveryProblems(found, queueArn).map((p) => `rule ${rule.Name}: ${p}`));
    }
    if (!feeding) {
      return [fail(check, `no rule on bus ${busName} targets function ${functionArn}`, REDEPLOY)];
    }
    return problems.length === 0
      ? [pass(check, `rule ${feeding} on bus ${busName} feeds the function, enabled`)]
      : [fail(check, problems.join("; "), REDEPLOY)];
  });
}

/** The newest ended jobs of the queues (SUCCEEDED and FAILED), newest first. */
async function endedJobs(batch: BatchClient, queues: readonly string[]): Promise<JobSummary[]> {
  let names = [...queues];
  if (names.length === 0) {
    let nextToken: string | undefined;
    do {
      const page = await describeJobQueues(batch, { nextToken });
      names.push(...(page.jobQueues ?? []).map((q) => q.jobQueueArn ?? q.jobQueueName ?? ""));
      nextToken = page.nextToken;
    } while (nextToken);
    names = names.filter((n) => n !== "");
  }
  const jobs: JobSummary[] = [];
  for (const jobQueue of names) {
    for (const jobStatus of ["SUCCEEDED", "FAILED"] as const) {
      const page = await listJobs(batch, { jobQueue, jobStatus, maxResults: 100 });
      jobs.push(...(page.jobSummaryList ?? []));
    }
  }
  return jobs
    .filter((j) => j.stoppedAt !== undefined)
    .sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0));
}

/** Minutes and seconds. */
function span(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * The lag between the newest job that ended in Batch (ListJobs on the queues) and the newest of
 * them that is recorded: fails when a job that ended over LAG_GRACE_MS ago has no record.
 */
export function checkLag(
  clients: DoctorClients,
  tableName: string,
  queues: readonly string[],
  now: number,
): Promise<CheckResult[]> {
  const check = "records.lag";
  return checked(
    [check],
    "check the caller may call batch:ListJobs and dynamodb:GetItem",
    async () => {
      const jobs = await endedJobs(clients.batch, queues);
      if (jobs.length === 0)
        return [pass(check, "no job ended in Batch's memory: nothing to record")];
      const newest = jobs[0];
      const waited = now - (newest.stoppedAt ?? 0);
      const fix =
        "see the rule, function and dead-letter checks; `batch-job-log backfill` records what Batch still knows";
      for (const job of jobs.slice(0, LAG_LOOKUPS)) {
        const { Item } = await getItem(clients.table, {
          TableName: tableName,
          Key: { jobId: job.jobId },
          ProjectionExpression: "jobId",
        });
        if (!Item) continue;
        const lag = (newest.stoppedAt ?? 0) - (job.stoppedAt ?? 0);
        if (lag === 0) return [pass(check, `newest ended job ${job.jobId} recorded, no lag`)];
        const detail =
          `newest ended job ${newest.jobId} not recorded; the newest recorded, ${job.jobId}, ` +
          `ended ${span(lag)} before it`;
        return waited < LAG_GRACE_MS ? [pass(check, detail)] : [fail(check, detail, fix)];
      }
      const detail =
        `none of the ${Math.min(jobs.length, LAG_LOOKUPS)} newest ended jobs is recorded; ` +
        `${newest.jobId} ended ${span(waited)} ago`;
      return waited < LAG_GRACE_MS ? [pass(check, detail)] : [fail(check, detail, fix)];
    },
  );
}

/** Every check of the target's role, in report order. */
export async function runChecks(
  clients: DoctorClients,
  target: DoctorTarget,
  expected: DoctorExpected,
  now: number,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  if (target.tableName) results.push(...(await checkTable(clients, target.tableName, expected)));
  const dead = await checkDeadLetters(clients, target.deadLetterQueueUrl, now);
  const seen: Seen = {};
  results.push(...(await checkRule(clients, target, dead.queueArn, seen)));
  if (target.role === "spoke" && target.forwardTo && seen.roleArn) {
    results.push(...(await checkSpokeRole(clients, seen.roleArn, target.forwardTo)));
  }
  if (target.functionName)
    results.push(...(await checkFunction(clients, target.functionName, now)));
  results.push(...dead.results, ...(await checkAlarm(clients, target.deadLetterQueueUrl)));
  if (target.role === "hub" && target.eventBusArn) {
    results.push(...(await checkBusPolicy(clients, target.eventBusArn, expected)));
    results.push(
      ...(await checkHubRule(clients, target.eventBusArn, seen.functionArn, dead.queueArn)),
    );
  }
  if (target.tableName) {
    results.push(...(await checkLag(clients, target.tableName, expected.jobQueues, now)));
  }
  return results;
}
