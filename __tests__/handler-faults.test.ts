/**
 * Faults between the handler and DynamoDB: a small proxy in front of dynalite throttles, fails
 * or drops a share of requests. Every event must end either recorded (and correct) or surfaced
 * as an error for AWS to retry; none may be lost silently.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { eventHandler, type HandlerDeps } from "../handler";
import { createDocumentClient, createRecordWriter, recordFromEvent } from "../record";
import { localClientConfig } from "../twin/dynamo-local";
import { startTestTable, withoutWriteTime, type TestTable } from "./helpers/dynamo";
import { FIXTURE_NAMES, terminalEvent, type BatchEvent } from "./helpers/fixtures";

type Fault = "throttle" | "server-error" | "drop-request" | "drop-response";

/** A proxy that answers a seeded share of requests with a fault instead of forwarding them. */
async function startFaultyProxy(target: string, share: number, seed: number) {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const faults: Fault[] = ["throttle", "server-error", "drop-request", "drop-response"];
  const counts: Record<Fault | "forwarded", number> = {
    throttle: 0,
    "server-error": 0,
    "drop-request": 0,
    "drop-response": 0,
    forwarded: 0,
  };
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (chunk) => body.push(chunk));
    req.on("end", () => {
      const fault = random() < share ? faults[Math.floor(random() * faults.length)] : undefined;
      counts[fault ?? "forwarded"]++;
      if (fault === "throttle") {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        res.end(
          JSON.stringify({
            __type: "com.amazonaws.dynamodb.v20120810#ThrottlingException",
            message: "Rate exceeded",
          }),
        );
        return;
      }
      if (fault === "server-error") {
        res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
        res.end(
          JSON.stringify({
            __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
            message: "Internal error",
          }),
        );
        return;
      }
      if (fault === "drop-request") {
        req.socket.destroy();
        return;
      }
      const upstream = http.request(
        target,
        { method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (c) => chunks.push(c));
          answer.on("end", () => {
            // The write happened, but the caller never hears so: it must see an error.
            if (fault === "drop-response") return void req.socket.destroy();
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(Buffer.concat(chunks));
          });
        },
      );
      upstream.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable("jobs-faults");
});
afterAll(async () => {
  await table.close();
});

it("records or surfaces every event through throttling, server errors and dropped connections", async () => {
  // Prepare: 3 distinct jobs per fixture kind, and a proxy that faults 40% of requests.
  const events: BatchEvent[] = FIXTURE_NAMES.flatMap((name) =>
    [1, 2, 3].map((n) => {
      const e = terminalEvent(name);
      const jobId = `${e.detail.jobId}-${n}`;
      const arn = e.detail.jobArn;
      const jobArn = arn && String(arn).replace(String(e.detail.jobId), jobId);
      return {
        ...e,
        id: `${e.id}-${n}`,
        detail: { ...e.detail, jobId, ...(arn ? { jobArn } : {}) },
      };
    }),
  );
  const proxy = await startFaultyProxy(table.dynamo.endpoint, 0.4, 7);
  const client = createDocumentClient({
    ...localClientConfig(proxy.endpoint),
    maxAttempts: 2,
    requestHandler: { requestTimeout: 2000 },
  });
  const now = new Date("2026-11-26T08:00:00Z");
  const deps: HandlerDeps = {
    writer: createRecordWriter(table.tableName, client),
    now: () => now,
    log: () => undefined,
  };

  // Act
  const results = await Promise.allSettled(events.map((event) => eventHandler(deps)(event)));
  await proxy.close();

  // Assess: every event has an outcome; every item present is complete and correct.
  const succeeded = results.filter((r) => r.status === "fulfilled");
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(succeeded.length + failed.length).toBe(events.length);
  expect(failed.length).toBeGreaterThan(0);
  expect(succeeded.length).toBeGreaterThan(0);
  expect(proxy.counts.throttle + proxy.counts["server-error"]).toBeGreaterThan(0);
  expect(proxy.counts["drop-request"] + proxy.counts["drop-response"]).toBeGreaterThan(0);
  for (const failure of failed) {
    expect(failure.reason).toBeInstanceOf(Error);
    expect(String(failure.reason.message).length).toBeGreaterThan(0);
  }
  const expected = new Map(
    events.map((e) => [e.detail.jobId, withoutWriteTime(recordFromEvent(e, { now }) as never)]),
  );
  const items = await table.records();
  for (const item of items) expect(withoutWriteTime(item)).toEqual(expected.get(item.jobId));
  events.forEach((event, i) => {
    if (results[i].status === "fulfilled") {
      expect(items.map((item) => item.jobId)).toContain(event.detail.jobId);
    }
  });

  // Act again, as AWS would: retry only the failed events, now without faults.
  const healthy: HandlerDeps = { ...deps, writer: createRecordWriter(table.tableName) };
  const retried = events.filter((_, i) => results[i].status === "rejected");
  const outcomes = await Promise.all(retried.map((event) => eventHandler(healthy)(event)));
  expect(outcomes.every((o) => o.outcome === "recorded" || o.outcome === "unchanged")).toBe(true);
  expect((await table.records()).map((item) => withoutWriteTime(item))).toEqual(
    [...expected.values()].sort((a, b) => String(a.jobId).localeCompare(String(b.jobId))),
  );
});
