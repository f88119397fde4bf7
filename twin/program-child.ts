/**
 * The program evaluated in a child process, for a long replay: Pulumi's modules (about 30 MB of
 * heap, 80 MB resident) then live in a process that ends as soon as it has sent the model back,
 * instead of staying in the replay's for its whole run. `evaluateInChild` forks this module; run
 * as that child, it evaluates the program (twin/program.ts) in the project folder and sends the
 * model, or the error's name and message, over the IPC channel, then exits; it also exits when
 * its parent goes (its channel closes).
 *
 * From the sources (a .ts module, as under jest), the child compiles them as it requires them
 * (scripts/ts-register.cjs).
 */
import { fork } from "child_process";
import * as path from "path";
import { findProjectRoot } from "./lambda";
import type { ProgramModel } from "./program-model";

export interface ChildEvaluation {
  readonly projectRoot: string;
  readonly stack: string;
  readonly config: Readonly<Record<string, string>>;
}

/**
 * The evaluating child's heap, not the caller's flags (a capped replay's): the evaluation holds
 * 70 MB at most, and 1 MB semi-spaces take its peak from 170 MB resident to 145, for 0.2 s more.
 */
const EVALUATION_HEAP_FLAGS = ["--max-old-space-size=128", "--max-semi-space-size=1"];

type Reply =
  { readonly model: ProgramModel } | { readonly error: { name: string; message: string } };

/** The program's model for `request`, evaluated by a child process that then ends. */
export function evaluateInChild(request: ChildEvaluation): Promise<ProgramModel> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], {
      cwd: request.projectRoot,
      execArgv: [
        ...EVALUATION_HEAP_FLAGS,
        ...(__filename.endsWith(".ts")
          ? ["--require", path.join(findProjectRoot(__dirname), "scripts", "ts-register.cjs")]
          : []),
      ],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let reply: Reply | undefined;
    child.on("message", (message) => (reply = message as Reply));
    child.once("error", reject);
    // "close", not "exit": after the IPC channel too, so that the reply has been read.
    child.once("close", (code, signal) => {
      if (reply !== undefined && "model" in reply) return resolve(reply.model);
      if (reply !== undefined) {
        return reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      }
      reject(
        new Error(
          `The evaluation of the program (a child process) ended with ${signal ?? `exit status ${code}`} and no result.`,
        ),
      );
    });
    child.send(request);
  });
}

/** As the child: evaluates the program asked for, answers, and ends. */
function answer(request: ChildEvaluation): void {
  const send = (reply: Reply) => process.send?.(reply, () => process.exit(0));
  // Required here only: the parent must never load Pulumi through this module.
  const { evaluateProgram }: typeof import("./program") = require("./program");
  evaluateProgram({ stack: request.stack, config: request.config }).then(
    (model) => send({ model }),
    (error: unknown) =>
      send({
        error: {
          name: error instanceof Error ? error.name : "Error",
          message: error instanceof Error ? error.message : String(error),
        },
      }),
  );
}

if (require.main === module) {
  process.once("message", (request) => answer(request as ChildEvaluation));
  process.once("disconnect", () => process.exit(1));
}
