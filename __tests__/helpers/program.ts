/**
 * Runs the Pulumi program under mocks, loading index.ts afresh for each configuration. The SDK
 * modules are handed over as they are (loading @pulumi/aws again would take seconds per run).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { evaluateProgram, onlyResource, type ProgramModel } from "../../twin/program";

export async function evaluateFresh(config: Record<string, string> = {}): Promise<ProgramModel> {
  return evaluateProgram({ config, load: freshProgramLoader() });
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

/** The program's resource type tokens, by the names the tests use. */
export { RESOURCE_TYPES as TYPES } from "../../twin/program";
