/**
 * The pure core: the record each kind of Batch job yields, and the errors bad events get.
 */
import { itemSizeBytes, MAX_ITEM_BYTES, WRITE_UNIT_BYTES } from "../record/item-size";
import {
  buildJobRecord,
  isInvalidEventError,
  type InvalidEventError,
  type JobRecord,
  MAX_FIELD_LENGTH,
  MAX_LOG_STREAMS,
  MAX_TEXT_LENGTH,
  parseBatchEvent,
  recordFromEvent,
  revisionOf,
  truncate,
} from "../record";
import { attemptReader } from "../record/attempts";
import { MAX_ATTEMPTS } from "../record/constants";
import { envelopeReader } from "../record/envelope";
import { fieldReading } from "../record/field-reader";
import { logTargetReader, type LogTarget } from "../record/log-targets";
import {
  EXPECTED,
  expectRecordFor,
  FIXTURE_NAMES,
  fixture,
  terminalEvent,
} from "./helpers/fixtures";

const NOW = new Date("2026-11-26T08:00:00.000Z");
const record = (event: unknown, retentionDays?: number) =>
  recordFromEvent(event, { now: NOW, retentionDays });

/** The problem of the InvalidEventError `act` throws, else what it did instead. */
function problemOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    return isInvalidEventError(error) ? error.problem : `not an InvalidEventError: ${error}`;
  }
  return "no error";
}

describe("the record of each job kind", () => {
  it("has an expectation for every fixture", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(FIXTURE_NAMES);
  });

  it.each(FIXTURE_NAMES)("records where the logs of %s are", (name) => {
    expectRecordFor(name, record(terminalEvent(name)));
  });

  it("keeps every field of a single-container EC2 job", () => {
    // Prepare
    const event = terminalEvent("ec2-single");
    // Act
    const item = record(event);
    // Assess
    expect(item).toEqual({
      jobId: "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
      jobArn: "arn:aws:batch:us-east-1:123456789012:job/2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
      jobName: "etl-orders-20261101",
      jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand",
      jobDefinition: "arn:aws:batch:us-east-1:123456789012:job-definition/nightly-etl:7",
      status: "SUCCEEDED",
      statusReason: "Essential container in task exited",
      exitCode: 0,
      createdAt: 1793610900123,
      startedAt: 1793610992262,
      stoppedAt: 1793611575656,
      region: "us-east-1",
      account: "123456789012",
      platform: "EC2",
      logGroup: "/aws/batch/job",
      logRegion: "us-east-1",
      logStreamName: "nightly-etl/default/15af9da521a8da87cf894a817c898cd6",
      logStreams: [
        {
          attempt: 1,
          container: "default",
          logGroup: "/aws/batch/job",
          logRegion: "us-east-1",
          logStreamName: "nightly-etl/default/15af9da521a8da87cf894a817c898cd6",
        },
      ],
      attempts: [
        {
          startedAt: 1793610992262,
          stoppedAt: 1793611575656,
          exitCode: 0,
          statusReason: "Essential container in task exited",
          taskArn:
            "arn:aws:ecs:us-east-1:123456789012:task/AWSBatch-ec2-ondemand-ce-6c1f0e2a-9d3b-3a47-8e5c-2b7f4d1a9c30/15af9da521a8da87cf894a817c898cd6",
        },
      ],
      eventId: event.id,
      eventTime: Date.parse(event.time as string),
      recordedAt: NOW.getTime(),
      revision: revisionOf("SUCCEEDED", 1, 0),
    });
  });

  it("gives each attempt of a retried job its own times, exit code, reasons and stream", () => {
    const item = record(terminalEvent("retried"));
    expect(item.attempts.map((a) => [a.exitCode, a.reason])).toEqual([
      [1, undefined],
      [137, "OutOfMemoryError: Container killed due to memory usage"],
      [0, undefined],
    ]);
    expect(item.attempts.every((a) => a.startedAt! < a.stoppedAt!)).toBe(true);
    expect(item.attempts.map((a) => a.taskArn!.split("/").pop())).toEqual(
      item.logStreams.map((s) => s.logStreamName.split("/").pop()),
    );
  });

  it("keeps the array parent's size and status summary, without streams", () => {
    const item = record(terminalEvent("array-parent"));
    expect(item.arrayStatusSummary).toEqual({
      STARTING: 0,
      FAILED: 0,
      RUNNING: 0,
      SUCCEEDED: 3,
      RUNNABLE: 0,
      SUBMITTED: 0,
      PENDING: 0,
    });
    expect(item.parentJobId).toBeUndefined();
    expect(item.logGroup).toBeUndefined();
  });

  it("identifies EKS attempts by pod, node and namespace", () => {
    const item = record(terminalEvent("eks"));
    expect(item.attempts).toEqual([
      {
        startedAt: 1793635347053,
        stoppedAt: 1793636597335,
        exitCode: 1,
        reason: "Error",
        podName: "aws-batch.7ad542d3-8c70-3f1a-aae1-6f0242c1cc4d",
        nodeName: "ip-10-0-16-121.ec2.internal",
        podNamespace: "aws-batch-jobs",
      },
      {
        startedAt: 1793636691933,
        stoppedAt: 1793637646299,
        exitCode: 0,
        reason: "Completed",
        podName: "aws-batch.05fbb034-c0c9-3601-b2fb-8f8bbffca251",
        nodeName: "ip-10-0-35-156.ec2.internal",
        podNamespace: "aws-batch-jobs",
      },
    ]);
  });

  it("records an old event without jobArn from its jobId", () => {
    const item = record(terminalEvent("old-no-jobarn"));
    expect(item.jobArn).toBeUndefined();
    expect(item.jobId).toBe("3d5f7a9c-1e2a-4c4d-96f8-0b2c4e6a8df7");
  });

  it("puts the stream of a running attempt after the finished ones", () => {
    // Prepare: the RUNNING event of the third attempt carries two finished attempts.
    const running = fixture("retried").filter((e) => e.detail.status === "RUNNING");
    const third = running[running.length - 1];
    // Act
    const item = record(third);
    // Assess
    expect(item.logStreams.map((s) => [s.attempt, s.logStreamName])).toEqual([
      [1, "genomics-align/default/ef8d6ff25f62ff26255e8cf28ade0fa4"],
      [2, "genomics-align/default/0e311a38e626b8cf919d814a3c7dab9f"],
      [3, "genomics-align/default/8643edbbbb6220f7c2677ca0b492a45b"],
    ]);
    expect(item.logStreamName).toBe("genomics-align/default/8643edbbbb6220f7c2677ca0b492a45b");
  });

  it("lists the running attempt with its task, and its streams, while a job runs", () => {
    // Prepare
    const running = fixture("ec2-single").find((e) => e.detail.status === "RUNNING")!;
    // Act
    const item = record(running);
    // Assess
    expect(item.attempts).toEqual([
      {
        startedAt: 1793610992262,
        taskArn:
          "arn:aws:ecs:us-east-1:123456789012:task/AWSBatch-ec2-ondemand-ce-6c1f0e2a-9d3b-3a47-8e5c-2b7f4d1a9c30/15af9da521a8da87cf894a817c898cd6",
      },
    ]);
    expect(item.logStreams.map((s) => s.attempt)).toEqual([1]);
  });

  it("lists the running attempt of a multi-container job with a stream per container", () => {
    const running = fixture("multi-container").find((e) => e.detail.status === "RUNNING")!;
    const item = record(running);
    expect(item.attempts.map((a) => a.taskArn?.split("/").pop())).toEqual([
      "ec46300d77b3c5ff9c0e8060db5156e5",
    ]);
    expect(item.logStreams.map((s) => [s.attempt, s.container, s.logGroup])).toEqual([
      [1, "app", "/aws/batch/job"],
      [1, "metrics-agent", "/batch/sidecars"],
      [1, "envoy", "/aws/batch/job"],
    ]);
  });

  it("reads a node's index from its job id when the event has no nodeDetails", () => {
    // Prepare: node 1 of a job whose node ranges log to different groups.
    const base = terminalEvent("multinode-node");
    const ranges = [
      {
        targetNodes: "0",
        container: {
          logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/g/main" } },
        },
      },
      {
        targetNodes: "1:",
        container: {
          logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/g/workers" } },
        },
      },
    ];
    const detail: Record<string, unknown> = {
      ...base.detail,
      container: { ...(base.detail.container as object), logConfiguration: undefined },
      nodeProperties: { numNodes: 3, mainNode: 0, nodeRangeProperties: ranges },
    };
    delete detail.nodeDetails;
    // Act
    const item = record({ ...base, detail });
    // Assess
    expect([item.nodeIndex, item.parentJobId, item.logGroup]).toEqual([
      1,
      "6b8d0f2a-4c6e-4b8d-a0f2-5c7e9a1b3d57",
      "/g/workers",
    ]);
  });

  it("reads an array child's index from its job id when arrayProperties has none", () => {
    const base = terminalEvent("array-child");
    const item = record({ ...base, detail: { ...base.detail, arrayProperties: {} } });
    expect([item.arrayIndex, item.parentJobId]).toEqual([
      1,
      "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46",
    ]);
  });

  it("does not mistake the previous attempt's task on a RUNNABLE event for a new attempt", () => {
    const runnable = fixture("retried").filter(
      (e) => e.detail.status === "RUNNABLE" && (e.detail.attempts as unknown[]).length === 1,
    )[0];
    const item = record(runnable);
    expect(item.logStreams.map((s) => s.attempt)).toEqual([1]);
    expect(item.attempts).toHaveLength(1);
  });

  it("sets expiresAt from the job's end when a retention is configured", () => {
    const item = record(terminalEvent("ec2-single"), 90);
    expect(item.expiresAt).toBe(Math.floor(1793611575656 / 1000) + 90 * 86400);
  });

  it("ignores fields it does not know", () => {
    const event = terminalEvent("ec2-single");
    const extended = {
      ...event,
      newEnvelopeField: { x: 1 },
      detail: {
        ...event.detail,
        shinyNewField: [1, 2, 3],
        container: { ...(event.detail.container as object), gpu: "x" },
      },
    };
    expect(record(extended)).toEqual(record(event));
  });
});

describe("the size of a record", () => {
  it.each(FIXTURE_NAMES)("keeps %s far below DynamoDB's item limit", (name) => {
    expect(itemSizeBytes(record(terminalEvent(name)) as never)).toBeLessThan(4 * WRITE_UNIT_BYTES);
  });

  it("cuts long reasons visibly and bounds streams, so no job nears 400 KB", () => {
    // Prepare: 10 attempts of 12 containers, every identifier at its longest, 5,000-character reasons.
    const base = terminalEvent("multi-container");
    const longest = (c: string) => c.repeat(MAX_FIELD_LENGTH);
    const longReason = "x".repeat(5000);
    const containers = Array.from({ length: 12 }, (_, k) => ({
      name: `${k}`.padEnd(MAX_FIELD_LENGTH, "n"),
      exitCode: 1,
      reason: longReason,
      logStreamName: `${k}`.padEnd(MAX_FIELD_LENGTH, "s"),
    }));
    const attempts = Array.from({ length: 10 }, () => ({
      startedAt: 1,
      stoppedAt: 2,
      statusReason: longReason,
      taskProperties: [{ taskArn: longest("t"), containers }],
    }));
    const logConfiguration = {
      logDriver: "awslogs",
      options: { "awslogs-group": longest("g"), "awslogs-region": longest("r") },
    };
    const event = {
      ...base,
      detail: {
        ...base.detail,
        jobName: longest("j"),
        jobQueue: longest("q"),
        jobDefinition: longest("d"),
        statusReason: longReason,
        attempts,
        ecsProperties: {
          taskProperties: [{ containers: containers.map((c) => ({ ...c, logConfiguration })) }],
        },
      },
    };
    // Act
    const item = record(event);
    // Assess
    expect(item.logStreams).toHaveLength(MAX_LOG_STREAMS);
    expect(item.statusReason).toBe(
      `${"x".repeat(MAX_TEXT_LENGTH)} [truncated ${5000 - MAX_TEXT_LENGTH} characters]`,
    );
    expect(itemSizeBytes(item as never)).toBeLessThan(MAX_ITEM_BYTES);
  });

  it("rejects an identifier longer than any AWS allows", () => {
    const base = terminalEvent("ec2-single");
    const event = {
      ...base,
      detail: { ...base.detail, jobQueue: "q".repeat(MAX_FIELD_LENGTH + 1) },
    };
    expect(() => record(event)).toThrow(
      `Invalid Batch event ${base.id}: "detail.jobQueue" must be at most ${MAX_FIELD_LENGTH} characters, got "${"q".repeat(60)}..."`,
    );
  });

  it("never cuts an emoji in half: the cut moves before a pair that straddles the limit", () => {
    // Prepare: an emoji (two UTF-16 code units) whose first half is the last unit kept.
    const text = "x".repeat(MAX_TEXT_LENGTH - 1) + "\u{1F4A5}" + "tail";
    // Act
    const cut = truncate(text)!;
    // Assess: the pair is cut off whole, and the result is valid Unicode (UTF-8 round trip).
    expect(cut).toBe(`${"x".repeat(MAX_TEXT_LENGTH - 1)} [truncated 6 characters]`);
    expect(Buffer.from(cut, "utf8").toString("utf8")).toBe(cut);
  });

  it("keeps an emoji that ends exactly at the limit", () => {
    const text = "x".repeat(MAX_TEXT_LENGTH - 2) + "\u{1F4A5}" + "tail";
    expect(truncate(text)).toBe(
      `${"x".repeat(MAX_TEXT_LENGTH - 2)}\u{1F4A5} [truncated 4 characters]`,
    );
  });

  it("keeps a text of exactly the limit whole, with no marker", () => {
    const text = "y".repeat(MAX_TEXT_LENGTH - 2) + "\u{1F4A5}";
    expect(truncate(text)).toBe(text);
  });

  it("leaves short text alone", () => {
    expect(truncate("Task failed to start")).toBe("Task failed to start");
    expect(truncate(undefined)).toBeUndefined();
  });
});

describe("answers a wrong implementation would get wrong", () => {
  const base = terminalEvent("ec2-single");
  const event = (detail: Record<string, unknown>, time = base.time) => ({
    ...base,
    time,
    detail: { jobName: "edge", jobQueue: "q", createdAt: 1, ...detail },
  });
  const awslogs = (group: string) => ({
    logDriver: "awslogs",
    options: { "awslogs-group": group },
  });

  it("counts an EKS job's pod attempts in its revision, so a retried pod's event is written", () => {
    // Prepare: the first pod running, then (a minute later) RUNNABLE again after it failed.
    const eksProperties = { podProperties: { containers: [{ name: "main" }] } };
    const running = event(
      { jobId: "eks-retry", status: "RUNNING", eksProperties, eksAttempts: [] },
      "2026-11-02T13:00:00Z",
    );
    const retried = event(
      {
        jobId: "eks-retry",
        status: "RUNNABLE",
        eksProperties,
        eksAttempts: [
          {
            podName: "pod-1",
            nodeName: "node-1",
            startedAt: 1,
            stoppedAt: 2,
            containers: [{ exitCode: 1 }],
          },
        ],
      },
      "2026-11-02T13:01:00Z",
    );
    // Act
    const [first, second] = [record(running), record(retried)];
    // Assess: RUNNABLE ranks below RUNNING; only the finished attempt puts the retry ahead.
    expect(second.revision).toBeGreaterThan(first.revision);
    expect(second.attempts).toHaveLength(1);
  });

  it("takes a multi-container job's exit code from its first failing essential container", () => {
    // Prepare: the first essential container succeeded, the second failed, a sidecar was killed.
    const detail = {
      jobId: "multi-exit",
      status: "FAILED",
      ecsProperties: {
        taskProperties: [
          {
            containers: [
              { name: "app", essential: true },
              { name: "db", essential: true },
              { name: "sidecar", essential: false },
            ],
          },
        ],
      },
      attempts: [
        {
          taskProperties: [
            {
              containers: [
                { name: "app", exitCode: 0 },
                { name: "db", exitCode: 3 },
                { name: "sidecar", exitCode: 137 },
              ],
            },
          ],
        },
      ],
    };
    // Act
    const job = record(event(detail));
    // Assess
    expect([job.exitCode, job.attempts[0].exitCode]).toEqual([3, 3]);
  });

  it.each([
    [1, "/ranges/main"],
    [3, "/ranges/middle"],
    [4, "/ranges/rest"],
  ])(
    "gives node %i the log group of the node range that covers it, bounds included",
    (node, group) => {
      // Prepare: ranges 0:1, 2:3 and 4: with their own log groups (a node no range covers would
      // get the first range's, so the middle one tells a wrong bound apart).
      const detail = {
        jobId: `nodes#${node}`,
        status: "SUCCEEDED",
        nodeDetails: { nodeIndex: node },
        nodeProperties: {
          numNodes: 6,
          mainNode: 0,
          nodeRangeProperties: [
            { targetNodes: "0:1", container: { logConfiguration: awslogs("/ranges/main") } },
            { targetNodes: "2:3", container: { logConfiguration: awslogs("/ranges/middle") } },
            { targetNodes: "4:", container: { logConfiguration: awslogs("/ranges/rest") } },
          ],
        },
        container: { logStreamName: `stream-${node}` },
      };
      // Act
      const job = record(event(detail));
      // Assess
      expect([job.logGroup, job.logStreamName]).toEqual([group, `stream-${node}`]);
    },
  );
});

describe("the revision that orders writes of one job", () => {
  it("ranks terminal above everything, then attempts, then status, then time", () => {
    const ordered = [
      revisionOf("RUNNABLE", 0, 1_000_000),
      revisionOf("RUNNABLE", 0, 2_000_000),
      revisionOf("STARTING", 0, 1_000),
      revisionOf("RUNNING", 0, 1_000),
      revisionOf("RUNNABLE", 1, 1_000),
      revisionOf("RUNNING", 1, 1_000),
      revisionOf("FAILED", 1, 9_000_000),
      revisionOf("SUCCEEDED", 2, 1_000),
    ];
    expect([...ordered].sort((a, b) => a - b)).toEqual(ordered);
    expect(new Set(ordered).size).toBe(ordered.length);
  });

  it("packs terminal, attempts, status rank and seconds into fixed digits, each clamped", () => {
    expect(revisionOf("RUNNING", 2, 1_234_567)).toBe(2 * 1e11 + 5 * 1e10 + 1_234);
    expect(revisionOf("FAILED", 3, 1_234_567)).toBe(1e13 + 3 * 1e11 + 6 * 1e10);
    expect(revisionOf("FAILED", 3, 0, true)).toBe(1e13 + 3 * 1e11 + 6 * 1e10 - 1);
    // Out of range: attempts within 0..99 (whole), seconds within 0..9,999,999,999, rank 0 unknown.
    expect(revisionOf("RUNNING", 150.7, 0)).toBe(99 * 1e11 + 5 * 1e10);
    expect(revisionOf("RUNNING", -3, -5_000)).toBe(5 * 1e10);
    expect(revisionOf("RUNNING", 1.9, 1e20)).toBe(1e11 + 5 * 1e10 + 9_999_999_999);
    expect(revisionOf("UNKNOWN", 0, 2_000)).toBe(2);
  });

  it("ignores the time of terminal events, so a backfill equals the event it repeats", () => {
    expect(revisionOf("SUCCEEDED", 1, 5_000)).toBe(revisionOf("SUCCEEDED", 1, 9_000_000));
  });
});

describe("invalid events", () => {
  const good = terminalEvent("ec2-single");
  const id = good.id;
  const withDetail = (detail: Record<string, unknown>) => ({
    ...good,
    detail: { ...good.detail, ...detail },
  });

  it.each([
    [
      "a string",
      "not json",
      'Invalid Batch event (no id): the event is "not json", not a JSON object',
    ],
    ["null", null, "Invalid Batch event (no id): the event is null, not a JSON object"],
    ["an array", [good], "Invalid Batch event (no id): the event is an array, not a JSON object"],
    [
      "no id",
      { ...good, id: undefined },
      'Invalid Batch event (no id): "id" must be a non-empty string, got nothing',
    ],
    [
      "no detail",
      { ...good, detail: undefined },
      `Invalid Batch event ${id}: "detail" must be an object, got nothing`,
    ],
    [
      "another detail-type",
      { ...good, "detail-type": "Batch Job Queue Blocked" },
      `Invalid Batch event ${id}: "detail-type" must be "Batch Job State Change", got "Batch Job Queue Blocked"`,
    ],
    [
      "another source",
      { ...good, source: "my.app" },
      `Invalid Batch event ${id}: "source" must be "aws.batch", got "my.app"`,
    ],
    [
      "no region",
      { ...good, region: 5 },
      `Invalid Batch event ${id}: "region" must be a string, got number 5`,
    ],
    [
      "a bad time",
      { ...good, time: "yesterday" },
      `Invalid Batch event ${id}: "time" must be an ISO-8601 timestamp, got "yesterday"`,
    ],
    [
      "no jobId",
      withDetail({ jobId: undefined }),
      `Invalid Batch event ${id}: "detail.jobId" must be a non-empty string, got nothing`,
    ],
    [
      "an empty jobId",
      withDetail({ jobId: "" }),
      `Invalid Batch event ${id}: "detail.jobId" must be a non-empty string, got ""`,
    ],
    [
      "a numeric status",
      withDetail({ status: 3 }),
      `Invalid Batch event ${id}: "detail.status" must be a string, got number 3`,
    ],
    [
      "attempts not a list",
      withDetail({ attempts: {} }),
      `Invalid Batch event ${id}: "detail.attempts" must be an array, got an object`,
    ],
    [
      "an attempt not an object",
      withDetail({ attempts: [1] }),
      `Invalid Batch event ${id}: "detail.attempts[0]" must be an object, got number 1`,
    ],
    [
      "a string exit code",
      withDetail({ container: { exitCode: "0" } }),
      `Invalid Batch event ${id}: "detail.container.exitCode" must be a number, got "0"`,
    ],
    [
      "a string time",
      withDetail({ stoppedAt: "1793611575656" }),
      `Invalid Batch event ${id}: "detail.stoppedAt" must be a number, got "1793611575656"`,
    ],
    [
      "a bad log group",
      withDetail({
        container: { logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": 7 } } },
      }),
      `Invalid Batch event ${id}: "detail.container.logConfiguration.options.awslogs-group" must be a string, got number 7`,
    ],
  ])("rejects %s with a message naming the event and the field", (_case, event, message) => {
    expect(() => record(event)).toThrow(expect.objectContaining({ name: "InvalidEventError" }));
    expect(() => record(event)).toThrow(message);
  });

  describe("an event about another account's, region's or job's record (a hub's defence)", () => {
    const jobId = String(good.detail.jobId);
    const arnOf = (region: string, account: string, job = jobId) =>
      `arn:aws:batch:${region}:${account}:job/${job}`;
    it.each([
      [
        "an account that is not 12 digits",
        { ...good, account: "12345678901x" },
        `Invalid Batch event ${id}: "account" must be a 12-digit AWS account id, got "12345678901x"`,
      ],
      [
        "a region that is not a region name",
        { ...good, region: "us-east-1:999999999999" },
        `Invalid Batch event ${id}: "region" must be an AWS region name, got "us-east-1:999999999999"`,
      ],
      [
        "a job ARN of another account",
        withDetail({ jobArn: arnOf("us-east-1", "210987654321") }),
        `Invalid Batch event ${id}: "detail.jobArn" must be of the account and region the event comes from (account 123456789012 in us-east-1), got account 210987654321 in us-east-1`,
      ],
      [
        "a job ARN of another region",
        withDetail({ jobArn: arnOf("eu-west-1", "123456789012") }),
        `Invalid Batch event ${id}: "detail.jobArn" must be of the account and region the event comes from (account 123456789012 in us-east-1), got account 123456789012 in eu-west-1`,
      ],
      [
        "a job ARN of another job",
        withDetail({ jobArn: arnOf("us-east-1", "123456789012", "other-job") }),
        `Invalid Batch event ${id}: "detail.jobArn" must be the ARN of "detail.jobId" (${jobId}), got job other-job`,
      ],
      [
        "a job ARN that is not one",
        withDetail({ jobArn: "arn:aws:s3:::bucket" }),
        `Invalid Batch event ${id}: "detail.jobArn" must be a Batch job ARN, got "arn:aws:s3:::bucket"`,
      ],
    ])("refuses %s, naming both sides", (_case, event, message) => {
      expect(() => record(event)).toThrow(message);
    });

    it.each([
      ["aws-us-gov", "us-gov-west-1"],
      ["aws-cn", "cn-north-1"],
      ["aws-iso-b", "us-isob-east-1"],
      ["aws-eusc", "eusc-de-east-1"],
    ])("accepts the job ARN of the %s partition in %s", (partition, region) => {
      const event = {
        ...good,
        region,
        detail: {
          ...good.detail,
          jobArn: `arn:${partition}:batch:${region}:123456789012:job/${jobId}`,
        },
      };
      expect(record(event)).toMatchObject({ jobId, region });
    });

    it("accepts an event without an account when its ARN is of the event's region", () => {
      const withoutAccount: Record<string, unknown> = { ...good };
      delete withoutAccount.account;
      expect(record(withoutAccount).account).toBeUndefined();
    });
  });

  it("treats null as absent", () => {
    const item = record(withDetail({ statusReason: null, container: null, attempts: null }));
    expect(item.statusReason).toBeUndefined();
    expect(item.attempts).toEqual([]);
  });

  it("exposes the event id and the problem on the error", () => {
    let error: InvalidEventError | undefined;
    try {
      parseBatchEvent({ ...good, detail: 1 });
    } catch (e) {
      error = e as InvalidEventError;
    }
    expect(isInvalidEventError(error)).toBe(true);
    expect([error?.eventId, error?.problem]).toEqual([
      id,
      '"detail" must be an object, got number 1',
    ]);
  });

  it("builds a record from a DescribeJobs detail without an envelope (backfill)", () => {
    const item = buildJobRecord(good.detail, { eventId: "", region: "us-east-1", now: NOW });
    expect(item.eventId).toBe("");
    expect(item.eventTime).toBeUndefined();
    // One less than the event's record of the same state: the event's replaces it, never the reverse.
    expect(item.revision).toBe(record(good).revision - 1);
  });
});

describe("what buildJobRecord reads of a detail, field by field", () => {
  const running = fixture("ec2-single").find((e) => e.detail.status === "RUNNING")!;
  const build = (detail: unknown) =>
    buildJobRecord(detail, { eventId: "e-1", region: "us-east-1", now: NOW });
  const failure = (detail: unknown) => {
    try {
      build(detail);
    } catch (error) {
      return isInvalidEventError(error) ? error.message : `not an InvalidEventError: ${error}`;
    }
    return "no error";
  };
  const withDetail = (change: Record<string, unknown>) => ({ ...running.detail, ...change });

  it.each([
    ["no detail", undefined, '"detail" must be an object, got nothing'],
    ["a detail that is text", "x", '"detail" must be an object, got "x"'],
    [
      "no status",
      withDetail({ status: undefined }),
      '"detail.status" must be a non-empty string, got nothing',
    ],
    [
      "an empty status",
      withDetail({ status: "" }),
      '"detail.status" must be a non-empty string, got ""',
    ],
    [
      "a container that is text",
      withDetail({ container: "c" }),
      '"detail.container" must be an object, got "c"',
    ],
    [
      "nodeDetails a number",
      withDetail({ nodeDetails: 1 }),
      '"detail.nodeDetails" must be an object, got number 1',
    ],
    [
      "nodeProperties a list",
      withDetail({ nodeProperties: [] }),
      '"detail.nodeProperties" must be an object, got an array',
    ],
    [
      "arrayProperties text",
      withDetail({ arrayProperties: "a" }),
      '"detail.arrayProperties" must be an object, got "a"',
    ],
    [
      "eksProperties a number",
      withDetail({ eksProperties: 2 }),
      '"detail.eksProperties" must be an object, got number 2',
    ],
    [
      "eksAttempts an object",
      withDetail({ eksAttempts: {} }),
      '"detail.eksAttempts" must be an array, got an object',
    ],
    [
      "a node index in text",
      withDetail({ nodeDetails: { nodeIndex: "1" } }),
      '"detail.nodeDetails.nodeIndex" must be a number, got "1"',
    ],
    [
      "ecsProperties a number",
      withDetail({ ecsProperties: 3 }),
      '"detail.ecsProperties" must be an object, got number 3',
    ],
    [
      "taskProperties an object",
      withDetail({ ecsProperties: { taskProperties: {} } }),
      '"detail.ecsProperties.taskProperties" must be an array, got an object',
    ],
    [
      "a task ARN that is a number",
      withDetail({ container: { taskArn: 5 } }),
      '"detail.container.taskArn" must be a string, got number 5',
    ],
    [
      "an ECS task's ARN that is a number",
      withDetail({ container: undefined, ecsProperties: { taskProperties: [{ taskArn: 6 }] } }),
      '"detail.ecsProperties.taskProperties[0].taskArn" must be a string, got number 6',
    ],
  ])("%s: fails naming the field", (_, detail, problem) => {
    expect(failure(detail)).toBe(`Invalid Batch event e-1: ${problem}`);
  });
});

describe("the attempt in progress, and where the job's own stream goes", () => {
  // retried: attempt 1 fails, attempt 2 (task 3c7dab9f) fails, attempt 3 (b492a45b) succeeds.
  type Detail = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const detailOf = (event: unknown) => (event as { detail: Detail }).detail;
  const retried = fixture("retried");
  const TASK = (suffix: string) =>
    retried
      .map((e) => detailOf(e).container?.taskArn as string | undefined)
      .find((arn) => arn?.endsWith(suffix)) as string;
  const at = (status: string, attempts: number) =>
    structuredClone(
      retried.find(
        (e) => detailOf(e).status === status && detailOf(e).attempts.length === attempts,
      )!,
    );
  const tasksOf = (event: unknown) => record(event).attempts.map((a) => a.taskArn);

  it("RUNNING: the task on the job is the attempt after the listed ones, with its start", () => {
    const event = at("RUNNING", 1);
    expect(tasksOf(event)).toEqual([TASK("8ade0fa4"), TASK("3c7dab9f")]);
    expect(record(event).attempts[1]).toStrictEqual({
      startedAt: detailOf(event).startedAt,
      taskArn: TASK("3c7dab9f"),
    });
  });

  it("STARTING: the same, before it has a start", () => {
    expect(record(at("STARTING", 1)).attempts.at(-1)).toStrictEqual({ taskArn: TASK("3c7dab9f") });
  });

  it("RUNNABLE, SUCCEEDED and FAILED: a task on the job is never an attempt of its own", () => {
    for (const [status, listed] of [
      ["RUNNABLE", 1],
      ["SUCCEEDED", 3],
    ] as const) {
      const event = at(status, listed);
      detailOf(event).container.taskArn = "arn:aws:ecs:us-east-1:123456789012:task/c/another";
      expect(tasksOf(event)).toHaveLength(listed);
      detailOf(event).status = "FAILED";
      expect(tasksOf(event)).toHaveLength(listed);
    }
  });

  it("a task already listed is not counted twice", () => {
    const event = at("RUNNING", 2);
    detailOf(event).container.taskArn = TASK("3c7dab9f");
    expect(tasksOf(event)).toEqual([TASK("8ade0fa4"), TASK("3c7dab9f")]);
  });

  it("an ECS-properties job's task is its first task property's", () => {
    const event = structuredClone(
      fixture("multi-container").find((e) => e.detail.status === "RUNNING")!,
    );
    const task = detailOf(event).ecsProperties.taskProperties[0].taskArn as string;
    expect(task).toMatch(/^arn:aws:ecs:/);
    expect(record(event).attempts).toStrictEqual([
      { startedAt: detailOf(event).startedAt, taskArn: task },
    ]);
  });

  it("a container of a task without a name logs as the container default", () => {
    const event = structuredClone(
      fixture("multi-container").find((e) => detailOf(e).status === "RUNNING")!,
    );
    delete detailOf(event).ecsProperties.taskProperties[0].containers[1].name;
    expect(record(event).logStreams.map((s) => [s.container, s.logStreamName])).toEqual([
      ["app", "multi-sim/app/ec46300d77b3c5ff9c0e8060db5156e5"],
      ["default", "sidecar/metrics-agent/ec46300d77b3c5ff9c0e8060db5156e5"],
      ["envoy", "multi-sim/envoy/ec46300d77b3c5ff9c0e8060db5156e5"],
    ]);
  });

  it("an ended job's own stream that no attempt lists is its last attempt's, container default", () => {
    const event = at("SUCCEEDED", 3);
    detailOf(event).container.logStreamName = "genomics-align/default/not-in-any-attempt";
    const stream = record(event).logStreams.find((s) =>
      s.logStreamName.endsWith("not-in-any-attempt"),
    );
    expect(stream).toMatchObject({ attempt: 3, container: "default" });
  });
});

describe("every nested field of a detail, wrong, is an error naming its path", () => {
  // A RUNNING job with every nested structure the record reads (record/attempts.ts,
  // record/log-targets.ts): whatever AWS Batch would never send together, each part is read.
  const TASK = "arn:aws:ecs:us-east-1:123456789012:task/batch-ce/0123456789abcdef";
  const awslogs = () => ({
    logDriver: "awslogs",
    options: { "awslogs-group": "/custom", "awslogs-region": "us-west-2" },
  });
  const sink = () => ({
    jobId: "job-sink",
    status: "RUNNING",
    container: {
      logStreamName: "def/default/0123456789abcdef",
      taskArn: TASK,
      containerInstanceArn: "arn:aws:ecs:us-east-1:123456789012:container-instance/x",
      logConfiguration: awslogs(),
    },
    attempts: [
      {
        container: { logStreamName: "def/default/a1", exitCode: 1, reason: "r", taskArn: TASK },
        startedAt: 1,
        stoppedAt: 2,
        statusReason: "s",
        taskProperties: [
          {
            taskArn: TASK,
            containers: [{ name: "main", logStreamName: "def/main/a1", exitCode: 1, reason: "r" }],
          },
        ],
      },
    ],
    ecsProperties: {
      taskProperties: [
        {
          taskArn: TASK,
          containers: [
            {
              name: "main",
              logStreamName: "def/main/t",
              essential: true,
              logConfiguration: awslogs(),
            },
          ],
        },
      ],
    },
    nodeProperties: {
      mainNode: 0,
      numNodes: 2,
      nodeRangeProperties: [
        {
          targetNodes: "0:",
          container: { logConfiguration: awslogs() },
          ecsProperties: { taskProperties: [{ containers: [{ name: "node-main" }] }] },
        },
      ],
    },
    eksAttempts: [
      {
        containers: [{ exitCode: 1, reason: "r" }],
        eksClusterArn: "arn:aws:eks:us-east-1:123456789012:cluster/c",
        startedAt: 1,
        stoppedAt: 2,
        statusReason: "s",
        podName: "pod-1",
        nodeName: "node-1",
        podNamespace: "ns",
      },
    ],
    eksProperties: { podProperties: { podName: "pod-2", nodeName: "node-2" } },
    arrayProperties: { size: 2, statusSummary: { SUCCEEDED: 1, FAILED: 0 } },
    platformCapabilities: ["EC2"],
  });
  type Json = Record<string, unknown>;
  /** `detail` with the value at `path` ("detail.a[0].b") set, or deleted for undefined. */
  const withValue = (detail: Json, path: string, value: unknown): Json => {
    const keys = path
      .replace(/\[(\d+)\]/g, ".$1")
      .split(".")
      .slice(1);
    let at = detail;
    for (const key of keys.slice(0, -1)) at = at[key] as Json;
    if (value === undefined) delete at[keys[keys.length - 1]];
    else at[keys[keys.length - 1]] = value;
    return detail;
  };
  const problem = (detail: unknown) =>
    problemOf(() => buildJobRecord(detail, { eventId: "e-1", region: "us-east-1", now: NOW }));

  it("reads the whole sink without an error", () => {
    expect(problem(sink())).toBe("no error");
  });

  const c = "detail.container";
  const a = "detail.attempts[0]";
  const atc = `${a}.taskProperties[0].containers[0]`;
  const ecs = "detail.ecsProperties.taskProperties[0]";
  const ecsc = `${ecs}.containers[0]`;
  const range = "detail.nodeProperties.nodeRangeProperties[0]";
  const eks = "detail.eksAttempts[0]";
  const pod = "detail.eksProperties.podProperties";
  /** The strings of a container's log configuration. */
  const logConfiguration = (container: string) =>
    ["logDriver", "options.awslogs-group", "options.awslogs-region"].map(
      (field) => `${container}.logConfiguration.${field}`,
    );
  const strings = [
    `${c}.logStreamName`,
    `${c}.taskArn`,
    `${c}.containerInstanceArn`,
    ...logConfiguration(c),
    `${a}.container.logStreamName`,
    `${a}.container.taskArn`,
    `${a}.taskProperties[0].taskArn`,
    `${atc}.name`,
    `${atc}.logStreamName`,
    `${ecsc}.name`,
    `${ecsc}.logStreamName`,
    ...logConfiguration(ecsc),
    `${range}.targetNodes`,
    `${range}.ecsProperties.taskProperties[0].containers[0].name`,
    `${eks}.eksClusterArn`,
    `${eks}.podName`,
    `${eks}.nodeName`,
    `${eks}.podNamespace`,
    `${pod}.podName`,
    `${pod}.nodeName`,
    "detail.platformCapabilities[0]",
  ];
  const texts = [
    `${a}.statusReason`,
    `${a}.container.reason`,
    `${atc}.reason`,
    `${eks}.statusReason`,
    `${eks}.containers[0].reason`,
  ];
  const numbers = [
    `${a}.startedAt`,
    `${a}.stoppedAt`,
    `${a}.container.exitCode`,
    `${atc}.exitCode`,
    `${eks}.startedAt`,
    `${eks}.stoppedAt`,
    `${eks}.containers[0].exitCode`,
    "detail.arrayProperties.statusSummary.SUCCEEDED",
    "detail.arrayProperties.statusSummary.FAILED",
  ];
  const objects = [
    `${a}.container`,
    `${c}.logConfiguration`,
    `${c}.logConfiguration.options`,
    `${ecsc}.logConfiguration`,
    `${ecsc}.logConfiguration.options`,
    `${range}.container`,
    `${range}.ecsProperties`,
    pod,
    "detail.arrayProperties.statusSummary",
  ];
  const arrays = [
    `${a}.taskProperties`,
    `${a}.taskProperties[0].containers`,
    `${ecs}.containers`,
    "detail.nodeProperties.nodeRangeProperties",
    `${range}.ecsProperties.taskProperties`,
    `${eks}.containers`,
  ];
  const items = [
    `${a}.taskProperties[0]`,
    ecsc,
    range,
    `${range}.ecsProperties.taskProperties[0].containers[0]`,
    `${eks}.containers[0]`,
  ];

  it.each([
    ...strings.map((path) => [path, 7, "a string, got number 7"] as const),
    ...texts.map((path) => [path, false, "a string, got boolean false"] as const),
    ...numbers.map((path) => [path, "7", 'a number, got "7"'] as const),
    ...objects.map((path) => [path, "o", 'an object, got "o"'] as const),
    ...arrays.map((path) => [path, {}, "an array, got an object"] as const),
    ...items.map((path) => [path, 5, "an object, got number 5"] as const),
    [`${ecsc}.essential`, "yes", 'a boolean, got "yes"'] as const,
  ])("%s set to %j", (path, value, expected) => {
    expect(problem(withValue(sink(), path, value))).toBe(`"${path}" must be ${expected}`);
  });

  it.each([
    // Read only when the job's container has no task ARN of its own.
    [`${ecs}.taskArn`, `${c}.taskArn`],
    // Read only when the job's container has no log configuration of its own.
    [`${range}.container.logConfiguration.logDriver`, `${c}.logConfiguration`],
    [`${range}.container.logConfiguration.options.awslogs-group`, `${c}.logConfiguration`],
  ])("%s set to 7, without %s", (path, without) => {
    const detail = withValue(sink(), without, undefined);
    expect(problem(withValue(detail, path, 7))).toBe(`"${path}" must be a string, got number 7`);
  });
});

describe("the parts of a record, one function at a time (record/attempts.ts, record/log-targets.ts)", () => {
  const read = fieldReading().fieldReader("e-parts");
  const { exitCodeOf, platformOf, statusSummary } = attemptReader();
  const { logTargets, logTarget, StreamList } = logTargetReader();
  const awslogs = (group: string) => ({
    logDriver: "awslogs",
    options: { "awslogs-group": group, "awslogs-region": "eu-west-1" },
  });

  test.each<[string, { exitCode?: number }[], number | undefined]>([
    ["no container", [], undefined],
    ["none with an exit code", [{}, {}], undefined],
    ["the first non-zero, after a zero", [{ exitCode: 0 }, { exitCode: 3 }, { exitCode: 137 }], 3],
    ["zero when all are zero or unknown", [{}, { exitCode: 0 }, {}], 0],
    ["a non-zero after an unknown", [{}, { exitCode: 2 }], 2],
  ])("the exit code of containers: %s", (_, containers, expected) => {
    expect(exitCodeOf(containers)).toBe(expected);
  });

  test.each<[string, unknown[] | undefined, Parameters<typeof platformOf>[2], string | undefined]>([
    ["Fargate, whatever else", ["FARGATE"], { eks: true, ec2Host: "i", ecs: true }, "FARGATE"],
    ["EKS", [], { eks: true, ecs: true }, "EKS"],
    ["EC2 by capability", ["EC2"], { eks: false, ecs: false }, "EC2"],
    ["EC2 by its container instance", undefined, { eks: false, ec2Host: "i", ecs: false }, "EC2"],
    ["EC2: an older ECS event's empty capabilities", [], { eks: false, ecs: true }, "EC2"],
    ["unknown: ECS without capabilities", undefined, { eks: false, ecs: true }, undefined],
    ["unknown: nothing to tell", [], { eks: false, ecs: false }, undefined],
  ])("the platform: %s", (_, capabilities, hints, expected) => {
    expect(platformOf(read, capabilities, hints)).toBe(expected);
  });

  test("an array's status summary keeps the job statuses only", () => {
    expect(statusSummary(read, undefined)).toBeUndefined();
    expect(statusSummary(read, { SUCCEEDED: 2, FAILED: 0, BOGUS: 5, RUNNING: null })).toStrictEqual(
      { SUCCEEDED: 2, FAILED: 0 },
    );
  });

  test.each<[string, number | undefined, string]>([
    ["node 0: the range `0`", 0, "/r/zero"],
    ["node 1: the lower bound of `1:3`", 1, "/r/middle"],
    ["node 3: the upper bound of `1:3`", 3, "/r/middle"],
    ["node 4: `4:`, open above", 4, "/r/rest"],
    ["node 99: `4:`", 99, "/r/rest"],
    ["no node: the main node's range, as node 0", undefined, "/r/zero"],
  ])("the node range of %s", (_, node, group) => {
    const nodeProperties = {
      nodeRangeProperties: [
        { targetNodes: "0", container: { logConfiguration: awslogs("/r/zero") } },
        { targetNodes: "1:3", container: { logConfiguration: awslogs("/r/middle") } },
        { targetNodes: "4:", container: { logConfiguration: awslogs("/r/rest") } },
      ],
    };
    const { main } = logTargets(read, {}, undefined, nodeProperties, node, "us-east-1");
    expect(main).toStrictEqual({ kind: "awslogs", group, region: "eu-west-1" });
  });

  test("a range open below (`:1`), and the first range when none covers the node", () => {
    const ranges = (targetNodes: string[]) => ({
      nodeRangeProperties: targetNodes.map((t, i) => ({
        targetNodes: t,
        container: { logConfiguration: awslogs(`/r/${i}`) },
      })),
    });
    const groupOf = (targetNodes: string[], node: number) =>
      (
        logTargets(read, {}, undefined, ranges(targetNodes), node, "us-east-1").main as {
          group: string;
        }
      ).group;
    expect(groupOf(["5", ":1"], 0)).toBe("/r/1");
    expect(groupOf(["5", ":1"], 1)).toBe("/r/1");
    expect(groupOf(["5", ":1"], 2)).toBe("/r/0");
    expect(groupOf(["2:3", "5:"], 4)).toBe("/r/0");
  });

  test("no log configuration anywhere: Batch's default group in the event's region", () => {
    const targets = logTargets(read, {}, undefined, undefined, undefined, "ap-south-1");
    expect(targets.main).toStrictEqual({
      kind: "awslogs",
      group: "/aws/batch/job",
      region: "ap-south-1",
    });
    expect(targets.containers).toEqual([]);
  });

  test("a log target: another driver by name; awslogs with empty or no options the defaults", () => {
    expect(logTarget(read, { logDriver: "splunk" }, "p", "us-east-1")).toStrictEqual({
      kind: "other",
      driver: "splunk",
    });
    for (const config of [
      { logDriver: "awslogs" },
      { options: { "awslogs-group": "", "awslogs-region": "" } },
      undefined,
    ]) {
      expect(logTarget(read, config, "p", "us-east-1")).toStrictEqual({
        kind: "awslogs",
        group: "/aws/batch/job",
        region: "us-east-1",
      });
    }
  });

  test("named containers: their own targets, essential unless they say not; others the job's", () => {
    const d = {
      ecsProperties: {
        taskProperties: [
          {
            containers: [
              { name: "app", logConfiguration: awslogs("/app") },
              { name: "sidecar", essential: false, logConfiguration: { logDriver: "fluentd" } },
            ],
          },
        ],
      },
    };
    const job = { logConfiguration: awslogs("/job") };
    const targets = logTargets(read, d, job, undefined, undefined, "us-east-1");
    expect(targets.main).toStrictEqual({ kind: "awslogs", group: "/job", region: "eu-west-1" });
    expect(targets.forContainer("app")).toStrictEqual({
      kind: "awslogs",
      group: "/app",
      region: "eu-west-1",
    });
    expect(targets.forContainer("sidecar")).toStrictEqual({ kind: "other", driver: "fluentd" });
    expect(targets.forContainer("unknown")).toBe(targets.main);
    expect(targets.forContainer(undefined)).toBe(targets.main);
    expect(["app", "sidecar", "unknown"].map((n) => targets.isEssential(n))).toEqual([
      true,
      false,
      true,
    ]);
    // Without the job's own configuration, the first named container's is the job's.
    const byContainer = logTargets(read, d, undefined, undefined, undefined, "us-east-1");
    expect(byContainer.main).toBe(byContainer.forContainer("app"));
  });

  test("a job's streams: awslogs only, each once per attempt and container, by attempt, at most MAX_LOG_STREAMS", () => {
    const target: LogTarget = { kind: "awslogs", group: "/g", region: "us-east-1" };
    const streams = new StreamList();
    streams.add(2, "default", target, "s2");
    streams.add(1, "default", target, "s1");
    streams.add(1, "default", target, "s1"); // a repeat
    streams.add(2, "default", target, "s1"); // the same name, another attempt
    streams.add(1, "side", target, "s1"); // the same name, another container
    streams.add(1, "default", { kind: "other", driver: "splunk" }, "s9");
    expect(streams.list()).toStrictEqual([
      {
        attempt: 1,
        container: "default",
        logGroup: "/g",
        logRegion: "us-east-1",
        logStreamName: "s1",
      },
      {
        attempt: 1,
        container: "side",
        logGroup: "/g",
        logRegion: "us-east-1",
        logStreamName: "s1",
      },
      {
        attempt: 2,
        container: "default",
        logGroup: "/g",
        logRegion: "us-east-1",
        logStreamName: "s2",
      },
      {
        attempt: 2,
        container: "default",
        logGroup: "/g",
        logRegion: "us-east-1",
        logStreamName: "s1",
      },
    ]);
    expect([streams.has("s1"), streams.has("s2"), streams.has("s9")]).toEqual([true, true, false]);
    const many = new StreamList();
    for (let i = 0; i < MAX_LOG_STREAMS + 3; i++) many.add(1, "default", target, `s${i}`);
    expect(many.list().map((s) => s.logStreamName)).toEqual(
      Array.from({ length: MAX_LOG_STREAMS }, (_, i) => `s${i}`),
    );
  });
});

describe("attempts, node ranges, envelopes and fields at their edges", () => {
  const reading = fieldReading();
  const read = reading.fieldReader("e-edges");
  const { ecsAttempts, eksAttempts } = attemptReader();
  const { logTargets, StreamList } = logTargetReader();
  const { parseBatchEvent: parse, checkJobArn } = envelopeReader();

  it("reads an attempt's task containers: each stream under its name or default, the outcome of the essential ones, else of all", () => {
    // Arrange: both named containers say they are not essential, one has no stream; the second
    // attempt's container has no name (so it is essential, as the job's own container).
    const d = {
      ecsProperties: {
        taskProperties: [
          {
            containers: [
              { name: "app", essential: false },
              { name: "side", essential: false },
            ],
          },
        ],
      },
    };
    const targets = logTargets(read, d, undefined, undefined, undefined, "us-east-1");
    const streams = new StreamList();
    const task = (id: string, containers: Record<string, unknown>[]) => ({
      taskProperties: [{ taskArn: `arn:aws:ecs:us-east-1:123456789012:task/c1/${id}`, containers }],
    });
    const attempts = [
      {
        startedAt: 1,
        stoppedAt: 2,
        ...task("t1", [
          { name: "app", logStreamName: "job/app/t1", exitCode: 0 },
          { name: "side", exitCode: 2, reason: "OutOfMemoryError" },
        ]),
      },
      task("t2", [{ logStreamName: "job/default/t2", exitCode: 1, reason: "Error" }]),
    ];

    // Act
    const read2 = ecsAttempts(read, attempts, targets, streams);

    // Assert
    expect(read2).toStrictEqual([
      {
        startedAt: 1,
        stoppedAt: 2,
        exitCode: 2,
        reason: "OutOfMemoryError",
        taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c1/t1",
      },
      { exitCode: 1, reason: "Error", taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c1/t2" },
    ]);
    expect(streams.list().map((s) => [s.attempt, s.container, s.logStreamName])).toEqual([
      [1, "app", "job/app/t1"],
      [2, "default", "job/default/t2"],
    ]);
  });

  it("keeps at most MAX_ATTEMPTS ECS and EKS attempts, and adds the pod in progress once, after those listed", () => {
    // Arrange
    const pods = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ podName: `pod-${i}`, nodeName: `node-${i}` }));
    const running = (podName: string) => ({ podProperties: { podName, nodeName: "node-now" } });

    // Act
    const many = eksAttempts(read, pods(MAX_ATTEMPTS + 1), undefined, false, undefined);
    const listed = eksAttempts(read, pods(2), running("pod-1"), true, 5);
    const added = eksAttempts(read, pods(2), running("pod-9"), true, 5);
    const ended = eksAttempts(read, pods(2), running("pod-9"), false, 5);

    // Assert
    expect(many.attempts.map((a) => a.podName)).toEqual(pods(MAX_ATTEMPTS).map((p) => p.podName));
    const ecs = Array.from({ length: MAX_ATTEMPTS + 1 }, (_, i) => ({ startedAt: i }));
    const targets = logTargets(read, {}, undefined, undefined, undefined, "us-east-1");
    expect(ecsAttempts(read, ecs, targets, new StreamList()).map((a) => a.startedAt)).toEqual(
      ecs.slice(0, MAX_ATTEMPTS).map((a) => a.startedAt),
    );
    expect(listed.attempts.map((a) => a.podName)).toEqual(["pod-0", "pod-1"]);
    expect(added.attempts).toStrictEqual([
      { podName: "pod-0", nodeName: "node-0" },
      { podName: "pod-1", nodeName: "node-1" },
      { startedAt: 5, podName: "pod-9", nodeName: "node-now" },
    ]);
    expect(ended.attempts.map((a) => a.podName)).toEqual(["pod-0", "pod-1"]);
  });

  it("finds a node's range: a single node not first, a range with no targetNodes covering all", () => {
    // Arrange
    const groupOf = (ranges: Record<string, unknown>[], node: number) => {
      const nodeProperties = {
        nodeRangeProperties: ranges.map((r, i) => ({
          ...r,
          container: { logConfiguration: { options: { "awslogs-group": `/r/${i}` } } },
        })),
      };
      const { main } = logTargets(read, {}, undefined, nodeProperties, node, "us-east-1");
      return (main as { group: string }).group;
    };

    // Act & Assert
    expect(groupOf([{ targetNodes: "1:3" }, { targetNodes: "5" }], 5)).toBe("/r/1");
    expect(groupOf([{ targetNodes: "5" }, {}], 2)).toBe("/r/1");
  });

  it("takes a job's null log configuration as none: its containers' then", () => {
    // Arrange
    const d = {
      ecsProperties: {
        taskProperties: [
          {
            containers: [
              { name: "app", logConfiguration: { options: { "awslogs-group": "/app" } } },
            ],
          },
        ],
      },
    };

    // Act
    const targets = logTargets(
      read,
      d,
      { logConfiguration: null },
      undefined,
      undefined,
      "us-east-1",
    );

    // Assert
    expect(targets.main).toStrictEqual({ kind: "awslogs", group: "/app", region: "us-east-1" });
    expect(targets.containers).toEqual([
      {
        name: "app",
        essential: true,
        target: { kind: "awslogs", group: "/app", region: "us-east-1" },
      },
    ]);
  });

  it("refuses an envelope without an id, an empty one, or a detail; takes one without a time", () => {
    // Arrange
    const event = terminalEvent("ec2-single") as Record<string, unknown>;
    const without = (name: string) =>
      Object.fromEntries(Object.entries(event).filter(([k]) => k !== name));

    // Act & Assert
    expect(problemOf(() => parse(without("id")))).toBe(
      '"id" must be a non-empty string, got nothing',
    );
    expect(problemOf(() => parse({ ...event, id: "" }))).toBe(
      '"id" must be a non-empty string, got ""',
    );
    expect(() => parse({ ...event, id: "" })).toThrow("Invalid Batch event (no id): ");
    expect(problemOf(() => parse(without("detail")))).toBe(
      '"detail" must be an object, got nothing',
    );
    expect(parse(without("time"))).toStrictEqual({
      eventId: event.id,
      eventTime: undefined,
      region: event.region,
      account: event.account,
      detail: event.detail,
    });
  });

  it.each<[string, string, boolean]>([
    ["a region numbered with two digits", "us-west-10", true],
    ["a region numbered with three", "us-west-100", false],
    ["a region's name after other text", "my_us-west-1", false],
  ])("reads the region of an envelope: %s", (_, region, accepted) => {
    const event = { ...(terminalEvent("ec2-single") as Record<string, unknown>), region };
    expect(problemOf(() => parse(event))).toBe(
      accepted ? "no error" : `"region" must be an AWS region name, got "${region}"`,
    );
  });

  it.each(["1234567890123", "a123456789012"])(
    "refuses the account %s: twelve digits, nothing else",
    (account) => {
      const event = { ...(terminalEvent("ec2-single") as Record<string, unknown>), account };
      expect(problemOf(() => parse(event))).toBe(
        `"account" must be a 12-digit AWS account id, got "${account}"`,
      );
    },
  );

  it("checks a job ARN whole: a service job's is one, text around it is not", () => {
    // Arrange
    const parsed = { eventId: "e", region: "us-east-1", account: "123456789012", detail: {} };
    const check = (jobArn: string, jobId = "abc") =>
      problemOf(() => checkJobArn(parsed, { jobId, jobArn } as JobRecord));
    const arn = "arn:aws:batch:us-east-1:123456789012:job/abc";

    // Act & Assert
    expect(check(arn)).toBe("no error");
    expect(check("arn:aws:batch:us-east-1:123456789012:service-job/abc")).toBe("no error");
    for (const wrong of [`x${arn}`, `${arn}\nmore`]) {
      expect(check(wrong)).toBe(
        `"detail.jobArn" must be a Batch job ARN, got ${JSON.stringify(wrong)}`,
      );
    }
  });

  it("tells an InvalidEventError from any other error", () => {
    expect(reading.isInvalidEventError(reading.invalidEventError("e", "p"))).toBe(true);
    expect(reading.isInvalidEventError(new Error("p"))).toBe(false);
    expect(reading.isInvalidEventError(new TypeError("p"))).toBe(false);
    expect(reading.isInvalidEventError({ name: "InvalidEventError", message: "p" })).toBe(false);
  });

  it.each<[string, string]>([
    ["the lowest high surrogate", "\u{10000}"],
    ["the highest high surrogate", "\u{10FFFF}"],
  ])("cuts a reason before %s on the limit, never inside the pair", (_, character) => {
    const text = "x".repeat(MAX_TEXT_LENGTH - 1) + character + "tail";
    expect(truncate(text)).toBe(`${"x".repeat(MAX_TEXT_LENGTH - 1)} [truncated 6 characters]`);
  });

  it("names what a field should have been: a number, or one within ±(2^53 - 1); a boolean", () => {
    expect(problemOf(() => read.number(2 ** 53, "p"))).toBe(
      '"p" must be a number within ±(2^53 - 1), got number 9007199254740992',
    );
    expect(problemOf(() => read.number("5", "p"))).toBe('"p" must be a number, got "5"');
    expect(read.number(Number.MAX_SAFE_INTEGER, "p")).toBe(Number.MAX_SAFE_INTEGER);
    expect(read.number(-Number.MAX_SAFE_INTEGER, "p")).toBe(-Number.MAX_SAFE_INTEGER);
    expect(read.boolean(undefined, "p")).toBeUndefined();
    expect(read.boolean(null, "p")).toBeUndefined();
    expect(problemOf(() => read.boolean("yes", "p"))).toBe('"p" must be a boolean, got "yes"');
  });

  it("names the item of a list of objects that is not one", () => {
    expect(problemOf(() => read.objects([{}, 5], "p"))).toBe(
      '"p[1]" must be an object, got number 5',
    );
    expect(problemOf(() => read.objects([null], "p"))).toBe('"p[0]" must be an object, got null');
  });

  it("shows a string of 60 characters whole, a longer one cut at 60", () => {
    expect(reading.describeValue("x".repeat(60))).toBe(JSON.stringify("x".repeat(60)));
    expect(reading.describeValue("x".repeat(61))).toBe(JSON.stringify(`${"x".repeat(60)}...`));
  });
});
