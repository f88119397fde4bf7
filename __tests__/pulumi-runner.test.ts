/**
 * `pulumi up` compiles index.ts with its own ts-node and compiler defaults (module and
 * moduleResolution "nodenext") merged under tsconfig.json. A tsconfig that compiles under jest
 * but not there would only fail on deploy; this loads the program exactly that way, in a process
 * of its own (ts-node's require hook is process-wide).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TYPES } from "./helpers/program";

const RUNNER = path.join(__dirname, "helpers", "run-like-pulumi.js");

function runLikePulumi(env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [RUNNER], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
}

it("compiles and runs under Pulumi's own TypeScript set-up", () => {
  const run = runLikePulumi();
  expect(run.stderr).toBe("");
  // The default stack is standalone, without the archive (off unless configured): every type but
  // a hub's bus and its policy and the archive's, once each.
  const { eventBus, eventBusPolicy, archive, bucket, bucketEncryption, bucketPublicAccess } = TYPES;
  const { bucketOwnership, bucketPolicy, bucketLifecycle, bucketObject, bucketNotification } =
    TYPES;
  const { deliveryStream, logStream, subscriptionFilter } = TYPES;
  const absent: readonly string[] = [
    eventBus,
    eventBusPolicy,
    archive,
    bucket,
    bucketEncryption,
    bucketPublicAccess,
    bucketOwnership,
    bucketPolicy,
    bucketLifecycle,
    bucketObject,
    bucketNotification,
    deliveryStream,
    logStream,
    subscriptionFilter,
  ];
  const standalone = Object.values(TYPES).filter((type) => !absent.includes(type));
  expect(JSON.parse(run.stdout.trim().split("\n").pop()!)).toEqual(standalone.sort());
});

it("stops, as pulumi up would, on compiler options that Pulumi's defaults make invalid", () => {
  // Prepare: module commonjs under Pulumi's moduleResolution nodenext (what TS5110 refuses).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsconfig-"));
  const tsconfig = path.join(dir, "tsconfig.json");
  fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { module: "commonjs" } }));
  try {
    // Act
    const run = runLikePulumi({ RUN_LIKE_PULUMI_TSCONFIG: tsconfig });
    // Assess
    expect([run.status, run.stdout, run.stderr]).toEqual([
      1,
      "",
      "TS5110: Option 'module' must be set to 'NodeNext' when option 'moduleResolution' is set to 'NodeNext'.\n",
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
