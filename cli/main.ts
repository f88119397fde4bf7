#!/usr/bin/env node
/**
 * batch-job-log: the command-line tool. Each subcommand lives in its own module and is loaded
 * only when called, so that `show`, `logs` and `find` never load Pulumi.
 */
import { InputError } from "../twin/errors";
import { EXIT_FAILED, EXIT_USAGE, firstLine, type CliIO, type Command } from "./io";

const COMMANDS: Record<string, { summary: string; load: () => Command }> = {
  replay: {
    summary: "replay Batch events through the exact Lambda on an embedded DynamoDB",
    load: () => require("./replay").replay,
  },
  show: {
    summary: "where a job's logs are, per attempt and container",
    load: () => require("./show").show,
  },
  logs: {
    summary: "print a job's log events from CloudWatch Logs",
    load: () => require("./logs").logs,
  },
  find: { summary: "the most recent runs of a job name", load: () => require("./find").find },
  backfill: {
    summary: "record the jobs Batch still remembers",
    load: () => require("./backfill").backfill,
  },
};

export const USAGE = [
  "Usage: batch-job-log <command> [options]",
  "",
  "Commands:",
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`),
  "",
  "Run 'batch-job-log <command> --help' for a command's options.",
].join("\n");

/** Runs the tool; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout).write(USAGE + "\n");
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`batch-job-log: unknown command "${name}".\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.load()(rest, io);
  } catch (error) {
    // A UsageError, or input the twin could not use (an InputError, which UsageError extends).
    if (error instanceof InputError) {
      io.stderr.write(`batch-job-log ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    // One line: the first of the message (a module-not-found error appends its require stack).
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`batch-job-log ${name}: ${firstLine(message)}\n`);
    return EXIT_FAILED;
  }
}

if (require.main === module) {
  // The SDK's notice that its releases from 2027 need Node 22 is about upgrading, not about this
  // tool, which pins its SDK; on Node 20 it would add eight lines to every command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
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
