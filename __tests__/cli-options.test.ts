/**
 * The declarative option parser (cli/options.ts): from one spec, the help text, the parsed and
 * typed values, and one-line errors naming the option and the command; then the real commands'
 * specs (cli/commands/): every example in a `--help` is valid usage of its command.
 */
import { allCommands } from "../cli/commands";
import {
  closest,
  countOf,
  defineCommand,
  durationMs,
  helpText,
  httpUrl,
  OptionError,
  parseCommand,
  type CommandSpec,
} from "../cli/options";
import { runCli } from "./helpers/cli-io";

const DEMO = defineCommand({
  name: "demo",
  summary: "a command to try the parser on",
  description: [
    "Does nothing; its spec has one option of each kind, so that its help shows them all.",
  ],
  positionals: [
    { name: "ID", description: "the first id" },
    { name: "MORE", description: "more ids", repeatable: true },
  ],
  options: [
    { name: "since", type: "duration", description: "only what is newer than this" },
    { name: "limit", type: "count", default: 20, description: "at most N" },
    {
      name: "status",
      type: "text",
      valueName: "STATUS",
      choices: ["SUCCEEDED", "FAILED"],
      ignoreCase: true,
      description: "only in this status",
    },
    {
      name: "queue",
      type: "text",
      valueName: "ARN",
      repeatable: true,
      description: "a job queue (default: every queue)",
    },
    { name: "follow", short: "f", type: "boolean", description: "keep polling" },
    { name: "table", type: "table", description: "the table" },
    {
      name: "db",
      type: "dir",
      description: "the embedded table's folder",
      conflicts: ["endpoint-url"],
    },
    { name: "json", type: "boolean", description: "machine-readable output" },
  ],
  aws: [
    {
      name: "profile",
      type: "text",
      valueName: "NAME",
      description: "a profile",
      requires: ["endpoint-url"],
    },
    { name: "region", type: "region", description: "the region" },
    {
      name: "endpoint-url",
      aliases: ["endpoint"],
      type: "url",
      description:
        "one endpoint for every AWS call; a long description that the help wraps under itself, aligned",
    },
  ],
  examples: [
    {
      description: "Two ids, the failed ones of the last day",
      command: "batch-job-log demo a b --status failed --since 1d",
    },
    { description: "As JSON", command: "batch-job-log demo a --json" },
  ],
});

/** Parses, expecting no --help. */
function parse(argv: string[]) {
  const parsed = parseCommand(DEMO, argv);
  if (parsed.help) throw new Error("unexpected --help");
  return parsed;
}

/** The message of the OptionError `argv` raises. */
function problem(argv: string[]): string {
  try {
    parseCommand(DEMO, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
}

describe("help", () => {
  test("usage, description, arguments, aligned options, AWS options, and the examples last", () => {
    expect(helpText(DEMO)).toBe(
      [
        "Usage: batch-job-log demo ID [MORE ...] [options]",
        "",
        "Does nothing; its spec has one option of each kind, so that its help shows them all.",
        "",
        "Arguments:",
        "  ID                              the first id",
        "  MORE                            more ids",
        "",
        "Options:",
        "  --since DURATION                only what is newer than this",
        "  --limit N                       at most N (default 20)",
        "  --status STATUS                 only in this status (one of SUCCEEDED, FAILED, in any case)",
        "  --queue ARN                     a job queue (default: every queue; repeatable)",
        "  -f, --follow                    keep polling",
        "  --table NAME                    the table",
        "  --db DIR                        the embedded table's folder",
        "  --json                          machine-readable output",
        "  -h, --help                      show this help",
        "",
        "AWS options:",
        "  --profile NAME                  a profile",
        "  --region REGION                 the region",
        "  --endpoint-url, --endpoint URL  one endpoint for every AWS call; a long description that the help",
        "                                  wraps under itself, aligned",
        "",
        "Examples:",
        "  # Two ids, the failed ones of the last day",
        "  batch-job-log demo a b --status failed --since 1d",
        "",
        "  # As JSON",
        "  batch-job-log demo a --json",
        "",
      ].join("\n"),
    );
  });

  test("--help or -h anywhere before `--` wins over any other problem", () => {
    expect(parseCommand(DEMO, ["--help"])).toEqual({ help: true });
    expect(parseCommand(DEMO, ["--bogus", "--limit", "0", "-h"])).toEqual({ help: true });
    expect(parseCommand(DEMO, ["-fh"])).toEqual({ help: true });
    expect(parse(["a", "--", "--help"]).args).toEqual({ ID: "a", MORE: ["--help"] });
  });

  test("every command's help ends with its examples", () => {
    for (const { spec } of allCommands()) {
      const help = helpText(spec);
      const last = spec.examples[spec.examples.length - 1];
      expect(help.endsWith(`  ${last.command}\n`)).toBe(true);
      expect(help.indexOf("\nExamples:\n")).toBeGreaterThan(help.indexOf("\nOptions:\n"));
      expect([spec.name, spec.examples.length >= 2 && spec.examples.length <= 4]).toEqual([
        spec.name,
        true,
      ]);
    }
  });
});

describe("parsing", () => {
  test("typed values: durations in ms, counts, choices as spelled in the spec, defaults", () => {
    const { values, args, common } = parse(["a", "--since", "1h30m", "--status=failed", "-f"]);
    expect(values).toEqual({
      since: 5_400_000,
      limit: 20,
      status: "FAILED",
      queue: [],
      follow: true,
      table: undefined,
      db: undefined,
      json: false,
      profile: undefined,
      region: undefined,
      "endpoint-url": undefined,
    });
    expect(args).toEqual({ ID: "a", MORE: [] });
    expect(common).toEqual({
      table: undefined,
      db: undefined,
      profile: undefined,
      region: undefined,
      endpoint: undefined,
      json: false,
    });
  });

  test("an alias sets its option; the common options come out under their usual names", () => {
    const { values, common } = parse([
      "a",
      "--endpoint",
      "http://localhost:4566",
      "--profile",
      "ops",
      "--region",
      "eu-west-1",
      "--table",
      "jobs",
      "--json",
    ]);
    expect(values["endpoint-url"]).toBe("http://localhost:4566");
    expect(common).toEqual({
      table: "jobs",
      db: undefined,
      profile: "ops",
      region: "eu-west-1",
      endpoint: "http://localhost:4566",
      json: true,
    });
    expect(parse(["a", "--db", "d"]).common.db).toBe("d");
  });

  test("a repeatable option collects its values in order; the last positional takes the rest", () => {
    const { values, args } = parse(["a", "--queue", "q1", "b", "--queue=q2", "c", "--", "-d"]);
    expect(values.queue).toEqual(["q1", "q2"]);
    expect(args).toEqual({ ID: "a", MORE: ["b", "c", "-d"] });
  });

  test("a value may start with a dash when given inline", () => {
    expect(parse(["a", "--queue=-odd-"]).values.queue).toEqual(["-odd-"]);
  });
});

describe("errors name the option and the command, on one line", () => {
  test.each([
    [["a", "--bogus"], "unknown option --bogus for demo (see batch-job-log demo --help)"],
    [["a", "-x"], "unknown option -x for demo (see batch-job-log demo --help)"],
    [["a", "-fx"], "unknown option -x for demo (see batch-job-log demo --help)"],
    [["a", "--table"], "--table for demo needs a value"],
    [["a", "--table", "--json"], "--table for demo needs a value"],
    [["a", "--table="], "--table for demo needs a value"],
    [["a", "--json=yes"], "--json for demo takes no value"],
    [["a", "--status", "DONE"], '--status for demo must be one of SUCCEEDED, FAILED, got "DONE"'],
    [
      ["a", "--since", "yesterday"],
      '--since for demo must be a duration such as 30s, 10m, 2h, 3d or 1w, got "yesterday"',
    ],
    [
      ["a", "--since", "0m"],
      '--since for demo must be a duration such as 30s, 10m, 2h, 3d or 1w, got "0m"',
    ],
    [["a", "--limit", "0"], '--limit for demo must be a whole number of at least 1, got "0"'],
    [["a", "--limit", "2.5"], '--limit for demo must be a whole number of at least 1, got "2.5"'],
    [
      ["a", "--table", "x"],
      '--table for demo must be a DynamoDB table name: 3 to 255 letters, digits, "_", "-" or ".", got "x"',
    ],
    [
      ["a", "--region", "Europe"],
      '--region for demo must be a region such as us-east-1, got "Europe"',
    ],
    [
      ["a", "--endpoint", "localhost:8000"],
      '--endpoint for demo must be an http:// or https:// URL, got "localhost:8000"',
    ],
    [["a", "--since", "1d", "--since", "2d"], "--since for demo is given more than once"],
    [
      ["a", "--endpoint-url", "http://a", "--endpoint", "http://b"],
      "--endpoint for demo is given more than once",
    ],
    [
      ["a", "--db", "d", "--endpoint", "http://a"],
      "--db for demo cannot be combined with --endpoint",
    ],
    [["a", "--profile", "ops"], "--profile for demo needs --endpoint-url"],
    [[], "missing ID for demo (see batch-job-log demo --help)"],
    [["--json"], "missing ID for demo (see batch-job-log demo --help)"],
    [[""], 'ID for demo must not be empty, got ""'],
  ])("%j", (argv, message) => {
    expect(problem(argv)).toBe(message);
  });

  test("an unexpected positional, for a command that takes none or one", () => {
    const none = defineCommand({ ...DEMO, name: "none", positionals: [] });
    const one = defineCommand({ ...DEMO, name: "one", positionals: [DEMO.positionals[0]] });
    expect(() => parseCommand(none, ["x"])).toThrow(
      'unexpected argument "x" for none (see batch-job-log none --help)',
    );
    expect(() => parseCommand(one, ["x", "y", "z"])).toThrow(
      'unexpected argument "y" for one (see batch-job-log one --help)',
    );
  });

  test("through the dispatcher: `batch-job-log: <message>`, exit 2, nothing on stdout", async () => {
    const { code, out, err } = await runCli(["show", "--bogus"]);
    expect(code).toBe(2);
    expect([out, err]).toEqual([
      "",
      "batch-job-log: unknown option --bogus for show (see batch-job-log show --help)\n",
    ]);
  });
});

describe("the value rules", () => {
  test("durations, counts and URLs", () => {
    expect([durationMs("30s"), durationMs("1w2d"), durationMs("2h 1m")]).toEqual([
      30_000,
      777_600_000,
      undefined,
    ]);
    expect([countOf("1"), countOf("007"), countOf("0"), countOf("-1"), countOf("1e3")]).toEqual([
      1,
      7,
      undefined,
      undefined,
      undefined,
    ]);
    expect([
      httpUrl("http://127.0.0.1:8000"),
      httpUrl("https://dynamodb.eu-west-1.amazonaws.com"),
      httpUrl("ftp://x"),
      httpUrl("http://"),
      httpUrl("localhost"),
    ]).toEqual([
      "http://127.0.0.1:8000",
      "https://dynamodb.eu-west-1.amazonaws.com",
      undefined,
      undefined,
      undefined,
    ]);
  });

  test("the closest name: within two edits, or a prefix", () => {
    const names = ["replay", "show", "logs", "find", "backfill", "completion"];
    expect(
      ["shwo", "fnd", "log", "back", "comp", "rpelay", "tail", "x"].map((w) => closest(w, names)),
    ).toEqual(["show", "find", "logs", "backfill", "completion", "replay", undefined, undefined]);
  });
});

describe("the commands' examples", () => {
  /** The words of an example's command line: split on spaces, single quotes kept together. */
  const words = (command: string) =>
    (command.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^'(.*)'$/, "$1"));

  test.each(
    allCommands()
      .filter((c) => c.spec.name !== "completion")
      .map((c) => [c.spec.name, c.spec]),
  )("%s: every example parses with its command's spec", (_name, spec) => {
    for (const example of (spec as CommandSpec).examples) {
      const [program, command, ...argv] = words(example.command);
      expect([program, command]).toEqual(["batch-job-log", (spec as CommandSpec).name]);
      expect(parseCommand(spec as CommandSpec, argv).help).toBe(false);
    }
  });
});
