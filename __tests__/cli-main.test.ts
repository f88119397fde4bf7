/**
 * The dispatcher: usage, help, --version, unknown commands with a suggestion, and one-line errors
 * whatever a command throws.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { allCommands, COMMAND_NAMES } from "../cli/commands";
import { main, usage, versionLine } from "../cli/main";

const USAGE = usage();
import { recordingIO } from "./helpers/cli-io";

const io = () => recordingIO();

it("prints the usage on stderr with status 2 when no command is given", async () => {
  const cli = io();
  expect(await main([], cli)).toBe(2);
  expect(cli.err()).toBe(USAGE);
});

it("prints the usage on stdout with status 0 for --help, -h and help", async () => {
  for (const args of [["--help"], ["-h"], ["help"]]) {
    const cli = io();
    expect(await main(args, cli)).toBe(0);
    expect([cli.out(), cli.err()]).toEqual([USAGE, ""]);
  }
});

it("prints a command's help for `help COMMAND`, as `COMMAND --help` does", async () => {
  const viaHelp = io();
  const viaFlag = io();
  expect(await main(["help", "find"], viaHelp)).toBe(0);
  expect(await main(["find", "--help"], viaFlag)).toBe(0);
  expect(viaHelp.out()).toBe(viaFlag.out());
  expect(viaHelp.out().split("\n")[0]).toBe("Usage: batch-job-log find [NAME] [options]");
});

it("prints its version, Node's and the platform for --version and -v", async () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8"));
  for (const flag of ["--version", "-v"]) {
    const cli = io();
    expect(await main([flag], cli)).toBe(0);
    expect(cli.out()).toBe(
      `batch-job-log ${version} node/${process.version} ${process.platform}/${process.arch}\n`,
    );
  }
  expect(versionLine()).toMatch(/^batch-job-log \d+\.\d+\.\d+ node\/v\d+\.\d+\.\d+ \w+\/\w+$/);
});

it("names an unknown command on one line, suggesting the closest", async () => {
  const cases: [string[], string][] = [
    [
      ["shw"],
      'unknown command "shw" for batch-job-log; did you mean show? (see batch-job-log --help)',
    ],
    [
      ["fnid", "x"],
      'unknown command "fnid" for batch-job-log; did you mean find? (see batch-job-log --help)',
    ],
    [
      ["back"],
      'unknown command "back" for batch-job-log; did you mean backfill? (see batch-job-log --help)',
    ],
    [["tail"], 'unknown command "tail" for batch-job-log (see batch-job-log --help)'],
    [
      ["help", "lgos"],
      'unknown command "lgos" for batch-job-log; did you mean logs? (see batch-job-log --help)',
    ],
    [["--bogus"], "unknown option --bogus for batch-job-log (see batch-job-log --help)"],
  ];
  for (const [args, message] of cases) {
    const cli = io();
    expect(await main(args, cli)).toBe(2);
    expect([cli.out(), cli.err()]).toEqual(["", `batch-job-log: ${message}\n`]);
  }
});

it("lists every command in the usage, with its summary", () => {
  const commands = USAGE.split("\n\n").find((s) => s.startsWith("Commands:"));
  expect(
    commands
      ?.split("\n")
      .slice(1)
      .map((l) => l.trim().split(/ +/)[0]),
  ).toEqual(COMMAND_NAMES);
  for (const { spec } of allCommands()) {
    expect(USAGE).toMatch(
      new RegExp(`\\n  ${spec.name} +${spec.summary.replace(/[()]/g, "\\$&")}\\n`),
    );
  }
});

it("reports an unexpected multi-line error on one line, with status 1", async () => {
  // Prepare: a command whose module cannot be loaded throws "Cannot find module ...\nRequire stack: ...".
  const cli = io();
  jest.doMock("../cli/commands/show", () => {
    throw Object.assign(
      new Error("Cannot find module '@aws-sdk/client-x'\nRequire stack:\n- /a.js"),
      {
        code: "MODULE_NOT_FOUND",
      },
    );
  });
  // Act
  const status = await main(["show", "job-1"], cli);
  // Assess
  expect(status).toBe(1);
  expect(cli.err()).toBe("batch-job-log show: Cannot find module '@aws-sdk/client-x'\n");
  jest.dontMock("../cli/commands/show");
});
