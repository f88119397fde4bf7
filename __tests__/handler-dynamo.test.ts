/**
 * The handler on a real DynamoDB API (dynalite), with the program's own table: what it writes,
 * how duplicates and any arrival order converge, and that errors are never hidden.
 */
import { eventHandler, createEventHandler, readHandlerConfig, type HandlerDeps } from "../handler";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { buildJobRecord, createRecordWriter, recordFromEvent, toItem } from "../record";
import { createDocumentClient } from "../record/writer";
import { BY_PARENT_JOB_ID, indexSchema, projectedAttributes } from "../record/schema";
import { fixture, FIXTURE_NAMES, terminalEvent, expectRecordFor } from "./helpers/fixtures";
import { startTestTable, withoutWriteTime, type TestTable } from "./helpers/dynamo";

let table: TestTable;
const logs: Record<string, unknown>[] = [];

function deps(overrides: Partial<HandlerDeps> = {}): HandlerDeps {
  return {
    writer: createRecordWriter(table.tableName),
    now: () => new Date("2026-11-26T08:00:00Z"),
    log: (line) => logs.push(line),
    ...overrides,
  };
}

async function clearTable(): Promise<void> {
  for (const item of await table.items()) {
    await table.doc.send(
      new DeleteCommand({ TableName: table.tableName, Key: { jobId: item.jobId } }),
    );
  }
  logs.length = 0;
}

beforeAll(async () => {
  table = await startTestTable();
});
afterAll(async () => {
  await table.close();
});
beforeEach(clearTable);

describe("recording every job kind", () => {
  it("writes one compact item per job that expands to the core's record of its terminal event", async () => {
    // Act: deliver every fixture's events in order.
    for (const name of FIXTURE_NAMES) {
      for (const event of fixture(name)) await eventHandler(deps())(event);
    }
    // Assess
    const items = await table.items();
    const records = await table.records();
    expect(items).toHaveLength(FIXTURE_NAMES.length);
    for (const name of FIXTURE_NAMES) {
      const expected = recordFromEvent(terminalEvent(name), {
        now: new Date("2026-11-26T08:00:00Z"),
      });
      expect(items.find((i) => i.jobId === expected.jobId)).toEqual(toItem(expected));
      const record = records.find((r) => r.jobId === expected.jobId)!;
      expect(record).toEqual(expected);
      expectRecordFor(name, record);
    }
  });

  it("logs one JSON line per event with the job id, status and outcome", async () => {
    const events = fixture("ec2-single");
    for (const event of events) await eventHandler(deps())(event);
    expect(logs).toEqual(
      events.map((e) => ({
        level: "INFO",
        jobId: "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
        status: e.detail.status,
        eventId: e.id,
        outcome: "recorded",
      })),
    );
  });

  it("lists the children of an array parent and the runs of a job name through the indexes", async () => {
    for (const name of ["array-parent", "array-child", "multinode-parent", "multinode-node"]) {
      await eventHandler(deps())(terminalEvent(name));
    }
    const arrayChildren = await table.query(
      "byParentJobId",
      "parentJobId",
      "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46",
    );
    // The index holds what it projects (record/schema.ts) of the stored item, nothing else; the
    // child's index is derived from its job id, so it is not stored.
    const child = (await table.items()).find(
      (i) => i.jobId === "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46:1",
    );
    const projected = projectedAttributes(indexSchema(BY_PARENT_JOB_ID));
    expect(arrayChildren).toEqual([
      Object.fromEntries(Object.entries(child ?? {}).filter(([name]) => projected.includes(name))),
    ]);
    expect(arrayChildren[0]).toMatchObject({
      parentJobId: "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46",
      status: "SUCCEEDED",
      exitCode: 0,
      stoppedAt: 1793622253417,
    });
    expect(arrayChildren[0].arrayIndex).toBeUndefined();
    const nodes = await table.query(
      "byParentJobId",
      "parentJobId",
      "6b8d0f2a-4c6e-4b8d-a0f2-5c7e9a1b3d57",
    );
    expect(nodes.map((n) => [n.jobId, n.nodeIndex])).toEqual([
      ["6b8d0f2a-4c6e-4b8d-a0f2-5c7e9a1b3d57#1", undefined],
    ]);
    const runs = await table.query("byJobName", "jobName", "tiles-z12-europe");
    expect(runs.map((r) => r.jobId).sort()).toEqual([
      "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46",
      "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46:1",
    ]);
  });

  it("sets the TTL attribute when a retention is configured", async () => {
    await eventHandler(deps({ retentionDays: 30 }))(terminalEvent("ec2-single"));
    const [item] = await table.items();
    expect(item.expiresAt).toBe(Math.floor(1793611575656 / 1000) + 30 * 86400);
  });
});

describe("delivery: duplicates and any order", () => {
  it("keeps SUCCEEDED when a late RUNNING event arrives", async () => {
    const events = fixture("ec2-single");
    const terminal = events[events.length - 1];
    const running = events.find((e) => e.detail.status === "RUNNING")!;
    expect((await eventHandler(deps())(terminal)).outcome).toBe("recorded");
    expect((await eventHandler(deps())(running)).outcome).toBe("unchanged");
    const [item] = await table.items();
    expect([item.status, item.eventId]).toEqual(["SUCCEEDED", terminal.id]);
  });

  it("treats a duplicate terminal event as a no-op", async () => {
    const terminal = terminalEvent("retried");
    await eventHandler(deps({ now: () => new Date("2026-11-26T08:00:00Z") }))(terminal);
    const before = await table.items();
    const result = await eventHandler(deps({ now: () => new Date("2026-11-27T08:00:00Z") }))(
      terminal,
    );
    expect(result.outcome).toBe("unchanged");
    expect(await table.items()).toEqual(before);
  });

  it("converges to the same item for the reverse order with every event twice", async () => {
    const events = fixture("retried");
    for (const event of events) await eventHandler(deps())(event);
    const inOrder = (await table.items()).map(withoutWriteTime);
    await clearTable();
    for (const event of [...events].reverse().flatMap((e) => [e, e]))
      await eventHandler(deps())(event);
    expect((await table.items()).map(withoutWriteTime)).toEqual(inOrder);
  });

  it.each([
    ["first", "ffffffff-0000-4000-8000-000000000000"],
    ["second", "00000000-0000-4000-8000-000000000000"],
  ])(
    "treats a terminal event redelivered under a new envelope id as a duplicate (the %s write stays)",
    async (_, otherId) => {
      const terminal = terminalEvent("oom");
      const redelivered = { ...terminal, id: otherId };
      expect((await eventHandler(deps())(terminal)).outcome).toBe("recorded");
      expect((await eventHandler(deps())(redelivered)).outcome).toBe("unchanged");
      const [item] = await table.items();
      expect(item.eventId).toBe(terminal.id);
    },
  );

  it("replaces a backfilled record with the event's record of the same job state", async () => {
    const terminal = terminalEvent("timed-out");
    const backfilled = buildJobRecord(terminal.detail, {
      eventId: "",
      region: "us-east-1",
      now: new Date(),
    });
    expect(await createRecordWriter(table.tableName).put(backfilled)).toBe("recorded");
    expect((await eventHandler(deps())(terminal)).outcome).toBe("recorded");
    const [item] = await table.items();
    expect([item.eventId, item.revision]).toEqual([terminal.id, backfilled.revision + 1]);
    expect(await createRecordWriter(table.tableName).put(backfilled)).toBe("unchanged");
  });

  it("never lets a backfilled record replace one written from an event", async () => {
    const terminal = terminalEvent("timed-out");
    await eventHandler(deps())(terminal);
    const backfilled = buildJobRecord(terminal.detail, {
      eventId: "",
      region: "us-east-1",
      now: new Date(),
    });
    expect(await createRecordWriter(table.tableName).put(backfilled)).toBe("unchanged");
    const [item] = await table.items();
    expect(item.eventId).toBe(terminal.id);
  });
});

describe("errors are visible, never hidden", () => {
  it("throws on a malformed event, writes nothing and logs the event id", async () => {
    const good = terminalEvent("ec2-single");
    const bad = { ...good, detail: { ...good.detail, attempts: "none" } };
    await expect(eventHandler(deps())(bad)).rejects.toThrow(
      `Invalid Batch event ${good.id}: "detail.attempts" must be an array, got "none"`,
    );
    expect(await table.items()).toEqual([]);
    expect(logs).toEqual([
      {
        level: "ERROR",
        outcome: "invalid",
        eventId: good.id,
        error: `Invalid Batch event ${good.id}: "detail.attempts" must be an array, got "none"`,
      },
    ]);
  });

  it("propagates a DynamoDB failure so that AWS retries, after one ERROR line", async () => {
    const missing = createRecordWriter("no-such-table");
    const event = terminalEvent("ec2-single");
    await expect(eventHandler(deps({ writer: missing }))(event)).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: "ERROR",
      outcome: "error",
      jobId: "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
    });
  });

  it("propagates a network failure", async () => {
    const unreachable = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: "http://127.0.0.1:9",
        region: "us-east-1",
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
        maxAttempts: 1,
      }),
    );
    const writer = createRecordWriter(table.tableName, unreachable);
    await expect(eventHandler(deps({ writer }))(terminalEvent("ec2-single"))).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it("propagates any other error while building the record, unlogged: it is no invalid event", async () => {
    // Arrange: the clock fails, as a bug would.
    const broken = new TypeError("the clock is broken");

    // Act
    const handled = eventHandler(
      deps({
        now: () => {
          throw broken;
        },
      }),
    )(terminalEvent("ec2-single"));

    // Assert
    await expect(handled).rejects.toBe(broken);
    expect(logs).toEqual([]);
    expect(await table.items()).toEqual([]);
  });
});

describe("configuration from the environment", () => {
  it("fails fast without TABLE_NAME", () => {
    expect(() => readHandlerConfig({})).toThrow(
      "TABLE_NAME must be set to the DynamoDB table's name.",
    );
  });

  it.each(["0", "-3", "2.5", "ninety"])("rejects RETENTION_DAYS=%s", (value) => {
    expect(() => readHandlerConfig({ TABLE_NAME: "t", RETENTION_DAYS: value })).toThrow(
      `RETENTION_DAYS must be a positive whole number of days, got "${value}".`,
    );
  });

  it("reads the table and retention", () => {
    expect(readHandlerConfig({ TABLE_NAME: "jobs", RETENTION_DAYS: "90" })).toEqual({
      tableName: "jobs",
      retentionDays: 90,
    });
    expect(readHandlerConfig({ TABLE_NAME: "jobs", RETENTION_DAYS: "" })).toEqual({
      tableName: "jobs",
    });
  });

  it("builds a working handler from the environment, as the Lambda factory does", async () => {
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const handler = createEventHandler({ TABLE_NAME: table.tableName });
      expect(await handler(terminalEvent("fargate"))).toEqual({
        jobId: "7b1d3f5a-2c4e-4a6b-8d9f-0e1a2b3c4d52",
        status: "SUCCEEDED",
        outcome: "recorded",
      });
      expect(write).toHaveBeenCalledTimes(1);
      // One JSON line, its newline included: Lambda takes each line as one log event.
      expect(write.mock.calls[0][0]).toBe(
        JSON.stringify({
          level: "INFO",
          jobId: "7b1d3f5a-2c4e-4a6b-8d9f-0e1a2b3c4d52",
          status: "SUCCEEDED",
          eventId: terminalEvent("fargate").id,
          outcome: "recorded",
        }) + "\n",
      );
    } finally {
      write.mockRestore();
    }
  });
});

describe("the document client the Lambda writes with", () => {
  it("drops an undefined value inside a list or map rather than failing the write", async () => {
    // Arrange: the client from the environment, as the Lambda's (record/writer.ts). (An undefined
    // attribute of the item itself is dropped by lib-dynamodb whatever the options.)
    const client = createDocumentClient();
    const item = { jobId: "undefined-values", attempts: [{ exitCode: 1, reason: undefined }] };

    // Act
    await client.send(new PutCommand({ TableName: table.tableName, Item: item }));

    // Assert
    expect(await table.items()).toEqual([
      { jobId: "undefined-values", attempts: [{ exitCode: 1 }] },
    ]);
  });
});
