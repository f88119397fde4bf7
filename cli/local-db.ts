/**
 * `--db DIR`: the embedded DynamoDB kept in a folder. `replay --db DIR` writes its table there
 * (dynalite's LevelDB store; replaying again adds to the same table), and the lookups read it
 * with `--db DIR`: dynalite serves the folder on a loopback port for the command's duration,
 * with dummy credentials, offline. The table is --table, else batch-job-log-<stack> as replay
 * names it (the stack `pulumi stack --show-name` prints, else dev).
 *
 * Independent of how the flags are parsed: the parsers hand the flags' values to these functions.
 * Nothing is loaded at import but this module's own; dynalite only when a folder is opened.
 */
import * as fs from "fs";
import * as path from "path";
import type { CommandSender } from "../record";
import { EXIT_FAILED, EXIT_USAGE, UsageError, type CliIO } from "./io";
import { shellQuote } from "./lookup/console-link";
import { LookupError } from "./lookup/errors";

/** The file LevelDB writes first in its folder: what tells a table folder from another one. */
const LEVELDB_MARKER = "CURRENT";
/** The file `replay --db DIR` holds while it writes DIR: the writer's process id. */
export const WRITER_LOCK = "replay.lock";

/** The process id of a live `replay` writing `dir`, if there is one. */
function liveWriter(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dir, WRITER_LOCK), "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
  }
}

function refuseWhileWritten(given: string, dir: string, doing: string): void {
  const pid = liveWriter(dir);
  if (pid !== undefined) {
    throw new UsageError(
      `--db ${given}: batch-job-log replay (process ${pid}) is writing ${dir}; ${doing} ` +
        "once it has finished (it holds " +
        `${path.join(dir, WRITER_LOCK)}).`,
    );
  }
}

/**
 * Takes `dir` for one writer: refuses, at once, while another live `replay` holds it; takes over
 * the lock of one that died (kill -9), saying so through `onStale`. The lock is the file
 * WRITER_LOCK holding this process's id, removed by `release()` or when the process exits.
 */
export function lockDbFolder(
  given: string,
  dir: string,
  onStale: (pid: number) => void,
): { release(): void } {
  refuseWhileWritten(given, dir, "replay into it");
  const lock = path.join(dir, WRITER_LOCK);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const stale = Number(fs.existsSync(lock) ? fs.readFileSync(lock, "utf8").trim() : NaN);
    if (Number.isInteger(stale) && stale > 0) onStale(stale);
    fs.writeFileSync(lock, `${process.pid}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--db ${given}: cannot write ${dir} (${code ?? error}).`);
  }
  const release = () => {
    try {
      if (fs.readFileSync(lock, "utf8").trim() === String(process.pid)) fs.unlinkSync(lock);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.once("exit", release);
  return {
    release() {
      process.removeListener("exit", release);
      release();
    },
  };
}

/** What `replay --db` says when the folder cannot be written part-way (a full disk). */
export function storeFailure(given: string, why: string): string {
  return (
    `--db ${given}: the table folder could not be written (${why.replace(/^IO error: /, "")}). ` +
    "What was recorded before is kept: make room, then run the same replay again (it completes " +
    "the table, each job written once)."
  );
}

/**
 * While `replay --db DIR` writes: dynalite throws a failed write of its store (a full disk, a file
 * over the size limit, a folder gone read-only) in a callback no caller can catch, which would
 * crash the process with a stack. Such an error ends the replay with one line and exit 2 (as a
 * folder that cannot be written from the start does); what was written before is kept (LevelDB
 * replays its log when the folder is next opened), and the same replay run again completes the
 * table. Any other uncaught error is printed as it would be, exit 1. Returns the remover.
 */
export function exitOnStoreFailure(given: string, io: CliIO, release: () => void): () => void {
  const handler = (error: Error) => {
    release();
    if ((error as { code?: string }).code !== "LEVEL_IO_ERROR") {
      io.stderr.write(`batch-job-log replay: ${error.stack ?? String(error)}\n`);
      process.exit(EXIT_FAILED);
    }
    io.stderr.write(`batch-job-log replay: ${storeFailure(given, error.message)}\n`);
    process.exit(EXIT_USAGE);
  };
  process.on("uncaughtException", handler);
  return () => process.off("uncaughtException", handler);
}

/**
 * The folder `replay --db DIR` keeps its table in, resolved against `cwd`: a new folder (made on
 * the first replay), an empty one, or one a replay made. A file, or a folder of other files, is a
 * usage error: the store would be written among them.
 */
export function dbFolderToWrite(given: string, cwd: string): string {
  const dir = path.resolve(cwd, given);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return dir;
    throw new UsageError(`--db ${given}: cannot read it (${code ?? error}).`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--db ${given}: not a folder.`);
  const entries = fs.readdirSync(dir).filter((name) => name !== WRITER_LOCK);
  if (entries.length > 0 && !entries.includes(LEVELDB_MARKER)) {
    throw new UsageError(
      `--db ${given}: the folder holds other files; give a new or empty folder, or one that ` +
        "`batch-job-log replay --db` made.",
    );
  }
  return dir;
}

/** The folder a lookup's `--db DIR` reads, resolved against `cwd`: one `replay --db` made. */
export function dbFolderToRead(given: string, cwd: string): string {
  const dir = path.resolve(cwd, given);
  if (!fs.existsSync(dir)) {
    throw new UsageError(
      `--db ${given}: no such folder; \`batch-job-log replay --db ${shellQuote(given)}\` makes it.`,
    );
  }
  refuseWhileWritten(given, dir, "look it up");
  if (!fs.existsSync(path.join(dir, LEVELDB_MARKER))) {
    throw new UsageError(
      `--db ${given}: not a table folder; \`batch-job-log replay --db DIR\` makes one.`,
    );
  }
  return dir;
}

export interface DbTable {
  readonly tableName: string;
  /** A document client on the folder's dynalite, with dummy credentials. */
  readonly client: CommandSender;
  /** Stops dynalite; the folder is left as it is. */
  close(): Promise<void>;
}

export interface DbTableOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --table; by default batch-job-log-<stack>. */
  readonly table?: string;
  /** The client's region (dynalite keeps tables by name only); us-east-1 by default. */
  readonly region?: string;
  /**
   * Writes the folder itself (`backfill --db`), one writer at a time as `replay --db`
   * (DIR/replay.lock); else a lookup reads a copy of it (`storeCopy`).
   */
  readonly write?: boolean;
}

/** Serves the table kept in the folder `given` (--db) until `close()`. */
export async function openDbTable(given: string, options: DbTableOptions): Promise<DbTable> {
  const dir = dbFolderToRead(given, options.cwd);
  const tableName = options.table ?? (await defaultTable(options.env));
  const local: typeof import("../twin/dynamo-local") = require("../twin/dynamo-local");
  const { createDocumentClient }: typeof import("../record") = require("../record");
  const lock = options.write ? lockDbFolder(given, dir, () => undefined) : undefined;
  const copy = lock ? dir : storeCopy(dir);
  const release = () => {
    if (lock) lock.release();
    else fs.rmSync(copy, { recursive: true, force: true });
  };
  let dynamo: Awaited<ReturnType<typeof local.startLocalDynamo>>;
  try {
    dynamo = await local.startLocalDynamo({ path: copy });
  } catch (error) {
    release();
    // Its message names the folder it opened: the user's.
    if (error instanceof Error) error.message = error.message.replaceAll(copy, dir);
    throw error;
  }
  const client = createDocumentClient(local.localClientConfig(dynamo.endpoint, options.region));
  const close = async () => {
    (client as { destroy?: () => void }).destroy?.();
    await dynamo.close();
    release();
  };
  try {
    await checkTableIn(client, tableName, given);
  } catch (error) {
    await close();
    throw error;
  }
  return { tableName, client, close };
}

/**
 * A copy of the LevelDB store of `dir` (its files, not the folders and logs beside them) in a
 * temporary folder, which the lookup opens instead: LevelDB writes its lock, log and manifest
 * even to read, so the folder itself is never written, and a folder the user may only read (a
 * shared, read-only copy) or that another lookup has open can be read. The store of the sample is
 * a few MB (cloned where the file system can).
 */
export function storeCopy(dir: string): string {
  const os: typeof import("os") = require("os");
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "batch-job-log-db-"));
  try {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const skip = ["LOCK", WRITER_LOCK, "logs.jsonl", "batch.jsonl"];
      if (!entry.isFile() || skip.includes(entry.name)) continue;
      fs.copyFileSync(
        path.join(dir, entry.name),
        path.join(copy, entry.name),
        fs.constants.COPYFILE_FICLONE,
      );
    }
  } catch (error) {
    fs.rmSync(copy, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new LookupError(`${dir}: cannot read the table folder (${code ?? error}).`);
  }
  return copy;
}

/** batch-job-log-<stack>, the stack being the one `replay` would evaluate. */
async function defaultTable(env: DbTableOptions["env"]): Promise<string> {
  const { replayStack }: typeof import("./stack") = require("./stack");
  const {
    defaultTableName,
  }: typeof import("../twin/stack-config") = require("../twin/stack-config");
  const { findProjectRoot }: typeof import("../twin/lambda") = require("../twin/lambda");
  return defaultTableName((await replayStack(undefined, findProjectRoot(), env)).name);
}

/** A LookupError naming the tables the folder does hold when `tableName` is not one of them. */
async function checkTableIn(client: CommandSender, tableName: string, given: string) {
  const sdk: typeof import("@aws-sdk/client-dynamodb") = require("@aws-sdk/client-dynamodb");
  try {
    await client.send(new sdk.DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
  }
  const { TableNames = [] } = (await client.send(
    new sdk.ListTablesCommand({}),
  )) as import("@aws-sdk/client-dynamodb").ListTablesCommandOutput;
  throw new LookupError(
    `--db ${given} holds no table ${tableName}` +
      (TableNames.length > 0 ? `; it holds ${TableNames.join(", ")}: pass --table NAME.` : "."),
  );
}
