/**
 * Where the S3 archive keeps a stream (record/archive.ts): the key rule the CLI reads by and the
 * Firehose settings the program writes by must name the same objects. The partition query is run
 * by jq (jq-wasm), as the offline twin runs it.
 */
import {
  ARCHIVE_ERROR_PREFIX,
  ARCHIVE_JQ_ENGINE,
  ARCHIVE_PARTITION_QUERY,
  ARCHIVE_PREFIX,
  archiveBucketName,
  archiveStreamPrefix,
  archiveStreamPrefixes,
  DEFAULT_ARCHIVE_BUCKET,
  fillPartitionKeys,
  parseArchivedRecords,
  uriEncode,
} from "../record/archive";

/** jq 1.7's output for `query` on one JSON value. */
async function jq(value: unknown, query: string): Promise<unknown> {
  const jqWasm: typeof import("jq-wasm") = require("jq-wasm");
  return jqWasm.json(JSON.stringify(value), query, ["-c"]);
}

/** A CloudWatch Logs subscription record of `logGroup` and `logStream`. */
function subscriptionRecord(logGroup: string, logStream: string, messages: string[] = []) {
  return {
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup,
    logStream,
    subscriptionFilters: ["batch-job-log-archive"],
    logEvents: messages.map((message, i) => ({
      id: String(i),
      timestamp: 1_700_000_000_000 + i,
      message,
    })),
  };
}

describe("the archive's keys (record/archive.ts)", () => {
  it("percent-encodes every byte but A-Za-z0-9-_.~, in upper-case hex", () => {
    // Act & Assert
    expect(uriEncode("AZaz09-_.~")).toBe("AZaz09-_.~");
    expect(uriEncode("/aws/batch/job")).toBe("%2Faws%2Fbatch%2Fjob");
    expect(uriEncode("!")).toBe("%21");
    expect(uriEncode("'")).toBe("%27");
    expect(uriEncode("(")).toBe("%28");
    expect(uriEncode(")")).toBe("%29");
    expect(uriEncode("*")).toBe("%2A");
    expect(uriEncode("a b:é")).toBe("a%20b%3A%C3%A9");
  });

  it("encodes as jq's @uri does, for every printable ASCII character and beyond", async () => {
    // Arrange
    const names = [
      Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(""),
      "ecs/default/0123abcd",
      "grüße-日本-😀",
    ];

    // Act
    const byJq = await jq(names, "map(@uri)");

    // Assert
    expect(byJq).toEqual(names.map(uriEncode));
  });

  it("keeps a stream's objects under logs/<group>/<stream>/, each encoded", () => {
    // Act & Assert
    expect(archiveStreamPrefix("/aws/batch/job", "def/default/abc")).toBe(
      "logs/%2Faws%2Fbatch%2Fjob/def%2Fdefault%2Fabc/",
    );
  });

  it("looks a name with one of !*'() up under jq 1.7's spelling and jq 1.6's", () => {
    // Act & Assert
    expect(archiveStreamPrefixes("/aws/batch/job", "def/default/abc")).toEqual([
      "logs/%2Faws%2Fbatch%2Fjob/def%2Fdefault%2Fabc/",
    ]);
    expect(archiveStreamPrefixes("/batch/(prod)", "s*!'")).toEqual([
      "logs/%2Fbatch%2F%28prod%29/s%2A%21%27/",
      "logs/%2Fbatch%2F(prod)/s*!'/",
    ]);
  });

  it("gives, through the program's query and prefix, the prefix the CLI reads", async () => {
    // Arrange
    const group = "/aws/batch/(team) jobs";
    const stream = "fetch/default/0123abcd";

    // Act
    const keys = (await jq(
      subscriptionRecord(group, stream, ["hello"]),
      ARCHIVE_PARTITION_QUERY,
    )) as Record<string, string>;

    // Assert
    expect(keys).toEqual({ logGroup: uriEncode(group), logStream: uriEncode(stream) });
    expect(fillPartitionKeys(ARCHIVE_PREFIX, keys)).toBe(archiveStreamPrefix(group, stream));
  });

  it("fills every partition key of a prefix, and names a key the query did not give", () => {
    // Act & Assert
    expect(fillPartitionKeys(ARCHIVE_PREFIX, { logGroup: "g", logStream: "s" })).toBe("logs/g/s/");
    expect(fillPartitionKeys("p/!{partitionKeyFromQuery:key_1}/", { key_1: "v" })).toBe("p/v/");
    expect(fillPartitionKeys("errors/", {})).toBe("errors/");
    expect(() => fillPartitionKeys(ARCHIVE_PREFIX, { logGroup: "g" })).toThrow(
      new Error('the partition query gave no key "logStream"'),
    );
  });

  it("names the settings Firehose requires: jq 1.6, and the error type in the error prefix", () => {
    // Assert: the engines Firehose offers are named "JQ-1.6"; with dynamic partitioning the error
    // prefix must hold !{firehose:error-output-type}.
    expect(ARCHIVE_JQ_ENGINE).toBe("JQ-1.6");
    expect(ARCHIVE_ERROR_PREFIX).toBe(
      "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
    );
  });

  it("names the bucket of an account and region, every placeholder replaced", () => {
    // Act & Assert
    expect(archiveBucketName(DEFAULT_ARCHIVE_BUCKET, "123456789012", "eu-west-1")).toBe(
      "batch-job-log-archive-123456789012-eu-west-1",
    );
    expect(archiveBucketName("{region}-{account}-{region}-{account}", "1", "r")).toBe("r-1-r-1");
  });

  it("reads an object's events in delivery order, without control messages or blank lines", () => {
    // Arrange
    const text = [
      JSON.stringify(subscriptionRecord("g", "s", ["one", "two"])),
      "",
      JSON.stringify({
        ...subscriptionRecord("g", "s"),
        messageType: "CONTROL_MESSAGE",
        logEvents: [{ id: "c", timestamp: 1, message: "CWL CONTROL MESSAGE" }],
      }),
      "   ",
      JSON.stringify(subscriptionRecord("g", "s", ["three"])),
      JSON.stringify({ messageType: "DATA_MESSAGE", logGroup: "g", logStream: "s" }),
      "",
    ].join("\n");

    // Act
    const events = parseArchivedRecords(text, "logs/g/s/object-1");

    // Assert
    expect(events).toEqual([
      { id: "0", timestamp: 1_700_000_000_000, message: "one" },
      { id: "1", timestamp: 1_700_000_000_001, message: "two" },
      { id: "0", timestamp: 1_700_000_000_000, message: "three" },
    ]);
  });

  it("names the object and line of a line that is no JSON", () => {
    // Arrange
    const text = [JSON.stringify(subscriptionRecord("g", "s", ["one"])), "", "{not json"].join(
      "\n",
    );

    // Act & Assert
    expect(() => parseArchivedRecords(text, "logs/g/s/object-2")).toThrow(
      new Error("archived object logs/g/s/object-2, line 3: not a JSON record"),
    );
  });
});
