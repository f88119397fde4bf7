/**
 * The S3 policies, for the log archive's bucket (infra/archive.ts) and any other: every bucket is
 * encrypted and blocks public access (mandatory: the archive holds every line the jobs printed);
 * it refuses requests without TLS, and a lifecycle rule moves or expires its objects (advisory).
 *
 * A bucket's settings are resources of their own (`aws.s3.BucketServerSideEncryptionConfiguration`
 * and the others), so these are stack policies: a setting belongs to a bucket when its `bucket`
 * input depends on that bucket (the engine's property dependencies), or names it.
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { elements, isObject, read, statementsOf, strings, UNKNOWN, type Verdict } from "./values";

/** The fixed messages of these policies: "must" when mandatory, "should" when advisory. */
export const MESSAGES = {
  bucketEncryption:
    "S3 buckets must be encrypted at rest: give each an aws.s3.BucketServerSideEncryptionConfiguration with an AES256 or aws:kms default.",
  bucketPublicAccess:
    "S3 buckets must block public access: give each an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true.",
  bucketTlsOnly:
    'S3 buckets should refuse requests without TLS: a bucket policy statement denying "s3:*" to every principal when aws:SecureTransport is false.',
  bucketLifecycle:
    "S3 buckets should have a lifecycle rule that moves objects to a cheaper storage class or expires them.",
} as const;

const TYPES = {
  buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  publicAccess: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  lifecycle: [
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  ],
} as const;

const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

/**
 * Runs `check` on each bucket with the settings of `settingTypes` that belong to it; reports on
 * the bucket when no setting says "yes" or "maybe".
 */
function eachBucket(
  resources: readonly PolicyResource[],
  settingTypes: readonly string[],
  check: (setting: Record<string, unknown>) => Verdict,
  reportViolation: ReportViolation,
  message: string,
): void {
  const settings = resources.filter((r) => settingTypes.includes(r.type));
  for (const bucket of resources.filter((r) =>
    (TYPES.buckets as readonly string[]).includes(r.type),
  )) {
    const own = settings.filter((s) => belongsTo(s, bucket));
    if (!own.some((s) => check(s.props) !== "no")) reportViolation(message, bucket.urn);
  }
}

/** Whether a setting's `bucket` depends on the bucket, or names it (unknown: given the doubt). */
function belongsTo(setting: PolicyResource, bucket: PolicyResource): boolean {
  if ((setting.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn)) return true;
  const named = read(setting.props, "bucket");
  if (named === UNKNOWN) return true;
  const name = read(bucket.props, "bucket");
  return typeof named === "string" && (name === UNKNOWN || named === name);
}

/** Every bucket has a default encryption of a known algorithm. */
export const s3BucketEncryptionEnabled: StackValidationPolicy = {
  name: "s3-bucket-encryption-enabled",
  description: "Checks that every S3 bucket has a default server-side encryption configuration.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    eachBucket(
      args.resources,
      TYPES.encryption,
      (setting) => {
        const rules = read(setting, "rules");
        if (rules === UNKNOWN) return "maybe";
        let verdict: Verdict = "no";
        for (const rule of elements(rules as unknown[])) {
          const byDefault = read(
            rule as Record<string, unknown>,
            "applyServerSideEncryptionByDefault",
          );
          if (byDefault === UNKNOWN) verdict = "maybe";
          if (!isObject(byDefault)) continue;
          const algorithm = read(byDefault, "sseAlgorithm");
          if (algorithm === UNKNOWN) verdict = "maybe";
          else if (typeof algorithm === "string" && ALGORITHMS.includes(algorithm)) return "yes";
        }
        return verdict;
      },
      reportViolation,
      MESSAGES.bucketEncryption,
    );
  },
};

/** Every bucket blocks every kind of public access. */
export const s3BucketPublicAccessBlocked: StackValidationPolicy = {
  name: "s3-bucket-public-access-blocked",
  description:
    "Checks that every S3 bucket blocks public ACLs and public policies, all four settings on.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const keys = [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ];
    eachBucket(
      args.resources,
      TYPES.publicAccess,
      (setting) => {
        let verdict: Verdict = "yes";
        for (const key of keys) {
          const value = read(setting, key);
          if (value === UNKNOWN) verdict = "maybe";
          else if (value !== true) return "no";
        }
        return verdict;
      },
      reportViolation,
      MESSAGES.bucketPublicAccess,
    );
  },
};

/** Every bucket's policy denies requests that are not over TLS. */
export const s3BucketTlsOnly: StackValidationPolicy = {
  name: "s3-bucket-tls-only",
  description: "Checks that every S3 bucket's policy denies every request made without TLS.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    eachBucket(
      args.resources,
      TYPES.policy,
      (setting) => {
        const policy = read(setting, "policy");
        if (policy === UNKNOWN) return "maybe";
        return statementsOf(policy).some(deniesInsecureTransport) ? "yes" : "no";
      },
      reportViolation,
      MESSAGES.bucketTlsOnly,
    );
  },
};

/** Deny, every principal, every S3 action, when aws:SecureTransport is false. */
function deniesInsecureTransport(statement: Record<string, unknown>): boolean {
  if (read(statement, "Effect") !== "Deny") return false;
  const principal = read(statement, "Principal");
  const everyone =
    principal === "*" || (isObject(principal) && strings(read(principal, "AWS")).includes("*"));
  if (!everyone) return false;
  const actions = strings(read(statement, "Action"));
  if (!actions.includes("s3:*") && !actions.includes("*")) return false;
  const condition = read(statement, "Condition");
  if (!isObject(condition)) return false;
  for (const operator of ["Bool", "BoolIfExists"]) {
    const block = read(condition, operator);
    if (!isObject(block)) continue;
    const value = read(block, "aws:SecureTransport");
    if (strings(value).includes("false") || value === false) return true;
  }
  return false;
}

/** Every bucket has an enabled lifecycle rule that transitions or expires objects. */
export const s3BucketLifecycleConfigured: StackValidationPolicy = {
  name: "s3-bucket-lifecycle-configured",
  description:
    "Checks that every S3 bucket has an enabled lifecycle rule that moves objects to another storage class or expires them.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    eachBucket(
      args.resources,
      TYPES.lifecycle,
      (setting) => {
        const rules = read(setting, "rules");
        if (rules === UNKNOWN) return "maybe";
        let verdict: Verdict = "no";
        for (const rule of elements(rules as unknown[]) as Record<string, unknown>[]) {
          const status = read(rule, "status");
          const transitions = read(rule, "transitions");
          const expiration = read(rule, "expiration");
          if ([status, transitions, expiration].includes(UNKNOWN)) verdict = "maybe";
          if (status !== "Enabled") continue;
          const moves = Array.isArray(transitions) && transitions.length > 0;
          if (moves || isObject(expiration)) return "yes";
        }
        return verdict;
      },
      reportViolation,
      MESSAGES.bucketLifecycle,
    );
  },
};
