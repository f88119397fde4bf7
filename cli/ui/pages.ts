/**
 * The pages of `batch-job-log ui`, rendered on the server from what the lookups return (the same
 * code as the command line: cli/lookup/). Pictures are inline SVG drawn with attributes and
 * classes only (the Content-Security-Policy allows no inline style): a chart of jobs per hour by
 * status, an attempt timeline, a grid of an array's children, a histogram of their durations.
 */
import { BATCH_STATUSES, isTerminalStatus, type JobRecord, type LogStreamRef } from "../../record";
import { logStreamConsoleUrl } from "../lookup/console-link";
import { failureReason } from "../lookup/errors";
import { elapsed, formatTime, shortArn } from "../lookup/format";
import type { FoundJob } from "../lookup/jobs";
import type { ListedJob } from "../lookup/list";
import { LIVE_NOTE } from "../lookup/jobs";
import type { ChildSummary } from "../lookup/table";
import { escapeHtml, html, href, page, safeUrl, Safe } from "./html";

/** The filters of the jobs page, as the query string holds them (find's options). */
export interface JobsQuery {
  readonly status?: string;
  readonly queue?: string;
  readonly name?: string;
  readonly since?: string;
  readonly until?: string;
  readonly account?: string;
  readonly region?: string;
  readonly next?: string;
}

export interface JobsView {
  readonly query: JobsQuery;
  readonly tableName: string;
  readonly jobs: readonly ListedJob[];
  readonly nextToken?: string;
  /** The jobs of the window for the chart (at most CHART_JOBS), and the window. */
  readonly chart: {
    readonly jobs: readonly ListedJob[];
    readonly since: number;
    readonly until: number;
    readonly capped: boolean;
  };
  /** A problem with the filters, said above the list. */
  readonly problem?: string;
}

/** At most this many jobs are read for the chart. */
export const CHART_JOBS = 5_000;

/** The CSS class of a status: its colour. */
function statusClass(status: string): string {
  return `s-${status.toLowerCase()}`;
}

export function jobsPage(view: JobsView): string {
  const q = view.query;
  const field = (name: keyof JobsQuery, label: string, hint: string) =>
    html`<label
      >${label} <input name="${name}" value="${q[name] ?? ""}" placeholder="${hint}"
    /></label>`;
  const rows = view.jobs.map(
    (j) =>
      html`<tr class="${j.status === "FAILED" ? "failed" : ""}">
        <td>${formatTime(j.listedAt)}</td>
        <td><span class="status ${statusClass(j.status)}">${j.status}</span></td>
        <td>${j.exitCode ?? "-"}</td>
        <td>${elapsed(j.startedAt, j.stoppedAt) ?? "-"}</td>
        <td>
          <a href="${href(["job", j.jobId])}">${j.jobName ?? j.jobId}</a><br /><small
            >${j.jobId}</small
          >
        </td>
        <td>${shortArn(j.jobQueue) ?? "-"}</td>
        <td>${j.account ?? "-"} ${j.region ?? ""}</td>
      </tr>`,
  );
  const more = view.nextToken
    ? html`<p class="more">
        <a id="next-page" href="${href([], { ...q, next: view.nextToken })}">Next page</a>
      </p>`
    : html``;
  const body = html`<h1>Jobs <small>table ${view.tableName}</small></h1>
    <form method="get" action="/" class="filters">
      <label
        >status
        <select name="status">
          <option value="">any</option>
          ${BATCH_STATUSES.map(
            (s) =>
              html`<option value="${s}" ${q.status?.toUpperCase() === s ? html` selected` : ""}>
                ${s}
              </option>`,
          )}
        </select></label
      >
      ${field("name", "name", "prefix, e.g. nightly-")} ${field("queue", "queue", "name or ARN")}
      ${field("since", "since", "2h, 7d or ISO 8601")} ${field("until", "until", "ISO 8601")}
      ${field("account", "account", "12 digits")} ${field("region", "region", "us-east-1")}
      <button type="submit">Filter</button>
    </form>
    ${view.problem ? html`<p class="problem">${view.problem}</p>` : ""} ${hourChart(view.chart)}
    ${
      view.jobs.length === 0
        ? html`<p class="empty">
            No jobs match${q.since ? "" : " in the last 7 days"}.
            ${q.since ? "" : html`<a href="${href([], { ...q, since: "90d" })}">The last 90 days</a>.`}
          </p>`
        : html`<table class="jobs">
            <thead>
              <tr>
                <th>ended</th>
                <th>status</th>
                <th>exit</th>
                <th>ran</th>
                <th>job</th>
                <th>queue</th>
                <th>where</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
    }
    ${more}`;
  return page("Jobs", body);
}

/** Jobs per hour (or per longer bucket over a long window) by status, stacked. */
function hourChart(chart: JobsView["chart"]): Safe {
  const { jobs, since, until } = chart;
  if (jobs.length === 0) return html``;
  const hour = 3_600_000;
  const span = Math.max(hour, until - since);
  const bucket = Math.ceil(span / hour / 168) * hour;
  const buckets = Math.ceil(span / bucket);
  const counts = Array.from({ length: buckets }, () => new Map<string, number>());
  for (const j of jobs) {
    const i = Math.min(buckets - 1, Math.max(0, Math.floor((j.listedAt - since) / bucket)));
    const kind = j.status === "SUCCEEDED" || j.status === "FAILED" ? j.status : "OTHER";
    counts[i].set(kind, (counts[i].get(kind) ?? 0) + 1);
  }
  const highest = Math.max(1, ...counts.map((c) => [...c.values()].reduce((a, b) => a + b, 0)));
  const width = 840;
  const height = 80;
  const w = width / buckets;
  const bars: Safe[] = [];
  counts.forEach((c, i) => {
    let y = height;
    for (const kind of ["SUCCEEDED", "FAILED", "OTHER"]) {
      const n = c.get(kind) ?? 0;
      if (n === 0) continue;
      const h = (n / highest) * height;
      y -= h;
      bars.push(
        html`<rect
          class="${statusClass(kind)}"
          x="${(i * w).toFixed(1)}"
          y="${y.toFixed(1)}"
          width="${Math.max(1, w - 1).toFixed(1)}"
          height="${h.toFixed(1)}"
          ><title>${formatTime(since + i * bucket)}: ${n} ${kind}</title></rect
        >`,
      );
    }
  });
  const per = bucket === hour ? "hour" : `${bucket / hour} hours`;
  return html`<figure class="chart">
    <svg
      id="jobs-chart"
      viewBox="0 0 ${width} ${height}"
      width="${width}"
      height="${height}"
      role="img"
      aria-label="jobs per ${per} by status"
    >
      ${bars}
    </svg>
    <figcaption>
      Jobs per ${per} by status, ${formatTime(since)} to
      ${formatTime(until)}${chart.capped ? ` (the newest ${CHART_JOBS.toLocaleString("en-US")})` : ""}:
      at most ${highest} in one bar.
    </figcaption>
  </figure>`;
}

export interface JobView {
  readonly found: FoundJob;
  readonly children: readonly ChildSummary[];
  /** The children's records, for durations and reasons (absent when there are too many). */
  readonly childRecords?: ReadonlyMap<string, JobRecord>;
  /** The command line that reads the same job's logs. */
  readonly command: string;
  readonly now: number;
}

export function jobPage(view: JobView): string {
  const { record, live } = view.found;
  const reason = failureReason(record);
  const facts: [string, unknown][] = [
    [
      "status",
      html`<span class="status ${statusClass(record.status)}" id="job-status">${record.status}</span
        >${live ? html` <em class="live">${LIVE_NOTE}</em>` : ""}`,
    ],
    ["reason", reason],
    ["exit code", record.exitCode],
    ["queue", record.jobQueue],
    ["definition", record.jobDefinition],
    ["account", record.account],
    ["region", record.region],
    ["created", record.createdAt === undefined ? undefined : formatTime(record.createdAt)],
    ["started", record.startedAt === undefined ? undefined : formatTime(record.startedAt)],
    ["stopped", record.stoppedAt === undefined ? undefined : formatTime(record.stoppedAt)],
    [
      "parent",
      record.parentJobId === undefined
        ? undefined
        : html`<a href="${href(["job", record.parentJobId])}">${record.parentJobId}</a>`,
    ],
  ];
  const parent =
    record.arraySize !== undefined ||
    (record.numNodes !== undefined && record.nodeIndex === undefined);
  const body = html`<h1>${record.jobName ?? record.jobId} <small>${record.jobId}</small></h1>
    <dl class="facts">
      ${facts
        .filter(([, v]) => v !== undefined && v !== "")
        .map(
          ([k, v]) =>
            html`<dt>${k}</dt>
              <dd>${v}</dd>`,
        )}
    </dl>
    <p class="command">Same logs on the command line: <code id="command">${view.command}</code></p>
    ${timeline(record, view.now)} ${streamsList(record)}
    ${parent ? childrenSection(record, view.children, view.childRecords) : logViewer(record)}`;
  return page(record.jobName ?? record.jobId, body);
}

/** Every attempt as a bar from its start to its stop (or now), over the job's life. */
function timeline(record: JobRecord, now: number): Safe {
  const attempts = record.attempts.filter((a) => a.startedAt !== undefined);
  if (attempts.length === 0) return html``;
  const from = record.createdAt ?? (attempts[0].startedAt as number);
  const to = Math.max(record.stoppedAt ?? now, ...attempts.map((a) => a.stoppedAt ?? now));
  const span = Math.max(1, to - from);
  const width = 840;
  const row = 22;
  const bars = attempts.map((a, i) => {
    const start = a.startedAt as number;
    const stop = a.stoppedAt ?? now;
    const x = ((start - from) / span) * width;
    const w = Math.max(2, ((stop - start) / span) * width);
    const kind = a.stoppedAt === undefined ? "running" : a.exitCode === 0 ? "succeeded" : "failed";
    return html`<g
      ><rect
        class="s-${kind}"
        x="${x.toFixed(1)}"
        y="${i * row + 2}"
        width="${w.toFixed(1)}"
        height="${row - 6}"
        ><title>
          attempt ${i + 1}: ${formatTime(start)} to
          ${a.stoppedAt === undefined ? "now" : formatTime(stop)}${a.exitCode === undefined ? "" : `, exit ${a.exitCode}`}${a.statusReason ? `, ${a.statusReason}` : ""}
        </title></rect
      >
      <text x="${(x + 4).toFixed(1)}" y="${i * row + 15}"
        >attempt ${i + 1}${a.exitCode === undefined ? "" : ` · exit ${a.exitCode}`} ·
        ${elapsed(start, stop) ?? ""}</text
      ></g
    >`;
  });
  return html`<h2>Attempts</h2>
    <svg
      class="timeline"
      id="timeline"
      viewBox="0 0 ${width} ${attempts.length * row}"
      width="${width}"
      height="${attempts.length * row}"
    >
      ${bars}
    </svg>`;
}

const consoleLink = (s: LogStreamRef) =>
  logStreamConsoleUrl(s.logRegion, s.logGroup, s.logStreamName);

function streamsList(record: JobRecord): Safe {
  const streams = record.logStreams ?? [];
  if (streams.length === 0) return html``;
  return html`<h2>Streams</h2>
    <ul class="streams">
      ${streams.map((s) => {
        const console = safeUrl(consoleLink(s));
        return html`<li>
          attempt ${s.attempt} · ${s.container} · ${s.logGroup} (${s.logRegion}) ·
          <code>${s.logStreamName}</code
          >${console ? html` · <a href="${console}" rel="noreferrer noopener" target="_blank">CloudWatch console</a>` : ""}
        </li>`;
      })}
    </ul>`;
}

/** The log lines, loaded and followed by /static/app.js from /api/logs. */
function logViewer(record: JobRecord): Safe {
  const streams = record.logStreams ?? [];
  if (streams.length === 0)
    return html`<p class="empty">
      No log stream: ${failureReason(record) ?? "the job has not started, or logs elsewhere"}.
    </p>`;
  const last = streams.length - 1;
  return html`<section
    id="logs"
    data-job="${record.jobId}"
    data-running="${isTerminalStatus(record.status) ? "" : "1"}"
  >
    <h2>Log lines</h2>
    <div class="log-tools">
      <label
        >stream
        <select id="stream">
          ${streams.map((s, i) => html`<option value="${i}" ${i === last ? html` selected` : ""}>attempt ${s.attempt} · ${s.container}</option>`)}
        </select></label
      >
      <label>search <input id="search" type="search" placeholder="text in the lines" /></label>
      <label
        ><input
          id="follow"
          type="checkbox"
          ${isTerminalStatus(record.status) ? "" : html` checked`}
        />
        follow</label
      >
      <button id="older" type="button">Older lines</button>
      <span id="log-state"></span>
    </div>
    <pre id="lines"></pre>
  </section>`;
}

/** An array's children (or a multi-node job's nodes): a grid, durations, exit codes, reasons. */
function childrenSection(
  record: JobRecord,
  children: readonly ChildSummary[],
  records: ReadonlyMap<string, JobRecord> | undefined,
): Safe {
  const array = record.arraySize !== undefined;
  const indexOf = (c: ChildSummary) => (array ? c.arrayIndex : c.nodeIndex) ?? -1;
  const size = Math.max(
    record.arraySize ?? record.numNodes ?? 0,
    ...children.map((c) => indexOf(c) + 1),
  );
  const perRow = 100;
  const cell = 8;
  const byIndex = new Map(children.map((c) => [indexOf(c), c]));
  // Built as plain strings (escaped), one short line per cell: an array may have 10,000.
  const cells: Safe[] = [];
  for (let i = 0; i < size; i++) {
    const c = byIndex.get(i);
    const at = `x="${(i % perRow) * (cell + 1)}" y="${Math.floor(i / perRow) * (cell + 1)}" width="${cell}" height="${cell}"`;
    const name = array ? `child ${i}` : `node ${i}`;
    cells.push(
      new Safe(
        c
          ? `<a href="${escapeHtml(href(["job", c.jobId]))}"><rect class="${escapeHtml(statusClass(c.status))}" ${at} data-index="${i}"><title>${escapeHtml(`${name}: ${c.status}${c.exitCode === undefined ? "" : `, exit ${c.exitCode}`}`)}</title></rect></a>\n`
          : `<rect class="s-unknown" ${at}><title>${name}: not recorded</title></rect>\n`,
      ),
    );
  }
  const rows = Math.max(1, Math.ceil(size / perRow));
  const byStatus = countBy(children, (c) => c.status);
  const byExit = countBy(children, (c) => (c.exitCode === undefined ? "none" : String(c.exitCode)));
  return html`<h2>
      ${array ? "Children" : "Nodes"}
      <small
        >${children.length.toLocaleString("en-US")} of ${size.toLocaleString("en-US")}:
        ${[...byStatus].map(([s, n]) => `${s} ${n.toLocaleString("en-US")}`).join(", ")}</small
      >
    </h2>
    <svg
      class="grid"
      id="children-grid"
      viewBox="0 0 ${perRow * (cell + 1)} ${rows * (cell + 1)}"
      width="${perRow * (cell + 1) * 1.2}"
      height="${rows * (cell + 1) * 1.2}"
    >
      ${cells}
    </svg>
    <div class="breakdowns">
      ${countsTable("by exit code", byExit)}
      ${records ? reasonsAndDurations(children, records) : html`<p class="note">Durations and reasons are read for up to ${DETAIL_CHILDREN.toLocaleString("en-US")} children; <a href="?details=1">read them for all ${children.length.toLocaleString("en-US")}</a>.</p>`}
    </div>`;
}

/** Above this many children, their records are read only when asked (`?details=1`). */
export const DETAIL_CHILDREN = 2_000;

function reasonsAndDurations(
  children: readonly ChildSummary[],
  records: ReadonlyMap<string, JobRecord>,
): Safe {
  const full = children
    .map((c) => records.get(c.jobId))
    .filter((r): r is JobRecord => r !== undefined);
  const reasons = countBy(full, (r) => failureReason(r) ?? "-");
  const durations = full
    .filter((r) => r.startedAt !== undefined && r.stoppedAt !== undefined)
    .map((r) => (r.stoppedAt as number) - (r.startedAt as number));
  return html`${countsTable("by reason", reasons)} ${histogram(durations)}`;
}

/** A table of counts, the largest first. */
function countsTable(caption: string, counts: ReadonlyMap<string, number>): Safe {
  return html`<table class="counts">
    <caption>
      ${caption}
    </caption>
    ${[...counts].map(
      ([k, n]) =>
        html`<tr>
          <td>${k}</td>
          <td>${n.toLocaleString("en-US")}</td>
        </tr>`,
    )}
  </table>`;
}

/** Durations in 20 bins from the shortest to the longest. */
function histogram(durations: readonly number[]): Safe {
  if (durations.length === 0) return html``;
  const lo = Math.min(...durations);
  const hi = Math.max(...durations);
  const bins = 20;
  const width = Math.max(1, (hi - lo) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const d of durations) counts[Math.min(bins - 1, Math.floor((d - lo) / width))]++;
  const top = Math.max(...counts);
  const w = 20;
  const h = 60;
  return html`<figure class="histogram">
    <svg id="durations" viewBox="0 0 ${bins * w} ${h}" width="${bins * w}" height="${h}">
      ${counts.map(
        (n, i) =>
          html`<rect
            class="s-bar"
            x="${i * w}"
            y="${h - (n / top) * h}"
            width="${w - 2}"
            height="${(n / top) * h}"
            ><title>
              ${elapsedText(lo + i * width)} to ${elapsedText(lo + (i + 1) * width)}: ${n}
            </title></rect
          >`,
      )}
    </svg>
    <figcaption>
      Run time: ${elapsedText(lo)} to ${elapsedText(hi)},
      ${durations.length.toLocaleString("en-US")} runs
    </figcaption>
  </figure>`;
}

function elapsedText(ms: number): string {
  return elapsed(0, Math.round(ms)) ?? "0s";
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

/** A page that says what went wrong (404, 400). */
export function problemPage(title: string, message: string): string {
  return page(
    title,
    html`<h1>${title}</h1>
      <p class="problem">${message}</p>
      <p><a href="/">All jobs</a></p>`,
  );
}
