/**
 * The program satisfies its own policy pack. Every policy runs over every resource the program
 * registers under Pulumi mocks, in the default configuration and in each variation, a spoke's and
 * a hub's (their example stack files, with Pulumi.yaml's defaults) included: resource
 * policies see the registered inputs (what `pulumi preview` sends the pack), the stack policy the
 * resources' state (inputs plus the attributes AWS would add, as after a preview). Then the
 * table's inputs are mutated, to show that a table without encryption or without point-in-time
 * recovery cannot pass.
 */
import * as pack from "../policy-pack/policies";
import type { ProgramModel } from "../twin/program";
import {
  runPack,
  type PackConfig,
  type TestResource,
  type Violation,
} from "./helpers/policy-harness";
import { evaluateFresh, evaluateStack, TYPES } from "./helpers/program";

const MSG = {
  tableEncryption:
    "DynamoDB tables must set serverSideEncryption.enabled to true, so that the table is encrypted at rest with a KMS key.",
  tableCustomerManagedKey:
    "DynamoDB tables must be encrypted with a customer-managed KMS key: set serverSideEncryption.kmsKeyArn.",
  tablePointInTimeRecovery:
    "DynamoDB tables must set pointInTimeRecovery.enabled to true, so that the table can be restored to any second of its recovery period.",
  tableDeletionProtection:
    "DynamoDB tables should set deletionProtectionEnabled to true, so that the table cannot be deleted by accident.",
  iamWildcardAction:
    'IAM policies should not allow wildcard DynamoDB actions such as "dynamodb:*" or "*": list the actions the principal needs.',
  lambdaFailureDestination:
    "Lambda functions should keep failed asynchronous invocations: set deadLetterConfig, or an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure for the function.",
} as const;

const KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const REQUIRE_KEY: PackConfig = {
  "dynamodb-table-encryption-enabled": { requireCustomerManagedKey: true },
};

/** The resources as resource policies see them: type, name and registered inputs. */
function inputs(model: ProgramModel): TestResource[] {
  return model.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
}

/** The resources as the stack policy sees them: their state after the (mocked) deployment. */
function outputs(model: ProgramModel): TestResource[] {
  return model.resources.map((r) => ({ type: r.type, name: r.name, props: r.state }));
}

function check(model: ProgramModel, config: PackConfig = {}): Promise<Violation[]> {
  return runPack(pack.policies, inputs(model), config, outputs(model));
}

function reported(violations: readonly Violation[]): [string, string, string][] {
  return violations.map((v) => [v.policy, v.message, v.enforcementLevel]);
}

/** The model with the table's inputs and state changed by `mutate` (on copies). */
function withTable(
  model: ProgramModel,
  mutate: (props: Record<string, unknown>) => void,
): ProgramModel {
  return {
    ...model,
    resources: model.resources.map((r) => {
      if (r.type !== TYPES.table) return r;
      const inputs = structuredClone(r.inputs);
      const state = structuredClone(r.state);
      mutate(inputs);
      mutate(state);
      return { ...r, inputs, state };
    }),
  };
}

/** Every option of a standalone stack that changes what the policies see, at once. */
const EVERY_OPTION = {
  statuses: '["SUCCEEDED","FAILED","RUNNING"]',
  jobQueues: '["arn:aws:batch:us-east-1:123456789012:job-queue/q1"]',
  kmsKeyArn: KMS_KEY_ARN,
  retentionDays: "90",
};

describe("the program under its policy pack", () => {
  let defaults: ProgramModel;
  let everyOption: ProgramModel;

  beforeAll(async () => {
    defaults = await evaluateFresh();
    everyOption = await evaluateFresh(EVERY_OPTION);
  });

  it("registers what the policies are about", () => {
    const count = (type: string) => defaults.resources.filter((r) => r.type === type).length;
    expect(
      [
        TYPES.table,
        TYPES.fn,
        TYPES.invokeConfig,
        TYPES.logGroup,
        TYPES.queue,
        TYPES.rolePolicy,
      ].map(count),
    ).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("passes every policy with the default configuration", async () => {
    expect(reported(await check(defaults))).toEqual([]);
  });

  it("passes every policy with three statuses, a queue filter, a customer-managed key and an item retention", async () => {
    expect(reported(await check(everyOption))).toEqual([]);
  });

  it.each([
    ["a spoke", "spoke-example", 0],
    ["a hub", "hub", 1],
  ])(
    "passes every policy as %s (Pulumi.%s.yaml), whose bus policies are %d",
    async (_l, stack, buses) => {
      const model = await evaluateStack(stack);
      expect(model.resources.filter((r) => r.type === TYPES.eventBusPolicy)).toHaveLength(buses);
      expect(reported(await check(model))).toEqual([]);
    },
  );

  it("has exactly the deletion-protection advisory when deletion protection is off", async () => {
    // What deletionProtection: false does to the table (program.test.ts).
    const model = withTable(defaults, (p) => (p.deletionProtectionEnabled = false));
    expect(reported(await check(model))).toEqual([
      ["dynamodb-table-deletion-protection-enabled", MSG.tableDeletionProtection, "advisory"],
    ]);
  });

  it("passes a pack that requires a customer-managed key only when the stack names one", async () => {
    expect(reported(await check(everyOption, REQUIRE_KEY))).toEqual([]);
    expect(reported(await check(defaults, REQUIRE_KEY))).toEqual([
      ["dynamodb-table-encryption-enabled", MSG.tableCustomerManagedKey, "mandatory"],
    ]);
  });

  it("fails a table without encryption", async () => {
    const model = withTable(defaults, (p) => delete p.serverSideEncryption);
    expect(reported(await check(model))).toEqual([
      ["dynamodb-table-encryption-enabled", MSG.tableEncryption, "mandatory"],
    ]);
  });

  it("fails a table without point-in-time recovery", async () => {
    const model = withTable(defaults, (p) => delete p.pointInTimeRecovery);
    expect(reported(await check(model))).toEqual([
      ["dynamodb-table-point-in-time-recovery-enabled", MSG.tablePointInTimeRecovery, "mandatory"],
    ]);
  });

  it("fails a table without either, with exactly those two messages", async () => {
    const model = withTable(defaults, (p) => {
      delete p.serverSideEncryption;
      delete p.pointInTimeRecovery;
    });
    expect(reported(await check(model))).toEqual([
      ["dynamodb-table-encryption-enabled", MSG.tableEncryption, "mandatory"],
      ["dynamodb-table-point-in-time-recovery-enabled", MSG.tablePointInTimeRecovery, "mandatory"],
    ]);
  });

  it("advises on the handler when its invoke config is gone", async () => {
    const model = {
      ...defaults,
      resources: defaults.resources.filter((r) => r.type !== TYPES.invokeConfig),
    };
    const violations = await check(model);
    expect(reported(violations)).toEqual([
      ["lambda-function-failure-destination-configured", MSG.lambdaFailureDestination, "advisory"],
    ]);
    expect(violations[0].urn).toBe(`urn:pulumi:dev::batch-job-log::${TYPES.fn}::handler`);
  });

  it("advises on the handler's policy when it is widened to every DynamoDB action", async () => {
    const model = {
      ...defaults,
      resources: defaults.resources.map((r) => {
        if (r.type !== TYPES.rolePolicy) return r;
        const policy = r.inputs.policy as string;
        expect(policy).toContain('"dynamodb:PutItem"');
        const inputs = {
          ...r.inputs,
          policy: policy.replace('"dynamodb:PutItem"', '"dynamodb:*"'),
        };
        return { ...r, inputs };
      }),
    };
    expect(reported(await check(model))).toEqual([
      ["iam-no-dynamodb-wildcards", MSG.iamWildcardAction, "advisory"],
    ]);
  });
});
