/**
 * Where the S3 archive keeps a log stream, shared by the program (infra/archive.ts: the delivery
 * stream's jq query and prefixes), the CLI (cli/lookup/archive.ts: which keys to read) and the
 * offline twin (twin/archive-local.ts: the same query and prefixes on a local S3 server). No
 * @pulumi import: the CLI loads it.
 *
 * The rule the CLI applies to a record: the archive of a stream of group G in region R of account
 * A is in bucket `batch-job-log-archive-A-R` (or --archive-bucket, `{account}` and `{region}`
 * replaced), under `logs/<G, URI-encoded>/<stream, URI-encoded>/`. Amazon Data Firehose writes
 * there: its jq query turns each CloudWatch Logs record's `logGroup` and `logStream` into the two
 * partition keys, and the prefix puts them in that order. Each object is gzip-compressed JSON
 * lines, one CloudWatch Logs subscription record a line (the `logEvents` keep each event's id,
 * timestamp and message).
 */

/**
 * Firehose's inline jq (JQ-1.6): each record's group and stream, percent-encoded so that a `/` in
 * either cannot make two streams share a prefix. `@uri` keeps only `A-Za-z0-9-_.~` in jq 1.7
 * (jq-wasm, which the tests run); jq 1.6 also keeps `!*'()`, so names with those characters are
 * looked up under both spellings (archiveStreamPrefixes).
 */
export const ARCHIVE_PARTITION_QUERY = "{logGroup: .logGroup | @uri, logStream: .logStream | @uri}";

/** The JSON parsing engine Firehose runs the query with. */
export const ARCHIVE_JQ_ENGINE = "JQ-1.6";

/** Where the delivered objects go: one folder per group, then per stream. */
export const ARCHIVE_PREFIX =
  "logs/!{partitionKeyFromQuery:logGroup}/!{partitionKeyFromQuery:logStream}/";

/** Where records Firehose could not partition or deliver go, by error type and day. */
export const ARCHIVE_ERROR_PREFIX = "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/";

/** The bucket name rule when --archive-bucket (or the stack's archiveBucket) names none. */
export const DEFAULT_ARCHIVE_BUCKET = "batch-job-log-archive-{account}-{region}";

/** The bucket of an account and region: `{account}` and `{region}` of `template` replaced. */
export function archiveBucketName(template: string, account: string, region: string): string {
  return template.replaceAll("{account}", account).replaceAll("{region}", region);
}

/** Percent-encoding as jq 1.7's `@uri`: every byte but `A-Za-z0-9-_.~`. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The key prefix of a stream's objects. */
export function archiveStreamPrefix(logGroup: string, logStream: string): string {
  return `logs/${uriEncode(logGroup)}/${uriEncode(logStream)}/`;
}

/**
 * The prefixes a stream's objects may be under: jq 1.7's spelling, and for a name with one of
 * `!*'()` also jq 1.6's (which leaves them as they are).
 */
export function archiveStreamPrefixes(logGroup: string, logStream: string): string[] {
  const strict = archiveStreamPrefix(logGroup, logStream);
  const loose = `logs/${encodeURIComponent(logGroup)}/${encodeURIComponent(logStream)}/`;
  return loose === strict ? [strict] : [strict, loose];
}

/** Fills Firehose's `!{partitionKeyFromQuery:NAME}` of a prefix with the query's keys. */
export function fillPartitionKeys(prefix: string, keys: Readonly<Record<string, string>>): string {
  return prefix.replace(/!\{partitionKeyFromQuery:([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
    const value = keys[name];
    if (value === undefined) throw new Error(`the partition query gave no key "${name}"`);
    return value;
  });
}

/** One log event as CloudWatch Logs delivers it to a subscription. */
export interface ArchivedEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** One CloudWatch Logs subscription record (after Firehose's decompression). */
export interface SubscriptionRecord {
  readonly messageType: "DATA_MESSAGE" | "CONTROL_MESSAGE";
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly ArchivedEvent[];
}

/**
 * The events of one archived object's text (JSON lines of subscription records), in the order
 * they were delivered; CONTROL_MESSAGE records (CloudWatch Logs' checks that the destination is
 * reachable) carry none. A line that is no JSON is an error naming it.
 */
export function parseArchivedRecords(text: string, key: string): ArchivedEvent[] {
  const events: ArchivedEvent[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let record: Partial<SubscriptionRecord>;
    try {
      record = JSON.parse(line) as Partial<SubscriptionRecord>;
    } catch {
      throw new Error(`archived object ${key}, line ${i + 1}: not a JSON record`);
    }
    if (record.messageType !== "DATA_MESSAGE") return;
    for (const e of record.logEvents ?? []) events.push(e);
  });
  return events;
}
