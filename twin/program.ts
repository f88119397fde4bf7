/**
 * Evaluates the Pulumi program offline, under Pulumi's mock runtime, and returns what it would
 * create: every registered resource with its exact inputs, the stack outputs, and the code of the
 * Lambda exactly as CallbackFunction serializes it. The local twin replays events through this,
 * and the tests assert on it; neither needs the Pulumi CLI, a provider plugin or AWS.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_MOCK_REGION,
  MOCK_ACCOUNT,
  RESOURCE_TYPES,
  type ProgramModel,
  type RegisteredResource,
} from "./program-model";
import { DEFAULT_STACK, fullKey, PROJECT } from "./stack-config";

export * from "./program-model";

export interface EvaluateOptions {
  /** Config as `pulumi config` holds it: keys without the project prefix (`statuses`), or
   *  namespaced (`aws:region`); values are strings (JSON for lists). */
  readonly config?: Readonly<Record<string, string>>;
  readonly stack?: string;
  /** Loads the program module; tests pass one that loads it afresh. */
  readonly load?: () => Record<string, unknown>;
}

/** Runs the program under mocks and waits until every resource has registered. */
export async function evaluateProgram(options: EvaluateOptions = {}): Promise<ProgramModel> {
  const stack = options.stack ?? DEFAULT_STACK;
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[fullKey(key)] = value;
  }
  const region = config["aws:region"] ?? DEFAULT_MOCK_REGION;
  const resources: RegisteredResource[] = [];
  const dependencies = new Map<string, string[]>();
  const archives: Promise<{ code: string; files: string[] }>[] = [];

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state = {
          ...args.inputs,
          ...mockAttributes(args.type, args.name, args.inputs, region),
        };
        const urnNames = dependencies.get(`${args.type}::${args.name}`) ?? [];
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          state,
          dependencies: urnNames.map((urn) => urn.slice(urn.lastIndexOf("::") + 2)).sort(),
        });
        if (args.type === RESOURCE_TYPES.fn) archives.push(readArchive(args.inputs.code));
        // A bucket's id is its name, as the provider's.
        const id = args.type === RESOURCE_TYPES.bucket ? String(state.bucket) : `${args.name}-id`;
        return { id, state };
      },
      call(args) {
        switch (args.token) {
          case "aws:index/getRegion:getRegion":
            return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com` };
          case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
              id: MOCK_ACCOUNT,
              accountId: MOCK_ACCOUNT,
              arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`,
              userId: "MOCK",
            };
          case "aws:index/getPartition:getPartition":
            return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com" };
          default:
            throw new Error(`The mocks do not answer ${args.token}.`);
        }
      },
    },
    PROJECT,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config);
  recordDependencies(dependencies);

  const program = options.load ? options.load() : require("../index");
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(program)) {
    outputs[name] = pulumi.Output.isInstance(value) ? await outputValue(value) : value;
  }
  await waitForRegistrations();
  const functions = await Promise.all(archives);
  if (functions.length > 1) {
    throw new Error(`The program registered ${functions.length} Lambda functions; expected one.`);
  }
  return { resources, outputs, lambda: functions[0] };
}

function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/**
 * The mocks' `newResource` is not told what a resource depends on; the RegisterResource request
 * the mock monitor receives is. Records its dependency URNs, by type and name.
 */
function recordDependencies(into: Map<string, string[]>): void {
  const settings = require("@pulumi/pulumi/runtime/settings");
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request: RegisterRequest, callback: unknown) => {
    into.set(`${request.getType()}::${request.getName()}`, request.getDependenciesList());
    return register(request, callback);
  };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
}

/** Waits for the runtime's queue of registrations (mocked RPCs) to drain. */
async function waitForRegistrations(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings");
  await settings.waitForRPCs();
}

/** The attributes AWS would return for a resource, shaped like the real ones. */
function mockAttributes(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  region: string,
): Record<string, unknown> {
  const physical = typeof inputs.name === "string" ? inputs.name : `${name}-0a1b2c3`;
  const account = MOCK_ACCOUNT;
  switch (type) {
    case RESOURCE_TYPES.table:
      return { name: physical, arn: `arn:aws:dynamodb:${region}:${account}:table/${physical}` };
    case RESOURCE_TYPES.queue:
      return {
        name: physical,
        arn: `arn:aws:sqs:${region}:${account}:${physical}`,
        url: `https://sqs.${region}.amazonaws.com/${account}/${physical}`,
      };
    case RESOURCE_TYPES.logGroup:
      return { name: physical, arn: `arn:aws:logs:${region}:${account}:log-group:${physical}` };
    case RESOURCE_TYPES.role:
      return { name: physical, arn: `arn:aws:iam::${account}:role/${physical}` };
    case RESOURCE_TYPES.fn:
      return {
        name: physical,
        arn: `arn:aws:lambda:${region}:${account}:function:${physical}`,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${account}:function:${physical}/invocations`,
      };
    case RESOURCE_TYPES.rule: {
      // A rule on a custom bus has the bus's name in its ARN.
      const bus = inputs.eventBusName;
      const onBus = typeof bus === "string" && bus !== "default" ? `${bus}/` : "";
      return {
        name: physical,
        arn: `arn:aws:events:${region}:${account}:rule/${onBus}${physical}`,
      };
    }
    case RESOURCE_TYPES.eventBus:
      return { name: physical, arn: `arn:aws:events:${region}:${account}:event-bus/${physical}` };
    case RESOURCE_TYPES.bucket: {
      const bucket = typeof inputs.bucket === "string" ? inputs.bucket : `${name}-0a1b2c3`;
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case RESOURCE_TYPES.deliveryStream:
      return {
        name: physical,
        arn: `arn:aws:firehose:${region}:${account}:deliverystream/${physical}`,
      };
    case RESOURCE_TYPES.logStream:
      return {
        name: physical,
        arn: `arn:aws:logs:${region}:${account}:log-group:${String(inputs.logGroupName)}:log-stream:${physical}`,
      };
    case RESOURCE_TYPES.alarm:
      return { name: physical, arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${physical}` };
    default:
      return {};
  }
}

/** Reads CallbackFunction's code archive: `__index.js` and the names of every file in it. */
async function readArchive(code: unknown): Promise<{ code: string; files: string[] }> {
  const archive = code as { assets?: Promise<Record<string, unknown>> };
  const assets = (await archive.assets) ?? {};
  const files: string[] = [];
  const collect = async (prefix: string, entries: Record<string, unknown>) => {
    for (const [name, entry] of Object.entries(entries)) {
      const nested = entry as { assets?: Promise<Record<string, unknown>>; path?: Promise<string> };
      if (nested.assets) await collect(`${prefix}${name}/`, (await nested.assets) ?? {});
      else files.push(`${prefix}${name}`);
    }
  };
  await collect("", assets);
  const index = assets["__index.js"] as { text?: Promise<string> } | undefined;
  const text = index?.text ? await index.text : undefined;
  if (text === undefined) throw new Error("The Lambda archive has no __index.js text asset.");
  return { code: text, files: files.sort() };
}
