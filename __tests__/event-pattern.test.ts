/**
 * The twin's rule matcher (twin/event-pattern.ts): exact values at nested fields, as the program's
 * rules use them, with EventBridge's rule for events that hold a list; everything else refused
 * with a message naming the field.
 */
import {
  compileEventPattern,
  matchesEventPattern,
  validateEventPattern,
  type EventPattern,
} from "../twin/event-pattern";
import { fixture } from "./helpers/fixtures";

/** The pattern index.ts emits, with a queue list (config jobQueues). */
const PROGRAM: EventPattern = {
  source: ["aws.batch"],
  "detail-type": ["Batch Job State Change"],
  detail: { status: ["SUCCEEDED", "FAILED"], jobQueue: ["arn:q1", "arn:q2"] },
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An event matching PROGRAM, with one mutation. */
function event(mutate: (e: Json) => void = () => {}): unknown {
  const e: Json = {
    source: "aws.batch",
    "detail-type": "Batch Job State Change",
    detail: { status: "FAILED", jobQueue: "arn:q2", jobId: "j" },
  };
  mutate(e);
  return e;
}

describe("matching", () => {
  test.each([
    ["the program's pattern, every field listed", event(), true],
    ["another listed value", event((e) => (e.detail.status = "SUCCEEDED")), true],
    ["a value not listed", event((e) => (e.detail.status = "RUNNING")), false],
    ["values are case-sensitive", event((e) => (e.detail.status = "failed")), false],
    ["another detail-type", event((e) => (e["detail-type"] = "Batch Job Queue Blocked")), false],
    ["a pattern field absent from the event", event((e) => delete e.detail.jobQueue), false],
    [
      "an object where a value is expected",
      event((e) => (e.detail.status = { s: "FAILED" })),
      false,
    ],
    ["a value where an object is expected", event((e) => (e.detail = "FAILED")), false],
    [
      "an event field that is a list: one element listed",
      event((e) => (e.source = ["x", "aws.batch"])),
      true,
    ],
    ["an event field that is a list: none listed", event((e) => (e.source = ["x", "y"])), false],
    ["fields the pattern does not name are ignored", event((e) => (e.detail.extra = 1)), true],
  ])("%s", (_name, e, expected) => {
    expect(matchesEventPattern(PROGRAM, e)).toBe(expected);
  });

  test("numbers, booleans and null match exactly", () => {
    const pattern = { a: [1], b: [false], c: [null] };
    expect(matchesEventPattern(pattern, { a: 1, b: false, c: null })).toBe(true);
    expect(matchesEventPattern(pattern, { a: "1", b: false, c: null })).toBe(false);
    expect(matchesEventPattern(pattern, { a: 1, b: 0, c: null })).toBe(false);
    expect(matchesEventPattern(pattern, { a: 1, b: false })).toBe(false);
  });

  test("the fixtures: the terminal state changes match, the queue-blocked event does not", () => {
    const matches = compileEventPattern({
      source: ["aws.batch"],
      "detail-type": ["Batch Job State Change"],
      detail: { status: ["SUCCEEDED", "FAILED"] },
    });
    const terminal = fixture("retried").filter(matches);
    expect(terminal.map((e) => e.detail.status)).toEqual(["SUCCEEDED"]);
    expect(fixture("queue-blocked").filter(matches)).toEqual([]);
  });
});

describe("refused, naming the field", () => {
  const ONLY =
    "the twin matches exact values only, as the program's rules do (twin/event-pattern.ts).";
  test.each([
    [
      { detail: { status: [{ prefix: "FAIL" }] } },
      `Unsupported event pattern: detail.status uses "prefix"; ${ONLY}`,
    ],
    [
      { source: [{ "anything-but": "x" }] },
      `Unsupported event pattern: source uses "anything-but"; ${ONLY}`,
    ],
    [
      { detail: { exitCode: [{ numeric: [">", 0] }] } },
      `Unsupported event pattern: detail.exitCode uses "numeric"; ${ONLY}`,
    ],
    [
      { detail: { jobQueue: [{ exists: true }] } },
      `Unsupported event pattern: detail.jobQueue uses "exists"; ${ONLY}`,
    ],
    [
      { source: [{ "equals-ignore-case": "AWS.BATCH" }] },
      `Unsupported event pattern: source uses "equals-ignore-case"; ${ONLY}`,
    ],
    [
      { source: [{ wildcard: "aws.*" }] },
      `Unsupported event pattern: source uses "wildcard"; ${ONLY}`,
    ],
    [
      { $or: [{ source: ["a"] }, { source: ["b"] }] },
      `Unsupported event pattern: $or uses "$or"; ${ONLY}`,
    ],
    [
      { detail: { $or: [{ a: ["1"] }] } },
      `Unsupported event pattern: detail.$or uses "$or"; ${ONLY}`,
    ],
    [[], "Invalid event pattern: it must be a JSON object, got []."],
    ["x", 'Invalid event pattern: it must be a JSON object, got "x".'],
    [{}, "Invalid event pattern: the pattern is an empty object."],
    [{ detail: {} }, "Invalid event pattern: detail is an empty object."],
    [{ source: [] }, "Invalid event pattern: source is an empty list, which matches nothing."],
    [
      { source: "aws.batch" },
      'Invalid event pattern: source must be a list of values or an object of fields, got "aws.batch".',
    ],
    [
      { source: [["aws.batch"]] },
      'Invalid event pattern: source may list strings, numbers, booleans or null, got ["aws.batch"].',
    ],
  ])("%j", (pattern, message) => {
    expect(() => validateEventPattern(pattern)).toThrow(message);
    expect(() => compileEventPattern(pattern)).toThrow(message);
  });
});
