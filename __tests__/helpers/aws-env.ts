/**
 * Dummy credentials for the SDK's default chain (dynalite and mocked clients accept anything),
 * with no profile, session token or instance metadata; the previous values come back after the
 * file. Call it at the top of a test file, before the hooks that create clients.
 */
export function useDummyCredentials(): void {
  const wanted: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const saved: Record<string, string | undefined> = {};
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  beforeAll(() => {
    for (const key of Object.keys(wanted)) saved[key] = process.env[key];
    apply(wanted);
  });
  afterAll(() => apply(saved));
}
