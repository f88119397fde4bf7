/**
 * The twin's EventBridge rule matcher, cut to what this program emits. Its rules (index.ts, and
 * infra/hub.ts with the same pattern) match exact values only:
 *
 *   { "source": ["aws.batch"], "detail-type": ["Batch Job State Change"],
 *     "detail": { "status": [...statuses], "jobQueue": [...queues] } }
 *
 * So this module implements that part of EventBridge's pattern language and refuses the rest
 * with a message naming the field and the construct: an object of fields, nested objects, and at
 * each leaf a non-empty list of exact values (strings, numbers, booleans or null). A field
 * matches when its value, or one element of it when the event holds a list, equals one of the
 * listed values (EventBridge's array rule); every field of the pattern must match, and a field
 * absent from the event matches nothing. Content filters (`prefix`, `suffix`, `anything-but`,
 * `numeric`, `exists`, `cidr`, `wildcard`, `equals-ignore-case`) and `$or` are refused: a change
 * to the program that starts emitting one must extend this matcher, with its tests.
 */

export type EventPattern = Record<string, unknown>;

type Exact = string | number | boolean | null;

/** Throws an Error naming the path when the pattern is not one this twin can match. */
export function validateEventPattern(pattern: unknown): asserts pattern is EventPattern {
  if (!isObject(pattern)) {
    throw new Error(`Invalid event pattern: it must be a JSON object, got ${describe(pattern)}.`);
  }
  validateFields(pattern, "");
}

/** True when `event` matches `pattern` (validated first). */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

/** Validates the pattern once and returns a matcher for many events. */
export function compileEventPattern(pattern: unknown): (event: unknown) => boolean {
  validateEventPattern(pattern);
  return (event) => matchesFields(pattern, event);
}

function validateFields(pattern: Record<string, unknown>, path: string): void {
  const names = Object.keys(pattern);
  if (names.length === 0) {
    throw new Error(`Invalid event pattern: ${where(path)} is an empty object.`);
  }
  for (const name of names) {
    const at = path === "" ? name : `${path}.${name}`;
    const value = pattern[name];
    if (name === "$or") throw unsupported(at, "$or");
    if (isObject(value)) validateFields(value, at);
    else if (Array.isArray(value)) validateValues(value, at);
    else {
      throw new Error(
        `Invalid event pattern: ${at} must be a list of values or an object of fields, got ${describe(value)}.`,
      );
    }
  }
}

function validateValues(values: readonly unknown[], path: string): void {
  if (values.length === 0) {
    throw new Error(`Invalid event pattern: ${path} is an empty list, which matches nothing.`);
  }
  for (const value of values) {
    if (isObject(value)) {
      const [operator = "{}"] = Object.keys(value);
      throw unsupported(path, operator);
    }
    if (!isExact(value)) {
      throw new Error(
        `Invalid event pattern: ${path} may list strings, numbers, booleans or null, got ${describe(value)}.`,
      );
    }
  }
}

/** The refusal of a construct EventBridge has but this program never emits. */
function unsupported(path: string, construct: string): Error {
  return new Error(
    `Unsupported event pattern: ${path} uses "${construct}"; the twin matches exact values only, ` +
      "as the program's rules do (twin/event-pattern.ts).",
  );
}

function matchesFields(pattern: Record<string, unknown>, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([name, expected]) => {
    if (!Object.hasOwn(event, name)) return false;
    const actual = event[name];
    if (isObject(expected)) return matchesFields(expected, actual);
    const values = expected as readonly Exact[];
    const candidates = Array.isArray(actual) ? actual : [actual];
    return candidates.some((c) => values.some((v) => v === c));
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isExact(value: unknown): value is Exact {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function where(path: string): string {
  return path === "" ? "the pattern" : path;
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
