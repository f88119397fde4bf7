/** What the figures were measured on: the machine, Node.js, the commit, the load. */
import { execFileSync } from "child_process";
import * as os from "os";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly node: string;
  readonly platform: string;
  readonly commit: string;
  readonly loadAverage: string;
}

export function machine(root: string): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGB: os.totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: gitCommit(root),
    loadAverage: os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(", "),
  };
}

/**
 * The commit measured, with "+ local changes" when the work tree differs from it (but for
 * docs/benchmarks.md, which the benchmark itself writes, section by section).
 */
function gitCommit(root: string): string {
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    const dirty =
      git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/benchmarks.md") !==
      "";
    return `${git("rev-parse", "--short", "HEAD")}${dirty ? " + local changes" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}
