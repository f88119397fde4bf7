#!/usr/bin/env node
/**
 * batch-job-log: the command-line tool. Dispatches to the subcommands of cli/commands.ts, each
 * loaded only when called, so that `show`, `logs` and `find` never load Pulumi; answers
 * `--help`, `--version` and unknown commands itself; turns whatever a command throws into one
 * line on stderr and an exit status.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../twin/errors";
import { findProjectRoot } from "../twin/lambda";
import { COMMANDS } from "./commands";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, firstLine, type CliIO } from "./io";
import { closest, OptionError, PROGRAM, programHelp, helpText } from "./options";

export const USAGE = programHelp(COMMANDS.map((c) => c.spec));

/** `batch-job-log 0.1.0 node/v20.20.2 linux/x64`, from package.json (from cli/ or dist/cli/). */
export function versionLine(): string {
  const manifest = path.join(findProjectRoot(__dirname), "package.json");
  const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string };
  return `${PROGRAM} ${version} node/${process.version} ${process.platform}/${process.arch}`;
}

/** Runs the tool; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(USAGE);
    return EXIT_USAGE;
  }
  if (name === "--help" || name === "-h") {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(versionLine() + "\n");
    return EXIT_OK;
  }
  const names = COMMANDS.map((c) => c.spec.name);
  if (name === "help") {
    // `help COMMAND` is `COMMAND --help`.
    const topic = COMMANDS.find((c) => c.spec.name === rest[0]);
    if (rest.length === 0 || topic) {
      io.stdout.write(topic ? helpText(topic.spec) : USAGE);
      return EXIT_OK;
    }
    return usageError(io, unknownCommand(rest[0], names));
  }
  if (name.startsWith("-")) {
    return usageError(io, `unknown option ${name} for ${PROGRAM} (see ${PROGRAM} --help)`);
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) return usageError(io, unknownCommand(name, names));
  try {
    return await command.load()(rest, io);
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

function unknownCommand(name: string, names: readonly string[]): string {
  const suggestion = closest(name, names);
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
  main(process.argv.slice(2), {
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
