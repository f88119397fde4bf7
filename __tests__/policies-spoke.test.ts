/**
 * A spoke's forwarding role, evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate, a
 * test devDependency): it may put events on the hub's bus only, and only EventBridge, for the
 * spoke's own rule, may assume it. One program evaluation (the example spoke), under mocks.
 */
import * as path from "path";
import { RESOURCE_TYPES, type ProgramModel } from "../twin/program";
import { stackModel } from "../twin/replay-engine";
import { readStackConfig } from "../twin/stack-config";
import { decision, policyDocument, type Policies } from "./helpers/iam-simulate";

const ROOT = path.join(__dirname, "..");
const ACCOUNT = "123456789012";

let spoke: ProgramModel;
let config: Record<string, string>;
beforeAll(async () => {
  config = readStackConfig(ROOT, "spoke-example", true);
  spoke = await stackModel({ projectRoot: ROOT, stack: "spoke-example", config });
}, 120_000);

function inputsOf(type: string, name: string): Record<string, unknown> {
  const found = spoke.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`the program registered no ${type} named ${name}`);
  return found.inputs;
}
const json = policyDocument;

function decide(
  policies: Policies,
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<string> {
  return decision(policies, { principal, action, resource, resourceAccount: ACCOUNT, context });
}

describe("a spoke's forwarding role", () => {
  const hubBus = () => config["batch-job-log:forwardTo"];
  const role = `arn:aws:iam::${ACCOUNT}:role/forward-role`;
  const identity = () => [
    { name: "forward", policy: json(inputsOf(RESOURCE_TYPES.rolePolicy, "forward-policy").policy) },
  ];

  it("may put events on the hub's bus, and nothing else", async () => {
    const put = (action: string, resource: string) =>
      decide({ identityPolicies: identity() }, role, action, resource);
    expect(hubBus()).toBe("arn:aws:events:us-east-1:123456789012:event-bus/batch-job-log-hub");
    expect([
      await put("events:PutEvents", hubBus()),
      await put("events:PutEvents", `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`),
      await put("events:PutRule", `arn:aws:events:us-east-1:${ACCOUNT}:rule/x`),
    ]).toEqual(["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]);
  });

  it("may be assumed by EventBridge for the spoke's rule only", async () => {
    const trust = json(inputsOf(RESOURCE_TYPES.role, "forward-role").assumeRolePolicy);
    const rules = spoke.resources.filter((r) => r.type === RESOURCE_TYPES.rule);
    expect(rules).toHaveLength(1);
    const ownRule = String(rules[0].state.arn);
    const assume = (service: string, sourceArn: string) =>
      decide({ identityPolicies: [], resourcePolicy: trust }, service, "sts:AssumeRole", role, {
        "aws:SourceArn": sourceArn,
      });
    expect([
      await assume("events.amazonaws.com", ownRule),
      await assume("events.amazonaws.com", `arn:aws:events:us-east-1:${ACCOUNT}:rule/another`),
      await assume("lambda.amazonaws.com", ownRule),
    ]).toEqual(["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]);
  });
});
