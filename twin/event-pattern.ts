/**
 * EventBridge content-filter matcher for the local replay tool: decides whether an event matches
 * the event pattern of the rule we deploy.
 *
 * Behaviour follows the Amazon EventBridge User Guide pages "Creating Amazon EventBridge event
 * patterns", "Comparison operators for use in event patterns in Amazon EventBridge" (formerly
 * "Content filtering in Amazon EventBridge event patterns"), "Arrays in Amazon EventBridge event
 * patterns" and "Matching null values and empty strings in Amazon EventBridge event patterns".
 * Where the docs are silent, behaviour follows aws/event-ruler (the engine EventBridge documents
 * its semantics from); each such place says so.
 *
 * Deliberate limits (see also the comments at each operator):
 * - Exact number matching. The docs say: "For numbers, EventBridge uses string representation.
 *   For example, 300, 300.0, and 3.0e2 are not considered equal." This API receives already-parsed
 *   JavaScript values, and JSON.parse turns 300, 300.0 and 3.0e2 into the same number, so the
 *   lexical form the docs compare is gone: here they all match each other. (Some emulators compare
 *   numerically on purpose; the docs say the opposite.) Use `numeric` with "=" for numeric equality.
 * - Pattern size and wildcard "rule is too complex" limits are not enforced.
 */
import { isIPv4, isIPv6 } from "node:net";

export type EventPattern = Record<string, unknown>;

type Scalar = string | number | boolean | null;
type JsonObject = Record<string, unknown>;

/** Stands for a field that is absent from the event (as opposed to present with value null). */
const MISSING: unique symbol = Symbol("missing");

const OR_KEY = "$or";
const EQUALS_IGNORE_CASE = "equals-ignore-case";

/** "It is limited to values between -5.0e9 and +5.0e9 inclusive" (numeric matching, docs). */
const NUMERIC_LIMIT = 5e9;

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Throws an Error with a clear message naming the offending path when the pattern is not valid EventBridge syntax. */
export function validateEventPattern(pattern: unknown): asserts pattern is EventPattern {
  if (!isJsonObject(pattern)) {
    throw new Error(
      `Invalid event pattern: the pattern must be a JSON object, got ${describe(pattern)}`,
    );
  }
  validateObjectPattern(pattern, "");
}

/** True when the event matches the pattern (pattern must be valid; call validateEventPattern first or this validates too). */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  validateEventPattern(pattern);
  return matchesObjectPattern(pattern, event);
}

/**
 * Validates the pattern once (throwing as validateEventPattern does) and returns a matcher that
 * does not validate again: for matching many events against one pattern.
 */
export function compileEventPattern(pattern: unknown): (event: unknown) => boolean {
  validateEventPattern(pattern);
  return (event) => matchesObjectPattern(pattern, event);
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

class PatternError extends Error {
  constructor(path: string, reason: string) {
    super(`Invalid event pattern at "${path}": ${reason}`);
    this.name = "PatternError";
  }
}

function validateObjectPattern(pattern: JsonObject, path: string): void {
  for (const [key, rule] of Object.entries(pattern)) {
    const fieldPath = joinPath(path, key);
    if (key === OR_KEY) validateOr(rule, fieldPath);
    else if (isJsonObject(rule)) validateObjectPattern(rule, fieldPath);
    else if (Array.isArray(rule)) validateMatchList(rule, fieldPath);
    else {
      throw new PatternError(
        fieldPath,
        `a field must map to an object or an array of match values, got ${describe(rule)}`,
      );
    }
  }
}

/** `"$or": [ {...}, {...} ]`: every branch is a pattern at the same level; two or more branches. */
function validateOr(rule: unknown, path: string): void {
  if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isJsonObject)) {
    throw new PatternError(path, "$or must be an array of at least two pattern objects");
  }
  rule.forEach((branch, index) => validateObjectPattern(branch, `${path}[${index}]`));
}

function validateMatchList(list: readonly unknown[], path: string): void {
  if (list.length === 0) throw new PatternError(path, "empty arrays are not allowed");
  list.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (isJsonObject(item)) validateMatchExpression(item, itemPath);
    else if (!isScalar(item) || (typeof item === "number" && !Number.isFinite(item))) {
      throw new PatternError(
        itemPath,
        `a match value must be a string, number, boolean, null or match expression object, got ${describe(item)}`,
      );
    }
  });
}

type Validator = (operand: unknown, path: string) => void;

const EXPRESSION_VALIDATORS: Record<string, Validator> = {
  prefix: validateAffix,
  suffix: validateAffix,
  [EQUALS_IGNORE_CASE]: validateString,
  wildcard: validateWildcard,
  exists: validateExists,
  numeric: validateNumeric,
  cidr: validateCidr,
  "anything-but": validateAnythingBut,
};

function validateMatchExpression(expression: JsonObject, path: string): void {
  const keys = Object.keys(expression);
  if (keys.length !== 1) {
    throw new PatternError(
      path,
      `a match expression must have exactly one key, got ${keys.length}${keys.length > 0 ? ` (${keys.join(", ")})` : ""}`,
    );
  }
  const [name] = keys;
  const validate = Object.hasOwn(EXPRESSION_VALIDATORS, name)
    ? EXPRESSION_VALIDATORS[name]
    : undefined;
  if (validate === undefined) throw new PatternError(path, `unrecognized match type "${name}"`);
  validate(expression[name], `${path}.${name}`);
}

function validateString(operand: unknown, path: string): void {
  if (typeof operand !== "string") {
    throw new PatternError(path, `expected a string, got ${describe(operand)}`);
  }
}

/** `prefix` / `suffix`: a string, or `{"equals-ignore-case": string}`. */
function validateAffix(operand: unknown, path: string): void {
  if (typeof operand === "string") return;
  if (
    isJsonObject(operand) &&
    Object.keys(operand).length === 1 &&
    typeof operand[EQUALS_IGNORE_CASE] === "string"
  ) {
    return;
  }
  throw new PatternError(
    path,
    `expected a string or {"equals-ignore-case": string}, got ${describe(operand)}`,
  );
}

function validateWildcard(operand: unknown, path: string): void {
  validateString(operand, path);
  const parsed = parseWildcard(operand as string);
  if (typeof parsed === "string") throw new PatternError(path, parsed);
}

function validateExists(operand: unknown, path: string): void {
  if (typeof operand !== "boolean") {
    throw new PatternError(path, `expected true or false, got ${describe(operand)}`);
  }
}

const NUMERIC_OPERATORS = ["<", "<=", "=", ">", ">="] as const;
type NumericOperator = (typeof NUMERIC_OPERATORS)[number];

/**
 * `[op, n]`, or a range `[">" | ">=", low, "<" | "<=", high]` with low < high. Operands must lie in
 * the documented -5.0e9..+5.0e9 range.
 */
function validateNumeric(operand: unknown, path: string): void {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new PatternError(
      path,
      'expected [operator, number] or [">" or ">=", number, "<" or "<=", number]',
    );
  }
  validateNumericTerm(operand[0], operand[1], path, 0, NUMERIC_OPERATORS);
  if (operand.length === 2) return;
  if (operand[0] !== ">" && operand[0] !== ">=") {
    throw new PatternError(path, 'a range must start with ">" or ">="');
  }
  validateNumericTerm(operand[2], operand[3], path, 2, ["<", "<="]);
  if (!(operand[1] < operand[3])) {
    throw new PatternError(
      path,
      `the lower bound ${operand[1]} must be less than the upper bound ${operand[3]}`,
    );
  }
}

function validateNumericTerm(
  operator: unknown,
  value: unknown,
  path: string,
  index: number,
  allowed: readonly string[],
): void {
  if (typeof operator !== "string" || !allowed.includes(operator)) {
    throw new PatternError(
      `${path}[${index}]`,
      `expected one of ${allowed.map((op) => `"${op}"`).join(", ")}, got ${JSON.stringify(operator)}`,
    );
  }
  if (!isNumberInNumericRange(value)) {
    throw new PatternError(
      `${path}[${index + 1}]`,
      `expected a number between -5e9 and 5e9, got ${JSON.stringify(value)}`,
    );
  }
}

function validateCidr(operand: unknown, path: string): void {
  validateString(operand, path);
  const parsed = parseCidr(operand as string);
  if (typeof parsed === "string") throw new PatternError(path, parsed);
}

const NEGATABLE_WITH_LIST = new Set([EQUALS_IGNORE_CASE, "wildcard"]);

/**
 * `anything-but` takes a string, a number, a non-empty list of only strings or only numbers, or one
 * nested `prefix` / `suffix` (a single string: "Anything-but matching only works with a single
 * prefix, not a list"), `equals-ignore-case` or `wildcard` (a string or a list of strings).
 */
function validateAnythingBut(operand: unknown, path: string): void {
  if (typeof operand === "string" || isFiniteNumber(operand)) return;
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new PatternError(path, "empty arrays are not allowed");
    if (!operand.every((v) => typeof v === "string") && !operand.every(isFiniteNumber)) {
      throw new PatternError(path, "a list must contain only strings or only numbers");
    }
    return;
  }
  if (isJsonObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) {
      throw new PatternError(path, `expected exactly one nested match type, got ${keys.length}`);
    }
    const [name] = keys;
    const inner = operand[name];
    const innerPath = `${path}.${name}`;
    if (name === "prefix" || name === "suffix") {
      if (typeof inner !== "string" || inner === "") {
        throw new PatternError(innerPath, `expected a non-empty string, got ${describe(inner)}`);
      }
      return;
    }
    if (NEGATABLE_WITH_LIST.has(name)) {
      const items = Array.isArray(inner) ? inner : [inner];
      if (items.length === 0) throw new PatternError(innerPath, "empty arrays are not allowed");
      items.forEach((item) =>
        (name === "wildcard" ? validateWildcard : validateString)(item, innerPath),
      );
      return;
    }
    throw new PatternError(path, `unsupported anything-but match type "${name}"`);
  }
  throw new PatternError(
    path,
    `expected a string, a number, a list of strings or numbers, or one of prefix, suffix, equals-ignore-case, wildcard; got ${describe(operand)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Matching: structure
// ---------------------------------------------------------------------------------------------

/**
 * A pattern object matches a node when every field matches ("AND" across fields). When the event
 * holds an array of objects, the pattern must match within one element (event-ruler's
 * "array-consistent" matching; the docs do not cover objects inside arrays).
 */
function matchesObjectPattern(pattern: JsonObject, node: unknown): boolean {
  return objectCandidates(node).some((candidate) =>
    Object.entries(pattern).every(([key, rule]) => matchesField(key, rule, candidate)),
  );
}

/**
 * The objects a nested pattern is tried against. When there is no object (field missing, scalar,
 * or an array without objects), every nested field counts as missing, so `{"exists": false}` below
 * it still matches.
 */
function objectCandidates(node: unknown): (JsonObject | undefined)[] {
  if (isJsonObject(node)) return [node];
  const objects = Array.isArray(node) ? flatten(node).filter(isJsonObject) : [];
  return objects.length > 0 ? objects : [undefined];
}

function matchesField(key: string, rule: unknown, node: JsonObject | undefined): boolean {
  if (key === OR_KEY) {
    return (rule as JsonObject[]).some((branch) => matchesObjectPattern(branch, node));
  }
  const value = node !== undefined && Object.hasOwn(node, key) ? node[key] : MISSING;
  return Array.isArray(rule)
    ? matchesMatchList(rule, value)
    : matchesObjectPattern(rule as JsonObject, value);
}

/**
 * A field matches when any listed candidate matches ("OR" within the array). If the event value
 * is an array, a candidate matches when it matches any element ("the intersection ... is
 * non-empty", Arrays page).
 */
function matchesMatchList(list: readonly unknown[], value: unknown): boolean {
  const leaves = leafValues(value);
  return list.some((candidate) =>
    isJsonObject(candidate)
      ? matchesExpression(candidate, leaves)
      : leaves.some((leaf) => matchesExactValue(candidate as Scalar, leaf)),
  );
}

/**
 * The leaf values (strings, numbers, booleans, null) at a field. A missing field has none; so does
 * an object, which is an intermediate node, not a leaf. Nested arrays are flattened.
 */
function leafValues(value: unknown): Scalar[] {
  if (value === MISSING) return [];
  if (Array.isArray(value)) return flatten(value).filter(isScalar);
  return isScalar(value) ? [value] : [];
}

function matchesExpression(expression: JsonObject, leaves: readonly Scalar[]): boolean {
  const [name, operand] = Object.entries(expression)[0];
  if (name === "exists") return matchesExists(operand as boolean, leaves);
  const matcher = VALUE_MATCHERS[name];
  return leaves.some((leaf) => matcher(operand, leaf));
}

// ---------------------------------------------------------------------------------------------
// Matching: one small function per operator
// ---------------------------------------------------------------------------------------------

type ValueMatcher = (operand: unknown, value: Scalar) => boolean;

const VALUE_MATCHERS: Record<string, ValueMatcher> = {
  prefix: matchesPrefix,
  suffix: matchesSuffix,
  [EQUALS_IGNORE_CASE]: matchesEqualsIgnoreCase,
  wildcard: matchesWildcard,
  numeric: matchesNumeric,
  cidr: matchesCidr,
  "anything-but": matchesAnythingBut,
};

/**
 * Exact match: strings character by character ("without case-folding or any other string
 * normalization"), null only matches null (not "" and not a missing field), true/false only match
 * the JSON keywords. Numbers: see the file header; parsed numbers compare with ===.
 */
function matchesExactValue(expected: Scalar, actual: Scalar): boolean {
  return expected === actual;
}

/**
 * `exists` works on "the presence or absence of a field". A field present with value null exists
 * (AWS matches it, see getmoto/moto#5125). "Exists matching only works on leaf nodes": a field
 * holding an object is not a leaf, so `{"exists": false}` matches it and `{"exists": true}` does not
 * (event-ruler README). An empty array holds no leaf, so it counts as absent (event-ruler).
 */
function matchesExists(shouldExist: boolean, leaves: readonly Scalar[]): boolean {
  return shouldExist === leaves.length > 0;
}

/** `{"prefix": "us-"}` or `{"prefix": {"equals-ignore-case": "EventB"}}`; string values only. */
function matchesPrefix(operand: unknown, value: Scalar): boolean {
  if (typeof value !== "string") return false;
  return typeof operand === "string"
    ? value.startsWith(operand)
    : foldCase(value).startsWith(foldCase(ignoreCaseOperand(operand)));
}

/** `{"suffix": ".png"}` or `{"suffix": {"equals-ignore-case": ".png"}}`; string values only. */
function matchesSuffix(operand: unknown, value: Scalar): boolean {
  if (typeof value !== "string") return false;
  return typeof operand === "string"
    ? value.endsWith(operand)
    : foldCase(value).endsWith(foldCase(ignoreCaseOperand(operand)));
}

/** `{"equals-ignore-case": "alice"}`; string values only. */
function matchesEqualsIgnoreCase(operand: unknown, value: Scalar): boolean {
  return typeof value === "string" && foldCase(value) === foldCase(operand as string);
}

/**
 * `{"wildcard": "dir/*.png"}`: `*` stands for zero or more characters, `\*` is a literal `*` and
 * `\\` a literal backslash. String values only. (localstack's emulator makes `*` match one or more
 * characters; event-ruler, which EventBridge runs, matches zero or more.)
 */
function matchesWildcard(operand: unknown, value: Scalar): boolean {
  if (typeof value !== "string") return false;
  const segments = parseWildcard(operand as string) as string[];
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (segments.length === 1) return value === first;
  if (!value.startsWith(first) || value.length < first.length + last.length) return false;
  let position = first.length;
  for (const middle of segments.slice(1, -1)) {
    const found = value.indexOf(middle, position);
    if (found < 0 || found + middle.length > value.length - last.length) return false;
    position = found + middle.length;
  }
  return value.endsWith(last);
}

/**
 * `{"numeric": [">", 0, "<=", 5]}`: "works with values that are JSON numbers" (so the string "5"
 * does not match). Values outside -5e9..5e9 never match. Both sides are compared with six digits
 * to the right of the decimal point, the documented precision, using event-ruler's encoding.
 */
function matchesNumeric(operand: unknown, value: Scalar): boolean {
  if (!isNumberInNumericRange(value)) return false;
  const terms = operand as (NumericOperator | number)[];
  for (let i = 0; i < terms.length; i += 2) {
    if (!compareNumbers(value, terms[i] as NumericOperator, terms[i + 1] as number)) return false;
  }
  return true;
}

function compareNumbers(value: number, operator: NumericOperator, bound: number): boolean {
  const left = toSixDecimalPlaces(value);
  const right = toSixDecimalPlaces(bound);
  switch (operator) {
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case "=":
      return left === right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
  }
}

/** Same arithmetic as event-ruler's ComparableNumber: shift to non-negative, keep 6 decimals. */
function toSixDecimalPlaces(value: number): number {
  return Math.trunc(1e6 * (NUMERIC_LIMIT + value));
}

/** `{"cidr": "10.0.0.0/24"}`: "IP address matching for IPv4 and IPv6 addresses"; strings only. */
function matchesCidr(operand: unknown, value: Scalar): boolean {
  if (typeof value !== "string") return false;
  const range = parseCidr(operand as string) as CidrRange;
  const address = parseIpAddress(value);
  if (address === undefined || address.bits !== range.bits) return false;
  const hostBits = BigInt(range.bits - range.prefixLength);
  return address.value >> hostBits === range.network >> hostBits;
}

/**
 * `anything-but` matches any present leaf value except those listed: a string, a number, a list of
 * either, or a nested prefix/suffix/equals-ignore-case/wildcard. A missing field never matches. A
 * null, boolean or number value is not excluded by a nested string operator, so it matches (AWS
 * matches null here, see localstack/localstack#9711). For an array field it is enough that one
 * element is not excluded.
 */
function matchesAnythingBut(operand: unknown, value: Scalar): boolean {
  if (!isJsonObject(operand)) {
    return !toList(operand).some((excluded) => excluded === value);
  }
  const [name, inner] = Object.entries(operand)[0];
  const isExcluded = VALUE_MATCHERS[name];
  return !toList(inner).some((excluded) => isExcluded(excluded, value));
}

// ---------------------------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------------------------

/**
 * Splits a wildcard pattern into the literal text between its unescaped `*` characters, or returns
 * the reason it is invalid. Docs: "consecutive wildcard characters are not supported", "The string
 * \* represents the literal * character", "The string \\ represents the literal \ character",
 * "Using the backslash to escape other characters is not supported".
 */
function parseWildcard(pattern: string): string[] | string {
  const segments = [""];
  let previousWasWildcard = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "*") {
      if (previousWasWildcard) {
        return `consecutive wildcard characters are not allowed (position ${i})`;
      }
      segments.push("");
      previousWasWildcard = true;
      continue;
    }
    if (char === "\\") {
      const next = pattern[i + 1];
      if (next !== "*" && next !== "\\") {
        return `a backslash may only escape "*" or "\\" (position ${i})`;
      }
      segments[segments.length - 1] += next;
      i++;
    } else {
      segments[segments.length - 1] += char;
    }
    previousWasWildcard = false;
  }
  return segments;
}

interface IpAddress {
  bits: 32 | 128;
  value: bigint;
}

interface CidrRange {
  bits: 32 | 128;
  network: bigint;
  prefixLength: number;
}

/** Parses "address/prefix-length", or returns the reason it is invalid. */
function parseCidr(text: string): CidrRange | string {
  const parts = text.split("/");
  if (parts.length !== 2) return `expected "address/prefix-length", got "${text}"`;
  const address = parseIpAddress(parts[0]);
  if (address === undefined) return `"${parts[0]}" is not an IPv4 or IPv6 address`;
  const prefixLength = /^\d{1,3}$/.test(parts[1]) ? Number(parts[1]) : NaN;
  if (!(prefixLength <= address.bits)) {
    return `prefix length must be an integer from 0 to ${address.bits}, got "${parts[1]}"`;
  }
  return { bits: address.bits, network: address.value, prefixLength };
}

function parseIpAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) {
    const value = text.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
    return { bits: 32, value };
  }
  if (isIPv6(text) && !text.includes("%")) return { bits: 128, value: parseIPv6(text) };
  return undefined;
}

/** Expects text already accepted by isIPv6 (handles "::" and a trailing dotted IPv4 part). */
function parseIPv6(text: string): bigint {
  const toGroups = (part: string): string[] =>
    part === "" ? [] : part.split(":").flatMap(ipv4PartToGroups);
  const [head, tail] = text.split("::");
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups].reduce(
    (acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}

function ipv4PartToGroups(group: string): string[] {
  if (!group.includes(".")) return [group];
  const [a, b, c, d] = group.split(".").map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

function ignoreCaseOperand(operand: unknown): string {
  return (operand as JsonObject)[EQUALS_IGNORE_CASE] as string;
}

function foldCase(text: string): string {
  return text.toLowerCase();
}

function toList(operand: unknown): unknown[] {
  return Array.isArray(operand) ? operand : [operand];
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean"
  );
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isNumberInNumericRange(value: unknown): value is number {
  return isFiniteNumber(value) && value >= -NUMERIC_LIMIT && value <= NUMERIC_LIMIT;
}

function joinPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return isJsonObject(value) ? "an object" : "a non-plain object";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return typeof value === "string" ? `the string ${JSON.stringify(value)}` : typeof value;
}
