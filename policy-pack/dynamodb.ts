/**
 * The DynamoDB policies: the job table is the audit trail of every Batch job, so its encryption
 * and its point-in-time recovery are mandatory (replicas included); deletion protection is
 * advisory.
 */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { elements, isSet, once, read, UNKNOWN } from "./values";

/** The fixed messages of these policies: "must" when mandatory, "should" when advisory. */
export const MESSAGES = {
  tableEncryption:
    "DynamoDB tables must set serverSideEncryption.enabled to true, so that the table is encrypted at rest with a KMS key.",
  tableCustomerManagedKey:
    "DynamoDB tables must be encrypted with a customer-managed KMS key: set serverSideEncryption.kmsKeyArn.",
  replicaCustomerManagedKey:
    "DynamoDB table replicas must name a customer-managed KMS key in their own region: set kmsKeyArn on every replica.",
  tablePointInTimeRecovery:
    "DynamoDB tables must set pointInTimeRecovery.enabled to true, so that the table can be restored to any second of its recovery period.",
  replicaPointInTimeRecovery:
    "DynamoDB table replicas must set pointInTimeRecovery to true; a replica does not inherit the table's setting.",
  tableDeletionProtection:
    "DynamoDB tables should set deletionProtectionEnabled to true, so that the table cannot be deleted by accident.",
} as const;

/** The options of `dynamodb-table-encryption-enabled`. */
interface EncryptionConfig {
  /** Requires `serverSideEncryption.kmsKeyArn` (and a key on every replica). Default false. */
  readonly requireCustomerManagedKey?: boolean;
}

/**
 * The table is encrypted with KMS (`serverSideEncryption.enabled: true`), optionally with a
 * customer-managed key. Replicas: DynamoDB encrypts every replica of a global table the way the
 * table is encrypted, but a KMS key belongs to one region, so a replica uses the key its own
 * `kmsKeyArn` names and, without one, falls back to the AWS-managed key of its region. A replica is
 * therefore "encrypted" when the table is, and must name its own key when the table uses a
 * customer-managed key (or the configuration requires one): otherwise its copy of the data would be
 * protected less than the table's. The same holds for an `aws.dynamodb.TableReplica` resource.
 */
export const dynamodbTableEncryptionEnabled: ResourceValidationPolicy = {
  name: "dynamodb-table-encryption-enabled",
  description:
    "Checks that DynamoDB tables and their replicas are encrypted at rest with KMS, with a customer-managed key when required.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireCustomerManagedKey: {
        type: "boolean",
        default: false,
        description:
          "Require a customer-managed KMS key (serverSideEncryption.kmsKeyArn) on tables and a kmsKeyArn on every replica.",
      },
    },
  },
  validateResource: [
    validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
      const report = once(reportViolation);
      const requireKey = args.getConfig<EncryptionConfig>().requireCustomerManagedKey === true;
      const sse = read(table, "serverSideEncryption");
      if (sse === UNKNOWN) return;
      const enabled = sse ? read(sse, "enabled") : undefined;
      if (enabled !== true && enabled !== UNKNOWN) report(MESSAGES.tableEncryption);
      const tableKey = sse ? read(sse, "kmsKeyArn") : undefined;
      if (requireKey && !isSet(tableKey)) report(MESSAGES.tableCustomerManagedKey);
      // An unknown table key is not proof of a customer-managed key: only a known one is.
      const replicasNeedKey = requireKey || (typeof tableKey === "string" && tableKey !== "");
      if (!replicasNeedKey) return;
      for (const replica of elements(read(table, "replicas"))) {
        if (!isSet(read(replica, "kmsKeyArn"))) report(MESSAGES.replicaCustomerManagedKey);
      }
    }),
    validateResourceOfType(aws.dynamodb.TableReplica, (replica, args, reportViolation) => {
      const requireKey = args.getConfig<EncryptionConfig>().requireCustomerManagedKey === true;
      if (requireKey && !isSet(read(replica, "kmsKeyArn"))) {
        reportViolation(MESSAGES.replicaCustomerManagedKey);
      }
    }),
  ],
};

/**
 * The table has point-in-time recovery (`pointInTimeRecovery.enabled: true`), and so has every
 * replica: `replicas[].pointInTimeRecovery` is a boolean of its own that defaults to false, as is
 * `pointInTimeRecovery` of an `aws.dynamodb.TableReplica`.
 */
export const dynamodbTablePointInTimeRecoveryEnabled: ResourceValidationPolicy = {
  name: "dynamodb-table-point-in-time-recovery-enabled",
  description:
    "Checks that DynamoDB tables and their replicas have point-in-time recovery enabled.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
      const report = once(reportViolation);
      const pitr = read(table, "pointInTimeRecovery");
      if (pitr !== UNKNOWN) {
        const enabled = pitr ? read(pitr, "enabled") : undefined;
        if (enabled !== true && enabled !== UNKNOWN) report(MESSAGES.tablePointInTimeRecovery);
      }
      for (const replica of elements(read(table, "replicas"))) {
        const enabled = read(replica, "pointInTimeRecovery");
        if (enabled !== true && enabled !== UNKNOWN) report(MESSAGES.replicaPointInTimeRecovery);
      }
    }),
    validateResourceOfType(aws.dynamodb.TableReplica, (replica, _args, reportViolation) => {
      const enabled = read(replica, "pointInTimeRecovery");
      if (enabled !== true && enabled !== UNKNOWN) {
        reportViolation(MESSAGES.replicaPointInTimeRecovery);
      }
    }),
  ],
};

/** The table cannot be deleted while `deletionProtectionEnabled` is true. */
export const dynamodbTableDeletionProtectionEnabled: ResourceValidationPolicy = {
  name: "dynamodb-table-deletion-protection-enabled",
  description: "Checks that DynamoDB tables have deletion protection enabled.",
  enforcementLevel: "advisory",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
    const enabled = read(table, "deletionProtectionEnabled");
    if (enabled !== true && enabled !== UNKNOWN) reportViolation(MESSAGES.tableDeletionProtection);
  }),
};
