/**
 * `pulumi up` compiles index.ts with its own ts-node and compiler defaults (module and
 * moduleResolution "nodenext") merged under tsconfig.json. A tsconfig that compiles under jest
 * but not there would only fail on deploy; this loads the program exactly that way.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { TYPES } from "./helpers/program";

it("compiles and runs under Pulumi's own TypeScript set-up", () => {
  const output = execFileSync(
    process.execPath,
    [path.join(__dirname, "helpers", "run-like-pulumi.js")],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // The default stack is standalone: every type but a hub's bus and its policy, once each.
  const standalone = Object.values(TYPES).filter(
    (type) => type !== TYPES.eventBus && type !== TYPES.eventBusPolicy,
  );
  expect(JSON.parse(output.trim().split("\n").pop()!)).toEqual(standalone.sort());
});
