/**
 * The stored layout (record/layout.ts): what a compact item holds, that it always expands back to
 * the exact record, that items an earlier version wrote read as they are, and that typical jobs
 * fit one DynamoDB write unit. Pure: no table (handler-dynamo and lambda-serialized write the
 * same items to dynalite).
 */
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import {
  indexAfter,
  parentOf,
  BY_JOB_NAME,
  BY_PARENT_JOB_ID,
  fromIndexItem,
  fromItem,
  putItemInput,
  recordFromEvent,
  toItem,
  WRITE_CONDITION,
  type AttemptRecord,
  type JobRecord,
  type LogStreamRef,
  type StoredItem,
} from "../record";
import { attemptLayout } from "../record/attempt-layout";
import { identifierLayout } from "../record/identifiers";
import { LIST_ATTRIBUTES, LIST_SHARDS, listKeys } from "../record/index-keys";
import { itemSizeBytes, WRITE_UNIT_BYTES, writeUnits } from "../record/item-size";
import {
  indexSchema,
  projectedAttributes,
  tableKeysAndIndexes,
  TABLE_SCHEMA,
} from "../record/schema";
import { fixture, FIXTURE_NAMES, terminalEvent } from "./helpers/fixtures";

/** The partition of each region the generated records use (record/layout.ts derives it). */
const PARTITIONS: Record<string, string> = {
  "us-east-1": "aws",
  "eu-west-1": "aws",
  "cn-north-1": "aws-cn",
  "us-gov-west-1": "aws-us-gov",
  "us-iso-east-1": "aws-iso",
  "us-isob-east-1": "aws-iso-b",
  "eu-isoe-west-1": "aws-iso-e",
  "us-isof-south-1": "aws-iso-f",
  "eusc-de-east-1": "aws-eusc",
};

const NOW = new Date("2026-11-26T08:00:00.000Z");
const record = (event: unknown) => recordFromEvent(event, { now: NOW });
/** What DynamoDB hands back: JSON-shaped values, null kept. */
const stored = (item: StoredItem): StoredItem => JSON.parse(JSON.stringify(item));
const LEGACY: Record<string, StoredItem> = JSON.parse(
  fs.readFileSync(path.join(__dirname, "fixtures", "legacy-items.json"), "utf8"),
);
const SAMPLE_EVENTS = fs
  .readFileSync(path.join(__dirname, "..", "samples", "events.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Record<string, unknown>)
  .filter((e) => e.source === "aws.batch" && e["detail-type"] === "Batch Job State Change");

describe("the compact item of a single-container EC2 job", () => {
  it("stores only what cannot be derived", () => {
    const item = toItem(record(terminalEvent("ec2-single")));
    expect(item).toEqual({
      layout: 2,
      jobId: "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
      jobName: "etl-orders-20261101",
      jobQueue: "ec2-ondemand",
      jobDefinition: "nightly-etl:7",
      status: "SUCCEEDED",
      statusReason: "Essential container in task exited",
      exitCode: 0,
      createdAt: 1793610900123,
      startedAt: 1793610992262,
      stoppedAt: 1793611575656,
      region: "us-east-1",
      account: "123456789012",
      platform: "EC2",
      logStreams: ["nightly-etl/"],
      attempts: [
        {
          taskArn:
            "AWSBatch-ec2-ondemand-ce-6c1f0e2a-9d3b-3a47-8e5c-2b7f4d1a9c30/15af9da521a8da87cf894a817c898cd6",
        },
      ],
      eventId: "22af16a7-1d1e-4d66-8481-6b798754703d",
      eventTime: 1793611576000,
      recordedAt: NOW.getTime(),
      revision: 10160000000000,
      // The listing indexes' keys (record/index-keys.ts): when it ended, its day and shard.
      listedAt: 1793611575656,
      listStatus: "SUCCEEDED#20261102#2",
      listQueue: "ec2-ondemand#20261102#2",
    });
  });

  it("expands to every field of the contract", () => {
    const expanded = fromItem(stored(toItem(record(terminalEvent("ec2-single")))));
    expect(expanded.jobArn).toBe(
      "arn:aws:batch:us-east-1:123456789012:job/2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
    );
    expect(expanded.jobQueue).toBe("arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand");
    expect(expanded.jobDefinition).toBe(
      "arn:aws:batch:us-east-1:123456789012:job-definition/nightly-etl:7",
    );
    expect([expanded.logGroup, expanded.logRegion, expanded.logStreamName]).toEqual([
      "/aws/batch/job",
      "us-east-1",
      "nightly-etl/default/15af9da521a8da87cf894a817c898cd6",
    ]);
    expect(expanded.logStreams).toEqual([
      {
        attempt: 1,
        container: "default",
        logGroup: "/aws/batch/job",
        logRegion: "us-east-1",
        logStreamName: "nightly-etl/default/15af9da521a8da87cf894a817c898cd6",
      },
    ]);
    expect(expanded.attempts).toEqual([
      {
        startedAt: 1793610992262,
        stoppedAt: 1793611575656,
        exitCode: 0,
        statusReason: "Essential container in task exited",
        taskArn:
          "arn:aws:ecs:us-east-1:123456789012:task/AWSBatch-ec2-ondemand-ce-6c1f0e2a-9d3b-3a47-8e5c-2b7f4d1a9c30/15af9da521a8da87cf894a817c898cd6",
      },
    ]);
  });
});

describe("expanding a compact item gives back the exact record", () => {
  it.each(FIXTURE_NAMES)("for every event of %s", (name) => {
    for (const event of fixture(name)) {
      if (event["detail-type"] !== "Batch Job State Change") continue;
      const original = record(event);
      // Strictly: no field the record lacks comes back as an undefined property.
      expect(fromItem(stored(toItem(original)))).toStrictEqual(original);
    }
  });

  it("for every state change in the shipped sample", () => {
    expect(SAMPLE_EVENTS.length).toBeGreaterThan(1000);
    for (const event of SAMPLE_EVENTS) {
      const original = record(event);
      expect(fromItem(stored(toItem(original)))).toStrictEqual(original);
    }
  });

  it("for any record, whatever its values, derivable or not", () => {
    fc.assert(
      fc.property(arbitraryRecord(), (original) => {
        expect(fromItem(stored(toItem(original)))).toStrictEqual(
          stored(original as unknown as StoredItem),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("holds no attribute for a field the record lacks or leaves undefined", () => {
    // Prepare: a job cancelled in its queue (no stream, no attempt), with a field set to undefined.
    const original = { ...record(terminalEvent("cancelled-in-queue")), exitCode: undefined };
    expect([original.logStreams, original.attempts]).toEqual([[], []]);
    // Act
    const item = toItem(original);
    const { logStreams, attempts, ...lacking } = record(terminalEvent("cancelled-in-queue"));
    const bare = toItem(lacking as JobRecord);
    // Assess: an undefined value, an empty list and a missing one are all no attribute.
    for (const written of [item, bare]) {
      expect(
        Object.keys(written).filter((k) => ["exitCode", "logStreams", "attempts"].includes(k)),
      ).toEqual([]);
    }
    expect(Object.values(item)).not.toContain(undefined);
    expect(fromItem(stored(bare))).toStrictEqual({ ...lacking, logStreams, attempts });
  });

  it("marks a value the record lacks but would be derived with null", () => {
    const original = record(terminalEvent("ec2-single"));
    const withoutArn = { ...original, jobArn: undefined };
    delete withoutArn.jobArn;
    const item = toItem(withoutArn);
    expect(item.jobArn).toBeNull();
    expect(fromItem(stored(item))).toEqual(withoutArn);
  });
});

describe("the compact item is never larger than the record", () => {
  const listing = (item: StoredItem) =>
    Object.fromEntries(Object.entries(item).filter(([name]) => name.startsWith("list")));
  const wholeSize = (r: JobRecord) => itemSizeBytes({ ...r, ...listing(toItem(r)) });

  it("for any record: many attempts lacking what the job has, no account, every partition", () => {
    let fellBack = 0;
    fc.assert(
      fc.property(arbitraryRecord(15), (original) => {
        const item = toItem(original);
        expect(itemSizeBytes(item)).toBeLessThanOrEqual(wholeSize(original));
        expect(fromItem(stored(item))).toEqual(original);
        if (item.layout === undefined) fellBack++;
      }),
      { numRuns: 500, seed: 20261204 },
    );
    // Both ways of storing were taken, so the bound says something about each.
    expect(fellBack).toBeGreaterThan(0);
    expect(fellBack).toBeLessThan(500);
  });

  it("stores a record its compact item would outgrow as it is, in layout 1", () => {
    // Prepare: 12 pod attempts with no reason nor times, under a job that has them (a null each).
    const job = record(terminalEvent("ec2-single"));
    const original = { ...job, account: undefined, attempts: Array(12).fill({ podName: "p" }) };
    delete original.account;
    // Act
    const item = toItem({ ...original, reason: undefined });
    // Assess: the record as it is, without the field left undefined
    expect(item.layout).toBeUndefined();
    expect(Object.keys(item)).not.toContain("reason");
    expect(itemSizeBytes(item)).toBe(wholeSize(original));
    expect(fromItem(stored(item))).toEqual(original);
  });

  it.each(Object.entries(PARTITIONS))(
    "shortens the ARNs of a job in %s (%s)",
    (region, partition) => {
      const job = record(terminalEvent("ec2-single"));
      const arn = (service: string, rest: string) =>
        `arn:${partition}:${service}:${region}:123456789012:${rest}`;
      const original = {
        ...job,
        region,
        jobArn: arn("batch", `job/${job.jobId}`),
        jobQueue: arn("batch", "job-queue/q"),
        jobDefinition: arn("batch", "job-definition/d:1"),
      };
      const item = toItem(original);
      expect([item.jobArn, item.jobQueue, item.jobDefinition]).toEqual([undefined, "q", "d:1"]);
      expect(fromItem(stored(item))).toEqual(original);
    },
  );
});

describe("items an earlier version wrote (layout 1, no `layout` attribute)", () => {
  it.each(Object.keys(LEGACY))("reads %s as it is", (name) => {
    expect(fromItem(LEGACY[name])).toEqual(LEGACY[name]);
  });

  it("are the records this version builds from the same events", () => {
    const legacy = LEGACY["ec2-single"];
    expect(record(terminalEvent("ec2-single"))).toEqual({ ...legacy, recordedAt: NOW.getTime() });
  });

  it("refuses a layout it does not know, saying so", () => {
    expect(() => fromItem({ jobId: "j-1", layout: 3 })).toThrow(
      "job j-1 is stored in layout 3, which this version of batch-job-log does not know: upgrade it.",
    );
  });
});

describe("size", () => {
  it.each(FIXTURE_NAMES)("the terminal item of %s takes one write unit", (name) => {
    expect(itemSizeBytes(toItem(record(terminalEvent(name))))).toBeLessThanOrEqual(
      WRITE_UNIT_BYTES,
    );
  });

  it("a typical single-attempt job stores at most 800 bytes", () => {
    for (const name of ["ec2-single", "fargate", "array-child", "oom", "terminated", "timed-out"]) {
      const item = toItem(record(terminalEvent(name)));
      expect([name, itemSizeBytes(item) <= 800]).toEqual([name, true]);
    }
  });

  it("every terminal item of the shipped sample takes one write unit", () => {
    const over = SAMPLE_EVENTS.filter((e) => ["SUCCEEDED", "FAILED"].includes(status(e)))
      .map((e) => toItem(record(e)))
      .filter((item) => itemSizeBytes(item) > WRITE_UNIT_BYTES)
      .map((item) => item.jobId);
    expect(over).toEqual([]);
  });
});

describe("the write", () => {
  it("is the compact item, conditional on a smaller revision", () => {
    const original = record(terminalEvent("retried"));
    expect(putItemInput("jobs", original)).toEqual({
      TableName: "jobs",
      Item: toItem(original),
      ConditionExpression: "attribute_not_exists(jobId) OR revision < :revision",
      ExpressionAttributeValues: { ":revision": original.revision },
    });
    expect(WRITE_CONDITION).toBe("attribute_not_exists(jobId) OR revision < :revision");
  });
});

describe("items read from an index", () => {
  it("expand to the fields the index projects, the child's index derived from its job id", () => {
    const child = toItem(record(terminalEvent("array-child")));
    const projected = pick(child, [
      "jobId",
      "parentJobId",
      "layout",
      "status",
      "exitCode",
      "stoppedAt",
    ]);
    // Strict: a projected field the item lacks is left out, not an undefined property.
    expect(fromIndexItem(stored(projected), BY_PARENT_JOB_ID)).toStrictEqual({
      jobId: "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46:1",
      parentJobId: "5a7c9e1b-3d5f-4a7c-8e0a-4b6d8f0a2c46",
      status: "SUCCEEDED",
      exitCode: 0,
      stoppedAt: 1793622253417,
      arrayIndex: 1,
    });
  });

  it("expand the queue of a run from the run's own region and account", () => {
    const run = toItem(record(terminalEvent("ec2-single")));
    const projected = pick(run, projectedAttributes(indexSchema(BY_JOB_NAME)));
    expect(fromIndexItem(stored(projected), BY_JOB_NAME)).toEqual({
      jobId: "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61",
      jobName: "etl-orders-20261101",
      createdAt: 1793610900123,
      status: "SUCCEEDED",
      exitCode: 0,
      startedAt: 1793610992262,
      stoppedAt: 1793611575656,
      jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand",
      region: "us-east-1",
      account: "123456789012",
    });
  });
});

function status(event: Record<string, unknown>): string {
  return String((event.detail as Record<string, unknown>).status);
}

function pick(item: StoredItem, names: string[]): StoredItem {
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
}

/**
 * Records whose values are drawn from small pools that include the derivable ones and the
 * awkward ones (values that start with "arn:" or "=", stream names ending in "/", fields that the
 * record lacks but would be derived), so that every override of the layout is exercised.
 */
function arbitraryRecord(maxAttempts = 3): fc.Arbitrary<JobRecord> {
  const regions = Object.keys(PARTITIONS);
  const uuid = "0b0b0b0b-0000-4000-8000-000000000001";
  const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const text = fc.constantFrom("a", "=a", "arn:x", "x/", "", "Essential container in task exited");
  const number = fc.constantFrom(0, 1, 137, 1793610992262);
  return fc
    .record({
      jobId: fc.constantFrom(uuid, `${uuid}:3`, `${uuid}#2`, `${uuid}:x`, "=", "arn:j"),
      region: fc.constantFrom(...regions),
      account: optional(fc.constantFrom("123456789012", "210987654321")),
      status: fc.constantFrom("SUCCEEDED", "FAILED", "RUNNING"),
      startedAt: optional(number),
      stoppedAt: optional(number),
      exitCode: optional(number),
      statusReason: optional(text),
      reason: optional(text),
      arrayIndex: optional(fc.constantFrom(0, 2, 3)),
      nodeIndex: optional(fc.constantFrom(0, 2)),
      eventId: fc.constantFrom("", "e-1"),
      recordedAt: number,
      revision: number,
      attempts: fc.array(arbitraryAttempt(text, number), { maxLength: maxAttempts }),
      streamSeeds: fc.array(
        fc.record({
          attempt: fc.constantFrom(1, 2, 3),
          container: fc.constantFrom("default", "app"),
          logGroup: fc.constantFrom("/aws/batch/job", "/custom"),
          logRegion: fc.constantFrom(...regions),
          name: fc.constantFrom("task", "x/", "=x", "plain", "p/"),
        }),
        { maxLength: 4 },
      ),
      arnSeeds: fc.record({
        jobArn: fc.constantFrom("derived", "other", "none", "=x"),
        jobQueue: fc.constantFrom("derived", "derived=", "other", "none", "plain"),
        jobDefinition: fc.constantFrom("derived", "derivedarn:", "none", "plain"),
        top: fc.constantFrom("derived", "other", "none"),
      }),
    })
    .map(({ streamSeeds, arnSeeds, ...r }) => {
      const partition = PARTITIONS[r.region];
      const batch = `arn:${partition}:batch:${r.region}:${r.account ?? "000000000000"}:`;
      const logStreams: LogStreamRef[] = streamSeeds.map((s) => {
        const task = r.attempts[s.attempt - 1]?.taskArn;
        const taskId = task ? task.slice(task.lastIndexOf("/") + 1) : "t";
        const logStreamName = s.name === "task" ? `p/${s.container}/${taskId}` : s.name;
        return {
          attempt: s.attempt,
          container: s.container,
          logGroup: s.logGroup,
          logRegion: s.logRegion,
          logStreamName,
        };
      });
      const main = logStreams.find((s) => s.attempt === logStreams.at(-1)?.attempt);
      const topLevel =
        arnSeeds.top === "derived"
          ? {
              logGroup: main?.logGroup,
              logRegion: main?.logRegion,
              logStreamName: main?.logStreamName,
            }
          : arnSeeds.top === "other"
            ? { logGroup: "/other", logRegion: "eu-west-1", logStreamName: "other/stream" }
            : {};
      const full = {
        ...r,
        logStreams,
        ...topLevel,
        jobArn: {
          derived: `${batch}job/${r.jobId}`,
          other: "arn:aws:batch:x",
          none: undefined,
          "=x": "=x",
        }[arnSeeds.jobArn],
        jobQueue: {
          derived: `${batch}job-queue/q`,
          "derived=": `${batch}job-queue/=q`,
          other: "arn:aws:batch:eu-west-1:1:job-queue/q",
          none: undefined,
          plain: "q",
        }[arnSeeds.jobQueue],
        jobDefinition: {
          derived: `${batch}job-definition/d:1`,
          "derivedarn:": `${batch}job-definition/arn:d`,
          none: undefined,
          plain: "=d",
        }[arnSeeds.jobDefinition],
      };
      return JSON.parse(JSON.stringify(full)) as JobRecord;
    });
}

function arbitraryAttempt(
  text: fc.Arbitrary<string>,
  number: fc.Arbitrary<number>,
): fc.Arbitrary<AttemptRecord> {
  const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  return fc
    .record({
      startedAt: optional(number),
      stoppedAt: optional(number),
      exitCode: optional(number),
      statusReason: optional(text),
      reason: optional(text),
      taskArn: optional(
        fc.constantFrom(
          "arn:aws:ecs:us-east-1:123456789012:task/cluster/abc123",
          "arn:aws:ecs:eu-west-1:123456789012:task/cluster/def456",
          "arn:aws:ecs:us-east-1:123456789012:task/",
          "=task",
          "task/",
        ),
      ),
      podName: optional(fc.constantFrom("pod-1")),
    })
    .map((a) => JSON.parse(JSON.stringify(a)) as AttemptRecord);
}

describe("what a job id says of itself (record/job-id.ts)", () => {
  test.each([
    ["uuid:12", ":", 12],
    ["uuid#3", "#", 3],
    ["a:b:7", ":", 7],
    ["uuid:12", "#", undefined],
    // No separator, or nothing before it: no index (the whole id is not an index).
    ["123", ":", undefined],
    [":5", ":", undefined],
    // Digits only, all of them, at most 9.
    ["uuid:12a", ":", undefined],
    ["uuid:a12", ":", undefined],
    ["uuid:", ":", undefined],
    ["uuid:1234567890", ":", undefined],
  ] as const)("indexAfter(%s, %s) is %s", (jobId, separator, index) => {
    expect(indexAfter(jobId, separator)).toBe(index);
  });

  test.each([
    ["uuid:12", true, false, "uuid"],
    ["uuid#3", false, true, "uuid"],
    ["a:b#2", false, true, "a:b"],
    // Neither a child nor a node: no parent, even when the id holds the word "undefined".
    ["job-undefined-1", false, false, undefined],
    // Nothing before the separator: no parent (a parent id is an index key, never empty).
    [":5", true, false, undefined],
    ["#5", false, true, undefined],
  ] as const)("parentOf(%s, child %s, node %s) is %s", (jobId, child, node, parent) => {
    expect(parentOf(jobId, child, node)).toBe(parent);
  });
});

describe("DynamoDB's item size (record/item-size.ts), value by value", () => {
  test.each<[string, Record<string, unknown>, number]>([
    // Names and strings: their UTF-8 bytes; an undefined attribute is not stored.
    ["a string", { a: "xyz" }, 1 + 3],
    ["UTF-8 bytes, not characters", { é: "€" }, 2 + 3],
    ["an undefined attribute", { a: undefined, b: "x" }, 1 + 1],
    ["null and booleans", { a: null, b: true }, 1 + 1 + 1 + 1],
    // A list: 3 bytes, and 1 per element plus the element.
    ["a list", { l: [1, "ab"] }, 1 + 3 + (1 + 2) + (1 + 2)],
    // A map: 3 bytes, and per attribute 1 plus its name and value; undefined ones left out.
    ["a map", { m: { x: "a", y: undefined } }, 1 + 3 + (1 + 1 + 1)],
    // Numbers: one byte per two significant digits, plus one, at most 21.
    ["zero", { n: 0 }, 1 + 2],
    ["six digits", { n: 123456 }, 1 + 4],
    ["inner zeros count", { n: 1000001 }, 1 + 5],
    ["leading zeros do not", { n: 0.0012 }, 1 + 2],
    ["the sign and point do not", { n: -12.5 }, 1 + 3],
    ["an exponent does not", { n: 1.5e300 }, 1 + 2],
    // 17 digits, the most a JavaScript number prints (DynamoDB's cap of 21 bytes is never reached).
    ["the largest number", { n: Number.MAX_VALUE }, 1 + 10],
  ])("%s", (_what, item, bytes) => {
    expect(itemSizeBytes(item)).toBe(bytes);
  });

  test("write units: one per started KB, at least one", () => {
    expect(writeUnits({})).toBe(1);
    expect(writeUnits({ a: "x".repeat(WRITE_UNIT_BYTES - 1) })).toBe(1);
    expect(writeUnits({ a: "x".repeat(WRITE_UNIT_BYTES) })).toBe(2);
    expect(writeUnits({ a: "x".repeat(3 * WRITE_UNIT_BYTES) })).toBe(4);
  });

  test("a value DynamoDB cannot hold is an error naming its type", () => {
    expect(() => itemSizeBytes({ f: () => 1 })).toThrow("cannot size a function");
  });
});

describe("the identifiers of a stored item (record/identifiers.ts)", () => {
  const ids = identifierLayout();
  const ACCOUNT = "123456789012";

  test.each([
    ["us-east-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["eusc-de-east-1", "aws-eusc"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
    ["eu-isoe-west-1", "aws-iso-e"],
    ["us-isof-south-1", "aws-iso-f"],
  ])("the prefixes of a job in %s are in partition %s", (region, partition) => {
    expect(ids.prefixesOf({ region, account: ACCOUNT })).toEqual({
      queue: `arn:${partition}:batch:${region}:${ACCOUNT}:job-queue/`,
      definition: `arn:${partition}:batch:${region}:${ACCOUNT}:job-definition/`,
      job: `arn:${partition}:batch:${region}:${ACCOUNT}:job/`,
      task: `arn:${partition}:ecs:${region}:${ACCOUNT}:task/`,
    });
  });

  test("no prefixes without a region and an account, both strings", () => {
    const none = { queue: undefined, definition: undefined, job: undefined, task: undefined };
    expect(ids.prefixesOf({ region: "us-east-1" })).toEqual(none);
    expect(ids.prefixesOf({ account: ACCOUNT })).toEqual(none);
    expect(ids.prefixesOf({ region: 1, account: ACCOUNT })).toEqual(none);
  });

  const prefix = `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/`;
  test.each<[string, string | undefined, string]>([
    // The part after the prefix, when it rebuilds the value exactly.
    [`${prefix}ec2-spot`, prefix, "ec2-spot"],
    // Nothing after the prefix, or a rest that would read as another form: kept whole.
    [prefix, prefix, prefix],
    [`${prefix}arn:x`, prefix, `${prefix}arn:x`],
    [`${prefix}=x`, prefix, `${prefix}=x`],
    [`${prefix}/x`, prefix, `${prefix}/x`],
    // Another ARN as it is; anything else marked with "=", with or without a prefix.
    [
      "arn:aws:batch:eu-west-1:999999999999:job-queue/q",
      prefix,
      "arn:aws:batch:eu-west-1:999999999999:job-queue/q",
    ],
    ["ec2-spot", prefix, "=ec2-spot"],
    ["ec2-spot", undefined, "=ec2-spot"],
  ])("shorten(%s) is %s, and lengthen gives it back", (value, p, stored) => {
    expect(ids.shorten(value, p)).toBe(stored);
    expect(ids.lengthen(stored, p)).toBe(value);
  });

  test("lengthen: nothing stored is nothing; a bare rest without a prefix is itself", () => {
    expect(ids.lengthen(undefined, prefix)).toBeUndefined();
    expect(ids.lengthen(7, prefix)).toBeUndefined();
    expect(ids.lengthen("q", undefined)).toBe("q");
  });

  test("override stores only what differs from the derived value, null for none; restore reads it back", () => {
    const item: StoredItem = {} as StoredItem;
    ids.override(item, "same", "x", "x");
    ids.override(item, "differs", "y", "x");
    ids.override(item, "none", undefined, "x");
    expect(item).toEqual({ differs: "y", none: null });
    expect(ids.restore(item, "same", "x")).toBe("x");
    expect(ids.restore(item, "differs", "x")).toBe("y");
    expect(ids.restore(item, "none", "x")).toBeUndefined();
  });
});

describe("the listing keys of an item (record/index-keys.ts)", () => {
  const keys = listKeys();
  const JOB = "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61";
  /** 2026-12-04 23:59:59.999 UTC, the last millisecond of a day. */
  const LAST_MS = 1_796_428_799_999;

  test("eight shards, and the three attributes it adds", () => {
    expect([LIST_SHARDS, keys.shards]).toEqual([8, 8]);
    expect(LIST_ATTRIBUTES).toEqual(["listedAt", "listStatus", "listQueue"]);
  });

  // FNV-1a (32 bits) over UTF-16 code units, computed independently, modulo 8.
  test.each<[string, number]>([
    ["", 5], // 0x811c9dc5, the offset basis
    ["a", 4], // 0xe40c292c: above 2^31, an unsigned hash
    ["foobar", 0], // 0xbf9cf968
    [JOB, 2], // 0x0872232a
    [`${JOB}:7`, 5], // 0x58a5c105: an array child, not its parent's shard
    ["job-é€😀", 3], // 0x6d1e3863: code units beyond a byte, a surrogate pair
  ])("the shard of %j is %i", (jobId, shard) => {
    expect(keys.shardOf(jobId)).toBe(shard);
  });

  test.each<[number, string]>([
    [0, "19700101"],
    [LAST_MS, "20261204"],
    [LAST_MS + 1, "20261205"],
    [1_800_000_000_000, "20270115"],
  ])("the UTC day of %i is %s", (ms, day) => {
    expect(keys.dayOf(ms)).toBe(day);
  });

  test.each<[string, string]>([
    ["arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand", "ec2-ondemand"],
    ["arn:aws-cn:batch:cn-north-1:123456789012:job-queue/q:with:colons", "q:with:colons"],
    ["ec2-ondemand", "ec2-ondemand"],
    ["not-an-arn:job-queue/x", "not-an-arn:job-queue/x"],
    [
      "arn:aws:batch:us-east-1:123456789012:compute-environment/ce",
      "arn:aws:batch:us-east-1:123456789012:compute-environment/ce",
    ],
  ])("the queue name of %s is %s", (queue, name) => {
    expect(keys.queueName(queue)).toBe(name);
  });

  test("a job is listed when it ended, else at its last event, else when it was recorded", () => {
    expect(keys.listedAtOf({ stoppedAt: 3, eventTime: 2, recordedAt: 1 })).toBe(3);
    expect(keys.listedAtOf({ stoppedAt: 0, eventTime: 2, recordedAt: 1 })).toBe(0);
    expect(keys.listedAtOf({ eventTime: 2, recordedAt: 1 })).toBe(2);
    expect(keys.listedAtOf({ recordedAt: 1 })).toBe(1);
    expect(keys.listedAtOf({})).toBeUndefined();
  });

  test("an item's keys: status and queue by day and shard; none without a time or a status", () => {
    const queue = "arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand";
    expect(
      keys.itemListKeys({ jobId: JOB, status: "FAILED", jobQueue: queue, stoppedAt: LAST_MS }),
    ).toStrictEqual({
      listedAt: LAST_MS,
      listStatus: "FAILED#20261204#2",
      listQueue: "ec2-ondemand#20261204#2",
    });
    expect(keys.itemListKeys({ jobId: "a", status: "RUNNING", eventTime: 0 })).toStrictEqual({
      listedAt: 0,
      listStatus: "RUNNING#19700101#4",
    });
    expect(keys.itemListKeys({ jobId: JOB, jobQueue: queue, stoppedAt: LAST_MS })).toStrictEqual(
      {},
    );
    const notAString = { jobId: JOB, status: 7 as unknown as string, stoppedAt: LAST_MS };
    expect(keys.itemListKeys(notAString)).toStrictEqual({});
    expect(keys.itemListKeys({ jobId: JOB, status: "FAILED", jobQueue: queue })).toStrictEqual({});
  });
});

describe("the table's schema (record/schema.ts), as the program declares it", () => {
  const LISTED = [
    "layout",
    "jobName",
    "createdAt",
    "status",
    "exitCode",
    "startedAt",
    "stoppedAt",
    "jobQueue",
    "region",
    "account",
  ];
  /** What the index of a parent's children projects. */
  const CHILDREN = ["layout", "status", "exitCode", "stoppedAt", "arrayIndex", "nodeIndex"];

  test("the key, the key attributes' types and four indexes, each projecting its list", () => {
    expect(tableKeysAndIndexes()).toStrictEqual({
      hashKey: "jobId",
      attributes: [
        { name: "jobId", type: "S" },
        { name: "jobName", type: "S" },
        { name: "createdAt", type: "N" },
        { name: "parentJobId", type: "S" },
        { name: "listStatus", type: "S" },
        { name: "listQueue", type: "S" },
        { name: "listedAt", type: "N" },
      ],
      globalSecondaryIndexes: [
        {
          name: "byJobName",
          hashKey: "jobName",
          rangeKey: "createdAt",
          projectionType: "INCLUDE",
          nonKeyAttributes: LISTED.filter((a) => a !== "jobName" && a !== "createdAt"),
        },
        {
          name: "byParentJobId",
          hashKey: "parentJobId",
          rangeKey: "jobId",
          projectionType: "INCLUDE",
          nonKeyAttributes: CHILDREN,
        },
        {
          name: "byStatusDay",
          hashKey: "listStatus",
          rangeKey: "listedAt",
          projectionType: "INCLUDE",
          nonKeyAttributes: LISTED,
        },
        {
          name: "byQueueDay",
          hashKey: "listQueue",
          rangeKey: "listedAt",
          projectionType: "INCLUDE",
          nonKeyAttributes: LISTED,
        },
      ],
    });
    expect(TABLE_SCHEMA.ttlAttribute).toBe("expiresAt");
  });

  test("an index's attributes: the table's key, the index's keys, what it projects", () => {
    expect(projectedAttributes(indexSchema("byParentJobId"))).toEqual([
      "jobId",
      "parentJobId",
      "jobId",
      ...CHILDREN,
    ]);
    expect(projectedAttributes(indexSchema("byStatusDay"))).toEqual([
      "jobId",
      "listStatus",
      "listedAt",
      ...LISTED,
    ]);
  });

  test("an index it does not have is an error naming it", () => {
    expect(() => indexSchema("byColour")).toThrow(
      new Error("The job table has no index byColour."),
    );
  });
});

describe("the stored form of streams and attempts (record/attempt-layout.ts)", () => {
  const layout = attemptLayout();
  const REGION = "us-east-1";
  const PREFIX = "arn:aws:ecs:us-east-1:123456789012:task/";
  const task = (rest: string) => PREFIX + rest;
  const stream = (attempt: number, container: string, logStreamName: string): LogStreamRef => ({
    attempt,
    container,
    logGroup: "/aws/batch/job",
    logRegion: REGION,
    logStreamName,
  });
  /** Stored, then read back: the exact stored form, and the streams again. */
  const roundTrip = (streams: LogStreamRef[], attempts: AttemptRecord[]) => {
    const stored = layout.compactStreams(streams, attempts, REGION);
    expect(
      layout.expandStreams(JSON.parse(JSON.stringify(stored)), attempts, REGION),
    ).toStrictEqual(streams);
    return stored;
  };

  test("a name its attempt's task completes is stored as its prefix, any other whole", () => {
    const attempts: AttemptRecord[] = [{ taskArn: task("ce/0123abcd") }];
    expect(
      roundTrip(
        [
          stream(1, "default", "job/default/0123abcd"), // the task completes it
          stream(1, "app", "job/app/0123abcd"), // another container's: its own suffix
          stream(1, "side", "/side/0123abcd"), // nothing before the suffix: whole
          stream(1, "other", "job/other/ffff"), // another task's: whole
          stream(1, "x", "=x/x/0123abcd"), // a prefix that starts with "=": escaped whole
        ],
        attempts,
      ),
    ).toStrictEqual([
      "job/",
      { container: "app", logStreamName: "job/" },
      { container: "side", logStreamName: "/side/0123abcd" },
      { container: "other", logStreamName: "job/other/ffff" },
      { container: "x", logStreamName: "==x/x/0123abcd" },
    ]);
  });

  test("names ending in / or starting with = are escaped; no task, no suffix", () => {
    const noTask: AttemptRecord[] = [{}];
    expect(
      roundTrip(
        [stream(1, "default", "a/"), stream(2, "default", "=b"), stream(3, "default", "c")],
        [
          ...noTask,
          { taskArn: task("ce/") }, // a task id that is empty: no suffix
          {},
        ],
      ),
    ).toStrictEqual(["=a/", "==b", "c"]);
    // A stored prefix whose attempt has no task is read as the prefix alone.
    expect(layout.expandStreams(["p/"], noTask, REGION)).toStrictEqual([stream(1, "default", "p")]);
    expect(layout.expandStreams("not a list", noTask, REGION)).toStrictEqual([]);
  });

  test("the attempt is stored only where it is not the one assumed", () => {
    // The same container as the stream before: the next attempt; another container: the same.
    expect(
      roundTrip(
        [
          stream(1, "a", "s1"),
          stream(1, "b", "s2"),
          stream(2, "b", "s3"),
          stream(2, "a", "s4"),
          stream(4, "a", "s5"),
        ],
        [],
      ),
    ).toStrictEqual([
      { container: "a", logStreamName: "s1" },
      { container: "b", logStreamName: "s2" },
      { container: "b", logStreamName: "s3" },
      { container: "a", logStreamName: "s4" },
      { attempt: 4, container: "a", logStreamName: "s5" },
    ]);
  });

  test("a task in the cluster of the attempt before is stored as /<task id>; any other as itself", () => {
    const job = { exitCode: 0 } as JobRecord;
    const compact = (taskArn: string, previous?: string) =>
      layout.compactAttempt({ taskArn, exitCode: 0 }, job, PREFIX, previous);
    expect(compact(task("ce/t2"), task("ce/t1"))).toStrictEqual({ taskArn: "/t2" });
    expect(compact(task("other/t2"), task("ce/t1"))).toStrictEqual({ taskArn: "other/t2" });
    expect(compact(task("ce/t1"))).toStrictEqual({ taskArn: "ce/t1" });
    // Old task ARNs without a cluster: nothing in common.
    expect(compact(task("t2"), task("t1"))).toStrictEqual({ taskArn: "t2" });
    // Another region's tasks stay whole, even in one cluster.
    const abroad = (id: string) => `arn:aws:ecs:eu-west-1:123456789012:task/ce/${id}`;
    expect(compact(abroad("t2"), abroad("t1"))).toStrictEqual({ taskArn: abroad("t2") });
    // Read back against the same previous task, each is the ARN again.
    for (const [arn, previous] of [
      [task("ce/t2"), task("ce/t1")],
      [task("other/t2"), task("ce/t1")],
      [task("t2"), task("t1")],
      [abroad("t2"), abroad("t1")],
    ]) {
      const stored = compact(arn, previous);
      expect(layout.expandAttempt(stored, { exitCode: 0 }, PREFIX, previous)).toStrictEqual({
        taskArn: arn,
        exitCode: 0,
      });
    }
  });

  test("an attempt holds no undefined field, and reads a null one as absent", () => {
    const job = { exitCode: 1, reason: "r" } as JobRecord;
    const attempt = {
      exitCode: 1,
      reason: "r",
      podName: undefined,
      nodeName: "n",
    } as AttemptRecord;
    expect(layout.compactAttempt(attempt, job, PREFIX, undefined)).toStrictEqual({ nodeName: "n" });
    expect(
      layout.expandAttempt({ nodeName: "n", podName: null }, { exitCode: 1 }, PREFIX, undefined),
    ).toStrictEqual({ nodeName: "n", exitCode: 1 });
  });
});
