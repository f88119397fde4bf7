/**
 * The web view's HTTP server (node's own `http`), read-only, for the one user who started it:
 *
 * - it listens on 127.0.0.1 (or the host given) and answers only requests whose `Host` is that
 *   address and port, or `localhost` with that port: a page of another site that resolves its
 *   name to 127.0.0.1 (DNS rebinding) is refused;
 * - every request needs the random token of the URL `ui` printed, as a `token` query parameter
 *   (the first page) or the cookie that page sets (HttpOnly, SameSite=Strict), as Jupyter does;
 * - every answer carries a Content-Security-Policy that allows only this origin's script and
 *   stylesheet and nothing inline, `nosniff`, no referrer, no caching;
 * - GET and HEAD only; what came from a job is escaped where it is written (cli/ui/html.ts).
 *
 * It reads through the lookups of the command line: the listing of `find` (cli/lookup/list.ts),
 * the finder of `show` and `logs` (table, then Batch: cli/lookup/jobs.ts), the log reading of
 * `logs` (cli/lookup/log-read.ts).
 */
import { timingSafeEqual } from "crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "http";
import type { AddressInfo } from "net";
import type { JobRecord } from "../../record";
import { shellQuote } from "../lookup/console-link";
import type { ArchiveReader } from "../lookup/archive";
import { describeError, isMissingStream, JobNotFoundError, LookupError } from "../lookup/errors";
import type { JobFinder } from "../lookup/jobs";
import { firstPage, listJobs, type ListContext, type ListFilter } from "../lookup/list";
import type { LogAccess } from "../lookup/log-access";
import { groupRef } from "../lookup/log-output";
import { readPage, readTail, type LogCalls } from "../lookup/log-read";
import { timeWindow } from "../lookup/time";
import { APP_JS, STYLE_CSS } from "./assets";
import {
  CHART_JOBS,
  DETAIL_CHILDREN,
  jobPage,
  jobsPage,
  problemPage,
  type JobsQuery,
} from "./pages";

/** The policy of every answer: this origin's script and stylesheet, nothing inline or remote. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Jobs a page of the jobs page lists. */
export const PAGE_JOBS = 50;

/** Log lines a request reads at most: the tail, or the lines before the oldest shown. */
export const LOG_PAGE_LINES = 1_000;

const COOKIE = "batch_job_log_token";

export interface UiSources {
  readonly finder: JobFinder;
  readonly list: ListContext;
  readonly logs: LogAccess;
  readonly calls: LogCalls;
  /** The stack's S3 archive, when one is known: a stream CloudWatch Logs no longer has is read there. */
  readonly archive?: ArchiveReader;
  readonly now: () => number;
  /** The flags that reach the same table on the command line (`--db DIR`, `--table T`, ...). */
  readonly commandFlags: readonly string[];
}

export interface UiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface UiOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string;
}

export async function startUiServer(sources: UiSources, options: UiOptions): Promise<UiServer> {
  let allowedHosts = new Set<string>();
  const server: Server = createServer((req, res) => {
    void answer(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, "text/plain; charset=utf-8", `${describeError(error)}\n`);
      else res.end();
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts.has(String(req.headers.host ?? "").toLowerCase())) {
      return send(
        res,
        403,
        "text/plain; charset=utf-8",
        "Refused: this server answers only to its own address.\n",
      );
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return send(res, 405, "text/plain; charset=utf-8", "Read-only: GET only.\n");
    }
    const url = new URL(req.url ?? "/", "http://local");
    const given = url.searchParams.get("token") ?? cookie(req, COOKIE);
    if (!sameToken(given, options.token)) {
      return send(
        res,
        403,
        "text/plain; charset=utf-8",
        "Refused: open the URL `batch-job-log ui` printed (it carries the token).\n",
      );
    }
    if (url.searchParams.has("token")) {
      // The token moves to a cookie, out of the address bar and of links.
      url.searchParams.delete("token");
      res.setHeader("Set-Cookie", `${COOKIE}=${options.token}; HttpOnly; SameSite=Strict; Path=/`);
      res.setHeader("Location", url.pathname + url.search);
      return send(res, 303, "text/plain; charset=utf-8", "");
    }
    const parts = pathParts(url.pathname);
    if (parts === undefined) {
      const message = `Bad address: ${url.pathname} is not valid percent-encoding.\n`;
      return send(res, 400, "text/plain; charset=utf-8", message);
    }
    if (parts[0] === "static" && parts[1] === "app.js")
      return send(res, 200, "text/javascript; charset=utf-8", APP_JS);
    if (parts[0] === "static" && parts[1] === "style.css")
      return send(res, 200, "text/css; charset=utf-8", STYLE_CSS);
    if (parts.length === 0) return send(res, 200, HTML, await jobs(url.searchParams));
    if (parts[0] === "job" && parts.length === 2) return job(res, parts[1], url.searchParams);
    if (parts[0] === "api" && parts[1] === "logs")
      return send(res, 200, JSON_TYPE, JSON.stringify(await logs(url.searchParams)));
    return send(res, 404, HTML, problemPage("Not found", `Nothing at ${url.pathname}.`));
  }

  async function jobs(params: URLSearchParams): Promise<string> {
    const query = Object.fromEntries(
      ["status", "queue", "name", "since", "until", "account", "region", "next"]
        .map((k) => [k, params.get(k) ?? undefined])
        .filter(([, v]) => v),
    ) as JobsQuery;
    const now = sources.now();
    let problem: string | undefined;
    let window: { startTime?: number; endTime?: number } = {};
    try {
      window = timeWindow("ui", query.since, query.until, now);
    } catch (error) {
      problem = (error as Error).message;
    }
    const filter: ListFilter = {
      statuses: query.status
        ? query.status.split(",").map((s) => s.trim().toUpperCase())
        : undefined,
      queue: query.queue,
      since: window.startTime,
      until: window.endTime,
      account: query.account,
      region: query.region,
      namePrefix: query.name?.replace(/\*$/, ""),
    };
    let listed: Awaited<ReturnType<typeof listJobs>> = { jobs: [], itemsRead: 0 };
    let chart: Awaited<ReturnType<typeof listJobs>> = { jobs: [], itemsRead: 0 };
    try {
      // One read for the chart and the first page; a later page is read on its own.
      chart = await listJobs(sources.list, filter, { limit: CHART_JOBS });
      listed =
        query.next === undefined
          ? firstPage(chart, PAGE_JOBS)
          : await listJobs(sources.list, filter, { limit: PAGE_JOBS, nextToken: query.next });
    } catch (error) {
      problem = describeError(error);
    }
    const since = filter.since ?? now - 7 * 86_400_000;
    const until = filter.until ?? now;
    return jobsPage({
      query,
      tableName: sources.list.tableName,
      jobs: listed.jobs,
      nextToken: listed.nextToken,
      chart: { jobs: chart.jobs, since, until, capped: chart.nextToken !== undefined },
      problem,
    });
  }

  async function job(res: ServerResponse, id: string, params: URLSearchParams): Promise<void> {
    let found;
    try {
      found = await sources.finder.find(id);
    } catch (error) {
      if (error instanceof JobNotFoundError || error instanceof LookupError) {
        return send(res, 404, HTML, problemPage("No such job", error.message));
      }
      throw error;
    }
    const { record } = found;
    const parent =
      record.arraySize !== undefined ||
      (record.numNodes !== undefined && record.nodeIndex === undefined);
    const children = parent ? await sources.finder.children(found) : [];
    const details = children.length <= DETAIL_CHILDREN || params.get("details") === "1";
    const childRecords =
      parent && details && children.length > 0
        ? await sources.finder.getMany(
            children.map((c) => c.jobId),
            { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
          )
        : undefined;
    const command = ["batch-job-log", "logs", record.jobId, ...sources.commandFlags]
      .map(shellQuote)
      .join(" ");
    send(res, 200, HTML, jobPage({ found, children, childRecords, command, now: sources.now() }));
  }

  /** `/api/logs?job=ID&stream=N` and `&before=T` (older) or `&after=TOKEN` (what came since). */
  async function logs(params: URLSearchParams) {
    const record: JobRecord = await sources.finder.get(params.get("job") ?? "");
    const streams = record.logStreams ?? [];
    const index = Number(params.get("stream") ?? streams.length - 1);
    const stream = streams[index];
    if (!stream) return { error: `job ${record.jobId} has no stream ${index}` };
    const target = await sources.logs.target(groupRef(record, stream));
    try {
      const token = params.get("after");
      if (token) {
        const page = await readPage(sources.calls, target, stream.logStreamName, { token });
        return { events: page.events.map(line), token: page.token, status: record.status };
      }
      const before = params.get("before");
      const tail = await readTail(sources.calls, target, stream.logStreamName, LOG_PAGE_LINES, {
        ...(before ? { endTime: Number(before) } : {}),
      });
      return {
        events: tail.events.map(line),
        token: tail.token,
        status: record.status,
        full: tail.events.length < LOG_PAGE_LINES,
      };
    } catch (error) {
      if (isMissingStream(error) && sources.archive) return fromArchive(record, index, params);
      return { error: describeError(error), status: record.status };
    }
  }

  /** A stream gone from CloudWatch Logs (its retention), read from the archive: its last lines. */
  async function fromArchive(record: JobRecord, index: number, params: URLSearchParams) {
    const stream = record.logStreams[index];
    const ref = { logGroup: stream.logGroup, logRegion: stream.logRegion, account: record.account };
    const before = params.get("before");
    const events: { t: number; m: string }[] = [];
    const archive = sources.archive as ArchiveReader;
    for await (const page of archive.pages(ref, stream.logStreamName, {
      ...(before ? { endTime: Number(before) } : {}),
    })) {
      events.push(...page.map(line));
    }
    if (events.length === 0) {
      return {
        error: `the stream is neither in CloudWatch Logs nor in the archive`,
        status: record.status,
      };
    }
    return {
      events: events.slice(-LOG_PAGE_LINES),
      token: null,
      status: record.status,
      full: events.length <= LOG_PAGE_LINES,
      source: "archive",
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  allowedHosts = new Set([`${host}:${port}`, `localhost:${port}`].map((h) => h.toLowerCase()));
  return {
    url: `http://${host}:${port}/?token=${options.token}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const HTML = "text/html; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";

/** A log event as the page's script takes it. */
function line(e: { timestamp?: number; message?: string }) {
  return { t: e.timestamp ?? 0, m: e.message ?? "" };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
  });
  res.end(body);
}

/** The decoded parts of a path, or undefined when its percent-encoding is malformed. */
function pathParts(pathname: string): string[] | undefined {
  try {
    return pathname.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of String(req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return null;
}

function sameToken(given: string | null, token: string): boolean {
  if (given === null || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}
