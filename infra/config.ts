/**
 * The stack configuration, read once with its defaults and checked: a bad value fails the
 * preview with a message naming the key. Pulumi.yaml declares the same keys, types, descriptions
 * and defaults for `pulumi config`; a test keeps the two in step.
 *
 * The configuration also chooses the stack's role: `standalone` (the default: it records its own
 * account and region), `spoke` (`forwardTo`: it forwards them to a hub's event bus and records
 * nothing) or `hub` (`acceptFrom`: it records its own and what the spokes of those accounts or
 * organizations send to its bus).
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
  archive: false,
  archiveLogGroups: ["/aws/batch/job"],
  archiveTransitionDays: 30,
  archiveStorageClass: "GLACIER_IR",
};

/** The storage classes the archive's lifecycle may move objects to (all readable at once). */
export const ARCHIVE_STORAGE_CLASSES = [
  "STANDARD_IA",
  "GLACIER_IR",
  "INTELLIGENT_TIERING",
] as const;

/** A log group name as CloudWatch Logs allows it. */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** The S3 archive of the archived groups' streams (infra/archive.ts); set when `archive` is true. */
export interface ArchiveConfig {
  /** The bucket's name; by default batch-job-log-archive-<account>-<region>. */
  readonly bucket?: string;
  /** The log groups of this region whose every stream is copied to the bucket. */
  readonly logGroups: readonly string[];
  /** Days after which objects move to `storageClass`. */
  readonly transitionDays: number;
  readonly storageClass: string;
  /** Days after which objects are deleted; unset keeps them. */
  readonly expireDays?: number;
}

export interface StackConfig {
  readonly statuses: readonly string[];
  readonly jobQueues: readonly string[];
  readonly kmsKeyArn?: string;
  readonly retentionDays?: number;
  readonly deletionProtection: boolean;
  readonly logRetentionDays: number;
  readonly alarmTopicArn?: string;
  /** Set for a spoke: the ARN of the hub's event bus its events are forwarded to. */
  readonly forwardTo?: string;
  /** Set for a hub: the accounts and AWS Organizations whose spokes may send to its bus. */
  readonly acceptFrom?: { readonly accounts: string[]; readonly organizations: string[] };
  /** Set when `archive` is true: the S3 archive of the Batch log groups. */
  readonly archive?: ArchiveConfig;
}

/** An event bus ARN, in any partition; captures its region, account and bus name. */
const EVENT_BUS_ARN =
  /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/([/.\-_A-Za-z0-9]+)$/;
const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

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

/**
 * Reads and checks the project's configuration. `region` is the region the stack deploys to as the
 * AWS provider is configured (`aws:region`, else AWS_REGION), or undefined when only the provider
 * can tell (a profile's region).
 */
export function readStackConfig(config: pulumi.Config, region?: string): StackConfig {
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
  const forwardTo = config.get("forwardTo");
  if (forwardTo !== undefined && !EVENT_BUS_ARN.test(forwardTo)) {
    throw new ConfigError(
      key("forwardTo"),
      `"${forwardTo}" is not an EventBridge event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>).`,
    );
  }
  // A spoke must not forward to the default bus its own rule listens on: it would put every event
  // back on the bus that matched it, and nothing would reach a hub. The stack's account is not
  // known here (it comes from the credentials, when the provider answers), so any default bus of
  // the stack's region is refused: the others there belong to other accounts, and a hub never
  // receives on a default bus (it has its own, its output eventBusArn). A default bus of another
  // region is allowed: the events arrive there with their own region, for a stack there to record.
  const [, busRegion, , busName] = (forwardTo && EVENT_BUS_ARN.exec(forwardTo)) || [];
  if (busName === "default" && region !== undefined && busRegion === region) {
    throw new ConfigError(
      key("forwardTo"),
      `"${forwardTo}" is a default event bus in this stack's own region, which this stack's rule listens on; forward to the hub's bus (the hub stack's output eventBusArn).`,
    );
  }
  const acceptFrom = senders(config, "acceptFrom");
  if (forwardTo !== undefined && acceptFrom !== undefined) {
    throw new ConfigError(
      key("forwardTo"),
      `it cannot be set together with "${key("acceptFrom")}": a stack either forwards its events to a hub (forwardTo) or is a hub (acceptFrom).`,
    );
  }
  const deletionProtection = boolean(config, "deletionProtection") ?? DEFAULTS.deletionProtection;
  // A spoke has no table and no Lambda: a setting for them is a mistake, not something to ignore.
  // The engine hands the program Pulumi.yaml's defaults as if they were set: those are no mistake.
  const recorderSettings: [string, boolean][] = [
    ["kmsKeyArn", kmsKeyArn !== undefined],
    ["retentionDays", retentionDays !== undefined],
    ["deletionProtection", deletionProtection !== DEFAULTS.deletionProtection],
    ["logRetentionDays", logRetentionDays !== DEFAULTS.logRetentionDays],
  ];
  const recorderSetting = recorderSettings.find(([, set]) => set)?.[0];
  if (forwardTo !== undefined && recorderSetting !== undefined) {
    throw new ConfigError(
      key(recorderSetting),
      "a spoke (forwardTo) has no table and no Lambda for it to configure; remove it from this stack.",
    );
  }
  const archive = archiveConfig(config);
  return {
    statuses: [...new Set(statuses)],
    jobQueues: [...new Set(jobQueues)],
    kmsKeyArn,
    retentionDays,
    deletionProtection,
    logRetentionDays,
    alarmTopicArn,
    forwardTo,
    acceptFrom,
    archive,
  };
}

/**
 * The archive settings (`archive`, `archiveBucket`, `archiveLogGroups`, `archiveTransitionDays`,
 * `archiveStorageClass`, `archiveExpireDays`); undefined when `archive` is off, in which case an
 * archive setting other than a Pulumi.yaml default is a mistake.
 */
function archiveConfig(config: pulumi.Config): ArchiveConfig | undefined {
  const key = (name: string) => configKey(config, name);
  const on = boolean(config, "archive") ?? DEFAULTS.archive;
  const bucket = config.get("archiveBucket");
  const logGroups = stringList(config, "archiveLogGroups") ?? DEFAULTS.archiveLogGroups;
  const transitionDays =
    wholeNumber(config, "archiveTransitionDays") ?? DEFAULTS.archiveTransitionDays;
  const storageClass = config.get("archiveStorageClass") ?? DEFAULTS.archiveStorageClass;
  const expireDays = wholeNumber(config, "archiveExpireDays");
  if (!on) {
    const set: [string, boolean][] = [
      ["archiveBucket", bucket !== undefined],
      ["archiveLogGroups", JSON.stringify(logGroups) !== JSON.stringify(DEFAULTS.archiveLogGroups)],
      ["archiveTransitionDays", transitionDays !== DEFAULTS.archiveTransitionDays],
      ["archiveStorageClass", storageClass !== DEFAULTS.archiveStorageClass],
      ["archiveExpireDays", expireDays !== undefined],
    ];
    const stray = set.find(([, s]) => s)?.[0];
    if (stray !== undefined) {
      throw new ConfigError(key(stray), `it has no effect unless "${key("archive")}" is true.`);
    }
    return undefined;
  }
  if (bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(key("archiveBucket"), `"${bucket}" is not an S3 bucket name.`);
  }
  if (logGroups.length === 0) {
    throw new ConfigError(key("archiveLogGroups"), "it must list at least one log group.");
  }
  const badGroup = logGroups.find((g) => !LOG_GROUP_NAME.test(g));
  if (badGroup !== undefined) {
    throw new ConfigError(key("archiveLogGroups"), `"${badGroup}" is not a log group name.`);
  }
  if (!(ARCHIVE_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    throw new ConfigError(
      key("archiveStorageClass"),
      `"${storageClass}" is not one of ${ARCHIVE_STORAGE_CLASSES.join(", ")}.`,
    );
  }
  // S3 moves objects to an infrequent-access class no sooner than 30 days after creation.
  const least = storageClass === "STANDARD_IA" ? 30 : 0;
  if (transitionDays < least) {
    throw new ConfigError(
      key("archiveTransitionDays"),
      `${transitionDays} is too soon: S3 moves objects to ${storageClass} after ${least} days at the earliest.`,
    );
  }
  if (expireDays !== undefined && expireDays <= transitionDays) {
    throw new ConfigError(
      key("archiveExpireDays"),
      `${expireDays} must be more than archiveTransitionDays (${transitionDays}).`,
    );
  }
  return { bucket, logGroups: [...new Set(logGroups)], transitionDays, storageClass, expireDays };
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

/**
 * The accounts (12-digit ids) and organizations (`o-` ids) of `acceptFrom`, or undefined when unset.
 * An account id set with `pulumi config set --path` arrives as a number (losing a leading zero):
 * that is an error that says how to set it as a string.
 */
function senders(
  config: pulumi.Config,
  name: string,
): { accounts: string[]; organizations: string[] } | undefined {
  const raw = config.get(name);
  if (raw === undefined) return undefined;
  const key = configKey(config, name);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError(key, "it must be a JSON list of account ids and organization ids.");
  }
  if (!Array.isArray(value)) {
    throw new ConfigError(key, "it must be a JSON list of account ids and organization ids.");
  }
  if (value.length === 0) {
    throw new ConfigError(key, "it must list at least one account id or organization id.");
  }
  const accounts: string[] = [];
  const organizations: string[] = [];
  for (const sender of value) {
    if (typeof sender === "number") {
      throw new ConfigError(
        key,
        `${sender} is a number, not a string: set account ids with --type string (pulumi config set --path '${name}[0]' 012345678901 --type string), or a leading zero is lost.`,
      );
    }
    if (typeof sender === "string" && ACCOUNT_ID.test(sender)) accounts.push(sender);
    else if (typeof sender === "string" && ORGANIZATION_ID.test(sender)) organizations.push(sender);
    else {
      throw new ConfigError(
        key,
        `${JSON.stringify(sender)} is neither a 12-digit account id nor an organization id (o- followed by 10 to 32 lowercase letters or digits).`,
      );
    }
  }
  return { accounts: [...new Set(accounts)], organizations: [...new Set(organizations)] };
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
