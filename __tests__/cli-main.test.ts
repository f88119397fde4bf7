/** The dispatcher: usage, unknown commands, and one-line errors whatever a command throws. */
import { main, USAGE } from "../cli/main";
import type { CliIO } from "../cli/io";

function io(): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

it("prints the usage on stderr with status 2 when no command is given", async () => {
  const cli = io();
  expect(await main([], cli)).toBe(2);
  expect(cli.err()).toBe(USAGE + "\n");
});

it("prints the usage on stdout with status 0 for --help", async () => {
  const cli = io();
  expect(await main(["--help"], cli)).toBe(0);
  expect(cli.out()).toBe(USAGE + "\n");
});

it("names an unknown command", async () => {
  const cli = io();
  expect(await main(["tail"], cli)).toBe(2);
  expect(cli.err().split("\n")[0]).toBe('batch-job-log: unknown command "tail".');
});

it("lists every command in the usage", () => {
  expect(USAGE.match(/^ {2}\S+/gm)?.map((s) => s.trim())).toEqual([
    "replay",
    "show",
    "logs",
    "find",
    "backfill",
  ]);
});

it("reports an unexpected multi-line error on one line, with status 1", async () => {
  // Prepare: a command whose module cannot be loaded throws "Cannot find module ...\nRequire stack: ...".
  const cli = io();
  jest.doMock("../cli/show", () => {
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
  jest.dontMock("../cli/show");
});
