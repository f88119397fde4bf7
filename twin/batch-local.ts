/**
 * A local AWS Batch endpoint for the jobs a replay left unfinished: what `show`, `logs` and
 * `logs -f` ask Batch about a job the table does not hold yet (cli/lookup/live.ts), answered
 * offline from `DIR/batch.jsonl`, as twin/logs-local.ts answers CloudWatch Logs from
 * `DIR/logs.jsonl`.
 *
 * The file: one line per job, `{"region": ..., "job": <the detail of its latest event>}`, written
 * by `replay --db` with `LiveJobs` below: the jobs whose latest state (by Batch's order of
 * statuses, then event time) is not SUCCEEDED or FAILED, and, as Batch remembers ended jobs for
 * some days, the last MAX_REMEMBERED that ended (what `backfill --db` lists).
 *
 * Served (Batch's REST JSON protocol, the region from the request's signature): DescribeJobs
 * (`POST /v1/describejobs`), DescribeJobQueues (the queues of its jobs) and ListJobs (`POST /v1/listjobs`) by `arrayJobId`, `multiNodeJobId`
 * or `jobQueue` (name or ARN; its jobs, not their children), one `jobStatus` (RUNNING when none is given, as Batch), pages of
 * `maxResults` (default 100) with a `nextToken`. Anything else is a 404 `UnknownOperation`.
 */
import * as fs from "fs";
import { createServer, type IncomingMessage, type ServerResponse } from "http";
import { STATUS_RANK, TERMINAL_STATUSES } from "../record/constants";
import { serveOnLoopback } from "./loopback";

const ENDED = new Set(TERMINAL_STATUSES);

/** How many ended jobs the stand-in remembers (the newest). */
export const MAX_REMEMBERED = 10_000;

type Detail = Record<string, unknown>;

interface Kept {
  readonly region: string;
  readonly job: Detail;
  readonly time: number;
}

/**
 * The latest state of every job a replay saw that has not ended, from its events in any order:
 * `observe` each "Batch Job State Change" event, `forgetEnded` once the table holds the events,
 * then `lines()` for DIR/batch.jsonl. Holds the unfinished jobs' details and the last
 * MAX_REMEMBERED ended jobs' lines, whatever the number of jobs: a state delivered after its
 * job's end is told apart by those lines while they are kept, and by the table (`forgetEnded`)
 * after.
 */
export class LiveJobs {
  private readonly open = new Map<string, Kept>();
  /**
   * The last MAX_REMEMBERED jobs that ended, as Batch remembers ended jobs for some days: each
   * as the JSON text of its ending event, made a line of the file by `lines()` only for those
   * still kept at the end (serializing every ended job's detail as it ended cost a replay about
   * 15 µs an event).
   */
  private readonly remembered = new Map<string, string>();

  /** `text`: the event's JSON text, when the caller has it (a line of JSON Lines). */
  observe(event: Record<string, unknown>, text?: string): void {
    if (event.source !== "aws.batch" || event["detail-type"] !== "Batch Job State Change") return;
    const job = event.detail as Detail | undefined;
    const jobId = typeof job?.jobId === "string" ? job.jobId : undefined;
    const status = typeof job?.status === "string" ? job.status : undefined;
    if (!job || !jobId || !status || this.remembered.has(jobId)) return;
    if (ENDED.has(status)) {
      this.open.delete(jobId);
      this.remembered.set(jobId, text ?? JSON.stringify(event));
      if (this.remembered.size > MAX_REMEMBERED) {
        this.remembered.delete(this.remembered.keys().next().value as string);
      }
      return;
    }
    const region = eventRegion(event);
    const time = Date.parse(String(event.time ?? "")) || 0;
    const kept = this.open.get(jobId);
    if (kept && rank(kept.job.status) * 1e15 + kept.time > rank(status) * 1e15 + time) return;
    this.open.set(jobId, { region, job, time });
  }

  /** How many jobs had not ended. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Drops the unfinished jobs whose status in the table (`statusOf`) is SUCCEEDED or FAILED: a
   * state delivered after the end of a job no longer remembered. `concurrency` reads at a time.
   */
  async forgetEnded(
    statusOf: (jobId: string) => Promise<string | undefined>,
    concurrency = 8,
  ): Promise<void> {
    const ids = [...this.open.keys()];
    for (let i = 0; i < ids.length; i += concurrency) {
      const batch = ids.slice(i, i + concurrency);
      const statuses = await Promise.all(batch.map(statusOf));
      batch.forEach((id, n) => ENDED.has(String(statuses[n])) && this.open.delete(id));
    }
  }

  /** DIR/batch.jsonl's lines, by job id: the unfinished jobs, and the last ones that ended. */
  lines(): string[] {
    const open = [...this.open.entries()].map(
      ([id, { region, job }]) => [id, JSON.stringify({ region, job })] as const,
    );
    const ended = [...this.remembered.entries()].map(([id, text]) => {
      const event = JSON.parse(text) as Record<string, unknown>;
      return [id, JSON.stringify({ region: eventRegion(event), job: event.detail })] as const;
    });
    return [...open, ...ended]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, line]) => line);
  }
}

/** An event's region, as the file keeps it: us-east-1 when it has none. */
function eventRegion(event: Record<string, unknown>): string {
  return String(event.region ?? "us-east-1");
}

/** Batch's order of a job's statuses: a later event may carry an earlier one (delivery order). */
function rank(status: unknown): number {
  return STATUS_RANK[String(status)] ?? 0;
}

export interface LocalBatch {
  readonly endpoint: string;
  /** The operations asked, in order (for tests). */
  readonly operations: string[];
  close(): Promise<void>;
}

/** Serves the jobs of `file` (none when it does not exist) until `close()`. */
export async function startLocalBatch(file: string): Promise<LocalBatch> {
  const jobs = fs.existsSync(file) ? parseJobs(fs.readFileSync(file, "utf8"), file) : [];
  const operations: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const operation = (req.url ?? "").replace(/^\/v1\//, "").replace(/\?.*$/, "");
      operations.push(operation);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<
          string,
          unknown
        >;
      } catch {
        return reply(res, 400, { __type: "ClientException", message: "the body is not JSON" });
      }
      const region = regionOf(req);
      const here = jobs.filter((j) => j.region === region).map((j) => j.job);
      if (req.method === "POST" && operation === "describejobs") {
        const wanted = new Set(Array.isArray(body.jobs) ? body.jobs.map(String) : []);
        return reply(res, 200, { jobs: here.filter((j) => wanted.has(String(j.jobId))) });
      }
      if (req.method === "POST" && operation === "listjobs")
        return reply(res, 200, list(here, body));
      if (req.method === "POST" && operation === "describejobqueues") {
        const arns = [...new Set(here.map((j) => String(j.jobQueue ?? "")).filter(Boolean))];
        return reply(res, 200, {
          jobQueues: arns.sort().map((arn) => ({
            jobQueueArn: arn,
            jobQueueName: arn.slice(arn.lastIndexOf("/") + 1),
            state: "ENABLED",
            status: "VALID",
          })),
        });
      }
      reply(res, 404, { __type: "UnknownOperationException", message: `not served: ${operation}` });
    });
  });
  const { endpoint, close } = await serveOnLoopback(server);
  return { endpoint, operations, close };
}

function parseJobs(text: string, source: string): { region: string; job: Detail }[] {
  return text
    .split("\n")
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, i }) => {
      const entry = JSON.parse(line) as { region?: unknown; job?: unknown };
      if (typeof entry.region !== "string" || typeof entry.job !== "object" || !entry.job) {
        throw new Error(`${source} line ${i + 1}: needs region and job`);
      }
      return { region: entry.region, job: entry.job as Detail };
    });
}

/** One page of ListJobs. */
function list(jobs: readonly Detail[], body: Record<string, unknown>): Record<string, unknown> {
  const status = typeof body.jobStatus === "string" ? body.jobStatus : "RUNNING";
  const id = (j: Detail) => String(j.jobId);
  const selected = jobs.filter((j) => {
    if (j.status !== status) return false;
    if (typeof body.arrayJobId === "string") return id(j).startsWith(`${body.arrayJobId}:`);
    if (typeof body.multiNodeJobId === "string") return id(j).startsWith(`${body.multiNodeJobId}#`);
    if (typeof body.jobQueue === "string") {
      // A queue lists its jobs, not their children.
      if (/[:#]/.test(id(j))) return false;
      const queue = String(j.jobQueue ?? "");
      return queue === body.jobQueue || queue.endsWith(`/${body.jobQueue}`);
    }
    return false;
  });
  const start = typeof body.nextToken === "string" ? Number(body.nextToken) || 0 : 0;
  const size = typeof body.maxResults === "number" && body.maxResults > 0 ? body.maxResults : 100;
  const page = selected.slice(start, start + size);
  return {
    jobSummaryList: page.map(summaryOf),
    ...(start + size < selected.length ? { nextToken: String(start + size) } : {}),
  };
}

/** A job's ListJobs summary. */
function summaryOf(j: Detail): Record<string, unknown> {
  const pick = (names: readonly string[], from: Detail | undefined) =>
    Object.fromEntries(names.filter((n) => from?.[n] !== undefined).map((n) => [n, from?.[n]]));
  const container = j.container as Detail | undefined;
  const array = j.arrayProperties as Detail | undefined;
  const nodes = j.nodeProperties as Detail | undefined;
  const nodeDetails = j.nodeDetails as Detail | undefined;
  return {
    ...pick(
      [
        "jobArn",
        "jobId",
        "jobName",
        "createdAt",
        "status",
        "statusReason",
        "startedAt",
        "stoppedAt",
      ],
      j,
    ),
    ...(container ? { container: pick(["exitCode", "reason"], container) } : {}),
    ...(array ? { arrayProperties: pick(["size", "index"], array) } : {}),
    ...(nodes || nodeDetails
      ? {
          nodeProperties: {
            ...pick(["numNodes"], nodes),
            ...pick(["isMainNode", "nodeIndex"], nodeDetails),
          },
        }
      : {}),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The region the request was signed for. */
function regionOf(req: IncomingMessage): string {
  const auth = String(req.headers.authorization ?? "");
  return /Credential=[^/]+\/\d+\/([^/]+)\/batch\//.exec(auth)?.[1] ?? "us-east-1";
}
