/**
 * Loads the Lambda exactly as it would be deployed: the `__index.js` that CallbackFunction
 * serialized, written to a temporary folder outside the project whose only resolvable packages are
 * those the Lambda Node.js runtime provides (the AWS SDK v3, `@aws-sdk/*`). A closure that captured
 * something the runtime cannot give it fails here, not in a deploy.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export type LambdaHandler = (event: unknown, context?: unknown) => Promise<unknown>;

export interface LoadedLambda {
  readonly handler: LambdaHandler;
  /** The folder holding `__index.js` and its runtime-only `node_modules`. */
  readonly dir: string;
  dispose(): void;
}

/** The packages the nodejs22.x runtime puts on the module path. */
export const RUNTIME_PROVIDED_SCOPES = ["@aws-sdk"];

/**
 * Writes `code` as `__index.js` beside a `node_modules` holding only the runtime's packages, and
 * requires it (which runs the factory: set the function's environment variables first).
 */
export function loadSerializedLambda(code: string, projectRoot = findProjectRoot()): LoadedLambda {
  const { dir, file } = writeLambdaFolder(code, projectRoot);
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  let loaded: { handler?: LambdaHandler };
  try {
    loaded = require(file);
  } catch (error) {
    remove();
    throw error;
  }
  if (typeof loaded.handler !== "function") {
    remove();
    throw new Error(`${file} exports no handler function.`);
  }
  return {
    handler: loaded.handler,
    dir,
    dispose: () => {
      delete require.cache[file];
      remove();
    },
  };
}

/**
 * A new temporary folder outside the project holding `code` as `fileName` and a `node_modules`
 * whose only packages are the runtime's (RUNTIME_PROVIDED_SCOPES, linked from `projectRoot`).
 * The caller removes `dir`.
 */
export function writeLambdaFolder(
  code: string,
  projectRoot = findProjectRoot(),
  fileName = "__index.js",
): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batch-job-log-lambda-"));
  const modules = path.join(dir, "node_modules");
  fs.mkdirSync(modules);
  for (const scope of RUNTIME_PROVIDED_SCOPES) {
    fs.symlinkSync(path.join(projectRoot, "node_modules", scope), path.join(modules, scope), "dir");
  }
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, code);
  return { dir, file };
}

/**
 * Runs `fn` with process.stdout.write discarding what it is given: the handler's log lines, which
 * Lambda would collect and a caller that reports from the handler's results does not print.
 * process.stderr is untouched.
 */
export async function withStdoutSwallowed<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = ((...args: unknown[]) => {
    const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

/** The nearest folder above this file with a package.json (the repo, from source or dist/). */
export function findProjectRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}.`);
  }
}
