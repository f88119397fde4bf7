/**
 * `batch-job-log ui`: a local, read-only web view of the table: recent jobs with `find`'s filters
 * and a chart of jobs per hour by status, one job's attempts and its log lines (followed while it
 * runs, searched as you type), an array's children as a grid. It reads through the same lookups as
 * the command line (cli/ui/server.ts); the security model is there and in docs/ui.md.
 */
import { randomBytes } from "crypto";
import { EXIT_OK, UsageError, type CliIO } from "../io";
import {
  archiveForSource,
  guard,
  jobFinder,
  openLogAccess,
  openTable,
  sleep,
  type LookupDeps,
} from "../lookup/context";
import { LogCalls } from "../lookup/log-read";
import { defineCommand, type Input } from "../options";
import { ARCHIVE_BUCKET, AWS_OPTIONS, DB, ROLE_ARN, SAMPLE_DB, TABLE } from "./shared";

export const spec = defineCommand({
  name: "ui",
  summary: "a local web view of the jobs, their logs and an array's children",
  description: [
    "Starts a read-only web view on 127.0.0.1 and prints its URL, which carries a random token: " +
      "the jobs of the table with find's filters and a chart of jobs per hour by status; a job's " +
      "attempts on a timeline, its streams and its log lines (older ones on scroll, followed " +
      "while it runs, searched as you type); an array's children or a multi-node job's nodes as " +
      "a grid, with their durations, exit codes and reasons. Every page has a URL to share with " +
      "someone who runs the same command. Ctrl-C stops it.",
    "It answers only requests addressed to it (its Host), carrying the token, and sends nothing " +
      "to any other site (docs/ui.md).",
  ],
  positionals: [],
  options: [
    {
      name: "port",
      type: "text",
      valueName: "N",
      description: "the port to listen on (default: a free one)",
    },
    {
      name: "host",
      type: "text",
      valueName: "ADDRESS",
      description: "the address to listen on (default 127.0.0.1; anything else lets others ask)",
    },
    {
      name: "open",
      type: "boolean",
      description: "open the URL in the default browser too (xdg-open, open or start)",
    },
    ARCHIVE_BUCKET,
    ROLE_ARN,
    TABLE,
    DB,
  ],
  aws: AWS_OPTIONS,
  examples: [
    {
      description: "The shipped sample, offline (after `npm start`)",
      command: `batch-job-log ui --db ${SAMPLE_DB}`,
    },
    {
      description: "The stack's table, with a profile, on a fixed port",
      command: "batch-job-log ui --profile prod --port 8765",
    },
  ],
});

/** What tests pass besides the lookups' seams: when to stop, and where the view listens. */
export interface UiDeps extends LookupDeps {
  readonly stop?: AbortSignal;
  readonly onListening?: (url: string) => void;
}

export async function run(
  input: Input<typeof spec>,
  io: CliIO,
  deps: UiDeps = {},
): Promise<number> {
  const { common, values } = input;
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port for ui must be a port number (0 to 65535), got "${values.port}"`);
  }
  const host = values.host ?? "127.0.0.1";
  const now = deps.now ?? Date.now;

  return guard("ui", io, async (context) => {
    const opened = await openTable(common, io, deps, context);
    const finder = jobFinder(common, opened, io, deps, context);
    const logs = await openLogAccess(common, opened.aws, values["role-arn"], io, context);
    const bucket = values["archive-bucket"];
    const archive = await archiveForSource(common, opened.aws, "auto", bucket, io, context);
    const stopped = new AbortController();
    const calls = new LogCalls({
      sleep: deps.sleep ?? sleep,
      signal: stopped.signal,
      random: deps.random,
    });
    const { startUiServer } = require("../ui/server") as typeof import("../ui/server");
    const server = await startUiServer(
      {
        finder,
        list: { tableName: opened.table.tableName, client: opened.client, now },
        logs,
        calls,
        archive,
        now,
        commandFlags: [
          ...(common.db === undefined ? [] : ["--db", common.db]),
          ...(common.table === undefined ? [] : ["--table", common.table]),
          ...(common.profile === undefined ? [] : ["--profile", common.profile]),
          ...(common.region === undefined ? [] : ["--region", common.region]),
        ],
      },
      { host, port, token: randomBytes(24).toString("hex") },
    );
    context.cleanup.push(() => server.close());
    io.stdout.write(`batch-job-log ui: ${server.url}\n(read-only; Ctrl-C stops it)\n`);
    deps.onListening?.(server.url);
    if (values.open) openInBrowser(server.url, io);
    await new Promise<void>((resolve) => {
      const done = () => {
        stopped.abort();
        resolve();
      };
      deps.stop?.addEventListener("abort", done);
      if (!deps.stop) {
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      }
    });
    return EXIT_OK;
  });
}

/** Opens `url` with the platform's opener; says so when there is none. */
function openInBrowser(url: string, io: CliIO): void {
  const { spawn } = require("child_process") as typeof import("child_process");
  const [opener, ...args] =
    process.platform === "darwin"
      ? ["open"]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", '""']
        : ["xdg-open"];
  const child = spawn(opener, [...args, url], { stdio: "ignore", detached: true });
  child.on("error", () =>
    io.stderr.write(`note: could not run ${opener} to open the page: open the URL above.\n`),
  );
  child.unref();
}
