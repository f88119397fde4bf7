/**
 * The command line's layout: every command listed by the registry is one module exporting its
 * spec and its run function, named as the registry names it, and the modules of cli/ import no
 * cycle (static imports, type-only ones and require calls alike).
 */
import { readdirSync, readFileSync, statSync } from "fs";
import { dirname, join, relative } from "path";
import * as ts from "typescript";
import { allCommands, COMMAND_NAMES } from "../cli/commands";

const CLI = join(__dirname, "..", "cli");

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return file.endsWith(".ts") ? [file] : [];
  });
}

/** The cli/ files `file` imports or requires. */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith("."))
    .map((name) => join(dirname(file), name))
    .map((base) => [`${base}.ts`, join(base, "index.ts")].find((f) => known.has(f)))
    .filter((f): f is string => f !== undefined);
}

test("every registered command is a module with its spec, named as registered, and run", () => {
  const commands = allCommands();
  expect(commands.map((c) => c.spec.name)).toEqual(COMMAND_NAMES);
  for (const c of commands) expect([c.spec.name, typeof c.run]).toEqual([c.spec.name, "function"]);
});

test("the modules of cli/ import no cycle", () => {
  const files = sources(CLI);
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(f, known)]));
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") {
        cycles.push(
          [...path.slice(path.indexOf(next)), next].map((f) => relative(CLI, f)).join(" -> "),
        );
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  expect(files.length).toBeGreaterThan(20);
  expect(cycles).toEqual([]);
});
