/**
 * `batch-job-log ui` in a real browser: Debian's chromium driven by playwright-core (which
 * downloads no browser). The table is the shipped sample replayed into a `--db` folder, with an
 * array job of 2,000 children and a job named `<script>alert(1)</script>` added; the view runs in
 * this process as the command runs it. Without chromium the browser cases do not run, and say why
 * (`.ci/run` installs it). The Host and token checks are asked with plain HTTP requests.
 */
import * as fs from "fs";
import { request } from "http";
import * as os from "os";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import * as uiCommand from "../cli/commands/ui";
import { SAMPLE } from "../cli/commands/shared";
import { main } from "../cli/main";
import { useDummyCredentials } from "./helpers/aws-env";
import { command, recordingIO } from "./helpers/cli-io";
import { fixture, type BatchEvent } from "./helpers/fixtures";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
const ROOT = path.join(__dirname, "..");
const BIG = "7b7b7b7b-2222-4333-8444-555566667777";
const HOSTILE = "6c6c6c6c-2222-4333-8444-555566667777";
const HOSTILE_NAME = "<script>alert(1)</script>";
/** The sample's window (its jobs ran on 2026-11-01). */
const WINDOW = "since=2026-10-31T00:00:00Z&until=2026-11-02T00:00:00Z";

type Detail = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** What the functions run in the page use of it (this project's types have no DOM). */
interface Dom {
  readonly document: {
    querySelectorAll(selector: string): { readonly length: number };
    querySelector(selector: string): { readonly textContent: string | null } | null;
  };
}

function terminal(name: string): BatchEvent {
  return JSON.parse(JSON.stringify(fixture(name).at(-1))) as BatchEvent;
}

/** An array job of 2,000 children, every 7th failed; and a job with a hostile name. */
function extraEvents(): BatchEvent[] {
  const parent = terminal("array-parent");
  const p = parent.detail as Detail;
  parent.id = "evt-big-parent";
  p.jobId = BIG;
  p.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${BIG}`;
  p.arrayProperties = { size: 2000, statusSummary: { SUCCEEDED: 1714, FAILED: 286 } };
  const children = Array.from({ length: 2000 }, (_, i) => {
    const child = terminal("array-child");
    const d = child.detail as Detail;
    child.id = `evt-big-${i}`;
    d.jobId = `${BIG}:${i}`;
    d.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${BIG}:${i}`;
    d.arrayProperties = { index: i };
    if (i % 7 === 0) {
      d.status = "FAILED";
      d.container.exitCode = 3;
      for (const a of d.attempts) a.container.exitCode = 3;
    }
    return child;
  });
  const hostile = terminal("ec2-single");
  const h = hostile.detail as Detail;
  hostile.id = "evt-hostile";
  h.jobId = HOSTILE;
  h.jobArn = `arn:aws:batch:us-east-1:123456789012:job/${HOSTILE}`;
  h.jobName = HOSTILE_NAME;
  return [parent, ...children, hostile];
}

let tmp: string;
let db: string;
let url: string;
const stop = new AbortController();
let served: Promise<number>;
let browser: Browser | undefined;

useDummyCredentials();

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ui-browser-"));
  const input = path.join(tmp, "events");
  fs.mkdirSync(input);
  fs.copyFileSync(path.join(ROOT, "samples", "events.jsonl"), path.join(input, "a-sample.jsonl"));
  fs.writeFileSync(
    path.join(input, "b-extra.jsonl"),
    extraEvents()
      .map((e) => JSON.stringify(e))
      .join("\n") + "\n",
  );
  db = path.join(tmp, "db");
  const replayed = recordingIO({ cwd: tmp, env: { PATH: path.join(tmp, "none") } });
  expect(await main(["replay", input, "--db", db], replayed)).toBe(0);
  fs.copyFileSync(path.join(ROOT, "samples", "logs.jsonl"), path.join(db, "logs.jsonl"));
  const listening = new Promise<string>((resolve) => {
    served = command(uiCommand)(
      ["--db", db],
      recordingIO({ cwd: tmp, env: { AWS_REGION: "us-east-1" } }),
      { stop: stop.signal, onListening: resolve } as uiCommand.UiDeps,
    );
  });
  url = await listening;
  if (HAS_CHROMIUM) {
    const { chromium } = require("playwright-core") as typeof import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  stop.abort();
  await served;
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A GET with a chosen Host header (which a browser would not let a page set). */
function get(
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(target, { headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("what the server refuses", () => {
  test("a request for another host (DNS rebinding) and one without the token", async () => {
    const { port } = new URL(url);
    expect(await get(url, { Host: `rebind.example:${port}` })).toEqual({
      status: 403,
      body: "Refused: this server answers only to its own address.\n",
    });
    const bare = new URL(url);
    bare.search = "";
    expect(await get(bare.toString())).toEqual({
      status: 403,
      body: "Refused: open the URL `batch-job-log ui` printed (it carries the token).\n",
    });
    expect((await get(`${bare.origin}/?token=${"0".repeat(48)}`)).status).toBe(403);
  });
});

const inBrowser = HAS_CHROMIUM ? describe : describe.skip;
if (!HAS_CHROMIUM) {
  console.warn(
    `ui-browser: no browser at ${CHROMIUM} (apt-get install -y chromium): the browser cases did not run.`,
  );
}

inBrowser("in chromium", () => {
  let page: Page;
  let dialogs = 0;
  beforeAll(async () => {
    page = await (browser as Browser).newPage();
    page.on("dialog", async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await page.goto(url);
  });

  test("the jobs page lists the sample's jobs, newest first, pages on, and draws the chart", async () => {
    await page.goto(`${new URL(url).origin}/?${WINDOW}`);
    const rows = page.locator("table.jobs tbody tr");
    expect(await rows.count()).toBe(50);
    const ended = await page.locator("table.jobs tbody tr td:first-child").allTextContents();
    expect([...ended].sort().reverse()).toEqual(ended);
    expect(await page.locator("#jobs-chart rect").count()).toBeGreaterThan(5);
    expect(await page.locator("#next-page").count()).toBe(1);
  });

  test("filters the failed jobs: every row failed, and marked", async () => {
    await page.selectOption("select[name=status]", "FAILED");
    await Promise.all([page.waitForNavigation(), page.click("form.filters button")]);
    expect(new URL(page.url()).searchParams.get("status")).toBe("FAILED");
    const statuses = await page.locator("table.jobs tbody tr .status").allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(["FAILED"]));
    expect(await page.locator("table.jobs tbody tr.failed").count()).toBe(statuses.length);
  });

  test("opens a job: its attempts, its log lines, and a search that highlights", async () => {
    await page.goto(`${new URL(url).origin}/job/${SAMPLE.retriedJob}`);
    expect(await page.locator("#timeline rect").count()).toBe(3);
    await page.waitForSelector("#lines .line");
    const first = await page.locator("#lines .line").first().textContent();
    expect(first).toContain(`AWS_BATCH_JOB_ID=${SAMPLE.retriedJob}, attempt 3 of 3`);
    await page.fill("#search", "step failed");
    await page.waitForFunction(
      () => (globalThis as unknown as Dom).document.querySelectorAll("#lines .line").length === 1,
    );
    expect(await page.locator("#lines mark").allTextContents()).toEqual(["step failed"]);
    expect(await page.locator("#command").textContent()).toBe(
      `batch-job-log logs ${SAMPLE.retriedJob} --db ${db}`,
    );
  });

  test("follows a running job: lines appended to its stream appear", async () => {
    await page.goto(`${new URL(url).origin}/job/${SAMPLE.running}`);
    expect(await page.locator(".live").textContent()).toBe("live from Batch, not recorded yet");
    await page.waitForSelector("#lines .line");
    expect(await page.isChecked("#follow")).toBe(true);
    const stream = "nightly-etl/default/9ba5194c6ea8b6f7079eafd5030726e5";
    fs.appendFileSync(
      path.join(db, "logs.jsonl"),
      JSON.stringify({
        logGroupName: "/aws/batch/job",
        region: "us-east-1",
        logStreamName: stream,
        events: [
          {
            timestamp: 1793520000000,
            message: "INFO etl.run: a line written just now <img src=x onerror=alert(2)>",
          },
        ],
      }) + "\n",
    );
    // As text: the markup in the line is not an element.
    const said = "INFO etl.run: a line written just now <img src=x onerror=alert(2)>";
    await page.waitForFunction(
      (text) =>
        (globalThis as unknown as Dom).document.querySelector("#lines .line:last-child")
          ?.textContent === text,
      said,
      { timeout: 15_000 },
    );
    expect(await page.locator("#lines img").count()).toBe(0);
  });

  test("an array parent of 2,000 children: a grid of 2,000 cells; a failed one opens its child", async () => {
    await page.goto(`${new URL(url).origin}/job/${BIG}`);
    expect(await page.locator("#children-grid rect").count()).toBe(2000);
    expect(await page.locator("#children-grid rect.s-failed").count()).toBe(286);
    await Promise.all([
      page.waitForNavigation(),
      page.click("#children-grid rect[data-index='7']"),
    ]);
    expect(new URL(page.url()).pathname).toBe(`/job/${BIG}%3A7`);
    expect(await page.locator("#job-status").textContent()).toBe("FAILED");
  });

  test("a job named <script>: shown as text, nothing runs", async () => {
    await page.goto(`${new URL(url).origin}/job/${HOSTILE}`);
    expect(await page.locator("h1").textContent()).toBe(`${HOSTILE_NAME} ${HOSTILE}`);
    // Its run ended on 2026-11-02, after the sample's day.
    const days = "since=2026-10-31T00:00:00Z&until=2026-11-03T00:00:00Z";
    await page.goto(`${new URL(url).origin}/?${days}&name=${encodeURIComponent("<script>")}`);
    expect(await page.locator("table.jobs tbody tr").count()).toBe(1);
    expect(dialogs).toBe(0);
  });
});
