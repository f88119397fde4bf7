/**
 * The output layer (cli/output.ts) and the dispatcher's handling of the command line
 * (cli/dispatch.ts): tables fitted to the terminal with long cells cut visibly, statuses in colour
 * on a terminal only, a job's control characters escaped on a terminal unless --raw, --json left
 * alone; global options before the command, output options anywhere, "did you mean" for options,
 * an option that needs another.
 */
import type { CliIO } from "../cli/io";
import { main } from "../cli/main";
import { splitCommandLine } from "../cli/dispatch";
import { escapeControls, Output } from "../cli/output";
import { runCli } from "./helpers/cli-io";

/** A CliIO whose stdout is a terminal of `columns` columns (or a pipe), keeping what is written. */
function terminal(options: { tty?: boolean; columns?: number; env?: CliIO["env"] } = {}) {
  let out = "";
  let err = "";
  const io: CliIO = {
    stdout: Object.assign(
      { write: (t: string) => (out += t), isTTY: options.tty ?? true },
      options.columns === undefined ? {} : { columns: options.columns },
    ),
    stderr: { write: (t: string) => (err += t), isTTY: options.tty ?? true },
    env: options.env ?? {},
    cwd: process.cwd(),
  };
  return { io, out: () => out, err: () => err };
}

/** The sequences a job's log line may carry to act on the reader's terminal. */
const HOSTILE = "\x1b]52;c;ZXZpbA==\x07clip \x1b[2Jclear\rreturn\bback\x9bcsi\x7fdel\ttab\x00nul";
const HOSTILE_ESCAPED =
  "\\x1b]52;c;ZXZpbA==\\x07clip \\x1b[2Jclear\\x0dreturn\\x08back\\x9bcsi\\x7fdel\ttab\\x00nul";

describe("escaping", () => {
  test("ESC, BEL, CR, backspace, DEL, NUL and C1 are shown as \\xHH; tab and line feed stay", () => {
    expect(escapeControls(HOSTILE + "\n")).toBe(HOSTILE_ESCAPED + "\n");
    expect(escapeControls("plain text, ünïcode ✓")).toBe("plain text, ünïcode ✓");
  });

  test("on a terminal the command's stdout escapes; --raw and a pipe pass through", () => {
    const cases: [string, ConstructorParameters<typeof Output>[1], boolean, string][] = [
      ["terminal", {}, true, HOSTILE_ESCAPED],
      ["--raw", { raw: true }, true, HOSTILE],
      ["pipe", {}, false, HOSTILE],
    ];
    for (const [name, flags, tty, expected] of cases) {
      const t = terminal({ tty });
      const out = new Output(t.io, flags);
      out.io.stdout.write(HOSTILE);
      expect([name, t.out()]).toEqual([name, expected]);
    }
  });

  test("--json carries control characters as JSON escapes, never raw, whoever writes it", () => {
    const t = terminal();
    const out = new Output(t.io, { json: true });
    out.item({ message: HOSTILE });
    out.io.stdout.write(JSON.stringify({ message: HOSTILE }) + "\n");
    expect(t.out()).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(
      t
        .out()
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([{ message: HOSTILE }, { message: HOSTILE }]);
  });
});

describe("colour", () => {
  const ROWS = [
    ["STATUS", "JOB"],
    ["FAILED", "a"],
    ["SUCCEEDED", "b"],
  ];

  test("statuses in colour on a terminal, padded as if uncoloured", () => {
    const out = new Output(terminal().io);
    expect(out.table(ROWS, { statusColumn: 0 })).toEqual([
      "STATUS     JOB",
      "\x1b[31mFAILED\x1b[0m     a",
      "\x1b[32mSUCCEEDED\x1b[0m  b",
    ]);
  });

  test.each([
    ["NO_COLOR", terminal({ env: { NO_COLOR: "1" } }).io, {}],
    ["--no-color", terminal().io, { noColor: true }],
    ["a pipe", terminal({ tty: false }).io, {}],
    ["--json", terminal().io, { json: true }],
  ])("none with %s", (_name, io, flags) => {
    expect(new Output(io, flags).table(ROWS, { statusColumn: 0 })).toEqual([
      "STATUS     JOB",
      "FAILED     a",
      "SUCCEEDED  b",
    ]);
  });

  test("NO_COLOR set to the empty string does not count", () => {
    expect(new Output(terminal({ env: { NO_COLOR: "" } }).io).color).toBe(true);
  });
});

describe("width", () => {
  const ROWS = [
    ["CREATED", "STATUS", "JOB ID", "QUEUE"],
    ["2026-11-02T17:20:00Z", "FAILED", "2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61", "ec2-ondemand"],
  ];

  test("a table wider than the terminal: the widest cells cut with …, every line within it", () => {
    const lines = new Output(terminal({ columns: 60 }).io, { noColor: true }).table(ROWS);
    expect(lines).toEqual([
      "CREATED             STATUS  JOB ID              QUEUE",
      "2026-11-02T17:20:…  FAILED  2f4e6a1c-8b3d-4e5…  ec2-ondemand",
    ]);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  test("on a pipe, or on a terminal wide enough, nothing is cut", () => {
    for (const io of [terminal({ tty: false, columns: 20 }).io, terminal({ columns: 200 }).io]) {
      expect(new Output(io, { noColor: true }).table(ROWS)[1]).toBe(
        "2026-11-02T17:20:00Z  FAILED  2f4e6a1c-8b3d-4e5f-9a7b-1c2d3e4f5a61  ec2-ondemand",
      );
    }
  });

  test("help is wrapped to the terminal's width (but for command lines and words longer)", async () => {
    const t = terminal({ columns: 60 });
    expect(await main(["logs", "--help"], t.io)).toBe(0);
    const lines = t.out().split("\n");
    const prose = lines.filter((l) => !l.startsWith("  batch-job-log ") && /\S\s+\S/.test(l));
    expect(Math.max(...prose.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(60);
    const piped = await runCli(["logs", "--help"]);
    expect(Math.max(...piped.out.split("\n").map((l) => l.length))).toBeGreaterThan(60);
  });
});

describe("the command line", () => {
  test("global options before the command move after it; output options come out anywhere", () => {
    expect(
      splitCommandLine(["--db", "d", "--json", "--no-color", "find", "x", "--raw", "--", "--raw"]),
    ).toEqual({
      name: "find",
      argv: ["--db", "d", "--json", "x", "--", "--raw"],
      flags: { noColor: true, raw: true },
      leading: ["--db", "d", "--json"],
    });
    expect(splitCommandLine(["--region=eu-west-1", "--endpoint", "http://x", "show", "j"])).toEqual(
      {
        name: "show",
        argv: ["--region=eu-west-1", "--endpoint", "http://x", "j"],
        flags: {},
        leading: ["--region=eu-west-1", "--endpoint", "http://x"],
      },
    );
  });

  test.each([
    [
      ["logs", "j", "--sinse", "2h"],
      "unknown option --sinse for logs; did you mean --since? (see batch-job-log logs --help)",
    ],
    [
      ["find", "x", "--stauts", "failed"],
      "unknown option --stauts for find; did you mean --status? (see batch-job-log find --help)",
    ],
    [
      ["--tabel", "t", "show", "j"],
      "unknown option --tabel for batch-job-log; did you mean --table? (see batch-job-log --help)",
    ],
    [["logs", "j", "--interval", "5"], "--interval for logs needs --follow"],
    [["--db", "d", "doctor"], "unknown option --db for doctor (see batch-job-log doctor --help)"],
    [["--json"], "missing command after --json (see batch-job-log --help)"],
  ])("%j: a usage error that says what to do", async (args, message) => {
    const r = await runCli(args);
    expect([r.code, r.out, r.err]).toEqual([2, "", `batch-job-log: ${message}\n`]);
  });

  test("a global option before the command reaches it: --db of a missing folder", async () => {
    const r = await runCli(["--db", "no-such-folder", "show", "job-1"]);
    expect([r.code, r.err]).toEqual([
      2,
      "batch-job-log show: --db no-such-folder: no such folder; `batch-job-log replay --db no-such-folder` makes it.\n",
    ]);
  });
});

describe("stderr", () => {
  test("on a terminal, what a job set is escaped in messages too; the progress bar draws as it is", () => {
    const t = terminal();
    const out = new Output(t.io);
    out.io.stderr.write(`note: stream ${HOSTILE}\n`);
    const { progressBar } = require("../cli/progress") as typeof import("../cli/progress");
    progressBar(out.io.stderr, "backfill", { now: () => 0 }).note("listing jobs... 3");
    expect(t.err()).toBe(`note: stream ${HOSTILE_ESCAPED}\n\rbackfill: listing jobs... 3\x1b[K`);
  });

  test("--raw, or a stderr that is no terminal, passes them through", () => {
    for (const [tty, flags] of [
      [true, { raw: true }],
      [false, {}],
    ] as const) {
      const t = terminal({ tty });
      new Output(t.io, flags).io.stderr.write(HOSTILE);
      expect(t.err()).toBe(HOSTILE);
    }
  });

  test("standard input is not opened by making the output layer", () => {
    let opened = 0;
    const io = {
      ...terminal().io,
      get stdin() {
        opened += 1;
        return undefined;
      },
    };
    const out = new Output(io);
    expect(opened).toBe(0);
    expect(out.io.stdin).toBeUndefined();
    expect(opened).toBe(1);
  });
});
