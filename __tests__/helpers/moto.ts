/**
 * moto's server (`python3 -m moto.server`): a local emulator of DynamoDB, EventBridge, SQS,
 * CloudWatch, Lambda, IAM and Batch, one process per test file on a free port. A machine without
 * moto fails the file with how to install it (`pip install "moto[server]"`); .ci/run checks it
 * first, so that these tests never skip.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as net from "net";

export interface Moto {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** A port no one listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts moto's server and resolves once it answers. */
export async function startMoto(): Promise<Moto> {
  const probe = spawnSync("python3", ["-c", "import moto.server"], { encoding: "utf8" });
  if (probe.status !== 0) {
    throw new Error(
      'these tests need moto\'s server: `pip install "moto[server]"` ' +
        `(python3 -c "import moto.server" failed: ${(probe.stderr || String(probe.error)).trim()})`,
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    "python3",
    ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto's server exited: ${stderr}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
