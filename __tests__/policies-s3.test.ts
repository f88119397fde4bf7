/**
 * The S3 policies (policy-pack/s3.ts), run in-process on a hand-built stack: the archive's bucket
 * and its settings from a happy-path factory, then one mutation per way of failing, asserting the
 * exact messages, levels and the bucket each is reported on. Values unknown during preview are the
 * engine's sentinels behind @pulumi/policy's unknownCheckingProxy.
 */
import * as pack from "../policy-pack/policies";
import { MESSAGES } from "../policy-pack/s3";
import {
  runStackPolicy,
  UNKNOWN,
  urnOf,
  type TestResource,
  type Violation,
} from "./helpers/policy-harness";

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BUCKET = "batch-job-log-archive-123456789012-us-east-1";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const TYPE = {
  bucket: "aws:s3/bucket:Bucket",
  encryption:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
} as const;

/** The archive's bucket and its four settings, each depending on the bucket through `bucket`. */
function stack(mutate: (byName: Record<string, Props>) => void = () => {}): TestResource[] {
  const props: Record<string, Props> = {
    "archive-bucket": { bucket: BUCKET },
    "archive-encryption": {
      bucket: BUCKET,
      rules: [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
      ],
    },
    "archive-public-access": {
      bucket: BUCKET,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    "archive-policy": {
      bucket: BUCKET,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    },
    "archive-lifecycle": {
      bucket: BUCKET,
      rules: [
        {
          id: "archive-logs",
          status: "Enabled",
          filter: { and: { prefix: "logs/", objectSizeGreaterThan: 131072 } },
          transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
        },
      ],
    },
  };
  mutate(props);
  const types: Record<string, string> = {
    "archive-bucket": TYPE.bucket,
    "archive-encryption": TYPE.encryption,
    "archive-public-access": TYPE.publicAccess,
    "archive-policy": TYPE.policy,
    "archive-lifecycle": TYPE.lifecycle,
  };
  return Object.entries(props).map(([name, p]) => ({
    type: types[name],
    name,
    props: p,
    ...(name === "archive-bucket" ? {} : { propertyDependencies: { bucket: ["archive-bucket"] } }),
  }));
}

const S3_POLICIES = [
  pack.s3BucketEncryptionEnabled,
  pack.s3BucketPublicAccessBlocked,
  pack.s3BucketTlsOnly,
  pack.s3BucketLifecycleConfigured,
];

async function check(resources: readonly TestResource[]): Promise<[string, string, string?][]> {
  const violations: Violation[] = [];
  for (const policy of S3_POLICIES) violations.push(...(await runStackPolicy(policy, resources)));
  return violations.map((v) => [v.message, v.enforcementLevel, v.urn]);
}

const BUCKET_URN = urnOf({ type: TYPE.bucket, name: "archive-bucket" });

describe("the S3 policies", () => {
  it("are registered: encryption and public access mandatory, TLS and lifecycle advisory", () => {
    expect(S3_POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["s3-bucket-encryption-enabled", "mandatory"],
      ["s3-bucket-public-access-blocked", "mandatory"],
      ["s3-bucket-tls-only", "advisory"],
      ["s3-bucket-lifecycle-configured", "advisory"],
    ]);
    for (const policy of S3_POLICIES) expect(pack.policies).toContain(policy);
  });

  it("pass the archive's bucket as the program configures it", async () => {
    expect(await check(stack())).toEqual([]);
  });

  it("fail a bucket without an encryption configuration", async () => {
    expect(await check(stack((p) => delete p["archive-encryption"]))).toEqual([
      [MESSAGES.bucketEncryption, "mandatory", BUCKET_URN],
    ]);
  });

  it("fail an encryption configuration of an unknown algorithm", async () => {
    const resources = stack((p) => {
      p["archive-encryption"].rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = "none";
    });
    expect(await check(resources)).toEqual([[MESSAGES.bucketEncryption, "mandatory", BUCKET_URN]]);
  });

  it("accept a KMS default encryption", async () => {
    const resources = stack((p) => {
      p["archive-encryption"].rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = "aws:kms";
    });
    expect(await check(resources)).toEqual([]);
  });

  it("fail an encryption configuration of another bucket", async () => {
    const resources = stack((p) => (p["archive-encryption"].bucket = "someone-elses")).map((r) =>
      r.name === "archive-encryption" ? { ...r, propertyDependencies: {} } : r,
    );
    expect(await check(resources)).toEqual([[MESSAGES.bucketEncryption, "mandatory", BUCKET_URN]]);
  });

  it("fail a bucket without a public access block", async () => {
    expect(await check(stack((p) => delete p["archive-public-access"]))).toEqual([
      [MESSAGES.bucketPublicAccess, "mandatory", BUCKET_URN],
    ]);
  });

  it("fail a public access block with one setting off", async () => {
    const resources = stack((p) => (p["archive-public-access"].restrictPublicBuckets = false));
    expect(await check(resources)).toEqual([
      [MESSAGES.bucketPublicAccess, "mandatory", BUCKET_URN],
    ]);
  });

  it("advise on a bucket policy that does not deny insecure transport", async () => {
    const resources = stack((p) => {
      p["archive-policy"].policy = p["archive-policy"].policy.replace('"Deny"', '"Allow"');
    });
    expect(await check(resources)).toEqual([[MESSAGES.bucketTlsOnly, "advisory", BUCKET_URN]]);
  });

  it("advise on a bucket without a policy", async () => {
    expect(await check(stack((p) => delete p["archive-policy"]))).toEqual([
      [MESSAGES.bucketTlsOnly, "advisory", BUCKET_URN],
    ]);
  });

  it("advise on a lifecycle whose only rule is disabled", async () => {
    const resources = stack((p) => (p["archive-lifecycle"].rules[0].status = "Disabled"));
    expect(await check(resources)).toEqual([[MESSAGES.bucketLifecycle, "advisory", BUCKET_URN]]);
  });

  it("advise on a bucket without a lifecycle", async () => {
    expect(await check(stack((p) => delete p["archive-lifecycle"]))).toEqual([
      [MESSAGES.bucketLifecycle, "advisory", BUCKET_URN],
    ]);
  });

  it("accept an expiry as the lifecycle rule", async () => {
    const resources = stack((p) => {
      const rule = p["archive-lifecycle"].rules[0];
      delete rule.transitions;
      rule.expiration = { days: 365 };
    });
    expect(await check(resources)).toEqual([]);
  });

  it("report nothing on values unknown during preview", async () => {
    const resources = stack((p) => {
      p["archive-encryption"].rules = UNKNOWN.array;
      p["archive-public-access"].blockPublicPolicy = UNKNOWN.boolean;
      p["archive-policy"].policy = UNKNOWN.string;
      p["archive-lifecycle"].rules = UNKNOWN.array;
    });
    expect(await check(resources)).toEqual([]);
  });
});
