/**
 * The commands start light: in a fresh Node process (its own module registry, TypeScript
 * compiled on require), loading and running `show`, `logs`, `find` and `backfill` through the
 * dispatcher never loads `@pulumi/*` nor dynalite, `show`/`find` do not load the Batch or
 * CloudWatch Logs SDKs either, and their `--help`, their usage errors, `--version` and
 * `completion` load no AWS SDK at all; `replay --help` and replay's usage errors load neither
 * Pulumi nor dynalite. Also the pure helpers: console links, shell quoting, durations.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  consoleEncode,
  logStreamConsoleUrl,
  shellQuote,
  tailCommand,
} from "../cli/lookup/console-link";
import { formatDuration, formatTime, shortArn } from "../cli/lookup/format";
import { durationMs } from "../cli/options";
import { startLocalDynamo } from "../twin/dynamo-local";

const ROOT = join(__dirname, "..");

interface Run {
  readonly status: number;
  readonly out: string;
}

/**
 * Runs each group of commands (`batch-job-log <args>` for each of its runs, one after the other)
 * in one new Node process, with the module cache emptied before each group; returns, per group,
 * each run's status and output and the modules the group loaded. One process for all: each
 * group starts from an empty cache, as a fresh process would.
 */
function modulesLoadedByGroups(groups: string[][][]): { runs: Run[]; modules: string[] }[] {
  const script = `
    const ts = require("typescript");
    const fs = require("fs");
    require.extensions[".ts"] = (m, filename) => {
      const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: filename,
      });
      m._compile(outputText, filename);
    };
    (async () => {
      const results = [];
      for (const group of JSON.parse(process.argv[1])) {
        for (const key of Object.keys(require.cache)) delete require.cache[key];
        const runs = [];
        for (const args of group) {
          let out = "";
          const sink = { write: (t) => (out += t) };
          const status = await require("./cli/main.ts").main(args, {
            stdout: sink, stderr: sink, env: process.env, cwd: process.cwd(),
          });
          runs.push({ status, out });
        }
        const modules = Object.keys(require.cache).filter((p) => p.includes("node_modules"));
        results.push({ runs, modules });
      }
      process.stdout.write(JSON.stringify(results));
    })();
  `;
  const stdout = execFileSync(process.execPath, ["-e", script, JSON.stringify(groups)], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

const packagesOf = (modules: string[]) =>
  [...new Set(modules.map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? p))].sort();

/** Each run's status and output against what is expected of it. */
function expectRuns(runs: readonly Run[], expected: readonly (readonly [number, RegExp])[]): void {
  expect(runs.map((r) => r.status)).toEqual(expected.map(([status]) => status));
  runs.forEach((r, i) => expect(r.out).toMatch(expected[i][1]));
}

describe("start-up", () => {
  // Real lookups against an endpoint that refuses connections: the DynamoDB path loads.
  const LOOKUP = ["job-1", "--table", "jobs", "--endpoint", "http://127.0.0.1:9"];
  const EMPTY_DB = mkdtempSync(join(tmpdir(), "empty-db-"));
  const HELP_AND_ERRORS: [string[], number, RegExp][] = [
    [["show", "--help"], 0, /^Usage: batch-job-log show JOB_ID \[options\]\n/],
    [["find", "--help"], 0, /^Usage: batch-job-log find \[NAME\] \[options\]\n/],
    [["logs", "--help"], 0, /^Usage: batch-job-log logs JOB_ID \[options\]\n/],
    [["backfill", "--help"], 0, /^Usage: batch-job-log backfill \[options\]\n/],
    [["show", "x", "--bogus"], 2, /^batch-job-log: unknown option --bogus for show /],
    [["find", "x", "--status", "DONE"], 2, /^batch-job-log: --status for find must be one of /],
    [["backfill", "--since", "3"], 2, /^batch-job-log: --since for backfill must be a duration /],
    [
      ["show", "x", "--db", "no-such-folder"],
      2,
      /^batch-job-log show: --db no-such-folder: no such folder/,
    ],
    [["--version"], 0, /^batch-job-log \d+\.\d+\.\d+ node\/v/],
    [["completion", "bash"], 0, /^# bash completion for batch-job-log/],
  ];
  const REPLAY_USAGE: [string[], number, RegExp][] = [
    [["replay", "--help"], 0, /^Usage: batch-job-log replay /],
    [["replay", "--frobnicate"], 2, /^batch-job-log: unknown option --frobnicate for replay /],
    [
      ["replay", "no-such-file.jsonl"],
      2,
      /^batch-job-log replay: no-such-file\.jsonl: no such file/,
    ],
    [
      ["replay", "--stack", "no-such-stack"],
      2,
      /^batch-job-log replay: --stack no-such-stack: there is no Pulumi\.no-such-stack\.yaml\./,
    ],
  ];
  let groups: { runs: Run[]; modules: string[] }[];
  beforeAll(async () => {
    // A table folder with no table in it: dynalite's store, as `replay --db` leaves one.
    await (await startLocalDynamo({ path: EMPTY_DB })).close();
    groups = modulesLoadedByGroups([
      [
        ["show", ...LOOKUP],
        ["find", ...LOOKUP],
      ],
      [["show", "job-1", "--db", EMPTY_DB]],
      HELP_AND_ERRORS.map(([args]) => args),
      REPLAY_USAGE.map(([args]) => args),
    ]);
  });
  afterAll(() => rmSync(EMPTY_DB, { recursive: true, force: true }));

  test("show and find load neither Pulumi, dynalite, Batch nor CloudWatch Logs", () => {
    const r = groups[0];
    expectRuns(r.runs, [
      [
        1,
        /^batch-job-log show: cannot reach DynamoDB at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
      ],
      [
        1,
        /^batch-job-log find: cannot reach DynamoDB at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
      ],
    ]);
    const packages = packagesOf(r.modules);
    expect(packages).toContain("@aws-sdk/lib-dynamodb");
    expect(
      packages.filter((p) => /^@pulumi\/|^dynalite$|client-batch|client-cloudwatch-logs/.test(p)),
    ).toEqual([]);
  });

  test("show --db reads the embedded table with dynalite, without Pulumi", () => {
    const r = groups[1];
    expect(r.runs).toEqual([
      {
        status: 1,
        out: `batch-job-log show: --db ${EMPTY_DB} holds no table batch-job-log-dev.\n`,
      },
    ]);
    const packages = packagesOf(r.modules);
    expect(packages).toContain("dynalite");
    expect(packages.filter((p) => /^@pulumi\//.test(p))).toEqual([]);
  });

  test("help, usage errors, --version and completion load neither Pulumi, dynalite nor any AWS SDK", () => {
    const r = groups[2];
    expectRuns(
      r.runs,
      HELP_AND_ERRORS.map(([, status, out]) => [status, out]),
    );
    expect(
      packagesOf(r.modules).filter((p) => /^@pulumi\/|^dynalite$|^@aws-sdk\/|^@smithy\//.test(p)),
    ).toEqual([]);
  });

  test("replay's --help and usage errors load neither Pulumi nor dynalite", () => {
    const r = groups[3];
    expectRuns(
      r.runs,
      REPLAY_USAGE.map(([, status, out]) => [status, out]),
    );
    expect(packagesOf(r.modules).filter((p) => /^@pulumi\/|^dynalite$/.test(p))).toEqual([]);
  });
});

describe("console links", () => {
  test("double percent-encoding with `$` for `%`, for `/` and `$` in a stream name", () => {
    expect(consoleEncode("/")).toBe("$252F");
    expect(consoleEncode("$")).toBe("$2524");
    expect(consoleEncode("[x]")).toBe("$255Bx$255D");
    expect(logStreamConsoleUrl("us-east-1", "/aws/batch/job", "etl$prod/default/0a1b$2c")).toBe(
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1" +
        "#logsV2:log-groups/log-group/$252Faws$252Fbatch$252Fjob/log-events/etl$2524prod$252Fdefault$252F0a1b$25242c",
    );
  });

  test("the console host of other partitions", () => {
    expect(logStreamConsoleUrl("cn-north-1", "/g", "s")).toBe(
      "https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:log-groups/log-group/$252Fg/log-events/s",
    );
    expect(
      logStreamConsoleUrl("us-gov-west-1", "g", "s").startsWith(
        "https://us-gov-west-1.console.amazonaws-us-gov.com/",
      ),
    ).toBe(true);
  });

  test("the tail command quotes what a shell would expand", () => {
    expect(shellQuote("/aws/batch/job")).toBe("/aws/batch/job");
    expect(shellQuote("a$b")).toBe("'a$b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(tailCommand("eu-west-1", "/batch/etl", "etl/default/$x")).toBe(
      "aws logs tail /batch/etl --log-stream-names 'etl/default/$x' --region eu-west-1",
    );
  });
});

describe("formats", () => {
  test("durations in and out", () => {
    expect(durationMs("10m")).toBe(600_000);
    expect(durationMs("2h")).toBe(7_200_000);
    expect(durationMs("3d")).toBe(259_200_000);
    expect(durationMs("1w")).toBe(604_800_000);
    expect(durationMs("1h30m")).toBe(5_400_000);
    for (const bad of ["", "10", "m", "1.5h", "-2h", "0m", "2 h"])
      expect(durationMs(bad)).toBe(undefined);
    expect(formatDuration(583_394)).toBe("9m 43s");
    expect(formatDuration(90_061_000)).toBe("1d 1h 1m 1s");
    expect(formatDuration(850)).toBe("850ms");
    expect(formatTime(1793611575656)).toBe("2026-11-02T09:26:15.656Z");
    expect(formatTime(1793611575000)).toBe("2026-11-02T09:26:15Z");
    expect(shortArn("arn:aws:batch:us-east-1:123456789012:job-queue/ec2-ondemand")).toBe(
      "ec2-ondemand",
    );
    expect(shortArn("arn:aws:batch:us-east-1:123456789012:job-definition/nightly-etl:7")).toBe(
      "nightly-etl:7",
    );
  });
});
