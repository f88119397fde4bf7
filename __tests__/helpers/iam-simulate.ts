/**
 * One request through an IAM policy simulator (@cloud-copilot/iam-simulate, AGPL-3.0: a
 * devDependency of the tests only) and its decision: `Allowed`, `ExplicitlyDenied` or
 * `ImplicitlyDenied`. A request the simulator cannot evaluate (an unknown action, a malformed
 * policy) fails the test, naming why.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

export type Policy = NonNullable<Simulation["resourcePolicy"]>;
export type Policies = Pick<Simulation, "identityPolicies" | "resourcePolicy">;

export interface SimulatedRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  readonly context?: Record<string, string>;
}

export async function decision(policies: Policies, request: SimulatedRequest): Promise<string> {
  const response = await runSimulation(
    {
      ...policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {},
      },
    },
    {},
  );
  if (response.resultType === "error") {
    throw new Error(`the simulator refused the request: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult;
}

/** A policy as the program wrote it: a JSON string, or the document itself. */
export function policyDocument(value: unknown): Policy {
  return (typeof value === "string" ? JSON.parse(value) : value) as Policy;
}
