/**
 * Reading the S3 archive (docs/archive.md) for `logs`, `search` and `show`. Where a stream's
 * archive is, is the rule of record/archive.ts applied to the record: bucket
 * `batch-job-log-archive-{account}-{region}` (or --archive-bucket, with the same placeholders) of
 * the job's account and the stream's log region, prefix `logs/<group>/<stream>/`.
 *
 * Reading one stream: ListObjectsV2 on its prefix (1,000 keys a page), then GetObject of each
 * object in key order (Firehose names objects by delivery time), each gunzipped and parsed; the
 * events are yielded object by object, each object's sorted by timestamp, events already seen
 * (Firehose delivers at least once: a retried batch is written again) left out by their id.
 * `settings` reads the bucket's archive.json once per bucket: which groups it archives.
 * With --db, the client talks to the local S3 server that serves DIR/archive.
 */
import * as zlib from "zlib";
import type { OutputLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  archiveBucketName,
  archiveStreamPrefixes,
  DEFAULT_ARCHIVE_BUCKET,
  parseArchivedRecords,
} from "../../record/archive";
import { clientConfig, nameEndpoint, networkConfig, type AwsSettings } from "./clients";
import type { GroupRef } from "./log-access";

const s3Sdk = (): typeof import("@aws-sdk/client-s3") => require("@aws-sdk/client-s3");

/** The bucket's object that says what it archives (infra/archive.ts ARCHIVE_SETTINGS_KEY). */
export const SETTINGS_KEY = "archive.json";

/** Where `logs` and `search` read: `auto` falls back to the archive. */
export type LogSource = "auto" | "cloudwatch" | "archive";

export const LOG_SOURCES = ["auto", "cloudwatch", "archive"] as const;

/** What a bucket's archive.json says. */
export interface ArchiveSettings {
  readonly region: string;
  readonly account: string;
  readonly logGroups: readonly string[];
}

/** Whether a stream is archived, and where (or why not), as `show` and the notes say it. */
export type ArchiveStatus =
  | { readonly archived: true; readonly url: string; readonly objects: number }
  | { readonly archived: false; readonly why: string };

export interface ArchiveOptions {
  readonly aws: AwsSettings;
  /** --archive-bucket: a name, `{account}` and `{region}` replaced per job. */
  readonly bucket?: string;
  /** With --db: the local S3 endpoint, started on the first request (auto may need none). */
  readonly localEndpoint?: () => Promise<string>;
  /** The account of a record that names none (the caller's, or the local one). */
  readonly defaultAccount?: () => Promise<string | undefined>;
}

export class ArchiveReader {
  private readonly clients = new Map<string, S3Client>();
  private readonly settingsByBucket = new Map<string, Promise<ArchiveSettings | string>>();
  private readonly keysByStream = new Map<string, Promise<{ prefix: string; list: string[] }>>();
  /** GET and LIST requests made, and bytes read: what reading cost (docs/archive.md). */
  readonly cost = { lists: 0, gets: 0, bytes: 0 };

  constructor(private readonly options: ArchiveOptions) {}

  /** The bucket of a group's account and region. */
  async bucketOf(ref: GroupRef): Promise<string> {
    const account = ref.account ?? (await this.options.defaultAccount?.()) ?? "ACCOUNT";
    return archiveBucketName(this.options.bucket ?? DEFAULT_ARCHIVE_BUCKET, account, ref.logRegion);
  }

  private async client(region: string): Promise<S3Client> {
    let found = this.clients.get(region);
    if (!found) {
      const local = await this.options.localEndpoint?.();
      // Another request may have made it while the local server started.
      const made = this.clients.get(region);
      if (made) return made;
      found = new (s3Sdk().S3Client)(
        local
          ? {
              region,
              endpoint: local,
              forcePathStyle: true,
              credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
              requestChecksumCalculation: "WHEN_REQUIRED",
              responseChecksumValidation: "WHEN_REQUIRED",
            }
          : { ...clientConfig(this.options.aws, region), ...networkConfig({}) },
      );
      nameEndpoint(found, "S3");
      this.clients.set(region, found);
    }
    return found;
  }

  /** The bucket's archive.json, or why there is none (no such bucket, no such object). */
  async settings(ref: GroupRef): Promise<ArchiveSettings | string> {
    const bucket = await this.bucketOf(ref);
    let pending = this.settingsByBucket.get(bucket);
    if (!pending) {
      pending = this.readSettings(bucket, ref.logRegion);
      this.settingsByBucket.set(bucket, pending);
    }
    return pending;
  }

  private async readSettings(bucket: string, region: string): Promise<ArchiveSettings | string> {
    try {
      this.cost.gets++;
      const out = await (
        await this.client(region)
      ).send(new (s3Sdk().GetObjectCommand)({ Bucket: bucket, Key: SETTINGS_KEY }));
      const text = (await out.Body?.transformToString("utf8")) ?? "";
      return JSON.parse(text) as ArchiveSettings;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === "NoSuchBucket") {
        return `there is no archive bucket ${bucket} (a stack with archive: true in that account and region makes it)`;
      }
      if (name === "NoSuchKey") return `bucket ${bucket} has no ${SETTINGS_KEY}: not an archive`;
      throw error;
    }
  }

  /** Whether a stream is archived: its group in the bucket's groups, and objects under it. */
  async status(ref: GroupRef, logStreamName: string): Promise<ArchiveStatus> {
    const settings = await this.settings(ref);
    if (typeof settings === "string") return { archived: false, why: settings };
    const bucket = await this.bucketOf(ref);
    if (!settings.logGroups.includes(ref.logGroup)) {
      return {
        archived: false,
        why: `group ${ref.logGroup} is not in archiveLogGroups of s3://${bucket}`,
      };
    }
    const keys = await this.keys(ref, logStreamName);
    const url = `s3://${bucket}/${keys.prefix}`;
    return keys.list.length === 0
      ? { archived: false, why: `no object under ${url} (yet: Firehose delivers within minutes)` }
      : { archived: true, url, objects: keys.list.length };
  }

  /**
   * The keys of a stream's objects in key order, under the first prefix that has any; listed once
   * per stream and command.
   */
  keys(ref: GroupRef, logStreamName: string): Promise<{ prefix: string; list: string[] }> {
    const id = JSON.stringify([ref.account, ref.logRegion, ref.logGroup, logStreamName]);
    let pending = this.keysByStream.get(id);
    if (!pending) {
      pending = this.listKeys(ref, logStreamName);
      this.keysByStream.set(id, pending);
    }
    return pending;
  }

  private async listKeys(
    ref: GroupRef,
    logStreamName: string,
  ): Promise<{ prefix: string; list: string[] }> {
    const bucket = await this.bucketOf(ref);
    const prefixes = archiveStreamPrefixes(ref.logGroup, logStreamName);
    for (const prefix of prefixes) {
      const list: string[] = [];
      let token: string | undefined;
      do {
        this.cost.lists++;
        const out = await (
          await this.client(ref.logRegion)
        ).send(
          new (s3Sdk().ListObjectsV2Command)({
            Bucket: bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const o of out.Contents ?? []) if (o.Key) list.push(o.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      if (list.length > 0) return { prefix, list: list.sort() };
    }
    return { prefix: prefixes[0], list: [] };
  }

  /**
   * A stream's archived events in [startTime, endTime), object by object (each sorted by time),
   * each event once. Yields nothing for a stream that has no object.
   */
  async *pages(
    ref: GroupRef,
    logStreamName: string,
    window: { readonly startTime?: number; readonly endTime?: number } = {},
  ): AsyncGenerator<readonly OutputLogEvent[]> {
    const bucket = await this.bucketOf(ref);
    const { list } = await this.keys(ref, logStreamName);
    let seen = new Set<string>();
    for (const key of list) {
      this.cost.gets++;
      const out = await (
        await this.client(ref.logRegion)
      ).send(new (s3Sdk().GetObjectCommand)({ Bucket: bucket, Key: key }));
      const body = Buffer.from((await out.Body?.transformToByteArray()) ?? []);
      this.cost.bytes += body.length;
      const text = (body[0] === 0x1f && body[1] === 0x8b ? zlib.gunzipSync(body) : body).toString(
        "utf8",
      );
      const current = new Set<string>();
      const events = parseArchivedRecords(text, key)
        .filter((e) => {
          if (seen.has(e.id) || current.has(e.id)) return false;
          current.add(e.id);
          return (
            (window.startTime === undefined || e.timestamp >= window.startTime) &&
            (window.endTime === undefined || e.timestamp < window.endTime)
          );
        })
        .sort((a, b) => a.timestamp - b.timestamp)
        .map((e) => ({ timestamp: e.timestamp, message: e.message }));
      // A retried batch lands in the next object or so: the ids of the last object suffice.
      seen = current;
      if (events.length > 0) yield events;
    }
  }
}
