/**
 * `batch-job-log doctor`: checks a deployed stack, one line per check (passed or failed, and the
 * fix), exit 1 if any failed. The resources come from `pulumi stack output --json`, --outputs FILE
 * or the flags; what they should be, from the stack's Pulumi.<stack>.yaml (the program's defaults
 * where it sets nothing). The checks themselves: cli/lookup/doctor.ts; docs/doctor.md.
 */
import * as fs from "fs";
import * as path from "path";
import { EXIT_FAILED, EXIT_OK, type CliIO } from "../io";
import {
  awsSettings,
  clientConfig,
  createBatchClient,
  createTableClient,
  nameEndpoint,
  networkConfig,
  type AwsSettings,
} from "../lookup/clients";
import { guard, type LookupDeps } from "../lookup/context";
import { LookupError } from "../lookup/errors";
import type { DoctorClients, DoctorExpected, DoctorTarget } from "../lookup/doctor";
import { runPulumi, type PulumiRunner } from "../lookup/pulumi-cli";
import { defineCommand, type Input } from "../options";
import { AWS_OPTIONS, JSON_OUTPUT, TABLE } from "./shared";

export const spec = defineCommand({
  name: "doctor",
  summary: "check that a deployed stack works",
  description: [
    "Checks a deployed stack and prints one line per check, passed or failed, with the fix; " +
      "exits 1 if any failed. Per role: the table's encryption, point-in-time recovery, TTL and " +
      "deletion protection; the rule is enabled and targets the function (a spoke: the hub's " +
      "bus, through a role that may only put events there) with a day of retries and the dead-letter queue; the function's errors " +
      "and throttles in the last hour; the dead-letter queue's depth and oldest message; the " +
      "alarm; a hub's bus policy and its rule; and whether the newest jobs that ended in Batch are recorded.",
    "The resources are the stack's outputs (`pulumi stack output --json`, or --outputs FILE), " +
      "or the flags, which win; what they should be comes from Pulumi.<stack>.yaml in the " +
      "current folder (--stack, else the selected stack). doctor calls AWS, or an emulator " +
      "(--endpoint-url): it has no --db, since a replayed folder has no rule, function or queue.",
  ],
  positionals: [],
  options: [
    {
      name: "outputs",
      type: "path",
      valueName: "FILE",
      description: "the stack's outputs, as `pulumi stack output --json > FILE` writes them",
    },
    {
      name: "stack",
      type: "text",
      valueName: "NAME",
      description:
        "the Pulumi stack: its outputs and its Pulumi.<stack>.yaml (default: the selected one)",
    },
    TABLE,
    {
      name: "function",
      type: "text",
      valueName: "NAME",
      description: "the handler's function name",
    },
    { name: "rule", type: "text", valueName: "NAME", description: "the rule's name (default bus)" },
    {
      name: "dead-letter-queue-url",
      type: "url",
      description: "the dead-letter queue's URL",
    },
    {
      name: "event-bus-arn",
      type: "text",
      valueName: "ARN",
      description: "a hub's bus (makes the role hub)",
    },
    {
      name: "forward-to",
      type: "text",
      valueName: "ARN",
      description: "a spoke's hub bus (makes the role spoke)",
    },
    {
      name: "job-queue",
      type: "text",
      valueName: "QUEUE",
      repeatable: true,
      description:
        "the Batch queues whose ended jobs must be recorded (default: the config's jobQueues, else every queue)",
    },
    {
      ...JSON_OUTPUT,
      description: "one JSON document: {ok, role, checks: [{check, ok, detail, fix}]}",
    },
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "Check the selected stack, from its outputs",
      command: "batch-job-log doctor",
    },
    {
      description:
        "Another stack's outputs, saved by `pulumi stack output --json --stack prod > outputs.json`, as JSON",
      command: "batch-job-log doctor --outputs outputs.json --stack prod --json",
    },
    {
      description: "Check resources by name on an emulator (moto's server)",
      command:
        "batch-job-log doctor --table jobs --function handler --rule job-state-change --dead-letter-queue-url http://127.0.0.1:5000/123456789012/dead-letters --endpoint-url http://127.0.0.1:5000",
    },
  ],
});

/** Seams for tests. */
export interface DoctorDeps extends LookupDeps {
  readonly pulumi?: PulumiRunner;
  /** The clients; by default made from the AWS options. */
  readonly clients?: (aws: AwsSettings) => DoctorClients;
}

type Outputs = Record<string, unknown>;

/** The stack outputs: --outputs FILE, else `pulumi stack output --json`. */
async function readOutputs(
  file: string | undefined,
  stack: string | undefined,
  io: CliIO,
  pulumi: PulumiRunner,
): Promise<Outputs> {
  let text: string;
  let from: string;
  if (file !== undefined) {
    from = file;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, file), "utf8");
    } catch (error) {
      throw new LookupError(`--outputs ${file}: ${(error as Error).message}`);
    }
  } else {
    const args = ["stack", "output", "--json", ...(stack ? ["--stack", stack] : [])];
    const { value, problem } = await pulumi(args, io.cwd, io.env);
    if (value === undefined) {
      throw new LookupError(
        `no stack outputs: ${problem}; pass --outputs FILE, or --rule and --dead-letter-queue-url`,
      );
    }
    from = "`pulumi stack output --json`";
    text = value;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Outputs;
  } catch {
    // Said below.
  }
  throw new LookupError(`${from}: not a JSON object of stack outputs`);
}

/** The expected settings from the stack's config (strings, as twin/stack-config reads them). */
export function expectedFromConfig(config: Readonly<Record<string, string>>): DoctorExpected {
  const get = (key: string) => config[`batch-job-log:${key}`];
  const list = (key: string): string[] => {
    const value = get(key);
    if (value === undefined) return [];
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
  };
  const acceptFrom = list("acceptFrom");
  return {
    kmsKeyArn: get("kmsKeyArn"),
    retentionDays: get("retentionDays") === undefined ? undefined : Number(get("retentionDays")),
    deletionProtection: get("deletionProtection") !== "false",
    jobQueues: list("jobQueues"),
    acceptFrom:
      acceptFrom.length === 0
        ? undefined
        : {
            accounts: acceptFrom.filter((a) => !a.startsWith("o-")),
            organizations: acceptFrom.filter((a) => a.startsWith("o-")),
          },
  };
}

/** The clients doctor calls, each with the command's AWS settings. */
function createClients(aws: AwsSettings): DoctorClients {
  const base = () => ({ ...clientConfig(aws), ...networkConfig({}) });
  const {
    DynamoDBClient,
  }: typeof import("@aws-sdk/client-dynamodb") = require("@aws-sdk/client-dynamodb");
  const {
    EventBridgeClient,
  }: typeof import("@aws-sdk/client-eventbridge") = require("@aws-sdk/client-eventbridge");
  const {
    LambdaClient,
  }: typeof import("@aws-sdk/client-lambda") = require("@aws-sdk/client-lambda");
  const { IAMClient }: typeof import("@aws-sdk/client-iam") = require("@aws-sdk/client-iam");
  const { SQSClient }: typeof import("@aws-sdk/client-sqs") = require("@aws-sdk/client-sqs");
  const {
    CloudWatchClient,
  }: typeof import("@aws-sdk/client-cloudwatch") = require("@aws-sdk/client-cloudwatch");
  return {
    dynamodb: nameEndpoint(new DynamoDBClient(base()), "DynamoDB"),
    table: createTableClient(aws),
    events: nameEndpoint(new EventBridgeClient(base()), "EventBridge"),
    lambda: nameEndpoint(new LambdaClient(base()), "Lambda"),
    sqs: nameEndpoint(new SQSClient(base()), "SQS"),
    cloudwatch: nameEndpoint(new CloudWatchClient(base()), "CloudWatch"),
    batch: createBatchClient(aws),
    iam: nameEndpoint(new IAMClient(base()), "IAM"),
  };
}

export async function run(
  input: Input<typeof spec>,
  io: CliIO,
  deps: DoctorDeps = {},
): Promise<number> {
  const { common, values, out } = input;
  const now = (deps.now ?? Date.now)();
  return guard("doctor", io, async (context) => {
    const pulumi = deps.pulumi ?? runPulumi;
    const byFlags = values.rule !== undefined && values["dead-letter-queue-url"] !== undefined;
    const outputs = byFlags ? {} : await readOutputs(values.outputs, values.stack, io, pulumi);
    const text = (key: string) =>
      typeof outputs[key] === "string" ? (outputs[key] as string) : undefined;
    const forwardTo = values["forward-to"] ?? text("forwardTo");
    const eventBusArn = values["event-bus-arn"] ?? text("eventBusArn");
    const ruleName = values.rule ?? text("ruleName");
    const deadLetterQueueUrl = values["dead-letter-queue-url"] ?? text("deadLetterQueueUrl");
    if (!ruleName || !deadLetterQueueUrl) {
      throw new LookupError(
        "the stack outputs have no ruleName or deadLetterQueueUrl: is it deployed?",
      );
    }
    const target: DoctorTarget = {
      role: forwardTo ? "spoke" : eventBusArn ? "hub" : "standalone",
      tableName: forwardTo ? undefined : (common.table ?? text("tableName")),
      functionName: forwardTo ? undefined : (values.function ?? text("functionName")),
      ruleName,
      deadLetterQueueUrl,
      eventBusArn,
      forwardTo,
    };
    const { replayStack } = require("../stack") as typeof import("../stack");
    const { readStackConfig } =
      require("../../twin/stack-config") as typeof import("../../twin/stack-config");
    const stack = await replayStack(values.stack, io.cwd, io.env);
    const expected = expectedFromConfig(readStackConfig(io.cwd, stack.name, stack.explicit));
    const queues = values["job-queue"].length > 0 ? values["job-queue"] : expected.jobQueues;
    const aws = await awsSettings("doctor", common, io);
    context.region = aws.region;
    const clients = (deps.clients ?? createClients)(aws);
    const { runChecks } = require("../lookup/doctor") as typeof import("../lookup/doctor");
    const results = await runChecks(clients, target, { ...expected, jobQueues: queues }, now);
    const failed = results.filter((r) => !r.ok).length;
    if (common.json) {
      out.document({ ok: failed === 0, role: target.role, checks: results });
    } else {
      for (const r of results) {
        out.print(
          `${r.ok ? "ok  " : "FAIL"} ${r.check}: ${r.detail}` +
            (r.fix ? `\n     fix: ${r.fix}` : "") +
            "\n",
        );
      }
      out.print(
        failed === 0
          ? `${results.length} checks passed (${target.role} stack).\n`
          : `${failed} of ${results.length} checks failed (${target.role} stack).\n`,
      );
    }
    return failed === 0 ? EXIT_OK : EXIT_FAILED;
  });
}
