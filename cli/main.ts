#!/usr/bin/env node
/**
 * batch-job-log: the command-line tool. Answers `--help`, `--version`, `help [COMMAND]` and
 * unknown commands itself; hands the named command to cli/dispatch.ts, which parses its
 * arguments against its spec and runs it. A command's module (cli/commands/<name>.ts, listed by
 * cli/commands/index.ts) is loaded only when it is named, so `show`, `logs` and `find` never load
 * Pulumi. Whatever a command throws becomes one line on stderr and an exit status.
 */
import * as fs from "fs";
import * as path from "path";
import { getHeapStatistics } from "v8";
import { InputError } from "../twin/errors";
import { findProjectRoot } from "../twin/lambda";
import { allCommands, COMMAND_NAMES, loadCommand, type CommandDeps } from "./commands";
import { runCommand, splitCommandLine, type CommandLine } from "./dispatch";
import { dieWithParent, heapCapFor, runCapped } from "./heap";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, firstLine, type CliIO } from "./io";
import { closest, helpText, helpWidth, OptionError, PROGRAM, programHelp } from "./options";
import { Output } from "./output";

/** The tool's usage, wrapped to `width` columns: every command with its summary. */
export function usage(width?: number): string {
  return programHelp(
    allCommands().map((c) => c.spec),
    width,
  );
}

/** `batch-job-log 0.1.0 node/v20.20.2 linux/x64`, from package.json (from cli/ or dist/cli/). */
export function versionLine(): string {
  const manifest = path.join(findProjectRoot(__dirname), "package.json");
  const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string };
  return `${PROGRAM} ${version} node/${process.version} ${process.platform}/${process.arch}`;
}

/** Runs the tool; resolves to the exit status. `deps` are the commands' seams, for tests. */
export async function main(
  argv: readonly string[],
  io: CliIO,
  deps: CommandDeps = {},
): Promise<number> {
  const [first] = argv;
  if (first === "--version" || first === "-v") {
    io.stdout.write(versionLine() + "\n");
    return EXIT_OK;
  }
  let line: CommandLine;
  try {
    line = splitCommandLine(argv);
  } catch (error) {
    if (error instanceof OptionError) return usageError(io, error.message);
    throw error;
  }
  const width = helpWidth(new Output(io, line.flags).width);
  if (line.name === undefined && line.leading.length === 0) {
    io.stderr.write(usage(width));
    return EXIT_USAGE;
  }
  if (first === "--help" || first === "-h" || (line.name === undefined && helpAsked(line))) {
    io.stdout.write(usage(width));
    return EXIT_OK;
  }
  const name = line.name;
  if (name === undefined) {
    return usageError(
      io,
      `missing command after ${line.leading.join(" ")} (see ${PROGRAM} --help)`,
    );
  }
  if (name === "help") {
    // `help COMMAND` is `COMMAND --help`.
    const topic = line.argv[line.leading.length];
    const command = topic === undefined ? undefined : loadCommand(topic);
    if (topic === undefined || command) {
      io.stdout.write(command ? helpText(command.spec, width) : usage(width));
      return EXIT_OK;
    }
    return usageError(io, unknownCommand(topic));
  }
  if (name.startsWith("-")) {
    return usageError(io, `unknown option ${name} for ${PROGRAM} (see ${PROGRAM} --help)`);
  }
  if (!COMMAND_NAMES.includes(name)) return usageError(io, unknownCommand(name));
  try {
    const command = loadCommand(name);
    if (command === undefined) return usageError(io, unknownCommand(name));
    return await runCommand(
      command,
      line.argv,
      io,
      { commands: () => allCommands().map((c) => c.spec), ...deps },
      line.flags,
    );
  } catch (error) {
    // The parser's messages name the command already.
    if (error instanceof OptionError) return usageError(io, error.message);
    // A UsageError, or input the twin could not use (an InputError, which UsageError extends).
    if (error instanceof InputError) {
      io.stderr.write(`${PROGRAM} ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    // One line: the first of the message (a module-not-found error appends its require stack).
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${PROGRAM} ${name}: ${firstLine(message)}\n`);
    return EXIT_FAILED;
  }
}

/** `batch-job-log --json --help`: global options and --help, no command. */
function helpAsked(line: CommandLine): boolean {
  return line.leading.includes("--help") || line.leading.includes("-h");
}

function unknownCommand(name: string): string {
  const suggestion = closest(name, COMMAND_NAMES);
  return (
    `unknown command "${name}" for ${PROGRAM}` +
    (suggestion ? `; did you mean ${suggestion}?` : "") +
    ` (see ${PROGRAM} --help)`
  );
}

function usageError(io: CliIO, message: string): number {
  io.stderr.write(`${PROGRAM}: ${message}\n`);
  return EXIT_USAGE;
}

if (require.main === module) {
  // The SDK's notice that its releases from 2027 need Node 22 is about upgrading, not about this
  // tool, which pins its SDK; on Node 20 it would add eight lines to every command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // `logs ... | head`: a reader that has seen enough is no error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
  const argv = process.argv.slice(2);
  // `replay --db` of the built command runs in a child with a capped heap (cli/heap.ts).
  const cap = __filename.endsWith(".js")
    ? heapCapFor(argv, process.env, getHeapStatistics().heap_size_limit)
    : undefined;
  if (cap !== undefined) runCapped(__filename, argv, cap);
  else {
    dieWithParent();
    void runOnProcess(argv);
  }
}

/** `batch-job-log ARGV` on this process's terminal; its status becomes the exit code. */
function runOnProcess(argv: readonly string[]): Promise<void> {
  return main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    // A getter: process.stdin is opened only by a command that reads it.
    get stdin() {
      return process.stdin;
    },
  }).then((status) => {
    process.exitCode = status;
  });
}
