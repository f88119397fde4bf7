/**
 * The commands start light: in a fresh Node process (its own module registry, TypeScript
 * compiled on require), loading and running `show`, `logs`, `find` and `backfill` through the
 * dispatcher never loads `@pulumi/*` nor dynalite, `show`/`find` do not load the Batch or
 * CloudWatch Logs SDKs either, and their `--help` loads no AWS SDK at all; `replay --help` and
 * replay's usage errors load neither Pulumi nor dynalite. Also the pure helpers: console links,
 * shell quoting, durations.
 */
import { execFileSync } from "child_process";
import { join } from "path";
import {
  consoleEncode,
  logStreamConsoleUrl,
  shellQuote,
  tailCommand,
} from "../cli/lookup/console-link";
import { formatDuration, formatTime, shortArn } from "../cli/lookup/format";
import { parseDuration } from "../cli/lookup/options";

const ROOT = join(__dirname, "..");

/** Runs `batch-job-log <args>` in a new Node process; returns the modules it loaded. */
function modulesLoadedBy(args: string[]): { status: number; out: string; modules: string[] } {
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
    const args = JSON.parse(process.argv[1]);
    let out = "";
    const sink = { write: (t) => (out += t) };
    require("./cli/main.ts")
      .main(args, { stdout: sink, stderr: sink, env: process.env, cwd: process.cwd() })
      .then((status) => {
        const modules = Object.keys(require.cache).filter((p) => p.includes("node_modules"));
        process.stdout.write(JSON.stringify({ status, out, modules }));
      });
  `;
  const stdout = execFileSync(process.execPath, ["-e", script, JSON.stringify(args)], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "1",
    },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

const packagesOf = (modules: string[]) =>
  [...new Set(modules.map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? p))].sort();

describe("start-up", () => {
  test.each([["show"], ["find"]])(
    "%s loads neither Pulumi, dynalite, Batch nor CloudWatch Logs",
    (name) => {
      // Runs a real lookup against an endpoint that refuses connections: the DynamoDB path loads.
      const r = modulesLoadedBy([
        name,
        "job-1",
        "--table",
        "t",
        "--endpoint",
        "http://127.0.0.1:9",
      ]);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(new RegExp(`^batch-job-log ${name}: .*ECONNREFUSED`));
      const packages = packagesOf(r.modules);
      expect(packages).toContain("@aws-sdk/lib-dynamodb");
      expect(
        packages.filter((p) => /^@pulumi\/|^dynalite$|client-batch|client-cloudwatch-logs/.test(p)),
      ).toEqual([]);
    },
  );

  test.each([["show"], ["find"], ["logs"], ["backfill"]])(
    "%s --help loads neither Pulumi, dynalite nor any AWS SDK",
    (name) => {
      const r = modulesLoadedBy([name, "--help"]);
      expect(r.status).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: batch-job-log ${name}`));
      const packages = packagesOf(r.modules);
      expect(packages.filter((p) => /^@pulumi\/|^dynalite$|^@aws-sdk\//.test(p))).toEqual([]);
    },
  );

  test.each([
    [["replay", "--help"], 0, /^Usage: batch-job-log replay /],
    [["replay", "--frobnicate"], 2, /^batch-job-log replay: Unknown option '--frobnicate'/],
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
  ])("%j loads neither Pulumi nor dynalite", (args, status, out) => {
    const r = modulesLoadedBy(args);
    expect(r.status).toBe(status);
    expect(r.out).toMatch(out);
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
    expect(parseDuration("10m")).toBe(600_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("3d")).toBe(259_200_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    for (const bad of ["", "10", "m", "1.5h", "-2h", "0m", "2 h"])
      expect(() => parseDuration(bad)).toThrow("--since");
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
