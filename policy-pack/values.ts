/**
 * What every policy of the pack shares: reading resource properties that may be unknown during
 * preview, and the statements of IAM-style policy documents.
 *
 * Unknown values: during `pulumi preview`, a value computed from a resource that does not exist
 * yet (the ARN of a KMS key created in the same stack) reaches a policy behind @pulumi/policy's
 * unknownCheckingProxy, which throws on access. Every policy reads properties through `read`,
 * which turns that into UNKNOWN, and reports only what the known values prove: a policy never
 * fails a preview on a value it cannot see. During `pulumi up` the same policies run again on
 * the resolved values.
 */
import { type ReportViolation, UnknownValueError } from "@pulumi/policy";

/** Stands for a value that is unknown during preview. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/** Whether something holds: "maybe" when it depends on a value unknown during preview. */
export type Verdict = "yes" | "no" | "maybe";

/** `obj[key]`, or UNKNOWN when the value is unknown during preview. */
export function read<T extends object, K extends keyof T>(obj: T, key: K): T[K] | Unknown {
  try {
    return obj[key];
  } catch (e) {
    if (isUnknownValueError(e)) return UNKNOWN;
    throw e;
  }
}

/**
 * unknownCheckingProxy throws UnknownValueError. The class is matched by name too, so that a
 * proxy from another copy of @pulumi/policy (a test's) is recognised.
 */
export function isUnknownValueError(e: unknown): boolean {
  return (
    e instanceof UnknownValueError ||
    (e instanceof Error && e.constructor.name === "UnknownValueError")
  );
}

/** The known object elements of a list that may be absent, unknown or hold unknown elements. */
export function elements<T>(list: readonly T[] | undefined | Unknown): NonNullable<T>[] {
  if (list === undefined || list === null || list === UNKNOWN || !Array.isArray(list)) return [];
  const result: NonNullable<T>[] = [];
  for (let i = 0; i < list.length; i++) {
    const element = read(list, i);
    if (
      element !== UNKNOWN &&
      element !== undefined &&
      element !== null &&
      typeof element === "object"
    ) {
      result.push(element as NonNullable<T>);
    }
  }
  return result;
}

/** A value that is, or will be, a non-empty string (an ARN, a key id). */
export function isSet(value: unknown): boolean {
  return value === UNKNOWN || (typeof value === "string" && value !== "");
}

/** Reports each distinct message once per resource. */
export function once(reportViolation: ReportViolation): (message: string) => void {
  const reported = new Set<string>();
  return (message) => {
    if (reported.has(message)) return;
    reported.add(message);
    reportViolation(message);
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The statements of a policy document given as JSON text or as an object; [] when unknown. */
export function statementsOf(document: unknown): Record<string, unknown>[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return []; // Not a policy document: IAM rejects it before it grants anything.
    }
  }
  if (!isObject(parsed)) return [];
  const statement = read(parsed, "Statement");
  if (Array.isArray(statement)) return elements(statement) as Record<string, unknown>[];
  return isObject(statement) ? [statement] : [];
}

/** The known strings of a field that holds a string or a list of strings. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) return [];
  const result: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const element = read(value, i);
    if (typeof element === "string") result.push(element);
  }
  return result;
}
