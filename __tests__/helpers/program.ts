/**
 * Runs the Pulumi program under mocks, loading index.ts afresh for each configuration. The SDK
 * modules are handed over as they are (loading @pulumi/aws again would take seconds per run).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { evaluateProgram, onlyResource, type ProgramModel } from "../../twin/program";

export async function evaluateFresh(config: Record<string, string> = {}): Promise<ProgramModel> {
  return evaluateProgram({
    config,
    load: () => {
      let program: Record<string, unknown> = {};
      jest.isolateModules(() => {
        jest.doMock("@pulumi/pulumi", () => pulumi);
        jest.doMock("@pulumi/aws", () => aws);
        program = require("../../index");
      });
      return program;
    },
  });
}

/** The inputs of the one resource of `type`. */
export function inputsOf(model: ProgramModel, type: string): Record<string, unknown> {
  return onlyResource(model, type).inputs;
}

export const TYPES = {
  table: "aws:dynamodb/table:Table",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  fn: "aws:lambda/function:Function",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  permission: "aws:lambda/permission:Permission",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;
