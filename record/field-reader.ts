/**
 * Typed access to an event's fields (record/build.ts): null counts as absent, a value of the wrong
 * type is an InvalidEventError naming the event and the field; free text is cut by `truncate`. A
 * factory, like the rest of what the Lambda runs (record/build.ts says why).
 */
import * as constants from "./constants";

/** A malformed event: names the event and what is wrong with it. */
export interface InvalidEventError extends Error {
  readonly name: "InvalidEventError";
  readonly eventId: string;
  readonly problem: string;
}

/** Typed access to event fields: null counts as absent; a wrong type throws InvalidEventError. */
export interface FieldReader {
  fail(problem: string): never;
  object(value: unknown, path: string): Record<string, unknown> | undefined;
  objects(value: unknown, path: string): Record<string, unknown>[];
  array(value: unknown, path: string): unknown[] | undefined;
  /** An identifier: at most MAX_FIELD_LENGTH characters. */
  string(value: unknown, path: string): string | undefined;
  /** Free text (a reason): any length, cut later by `truncate`. */
  text(value: unknown, path: string): string | undefined;
  number(value: unknown, path: string): number | undefined;
  boolean(value: unknown, path: string): boolean | undefined;
}

export function fieldReading() {
  const { undefined, Object, Math, Number, Array, Error, JSON, String } = globalThis;
  const { MAX_TEXT_LENGTH, MAX_FIELD_LENGTH } = constants;

  /**
   * A plain Error, not a subclass: Pulumi's closure serializer turns `class extends Error` into a
   * function that calls `Error.call(this, message)`, which sets no message and no stack.
   */
  function invalidEventError(eventId: string, problem: string): InvalidEventError {
    return Object.assign(new Error(`Invalid Batch event ${eventId}: ${problem}`), {
      name: "InvalidEventError" as const,
      eventId,
      problem,
    });
  }

  function isInvalidEventError(error: unknown): error is InvalidEventError {
    return error instanceof Error && error.name === "InvalidEventError";
  }

  /**
   * Cuts text longer than MAX_TEXT_LENGTH UTF-16 code units, saying how many were cut; never
   * between the two halves of a surrogate pair (an emoji), which would leave a string that is not
   * valid Unicode and so cannot be encoded as the UTF-8 DynamoDB stores.
   */
  function truncate(text: string | undefined): string | undefined {
    if (text === undefined || text.length <= MAX_TEXT_LENGTH) return text;
    const last = text.charCodeAt(MAX_TEXT_LENGTH - 1);
    const cut = last >= 0xd800 && last <= 0xdbff ? MAX_TEXT_LENGTH - 1 : MAX_TEXT_LENGTH;
    return `${text.slice(0, cut)} [truncated ${text.length - cut} characters]`;
  }

  function fieldReader(eventId: string): FieldReader {
    const fail = (problem: string): never => {
      throw invalidEventError(eventId, problem);
    };
    const wrong = (path: string, expected: string, value: unknown): never =>
      fail(`"${path}" must be ${expected}, got ${describeValue(value)}`);
    const reader: FieldReader = {
      fail,
      object: (value, path) =>
        value === undefined || value === null
          ? undefined
          : typeof value === "object" && !Array.isArray(value)
            ? (value as Record<string, unknown>)
            : wrong(path, "an object", value),
      array: (value, path) =>
        value === undefined || value === null
          ? undefined
          : Array.isArray(value)
            ? value
            : wrong(path, "an array", value),
      objects: (value, path) =>
        (reader.array(value, path) ?? []).map(
          (item, i) =>
            reader.object(item, `${path}[${i}]`) ?? wrong(`${path}[${i}]`, "an object", item),
        ),
      text: (value, path) =>
        value === undefined || value === null
          ? undefined
          : typeof value === "string"
            ? value
            : wrong(path, "a string", value),
      string: (value, path) => {
        const text = reader.text(value, path);
        return text === undefined || text.length <= MAX_FIELD_LENGTH
          ? text
          : wrong(path, `at most ${MAX_FIELD_LENGTH} characters`, value);
      },
      number: (value, path) =>
        value === undefined || value === null
          ? undefined
          : typeof value === "number" && Math.abs(value) <= Number.MAX_SAFE_INTEGER
            ? value
            : wrong(
                path,
                typeof value === "number" ? "a number within ±(2^53 - 1)" : "a number",
                value,
              ),
      boolean: (value, path) =>
        value === undefined || value === null
          ? undefined
          : typeof value === "boolean"
            ? value
            : wrong(path, "a boolean", value),
    };
    return reader;
  }

  /** A short, safe description of a value for error messages. */
  function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "string") {
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
    }
    if (typeof value === "object") return "an object";
    return `${typeof value} ${String(value)}`;
  }

  /** Drops undefined properties so records compare and marshal cleanly. */
  function compact<T extends object>(value: T): T {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
    return out as T;
  }

  return { invalidEventError, isInvalidEventError, fieldReader, describeValue, truncate, compact };
}
