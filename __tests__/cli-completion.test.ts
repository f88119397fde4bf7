/**
 * `batch-job-log completion bash|zsh|fish`: the bash script runs for real in one spawned bash
 * (sourced, then its function called with COMP_WORDS / COMP_CWORD set as bash sets them,
 * COMPREPLY printed); the fish script in one spawned fish (`complete -C`), where fish is
 * installed (.ci/run installs it); the zsh script is checked as text, its _arguments specs line
 * by line, and parsed by `zsh -n` where zsh is installed. Profiles come from a config file and a
 * credentials file named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.
 */
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { allCommands, COMMAND_NAMES } from "../cli/commands";
import { bashScript, fishScript, zshScript } from "../cli/commands/completion";
import { spec as LOGS } from "../cli/commands/logs";
import { allOptions, defineCommand, type OptionSpec } from "../cli/options";
import { runCli } from "./helpers/cli-io";

const SPECS = allCommands().map((c) => c.spec);

/** An option's flags as typed: `-f`, `--follow`, `--endpoint`. */
const flagsOf = (o: OptionSpec) => [
  ...(o.short ? [`-${o.short}`] : []),
  ...[o.name, ...(o.aliases ?? [])].map((n) => `--${n}`),
];

/** A spec of each kind of option and positional, for the zsh script's exact lines. */
const DEMO = defineCommand({
  name: "demo",
  summary: "a summary: with a colon, and a command's quote",
  description: ["For the completion tests."],
  positionals: [{ name: "NAME", description: "a name" }],
  options: [
    {
      name: "status",
      type: "text",
      valueName: "STATUS",
      choices: ["SUCCEEDED", "FAILED"],
      ignoreCase: true,
      description: "only runs in this status",
    },
    { name: "since", type: "duration", description: "only runs within this time, e.g. 2h" },
    { name: "queue", type: "text", valueName: "ARN", repeatable: true, description: "a queue" },
    { name: "db", type: "dir", description: "the table kept in DIR by `replay --db DIR`: offline" },
    { name: "json", type: "boolean", description: "one JSON object a line (JSON Lines)" },
    { name: "follow", short: "f", type: "boolean", description: "then print new events" },
  ],
  aws: [
    {
      name: "endpoint-url",
      aliases: ["endpoint"],
      type: "url",
      description: "send every AWS call of the command",
    },
  ],
  examples: [],
});

/** What `batch-job-log <args>` prints on stdout, and its status. */
async function run(args: string[]): Promise<[number, string]> {
  const { code, out } = await runCli(args);
  return [code, out];
}

test("`completion bash`, `zsh` and `fish` print the scripts made from the specs", async () => {
  expect(await run(["completion", "bash"])).toEqual([0, bashScript(SPECS)]);
  expect(await run(["completion", "zsh"])).toEqual([0, zshScript(SPECS)]);
  expect(await run(["completion", "fish"])).toEqual([0, fishScript(SPECS)]);
});

/** Whether `shell` can be run here. */
function installed(shell: string): boolean {
  try {
    execFileSync(shell, ["-c", "exit 0"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A config file (with an SSO session, which is no profile) and a credentials file. */
function writeProfiles(dir: string): Record<string, string> {
  writeFileSync(
    join(dir, "config"),
    "[default]\nregion = us-east-1\n[profile dev]\n[sso-session corp]\n  [profile  prod ]\n",
  );
  writeFileSync(join(dir, "credentials"), "[ci]\naws_access_key_id = x\n[default]\n");
  return {
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
  };
}

describe("bash", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "completion-"));
    mkdirSync(join(dir, "db-one"));
    mkdirSync(join(dir, "db-two"));
    writeFileSync(join(dir, "db-file"), "");
    writeFileSync(join(dir, "events.jsonl"), "");
    writeFileSync(join(dir, "completion.bash"), bashScript(SPECS));
  });
  afterAll(() => rmSync(dir, { recursive: true }));

  test("completes commands, options, allowed values, folders and files", () => {
    // Each case: the words of the command line, the last one being completed.
    const cases: [string[], string][] = [
      [[""], [...COMMAND_NAMES, "help", "-h", "--help", "-v", "--version"].join(" ")],
      [["sh"], "show"],
      [["--v"], "--version"],
      [["find", "x", "--st"], "--status"],
      [["find", "x", "--status", "S"], "SUBMITTED STARTING SUCCEEDED"],
      // `--status=F`: bash splits the word at "=".
      [["find", "x", "--status", "=", "F"], "FAILED"],
      [
        ["find", "x", "--status", "="],
        "SUBMITTED PENDING RUNNABLE STARTING RUNNING SUCCEEDED FAILED",
      ],
      [["show", "x", "--endpoint"], "--endpoint-url --endpoint"],
      [["show", "x", "--db", "db-"], "db-one db-two"],
      [["replay", "ev"], "events.jsonl"],
      [["replay", "--c"], "--config"],
      [["completion", ""], "bash zsh fish"],
      [["logs", "x", "-"], allOptions(LOGS).flatMap(flagsOf).join(" ")],
      // Nothing to offer for a duration, a job id or a URL: not file names either.
      [["logs", "x", "--since", ""], ""],
      [["show", "e"], ""],
      [["backfill", "--endpoint-url", "h"], ""],
      [["backfill", "--queue", "q", "--q"], "--queue"],
      [["help", "f"], "find"],
      // The profiles of both files, once each.
      [["show", "x", "--profile", ""], "ci default dev prod"],
      [["backfill", "--profile", "d"], "default dev"],
      [["search", "x", "--mode", ""], "auto filter insights"],
      [["completion", "f"], "fish"],
    ];
    const script = [
      `cd ${JSON.stringify(dir)}`,
      "source completion.bash",
      "complete -p batch-job-log",
      "try() {",
      '  COMP_WORDS=(batch-job-log "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()',
      "  _batch_job_log",
      '  echo "${COMPREPLY[*]}"',
      "}",
      ...cases.map(([words]) => `try ${words.map((w) => `'${w}'`).join(" ")}`),
    ].join("\n");
    const out = execFileSync("bash", ["--norc", "--noprofile", "-c", script], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, ...writeProfiles(dir) },
    });
    const [registration, ...replies] = out.split("\n").slice(0, -1);
    expect(registration).toBe("complete -F _batch_job_log batch-job-log");
    // Folders and files come in the file system's order: compare those sorted.
    const normal = (reply: string) => reply.split(" ").sort().join(" ");
    expect(replies.map(normal)).toEqual(cases.map(([, expected]) => normal(expected)));
    expect(replies[0]).toBe(cases[0][1]);
    expect(replies[12]).toBe(cases[12][1]);
  });
});

describe("fish", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "completion-fish-"));
    mkdirSync(join(dir, "db-one"));
    writeFileSync(join(dir, "events.jsonl"), "");
    writeFileSync(join(dir, "completion.fish"), fishScript(SPECS));
  });
  afterAll(() => rmSync(dir, { recursive: true }));

  test("one `complete` line per command, option and positional, under its command", () => {
    const lines = fishScript(SPECS).split("\n");
    expect(lines).toContain(
      "complete -c batch-job-log -n '__fish_seen_subcommand_from find' -l status -x -a 'SUBMITTED PENDING RUNNABLE STARTING RUNNING SUCCEEDED FAILED' -d 'only jobs in these statuses: repeat it, or separate them by commas'",
    );
    expect(lines).toContain(
      "complete -c batch-job-log -n '__fish_seen_subcommand_from logs' -s f -l follow -d 'then print new events as they come'",
    );
    expect(lines).toContain(
      "complete -c batch-job-log -n '__fish_seen_subcommand_from show' -l profile -x -a '(__batch_job_log_profiles)' -d 'a profile of the shared AWS config and credentials files'",
    );
    expect(lines).toContain(
      "complete -c batch-job-log -n '__fish_seen_subcommand_from show' -l endpoint-url -l endpoint -x -d 'send every AWS call of the command'",
    );
    expect(lines).toContain(
      "complete -c batch-job-log -n '__fish_seen_subcommand_from show' -l db -x -a '(__fish_complete_directories)' -d 'the embedded table kept in DIR by `replay --db DIR`: offline, no credentials'",
    );
    expect(lines).toContain(
      "complete -c batch-job-log -n __fish_use_subcommand -a show -d 'where a job\\'s logs are, per attempt and container'",
    );
  });

  (installed("fish") ? test : test.skip)("completes for real in fish", () => {
    const cases: [string, string[]][] = [
      ["batch-job-log sh", ["show"]],
      ["batch-job-log find x --status F", ["FAILED"]],
      ["batch-job-log show x --profile ", ["ci", "default", "dev", "prod"]],
      ["batch-job-log completion ", ["bash", "fish", "zsh"]],
      ["batch-job-log logs x --ta", ["--table", "--tail"]],
      ["batch-job-log show x --db db-", ["db-one/"]],
      ["batch-job-log replay ev", ["events.jsonl"]],
      // A job id: no file names.
      ["batch-job-log show ev", []],
    ];
    const script = [
      "source completion.fish",
      ...cases.map(([line]) => `complete -C ${JSON.stringify(line)}; echo ==`),
    ].join("\n");
    const out = execFileSync("fish", ["--no-config", "-c", script], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: dir, ...writeProfiles(dir) },
    });
    const replies = out
      .split("==\n")
      .slice(0, -1)
      .map((block) =>
        block
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => l.split("\t")[0])
          .sort(),
      );
    expect(replies).toEqual(cases.map(([, expected]) => expected));
  });
});

describe("zsh", () => {
  const script = zshScript(SPECS);
  const lines = script.split("\n");

  (installed("zsh") ? test : test.skip)("parses in zsh (zsh -n)", () => {
    const dir = mkdtempSync(join(tmpdir(), "completion-zsh-"));
    try {
      writeFileSync(join(dir, "_batch-job-log"), script);
      expect(execFileSync("zsh", ["-n", join(dir, "_batch-job-log")], { encoding: "utf8" })).toBe(
        "",
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("--profile completes to the profiles of the two files", () => {
    expect(script).toContain(
      "            '--profile=[a profile of the shared AWS config and credentials files]:NAME:{compadd -- $(_batch-job-log-profiles)}' \\\n",
    );
    expect(lines).toContain("_batch-job-log-profiles() {");
  });

  test("is a #compdef file that registers itself when sourced", () => {
    expect(lines[0]).toBe("#compdef batch-job-log");
    expect(lines.slice(-7)).toEqual([
      "if [[ $funcstack[1] == _batch-job-log ]]; then",
      "  # Autoloaded from $fpath: this file is the function's body; complete now.",
      '  _batch-job-log "$@"',
      "else",
      "  compdef _batch-job-log batch-job-log",
      "fi",
      "",
    ]);
  });

  test("lists every command with its summary, then help", () => {
    const start = lines.indexOf("  commands=(");
    const listed = lines.slice(start + 1, lines.indexOf("  )", start));
    expect(listed.map((l) => l.trim().slice(1).split(":")[0])).toEqual([...COMMAND_NAMES, "help"]);
    expect(listed.at(-1)).toBe("    'help:the help of a command'");
  });

  test("a summary's `:` is escaped, its quote closed and reopened", () => {
    const demo = zshScript([DEMO]).split("\n");
    expect(demo[demo.indexOf("  commands=(") + 1]).toBe(
      "    'demo:a summary\\: with a colon, and a command'\\''s quote'",
    );
  });

  test("declares each command's options, their values and positionals for _arguments", () => {
    const demo = zshScript([DEMO]).split("\n");
    expect(demo.slice(demo.indexOf("        demo)"), demo.lastIndexOf("          ;;") + 1)).toEqual(
      [
        "        demo)",
        "          _arguments -s -S \\",
        "            '--status=[only runs in this status]:STATUS:(SUCCEEDED FAILED)' \\",
        "            '--since=[only runs within this time, e.g. 2h]:DURATION: ' \\",
        "            '*--queue=[a queue]:ARN: ' \\",
        "            '--db=[the table kept in DIR by `replay --db DIR`\\: offline]:DIR:_files -/' \\",
        "            '--json[one JSON object a line]' \\",
        "            '(-f --follow)'{-f,--follow}'[then print new events]' \\",
        "            '(--endpoint-url --endpoint)'{--endpoint-url=,--endpoint=}'[send every AWS call of the command]:URL: ' \\",
        "            '(-h --help)'{-h,--help}'[show this help]' \\",
        "            ':NAME: '",
        "          ;;",
      ],
    );
    // Every command has its case.
    for (const name of COMMAND_NAMES) expect(lines).toContain(`        ${name})`);
    expect(script).toContain(
      "            '(-f --follow)'{-f,--follow}'[then print new events as they come]' \\\n",
    );
    expect(script).toContain("            '*--queue=[a job queue, by name or ARN]:ARN: ' \\\n");
    expect(script).toContain(
      "            '*--config=[override a stack config value, e.g. --config '\\''statuses=\\[\"RUNNING\",\"FAILED\"\\]'\\'']:key=value: ' \\\n",
    );
    expect(script).toContain("            '*:PATH:_files'\n");
    expect(script).toContain("            ':SHELL:(bash zsh fish)'\n");
  });
});
