/**
 * The stack configuration, read once with its defaults and checked: a bad value fails the
 * preview with a message naming the key. Pulumi.yaml declares the same keys, types, descriptions
 * and defaults for `pulumi config`; a test keeps the two in step.
 */
import * as pulumi from "@pulumi/pulumi";
import { BATCH_STATUSES, TERMINAL_STATUSES } from "../record/constants";

/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

export const DEFAULTS = {
  statuses: [...TERMINAL_STATUSES],
  jobQueues: [] as string[],
  deletionProtection: true,
  logRetentionDays: 30,
};

export interface StackConfig {
  readonly statuses: readonly string[];
  readonly jobQueues: readonly string[];
  readonly kmsKeyArn?: string;
  readonly retentionDays?: number;
  readonly deletionProtection: boolean;
  readonly logRetentionDays: number;
  readonly alarmTopicArn?: string;
}

/** The key as `pulumi config` names it: `batch-job-log:statuses`. */
function configKey(config: pulumi.Config, name: string): string {
  return `${config.name}:${name}`;
}

/** Thrown for an invalid configuration value; the message names the key. */
export class ConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid configuration "${key}": ${problem}`);
    this.name = "ConfigError";
  }
}

export function readStackConfig(config: pulumi.Config): StackConfig {
  const key = (name: string) => configKey(config, name);
  const statuses = stringList(config, "statuses") ?? DEFAULTS.statuses;
  if (statuses.length === 0)
    throw new ConfigError(key("statuses"), "it must list at least one status.");
  for (const status of statuses) {
    if (!BATCH_STATUSES.includes(status)) {
      throw new ConfigError(
        key("statuses"),
        `"${status}" is not a Batch job status; use ${BATCH_STATUSES.join(", ")}.`,
      );
    }
  }
  const jobQueues = stringList(config, "jobQueues") ?? DEFAULTS.jobQueues;
  for (const queue of jobQueues) {
    if (!/^arn:aws[a-z-]*:batch:[a-z0-9-]+:\d{12}:job-queue\/.+$/.test(queue)) {
      throw new ConfigError(key("jobQueues"), `"${queue}" is not a Batch job queue ARN.`);
    }
  }
  const kmsKeyArn = config.get("kmsKeyArn");
  if (
    kmsKeyArn !== undefined &&
    !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(kmsKeyArn)
  ) {
    throw new ConfigError(key("kmsKeyArn"), `"${kmsKeyArn}" is not a KMS key ARN.`);
  }
  const retentionDays = wholeNumber(config, "retentionDays");
  if (retentionDays !== undefined && retentionDays <= 0) {
    throw new ConfigError(key("retentionDays"), "it must be a positive number of days.");
  }
  const logRetentionDays = wholeNumber(config, "logRetentionDays") ?? DEFAULTS.logRetentionDays;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new ConfigError(
      key("logRetentionDays"),
      `${logRetentionDays} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")}.`,
    );
  }
  const alarmTopicArn = config.get("alarmTopicArn");
  if (
    alarmTopicArn !== undefined &&
    !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/.test(alarmTopicArn)
  ) {
    throw new ConfigError(key("alarmTopicArn"), `"${alarmTopicArn}" is not an SNS topic ARN.`);
  }
  return {
    statuses: [...new Set(statuses)],
    jobQueues: [...new Set(jobQueues)],
    kmsKeyArn,
    retentionDays,
    deletionProtection: boolean(config, "deletionProtection") ?? DEFAULTS.deletionProtection,
    logRetentionDays,
    alarmTopicArn,
  };
}

function stringList(config: pulumi.Config, name: string): string[] | undefined {
  const raw = config.get(name);
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError(configKey(config, name), "it must be a JSON list of strings.");
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new ConfigError(configKey(config, name), "it must be a JSON list of strings.");
  }
  return value;
}

function wholeNumber(config: pulumi.Config, name: string): number | undefined {
  const raw = config.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value)) {
    throw new ConfigError(configKey(config, name), `"${raw}" is not a whole number.`);
  }
  return value;
}

function boolean(config: pulumi.Config, name: string): boolean | undefined {
  const raw = config.get(name);
  if (raw === undefined) return undefined;
  if (raw !== "true" && raw !== "false") {
    throw new ConfigError(configKey(config, name), `"${raw}" is not true or false.`);
  }
  return raw === "true";
}
