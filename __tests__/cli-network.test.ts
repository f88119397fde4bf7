/**
 * An endpoint that cannot be reached, for real: the commands' own SDK clients call a loopback port
 * nothing listens on (connection refused), or a server that drops every connection it accepts
 * (counting them). The message is one line naming the service and the endpoint; a call that never
 * got an answer is tried NETWORK_ATTEMPTS times, not the service's attempts for throttling; and
 * every client is made with the connection timeout. No timing is asserted: the attempts and the
 * clients' configuration are.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { BatchClient } from "@aws-sdk/client-batch";
import { createServer as createHttpServer } from "http";
import { createServer, type Server } from "net";
import type { AddressInfo } from "net";
import {
  BATCH_MAX_ATTEMPTS,
  CONNECT_TIMEOUT_MS,
  FailFastRetry,
  NETWORK_ATTEMPTS,
  createBatchClient,
  createTableClient,
} from "../cli/lookup/clients";
import { describeError, isNetworkError } from "../cli/lookup/errors";
import { LOGS_MAX_ATTEMPTS, logAccess } from "../cli/lookup/log-access";
import { putItemInput, recordFromEvent } from "../record";
import { setEnvironment } from "../twin/environment";
import { useDummyCredentials } from "./helpers/aws-env";
import { runCli, type Ran } from "./helpers/cli-io";
import { startTestTable, type TestTable } from "./helpers/dynamo";
import { terminalEvent } from "./helpers/fixtures";

useDummyCredentials();

/** The ec2-single fixture's job: one stream, in us-east-1. */
const JOB = "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61";

/** A loopback port that was free a moment ago and that nothing listens on now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server that accepts each connection and closes it at once, counting them. */
async function dropper(): Promise<{
  endpoint: string;
  connections(): number;
  close(): Promise<void>;
}> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function run(args: readonly string[]): Promise<Ran> {
  return runCli(args, { env: { ...process.env } });
}

const HINT = "check --endpoint-url, --region and the network.";

describe("an endpoint that refuses: one line with the service and the endpoint", () => {
  test("backfill: Batch, after 2 attempts rather than Batch's 10", async () => {
    // Prepare: a server that drops every connection.
    const server = await dropper();
    try {
      // Act
      const r = await run([
        "backfill",
        "--endpoint-url",
        server.endpoint,
        "--region",
        "us-east-1",
        "--table",
        "jobs",
      ]);
      // Assess: Batch is the first service backfill calls.
      expect(r).toEqual({
        code: 1,
        out: "",
        err: `batch-job-log backfill: cannot reach Batch at ${server.endpoint} (connection reset): ${HINT}\n`,
      });
      expect(server.connections()).toBe(NETWORK_ATTEMPTS);
    } finally {
      await server.close();
    }
  });

  test("an endpoint that answers, but not as the service does (a web server's 404)", async () => {
    const server = createHttpServer((_, res) => {
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await run([
        "show",
        JOB,
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
        "--table",
        "jobs",
      ]);
      expect(r).toEqual({
        code: 1,
        out: "",
        err: `batch-job-log show: DynamoDB at ${endpoint} answered HTTP 404 without an AWS error, not as DynamoDB does: check --endpoint-url and --region.\n`,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("show: DynamoDB, connection refused", async () => {
    const port = await closedPort();
    const r = await run([
      "show",
      JOB,
      "--endpoint-url",
      `http://127.0.0.1:${port}`,
      "--region",
      "eu-west-1",
      "--table",
      "jobs",
    ]);
    expect(r).toEqual({
      code: 1,
      out: "",
      err: `batch-job-log show: cannot reach DynamoDB at http://127.0.0.1:${port} (connection refused): ${HINT}\n`,
    });
  });

  describe("logs: the table answers, CloudWatch Logs does not", () => {
    let table: TestTable;
    let restore: () => void;
    let port: number;
    beforeAll(async () => {
      table = await startTestTable("jobs-network");
      await table.doc.send(
        new PutCommand(
          putItemInput(
            table.tableName,
            recordFromEvent(terminalEvent("ec2-single"), { now: new Date(0) }),
          ),
        ),
      );
      port = await closedPort();
      restore = setEnvironment({
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: `http://127.0.0.1:${port}`,
        // STS answers nothing either: the group is then read by name.
        AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`,
      });
    });
    afterAll(async () => {
      restore();
      await table.close();
    });

    test("names CloudWatch Logs and its endpoint", async () => {
      const r = await run(["logs", JOB, "--table", table.tableName]);
      expect(r.out).toBe("");
      expect(r.err.split("\n").at(-2)).toBe(
        `batch-job-log logs: cannot reach CloudWatch Logs at http://127.0.0.1:${port} (connection refused): ${HINT}`,
      );
      expect(r.code).toBe(1);
    });
  });
});

describe("every client: the connection timeout, and fast failure on network errors only", () => {
  const aws = { region: "eu-west-1", endpoint: "http://127.0.0.1:9" };

  async function handlerTimeout(client: { config: { requestHandler: unknown } }): Promise<number> {
    // The handler's options, as it resolves them on its first request.
    const handler = client.config.requestHandler as {
      configProvider: Promise<{ connectionTimeout?: number }>;
    };
    return (await handler.configProvider).connectionTimeout as number;
  }

  async function strategy(client: { config: { retryStrategy: unknown } }) {
    const s = (await (client.config.retryStrategy as () => Promise<unknown>)()) as FailFastRetry;
    expect(s).toBeInstanceOf(FailFastRetry);
    const inner = s.inner as unknown as { mode: string; maxAttemptsProvider(): Promise<number> };
    return [s.mode, await inner.maxAttemptsProvider(), s.networkAttempts];
  }

  test("Batch: adaptive, 10 attempts, 2 on a network error", async () => {
    const batch = createBatchClient(aws) as BatchClient;
    expect(await handlerTimeout(batch)).toBe(CONNECT_TIMEOUT_MS);
    expect(await strategy(batch)).toEqual(["adaptive", BATCH_MAX_ATTEMPTS, 2]);
    batch.destroy();
  });

  test("DynamoDB: standard, 3 attempts, 2 on a network error", async () => {
    const doc = createTableClient(aws) as unknown as {
      config: { requestHandler: unknown; retryStrategy: unknown };
      destroy(): void;
    };
    expect(await handlerTimeout(doc)).toBe(CONNECT_TIMEOUT_MS);
    expect(await strategy(doc)).toEqual(["standard", 3, 2]);
    doc.destroy();
  });

  test("CloudWatch Logs: adaptive, 5 attempts, 2 on a network error", async () => {
    const access = logAccess({ aws });
    const target = await access.target({ logGroup: "/aws/batch/job", logRegion: "us-west-2" });
    expect(await handlerTimeout(target.client)).toBe(CONNECT_TIMEOUT_MS);
    expect(await strategy(target.client)).toEqual(["adaptive", LOGS_MAX_ATTEMPTS, 2]);
    expect(await target.client.config.region()).toBe("us-west-2");
    target.client.destroy();
  });

  test("a network error is told from an answer: only calls without an HTTP status", () => {
    expect(
      isNetworkError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).toBe(true);
    expect(
      isNetworkError(Object.assign(new Error("no connection"), { name: "TimeoutError" })),
    ).toBe(true);
    expect(
      isNetworkError(
        Object.assign(new Error("slow down"), {
          name: "ThrottlingException",
          $metadata: { httpStatusCode: 400 },
        }),
      ),
    ).toBe(false);
    // Unmarked (no service, no endpoint): the SDK's own message, as before.
    expect(
      describeError(
        Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }),
      ),
    ).toBe("connect ECONNREFUSED 10.0.0.1:443");
  });
});
