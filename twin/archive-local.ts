/**
 * The archive offline: a real S3-compatible server (s3rver, @20minutes/s3rver, keeping its
 * buckets as files in a folder) on 127.0.0.1, and a stand-in for what Amazon Data Firehose does
 * with the records a subscription filter sends it, configured by the program's own delivery
 * stream: the processors' jq query (run by jq-wasm), the prefix it fills, the delimiter and the
 * compression. `replay --db DIR` evaluates the program, takes that stream's inputs and the
 * bucket's settings object from it, and writes the sample's streams of the archived groups into
 * DIR/archive through this; `logs --source archive --db DIR` then reads them through the same
 * S3 client code as against AWS (cli/lookup/archive.ts).
 *
 * Why s3rver and not moto's server: it is an npm package (installed by `npm ci`, like dynalite),
 * starts in-process in a few milliseconds on a loopback port, and keeps objects as plain files in
 * a folder that outlives the process, which `--db DIR` needs. moto's server would need Python
 * and its packages on every machine, and keeps state in memory only.
 */
import { createServer } from "http";
import * as zlib from "zlib";
import { randomUUID } from "crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { fillPartitionKeys, type SubscriptionRecord } from "../record/archive";
import { serveOnLoopback } from "./loopback";
import { RESOURCE_TYPES, type ProgramModel } from "./program-model";

const s3Sdk = (): typeof import("@aws-sdk/client-s3") => require("@aws-sdk/client-s3");

export interface LocalS3 {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 and a free port, its buckets kept as files under `directory`. */
export async function startLocalS3(directory: string): Promise<LocalS3> {
  const S3rver = require("@20minutes/s3rver") as new (options: object) => {
    callback(): Parameters<typeof createServer>[1];
  };
  // The signature check is off: s3rver's canonical request differs from the current SDK's
  // (SignatureDoesNotMatch on every call); the endpoint only ever listens on 127.0.0.1.
  const s3rver = new S3rver({
    directory,
    silent: true,
    vhostBuckets: false,
    allowMismatchedSignatures: true,
  });
  return serveOnLoopback(createServer(s3rver.callback()));
}

/** An S3 client on a local endpoint, path-style, with dummy credentials. */
export function localS3Client(endpoint: string, region = "us-east-1"): S3Client {
  return new (s3Sdk().S3Client)({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    // s3rver checks signatures, but not the SDK's default CRC32 of streamed (aws-chunked) bodies.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** What the program's archive says: its bucket, its settings object, its stream's processing. */
export interface ArchiveModel {
  readonly bucket: string;
  readonly settingsKey: string;
  readonly settings: string;
  /** The log groups subscribed (their filters' logGroup). */
  readonly logGroups: readonly string[];
  /** The subscription filters' name, which each record names. */
  readonly filterName: string;
  readonly prefix: string;
  readonly query: string;
  readonly delimiter: string;
  readonly compression: string;
}

/** The program's archive, from its registered inputs; undefined when `archive` is off. */
export function archiveOf(model: ProgramModel): ArchiveModel | undefined {
  const of = (type: string) => model.resources.filter((r) => r.type === type);
  const [stream] = of(RESOURCE_TYPES.deliveryStream);
  if (!stream) return undefined;
  const s3 = stream.inputs.extendedS3Configuration as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const parameter = (type: string, name: string): string => {
    const processors = s3.processingConfiguration?.processors ?? [];
    const processor = processors.find((p: { type: string }) => p.type === type);
    const found = (processor?.parameters ?? []).find(
      (p: { parameterName: string }) => p.parameterName === name,
    );
    if (found === undefined) throw new Error(`the delivery stream has no ${type} ${name}`);
    return found.parameterValue as string;
  };
  const [settings] = of(RESOURCE_TYPES.bucketObject);
  const [bucket] = of(RESOURCE_TYPES.bucket);
  return {
    bucket: String(bucket.inputs.bucket),
    settingsKey: String(settings.inputs.key),
    settings: String(settings.inputs.content),
    logGroups: of(RESOURCE_TYPES.subscriptionFilter).map((f) => String(f.inputs.logGroup)),
    filterName: String(of(RESOURCE_TYPES.subscriptionFilter)[0]?.inputs.name),
    prefix: String(s3.prefix),
    query: parameter("MetadataExtraction", "MetadataExtractionQuery"),
    // Firehose reads the delimiter's escapes: "\\n" is a newline.
    delimiter: parameter("AppendDelimiterToRecord", "Delimiter").replace(/\\n/g, "\n"),
    compression: String(s3.compressionFormat ?? "UNCOMPRESSED"),
  };
}

/** A log stream as CloudWatch Logs holds it. */
export interface LocalStream {
  readonly logGroup: string;
  readonly logStream: string;
  readonly events: readonly { readonly timestamp: number; readonly message: string }[];
}

/** Events per subscription record, as CloudWatch Logs batches a stream's events. */
const EVENTS_PER_RECORD = 500;

/**
 * The records a subscription filter named `filterName` sends for `stream`: DATA_MESSAGEs of at
 * most EVENTS_PER_RECORD events, each event with an id that increases within the stream.
 */
export function subscriptionRecords(
  stream: LocalStream,
  owner: string,
  filterName: string,
): SubscriptionRecord[] {
  const records: SubscriptionRecord[] = [];
  for (let i = 0; i < stream.events.length; i += EVENTS_PER_RECORD) {
    records.push({
      messageType: "DATA_MESSAGE",
      owner,
      logGroup: stream.logGroup,
      logStream: stream.logStream,
      subscriptionFilters: [filterName],
      logEvents: stream.events.slice(i, i + EVENTS_PER_RECORD).map((e, j) => ({
        id: String(e.timestamp).padStart(20, "0") + String(i + j).padStart(12, "0"),
        timestamp: e.timestamp,
        message: e.message,
      })),
    });
  }
  return records;
}

/**
 * Delivers records as the program's Firehose stream would: each record's partition keys from the
 * configured jq query, its prefix filled with them, the records of one prefix in one object (the
 * delimiter after each), compressed as configured, named as Firehose names its objects.
 * Returns the keys written.
 */
export async function deliverRecords(
  client: S3Client,
  archive: ArchiveModel,
  records: readonly SubscriptionRecord[],
  now: Date,
): Promise<string[]> {
  // The query reads the envelope; jq-wasm takes about 20 s to read the sample's 1 MB of events,
  // so it is run on each record without them (a test runs it on a whole record too).
  const keys = await partitionKeys(
    archive.query,
    records.map((r) => ({ ...r, logEvents: [] })),
  );
  const byPrefix = new Map<string, string[]>();
  records.forEach((record, i) => {
    const prefix = fillPartitionKeys(archive.prefix, keys[i]);
    const list = byPrefix.get(prefix) ?? [];
    list.push(JSON.stringify(record) + archive.delimiter);
    byPrefix.set(prefix, list);
  });
  const sdk = s3Sdk();
  const written: string[] = [];
  const stamp = now.toISOString().slice(0, 19).replace(/[T:]/g, "-");
  const gzip = archive.compression === "GZIP";
  const objects = [...byPrefix].map(([prefix, lines]) => ({
    key: `${prefix}batch-job-log-archive-1-${stamp}-${randomUUID()}${gzip ? ".gz" : ""}`,
    text: lines.join(""),
  }));
  // PUT_CONCURRENCY objects at a time, as Firehose writes partitions in parallel.
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const { key, text } = objects[next++];
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: archive.bucket,
          Key: key,
          Body: gzip ? zlib.gzipSync(text) : text,
        }),
      );
      written.push(key);
    }
  };
  await Promise.all(Array.from({ length: PUT_CONCURRENCY }, worker));
  return written.sort();
}

/** Objects written at once. */
const PUT_CONCURRENCY = 16;

/** Records per jq run: jq-wasm's one instance fails after a few hundred runs in a process. */
const JQ_BATCH = 1000;

/**
 * Each record's partition keys: the query run by jq (jq-wasm) over the records as a stream of
 * JSON values, as many runs as JQ_BATCH allows.
 */
export async function partitionKeys(
  query: string,
  records: readonly unknown[],
): Promise<Record<string, string>[]> {
  const jq: typeof import("jq-wasm") = require("jq-wasm");
  const keys: Record<string, string>[] = [];
  for (let i = 0; i < records.length; i += JQ_BATCH) {
    const batch = records.slice(i, i + JQ_BATCH);
    const text = batch.map((r) => JSON.stringify(r)).join("\n");
    const out = await jq.json(text, query, ["-c"]);
    const list = (batch.length === 1 ? [out] : out) as Record<string, string>[];
    if (!Array.isArray(list) || list.length !== batch.length) {
      throw new Error(
        `the partition query gave ${list?.length} results for ${batch.length} records`,
      );
    }
    keys.push(...list);
  }
  return keys;
}

/** Creates the archive's bucket (if absent) and writes its settings object, as the stack does. */
export async function createArchiveBucket(client: S3Client, archive: ArchiveModel): Promise<void> {
  const sdk = s3Sdk();
  try {
    await client.send(new sdk.CreateBucketCommand({ Bucket: archive.bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw error;
  }
  await client.send(
    new sdk.PutObjectCommand({
      Bucket: archive.bucket,
      Key: archive.settingsKey,
      Body: archive.settings,
      ContentType: "application/json",
    }),
  );
}

/**
 * Archives the streams of the archived groups among `streams` (those of the stack's region): what
 * the subscription filters would have sent since the streams began. Returns how many streams and
 * objects.
 */
export async function archiveStreams(
  client: S3Client,
  archive: ArchiveModel,
  streams: readonly LocalStream[],
  owner: string,
  now: Date,
): Promise<{ streams: number; objects: number }> {
  await createArchiveBucket(client, archive);
  const archived = streams.filter((s) => archive.logGroups.includes(s.logGroup));
  const records = archived.flatMap((s) => subscriptionRecords(s, owner, archive.filterName));
  const keys = await deliverRecords(client, archive, records, now);
  return { streams: archived.length, objects: keys.length };
}

/**
 * `replay --db DIR`: the streams of `logsFile` (DIR/logs.jsonl) in the stack's region, archived
 * into DIR/archive as the program's archive would have, when the program has one. Returns what
 * was archived, or undefined without an archive.
 */
export async function fillLocalArchive(
  model: ProgramModel,
  options: {
    readonly archiveDir: string;
    readonly logsFile: string;
    readonly region: string;
    readonly owner: string;
    readonly now: Date;
  },
): Promise<{ bucket: string; streams: number; objects: number } | undefined> {
  const archive = archiveOf(model);
  if (!archive) return undefined;
  const { LogStore }: typeof import("./logs-local") = require("./logs-local");
  const fs: typeof import("fs") = require("fs");
  const store = LogStore.parse(fs.readFileSync(options.logsFile, "utf8"), options.logsFile);
  const streams: LocalStream[] = [];
  for (const group of store.groups.values()) {
    if (group.region !== options.region) continue;
    for (const stream of group.streams.values()) {
      streams.push({ logGroup: group.name, logStream: stream.name, events: stream.events });
    }
  }
  const s3 = await startLocalS3(options.archiveDir);
  const client = localS3Client(s3.endpoint, options.region);
  try {
    const done = await archiveStreams(client, archive, streams, options.owner, options.now);
    return { bucket: archive.bucket, ...done };
  } finally {
    client.destroy();
    await s3.close();
  }
}
