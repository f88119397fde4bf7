/**
 * The IAM and resource policies the program creates (the dev stack: its handler role, the
 * dead-letter queue's policy, the Lambda permission, the archive's roles, bucket and queue
 * policies), evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate, AGPL-3.0: a
 * devDependency of the tests only) rather than compared as text: an allowed and a refused request
 * per statement and per condition. One program evaluation, under Pulumi's mocks.
 */
import * as path from "path";
import { RESOURCE_TYPES, type ProgramModel } from "../twin/program";
import { stackModel } from "../twin/replay-engine";
import { readStackConfig } from "../twin/stack-config";
import { decision, policyDocument, type Policies, type Policy } from "./helpers/iam-simulate";

const ROOT = path.join(__dirname, "..");
const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";

let model: ProgramModel;
beforeAll(async () => {
  model = await stackModel({
    projectRoot: ROOT,
    stack: "dev",
    config: readStackConfig(ROOT, "dev", true),
  });
}, 120_000);

function resource(type: string, name: string) {
  const found = model.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`the program registered no ${type} named ${name}`);
  return found;
}
const policyOf = (type: string, name: string, input = "policy"): Policy =>
  policyDocument(resource(type, name).inputs[input]);
const stateOf = (type: string, name: string, key: string) =>
  String(resource(type, name).state[key]);

interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

/** The decision for a role's identity policy (the role's own account owns the resource). */
async function identityDecision(policy: Policy, request: Request): Promise<string> {
  return decide({ identityPolicies: [{ name: "role", policy }] }, request);
}

/** The decision for a resource policy alone (a service principal, or another account). */
async function resourceDecision(policy: Policy, request: Request): Promise<string> {
  return decide({ identityPolicies: [], resourcePolicy: policy }, request);
}

function decide(policies: Policies, request: Request): Promise<string> {
  return decision(policies, { ...request, resourceAccount: ACCOUNT });
}

describe("the handler's role", () => {
  const role = () =>
    `arn:aws:iam::${ACCOUNT}:role/${stateOf(RESOURCE_TYPES.role, "handler-role", "name")}`;
  const table = () => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/jobs-0a1b2c3`;
  const policy = () => policyOf(RESOURCE_TYPES.rolePolicy, "handler-policy");

  it("may PutItem on its table", async () => {
    const request = { principal: role(), action: "dynamodb:PutItem", resource: table() };
    expect(await identityDecision(policy(), request)).toBe("Allowed");
  });

  it.each(["dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:GetItem"])(
    "may not %s on its table",
    async (action) => {
      const request = { principal: role(), action, resource: table() };
      expect(await identityDecision(policy(), request)).toBe("ImplicitlyDenied");
    },
  );

  it("may not PutItem on another table", async () => {
    const other = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`;
    const request = { principal: role(), action: "dynamodb:PutItem", resource: other };
    expect(await identityDecision(policy(), request)).toBe("ImplicitlyDenied");
  });

  it("may write its own log group's streams and send to its dead-letter queue, nothing else", async () => {
    const ownStream = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/batch-job-log-dev:log-stream:s`;
    const otherStream = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/other:log-stream:s`;
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:dead-letters-0a1b2c3`;
    const decisions = await Promise.all([
      identityDecision(policy(), {
        principal: role(),
        action: "logs:PutLogEvents",
        resource: ownStream,
      }),
      identityDecision(policy(), {
        principal: role(),
        action: "logs:PutLogEvents",
        resource: otherStream,
      }),
      identityDecision(policy(), { principal: role(), action: "sqs:SendMessage", resource: queue }),
      identityDecision(policy(), {
        principal: role(),
        action: "sqs:DeleteMessage",
        resource: queue,
      }),
    ]);
    expect(decisions).toEqual(["Allowed", "ImplicitlyDenied", "Allowed", "ImplicitlyDenied"]);
  });

  it("may be assumed by Lambda only", async () => {
    const trust = policyOf(RESOURCE_TYPES.role, "handler-role", "assumeRolePolicy");
    const assume = (service: string) =>
      resourceDecision(trust, { principal: service, action: "sts:AssumeRole", resource: role() });
    expect(await assume("lambda.amazonaws.com")).toBe("Allowed");
    expect(await assume("events.amazonaws.com")).toBe("ImplicitlyDenied");
  });
});

describe("the dead-letter queue's policy", () => {
  const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:dead-letters-0a1b2c3`;
  const rule = `arn:aws:events:us-east-1:${ACCOUNT}:rule/job-state-change-0a1b2c3`;
  const send = (sourceArn: string, principal = "events.amazonaws.com") =>
    resourceDecision(policyOf(RESOURCE_TYPES.queuePolicy, "dead-letters-policy"), {
      principal,
      action: "sqs:SendMessage",
      resource: queue,
      context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": ACCOUNT },
    });

  it("admits EventBridge for the stack's rule only", async () => {
    expect(await send(rule)).toBe("Allowed");
    expect(await send(`arn:aws:events:us-east-1:${ACCOUNT}:rule/another`)).toBe("ImplicitlyDenied");
  });

  it("admits no other principal, even for that rule", async () => {
    expect(await send(rule, "sns.amazonaws.com")).toBe("ImplicitlyDenied");
    expect(await send(rule, `arn:aws:iam::${OTHER_ACCOUNT}:root`)).toBe("ImplicitlyDenied");
  });
});

describe("the Lambda permission", () => {
  // A Lambda permission is one statement of the function's resource policy.
  const permission = (): Policy => {
    const p = resource(RESOURCE_TYPES.permission, "rule-invoke").inputs;
    return {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: String(p.principal) },
          Action: String(p.action),
          Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${String(p.function)}`,
          Condition: { ArnLike: { "AWS:SourceArn": String(p.sourceArn) } },
        },
      ],
    };
  };
  const invoke = (sourceArn: string, principal = "events.amazonaws.com") =>
    resourceDecision(permission(), {
      principal,
      action: "lambda:InvokeFunction",
      resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:handler-0a1b2c3`,
      context: { "aws:SourceArn": sourceArn },
    });

  it("lets the stack's rule invoke the function, and no other rule or service", async () => {
    const rule = `arn:aws:events:us-east-1:${ACCOUNT}:rule/job-state-change-0a1b2c3`;
    expect(await invoke(rule)).toBe("Allowed");
    expect(await invoke(`arn:aws:events:us-east-1:${ACCOUNT}:rule/another`)).toBe(
      "ImplicitlyDenied",
    );
    expect(await invoke(rule, "s3.amazonaws.com")).toBe("ImplicitlyDenied");
  });
});

describe("the archive", () => {
  const bucket = `batch-job-log-archive-${ACCOUNT}-us-east-1`;

  it("denies any request to the bucket without TLS, and lets a TLS one through to IAM", async () => {
    const get = (secure: string) =>
      decide(
        {
          identityPolicies: [
            {
              name: "reader",
              policy: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
              },
            },
          ],
          resourcePolicy: policyOf(RESOURCE_TYPES.bucketPolicy, "archive-policy"),
        },
        {
          principal: `arn:aws:iam::${ACCOUNT}:role/reader`,
          action: "s3:GetObject",
          resource: `arn:aws:s3:::${bucket}/logs/x.gz`,
          context: { "aws:SecureTransport": secure },
        },
      );
    expect(await get("false")).toBe("ExplicitlyDenied");
    expect(await get("true")).toBe("Allowed");
  });

  it("lets the subscription role put records on the archive's stream only", async () => {
    const policy = policyOf(RESOURCE_TYPES.rolePolicy, "archive-logs-policy");
    const principal = `arn:aws:iam::${ACCOUNT}:role/archive-logs-role`;
    const stream = (name: string) => `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/${name}`;
    expect(
      await identityDecision(policy, {
        principal,
        action: "firehose:PutRecordBatch",
        resource: stream("batch-job-log-archive-dev"),
      }),
    ).toBe("Allowed");
    expect(
      await identityDecision(policy, {
        principal,
        action: "firehose:PutRecordBatch",
        resource: stream("other"),
      }),
    ).toBe("ImplicitlyDenied");
    expect(
      await identityDecision(policy, {
        principal,
        action: "firehose:DeleteDeliveryStream",
        resource: stream("batch-job-log-archive-dev"),
      }),
    ).toBe("ImplicitlyDenied");
  });

  it("lets CloudWatch Logs of the stack's own account and region assume the subscription role, no one else", async () => {
    const trust = policyOf(RESOURCE_TYPES.role, "archive-logs-role", "assumeRolePolicy");
    const assume = (service: string, sourceArn: string) =>
      resourceDecision(trust, {
        principal: service,
        action: "sts:AssumeRole",
        resource: `arn:aws:iam::${ACCOUNT}:role/archive-logs-role`,
        context: { "aws:SourceArn": sourceArn },
      });
    const own = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/batch/job:*`;
    expect(await assume("logs.amazonaws.com", own)).toBe("Allowed");
    expect(
      await assume("logs.amazonaws.com", `arn:aws:logs:us-east-1:${OTHER_ACCOUNT}:log-group:x:*`),
    ).toBe("ImplicitlyDenied");
    expect(
      await assume("logs.amazonaws.com", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:x:*`),
    ).toBe("ImplicitlyDenied");
    expect(await assume("firehose.amazonaws.com", own)).toBe("ImplicitlyDenied");
  });

  it("lets Firehose of the stack's account assume its role, which writes the bucket and its own log stream only", async () => {
    const trust = policyOf(RESOURCE_TYPES.role, "archive-firehose-role", "assumeRolePolicy");
    const role = `arn:aws:iam::${ACCOUNT}:role/archive-firehose-role`;
    const assume = (service: string, account: string) =>
      resourceDecision(trust, {
        principal: service,
        action: "sts:AssumeRole",
        resource: role,
        context: { "aws:SourceAccount": account },
      });
    expect([
      await assume("firehose.amazonaws.com", ACCOUNT),
      await assume("firehose.amazonaws.com", OTHER_ACCOUNT),
      await assume("logs.amazonaws.com", ACCOUNT),
    ]).toEqual(["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]);

    const policy = policyOf(RESOURCE_TYPES.rolePolicy, "archive-firehose-policy");
    const act = (action: string, resource: string) =>
      identityDecision(policy, { principal: role, action, resource });
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/kinesisfirehose/batch-job-log-archive-dev`;
    expect([
      await act("s3:PutObject", `arn:aws:s3:::${bucket}/logs/x.gz`),
      await act("s3:PutObject", "arn:aws:s3:::another-bucket/x.gz"),
      await act("s3:DeleteObject", `arn:aws:s3:::${bucket}/logs/x.gz`),
      await act("logs:PutLogEvents", `${group}:log-stream:S3Delivery`),
      await act("logs:PutLogEvents", `${group}:log-stream:other`),
    ]).toEqual(["Allowed", "ImplicitlyDenied", "ImplicitlyDenied", "Allowed", "ImplicitlyDenied"]);
  });

  it("lets S3 tell of the archive bucket's error objects on its queue, no other bucket or account", async () => {
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:archive-failures-0a1b2c3`;
    const send = (sourceArn: string, account: string) =>
      resourceDecision(policyOf(RESOURCE_TYPES.queuePolicy, "archive-failures-policy"), {
        principal: "s3.amazonaws.com",
        action: "sqs:SendMessage",
        resource: queue,
        context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": account },
      });
    expect([
      await send(`arn:aws:s3:::${bucket}`, ACCOUNT),
      await send("arn:aws:s3:::another-bucket", ACCOUNT),
      await send(`arn:aws:s3:::${bucket}`, OTHER_ACCOUNT),
    ]).toEqual(["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]);
  });
});
