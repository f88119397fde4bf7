/**
 * Runs the Pulumi CLI for one line of output (`pulumi stack output tableName` for the lookups,
 * `pulumi stack --show-name` for replay). Never throws: the CLI may be missing, or fail (no stack
 * selected, not logged in), and each caller decides what to do then. Loads nothing but
 * child_process (and cli/io, which imports nothing).
 */
import { execFile } from "child_process";
import { firstLine } from "../io";

/** What a run of the CLI gave: the trimmed stdout, or why there is none. */
export interface PulumiResult {
  readonly value?: string;
  readonly problem?: string;
}

export type PulumiRunner = (
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
) => Promise<PulumiResult>;

/** The real one: `pulumi <args>`, looked up on the PATH of `env`, in the folder `cwd`. */
export const runPulumi: PulumiRunner = (args, cwd, env) =>
  new Promise((resolve) => {
    const command = `\`pulumi ${args.join(" ")}\``;
    execFile(
      "pulumi",
      [...args],
      { cwd, env: env as NodeJS.ProcessEnv, timeout: 60_000, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "ENOENT") return resolve({ problem: "the pulumi CLI is not on the PATH" });
          const detail = firstLine(String(stderr).trim()) || firstLine(error.message);
          return resolve({ problem: `${command} failed: ${detail}` });
        }
        const value = String(stdout).trim();
        resolve(value === "" ? { problem: `${command} printed nothing` } : { value });
      },
    );
  });
