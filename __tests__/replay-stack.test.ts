/**
 * Which stack `batch-job-log replay` evaluates the program with: --stack; else the stack the
 * Pulumi CLI has selected (`pulumi stack --show-name`, run in the project folder); else `dev`,
 * when the CLI is not on the PATH, fails or prints no stack name. The CLI is a fake `pulumi`
 * script on a PATH of its own, which logs where and how it was run.
 *
 * Then replay's stack config end to end: an invalid value is a usage error, and the selected
 * stack is the one evaluated. A file of its own: replay evaluates the program once per process,
 * for one stack and config, and the end-to-end test here uses another stack than replay.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { replayStack } from "../cli/stack";
import { readStackConfig } from "../twin/stack-config";
import { runCli } from "./helpers/cli-io";

const ROOT = path.join(__dirname, "..");
const EVENTS = path.join("__tests__", "fixtures", "events", "ec2-single.json");

let tmp: string;
/** A folder holding only the fake `pulumi`; its calls are logged to `calls`. */
let bin: string;
let calls: string;
/** A folder with no `pulumi` in it. */
let empty: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "replay-stack-"));
  bin = path.join(tmp, "bin");
  empty = path.join(tmp, "empty");
  calls = path.join(tmp, "calls.log");
  fs.mkdirSync(bin);
  fs.mkdirSync(empty);
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  fs.rmSync(calls, { force: true });
});

/** Installs a fake `pulumi` that logs "<cwd> <args>" and then runs `body` (sh). */
function fakePulumi(body: string): void {
  const script = path.join(bin, "pulumi");
  fs.writeFileSync(script, `#!/bin/sh\necho "$PWD $*" >> '${calls}'\n${body}\n`);
  fs.chmodSync(script, 0o755);
}

const loggedCalls = (): string[] =>
  fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trimEnd().split("\n") : [];

describe("replayStack", () => {
  test("the stack the Pulumi CLI has selected, asked in the project folder", async () => {
    const project = fs.mkdtempSync(path.join(tmp, "project-"));
    fs.writeFileSync(
      path.join(project, "Pulumi.staging.yaml"),
      "config:\n  aws:region: eu-west-1\n  batch-job-log:retentionDays: 30\n",
    );
    fakePulumi('[ "$*" = "stack --show-name" ] && echo staging && exit 0\nexit 3');
    const stack = await replayStack(undefined, project, { PATH: bin });
    expect(stack).toEqual({ name: "staging", explicit: false });
    expect(loggedCalls()).toEqual([`${fs.realpathSync(project)} stack --show-name`]);
    // replay then reads that stack's file.
    expect(readStackConfig(project, stack.name, stack.explicit)).toEqual({
      "aws:region": "eu-west-1",
      "batch-job-log:retentionDays": "30",
    });
  });

  test("--stack wins, and the Pulumi CLI is not run", async () => {
    fakePulumi("echo staging");
    expect(await replayStack("prod", ROOT, { PATH: bin })).toEqual({
      name: "prod",
      explicit: true,
    });
    expect(loggedCalls()).toEqual([]);
  });

  test("dev when the Pulumi CLI is not on the PATH", async () => {
    expect(await replayStack(undefined, ROOT, { PATH: empty })).toEqual({
      name: "dev",
      explicit: false,
    });
  });

  test("dev when the Pulumi CLI fails: no stack selected", async () => {
    fakePulumi("echo 'error: no stack selected; please use `pulumi stack select`' >&2\nexit 255");
    expect(await replayStack(undefined, ROOT, { PATH: bin })).toEqual({
      name: "dev",
      explicit: false,
    });
    expect(loggedCalls()).toEqual([`${fs.realpathSync(ROOT)} stack --show-name`]);
  });

  test.each([
    ["nothing", "exit 0"],
    ["something that is not a stack name", "echo 'warning: a new version of Pulumi is available'"],
  ])("dev when the Pulumi CLI prints %s", async (_what, body) => {
    fakePulumi(body);
    expect(await replayStack(undefined, ROOT, { PATH: bin })).toEqual({
      name: "dev",
      explicit: false,
    });
    expect(loggedCalls()).toHaveLength(1);
  });
});

describe("replay's stack config", () => {
  // First in this file: the evaluation fails at the top of index.ts, before any resource, and
  // leaves the process free to evaluate the program with another config below.
  test("an invalid --config value: exit 2, one line naming the key and the value", async () => {
    const { code, out, err } = await runCli(
      ["replay", EVENTS, "--config", "kmsKeyArn=alias/a\nb"],
      { env: { PATH: empty }, cwd: ROOT },
    );
    expect([code, out, err]).toEqual([
      2,
      "",
      'batch-job-log replay: Invalid configuration "batch-job-log:kmsKeyArn": "alias/a\\nb" is not a KMS key ARN.\n',
    ]);
  });

  test("without --stack, the program is evaluated as the selected stack, whose Pulumi.<stack>.yaml may be missing", async () => {
    fakePulumi('[ "$*" = "stack --show-name" ] && echo ci-replay && exit 0\nexit 3');
    expect(fs.existsSync(path.join(ROOT, "Pulumi.ci-replay.yaml"))).toBe(false);
    const { code, out, err } = await runCli(
      ["replay", EVENTS, "--config", "aws:region=eu-west-1"],
      { env: { PATH: bin }, cwd: ROOT },
    );
    expect([code, err]).toEqual([0, ""]);
    expect(out.split("\n").find((line) => line.startsWith("Replayed "))).toBe(
      "Replayed 4 events through the rule and Lambda of stack ci-replay " +
        "(table batch-job-log-ci-replay on embedded dynalite):",
    );
    expect(out.split("\n")[0]).toBe("1 job in the table:");
    expect(loggedCalls()).toEqual([`${fs.realpathSync(ROOT)} stack --show-name`]);
  });
});
