/**
 * How `logs` and `search` reach a job's log group: with which CloudWatch Logs client (the log
 * region, and whose credentials) and under which name. A hub table holds jobs of many accounts
 * (`record.account`); a group of the caller's own account is read by name, one of another account
 * either by its ARN (`logGroupIdentifier`, what a CloudWatch cross-account observability
 * monitoring account may read) or, with `--role-arn`, by name through a role assumed in that
 * account (`{account}` in the ARN is replaced by the job's account; credentials are cached per
 * account and refreshed before they expire). The caller's account is asked of STS
 * (GetCallerIdentity) once, when the first group is read; when STS cannot say (an endpoint that
 * does not serve it), every group is read by name. With `--db`, every group is
 * read from the local CloudWatch Logs endpoint that serves DIR/logs.jsonl (twin/logs-local.ts).
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { clientConfig, nameEndpoint, networkConfig, type AwsSettings } from "./clients";
import { LookupError } from "./errors";

const logsSdk = (): typeof import("@aws-sdk/client-cloudwatch-logs") =>
  require("@aws-sdk/client-cloudwatch-logs");
const stsSdk = (): typeof import("@aws-sdk/client-sts") => require("@aws-sdk/client-sts");

/** Attempts per CloudWatch Logs call in the SDK (adaptive retry slows the client on throttling). */
export const LOGS_MAX_ATTEMPTS = 5;

/** Refresh assumed-role credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Where a stream's group is: the record's log group and region, and the job's account. */
export interface GroupRef {
  readonly logGroup: string;
  readonly logRegion: string;
  readonly account?: string;
}

/** How the group is read. */
export type AccessWay =
  /** The caller's own account (or an account the table does not name). */
  | "own"
  /** Another account's group by its ARN: cross-account observability. */
  | "arn"
  /** Another account's group through --role-arn. */
  | "role"
  /** The local endpoint of --db. */
  | "local";

export interface LogTarget {
  readonly client: CloudWatchLogsClient;
  /** The parameter that names the group in GetLogEvents, FilterLogEvents, DescribeLogStreams. */
  readonly group: { readonly logGroupName: string } | { readonly logGroupIdentifier: string };
  readonly ref: GroupRef;
  /** The group's ARN (with the caller's account when the record names none). */
  readonly arn: string;
  readonly way: AccessWay;
  /** The caller's account, when it was asked. */
  readonly callerAccount?: string;
  /** With way "role": the role assumed. */
  readonly roleArn?: string;
  /** With way "local": the endpoint and its file. */
  readonly local?: LocalLogsEndpoint;
}

/** The local endpoint of --db: where it listens and which file it serves. */
export interface LocalLogsEndpoint {
  readonly endpoint: string;
  readonly file: string;
  readonly exists: boolean;
}

export interface LogAccessOptions {
  readonly aws: AwsSettings;
  /** --role-arn: a role ARN in which `{account}` stands for the job's account. */
  readonly roleArn?: string;
  readonly local?: LocalLogsEndpoint;
}

export interface LogAccess {
  readonly local?: LocalLogsEndpoint;
  readonly roleArn?: string;
  /** The client and group parameter for a group. */
  target(ref: GroupRef): Promise<LogTarget>;
}

/** "aws", "aws-cn" or "aws-us-gov", from the region. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** arn:aws:logs:REGION:ACCOUNT:log-group:NAME */
export function logGroupArn(region: string, account: string, name: string): string {
  return `arn:${partitionOf(region)}:logs:${region}:${account}:log-group:${name}`;
}

/**
 * The role ARN for an account: `{account}` replaced, once the account is checked to be 12 digits
 * (a record's account comes from an event: a crafted one must not be put into an ARN).
 */
export function roleFor(template: string, account: string): string {
  if (!/^\d{12}$/.test(account)) {
    throw new LookupError(
      `the job's account ${JSON.stringify(account)} is not 12 digits: it is not put into --role-arn`,
    );
  }
  return template.replaceAll("{account}", account);
}

export function logAccess(options: LogAccessOptions): LogAccess {
  const { aws, roleArn, local } = options;
  const clients = new Map<string, CloudWatchLogsClient>();
  const roleCredentials = new Map<string, Promise<AwsCredentialIdentity>>();
  let sts: STSClient | undefined;
  let caller: Promise<string | undefined> | undefined;

  const stsClient = () =>
    (sts ??= nameEndpoint(
      new (stsSdk().STSClient)({ ...clientConfig(aws), ...networkConfig({}) }),
      "STS",
    ));
  // An endpoint without STS (a local emulator) cannot say: its groups are then read by name.
  const callerAccount = () =>
    (caller ??= stsClient()
      .send(new (stsSdk().GetCallerIdentityCommand)({}))
      .then(
        (out) => out.Account,
        () => undefined,
      ));

  const client = (region: string, account?: string): CloudWatchLogsClient => {
    const key = `${region}|${account ?? ""}`;
    let found = clients.get(key);
    if (!found) {
      const config = local
        ? {
            region,
            endpoint: local.endpoint,
            credentials: { accessKeyId: "local", secretAccessKey: "local" },
            // StartLiveTail's host prefix (`stream-`) would turn 127.0.0.1 into a name.
            disableHostPrefix: true,
          }
        : {
            ...clientConfig(aws, region),
            ...networkConfig({ maxAttempts: LOGS_MAX_ATTEMPTS, adaptive: true }),
            ...(account === undefined ? {} : { credentials: () => assumed(account) }),
          };
      found = nameEndpoint(new (logsSdk().CloudWatchLogsClient)(config), "CloudWatch Logs");
      clients.set(key, found);
    }
    return found;
  };

  /** Credentials of --role-arn in `account`, cached until shortly before they expire. */
  const assumed = async (account: string): Promise<AwsCredentialIdentity> => {
    const cached = roleCredentials.get(account);
    const current = cached && (await cached.catch(() => undefined));
    if (current && (current.expiration?.getTime() ?? Infinity) - Date.now() > REFRESH_MARGIN_MS) {
      return current;
    }
    const role = roleFor(roleArn as string, account);
    const pending = stsClient()
      .send(new (stsSdk().AssumeRoleCommand)({ RoleArn: role, RoleSessionName: "batch-job-log" }))
      .then(({ Credentials: c }) => {
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          throw new Error(`AssumeRole ${role} gave no credentials`);
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
      })
      .catch((error: unknown) => {
        roleCredentials.delete(account);
        throw new AssumeRoleError(role, account, error);
      });
    roleCredentials.set(account, pending);
    return pending;
  };

  return {
    local,
    roleArn,
    async target(ref) {
      const name = { logGroupName: ref.logGroup };
      if (local) {
        const arn = logGroupArn(ref.logRegion, ref.account ?? "ACCOUNT", ref.logGroup);
        return { client: client(ref.logRegion), group: name, ref, arn, way: "local", local };
      }
      // A group of the caller's own account (or of an account the record does not say) is read
      // by name; another account's by ARN, or through --role-arn.
      const me = await callerAccount();
      const arn = logGroupArn(ref.logRegion, ref.account ?? me ?? "ACCOUNT", ref.logGroup);
      if (ref.account === undefined || me === undefined || me === ref.account) {
        return {
          client: client(ref.logRegion),
          group: name,
          ref,
          arn,
          way: "own",
          callerAccount: me,
        };
      }
      if (roleArn !== undefined) {
        return {
          client: client(ref.logRegion, ref.account),
          group: name,
          ref,
          arn,
          way: "role",
          callerAccount: me,
          roleArn: roleFor(roleArn, ref.account),
        };
      }
      return {
        client: client(ref.logRegion),
        group: { logGroupIdentifier: arn },
        ref,
        arn,
        way: "arn",
        callerAccount: me,
      };
    },
  };
}

/** AssumeRole of --role-arn failed: which role, for which account, and why. */
export class AssumeRoleError extends Error {
  constructor(
    readonly roleArn: string,
    readonly account: string,
    readonly cause: unknown,
  ) {
    super((cause as Error | undefined)?.message ?? String(cause));
    this.name = "AssumeRoleError";
  }
}
