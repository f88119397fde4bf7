/**
 * `npm run bench`: measures what issue-level promises rest on, each figure next to its floor in
 * the same run, and writes docs/benchmarks.md with the machine and the date. It reports; it
 * never fails on a number, and no test asserts on time.
 *
 *   node dist/bench/index.js [--only SECTION,...] [--replay-sizes N,...] [--replay-rounds N,...]
 *
 * Sections: sizes (bytes and write units per job kind), listing (`find` without a name: items
 * read per job returned on a table of 200,000 jobs, `--listing-jobs N` for another size), lambda (archive, cold start, warm cost),
 * replay (replay of growing inputs through the CLI, replay and floor alternating over
 * `--replay-rounds` rounds per size, 2 by default), ui (the web view's pages, in chromium),
 * tests (the test suite, whole and per file).
 * Each section is stamped with its date, commit and load average, and a run replaces in
 * docs/benchmarks.md only the sections it measured (`--only`), keeping the others as they were:
 * the replay of a million events takes most of an hour and need not be redone for a new test.
 */
import * as fs from "fs";
import * as path from "path";
import { findProjectRoot } from "../twin/lambda";
import { startTwin } from "../twin/replay-engine";
import { terminalTemplates } from "./events";
import { archiveFigures, coldStart, warmCost } from "./lambda";
import { listingFigures, type ListingFigures } from "./listing";
import { machine } from "./machine";
import { replayScale, REPLAY_ROUNDS, REPLAY_SIZES, type ReplayRun } from "./replay";
import { kindSizes, sampleSizes, worstCase, type WorstCase } from "./sizes";
import { uiFigures, type UiFigure } from "./ui";
import { count, mb, ms, ratio, us } from "./stats";
import { testSuite, timingAvailable, type TestRun } from "./tests";

const ROOT = findProjectRoot();
const SECTIONS = ["sizes", "listing", "lambda", "replay", "ui", "tests"] as const;
type Section = (typeof SECTIONS)[number];

function sectionsToRun(argv: readonly string[]): Section[] {
  const at = argv.indexOf("--only");
  if (at < 0) return [...SECTIONS];
  const asked = (argv[at + 1] ?? "").split(",").filter(Boolean);
  const unknown = asked.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (asked.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes some of ${SECTIONS.join(",")}; got "${argv[at + 1] ?? ""}"`);
  }
  return asked as Section[];
}

/**
 * --replay-sizes N,... (for a quick run; REPLAY_SIZES by default) and --replay-rounds N,... (per
 * size, the last for the sizes after it; REPLAY_ROUNDS by default).
 */
function wholeNumbers(argv: readonly string[], flag: string, byDefault: number[]): number[] {
  const at = argv.indexOf(flag);
  if (at < 0) return byDefault;
  const numbers = (argv[at + 1] ?? "").split(",").map(Number);
  if (!numbers.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`${flag} takes whole numbers, e.g. 2000,5000; got "${argv[at + 1] ?? ""}"`);
  }
  return numbers;
}

async function main(): Promise<void> {
  // The SDK's notice that its releases from 2027 need Node 22 is about this machine, not about the
  // nodejs22.x runtime measured; off here and in every process the benchmark starts.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const sections = sectionsToRun(process.argv.slice(2));
  const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
  const parts = new Map<Section, string>();
  // The commit measured is the one built when the run started (HEAD may move on meanwhile).
  const commit = machine(ROOT).commit;
  const measured = (section: Section, started: Date, text: string) =>
    parts.set(section, stamped(section, started, commit, text));

  if (sections.includes("sizes")) {
    log("item sizes");
    measured("sizes", new Date(), sizesReport(kindSizes(ROOT), sampleSizes(ROOT), worstCase(ROOT)));
  }
  if (sections.includes("listing")) {
    const at = process.argv.indexOf("--listing-jobs");
    const jobs = at < 0 ? 200_000 : Number(process.argv[at + 1]);
    log(`listing: a table of ${count(jobs)} jobs`);
    const started = new Date();
    measured("listing", started, listingReport(await listingFigures(ROOT, jobs, log)));
  }
  if (sections.includes("lambda")) {
    log("evaluating the program and starting the twin");
    const started = new Date();
    const templates = terminalTemplates(ROOT);
    const twin = await startTwin();
    try {
      const archive = archiveFigures(twin, ROOT);
      log("cold start");
      const cold = await coldStart(twin, templates, ROOT);
      log("warm cost");
      const warm = await warmCost(twin, templates);
      measured("lambda", started, lambdaReport(archive, cold, warm));
    } finally {
      await twin.close();
    }
  }
  if (sections.includes("replay")) {
    const argv = process.argv.slice(2);
    const sizes = wholeNumbers(argv, "--replay-sizes", REPLAY_SIZES);
    const rounds = wholeNumbers(argv, "--replay-rounds", [REPLAY_ROUNDS]);
    log(`replay of ${sizes.map(count).join(", ")} events`);
    const started = new Date();
    measured("replay", started, replayReport(await replayScale(ROOT, log, sizes, rounds)));
  }
  if (sections.includes("ui")) {
    const started = new Date();
    measured("ui", started, uiReport(await uiFigures(ROOT, log)));
  }
  if (sections.includes("tests")) {
    const started = new Date();
    if (timingAvailable()) measured("tests", started, testsReport(await testSuite(ROOT, log)));
    else log("no /usr/bin/time (Debian package time): the test suite is not measured");
  }

  process.stdout.write([...parts.values()].join("\n"));
  const file = path.join(ROOT, "docs", "benchmarks.md");
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const kept = SECTIONS.map((s) => parts.get(s) ?? previousSection(before, s)).filter(
    (text): text is string => text !== undefined,
  );
  fs.writeFileSync(file, [header(), ...kept].join("\n"));
  log(`wrote ${[...parts.keys()].join(", ")} into docs/benchmarks.md`);
}

/** A section between its markers, with the run that measured it: date, commit, load. */
function stamped(section: Section, started: Date, commit: string, text: string): string {
  const m = machine(ROOT);
  const [title, ...rest] = text.split("\n");
  return [
    `<!-- bench:${section} -->`,
    title,
    "",
    `*Measured ${started.toISOString()} at commit ${commit}; load average (1, 5, 15 min) at the end: ${m.loadAverage}.*`,
    ...rest,
    `<!-- /bench:${section} -->`,
    "",
  ].join("\n");
}

/** The section as the previous run wrote it, markers included; none when it is not there. */
function previousSection(text: string, section: Section): string | undefined {
  const start = text.indexOf(`<!-- bench:${section} -->`);
  const endMarker = `<!-- /bench:${section} -->`;
  const end = text.indexOf(endMarker, start);
  if (start < 0 || end < 0) return undefined;
  return `${text.slice(start, end + endMarker.length)}\n`;
}

function header(): string {
  const m = machine(ROOT);
  return [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/); every figure below is next to its floor, measured in the",
    "same run. The benchmark reports and never fails; no test asserts on time.",
    "DynamoDB is dynalite, in the measuring process, so the figures compare this code with a floor",
    "on the same machine; they are not Lambda's or DynamoDB's latencies.",
    "",
    "## Machine",
    "",
    "Each section says when and at which commit it was measured: `--only SECTION` measures some",
    "sections again and keeps the others.",
    "",
    "| | |",
    "|---|---|",
    `| CPU | ${m.cpu} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGB.toFixed(1)} GB |`,
    `| Node.js | ${m.node} |`,
    `| OS | ${m.platform} |`,
    "",
  ].join("\n");
}

function sizesReport(
  kinds: ReturnType<typeof kindSizes>,
  sample: ReturnType<typeof sampleSizes>,
  worst: WorstCase,
): string {
  const bytes = (n: number | undefined) => (n === undefined ? "–" : count(n));
  return [
    "## Item size per job kind",
    "",
    "The terminal event of each fixture in `__tests__/fixtures/events/`, sized as DynamoDB",
    "documents it (`record/item-size.ts`: attribute names plus values); one write unit is 1 KB.",
    "*Full record* is the layout the previous version stored (layout 1), *item* the compact one",
    "the handler writes now (docs/record.md); the index columns are the item each index keeps",
    "(`byParentJobId` only for array children and nodes). An index write is billed like a table",
    "write, on the index item's size.",
    "",
    "| job kind | status | full record | item | write units | byJobName | byParentJobId | streams | attempts |",
    "|---|---|---|---|---|---|---|---|---|",
    ...kinds.map(
      (k) =>
        `| ${k.kind} | ${k.status} | ${count(k.fullBytes)} | ${count(k.itemBytes)} | ${k.writeUnits} | ${bytes(k.byJobNameBytes)} | ${bytes(k.byParentBytes)} | ${k.logStreams} | ${k.attempts} |`,
    ),
    "",
    `Over the ${count(sample.jobs)} jobs of the shipped sample (terminal records):`,
    "",
    "| | median | 90th percentile | largest | write units, all jobs |",
    "|---|---|---|---|---|",
    `| full record (layout 1) | ${count(sample.fullBytes.median)} | ${count(sample.fullBytes.p90)} | ${count(sample.fullBytes.max)} | ${count(sample.fullUnits)} |`,
    `| item (layout 2) | ${count(sample.itemBytes.median)} | ${count(sample.itemBytes.p90)} | ${count(sample.itemBytes.max)} | ${count(sample.itemUnits)} |`,
    `| index items | | | | ${count(sample.indexUnits)} |`,
    "",
    "The worst cases (issue 24: the compact item is never larger than the full record): every",
    "state of every job of the sample and the fixtures, each as it is, without an account, with 12",
    "attempts that keep one field each (what the job has, they lack, as an EKS job's pods), and",
    "moved to each other partition (`aws-cn`, `aws-us-gov`, the four ISO ones, `aws-eusc`). The",
    "full record here is what layout 1 stores, the record and its listing attributes.",
    "",
    "| records | stored as the full record | largest item − full record | largest compact item ÷ full record | items costing more write units |",
    "|---|---|---|---|---|",
    `| ${count(worst.records)} | ${count(worst.storedFull)} | ${worst.largestExcess} bytes | ${(worst.largestShare * 100).toFixed(1)}% (${worst.largestShareOf}) | ${worst.moreUnits} |`,
    "",
  ].join("\n");
}

function listingReport(f: ListingFigures): string {
  const per = (read: number, returned: number) =>
    returned === 0 ? "–" : (read / returned).toFixed(2);
  return [
    "## Listing without a name (`find`, `listJobs`)",
    "",
    `A dynalite table of ${count(f.jobs)} jobs (the sample's terminal records in turn, each with an id of its`,
    "own, ending evenly over 44 hours up to 20:00 UTC of the second day), written by BatchWriteItem",
    `in ${f.loadSeconds.toFixed(0)} s. *Read* is DynamoDB's ScannedCount summed over every Query \`listJobs\``,
    "sent (cli/lookup/list.ts; no Scan); *all* is `--limit 0`, *first page* the default 20.",
    `Measured on ${machine(ROOT).cpu}, ${machine(ROOT).cores} cores.`,
    "",
    "| query | returned | read | read per returned | first page: returned | read | read per returned |",
    "|---|---|---|---|---|---|---|",
    ...f.queries.map(
      (q) =>
        `| ${q.name} | ${count(q.returned)} | ${count(q.read)} | ${per(q.read, q.returned)} | ${q.firstPageReturned} | ${q.firstPageRead} | ${per(q.firstPageRead, q.firstPageReturned)} |`,
    ),
    "",
    `Per job (median over 2,000): the listing keys add ${count(f.addedItemBytes)} bytes to the table's item; ` +
      `\`byStatusDay\` keeps ${count(f.indexItemBytes.byStatusDay)} bytes of it and \`byQueueDay\` ` +
      `${count(f.indexItemBytes.byQueueDay)}, ${f.indexWriteUnits.toFixed(2)} write units for the two per write of the item.`,
    "",
  ].join("\n");
}

function lambdaReport(
  archive: ReturnType<typeof archiveFigures>,
  cold: Awaited<ReturnType<typeof coldStart>>,
  warm: Awaited<ReturnType<typeof warmCost>>,
): string {
  const c = cold;
  return [
    "## The Lambda archive, as uploaded",
    "",
    "The archive CallbackFunction builds (the AWS SDK v3 is left to the nodejs22.x runtime), zipped",
    "with fflate at deflate level 6.",
    "",
    "| files | `__index.js` | zipped |",
    "|---|---|---|",
    `| ${archive.files.length} (${archive.files.map((f) => `\`${f}\``).join(", ")}) | ${count(archive.indexBytes)} bytes | ${count(archive.zippedBytes)} bytes |`,
    "",
    "## Cold start",
    "",
    `Median of ${c.runs} fresh \`node\` processes per side, alternating. Each loads its module from a`,
    "temporary folder whose `node_modules` holds only `@aws-sdk` (as the runtime does) and handles one",
    "event against dynalite. The serialized side is the exact `__index.js`; the floor loads the SDK,",
    "makes a client and does one conditional PutItem of the item the handler would write. *Load* is",
    "`require` (the factory runs then), *first event* the first invocation (client setup, first",
    "connection), *CPU* the child's CPU time for both (the steadier figure on a busy machine),",
    "*process* from process start to the event handled, *wall* as seen by the parent.",
    "",
    "| | load | first event | load + first event | CPU | process | wall |",
    "|---|---|---|---|---|---|---|",
    `| serialized \`__index.js\` | ${ms(c.serialized.loadMs)} | ${ms(c.serialized.firstEventMs)} | ${ms(c.serialized.handledMs)} | ${ms(c.serialized.cpuMs)} | ${ms(c.serialized.totalMs)} | ${ms(c.serialized.wallMs)} |`,
    `| floor: SDK + one PutItem | ${ms(c.floor.loadMs)} | ${ms(c.floor.firstEventMs)} | ${ms(c.floor.handledMs)} | ${ms(c.floor.cpuMs)} | ${ms(c.floor.totalMs)} | ${ms(c.floor.wallMs)} |`,
    `| ratio | ${ratio(c.serialized.loadMs, c.floor.loadMs)} | ${ratio(c.serialized.firstEventMs, c.floor.firstEventMs)} | ${ratio(c.serialized.handledMs, c.floor.handledMs)} | ${ratio(c.serialized.cpuMs, c.floor.cpuMs)} | ${ratio(c.serialized.totalMs, c.floor.totalMs)} | ${ratio(c.serialized.wallMs, c.floor.wallMs)} |`,
    "",
    "## Warm cost per event",
    "",
    `${count(warm.events)} events per side after ${count(warm.warmup)} of warm-up, in blocks of ${warm.block} alternating`,
    "between the sides, each event a new job, on one dynalite. The serialized handler validates the",
    "event, builds the record, writes its compact item with the revision condition and logs a line",
    "(to /dev/null); the floor sends a PutItem of the same item with the minimal idempotent",
    "condition, `attribute_not_exists(jobId) OR revision < :revision`, prepared beforehand. Per",
    "event: the median and mean of the blocks' wall time, and the median of this process's CPU time",
    "(dynalite's work included, on both sides).",
    "",
    "| | wall, median | wall, mean | CPU, median |",
    "|---|---|---|---|",
    `| serialized handler | ${us(warm.handler.wallMedianUs)} | ${us(warm.handler.wallMeanUs)} | ${us(warm.handler.cpuMedianUs)} |`,
    `| floor: conditional PutItem | ${us(warm.floor.wallMedianUs)} | ${us(warm.floor.wallMeanUs)} | ${us(warm.floor.cpuMedianUs)} |`,
    `| ratio | ${ratio(warm.handler.wallMedianUs, warm.floor.wallMedianUs)} | ${ratio(warm.handler.wallMeanUs, warm.floor.wallMeanUs)} | ${ratio(warm.handler.cpuMedianUs, warm.floor.cpuMedianUs)} |`,
    "",
  ].join("\n");
}

function replayReport(runs: readonly ReplayRun[]): string {
  return [
    "## Replay of growing inputs",
    "",
    "`batch-job-log replay FILE --db DIR` (the built command, which runs the replay in a child",
    "process with a capped heap: cli/heap.ts) on a JSON Lines file of terminal events of distinct",
    "jobs (the sample's job kinds in turn, each with a job id of its own): the exact Lambda, the",
    "rule, and dynalite on disk. The floor is the same number of conditional PutItems of the same",
    "items, sent with the same concurrency to the same kind of table, in a process of its own.",
    "This machine's speed drifts over minutes, so replay and floor alternate (replay, floor, then",
    "floor, replay, ...), each run on a new table; the figures are the means over the rounds, the",
    "peaks the highest, and each round's ratio is listed (run order).",
    "Memory is the peak resident set of the process tree (the command, the replay's child, and",
    "the short-lived child that evaluates the program), sampled every 100 ms from /proc: in all,",
    "file-backed pages included (each process's node binary, the table files LevelDB maps), and",
    "its anonymous part (the heap and native allocations); and the same peak with each file's",
    "pages counted once however many of the processes map it (the command and its replay child",
    "both map the node binary; read from their smaps once a second): what the tree holds of the",
    "machine's memory.",
    "Goals (issue 22): throughput at least 0.8 of the floor; at most 300 MB at 1,000,000 events,",
    "growing at most 1.2 times from 100,000. The CPU time of each tree (user and system, from the",
    "kernel's accounting of ended children) is the cost of the same work whatever else the machine",
    "runs, where events per second move with its load.",
    "",
    "| events | input | rounds | replay: events/s | floor: puts/s | replay ÷ floor | each round's | replay: peak RSS (anonymous) | replay: peak, shared files once | floor: peak RSS (anonymous) | recorded |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...runs.map(
      (r) =>
        `| ${count(r.events)} | ${mb(r.inputBytes / 1024)} | ${r.roundRatios.length} | ${count(r.replay.perSecond)} | ${count(r.floor.perSecond)} | ${ratio(r.replay.perSecond, r.floor.perSecond)} | ${r.roundRatios.map((x) => ratio(x, 1)).join(", ")} | ${mb(r.replay.peakKB)} (${mb(r.replay.peakAnonKB)}) | ${mb(r.replay.peakSharedOnceKB)} | ${mb(r.floor.peakKB)} (${mb(r.floor.peakAnonKB)}) | ${r.recordedAll ? "every event" : "**not all**"} |`,
    ),
    "",
    ...replayGrowth(runs),
    "| events | replay: CPU s | floor: CPU s | replay: events per CPU s | floor: puts per CPU s | replay ÷ floor, per CPU s |",
    "|---|---|---|---|---|---|",
    ...runs.map(
      (r) =>
        `| ${count(r.events)} | ${r.replay.cpuS.toFixed(0)} | ${r.floor.cpuS.toFixed(0)} | ${count(r.events / r.replay.cpuS)} | ${count(r.events / r.floor.cpuS)} | ${ratio(r.floor.cpuS, r.replay.cpuS)} |`,
    ),
    "",
  ].join("\n");
}

/**
 * How time and memory grow from the smallest input to the largest: one sentence and a blank line,
 * or nothing for a single input.
 */
function replayGrowth(runs: readonly ReplayRun[]): string[] {
  if (runs.length < 2) return [];
  const first = runs[0];
  const last = runs[runs.length - 1];
  const factor = last.events / first.events;
  const timeFactor = last.replay.seconds / first.replay.seconds;
  const grew = (a: number, b: number) => `×${(b / a).toFixed(2)}`;
  return [
    `From ${count(first.events)} to ${count(last.events)} events (×${factor.toFixed(0)}), the replay's time grew ` +
      `×${timeFactor.toFixed(1)}, its peak memory ${grew(first.replay.peakKB, last.replay.peakKB)} ` +
      `(${grew(first.replay.peakSharedOnceKB, last.replay.peakSharedOnceKB)} with shared files counted once) ` +
      `and its anonymous memory ${grew(first.replay.peakAnonKB, last.replay.peakAnonKB)}.`,
    "",
  ];
}

function uiReport(figures: readonly UiFigure[] | string): string {
  const head = [
    "## The web view in the browser",
    "",
    "`batch-job-log ui --db DIR` on the sample with an array of 10,000 children and a job whose",
    "stream holds 10,000 lines added, in Debian's chromium driven by playwright-core: from",
    "navigation to the page's content drawn, the median of 5 loads; next to it the floor, the same",
    "page's HTML fetched alone (the server's share, without the browser). Screenshots:",
    "[jobs](ui-jobs.png), [job](ui-job.png), [array](ui-array.png).",
    "",
  ];
  if (typeof figures === "string") return [...head, `Not measured: ${figures}.`, ""].join("\n");
  return [
    ...head,
    "| page | what | ready | goal | floor: HTML alone | HTML |",
    "|---|---|---|---|---|---|",
    ...figures.map(
      (f) =>
        `| ${f.page} | ${f.what} | ${f.readyMs} ms | ${f.goalMs ? `< ${f.goalMs} ms` : "–"} | ${f.htmlMs ? `${f.htmlMs} ms` : "–"} | ${f.bytes ? `${(f.bytes / 1024).toFixed(0)} KB` : "–"} |`,
    ),
    "",
  ].join("\n");
}

function testsReport({ whole, files }: { whole: TestRun; files: TestRun[] }): string {
  const s = (n: number) => `${n.toFixed(1)} s`;
  const row = (r: TestRun) =>
    `| ${r.name} | ${r.tests} | ${s(r.wallS)} | ${s(r.cpuS)} | ${mb(r.peakKB)} | ${r.passed ? "yes" : "**no**"} |`;
  const byCpu = [...files].sort((a, b) => b.cpuS - a.cpuS);
  return [
    "## The test suite",
    "",
    "`npm test` as people run it before a commit (jest's workers, its transform cache warmed by a",
    "run that is not measured), then each file alone (`jest --runInBand FILE`),",
    "under GNU time: wall time, CPU time (user + system, child processes included) and the peak",
    "resident set of the largest process. Files are listed by CPU time.",
    "",
    "| run | tests | wall | CPU | peak RSS | passed |",
    "|---|---|---|---|---|---|",
    row(whole),
    ...byCpu.map(row),
    "",
  ].join("\n");
}

main().catch((error) => {
  process.stderr.write(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
