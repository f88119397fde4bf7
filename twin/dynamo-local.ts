/**
 * An embedded DynamoDB: dynalite, in this process, on a free loopback port. Used by the local
 * twin when no --endpoint is given, and by the tests. Nothing is mocked: the SDK speaks the real
 * DynamoDB wire protocol to it.
 */
import type { AddressInfo } from "net";
import dynalite from "dynalite";

export interface LocalDynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite in memory on 127.0.0.1 and a free port. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Settings for an SDK client talking to a local endpoint: dummy credentials, a region. */
export function localClientConfig(endpoint: string, region = "us-east-1") {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
}
