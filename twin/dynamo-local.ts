/**
 * An embedded DynamoDB: dynalite, in this process, on a free loopback port. Used by the local
 * twin when no --endpoint is given, and by the tests. Nothing is mocked: the SDK speaks the real
 * DynamoDB wire protocol to it.
 */
import * as path from "path";
import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { createDocumentClient, TABLE_KEY } from "../record";
import { LOCAL_CREDENTIALS } from "./environment";
import { serveOnLoopback, type Served } from "./loopback";
import { createTableInput, ensureTable } from "./table";

/** A running dynalite: where it listens, and how to stop it. */
export type LocalDynamo = Served;

/**
 * Items per Scan page (a `Limit`): dynalite reads each page with an iterator of its own, closed
 * once the page is read (`closeFinishedReads`). Pages of 2,000 read a table back no faster.
 */
const SCAN_PAGE_ITEMS = 500;

/** The region of a local client when none is given. */
export const LOCAL_REGION = "us-east-1";

export interface LocalDynamoOptions {
  /** A folder for dynalite's LevelDB store, kept after close; in memory when absent. */
  readonly path?: string;
}

/**
 * Starts dynalite on 127.0.0.1 and a free port: in memory, or on disk in `options.path` (created
 * when missing). A folder another process has open is an error here: dynalite itself would crash
 * the process on its first request.
 */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  closeFinishedReads();
  if (options.path !== undefined) {
    boundStoreMemory();
    await checkStoreOpens(options.path);
  }
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  return serveOnLoopback(server);
}

/**
 * LevelDB's options for a store on disk, where dynalite gives none. LevelDB keeps up to
 * `maxOpenFiles` table files open (1,000 by default), each mapped into memory as it is read: a
 * table of a million jobs, whose files compaction and a read-back touch, then stays resident (500
 * MB and more). At 74, the least LevelDB takes, it keeps 64 table files, whatever the table's
 * size; of 1 MB each (`maxFileSize`, 2 MB by default), so that reading a large table back maps
 * at most 64 MB of them, not 128. The benchmark measures the writes with these options, the
 * floor's and the replay's alike (docs/replay.md, "Large inputs").
 */
const STORE_OPTIONS = { maxOpenFiles: 74, maxFileSize: 1024 * 1024 } as const;

/** Where `name` resolves from the module at `from` (a folder), whatever the root's copy. */
function resolvedFrom(name: string, from: string): string {
  return require.resolve(name, { paths: [from] });
}

/** The `level` module dynalite requires (its own copy, whatever the root's). */
function dynaliteLevel<T>(): T {
  return require(resolvedFrom("level", path.dirname(require.resolve("dynalite")))) as T;
}

type Closable = { close(): Promise<void> };

/**
 * Makes dynalite close the store iterator of every Scan and Query once it has read its page.
 * dynalite reads through a stream whose destroy calls the iterator's `return()`, which
 * abstract-level's iterators lack: every page's iterator then stays open, attached to the store
 * until it closes, and pins what it reads (on disk, LevelDB's table files, mapped; in memory,
 * memory-level's version of the tree): reading 500,000 jobs back grew the replay's process from
 * 205 to 478 MB (docs/replay.md, "Large inputs"). Given a `return()` that closes the
 * iterator, as an async iterator's is, each page's is closed as its stream ends. Once per
 * process, for the abstract-level of dynalite's stores on disk and in memory.
 */
function closeFinishedReads(): void {
  type Iterators = Record<string, { prototype: Partial<Closable> & { return?: unknown } }>;
  const dynaliteDir = path.dirname(require.resolve("dynalite"));
  const stores = [
    resolvedFrom("classic-level", path.dirname(resolvedFrom("level", dynaliteDir))),
    resolvedFrom("memory-level", dynaliteDir),
  ];
  const abstracts = new Set(stores.map((s) => resolvedFrom("abstract-level", path.dirname(s))));
  for (const file of abstracts) {
    const abstract = require(file) as Iterators;
    for (const name of ["AbstractIterator", "AbstractKeyIterator", "AbstractValueIterator"]) {
      const proto = abstract[name].prototype;
      if (proto.return !== undefined) continue;
      proto.return = async function (this: Closable, value?: unknown) {
        await this.close();
        return { done: true, value };
      };
    }
  }
}

/**
 * Gives every LevelDB store dynalite opens STORE_OPTIONS, under the options it passes itself:
 * dynalite opens its store with `new Level(path, { valueEncoding })` and no way to add any, so
 * the open method of its `level`'s class is wrapped, once per process.
 */
function boundStoreMemory(): void {
  type Opening = { _open(options: Record<string, unknown>): Promise<void> };
  // `level`'s Level is classic-level's class, whose _open hands the options to LevelDB.
  const proto = dynaliteLevel<{ Level: { prototype: Opening & { [BOUND]?: true } } }>().Level
    .prototype;
  if (proto[BOUND]) return;
  const open = proto._open;
  proto._open = function (this: Opening, options: Record<string, unknown>) {
    return open.call(this, { ...STORE_OPTIONS, ...options });
  };
  proto[BOUND] = true;
}

const BOUND = Symbol("batch-job-log: LevelDB options bound");

/** Opens and closes the LevelDB store in `dir` with the `level` that dynalite uses. */
async function checkStoreOpens(dir: string): Promise<void> {
  const { Level } = dynaliteLevel<{
    Level: new (dir: string) => { open(): Promise<void>; close(): Promise<void> };
  }>();
  const store = new Level(dir);
  try {
    await store.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === "LEVEL_LOCKED") {
      throw new Error(`${dir}: another process has this table folder open; wait for it to end.`);
    }
    throw new Error(`${dir}: cannot open the table folder (${cause?.message ?? error}).`);
  }
  await store.close();
}

/** Settings for an SDK client talking to a local endpoint: dummy credentials, a region. */
export function localClientConfig(endpoint: string, region = LOCAL_REGION) {
  return {
    endpoint,
    region,
    credentials: { ...LOCAL_CREDENTIALS },
  };
}

export interface LocalTableOptions {
  /** The inputs of the program's Table resource: its keys and indexes. */
  readonly tableInputs: Record<string, unknown>;
  readonly tableName: string;
  /** A DynamoDB-compatible endpoint; without it, dynalite is started in this process. */
  readonly endpoint?: string;
  /** The started dynalite's store: a folder, kept after close (see LocalDynamoOptions). */
  readonly path?: string;
  /** The client's region; us-east-1 by default. */
  readonly region?: string;
  /**
   * Dummy credentials, which a local endpoint accepts (the default); false leaves the client to
   * the SDK's default credential chain, for an endpoint that checks them.
   */
  readonly dummyCredentials?: boolean;
  /** Without dummy credentials: the profile of the shared config files to use. */
  readonly profile?: string;
}

export interface LocalTable {
  readonly endpoint: string;
  readonly tableName: string;
  /** True when `endpoint` is the dynalite this table started. */
  readonly embedded: boolean;
  /** True when the table was created here (always, on embedded dynalite). */
  readonly createdTable: boolean;
  /** A document client on the endpoint, configured as the handler's (`createDocumentClient`). */
  readonly documents: DynamoDBDocumentClient;
  /** Every item of the table as plain JSON, sorted by jobId in code-unit order. */
  items(): Promise<Record<string, unknown>[]>;
  /** The table's items page by page (a Scan, in the table's order), never all at once. */
  pages(): AsyncGenerator<Record<string, unknown>[]>;
  /** The item of one job (a consistent read), or undefined. */
  get(jobId: string): Promise<Record<string, unknown> | undefined>;
  /** Destroys the client and stops the embedded dynalite; the table is left as it is. */
  close(): Promise<void>;
}

/**
 * The program's table on `endpoint`, or on a dynalite started for it: created from the Table
 * inputs unless it exists, with a document client to read and write it.
 */
export async function startLocalTable(options: LocalTableOptions): Promise<LocalTable> {
  const { tableInputs, tableName } = options;
  const region = options.region ?? LOCAL_REGION;
  const dynamo =
    options.endpoint === undefined ? await startLocalDynamo({ path: options.path }) : undefined;
  const endpoint = options.endpoint ?? (dynamo as LocalDynamo).endpoint;
  const documents = createDocumentClient(
    options.dummyCredentials === false
      ? { endpoint, region, ...(options.profile ? { profile: options.profile } : {}) }
      : localClientConfig(endpoint, region),
  ) as DynamoDBDocumentClient;
  const close = async () => {
    documents.destroy();
    await dynamo?.close();
  };
  let createdTable: boolean;
  try {
    createdTable = await ensureTable(documents, createTableInput(tableName, tableInputs));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    endpoint,
    tableName,
    embedded: dynamo !== undefined,
    createdTable,
    documents,
    items: () => scanItems(documents, tableName),
    pages: () => scanPages(documents, tableName),
    async get(jobId) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { [TABLE_KEY]: jobId }, ConsistentRead: true }),
      );
      return Item as Record<string, unknown> | undefined;
    },
    close,
  };
}

async function* scanPages(
  documents: DynamoDBDocumentClient,
  tableName: string,
): AsyncGenerator<Record<string, unknown>[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, Limit: SCAN_PAGE_ITEMS }),
    );
    yield (page.Items ?? []) as Record<string, unknown>[];
    start = page.LastEvaluatedKey;
  } while (start);
}

async function scanItems(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of scanPages(documents, tableName))
    for (const item of page) items.push(item);
  return items.sort((a, b) => compareCodeUnits(String(a.jobId), String(b.jobId)));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
