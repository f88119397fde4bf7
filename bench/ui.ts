/**
 * The web view's speed, measured in the browser (Debian's chromium driven by playwright-core):
 * the jobs page of the sample, a job page whose stream holds 10,000 lines, and an array parent of
 * 10,000 children, each from navigation to what the user sees, next to its floor: the same page's
 * HTML fetched alone (the server's share). Screenshots of each page go to docs/.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as uiCommand from "../cli/commands/ui";
import { runCommand } from "../cli/dispatch";
import type { CliIO } from "../cli/io";
import { main } from "../cli/main";

export const UI_CHILDREN = 10_000;
export const UI_LOG_LINES = 10_000;
const BIG_ARRAY = "5e5e5e5e-3333-4444-8555-666677778888";
const LONG_JOB = "4d4d4d4d-3333-4444-8555-666677778888";
const LONG_STREAM = "bench/default/ten-thousand-lines";

export interface UiFigure {
  readonly page: string;
  /** Navigation to the page ready (its content drawn), in ms; the median of RUNS. */
  readonly readyMs: number;
  /** The page's HTML alone, fetched (no browser): the server's share. */
  readonly htmlMs: number;
  readonly bytes: number;
  readonly goalMs: number;
  readonly what: string;
}

const RUNS = 5;

function silentIO(cwd: string): CliIO {
  const sink = { write: () => true, isTTY: false };
  return { stdout: sink, stderr: sink, env: { AWS_REGION: "us-east-1" }, cwd };
}

/** The sample's events, an array of UI_CHILDREN children, a job whose stream has UI_LOG_LINES lines. */
function writeInput(root: string, dir: string): void {
  const events = path.join(dir, "events");
  fs.mkdirSync(events);
  fs.copyFileSync(path.join(root, "samples", "events.jsonl"), path.join(events, "a-sample.jsonl"));
  const fixture = (name: string) =>
    JSON.parse(
      fs.readFileSync(path.join(root, "__tests__", "fixtures", "events", `${name}.json`), "utf8"),
    ) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const parent = fixture("array-parent").at(-1) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  parent.id = "bench-big-parent";
  parent.detail.jobId = BIG_ARRAY;
  parent.detail.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${BIG_ARRAY}`;
  parent.detail.arrayProperties = { size: UI_CHILDREN };
  const template = fixture("array-child").at(-1) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const lines = [JSON.stringify(parent)];
  for (let i = 0; i < UI_CHILDREN; i++) {
    const child = JSON.parse(JSON.stringify(template));
    child.id = `bench-big-${i}`;
    child.detail.jobId = `${BIG_ARRAY}:${i}`;
    child.detail.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${BIG_ARRAY}:${i}`;
    child.detail.arrayProperties = { index: i };
    if (i % 13 === 0) child.detail.status = "FAILED";
    lines.push(JSON.stringify(child));
  }
  const long = fixture("ec2-single").at(-1) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  long.id = "bench-long";
  long.detail.jobId = LONG_JOB;
  long.detail.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${LONG_JOB}`;
  long.detail.container.logStreamName = LONG_STREAM;
  for (const a of long.detail.attempts) a.container.logStreamName = LONG_STREAM;
  lines.push(JSON.stringify(long));
  fs.writeFileSync(path.join(events, "b-bench.jsonl"), lines.join("\n") + "\n");
}

/** Median of `values`. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function uiFigures(
  root: string,
  log: (text: string) => void,
  chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
): Promise<UiFigure[] | string> {
  if (!fs.existsSync(chromiumPath))
    return `no browser at ${chromiumPath} (apt-get install -y chromium)`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-ui-"));
  const stop = new AbortController();
  let served: Promise<number> | undefined;
  try {
    log("ui: replaying the sample and the large jobs");
    writeInput(root, dir);
    const db = path.join(dir, "db");
    if ((await main(["replay", path.join(dir, "events"), "--db", db], silentIO(dir))) !== 0) {
      throw new Error("ui: the replay of the bench's input failed");
    }
    const logs = fs.readFileSync(path.join(root, "samples", "logs.jsonl"), "utf8");
    const long = {
      logGroupName: "/aws/batch/job",
      region: "us-east-1",
      logStreamName: LONG_STREAM,
      events: Array.from({ length: UI_LOG_LINES }, (_, i) => ({
        timestamp: 1793610000000 + i * 10,
        message: `line ${i}: INFO worker.step: processed batch ${i} of ${UI_LOG_LINES} (${(i * 37) % 1000} records)`,
      })),
    };
    fs.writeFileSync(path.join(db, "logs.jsonl"), logs + JSON.stringify(long) + "\n");
    const url = await new Promise<string>((resolve) => {
      served = runCommand(uiCommand, ["--db", db], silentIO(dir), {
        stop: stop.signal,
        onListening: resolve,
      } as uiCommand.UiDeps);
    });
    const origin = new URL(url).origin;
    const { chromium } = require("playwright-core") as typeof import("playwright-core");
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(url);
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
      const pages = [
        {
          page: "jobs",
          path: "/?since=2026-10-31T00:00:00Z&until=2026-11-02T00:00:00Z",
          ready: "table.jobs tbody tr",
          goalMs: 500,
          what: "the sample's jobs page: 50 rows and the chart",
        },
        {
          page: "job",
          path: `/job/${LONG_JOB}`,
          ready: "#lines .line",
          goalMs: 1000,
          what: `a job whose stream holds ${UI_LOG_LINES.toLocaleString("en-US")} lines: its last 1,000 drawn`,
        },
        {
          page: "array",
          path: `/job/${BIG_ARRAY}`,
          ready: "#children-grid rect",
          goalMs: 1000,
          what: `an array parent of ${UI_CHILDREN.toLocaleString("en-US")} children: the grid`,
        },
      ];
      const figures: UiFigure[] = [];
      for (const p of pages) {
        log(`ui: ${p.page}`);
        const ready: number[] = [];
        const html: number[] = [];
        let bytes = 0;
        for (let run = 0; run < RUNS; run++) {
          const started = Date.now();
          await page.goto(origin + p.path);
          await page.waitForSelector(p.ready);
          ready.push(Date.now() - started);
          const fetched = Date.now();
          const body = await (await fetch(origin + p.path, { headers: { cookie } })).text();
          html.push(Date.now() - fetched);
          bytes = Buffer.byteLength(body);
        }
        await page.screenshot({ path: path.join(root, "docs", `ui-${p.page}.png`) });
        figures.push({
          page: p.page,
          readyMs: median(ready),
          htmlMs: median(html),
          bytes,
          goalMs: p.goalMs,
          what: p.what,
        });
      }
      // Every line of the long stream, read 1,000 at a time as the user scrolls up.
      const started = Date.now();
      await page.goto(`${origin}/job/${LONG_JOB}`);
      await page.waitForSelector("#lines .line");
      while ((await page.locator("#lines .line").count()) < UI_LOG_LINES) {
        const before = await page.locator("#lines .line").count();
        await page.click("#older");
        await page.waitForFunction(
          (n) =>
            (
              globalThis as unknown as {
                document: { querySelectorAll(s: string): { length: number } };
              }
            ).document.querySelectorAll("#lines .line").length > n,
          before,
        );
      }
      figures.push({
        page: "job, every line",
        readyMs: Date.now() - started,
        htmlMs: 0,
        bytes: 0,
        goalMs: 0,
        what: `the same job with all ${UI_LOG_LINES.toLocaleString("en-US")} lines, ${UI_LOG_LINES / 1000} reads of 1,000`,
      });
      return figures;
    } finally {
      await browser.close();
    }
  } finally {
    stop.abort();
    await served;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
