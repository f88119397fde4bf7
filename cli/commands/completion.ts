/**
 * `batch-job-log completion bash|zsh|fish`: prints a shell completion script generated from the
 * command specs (cli/commands/index.ts lists them): the commands, each command's options with
 * their aliases and
 * short flags, the allowed values of an option (`find --status`) or a positional
 * (`completion SHELL`), the profiles of the shared AWS config and credentials files for
 * `--profile` (read when completing, by sed: $AWS_CONFIG_FILE, $AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/config and ~/.aws/credentials), folders for `--db DIR` and file names for `replay PATH`.
 * Values nothing can list (job ids, durations, URLs) complete to nothing rather than to file
 * names.
 */
import { EXIT_OK, type CliIO } from "../io";
import {
  allOptions,
  defineCommand,
  PROGRAM,
  type Input,
  valueNameOf,
  type CommandSpec,
  type OptionSpec,
} from "../options";

export const spec = defineCommand({
  name: "completion",
  summary: "print a shell completion script (bash, zsh, fish)",
  description: [
    "Prints a script that completes batch-job-log's commands, options and their allowed values " +
      "(statuses, modes, the profiles of the shared AWS config and credentials files, folders " +
      "for --db) in bash, zsh or fish, for the command `batch-job-log` on the PATH (e.g. after " +
      "`npm link`).",
  ],
  positionals: [{ name: "SHELL", description: "the shell", choices: ["bash", "zsh", "fish"] }],
  options: [],
  examples: [
    {
      description: "Complete in every new bash",
      command: "echo 'source <(batch-job-log completion bash)' >> ~/.bashrc",
    },
    {
      description: "Complete in zsh: a file in a folder of $fpath, read by compinit",
      command: 'batch-job-log completion zsh > "${fpath[1]}/_batch-job-log"',
    },
    {
      description: "Complete in fish",
      command: "batch-job-log completion fish > ~/.config/fish/completions/batch-job-log.fish",
    },
  ],
});

export async function run(
  input: Input<typeof spec>,
  _io: CliIO,
  deps: { readonly commands?: () => readonly CommandSpec[] } = {},
): Promise<number> {
  const specs = deps.commands?.() ?? [spec];
  const scripts = { bash: bashScript, zsh: zshScript, fish: fishScript };
  input.out.print(scripts[input.args.SHELL as keyof typeof scripts](specs));
  return EXIT_OK;
}

/**
 * sed programs printing the profile names of the shared config file (`[profile NAME]`,
 * `[default]`) and of the credentials file (`[NAME]`). No single quote: the scripts of the three
 * shells quote them alike.
 */
const CONFIG_PROFILES =
  "s/^[[:space:]]*\\[profile[[:space:]][[:space:]]*\\([^][:space:]]*\\)[[:space:]]*\\].*/\\1/p;" +
  "s/^[[:space:]]*\\[\\(default\\)[[:space:]]*\\].*/\\1/p";
const CREDENTIALS_PROFILES =
  "s/^[[:space:]]*\\[[[:space:]]*\\([^][:space:]]*\\)[[:space:]]*\\].*/\\1/p";

/** The function that prints the profiles, one a line, in bash and zsh. */
function profilesFunction(name: string): string[] {
  return [
    `${name}() {`,
    `  { sed -n '${CONFIG_PROFILES}' "\${AWS_CONFIG_FILE:-$HOME/.aws/config}"`,
    `    sed -n '${CREDENTIALS_PROFILES}' "\${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"`,
    "  } 2>/dev/null | sort -u",
    "}",
  ];
}

/** True for an option whose values are the AWS profiles. */
const isProfile = (o: { name?: string }) => o.name === "profile";

const TOP_OPTIONS = ["-h", "--help", "-v", "--version"];

/** A word the scripts can hold unquoted: fails loudly on a spec that would need quoting. */
function word(text: string): string {
  if (!/^[A-Za-z0-9_.:=+@%/-]+$/.test(text)) throw new Error(`cannot complete "${text}"`);
  return text;
}

const flagsOf = (o: OptionSpec) => [
  ...(o.short ? [`-${o.short}`] : []),
  ...[o.name, ...(o.aliases ?? [])].map((n) => `--${n}`),
];

/** The bash command that fills COMPREPLY with the values of an option (none: empty). */
function bashValues(o: { name?: string; type?: string; choices?: readonly string[] }): string {
  if (isProfile(o)) return 'COMPREPLY=($(compgen -W "$(_batch_job_log_profiles)" -- "$cur"))';
  if (o.choices) return `COMPREPLY=($(compgen -W "${o.choices.map(word).join(" ")}" -- "$cur"))`;
  if (o.type === "dir")
    return `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur"))`;
  if (o.type === "path")
    return `compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))`;
  return "COMPREPLY=()";
}

/** The bash script: `complete -F _batch_job_log batch-job-log`. */
export function bashScript(specs: readonly CommandSpec[]): string {
  const names = specs.map((s) => word(s.name));
  const cases = specs.flatMap((spec) => {
    const options = allOptions(spec);
    const withValue = options.filter((o) => o.type !== "boolean");
    const positional = spec.positionals[0];
    const positionalValues =
      positional && (positional.choices || positional.type === "path")
        ? bashValues(positional)
        : undefined;
    return [
      `    ${spec.name})`,
      ...(withValue.length > 0
        ? [
            '      case "$prev" in',
            ...withValue.map(
              (o) => `        ${flagsOf(o).map(word).join("|")}) ${bashValues(o)}; return 0 ;;`,
            ),
            "      esac",
          ]
        : []),
      positionalValues
        ? `      if [[ "$cur" != -* ]]; then ${positionalValues}; return 0; fi`
        : undefined,
      `      COMPREPLY=($(compgen -W "${options.flatMap(flagsOf).map(word).join(" ")}" -- "$cur"))`,
      "      ;;",
    ].filter((line) => line !== undefined);
  });
  return [
    `# bash completion for ${PROGRAM}, generated by \`${PROGRAM} completion bash\`.`,
    `# Install: add \`source <(${PROGRAM} completion bash)\` to ~/.bashrc.`,
    ...profilesFunction("_batch_job_log_profiles"),
    "_batch_job_log() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev=""',
    '  (( COMP_CWORD > 1 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  # bash splits --name=value at "=" (COMP_WORDBREAKS): complete the value of --name.',
    '  if [[ "$cur" == "=" ]]; then',
    '    cur=""',
    '  elif [[ "$prev" == "=" ]]; then',
    '    prev="${COMP_WORDS[COMP_CWORD-2]}"',
    "  fi",
    "  if (( COMP_CWORD == 1 )); then",
    `    COMPREPLY=($(compgen -W "${[...names, "help", ...TOP_OPTIONS].join(" ")}" -- "$cur"))`,
    "    return 0",
    "  fi",
    '  case "${COMP_WORDS[1]}" in',
    "    help)",
    `      (( COMP_CWORD == 2 )) && COMPREPLY=($(compgen -W "${names.join(" ")}" -- "$cur"))`,
    "      ;;",
    ...cases,
    "  esac",
    "  return 0",
    "}",
    `complete -F _batch_job_log ${PROGRAM}`,
    "",
  ].join("\n");
}

/** Text inside a single-quoted zsh word, and inside an _arguments `[description]`. */
function zshQuote(text: string): string {
  return text.replace(/[\\[\]:]/g, "\\$&").replace(/'/g, "'\\''");
}

/** The description up to its first parenthesis or semicolon: enough for a completion menu. */
function short(description: string): string {
  return description.split(/ \(|;/)[0].trim();
}

/** The _arguments action completing a value (a space: nothing to offer). */
function zshAction(o: { name?: string; type?: string; choices?: readonly string[] }): string {
  if (isProfile(o)) return "{compadd -- $(_batch-job-log-profiles)}";
  if (o.choices) return `(${o.choices.map(word).join(" ")})`;
  if (o.type === "dir") return "_files -/";
  if (o.type === "path") return "_files";
  return " ";
}

/** One _arguments spec per option (brace expansion for the names of one option). */
function zshOption(o: OptionSpec): string {
  const flags = flagsOf(o).map(word);
  // `--name=`: the value as `--name=VALUE` or as the next word.
  const names = o.type === "boolean" ? flags : flags.map((f) => (f.startsWith("--") ? `${f}=` : f));
  const value =
    o.type === "boolean" ? "" : `:${zshQuote(valueNameOf(o) ?? "")}:${zshQuote(zshAction(o))}`;
  const rest = `[${zshQuote(short(o.description))}]${value}`;
  if (names.length === 1) return `'${o.repeatable ? "*" : ""}${names[0]}${rest}'`;
  // Several names: repeatable, or else exclusive of one another; brace expansion writes one each.
  const prefix = o.repeatable ? "*" : `(${flags.join(" ")})`;
  return `'${prefix}'{${names.join(",")}}'${rest}'`;
}

/** The zsh script: `#compdef` for a file on $fpath, or `compdef` when sourced. */
export function zshScript(specs: readonly CommandSpec[]): string {
  const commandList = [
    ...specs.map((s) => `    '${word(s.name)}:${zshQuote(s.summary)}'`),
    `    'help:${zshQuote("the help of a command")}'`,
  ];
  const cases = specs.flatMap((spec) => {
    const args = [
      ...allOptions(spec).map(zshOption),
      // `:NAME:action`, `::NAME:action` when optional, `*:NAME:action` for the rest.
      ...spec.positionals.map((p) => {
        const prefix = p.repeatable ? "*:" : p.optional ? "::" : ":";
        return `'${prefix}${zshQuote(p.name)}:${zshQuote(zshAction(p))}'`;
      }),
    ];
    return [
      `        ${spec.name})`,
      "          _arguments -s -S \\",
      ...args.map((a, i) => `            ${a}${i < args.length - 1 ? " \\" : ""}`),
      "          ;;",
    ];
  });
  return [
    `#compdef ${PROGRAM}`,
    `# zsh completion for ${PROGRAM}, generated by \`${PROGRAM} completion zsh\`.`,
    `# Install: \`${PROGRAM} completion zsh > "\${fpath[1]}/_${PROGRAM}"\`, then start a new zsh;`,
    `# or add \`source <(${PROGRAM} completion zsh)\` to ~/.zshrc, after compinit.`,
    ...profilesFunction(`_${PROGRAM}-profiles`),
    `_${PROGRAM}() {`,
    "  local curcontext=$curcontext state line",
    "  local -a commands",
    "  commands=(",
    ...commandList,
    "  )",
    "  _arguments -C \\",
    `    '(- *)'{-h,--help}'[show this help]' \\`,
    `    '(- *)'{-v,--version}'[print the version]' \\`,
    "    '1:command:->command' \\",
    "    '*::argument:->argument'",
    "  case $state in",
    "    command)",
    `      _describe -t commands '${PROGRAM} command' commands`,
    "      ;;",
    "    argument)",
    "      case $words[1] in",
    "        help)",
    `          _arguments '1:command:(${specs.map((s) => word(s.name)).join(" ")})'`,
    "          ;;",
    ...cases,
    "      esac",
    "      ;;",
    "  esac",
    "}",
    `if [[ $funcstack[1] == _${PROGRAM} ]]; then`,
    "  # Autoloaded from $fpath: this file is the function's body; complete now.",
    `  _${PROGRAM} "$@"`,
    "else",
    `  compdef _${PROGRAM} ${PROGRAM}`,
    "fi",
    "",
  ].join("\n");
}

/** Text inside a single-quoted fish word. */
function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, "\\$&")}'`;
}

/** The fish `complete` arguments offering an option's or a positional's values. */
function fishValues(o: { name?: string; type?: string; choices?: readonly string[] }): string {
  if (isProfile(o)) return "-x -a '(__batch_job_log_profiles)'";
  if (o.choices) return `-x -a ${fishQuote(o.choices.map(word).join(" "))}`;
  if (o.type === "dir") return "-x -a '(__fish_complete_directories)'";
  if (o.type === "path") return "-r -F";
  return "-x";
}

/**
 * The fish script, for ~/.config/fish/completions/batch-job-log.fish: one `complete` line per
 * command, option and positional, each under the condition that its command was typed.
 */
export function fishScript(specs: readonly CommandSpec[]): string {
  const c = `complete -c ${PROGRAM}`;
  const names = specs.map((s) => word(s.name));
  const lines = [
    `# fish completion for ${PROGRAM}, generated by \`${PROGRAM} completion fish\`.`,
    `# Install: \`${PROGRAM} completion fish > ~/.config/fish/completions/${PROGRAM}.fish\`.`,
    "function __batch_job_log_profiles",
    "    set -l config ~/.aws/config",
    "    set -q AWS_CONFIG_FILE; and set config $AWS_CONFIG_FILE",
    "    set -l credentials ~/.aws/credentials",
    "    set -q AWS_SHARED_CREDENTIALS_FILE; and set credentials $AWS_SHARED_CREDENTIALS_FILE",
    "    begin",
    `        sed -n '${CONFIG_PROFILES}' $config`,
    `        sed -n '${CREDENTIALS_PROFILES}' $credentials`,
    "    end 2>/dev/null | sort -u",
    "end",
    // No file names unless an option or a positional asks for them.
    `${c} -f`,
    ...specs.map(
      (s) => `${c} -n __fish_use_subcommand -a ${word(s.name)} -d ${fishQuote(s.summary)}`,
    ),
    `${c} -n __fish_use_subcommand -a help -d ${fishQuote("the help of a command")}`,
    `${c} -n __fish_use_subcommand -s h -l help -d ${fishQuote("show this help")}`,
    `${c} -n __fish_use_subcommand -s v -l version -d ${fishQuote("print the version")}`,
    `${c} -n '__fish_seen_subcommand_from help' -x -a ${fishQuote(names.join(" "))}`,
  ];
  for (const spec of specs) {
    const when = `-n '__fish_seen_subcommand_from ${word(spec.name)}'`;
    for (const o of allOptions(spec)) {
      const flags = [
        ...(o.short ? [`-s ${word(o.short)}`] : []),
        ...[o.name, ...(o.aliases ?? [])].map((n) => `-l ${word(n)}`),
      ].join(" ");
      const values = o.type === "boolean" ? "" : ` ${fishValues(o)}`;
      lines.push(`${c} ${when} ${flags}${values} -d ${fishQuote(short(o.description))}`);
    }
    const positional = spec.positionals[0];
    if (positional && (positional.choices || positional.type === "path")) {
      lines.push(`${c} ${when} ${fishValues(positional)}`);
    }
  }
  return lines.join("\n") + "\n";
}
