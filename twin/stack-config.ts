/**
 * The stack configuration the twin evaluates the program with: the `config:` map of
 * `Pulumi.<stack>.yaml` (what `pulumi config set` writes), then `key=value` overrides. Values come
 * out as the Pulumi engine hands them to a program: strings as they are, numbers and booleans as
 * their text, lists and objects as JSON. Secrets cannot be decrypted offline: a `secure:` value
 * is an error that says to pass the value with `--config`.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { InputError } from "./errors";

/** The Pulumi project (Pulumi.yaml's `name`): the prefix of the program's own config keys. */
export const PROJECT = "batch-job-log";

export const DEFAULT_STACK = "dev";

/** The table the twin writes for `stack` unless told another: batch-job-log-<stack>. */
export function defaultTableName(stack: string = DEFAULT_STACK): string {
  return `${PROJECT}-${stack}`;
}

/** What a stack name may hold (and so the `Pulumi.<stack>.yaml` file name). */
export const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/** Config keys as the engine holds them: `project:key` or `namespace:key`. */
export function fullKey(key: string): string {
  return key.includes(":") ? key : `${PROJECT}:${key}`;
}

/**
 * The config of `stack` from `Pulumi.<stack>.yaml` in `projectRoot`. A missing file is an empty
 * config for the default stack and an error for a stack named explicitly.
 */
export function readStackConfig(
  projectRoot: string,
  stack = DEFAULT_STACK,
  explicit = false,
): Record<string, string> {
  if (!STACK_NAME.test(stack)) {
    throw new InputError(
      `--stack "${stack}": a stack name has only letters, digits, "-", "_" and ".".`,
    );
  }
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    if (explicit) throw new InputError(`--stack ${stack}: there is no ${path.basename(file)}.`);
    return {};
  }
  let document: unknown;
  try {
    document = yaml.load(fs.readFileSync(file, "utf8"), { filename: file });
  } catch (error) {
    // One line: js-yaml's message goes on with a snippet of the file.
    const { reason, mark, message } = error as yaml.YAMLException;
    throw new InputError(
      mark
        ? `${path.basename(file)}:${mark.line + 1}:${mark.column + 1}: ${reason}.`
        : `${path.basename(file)}: ${message.split("\n")[0]}`,
    );
  }
  const config = (document as { config?: unknown } | null | undefined)?.config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new InputError(`${path.basename(file)}: "config" must be a map of keys to values.`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    out[fullKey(key)] = configValue(key, value, path.basename(file));
  }
  return out;
}

/** `key=value` overrides (the value is everything after the first `=`). */
export function parseConfigOverrides(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new InputError(`--config "${pair}": expected key=value.`);
    out[fullKey(pair.slice(0, at))] = pair.slice(at + 1);
  }
  return out;
}

function configValue(key: string, value: unknown, file: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value !== null && typeof value === "object" && "secure" in value) {
    throw new InputError(
      `${file}: "${key}" is a secret, which cannot be decrypted offline; pass it with --config ${key}=VALUE.`,
    );
  }
  return JSON.stringify(value);
}

export const ACCOUNT_ID = /^\d{12}$/;
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * `replay --org ACCOUNT=o-...` pairs to a map of account to organization (a hub bus policy's
 * aws:PrincipalOrgID: twin/routing.ts).
 */
export function parseOrganizations(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const [account, organization, ...rest] = pair.split("=");
    if (rest.length > 0 || !ACCOUNT_ID.test(account) || !ORGANIZATION_ID.test(organization ?? "")) {
      throw new InputError(
        `--org "${pair}": expected ACCOUNT=ORGANIZATION, a 12-digit account id and an o- id, e.g. 345678901234=o-a1b2c3d4e5.`,
      );
    }
    out[account] = organization;
  }
  return out;
}
