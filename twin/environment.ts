/**
 * The process environment the AWS SDK reads, for a client that talks to a local DynamoDB (dynalite,
 * DynamoDB Local): where it is, its region, and dummy credentials. Setting variables returns what
 * puts them back, so every caller can undo what it set.
 */

/** Variables to set; `undefined` deletes one. */
export type EnvironmentValues = Readonly<Record<string, string | undefined>>;

/** Dummy credentials: a local endpoint accepts any. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/**
 * The same credentials as the SDK's default chain reads them from the environment; without
 * AWS_PROFILE, which the chain would prefer to them.
 */
export const LOCAL_CREDENTIALS_ENV: EnvironmentValues = {
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
};

/**
 * What a DynamoDB client created from the environment (the Lambda's) needs to reach `endpoint`:
 * AWS_ENDPOINT_URL_DYNAMODB, the region and, unless `dummyCredentials` is false (an endpoint that
 * checks them), LOCAL_CREDENTIALS_ENV; else `profile`, when given, as AWS_PROFILE.
 */
export function localSdkEnv(
  endpoint: string,
  region: string,
  { dummyCredentials = true, profile }: { dummyCredentials?: boolean; profile?: string } = {},
): EnvironmentValues {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ...(dummyCredentials ? LOCAL_CREDENTIALS_ENV : profile ? { AWS_PROFILE: profile } : {}),
  };
}

/** Sets environment variables (undefined deletes); returns what puts the previous values back. */
export function setEnvironment(values: EnvironmentValues): () => void {
  const previous: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(values)) {
    previous[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
