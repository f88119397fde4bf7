/**
 * A local CloudWatch Logs endpoint: an HTTP server on 127.0.0.1 speaking the service's JSON
 * protocol (`X-Amz-Target: Logs_20140328.<Op>`, `application/x-amz-json-1.1`), serving the log
 * events of a `logs.jsonl` file in the format of samples/logs.jsonl (docs/samples.md). The real
 * SDK client talks to it, so `logs` and `search --db DIR` run the same code as against AWS.
 *
 * Served: GetLogEvents (with forward and backward tokens, within startTime and endTime),
 * FilterLogEvents (filter patterns made of words and quoted phrases, all required,
 * case-sensitive, or one `%regex%` of the characters CloudWatch Logs allows in it),
 * DescribeLogGroups, DescribeLogStreams, StartQuery/GetQueryResults for the Logs Insights query
 * shape `search` sends (insightsQuery below). StartLiveTail answers UnknownOperationException, as an endpoint
 * that does not support it would. The region of a request is its signature's
 * (`Credential=KEY/DATE/REGION/logs/aws4_request`); a log group named by ARN
 * (`logGroupIdentifier`) is looked up by the ARN's region and name. A group that has a settings
 * line but no stream (its retention expired them) exists, with its `retentionInDays`, and has no
 * streams. A missing file serves no group at all. The file is read again when it changes, and a
 * later line of a stream adds to its events, so that appending to it is a job printing more.
 */
import * as fs from "fs";
import { createServer, type IncomingMessage, type ServerResponse } from "http";
import { serveOnLoopback } from "./loopback";

/** The account the local groups belong to (the sample's, and moto's and LocalStack's default). */
export const LOCAL_ACCOUNT = "123456789012";

/** The most events GetLogEvents and FilterLogEvents return per page, as CloudWatch Logs. */
const MAX_PAGE_EVENTS = 10_000;

interface StoredEvent {
  readonly timestamp: number;
  readonly message: string;
}

interface StoredStream {
  readonly name: string;
  readonly events: readonly StoredEvent[];
}

interface StoredGroup {
  readonly name: string;
  readonly region: string;
  retentionInDays?: number;
  readonly streams: Map<string, StoredStream>;
}

/** The log groups of a logs.jsonl, by region and name. */
export class LogStore {
  readonly groups = new Map<string, StoredGroup>();

  /** The store of a logs.jsonl text; a line that is neither shape is an error naming it. */
  static parse(text: string, source = "logs.jsonl"): LogStore {
    const store = new LogStore();
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      const entry = JSON.parse(line) as Record<string, unknown>;
      const { logGroupName, region } = entry;
      if (typeof logGroupName !== "string" || typeof region !== "string") {
        throw new Error(`${source} line ${i + 1}: needs logGroupName and region`);
      }
      const group = store.group(region, logGroupName, true) as StoredGroup;
      if (typeof entry.retentionInDays === "number") group.retentionInDays = entry.retentionInDays;
      if (typeof entry.logStreamName === "string") {
        // A later line of the same stream adds its events (a file appended to as a job runs).
        const events = (entry.events as StoredEvent[] | undefined) ?? [];
        const before = group.streams.get(entry.logStreamName)?.events ?? [];
        group.streams.set(entry.logStreamName, {
          name: entry.logStreamName,
          events: before.length === 0 ? events : [...before, ...events],
        });
      }
    });
    return store;
  }

  group(region: string, name: string, create = false): StoredGroup | undefined {
    const key = `${region}\0${name}`;
    let group = this.groups.get(key);
    if (!group && create) {
      group = { name, region, streams: new Map() };
      this.groups.set(key, group);
    }
    return group;
  }
}

export interface LocalLogs {
  readonly endpoint: string;
  /** The file served; `exists` false when there was none (every stream is then missing). */
  readonly file: string;
  readonly exists: boolean;
  /** The operations received, in order (`GetLogEvents`, `StartLiveTail`, ...). */
  readonly operations: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts the endpoint on 127.0.0.1 and a free port, serving `file`: read now, and again whenever
 * it has changed (a line appended for a stream adds to its events: `logs -f` and the web view
 * follow it).
 */
export async function startLocalLogs(file: string): Promise<LocalLogs> {
  const exists = fs.existsSync(file);
  let store = exists ? LogStore.parse(fs.readFileSync(file, "utf8"), file) : new LogStore();
  let read = exists ? stamp(file) : "";
  /** The store, read again when the file changed (lines appended while a job runs). */
  const current = () => {
    const now = exists ? stamp(file) : "";
    if (now !== read) {
      store = LogStore.parse(fs.readFileSync(file, "utf8"), file);
      read = now;
    }
    return store;
  };
  const operations: string[] = [];
  const queries = new Map<string, Record<string, unknown>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^Logs_20140328\./, "");
      operations.push(operation);
      try {
        const context = { store: current(), region: regionOf(req), queries };
        reply(res, 200, handle(operation, parseBody(Buffer.concat(chunks)), context));
      } catch (error) {
        // A ServiceError is the caller's (400); anything else a fault of this endpoint (500).
        if (error instanceof ServiceError)
          reply(res, 400, { __type: error.type, message: error.message });
        else reply(res, 500, { __type: "ServiceUnavailableException", message: String(error) });
      }
    });
  });
  const { endpoint, close } = await serveOnLoopback(server);
  return { endpoint, file, exists, operations, close };
}

/** What changes when a file is written: its size and modification time. */
function stamp(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.size} ${stat.mtimeMs}`;
  } catch {
    return "";
  }
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function parseBody(body: Buffer): Input {
  try {
    return JSON.parse(body.toString("utf8") || "{}") as Input;
  } catch {
    throw new ServiceError("SerializationException", "the request body is not JSON");
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
  res.end(JSON.stringify(body));
}

/** The region the request was signed for. */
function regionOf(req: IncomingMessage): string {
  const auth = String(req.headers.authorization ?? "");
  return /Credential=[^/]+\/\d+\/([^/]+)\/logs\//.exec(auth)?.[1] ?? "us-east-1";
}

interface Context {
  readonly store: LogStore;
  readonly region: string;
  readonly queries: Map<string, Record<string, unknown>>;
}

type Input = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function handle(operation: string, input: Input, context: Context): unknown {
  switch (operation) {
    case "GetLogEvents":
      return getLogEvents(input, context);
    case "FilterLogEvents":
      return filterLogEvents(input, context);
    case "DescribeLogGroups":
      return describeLogGroups(input, context);
    case "DescribeLogStreams":
      return describeLogStreams(input, context);
    case "StartQuery":
      return startQuery(input, context);
    case "GetQueryResults":
      return getQueryResults(input, context);
    default:
      throw new ServiceError(
        "UnknownOperationException",
        `${operation} is not supported by the local CloudWatch Logs endpoint`,
      );
  }
}

/** The group a request names, by `logGroupName` or `logGroupIdentifier` (a name or an ARN). */
function groupOf(input: Input, context: Context, identifier?: string): StoredGroup {
  const id: string = identifier ?? input.logGroupIdentifier ?? input.logGroupName ?? "";
  const arn = /^arn:[^:]+:logs:([^:]+):[^:]*:log-group:(.+?)(:\*)?$/.exec(id);
  const group = arn ? context.store.group(arn[1], arn[2]) : context.store.group(context.region, id);
  if (!group)
    throw new ServiceError("ResourceNotFoundException", "The specified log group does not exist.");
  return group;
}

function groupArn(group: StoredGroup): string {
  return `arn:aws:logs:${group.region}:${LOCAL_ACCOUNT}:log-group:${group.name}`;
}

function outputEvent(e: StoredEvent) {
  return { timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp + 250 };
}

function pageLimit(input: Input): number {
  const limit = input.limit ?? MAX_PAGE_EVENTS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_EVENTS) {
    throw new ServiceError("InvalidParameterException", `limit must be 1 to ${MAX_PAGE_EVENTS}`);
  }
  return limit;
}

/** Tokens are `f/<index>` and `b/<index>`: positions in the stream's events. */
function getLogEvents(input: Input, context: Context) {
  const group = groupOf(input, context);
  const stream = group.streams.get(input.logStreamName);
  if (!stream)
    throw new ServiceError("ResourceNotFoundException", "The specified log stream does not exist.");
  const limit = pageLimit(input);
  const events = stream.events;
  const inRange = (e: StoredEvent) =>
    (input.startTime === undefined || e.timestamp >= input.startTime) &&
    (input.endTime === undefined || e.timestamp < input.endTime);
  const token = /^([fb])\/(\d+)$/.exec(input.nextToken ?? "");
  if (input.nextToken !== undefined && !token) {
    throw new ServiceError("InvalidParameterException", "The specified nextToken is invalid.");
  }
  let from: number;
  let to: number;
  if (token?.[1] === "b" || (!token && input.startFromHead !== true)) {
    // Backward: the `limit` events in range before the position (the latest, without a token).
    to = token ? Number(token[2]) : events.length;
    while (to > 0 && !inRange(events[to - 1])) to--;
    from = Math.max(0, to - limit);
  } else {
    from = token ? Number(token[2]) : events.findIndex(inRange);
    if (from < 0) from = events.length;
    to = Math.min(events.length, from + limit);
  }
  const page = events.slice(from, to).filter(inRange);
  return {
    events: page.map(outputEvent),
    nextForwardToken: `f/${to}`,
    nextBackwardToken: `b/${from}`,
  };
}

/**
 * A filter pattern's terms: words and "quoted phrases" (a `\"` inside quotes is a quote); every
 * term must appear in the message. Other syntax (JSON, space-delimited, regex, `?` or `-`
 * terms) is not served here.
 */
export function filterTerms(pattern: string): string[] {
  const terms: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(pattern)) !== null && m[0] !== "") {
    end = re.lastIndex;
    const term = m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2];
    if (m[2] !== undefined && /^[?{[%-]/.test(m[2])) {
      throw new ServiceError("InvalidParameterException", `unsupported filter pattern: ${pattern}`);
    }
    terms.push(term);
  }
  if (pattern.slice(end).trim() !== "") {
    throw new ServiceError("InvalidParameterException", `invalid filter pattern: ${pattern}`);
  }
  return terms;
}

/**
 * The test of a filter pattern: one `%regex%` (letters, digits, `:_#=@/;,-` and the operators
 * `^$?[]{}|\*+.`, no parentheses, as CloudWatch Logs allows), or filterTerms' terms.
 */
export function filterMatcher(pattern: string): (message: string) => boolean {
  const regex = /^%(.*)%$/s.exec(pattern.trim());
  if (!regex) {
    const terms = filterTerms(pattern);
    return (message) => terms.every((t) => message.includes(t));
  }
  const body = regex[1];
  if (body === "" || !/^[A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+.]+$/.test(body)) {
    throw new ServiceError("InvalidParameterException", `invalid regex filter pattern: ${pattern}`);
  }
  const compiled = new RegExp(body);
  return (message) => compiled.test(message);
}

interface Match extends StoredEvent {
  readonly logStreamName: string;
  readonly order: number;
}

function filterLogEvents(input: Input, context: Context) {
  const group = groupOf(input, context);
  const names: string[] | undefined = input.logStreamNames;
  if (names !== undefined && (names.length < 1 || names.length > 100)) {
    throw new ServiceError("InvalidParameterException", "logStreamNames must hold 1 to 100 names");
  }
  const matches_ = filterMatcher(input.filterPattern ?? "");
  const limit = pageLimit(input);
  const streams = [...group.streams.values()].filter(
    (s) =>
      (names === undefined || names.includes(s.name)) &&
      (input.logStreamNamePrefix === undefined || s.name.startsWith(input.logStreamNamePrefix)),
  );
  const matches: Match[] = [];
  streams.forEach((s, order) => {
    for (const e of s.events) {
      if (input.startTime !== undefined && e.timestamp < input.startTime) continue;
      if (input.endTime !== undefined && e.timestamp > input.endTime) continue;
      if (matches_(e.message)) matches.push({ ...e, logStreamName: s.name, order });
    }
  });
  matches.sort((a, b) => a.timestamp - b.timestamp || a.order - b.order);
  const from =
    input.nextToken === undefined ? 0 : Number(/^p\/(\d+)$/.exec(input.nextToken)?.[1] ?? NaN);
  if (!Number.isInteger(from))
    throw new ServiceError("InvalidParameterException", "The specified nextToken is invalid.");
  const page = matches.slice(from, from + limit);
  return {
    events: page.map((m, i) => ({
      logStreamName: m.logStreamName,
      eventId: String(from + i),
      ...outputEvent(m),
    })),
    ...(from + limit < matches.length ? { nextToken: `p/${from + limit}` } : {}),
  };
}

function storedBytes(stream: StoredStream): number {
  return stream.events.reduce((n, e) => n + Buffer.byteLength(e.message) + 26, 0);
}

function describeLogGroups(input: Input, context: Context) {
  const prefix: string = input.logGroupNamePrefix ?? "";
  const groups = [...context.store.groups.values()]
    .filter((g) => g.region === context.region && g.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const from = Number(input.nextToken ?? 0);
  const limit = input.limit ?? 50;
  return {
    logGroups: groups.slice(from, from + limit).map((g) => ({
      logGroupName: g.name,
      arn: `${groupArn(g)}:*`,
      logGroupArn: groupArn(g),
      creationTime: Math.min(
        ...[...g.streams.values()].map((s) => s.events[0]?.timestamp ?? Infinity),
        Date.UTC(2026, 9, 1),
      ),
      ...(g.retentionInDays === undefined ? {} : { retentionInDays: g.retentionInDays }),
      storedBytes: [...g.streams.values()].reduce((n, s) => n + storedBytes(s), 0),
      metricFilterCount: 0,
    })),
    ...(from + limit < groups.length ? { nextToken: String(from + limit) } : {}),
  };
}

function describeLogStreams(input: Input, context: Context) {
  const group = groupOf(input, context);
  const prefix: string = input.logStreamNamePrefix ?? "";
  const streams = [...group.streams.values()]
    .filter((s) => s.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  if (input.descending) streams.reverse();
  const from = Number(input.nextToken ?? 0);
  const limit = input.limit ?? 50;
  return {
    logStreams: streams.slice(from, from + limit).map((s) => ({
      logStreamName: s.name,
      arn: `${groupArn(group)}:log-stream:${s.name}`,
      creationTime: s.events[0]?.timestamp,
      firstEventTimestamp: s.events[0]?.timestamp,
      lastEventTimestamp: s.events.at(-1)?.timestamp,
      lastIngestionTime: (s.events.at(-1)?.timestamp ?? 0) + 250,
      storedBytes: storedBytes(s),
    })),
    ...(from + limit < streams.length ? { nextToken: String(from + limit) } : {}),
  };
}

/** What insightsQuery understands of a query string. */
interface ParsedQuery {
  readonly streams?: ReadonlySet<string>;
  readonly like: readonly string[];
  /** `like /regex/`, `(?i)` at its start for any case. */
  readonly regexes: readonly RegExp[];
  readonly descending: boolean;
  readonly limit: number;
}

/**
 * The Logs Insights query shape `search` sends, and nothing else (MalformedQueryException):
 * `fields @timestamp, @message, @logStream, @log`, then `| filter @logStream in ["a", "b"]`,
 * `| filter @message like "text"` or `like /regex/` (`/(?i)regex/` in any case),
 * `| sort @timestamp asc|desc`, `| limit N`, in any number.
 */
export function insightsQuery(query: string): ParsedQuery {
  const commands: string[] = [];
  let current = "";
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"') {
      const end = closingQuote(query, i);
      current += query.slice(i, end + 1);
      i = end;
    } else if (c === "/" && /\blike\s*$/.test(current)) {
      const end = closingSlash(query, i);
      current += query.slice(i, end + 1);
      i = end;
    } else if (c === "|") {
      commands.push(current.trim());
      current = "";
    } else current += c;
  }
  commands.push(current.trim());
  const malformed = (what: string) =>
    new ServiceError("MalformedQueryException", `the local endpoint cannot run: ${what}`);
  let streams: Set<string> | undefined;
  const like: string[] = [];
  const regexes: RegExp[] = [];
  let descending = false;
  let limit = MAX_PAGE_EVENTS;
  for (const command of commands) {
    let m: RegExpExecArray | null;
    if (/^fields\s+@\w+(\s*,\s*@\w+)*$/.test(command)) continue;
    if ((m = /^filter\s+@logStream\s+in\s+\[(.*)\]$/s.exec(command))) {
      const names = JSON.parse(`[${m[1]}]`) as string[];
      streams = new Set(names);
    } else if ((m = /^filter\s+@message\s+like\s+(".*")$/s.exec(command))) {
      like.push(JSON.parse(m[1]) as string);
    } else if ((m = /^filter\s+@message\s+like\s+\/(\(\?i\))?(.*)\/$/s.exec(command))) {
      try {
        regexes.push(new RegExp(m[2], m[1] ? "i" : ""));
      } catch {
        throw malformed(command);
      }
    } else if ((m = /^sort\s+@timestamp\s+(asc|desc)$/.exec(command))) {
      descending = m[1] === "desc";
    } else if ((m = /^limit\s+(\d+)$/.exec(command))) {
      limit = Math.min(Number(m[1]), MAX_PAGE_EVENTS);
    } else throw malformed(command);
  }
  return { streams, like, regexes, descending, limit };
}

function closingSlash(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "/") return i;
  }
  throw new ServiceError("MalformedQueryException", "unterminated regular expression");
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  throw new ServiceError("MalformedQueryException", "unterminated string");
}

/** "2026-11-01 00:03:23.210", as Logs Insights prints @timestamp. */
function insightsTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

function startQuery(input: Input, context: Context) {
  const ids: string[] = input.logGroupIdentifiers ?? input.logGroupNames ?? [input.logGroupName];
  const groups = ids.map((id) => groupOf({}, context, id));
  const query = insightsQuery(String(input.queryString ?? ""));
  const from = Number(input.startTime) * 1000;
  const to = Number(input.endTime) * 1000;
  const rows: (StoredEvent & { group: StoredGroup; stream: string })[] = [];
  let scanned = 0;
  let bytes = 0;
  for (const group of groups) {
    for (const stream of group.streams.values()) {
      for (const e of stream.events) {
        if (e.timestamp < from || e.timestamp > to + 999) continue;
        scanned++;
        bytes += Buffer.byteLength(e.message) + 26;
        if (query.streams && !query.streams.has(stream.name)) continue;
        if (!query.like.every((t) => e.message.includes(t))) continue;
        if (!query.regexes.every((r) => r.test(e.message))) continue;
        rows.push({ ...e, group, stream: stream.name });
      }
    }
  }
  rows.sort((a, b) => (query.descending ? b.timestamp - a.timestamp : a.timestamp - b.timestamp));
  const queryId = `local-query-${context.queries.size + 1}`;
  context.queries.set(queryId, {
    status: "Complete",
    results: rows.slice(0, query.limit).map((r) => [
      { field: "@timestamp", value: insightsTime(r.timestamp) },
      { field: "@message", value: r.message },
      { field: "@logStream", value: r.stream },
      { field: "@log", value: `${LOCAL_ACCOUNT}:${r.group.name}` },
    ]),
    statistics: { recordsMatched: rows.length, recordsScanned: scanned, bytesScanned: bytes },
  });
  return { queryId };
}

function getQueryResults(input: Input, context: Context) {
  const result = context.queries.get(input.queryId);
  if (!result) throw new ServiceError("ResourceNotFoundException", `no query ${input.queryId}`);
  return result;
}
