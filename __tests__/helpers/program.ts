/**
 * Runs the Pulumi program under mocks, loading index.ts afresh for each configuration. The SDK
 * modules are handed over as they are (loading @pulumi/aws again would take seconds per run).
 */
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import {
  evaluateProgram,
  onlyResource,
  type ProgramModel,
  type RegisteredResource,
} from "../../twin/program";
import { fullKey, readStackConfig } from "../../twin/stack-config";

const ROOT = path.join(__dirname, "..", "..");

/**
 * Evaluations of this test file, by stack and config: a file that asks for the same one twice
 * (program.test.ts checks the program's inputs, then runs the policy pack over them) evaluates
 * once. Models are shared: tests change copies, never a model.
 */
const evaluations = new Map<string, Promise<ProgramModel>>();

function once(
  stack: string,
  config: Record<string, string>,
  evaluate: () => Promise<ProgramModel>,
) {
  const key = JSON.stringify([stack, Object.entries(config).sort()]);
  let model = evaluations.get(key);
  if (!model) {
    model = evaluate();
    evaluations.set(key, model);
    model.catch(() => evaluations.delete(key));
  }
  return model;
}

export function evaluateFresh(config: Record<string, string> = {}): Promise<ProgramModel> {
  return once("dev", config, () => evaluateProgram({ config, load: freshProgramLoader() }));
}

/**
 * Evaluates index.ts afresh as `stack` with the config the engine would hand it: Pulumi.yaml's
 * defaults, then Pulumi.<stack>.yaml.
 */
export function evaluateStack(stack: string): Promise<ProgramModel> {
  const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, { default?: unknown }>;
  };
  const defaults: Record<string, string> = {};
  for (const [key, declared] of Object.entries(project.config)) {
    if (declared.default === undefined) continue;
    const value = declared.default;
    defaults[fullKey(key)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const config = { ...defaults, ...readStackConfig(ROOT, stack, true) };
  return once(stack, config, () => evaluateProgram({ config, stack, load: freshProgramLoader() }));
}

/**
 * A `load` for evaluateProgram or startTwin that requires index.ts afresh (jest.isolateModules),
 * handing it this file's @pulumi/pulumi and @pulumi/aws.
 */
export function freshProgramLoader(): () => Record<string, unknown> {
  return () => {
    let program: Record<string, unknown> = {};
    jest.isolateModules(() => {
      jest.doMock("@pulumi/pulumi", () => pulumi);
      jest.doMock("@pulumi/aws", () => aws);
      program = require("../../index");
    });
    return program;
  };
}

/** The inputs of the one resource of `type`. */
export function inputsOf(model: ProgramModel, type: string): Record<string, unknown> {
  return onlyResource(model, type).inputs;
}

/** The one resource named `name` (names are unique within a program). */
export function named(model: ProgramModel, name: string): RegisteredResource {
  const found = model.resources.filter((r) => r.name === name);
  if (found.length !== 1)
    throw new Error(`Expected one resource named ${name}, found ${found.length}.`);
  return found[0];
}

/** Every resource as [type, name], sorted. */
export function typesAndNames(model: ProgramModel): [string, string][] {
  return model.resources.map((r): [string, string] => [r.type, r.name]).sort(byTypeAndName);
}

export function byTypeAndName(a: [string, string], b: [string, string]): number {
  return a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]);
}

/** The program's resource type tokens, by the names the tests use. */
export { RESOURCE_TYPES as TYPES } from "../../twin/program";
