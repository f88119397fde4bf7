/**
 * Serving an HTTP server on 127.0.0.1 and a free port, for the twin's local endpoints (dynalite,
 * the local CloudWatch Logs): its URL, and a close that ends open connections too.
 */
import type { Server } from "http";
import type { AddressInfo } from "net";

export interface Served {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function serveOnLoopback(server: Server): Promise<Served> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
