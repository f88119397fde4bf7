import { LOCAL_CREDENTIALS_ENV, setEnvironment } from "../../twin/environment";

/**
 * Dummy credentials for the SDK's default chain (dynalite and mocked clients accept anything),
 * with no profile, session token or instance metadata; the previous values come back after the
 * file. Call it at the top of a test file, before the hooks that create clients.
 */
export function useDummyCredentials(): void {
  let restore: (() => void) | undefined;
  beforeAll(() => {
    restore = setEnvironment({
      ...LOCAL_CREDENTIALS_ENV,
      AWS_EC2_METADATA_DISABLED: "true",
    });
  });
  afterAll(() => restore?.());
}
