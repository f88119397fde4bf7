/**
 * `batch-job-log completion bash|zsh`: the bash script runs for real in one spawned bash (sourced,
 * then its function called with COMP_WORDS / COMP_CWORD set as bash sets them, COMPREPLY
 * printed); the zsh script is checked as text, its _arguments specs line by line.
 */
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { allCommands } from "../cli/commands";
import { bashScript, zshScript } from "../cli/commands/completion";
import { runCli } from "./helpers/cli-io";

const SPECS = allCommands().map((c) => c.spec);

/** What `batch-job-log <args>` prints on stdout, and its status. */
async function run(args: string[]): Promise<[number, string]> {
  const { code, out } = await runCli(args);
  return [code, out];
}

test("`completion bash` and `completion zsh` print the scripts made from the specs", async () => {
  expect(await run(["completion", "bash"])).toEqual([0, bashScript(SPECS)]);
  expect(await run(["completion", "zsh"])).toEqual([0, zshScript(SPECS)]);
});

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
      [[""], "replay show logs search find backfill completion help -h --help -v --version"],
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
      [["completion", ""], "bash zsh"],
      [
        ["logs", "x", "-"],
        "--attempt --all-attempts --container --failed --index --since -f --follow --interval " +
          "--role-arn --table --db --json --profile --region --endpoint-url --endpoint -h --help",
      ],
      // Nothing to offer for a duration, a job id or a URL: not file names either.
      [["logs", "x", "--since", ""], ""],
      [["show", "e"], ""],
      [["backfill", "--endpoint-url", "h"], ""],
      [["backfill", "--queue", "q", "--q"], "--queue"],
      [["help", "f"], "find"],
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
      env: { PATH: process.env.PATH },
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

describe("zsh", () => {
  const script = zshScript(SPECS);
  const lines = script.split("\n");

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

  test("lists the commands with their summaries, `:` escaped", () => {
    const start = lines.indexOf("  commands=(");
    expect(lines.slice(start + 1, lines.indexOf("  )", start))).toEqual([
      "    'replay:replay Batch events through the exact Lambda on an embedded DynamoDB'",
      "    'show:where a job'\\''s logs are, per attempt and container'",
      "    'logs:print the log events of a job, of its children or of its nodes'",
      "    'search:find log lines across many runs\\: which jobs printed TEXT'",
      "    'find:the most recent runs of a job name'",
      "    'backfill:record the jobs Batch still remembers'",
      "    'completion:print a shell completion script (bash, zsh)'",
      "    'help:the help of a command'",
    ]);
  });

  test("declares each command's options, their values and positionals for _arguments", () => {
    const find = lines.slice(lines.indexOf("        find)"), lines.indexOf("        backfill)"));
    expect(find).toEqual([
      "        find)",
      "          _arguments -s -S \\",
      "            '--status=[only runs in this status]:STATUS:(SUBMITTED PENDING RUNNABLE STARTING RUNNING SUCCEEDED FAILED)' \\",
      "            '--since=[only runs created within this time, e.g. 10m, 2h, 3d]:DURATION: ' \\",
      "            '--account=[only runs in this AWS account]:ACCOUNT: ' \\",
      "            '--job-region=[only runs in this region]:REGION: ' \\",
      "            '--limit=[at most N runs]:N: ' \\",
      "            '--table=[the job table]:NAME: ' \\",
      "            '--db=[the embedded table kept in DIR by `replay --db DIR`\\: offline, no credentials]:DIR:_files -/' \\",
      "            '--json[one JSON object a line]' \\",
      "            '--profile=[a profile of the shared AWS config and credentials files]:NAME: ' \\",
      "            '--region=[the AWS region]:REGION: ' \\",
      "            '(--endpoint-url --endpoint)'{--endpoint-url=,--endpoint=}'[send every AWS call of the command]:URL: ' \\",
      "            '(-h --help)'{-h,--help}'[show this help]' \\",
      "            ':NAME: '",
      "          ;;",
    ]);
    expect(script).toContain(
      "            '(-f --follow)'{-f,--follow}'[then print new events as they come]' \\\n",
    );
    expect(script).toContain("            '*--queue=[a job queue, by name or ARN]:ARN: ' \\\n");
    expect(script).toContain(
      "            '*--config=[override a stack config value, e.g. --config '\\''statuses=\\[\"RUNNING\",\"FAILED\"\\]'\\'']:key=value: ' \\\n",
    );
    expect(script).toContain("            '*:PATH:_files'\n");
    expect(script).toContain("            ':SHELL:(bash zsh)'\n");
  });
});
