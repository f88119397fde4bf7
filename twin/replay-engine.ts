/**
 * The local twin's engine, shared by `batch-job-log replay` and the benchmark: evaluate the
 * Pulumi program offline, create its table on a DynamoDB endpoint (embedded dynalite, in memory or
 * kept in a folder, unless one is given), load the Lambda exactly as CallbackFunction serialized
 * it, then push events through the rule's event pattern and that handler.
 *
 * Events are pulled from a stream as they are replayed, never held: the events of one job are
 * handled one at a time in input order, different jobs concurrently (at most `concurrency`
 * events in flight), which gives exactly the outcome of a one-at-a-time replay in input order
 * (twin/keyed-pool.ts). Of the errors, only the count and the first `maxErrors` are kept.
 *
 * Process-wide effects, undone by `close()`:
 * - While the twin is open, `process.env` holds the Lambda's environment (its variables from the
 *   program, TABLE_NAME pointing at the twin's table) and what its DynamoDB client reads:
 *   AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION and, for a local endpoint, dummy credentials. The SDK
 *   reads these lazily, so they must stay set until the last event.
 * - The handler logs one JSON line per event on process.stdout, as Lambda expects. The twin
 *   reports from the handler's resolved result instead, so while `replay` runs, writes to
 *   process.stdout are swallowed (process.stderr, where the CLI's progress bar goes, is not); the
 *   CLI prints its report after `replay` resolves.
 * - The program is evaluated with process.cwd() set to the project root (the closure serializer
 *   reads package.json from there), then the previous folder is restored.
 */
import { fromItem, type JobRecord } from "../record";
import { startLocalTable, type LocalTable } from "./dynamo-local";
import { localSdkEnv, setEnvironment } from "./environment";
import { InputError } from "./errors";
import { compileEventPattern, type EventPattern } from "./event-pattern";
import { isUnusable, type InputItem, type SourcedEvent } from "./events-input";
import { runKeyed } from "./keyed-pool";
import {
  findProjectRoot,
  loadSerializedLambda,
  withStdoutSwallowed,
  type LoadedLambda,
} from "./lambda";
import { evaluateInChild } from "./program-child";
import {
  DEFAULT_MOCK_REGION,
  MOCK_ACCOUNT,
  onlyLambda,
  onlyResource,
  RESOURCE_TYPES,
  type ProgramModel,
} from "./program-model";
import {
  originOf,
  routerFor,
  type Origin,
  type Role,
  type Router,
  type StackPlace,
} from "./routing";
import { DEFAULT_STACK, defaultTableName } from "./stack-config";

export interface TwinOptions {
  /** Folder of package.json and index.ts; by default the one above this module. */
  readonly projectRoot?: string;
  readonly stack?: string;
  /** Stack config, keys as `project:key` or `namespace:key`, values as strings. */
  readonly config?: Readonly<Record<string, string>>;
  /** A DynamoDB-compatible endpoint; without it, dynalite is started in this process. */
  readonly endpoint?: string;
  /**
   * The started dynalite's folder, kept after close, whose table a later twin reuses; in memory
   * when absent. Not with `endpoint`.
   */
  readonly dbPath?: string;
  /** Table name; `batch-job-log-<stack>` by default. Created when missing. */
  readonly tableName?: string;
  /** Region of the DynamoDB client; by default the stack's `aws:region`, else us-east-1. */
  readonly region?: string;
  /**
   * The account the stack is deployed to (MOCK_ACCOUNT by default): a hub's own events come
   * through its default bus, other accounts' through its bus policy (twin/routing.ts).
   */
  readonly account?: string;
  /** Organization of each account (`--org`), for a hub bus policy's aws:PrincipalOrgID. */
  readonly organizations?: Readonly<Record<string, string>>;
  /**
   * With `endpoint`: the profile of the shared config files whose credentials both the twin's
   * client and the Lambda's use (never dummy credentials then).
   */
  readonly profile?: string;
  /** Environment used to decide on credentials (the caller's, not necessarily process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Loads index.ts; tests pass one that loads it afresh. */
  readonly load?: () => Record<string, unknown>;
  /**
   * Evaluate the program in a child process that ends once it has answered
   * (twin/program-child.ts), so that this process never loads Pulumi: for a long replay. Ignored
   * with `load`.
   */
  readonly programInChild?: boolean;
}

/** Handler calls in flight at most, by default. */
export const REPLAY_CONCURRENCY = 8;

/** Errors kept (the first, in input order), by default; only the count of the others is kept. */
export const MAX_ERRORS_KEPT = 1000;

export interface ReplaySummary {
  /** Items read from the input: events, and lines or elements that are not events. */
  read: number;
  /** Lines or elements that are not events (not JSON, not an object): each one an error. */
  invalid: number;
  /** Events the rule's pattern matches: each one invoked the handler. */
  matched: number;
  /** Events the rule's pattern does not match (EventBridge would not deliver them). */
  skipped: number;
  /**
   * Events of other accounts a hub's bus policy refuses (a hub only; 0 otherwise): they never
   * reach the rule.
   */
  refused: number;
  /** Handler calls that wrote the item. */
  recorded: number;
  /** Handler calls that left the item as it was (an equal or newer revision was there). */
  unchanged: number;
  /** Handler calls that threw. */
  failed: number;
}

export interface ReplayError {
  /** `file:line`, `file#index` or `file`. */
  readonly source: string;
  /** The event's id; absent for input that is not an event. */
  readonly eventId?: string;
  readonly message: string;
}

export interface ReplayResult {
  readonly summary: ReplaySummary;
  /**
   * The first `maxErrors` errors in input order: items that are not events, and failed handler
   * calls. There were `summary.invalid + summary.failed` in all.
   */
  readonly errors: ReplayError[];
  /** The first `maxErrors` events a hub's bus policy refused, with why, in input order. */
  readonly refusals: ReplayError[];
  /**
   * The accounts and regions the events came from (`account region`, sorted; at most
   * MAX_ORIGINS_KEPT): a standalone stack only ever receives its own.
   */
  readonly origins: string[];
}

/** Origins listed in a result, at most. */
export const MAX_ORIGINS_KEPT = 100;

export interface ReplayOptions {
  /**
   * Called after each item is done with the number done so far. It runs while process.stdout is
   * swallowed (see above): report progress on process.stderr.
   */
  readonly onProgress?: (done: number) => void;
  /** Handler calls in flight at most (REPLAY_CONCURRENCY); 1 replays one event at a time. */
  readonly concurrency?: number;
  /** Errors kept (MAX_ERRORS_KEPT). */
  readonly maxErrors?: number;
  /**
   * Sees every well-formed event read, in input order, whether the rules match it or not, with
   * the JSON text it was parsed from when it had a line of its own.
   */
  readonly onEvent?: (event: Record<string, unknown>, text?: string) => void;
}

export interface Twin {
  readonly model: ProgramModel;
  /** standalone or hub (a spoke has no table: see `forwardEvents`). */
  readonly role: Exclude<Role, "spoke">;
  /** The account and region the stack is taken to be deployed to. */
  readonly place: StackPlace;
  readonly pattern: EventPattern;
  readonly tableName: string;
  readonly endpoint: string;
  /** True when the endpoint is the dynalite this twin started. */
  readonly embedded: boolean;
  readonly region: string;
  /** True when the twin created the table (always, on embedded dynalite). */
  readonly createdTable: boolean;
  /** The Lambda's environment variables as the twin set them. */
  readonly lambdaEnvironment: Readonly<Record<string, string>>;
  /** The serialized handler, for callers that invoke it themselves (the benchmark). */
  readonly lambda: LoadedLambda;
  /**
   * Pushes events through the rule and the handler, pulling them as it goes; each job's events in
   * input order.
   */
  replay(
    input: AsyncIterable<InputItem> | Iterable<InputItem>,
    options?: ReplayOptions,
  ): Promise<ReplayResult>;
  /** Every job's record, expanded from its stored item (record `fromItem`), sorted by jobId. */
  items(): Promise<JobRecord[]>;
  /** The table's records page by page, in the table's order, never all at once. */
  pages(): AsyncGenerator<JobRecord[]>;
  /** One job's record (a consistent read), or undefined when the table does not hold it. */
  record(jobId: string): Promise<JobRecord | undefined>;
  close(): Promise<void>;
}

/** Evaluates the program, prepares the table and loads the Lambda. */
export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  if (options.dbPath !== undefined && options.endpoint !== undefined) {
    throw new InputError("A table folder (dbPath) is for the embedded dynalite, not an endpoint.");
  }
  const { projectRoot, stack, model, region, place, router } = await routed(options);
  if (router.role === "spoke") {
    throw new InputError(
      `Stack ${stack} is a spoke (forwardTo): it has no table and no Lambda; its events go to its hub.`,
    );
  }
  const role = router.role;

  // compileEventPattern validates them (once), or throws.
  const pattern = JSON.parse(router.patterns.default) as EventPattern;
  const matchers = {
    default: compileEventPattern(pattern),
    hub: router.patterns.hub ? compileEventPattern(JSON.parse(router.patterns.hub)) : undefined,
  };
  const functionInputs = onlyResource(model, RESOURCE_TYPES.fn).inputs as {
    environment?: { variables?: Record<string, string> };
  };

  const tableName = options.tableName ?? defaultTableName(stack);
  const env = options.env ?? process.env;
  let table: LocalTable | undefined;
  let restoreLambdaEnv: (() => void) | undefined;
  let lambda: LoadedLambda | undefined;
  try {
    const dummyCredentials =
      !options.endpoint ||
      (options.profile === undefined && isLoopback(options.endpoint) && !env.AWS_ACCESS_KEY_ID);
    table = await startLocalTable({
      tableInputs: onlyResource(model, RESOURCE_TYPES.table).inputs,
      tableName,
      endpoint: options.endpoint,
      path: options.dbPath,
      region,
      dummyCredentials,
      profile: options.profile,
    });
    const { endpoint } = table;

    const lambdaEnvironment = {
      ...(functionInputs.environment?.variables ?? {}),
      TABLE_NAME: tableName,
    };
    restoreLambdaEnv = setEnvironment({
      ...lambdaEnvironment,
      ...localSdkEnv(endpoint, region, { dummyCredentials, profile: options.profile }),
    });
    lambda = loadSerializedLambda(onlyLambda(model).code, projectRoot);
    const loaded = lambda;

    let closed = false;
    const twin: Twin = {
      model,
      role,
      place,
      pattern,
      tableName,
      endpoint,
      embedded: table.embedded,
      region,
      createdTable: table.createdTable,
      lambdaEnvironment,
      lambda: loaded,
      replay: (input, replayOptions) =>
        replayEvents(loaded, router, matchers, input, replayOptions),
      items: async () => (await (table as LocalTable).items()).map((item) => fromItem(item)),
      pages: () => expandedPages(table as LocalTable),
      async record(jobId) {
        const item = await (table as LocalTable).get(jobId);
        return item === undefined ? undefined : fromItem(item);
      },
      async close() {
        if (closed) return;
        closed = true;
        await release();
      },
    };
    return twin;
  } catch (error) {
    await release();
    throw error;
  }

  async function release(): Promise<void> {
    lambda?.dispose();
    restoreLambdaEnv?.();
    await table?.close();
  }
}

/** What a handler call resolves to (the handler's `HandlerResult`). */
interface HandlerOutcome {
  readonly outcome?: string;
}

type Matchers = {
  readonly default: (event: unknown) => boolean;
  readonly hub?: (event: unknown) => boolean;
};

async function replayEvents(
  lambda: LoadedLambda,
  router: Router,
  matchers: Matchers,
  input: AsyncIterable<InputItem> | Iterable<InputItem>,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const summary: ReplaySummary = {
    read: 0,
    invalid: 0,
    matched: 0,
    skipped: 0,
    refused: 0,
    recorded: 0,
    unchanged: 0,
    failed: 0,
  };
  const maxErrors = options.maxErrors ?? MAX_ERRORS_KEPT;
  const errors = firstErrors(maxErrors);
  const refusals = firstErrors(maxErrors);
  const origins = originSet();
  let done = 0;
  const finished = () => options.onProgress?.(++done);

  /** The events the rules match, numbered in input order; the rest are counted on the way. */
  async function* matched(): AsyncGenerator<SourcedEvent & { readonly index: number }> {
    for await (const item of input) {
      const index = summary.read++;
      if (isUnusable(item)) {
        summary.invalid++;
        errors.add(index, { source: item.source, message: item.problem });
        finished();
        continue;
      }
      options.onEvent?.(item.event, item.text);
      const origin = originOf(item.event);
      origins.add(origin);
      const route = router.route(origin);
      if (route.to === "refused") {
        summary.refused++;
        refusals.add(index, {
          source: item.source,
          eventId: eventIdOf(undefined, item.event),
          message: route.reason,
        });
        finished();
      } else if (!(route.to === "hub" ? matchers.hub : matchers.default)?.(item.event)) {
        summary.skipped++;
        finished();
      } else {
        summary.matched++;
        yield { ...item, index };
      }
    }
  }

  // The handler's log lines go nowhere: the summary is built from its results.
  await withStdoutSwallowed(() =>
    runKeyed(matched(), {
      concurrency: options.concurrency ?? REPLAY_CONCURRENCY,
      keyOf: ({ event }) => jobIdOf(event),
      async run({ source, event, index }) {
        try {
          const result = (await lambda.handler(event)) as HandlerOutcome;
          if (result?.outcome === "unchanged") summary.unchanged++;
          else summary.recorded++;
        } catch (error) {
          summary.failed++;
          errors.add(index, {
            source,
            eventId: eventIdOf(error, event),
            message: messageOf(error),
          });
        }
        finished();
      },
    }),
  );
  return {
    summary,
    errors: errors.first(),
    refusals: refusals.first(),
    origins: origins.list(),
  };
}

/** The program of the stack, where it is taken to be deployed, and how events reach it. */
async function routed(options: TwinOptions) {
  const projectRoot = options.projectRoot ?? findProjectRoot();
  const stack = options.stack ?? DEFAULT_STACK;
  const config = options.config ?? {};
  const model = await programModel({
    projectRoot,
    stack,
    config,
    load: options.load,
    inChild: options.programInChild,
  });
  const region = options.region ?? config["aws:region"] ?? DEFAULT_MOCK_REGION;
  const place = stackPlace(options, region);
  return { projectRoot, stack, config, model, region, place, router: routerFor(model, place) };
}

/** Where the stack is taken to be: --account (MOCK_ACCOUNT) and the region. */
function stackPlace(
  options: Pick<TwinOptions, "account" | "organizations">,
  region: string,
): StackPlace {
  return { account: options.account ?? MOCK_ACCOUNT, region, organizations: options.organizations };
}

/** The distinct origins of the events, `account region`, up to MAX_ORIGINS_KEPT. */
function originSet() {
  const seen = new Set<string>();
  return {
    add(origin: Origin | undefined) {
      if (origin && seen.size < MAX_ORIGINS_KEPT) seen.add(`${origin.account} ${origin.region}`);
    },
    list: () => [...seen].sort(compare),
  };
}

// ---------------------------------------------------------------------------------------------
// A spoke: what it would forward, and where
// ---------------------------------------------------------------------------------------------

export interface ForwardSummary {
  /** Items read from the input. */
  read: number;
  /** Lines or elements that are not events. */
  invalid: number;
  /** Events of the spoke's account and region its rule matches: put on the hub's bus. */
  forwarded: number;
  /** Events of the spoke's account and region its rule does not match. */
  skipped: number;
  /** Events of other accounts or regions: never on this spoke's default bus. */
  elsewhere: number;
}

export interface ForwardResult {
  readonly summary: ForwardSummary;
  /** The hub's bus and the role the spoke's target puts events there with. */
  readonly forwardTo: string;
  readonly roleName: string;
  readonly place: StackPlace;
  readonly errors: ReplayError[];
  readonly origins: string[];
  /** Distinct jobs forwarded (job ids as the events name them), the first `maxErrors`. */
  readonly jobs: string[];
}

/**
 * A spoke's replay: evaluates the program and pushes the events through its rule, counting what
 * its target would put on the hub's bus. No table, no Lambda: a spoke records nothing.
 */
export async function forwardEvents(
  options: Omit<TwinOptions, "endpoint" | "dbPath" | "tableName" | "profile">,
  input: AsyncIterable<InputItem> | Iterable<InputItem>,
  replayOptions: Pick<ReplayOptions, "onProgress" | "maxErrors"> = {},
): Promise<ForwardResult> {
  const { stack, place, router } = await routed(options);
  if (!router.forward) {
    throw new InputError(`Stack ${stack} is not a spoke: it has no forwardTo.`);
  }
  const matches = compileEventPattern(JSON.parse(router.patterns.default));
  const summary: ForwardSummary = { read: 0, invalid: 0, forwarded: 0, skipped: 0, elsewhere: 0 };
  const maxErrors = replayOptions.maxErrors ?? MAX_ERRORS_KEPT;
  const errors = firstErrors(maxErrors);
  const origins = originSet();
  const jobs = new Set<string>();
  for await (const item of input) {
    const index = summary.read++;
    if (isUnusable(item)) {
      summary.invalid++;
      errors.add(index, { source: item.source, message: item.problem });
    } else {
      const origin = originOf(item.event);
      origins.add(origin);
      if (router.route(origin).to === "elsewhere") summary.elsewhere++;
      else if (!matches(item.event)) summary.skipped++;
      else {
        summary.forwarded++;
        const jobId = jobIdOf(item.event);
        if (jobId !== undefined && jobs.size < maxErrors) jobs.add(jobId);
      }
    }
    replayOptions.onProgress?.(summary.read);
  }
  return {
    summary,
    forwardTo: router.forward.busArn,
    roleName: router.forward.roleName,
    place,
    errors: errors.first(),
    origins: origins.list(),
    jobs: [...jobs],
  };
}

/** The job an event writes (the item's key), when it names one. */
function jobIdOf(event: Record<string, unknown>): string | undefined {
  const jobId = (event.detail as { jobId?: unknown } | null | undefined)?.jobId;
  return typeof jobId === "string" && jobId !== "" ? jobId : undefined;
}

/** Keeps the first `max` errors by input position, whatever order they arrive in. */
function firstErrors(max: number) {
  let kept: { index: number; error: ReplayError }[] = [];
  const trim = () => {
    kept.sort((a, b) => a.index - b.index);
    kept = kept.slice(0, max);
  };
  return {
    add(index: number, error: ReplayError) {
      kept.push({ index, error });
      if (kept.length > 2 * max) trim();
    },
    first(): ReplayError[] {
      trim();
      return kept.map((e) => e.error);
    },
  };
}

function eventIdOf(error: unknown, event: Record<string, unknown>): string {
  const fromError = (error as { eventId?: unknown } | null)?.eventId;
  if (typeof fromError === "string" && fromError !== "") return fromError;
  return typeof event.id === "string" && event.id !== "" ? event.id : "(no id)";
}

function messageOf(error: unknown): string {
  if (
    error instanceof Error ||
    (typeof error === "object" && error !== null && "message" in error)
  ) {
    const { name, message } = error as { name?: string; message?: string };
    // DynamoDB errors are best understood with their name; InvalidEventError's message says it all.
    return name && name !== "Error" && name !== "InvalidEventError"
      ? `${name}: ${message}`
      : String(message);
  }
  return String(error);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === "localhost" || host === "[::1]" || host.startsWith("127.");
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Program evaluation, once per process and configuration
// ---------------------------------------------------------------------------------------------

const models = new Map<string, Promise<ProgramModel>>();

/**
 * The program under mocks for this stack and config, as `startTwin` and `forwardEvents` evaluate
 * it (the same evaluation when they did already).
 */
export function stackModel(options: {
  readonly projectRoot?: string;
  readonly stack?: string;
  readonly config?: Readonly<Record<string, string>>;
  readonly load?: () => Record<string, unknown>;
}): Promise<ProgramModel> {
  return programModel({
    projectRoot: options.projectRoot ?? findProjectRoot(),
    stack: options.stack ?? DEFAULT_STACK,
    config: options.config ?? {},
    load: options.load,
  });
}

/**
 * The program under mocks for this stack and config, evaluated once per process and reused: the
 * program registers its resources when index.ts is first required, so a second configuration in
 * the same process needs `load` (a loader that requires index.ts afresh, as the tests do with
 * jest.isolateModules).
 */
function programModel(options: {
  projectRoot: string;
  stack: string;
  config: Readonly<Record<string, string>>;
  load?: () => Record<string, unknown>;
  inChild?: boolean;
}): Promise<ProgramModel> {
  const key = JSON.stringify([options.projectRoot, options.stack, sortedEntries(options.config)]);
  const known = models.get(key);
  if (known && !options.load) return known;
  if (models.size > 0 && !options.load && !known) {
    return Promise.reject(
      new Error(
        "The program was already evaluated in this process with another stack or config; " +
          "pass `load` to evaluate it again.",
      ),
    );
  }
  const evaluated =
    options.inChild && !options.load
      ? evaluateInChild({
          projectRoot: options.projectRoot,
          stack: options.stack,
          config: options.config,
        })
      : inFolder(options.projectRoot, () => {
          // Loaded only here: a replay whose program is evaluated in a child never loads Pulumi.
          const { evaluateProgram }: typeof import("./program") = require("./program");
          return evaluateProgram({
            config: options.config,
            stack: options.stack,
            load: options.load,
          });
        });
  models.set(key, evaluated);
  evaluated.catch(() => models.delete(key));
  return evaluated;
}

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => compare(a, b));
}

/** Runs `fn` with the working folder set to `dir`, then restores it. */
async function inFolder<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  if (previous === dir) return fn();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(previous);
  }
}

/** The table's pages of stored items, each expanded to records. */
async function* expandedPages(table: LocalTable): AsyncGenerator<JobRecord[]> {
  for await (const page of table.pages()) yield page.map((item) => fromItem(item));
}
