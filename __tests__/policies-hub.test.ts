/**
 * The hub's bus policy, evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate, a test
 * devDependency) and by the offline twin (twin/routing.ts) on the same requests: the bus admits
 * the accounts and the organization of the hub's `acceptFrom` and no one else, and the two
 * evaluations agree. One program evaluation (the hub stack), under Pulumi's mocks.
 */
import * as path from "path";
import type { Simulation } from "@cloud-copilot/iam-simulate";
import { RESOURCE_TYPES, type ProgramModel } from "../twin/program";
import { stackModel } from "../twin/replay-engine";
import { routerFor } from "../twin/routing";
import { readStackConfig } from "../twin/stack-config";
import { decision, policyDocument } from "./helpers/iam-simulate";

const ROOT = path.join(__dirname, "..");
const HUB_ACCOUNT = "123456789012";
const NAMED_ACCOUNT = "210987654321";
const ORG = "o-a1b2c3d4e5";
const ORG_MEMBER = "345678901234";
const STRANGER = "999999999999";

/**
 * The caller's side of a cross-account request: its own role may put events anywhere (a spoke's
 * role may, on the hub's bus), so that the decision is the bus policy's.
 */
const CALLER_MAY_PUT_EVENTS: Simulation["identityPolicies"] = [
  {
    name: "forwarder",
    policy: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "events:*", Resource: "*" }],
    },
  },
];

let hub: ProgramModel;
beforeAll(async () => {
  hub = await stackModel({
    projectRoot: ROOT,
    stack: "hub",
    config: readStackConfig(ROOT, "hub", true),
  });
}, 120_000);

const busArn = () =>
  String(hub.resources.find((r) => r.type === RESOURCE_TYPES.eventBus)?.state.arn);

/** The simulator's decision on `account` putting an event on the hub's bus. */
async function simulated(account: string, organization: string | undefined): Promise<string> {
  const policies = hub.resources.filter((r) => r.type === RESOURCE_TYPES.eventBusPolicy);
  expect(policies).toHaveLength(1);
  return decision(
    {
      identityPolicies: CALLER_MAY_PUT_EVENTS,
      resourcePolicy: policyDocument(policies[0].inputs.policy),
    },
    {
      principal: `arn:aws:iam::${account}:role/forwarder`,
      action: "events:PutEvents",
      resource: busArn(),
      resourceAccount: HUB_ACCOUNT,
      context: {
        "aws:PrincipalAccount": account,
        ...(organization === undefined ? {} : { "aws:PrincipalOrgID": organization }),
      },
    },
  );
}

/** The twin's decision on the same request: an event of `account` from another region. */
function twinDecision(account: string, organization: string | undefined): string {
  const router = routerFor(hub, {
    account: HUB_ACCOUNT,
    region: "us-east-1",
    organizations: organization === undefined ? {} : { [account]: organization },
  });
  const route = router.route({ account, region: "eu-west-1" });
  return route.to === "hub" ? "Allowed" : "ImplicitlyDenied";
}

describe("the hub's bus policy", () => {
  it.each([
    ["an account of acceptFrom", NAMED_ACCOUNT, undefined, "Allowed"],
    ["an account of acceptFrom, in another organization", NAMED_ACCOUNT, "o-zzzzzzzzzz", "Allowed"],
    ["a member of the organization of acceptFrom", ORG_MEMBER, ORG, "Allowed"],
    ["an account of another organization", ORG_MEMBER, "o-zzzzzzzzzz", "ImplicitlyDenied"],
    ["an account in no organization", STRANGER, undefined, "ImplicitlyDenied"],
  ])(
    "%s: the simulator and the twin agree (%s, %s)",
    async (_case, account, organization, expected) => {
      const decisions = [
        await simulated(account, organization),
        twinDecision(account, organization),
      ];
      expect(decisions).toEqual([expected, expected]);
    },
  );

  it("admits only events:PutEvents on the hub's own bus", async () => {
    const policies = hub.resources.filter((r) => r.type === RESOURCE_TYPES.eventBusPolicy);
    const policy = policyDocument(policies[0].inputs.policy);
    const decide = (action: string, resource: string) =>
      decision(
        { identityPolicies: CALLER_MAY_PUT_EVENTS, resourcePolicy: policy },
        {
          principal: `arn:aws:iam::${NAMED_ACCOUNT}:role/forwarder`,
          action,
          resource,
          resourceAccount: HUB_ACCOUNT,
          context: { "aws:PrincipalAccount": NAMED_ACCOUNT },
        },
      );
    const otherBus = `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/other`;
    expect([
      await decide("events:PutEvents", busArn()),
      await decide("events:PutEvents", otherBus),
      await decide("events:PutRule", `arn:aws:events:us-east-1:${HUB_ACCOUNT}:rule/x`),
    ]).toEqual(["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]);
  });
});
