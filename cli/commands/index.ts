/**
 * The registry of batch-job-log's commands, in the order the usage lists them. Each command is
 * one module, cli/commands/<name>.ts, exporting its `spec` (cli/options.ts: what it takes, its
 * help and examples) and its `run` function; cli/dispatch.ts parses the arguments against the
 * spec, answers --help and calls run. A module is required only when its command is named (or,
 * for the listing, --help and completion, for its spec): a command module keeps its heavy
 * dependencies (SDK clients, Pulumi, dynalite) in functions that require them when they run, so
 * that `show`, `logs` and `find` never load Pulumi (__tests__/cli-startup.test.ts).
 *
 * To add a command: write cli/commands/<name>.ts with `spec` and `run`, and add one line below.
 */
import type { CliIO } from "../io";
import type { LookupDeps } from "../lookup/context";
import type { CommandSpec, Input } from "../options";

/** What the dispatcher passes a command besides its input: the tests' seams, and the registry. */
export interface CommandDeps extends LookupDeps {
  /** Every command's spec (for `completion`). */
  readonly commands?: () => readonly CommandSpec[];
}

/** A command module. */
export interface CommandModule {
  readonly spec: CommandSpec;
  // The input is typed by each module's own spec; the registry only passes it through.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(input: Input<any>, io: CliIO, deps: CommandDeps): Promise<number>;
}

/** name -> how to load its module. */
const REGISTRY: Readonly<Record<string, () => CommandModule>> = {
  replay: () => require("./replay"),
  show: () => require("./show"),
  logs: () => require("./logs"),
  search: () => require("./search"),
  find: () => require("./find"),
  backfill: () => require("./backfill"),
  doctor: () => require("./doctor"),
  ui: () => require("./ui"),
  completion: () => require("./completion"),
};

/** The command names, in the order the usage lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(REGISTRY);

/** The module of command `name`, loaded now; undefined for no such command. */
export function loadCommand(name: string): CommandModule | undefined {
  return Object.hasOwn(REGISTRY, name) ? REGISTRY[name]() : undefined;
}

/** Every command's module, in order (their specs: none of their dependencies run). */
export function allCommands(): CommandModule[] {
  return COMMAND_NAMES.map((name) => REGISTRY[name]());
}
