/**
 * The pull-request workflow: valid YAML, a test job that runs exactly what CI runs (.ci/run), and
 * the preview only after it.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.join(__dirname, "..");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { needs?: string; steps: Step[] }>;
}

const workflow = yaml.load(
  fs.readFileSync(path.join(ROOT, ".github", "workflows", "preview.yml"), "utf8"),
) as Workflow;

test("runs on pull requests: the test job, then the preview", () => {
  expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  expect(Object.keys(workflow.jobs)).toEqual(["test", "preview"]);
  expect(workflow.jobs.preview.needs).toBe("test");
});

test("the test job checks out, sets up Node 22 and runs .ci/run, nothing else", () => {
  // Which release of each action is the workflow's business (and Dependabot's), not a test's.
  const steps = workflow.jobs.test.steps;
  expect(steps.map((s) => s.uses?.split("@")[0] ?? s.run)).toEqual([
    "actions/checkout",
    "actions/setup-node",
    "bash .ci/run",
  ]);
  expect(steps[1].with?.["node-version"]).toBe("22");
  // .ci/run installs both folders from their lockfiles before it type-checks, lints and tests.
  const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
  const order = [
    "npm ci --no-audit",
    "npm ci --prefix policy-pack",
    "npm run typecheck",
    "npm run lint",
    "npm test",
  ].map((command) => ci.indexOf(command));
  expect(order.every((at) => at >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
});
