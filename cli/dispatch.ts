/**
 * The one preamble of every command: the output options taken out wherever they are, the global
 * options given before the command moved after it, the arguments parsed against the command's
 * spec, --help answered, the output layer made, and the command's run function called.
 * cli/main.ts calls it; tests call `runCommand` to run one command with their seams.
 */
import type { CommandDeps, CommandModule } from "./commands";
import type { CliIO } from "./io";
import { closest, helpText, helpWidth, OptionError, parseCommand, PROGRAM } from "./options";
import { Output, type OutputFlags } from "./output";

/** The global options that take a value, which may come before the command's name. */
const GLOBAL_WITH_VALUE: ReadonlySet<string> = new Set([
  "--db",
  "--table",
  "--profile",
  "--region",
  "--endpoint-url",
  "--endpoint",
]);
/** The global flags that may come before the command's name. */
const GLOBAL_FLAGS: ReadonlySet<string> = new Set(["--json", "--help", "-h"]);
/** The output options, taken anywhere (before `--`) and answered by the output layer. */
const OUTPUT_FLAGS: Readonly<Record<string, keyof OutputFlags>> = {
  "--no-color": "noColor",
  "--raw": "raw",
};

/** The command line split: the command's name, its arguments, the output options. */
export interface CommandLine {
  /** The first word that is no option nor an option's value (undefined: none). */
  readonly name: string | undefined;
  /** The global options given before the name, then what followed it. */
  readonly argv: readonly string[];
  readonly flags: OutputFlags;
  /** The global options given before the name, as typed. */
  readonly leading: readonly string[];
}

/**
 * Splits `argv`: `--no-color` and `--raw` out of it wherever they are (before `--`); the global
 * options before the command's name moved after it, so `batch-job-log --db D show ID` is
 * `batch-job-log show --db D ID`. An unknown option before the name is an OptionError.
 */
export function splitCommandLine(argv: readonly string[]): CommandLine {
  const flags: { -readonly [K in keyof OutputFlags]: OutputFlags[K] } = {};
  const end = argv.indexOf("--");
  const words = argv.filter((word, i) => {
    const flag = (end === -1 || i < end) && OUTPUT_FLAGS[word];
    if (flag) flags[flag] = true;
    return !flag;
  });
  const leading: string[] = [];
  let i = 0;
  while (i < words.length && words[i].startsWith("-") && words[i] !== "--") {
    const word = words[i];
    const [flag] = word.split("=", 1);
    if (GLOBAL_WITH_VALUE.has(flag)) {
      const inline = word.includes("=");
      leading.push(...words.slice(i, inline ? i + 1 : i + 2));
      i += inline ? 1 : 2;
    } else if (GLOBAL_FLAGS.has(word)) {
      leading.push(word);
      i += 1;
    } else {
      throw new OptionError(unknownGlobal(word));
    }
  }
  const name = words[i];
  return { name, argv: [...leading, ...words.slice(i + 1)], flags, leading };
}

/** "unknown option --bogus for batch-job-log (see batch-job-log --help)", perhaps with a guess. */
function unknownGlobal(word: string): string {
  const known = [...GLOBAL_WITH_VALUE, ...GLOBAL_FLAGS, ...Object.keys(OUTPUT_FLAGS)];
  const suggestion = word.startsWith("--")
    ? closest(
        word.slice(2),
        known.filter((k) => k.startsWith("--")).map((k) => k.slice(2)),
      )
    : undefined;
  return (
    `unknown option ${word} for ${PROGRAM}` +
    (suggestion ? `; did you mean --${suggestion}?` : "") +
    ` (see ${PROGRAM} --help)`
  );
}

/**
 * Runs one command on `argv` (what follows its name): parses it against the command's spec
 * (an OptionError for bad usage, thrown), answers --help, and calls the command's run function
 * with its input and the output layer. Resolves to the exit status.
 */
export async function runCommand(
  command: CommandModule,
  argv: readonly string[],
  io: CliIO,
  deps: CommandDeps = {},
  flags: OutputFlags = {},
): Promise<number> {
  const parsed = parseCommand(command.spec, argv);
  if (parsed.help) {
    const out = new Output(io, flags);
    out.print(helpText(command.spec, helpWidth(out.width)));
    return 0;
  }
  const out = new Output(io, { ...flags, json: parsed.common.json });
  return command.run({ ...parsed, out }, out.io, deps);
}
