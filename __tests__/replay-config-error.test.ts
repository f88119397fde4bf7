/**
 * An invalid stack config value is a replay usage error, on one line even when the value holds a
 * line break. A file of its own: replay evaluates the program once per process, and here the
 * evaluation fails on purpose.
 */
import * as path from "path";
import { runCli } from "./helpers/cli-io";

const ROOT = path.join(__dirname, "..");
const EVENTS = path.join("__tests__", "fixtures", "events", "ec2-single.json");

test("an invalid --config value: exit 2, one line naming the key and the value", async () => {
  const { code, out, err } = await runCli(["replay", EVENTS, "--config", "kmsKeyArn=alias/a\nb"], {
    env: { PATH: path.join(ROOT, "no-such-folder") },
    cwd: ROOT,
  });
  expect([code, out, err]).toEqual([
    2,
    "",
    'batch-job-log replay: Invalid configuration "batch-job-log:kmsKeyArn": "alias/a\\nb" is not a KMS key ARN.\n',
  ]);
});
