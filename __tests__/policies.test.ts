/**
 * The policy pack's policies, run in-process on hand-built resources: for each policy a compliant
 * resource from a happy-path factory, then one mutation per way of failing, asserting the exact
 * messages and enforcement levels. Values unknown during preview are the engine's sentinels behind
 * @pulumi/policy's unknownCheckingProxy, as the CLI delivers them.
 */
import * as fs from "fs";
import * as path from "path";
import * as cloudwatch from "../policy-pack/cloudwatch";
import * as dynamodb from "../policy-pack/dynamodb";
import * as eventbridge from "../policy-pack/eventbridge";
import * as iam from "../policy-pack/iam";
import * as lambda from "../policy-pack/lambda";
import * as pack from "../policy-pack/policies";
import * as sqs from "../policy-pack/sqs";
import {
  runResourcePolicy,
  runStackPolicy,
  UNKNOWN,
  unknownCheckingProxy,
  urnOf,
  type PackConfig,
  type TestResource,
  type Violation,
} from "./helpers/policy-harness";

const TYPE = {
  table: "aws:dynamodb/table:Table",
  tableReplica: "aws:dynamodb/tableReplica:TableReplica",
  fn: "aws:lambda/function:Function",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  queue: "aws:sqs/queue:Queue",
  policy: "aws:iam/policy:Policy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  role: "aws:iam/role:Role",
  eventBusPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  eventPermission: "aws:cloudwatch/eventPermission:EventPermission",
} as const;

/** Every message, as its policy's module declares it beside its check. */
const MSG = {
  ...dynamodb.MESSAGES,
  ...eventbridge.MESSAGES,
  ...lambda.MESSAGES,
  ...cloudwatch.MESSAGES,
  ...sqs.MESSAGES,
  iamWildcardAction: iam.MESSAGES.iamDynamodbWildcardAction,
  iamWildcardResource: iam.MESSAGES.iamDynamodbWildcardResource,
} as const;

const ACCOUNT = "123456789012";
const KEY_US = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const KEY_EU = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/5678abcd-12ab-34cd-56ef-1234567890ab`;
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/jobs-0a1b2c3`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:dead-letters-0a1b2c3`;

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The message and level of each violation, in order. */
function reported(violations: readonly Violation[]): [string, string][] {
  return violations.map((v) => [v.message, v.enforcementLevel]);
}

function resource(type: string, name: string, props: Props): TestResource {
  return { type, name, props };
}

// ---------------------------------------------------------------------------------------------
// Happy-path factories; each test mutates a fresh copy.

function tableProps(): Props {
  return {
    billingMode: "PAY_PER_REQUEST",
    hashKey: "jobId",
    attributes: [{ name: "jobId", type: "S" }],
    serverSideEncryption: { enabled: true },
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: true,
  };
}

/** A global table with a customer-managed key, and a replica with its own key and recovery. */
function globalTableProps(): Props {
  return {
    ...tableProps(),
    serverSideEncryption: { enabled: true, kmsKeyArn: KEY_US },
    replicas: [{ regionName: "eu-west-1", kmsKeyArn: KEY_EU, pointInTimeRecovery: true }],
  };
}

function table(
  mutate: (p: Props) => void = () => {},
  make: () => Props = tableProps,
): TestResource {
  const props = make();
  mutate(props);
  return resource(TYPE.table, "jobs", props);
}

function globalTable(mutate: (p: Props) => void = () => {}): TestResource {
  return table(mutate, globalTableProps);
}

function tableReplica(mutate: (p: Props) => void = () => {}): TestResource {
  const props: Props = { globalTableArn: TABLE_ARN, kmsKeyArn: KEY_EU, pointInTimeRecovery: true };
  mutate(props);
  return resource(TYPE.tableReplica, "jobs-eu", props);
}

const FN_NAME = "handler-0a1b2c3";
const FN_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FN_NAME}`;

function fn(name = "handler", mutate: (p: Props) => void = () => {}): TestResource {
  const physical = name === "handler" ? FN_NAME : `${name}-0a1b2c3`;
  const props: Props = {
    name: physical,
    arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${physical}`,
    runtime: "nodejs22.x",
    handler: "__index.handler",
  };
  mutate(props);
  return resource(TYPE.fn, name, props);
}

function invokeConfig(
  mutate: (p: Props) => void = () => {},
  name = "handler-invoke-config",
): TestResource {
  const props: Props = {
    functionName: FN_NAME,
    maximumRetryAttempts: 2,
    destinationConfig: { onFailure: { destination: QUEUE_ARN } },
  };
  mutate(props);
  return resource(TYPE.invokeConfig, name, props);
}

function logGroup(mutate: (p: Props) => void = () => {}): TestResource {
  const props: Props = { name: "/aws/lambda/batch-job-log-dev", retentionInDays: 30 };
  mutate(props);
  return resource(TYPE.logGroup, "handler-logs", props);
}

function queue(mutate: (p: Props) => void = () => {}): TestResource {
  const props: Props = { sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600 };
  mutate(props);
  return resource(TYPE.queue, "dead-letters", props);
}

const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/batch-job-log-hub`;
const ORGANIZATION = "o-a1b2c3d4e5";

/** A hub's bus statements: one account by name, one organization through aws:PrincipalOrgID. */
function busStatements(): Props[] {
  return [
    {
      Sid: "AcceptFromAccounts",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::210987654321:root"] },
      Action: "events:PutEvents",
      Resource: BUS_ARN,
    },
    {
      Sid: "AcceptFromOrganizations",
      Effect: "Allow",
      Principal: "*",
      Action: "events:PutEvents",
      Resource: BUS_ARN,
      Condition: { StringEquals: { "aws:PrincipalOrgID": [ORGANIZATION] } },
    },
  ];
}

function busPolicy(mutate: (s: Props[]) => void = () => {}): TestResource {
  const list = busStatements();
  mutate(list);
  return resource(TYPE.eventBusPolicy, "hub-bus-policy", {
    eventBusName: "batch-job-log-hub",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: list }),
  });
}

/** PutPermission for every account of an organization. */
function eventPermission(mutate: (p: Props) => void = () => {}): TestResource {
  const props: Props = {
    eventBusName: "batch-job-log-hub",
    statementId: "Organization",
    action: "events:PutEvents",
    principal: "*",
    condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: ORGANIZATION },
  };
  mutate(props);
  return resource(TYPE.eventPermission, "organization", props);
}

/** The handler's statements: least privilege. */
function statements(): Props[] {
  return [
    { Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [TABLE_ARN] },
    {
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/batch-job-log-dev:*`],
    },
    { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [QUEUE_ARN] },
  ];
}

function rolePolicy(
  mutate: (s: Props[]) => void = () => {},
  type: string = TYPE.rolePolicy,
): TestResource {
  const list = statements();
  mutate(list);
  return resource(type, "handler-policy", {
    role: "handler-role-0a1b2c3",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: list }),
  });
}

// ---------------------------------------------------------------------------------------------

describe("the pack", () => {
  it("lists every policy of every service module once, mandatory ones first, with kebab-case names and a description", () => {
    // Every module of policy-pack/ but the pack's construction, the list and the shared helpers.
    const dir = path.join(__dirname, "..", "policy-pack");
    const modules = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && !["index.ts", "policies.ts", "values.ts"].includes(f));
    const exported = modules.flatMap((f) =>
      Object.values(require(path.join(dir, f)) as Record<string, unknown>).filter(
        (v): v is (typeof pack.policies)[number] =>
          typeof v === "object" && v !== null && "enforcementLevel" in v,
      ),
    );
    expect(modules.length).toBeGreaterThanOrEqual(6);
    expect(new Set(pack.policies)).toEqual(new Set(exported));
    expect(pack.policies).toHaveLength(exported.length);
    expect(new Set(pack.policies.map((p) => p.name)).size).toBe(pack.policies.length);
    const levels = pack.policies.map((p) => p.enforcementLevel);
    expect(levels.slice(levels.lastIndexOf("mandatory") + 1)).not.toContain("mandatory");
    expect(levels).toContain("advisory");
    for (const policy of pack.policies) {
      expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.description).toMatch(/^Checks .+\.$/);
    }
  });

  it("declares the encryption policy's option with its default", () => {
    expect(pack.dynamodbTableEncryptionEnabled.configSchema).toEqual({
      properties: {
        requireCustomerManagedKey: {
          type: "boolean",
          default: false,
          description: expect.stringContaining("customer-managed KMS key"),
        },
      },
    });
  });

  it("hands the policies values that throw when they are unknown, as the CLI does", () => {
    const props = unknownCheckingProxy({ serverSideEncryption: { kmsKeyArn: UNKNOWN.string } });
    expect(() => props.serverSideEncryption.kmsKeyArn).toThrow(
      "string value at .serverSideEncryption.kmsKeyArn can't be known during preview",
    );
  });
});

describe("dynamodb-table-encryption-enabled", () => {
  const policy = pack.dynamodbTableEncryptionEnabled;
  const requireKey: PackConfig = { [policy.name]: { requireCustomerManagedKey: true } };
  const run = (r: TestResource, config?: PackConfig) => runResourcePolicy(policy, r, config);

  it("passes an encrypted table, with the AWS-managed key or a customer-managed one", async () => {
    expect(await run(table())).toEqual([]);
    expect(await run(globalTable())).toEqual([]);
    expect(await run(globalTable(), requireKey)).toEqual([]);
  });

  it("passes replicas of a table encrypted with the AWS-managed key: they inherit it", async () => {
    const r = table((p) => (p.replicas = [{ regionName: "eu-west-1", pointInTimeRecovery: true }]));
    expect(await run(r)).toEqual([]);
  });

  it("fails a table without a serverSideEncryption block", async () => {
    const r = table((p) => delete p.serverSideEncryption);
    expect(reported(await run(r))).toEqual([[MSG.tableEncryption, "mandatory"]]);
  });

  it("fails a table whose encryption is not enabled", async () => {
    const r = table((p) => (p.serverSideEncryption.enabled = false));
    expect(reported(await run(r))).toEqual([[MSG.tableEncryption, "mandatory"]]);
  });

  it("fails a table without a customer-managed key when the configuration requires one", async () => {
    expect(await run(table())).toEqual([]);
    expect(reported(await run(table(), requireKey))).toEqual([
      [MSG.tableCustomerManagedKey, "mandatory"],
    ]);
  });

  it("fails a replica without its own key when the table has a customer-managed key", async () => {
    const r = globalTable((p) => delete p.replicas[0].kmsKeyArn);
    expect(reported(await run(r))).toEqual([[MSG.replicaCustomerManagedKey, "mandatory"]]);
  });

  it("fails a replica without a key when the configuration requires one, once per table", async () => {
    const r = table((p) => {
      p.serverSideEncryption.kmsKeyArn = KEY_US;
      p.replicas = [
        { regionName: "eu-west-1", pointInTimeRecovery: true },
        { regionName: "us-west-2", kmsKeyArn: "", pointInTimeRecovery: true },
      ];
    });
    expect(reported(await run(r, requireKey))).toEqual([
      [MSG.replicaCustomerManagedKey, "mandatory"],
    ]);
  });

  it("fails an aws.dynamodb.TableReplica without a key only when a key is required", async () => {
    const r = tableReplica((p) => delete p.kmsKeyArn);
    expect(await run(r)).toEqual([]);
    expect(reported(await run(r, requireKey))).toEqual([
      [MSG.replicaCustomerManagedKey, "mandatory"],
    ]);
    expect(await run(tableReplica(), requireKey)).toEqual([]);
  });

  it("reports nothing it cannot see during preview", async () => {
    // A key created in the same stack: its ARN is unknown, and it is a key.
    expect(
      await run(
        globalTable((p) => {
          p.serverSideEncryption.kmsKeyArn = UNKNOWN.string;
          p.replicas[0].kmsKeyArn = UNKNOWN.string;
        }),
        requireKey,
      ),
    ).toEqual([]);
    expect(await run(table((p) => (p.serverSideEncryption.enabled = UNKNOWN.boolean)))).toEqual([]);
    expect(
      await run(
        table((p) => (p.serverSideEncryption = UNKNOWN.object)),
        requireKey,
      ),
    ).toEqual([]);
    expect(
      await run(
        globalTable((p) => (p.replicas = UNKNOWN.array)),
        requireKey,
      ),
    ).toEqual([]);
    expect(await run(globalTable((p) => (p.replicas[0] = UNKNOWN.object)))).toEqual([]);
    // An unknown table key is not proof of a customer-managed key: replicas are not judged on it.
    const unknownTableKey = globalTable((p) => {
      p.serverSideEncryption.kmsKeyArn = UNKNOWN.string;
      delete p.replicas[0].kmsKeyArn;
    });
    expect(await run(unknownTableKey)).toEqual([]);
  });

  it("still reports what is known next to what is not", async () => {
    const r = table((p) => {
      p.serverSideEncryption = { enabled: false, kmsKeyArn: UNKNOWN.string };
    });
    expect(reported(await run(r, requireKey))).toEqual([[MSG.tableEncryption, "mandatory"]]);
  });

  it("reports at the configured enforcement level", async () => {
    const r = table((p) => delete p.serverSideEncryption);
    const advisory = { [policy.name]: { enforcementLevel: "advisory" as const } };
    expect(reported(await run(r, advisory))).toEqual([[MSG.tableEncryption, "advisory"]]);
    expect(await run(r, { [policy.name]: { enforcementLevel: "disabled" } })).toEqual([]);
  });

  it("gives the violation the table's URN and ignores other resource types", async () => {
    const violations = await run(table((p) => delete p.serverSideEncryption));
    expect(violations.map((v) => v.urn)).toEqual([urnOf({ type: TYPE.table, name: "jobs" })]);
    expect(await run(queue((p) => (p.sqsManagedSseEnabled = false)))).toEqual([]);
  });
});

describe("dynamodb-table-point-in-time-recovery-enabled", () => {
  const policy = pack.dynamodbTablePointInTimeRecoveryEnabled;
  const run = (r: TestResource, config?: PackConfig) => runResourcePolicy(policy, r, config);

  it("passes a recoverable table and its recoverable replicas", async () => {
    expect(await run(table())).toEqual([]);
    expect(await run(globalTable())).toEqual([]);
    expect(await run(tableReplica())).toEqual([]);
  });

  it("fails a table without a pointInTimeRecovery block", async () => {
    const r = table((p) => delete p.pointInTimeRecovery);
    expect(reported(await run(r))).toEqual([[MSG.tablePointInTimeRecovery, "mandatory"]]);
  });

  it("fails a table whose point-in-time recovery is not enabled", async () => {
    const r = table((p) => (p.pointInTimeRecovery.enabled = false));
    expect(reported(await run(r))).toEqual([[MSG.tablePointInTimeRecovery, "mandatory"]]);
  });

  it("fails a replica without point-in-time recovery", async () => {
    const r = globalTable((p) => delete p.replicas[0].pointInTimeRecovery);
    expect(reported(await run(r))).toEqual([[MSG.replicaPointInTimeRecovery, "mandatory"]]);
  });

  it("fails a replica whose point-in-time recovery is off", async () => {
    const r = globalTable((p) => (p.replicas[0].pointInTimeRecovery = false));
    expect(reported(await run(r))).toEqual([[MSG.replicaPointInTimeRecovery, "mandatory"]]);
  });

  it("fails an aws.dynamodb.TableReplica without point-in-time recovery", async () => {
    const r = tableReplica((p) => delete p.pointInTimeRecovery);
    expect(reported(await run(r))).toEqual([[MSG.replicaPointInTimeRecovery, "mandatory"]]);
  });

  it("reports the table and its replica separately", async () => {
    const r = globalTable((p) => {
      delete p.pointInTimeRecovery;
      p.replicas[0].pointInTimeRecovery = false;
    });
    expect(reported(await run(r))).toEqual([
      [MSG.tablePointInTimeRecovery, "mandatory"],
      [MSG.replicaPointInTimeRecovery, "mandatory"],
    ]);
  });

  it("reports nothing it cannot see during preview", async () => {
    expect(await run(table((p) => (p.pointInTimeRecovery.enabled = UNKNOWN.boolean)))).toEqual([]);
    expect(await run(table((p) => (p.pointInTimeRecovery = UNKNOWN.object)))).toEqual([]);
    expect(
      await run(globalTable((p) => (p.replicas[0].pointInTimeRecovery = UNKNOWN.boolean))),
    ).toEqual([]);
    expect(await run(tableReplica((p) => (p.pointInTimeRecovery = UNKNOWN.boolean)))).toEqual([]);
  });
});

describe("eventbridge-bus-policy-no-public-access", () => {
  const policy = pack.eventbridgeBusPolicyNoPublicAccess;
  const run = (r: TestResource) => runResourcePolicy(policy, r);
  const PUBLIC: [string, string][] = [[MSG.eventBusPublic, "mandatory"]];
  /** The organization statement's condition, replaced. */
  const orgCondition = (condition: Props | undefined) => (s: Props[]) => {
    if (condition === undefined) delete s[1].Condition;
    else s[1].Condition = condition;
  };

  it("passes a hub's policy: an account by name, an organization through aws:PrincipalOrgID", async () => {
    expect(await run(busPolicy())).toEqual([]);
  });

  it('fails the principal "*" without a condition', async () => {
    expect(reported(await run(busPolicy(orgCondition(undefined))))).toEqual(PUBLIC);
  });

  it('fails {"AWS": "*"} and "*" among named accounts', async () => {
    const aws = busPolicy((s) => (s[0].Principal = { AWS: "*" }));
    expect(reported(await run(aws))).toEqual(PUBLIC);
    const among = busPolicy((s) => s[0].Principal.AWS.push("*"));
    expect(reported(await run(among))).toEqual(PUBLIC);
  });

  it("fails Allow with NotPrincipal, which allows everyone but those listed", async () => {
    const r = busPolicy((s) => {
      s[0].NotPrincipal = s[0].Principal;
      delete s[0].Principal;
    });
    expect(reported(await run(r))).toEqual(PUBLIC);
  });

  it("passes a condition naming accounts through aws:SourceAccount or aws:PrincipalAccount", async () => {
    for (const key of ["aws:SourceAccount", "aws:PrincipalAccount", "AWS:PRINCIPALORGID"]) {
      const r = busPolicy(orgCondition({ StringEquals: { [key]: ["210987654321"] } }));
      expect([key, await run(r)]).toEqual([key, []]);
    }
  });

  it("passes the other matching operators: StringLike without a wildcard, ForAnyValue:StringEquals", async () => {
    for (const operator of ["StringLike", "ForAnyValue:StringEquals", "StringEqualsIgnoreCase"]) {
      const r = busPolicy(orgCondition({ [operator]: { "aws:PrincipalOrgID": ORGANIZATION } }));
      expect([operator, await run(r)]).toEqual([operator, []]);
    }
  });

  it("fails a condition on another key, such as the event's source", async () => {
    const r = busPolicy(orgCondition({ StringEquals: { "events:source": ["aws.batch"] } }));
    expect(reported(await run(r))).toEqual(PUBLIC);
  });

  it("fails operators that let other principals through: negated, IfExists", async () => {
    for (const operator of ["StringNotEquals", "StringEqualsIfExists"]) {
      const r = busPolicy(orgCondition({ [operator]: { "aws:PrincipalOrgID": [ORGANIZATION] } }));
      expect([operator, reported(await run(r))]).toEqual([operator, PUBLIC]);
    }
  });

  it("fails values that name no organization or account: wildcards, none", async () => {
    for (const value of ["o-*", "*", "o-a1b2c3d4e?", []]) {
      const r = busPolicy(orgCondition({ StringLike: { "aws:PrincipalOrgID": value } }));
      expect([value, reported(await run(r))]).toEqual([value, PUBLIC]);
    }
  });

  it("ignores Deny statements", async () => {
    const r = busPolicy((s) => {
      s.push({ Effect: "Deny", Principal: "*", Action: "events:PutEvents", Resource: BUS_ARN });
    });
    expect(await run(r)).toEqual([]);
  });

  it("reads a single statement object and a document given as an object", async () => {
    const open = { Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: BUS_ARN };
    const single = resource(TYPE.eventBusPolicy, "single", {
      policy: JSON.stringify({ Version: "2012-10-17", Statement: open }),
    });
    expect(reported(await run(single))).toEqual(PUBLIC);
    const object = resource(TYPE.eventBusPolicy, "object", {
      policy: { Version: "2012-10-17", Statement: [open] },
    });
    expect(reported(await run(object))).toEqual(PUBLIC);
  });

  it("reports nothing it cannot see during preview", async () => {
    expect(await run(resource(TYPE.eventBusPolicy, "unknown", { policy: UNKNOWN.string }))).toEqual(
      [],
    );
    const partly = resource(TYPE.eventBusPolicy, "partly", {
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: UNKNOWN.string, Principal: "*", Resource: BUS_ARN },
          { Effect: "Allow", Principal: UNKNOWN.object, Resource: BUS_ARN },
          { Effect: "Allow", Principal: { AWS: UNKNOWN.array }, Resource: BUS_ARN },
          { Effect: "Allow", Principal: "*", Resource: BUS_ARN, Condition: UNKNOWN.object },
          {
            Effect: "Allow",
            Principal: "*",
            Resource: BUS_ARN,
            Condition: { StringEquals: { "aws:PrincipalOrgID": [UNKNOWN.string] } },
          },
          UNKNOWN.object,
        ],
      },
    });
    expect(await run(partly)).toEqual([]);
  });

  describe("on aws.cloudwatch.EventPermission", () => {
    it("passes an account id, and every principal of an organization", async () => {
      expect(await run(eventPermission())).toEqual([]);
      const account = eventPermission((p) => {
        p.principal = "210987654321";
        delete p.condition;
      });
      expect(await run(account)).toEqual([]);
    });

    it('fails the principal "*" without a condition', async () => {
      expect(reported(await run(eventPermission((p) => delete p.condition)))).toEqual(PUBLIC);
    });

    it("fails a condition that names no organization", async () => {
      const r = eventPermission((p) => (p.condition.value = "o-*"));
      expect(reported(await run(r))).toEqual(PUBLIC);
    });

    it("reports nothing it cannot see during preview", async () => {
      for (const mutate of [
        (p: Props) => (p.principal = UNKNOWN.string),
        (p: Props) => (p.condition = UNKNOWN.object),
        (p: Props) => (p.condition.value = UNKNOWN.string),
      ]) {
        expect(await run(eventPermission(mutate))).toEqual([]);
      }
    });
  });
});

describe("dynamodb-table-deletion-protection-enabled", () => {
  const policy = pack.dynamodbTableDeletionProtectionEnabled;
  const run = (r: TestResource, config?: PackConfig) => runResourcePolicy(policy, r, config);

  it("passes a protected table", async () => {
    expect(await run(table())).toEqual([]);
  });

  it("advises on a table without deletion protection", async () => {
    const r = table((p) => delete p.deletionProtectionEnabled);
    expect(reported(await run(r))).toEqual([[MSG.tableDeletionProtection, "advisory"]]);
  });

  it("advises on a table whose deletion protection is off, mandatory when configured so", async () => {
    const r = table((p) => (p.deletionProtectionEnabled = false));
    expect(reported(await run(r))).toEqual([[MSG.tableDeletionProtection, "advisory"]]);
    const mandatory = { [policy.name]: { enforcementLevel: "mandatory" as const } };
    expect(reported(await run(r, mandatory))).toEqual([[MSG.tableDeletionProtection, "mandatory"]]);
  });

  it("reports nothing it cannot see during preview", async () => {
    expect(await run(table((p) => (p.deletionProtectionEnabled = UNKNOWN.boolean)))).toEqual([]);
  });
});

describe("lambda-function-failure-destination-configured", () => {
  const policy = pack.lambdaFunctionFailureDestinationConfigured;
  const run = (resources: TestResource[], config?: PackConfig) =>
    runStackPolicy(policy, resources, config);

  it("passes a function with an on-failure destination, named by name, ARN or qualified ARN", async () => {
    expect(await run([fn(), invokeConfig()])).toEqual([]);
    expect(await run([fn(), invokeConfig((p) => (p.functionName = FN_ARN))])).toEqual([]);
    expect(await run([fn(), invokeConfig((p) => (p.functionName = `${FN_ARN}:live`))])).toEqual([]);
  });

  it("passes a function with a dead-letter queue of its own", async () => {
    const r = fn("handler", (p) => (p.deadLetterConfig = { targetArn: QUEUE_ARN }));
    expect(await run([r])).toEqual([]);
  });

  it("advises on a function with neither, at the function's URN", async () => {
    const violations = await run([fn(), queue()]);
    expect(reported(violations)).toEqual([[MSG.lambdaFailureDestination, "advisory"]]);
    expect(violations[0].urn).toBe(urnOf({ type: TYPE.fn, name: "handler" }));
  });

  it("advises when the invoke config has no on-failure destination", async () => {
    const r = invokeConfig(
      (p) => (p.destinationConfig = { onSuccess: { destination: QUEUE_ARN } }),
    );
    expect(reported(await run([fn(), r]))).toEqual([[MSG.lambdaFailureDestination, "advisory"]]);
  });

  it("advises when the invoke config is another function's", async () => {
    const other = invokeConfig((p) => (p.functionName = "other-0a1b2c3"), "other-invoke-config");
    const violations = await run([fn(), fn("other"), other]);
    expect(reported(violations)).toEqual([[MSG.lambdaFailureDestination, "advisory"]]);
    expect(violations[0].urn).toBe(urnOf({ type: TYPE.fn, name: "handler" }));
  });

  it("reports nothing it cannot see during preview", async () => {
    // The function's name and the invoke config's functionName are both unknown.
    const unknownNames = [
      fn("handler", (p) => {
        p.name = UNKNOWN.string;
        p.arn = UNKNOWN.string;
      }),
      invokeConfig((p) => (p.functionName = UNKNOWN.string)),
    ];
    expect(await run(unknownNames)).toEqual([]);
    // The destination (the queue's ARN) is unknown until the queue exists.
    const unknownDestination = invokeConfig(
      (p) => (p.destinationConfig.onFailure.destination = UNKNOWN.string),
    );
    expect(await run([fn(), unknownDestination])).toEqual([]);
    const unknownBlock = invokeConfig((p) => (p.destinationConfig = UNKNOWN.object));
    expect(await run([fn(), unknownBlock])).toEqual([]);
    const unknownDeadLetter = fn(
      "handler",
      (p) => (p.deadLetterConfig = { targetArn: UNKNOWN.string }),
    );
    expect(await run([unknownDeadLetter])).toEqual([]);
  });

  it("uses property dependencies to tell which function an unknown functionName is", async () => {
    const config: TestResource = {
      ...invokeConfig((p) => (p.functionName = UNKNOWN.string)),
      propertyDependencies: { functionName: ["handler"] },
    };
    const violations = await run([fn(), fn("other"), config]);
    expect(reported(violations)).toEqual([[MSG.lambdaFailureDestination, "advisory"]]);
    expect(violations[0].urn).toBe(urnOf({ type: TYPE.fn, name: "other" }));
  });

  it("still advises when an unknown function name cannot be the one configured", async () => {
    // The invoke config names the other function, whose name is known.
    const unknownName = fn("handler", (p) => (p.name = p.arn = UNKNOWN.string));
    const other = invokeConfig((p) => (p.functionName = "other-0a1b2c3"), "other-invoke-config");
    const violations = await run([unknownName, fn("other"), other]);
    expect(reported(violations)).toEqual([[MSG.lambdaFailureDestination, "advisory"]]);
    expect(violations[0].urn).toBe(urnOf({ type: TYPE.fn, name: "handler" }));
  });
});

describe("cloudwatch-log-group-retention-set", () => {
  const policy = pack.cloudwatchLogGroupRetentionSet;
  const run = (r: TestResource) => runResourcePolicy(policy, r);

  it("passes a log group with a retention", async () => {
    expect(await run(logGroup())).toEqual([]);
  });

  it("advises on a log group without a retention", async () => {
    const r = logGroup((p) => delete p.retentionInDays);
    expect(reported(await run(r))).toEqual([[MSG.logGroupRetention, "advisory"]]);
  });

  it("advises on a log group that keeps its events forever (0)", async () => {
    const r = logGroup((p) => (p.retentionInDays = 0));
    expect(reported(await run(r))).toEqual([[MSG.logGroupRetention, "advisory"]]);
  });

  it("reports nothing it cannot see during preview", async () => {
    expect(await run(logGroup((p) => (p.retentionInDays = UNKNOWN.number)))).toEqual([]);
  });
});

describe("sqs-queue-encrypted", () => {
  const policy = pack.sqsQueueEncrypted;
  const run = (r: TestResource) => runResourcePolicy(policy, r);

  it("passes a queue with SQS-managed or KMS encryption", async () => {
    expect(await run(queue())).toEqual([]);
    expect(await run(queue((p) => (p.kmsMasterKeyId = "alias/aws/sqs")))).toEqual([]);
    expect(
      await run(
        queue((p) => {
          delete p.sqsManagedSseEnabled;
          p.kmsMasterKeyId = KEY_US;
        }),
      ),
    ).toEqual([]);
  });

  it("advises on a queue without encryption settings", async () => {
    const r = queue((p) => delete p.sqsManagedSseEnabled);
    expect(reported(await run(r))).toEqual([[MSG.queueEncryption, "advisory"]]);
  });

  it("advises on a queue whose SQS-managed encryption is off", async () => {
    const r = queue((p) => (p.sqsManagedSseEnabled = false));
    expect(reported(await run(r))).toEqual([[MSG.queueEncryption, "advisory"]]);
  });

  it("reports nothing it cannot see during preview", async () => {
    const r = queue((p) => {
      delete p.sqsManagedSseEnabled;
      p.kmsMasterKeyId = UNKNOWN.string;
    });
    expect(await run(r)).toEqual([]);
    expect(await run(queue((p) => (p.sqsManagedSseEnabled = UNKNOWN.boolean)))).toEqual([]);
  });
});

describe("iam-no-dynamodb-wildcards", () => {
  const policy = pack.iamNoDynamodbWildcards;
  const run = (r: TestResource) => runResourcePolicy(policy, r);

  it("passes the handler's least-privilege policy", async () => {
    expect(await run(rolePolicy())).toEqual([]);
  });

  it('advises on "dynamodb:*"', async () => {
    const r = rolePolicy((s) => (s[0].Action = ["dynamodb:*"]));
    expect(reported(await run(r))).toEqual([[MSG.iamWildcardAction, "advisory"]]);
  });

  it('advises on the action "*"', async () => {
    const r = rolePolicy((s) => (s[0].Action = "*"));
    expect(reported(await run(r))).toEqual([[MSG.iamWildcardAction, "advisory"]]);
  });

  it("advises on partial wildcards that match DynamoDB actions", async () => {
    for (const action of ["dynamodb:Get*", "DynamoDB:Put?tem", "dynamo*:PutItem", "*:*"]) {
      const r = rolePolicy((s) => (s[0].Action = [action]));
      expect([action, reported(await run(r))]).toEqual([
        action,
        [[MSG.iamWildcardAction, "advisory"]],
      ]);
    }
  });

  it('advises on Resource "*" for a DynamoDB action', async () => {
    const r = rolePolicy((s) => (s[0].Resource = "*"));
    expect(reported(await run(r))).toEqual([[MSG.iamWildcardResource, "advisory"]]);
  });

  it("advises on every-table ARNs and NotResource for a DynamoDB action", async () => {
    const tables = rolePolicy(
      (s) => (s[0].Resource = [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`]),
    );
    expect(reported(await run(tables))).toEqual([[MSG.iamWildcardResource, "advisory"]]);
    const notResource = rolePolicy((s) => {
      delete s[0].Resource;
      s[0].NotResource = [TABLE_ARN];
    });
    expect(reported(await run(notResource))).toEqual([[MSG.iamWildcardResource, "advisory"]]);
  });

  it("advises on both, once each, for several offending statements", async () => {
    const r = rolePolicy((s) => {
      s[0].Action = "dynamodb:*";
      s[0].Resource = "*";
      s.push({ Effect: "Allow", Action: "*", Resource: "*" });
    });
    expect(reported(await run(r))).toEqual([
      [MSG.iamWildcardAction, "advisory"],
      [MSG.iamWildcardResource, "advisory"],
    ]);
  });

  it("advises on Allow with NotAction, which allows DynamoDB by omission", async () => {
    const r = rolePolicy((s) => s.push({ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }));
    expect(reported(await run(r))).toEqual([
      [MSG.iamWildcardAction, "advisory"],
      [MSG.iamWildcardResource, "advisory"],
    ]);
    const excludesDynamodb = rolePolicy((s) =>
      s.push({ Effect: "Allow", NotAction: ["dynamodb:*", "iam:*"], Resource: "*" }),
    );
    expect(await run(excludesDynamodb)).toEqual([]);
  });

  it("ignores Deny statements and wildcards of other services", async () => {
    const r = rolePolicy((s) => {
      s.push({ Effect: "Deny", Action: "dynamodb:*", Resource: "*" });
      s.push({ Effect: "Allow", Action: "logs:*", Resource: "*" });
    });
    expect(await run(r)).toEqual([]);
  });

  it("reads a single statement object and a document given as an object", async () => {
    const single = resource(TYPE.rolePolicy, "single", {
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Action: "dynamodb:*", Resource: TABLE_ARN },
      }),
    });
    expect(reported(await run(single))).toEqual([[MSG.iamWildcardAction, "advisory"]]);
    const object = resource(TYPE.rolePolicy, "object", {
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "dynamodb:Query", Resource: "*" }],
      },
    });
    expect(reported(await run(object))).toEqual([[MSG.iamWildcardResource, "advisory"]]);
  });

  it("checks managed, user, group and role inline policies too", async () => {
    const wildcard = (s: Props[]) => (s[0].Action = "dynamodb:*");
    for (const type of [TYPE.policy, TYPE.userPolicy, TYPE.groupPolicy]) {
      expect([type, reported(await run(rolePolicy(wildcard, type)))]).toEqual([
        type,
        [[MSG.iamWildcardAction, "advisory"]],
      ]);
    }
    const role = resource(TYPE.role, "role", {
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
      inlinePolicies: [
        { name: "ok", policy: rolePolicy().props.policy },
        { name: "wide", policy: rolePolicy((s) => (s[0].Resource = "*")).props.policy },
      ],
    });
    expect(reported(await run(role))).toEqual([[MSG.iamWildcardResource, "advisory"]]);
  });

  it("reports nothing it cannot see during preview, nor for a document that is not JSON", async () => {
    expect(await run(resource(TYPE.rolePolicy, "unknown", { policy: UNKNOWN.string }))).toEqual([]);
    const partlyUnknown = resource(TYPE.rolePolicy, "partly", {
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: UNKNOWN.array, Resource: "*" },
          { Effect: UNKNOWN.string, Action: "dynamodb:*", Resource: "*" },
          {
            Effect: "Allow",
            Action: ["dynamodb:PutItem", UNKNOWN.string],
            Resource: [UNKNOWN.string],
          },
          UNKNOWN.object,
        ],
      },
    });
    expect(await run(partlyUnknown)).toEqual([]);
    expect(await run(resource(TYPE.rolePolicy, "broken", { policy: "{not json" }))).toEqual([]);
    const unknownInline = resource(TYPE.role, "role", { inlinePolicies: UNKNOWN.array });
    expect(await run(unknownInline)).toEqual([]);
  });
});
