/**
 * An invalid stack config value is a replay usage error, on one line even when the value holds a
 * line break. A file of its own: replay evaluates the program once per process, and here the
 * evaluation fails on purpose.
 */
import * as path from "path";
import type { CliIO } from "../cli/io";
import { main } from "../cli/main";

const ROOT = path.join(__dirname, "..");
const EVENTS = path.join("__tests__", "fixtures", "events", "ec2-single.json");

test("an invalid --config value: exit 2, one line naming the key and the value", async () => {
  let out = "";
  let err = "";
  const io: CliIO = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t), isTTY: false },
    env: { PATH: path.join(ROOT, "no-such-folder") },
    cwd: ROOT,
  };
  const status = await main(["replay", EVENTS, "--config", "kmsKeyArn=alias/a\nb"], io);
  expect([status, out, err]).toEqual([
    2,
    "",
    'batch-job-log replay: Invalid configuration "batch-job-log:kmsKeyArn": "alias/a\\nb" is not a KMS key ARN.\n',
  ]);
});
