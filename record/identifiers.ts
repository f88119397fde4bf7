/**
 * The identifiers of a stored item (record/layout.ts): an ARN in the job's own partition, region
 * and account is stored as the part after that prefix, and a value that would be derived is
 * overridden in the item only where the record differs (`null`: the record has none). A factory,
 * like the rest of what the Lambda runs (record/build.ts says why): the layouts call it once.
 */
import type { StoredItem } from "./types";

export function identifierLayout() {
  const { undefined } = globalThis;

  /**
   * The partition a region's name says: `aws-cn` (cn-*), `aws-us-gov` (us-gov-*), `aws-eusc`
   * (eusc-*), `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f` (us-iso-*, us-isob-*, eu-isoe-*,
   * us-isof-*), else `aws`. Read from the region rather than from the job's ARN because a compact
   * item no longer holds that ARN; an identifier in a partition this does not know (a future
   * one) simply does not start with the prefix and is stored whole.
   */
  function partitionOfRegion(region: string): string {
    const iso = /^[a-z]+-iso([a-z]?)-/.exec(region);
    if (iso) return iso[1] ? `aws-iso-${iso[1]}` : "aws-iso";
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
  }

  /** The ARN prefix of a service in the job's own partition, region and account. */
  function arnPrefix(service: string, region: unknown, account: unknown): string | undefined {
    if (typeof region !== "string" || typeof account !== "string") return undefined;
    return `arn:${partitionOfRegion(region)}:${service}:${region}:${account}:`;
  }

  /** What is stored for an identifier: the part after `prefix` when it rebuilds it exactly. */
  function shorten(value: string, prefix: string | undefined): string {
    if (prefix !== undefined && value.startsWith(prefix)) {
      const rest = value.slice(prefix.length);
      if (rest !== "" && !/^(arn:|=|\/)/.test(rest)) return rest;
    }
    return value.startsWith("arn:") ? value : "=" + value;
  }

  function lengthen(stored: unknown, prefix: string | undefined): string | undefined {
    if (typeof stored !== "string") return undefined;
    if (stored.startsWith("arn:")) return stored;
    if (stored.startsWith("=")) return stored.slice(1);
    return prefix === undefined ? stored : prefix + stored;
  }

  /** Stores `value` in `into[name]` unless it is what would be derived (null: "none"). */
  function override(into: StoredItem, name: string, value: unknown, derived: unknown): void {
    if (value !== derived) into[name] = value === undefined ? null : value;
  }

  /** The value an override in `from[name]` gives, else the derived one. */
  function restore(from: StoredItem, name: string, derived: unknown): unknown {
    const stored = from[name];
    return stored === undefined ? derived : stored === null ? undefined : stored;
  }

  /** The prefixes of the job's own ARNs. */
  function prefixesOf(item: { region?: unknown; account?: unknown }) {
    const batch = arnPrefix("batch", item.region, item.account);
    const ecs = arnPrefix("ecs", item.region, item.account);
    return {
      queue: batch && batch + "job-queue/",
      definition: batch && batch + "job-definition/",
      job: batch && batch + "job/",
      task: ecs && ecs + "task/",
    };
  }

  return { shorten, lengthen, override, restore, prefixesOf };
}
