/**
 * The command line's hardening from the security review (issue 21): a record's account is 12
 * digits before it goes into --role-arn; a search text that leaves no filter is refused; a
 * replayed folder's symbolic links are followed, a loop or a dangling event file named; a --db
 * folder is read from a copy, never written, so a read-only one can be read.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openDbTable } from "../cli/local-db";
import { roleFor } from "../cli/lookup/log-access";
import { searchPattern } from "../cli/lookup/search-pattern";
import { openEvents } from "../twin/events-input";
import { localClientConfig, startLocalDynamo } from "../twin/dynamo-local";
import { runCli } from "./helpers/cli-io";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hardening-"));
});
afterAll(() => {
  // The read-only copy must be writable again to be removed.
  fs.chmodSync(dir, 0o755);
  for (const sub of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, sub);
    if (!fs.lstatSync(full).isSymbolicLink()) fs.chmodSync(full, 0o755);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("--role-arn's {account}", () => {
  test("a 12-digit account is put in", () => {
    expect(roleFor("arn:aws:iam::{account}:role/Reader", "111122223333")).toBe(
      "arn:aws:iam::111122223333:role/Reader",
    );
  });

  test.each(["11112222333", "1111222233334", "111122223333:role/Admin#", "", "abcdefghijkl"])(
    "a crafted account %j is refused, naming it",
    (account) => {
      expect(() => roleFor("arn:aws:iam::{account}:role/Reader", account)).toThrow(
        `the job's account ${JSON.stringify(account)} is not 12 digits: it is not put into --role-arn`,
      );
    },
  );
});

describe("search TEXT that leaves no filter", () => {
  test.each(['"', '""', "\\", ' \\" ', "   "])("%j is refused, with or without -i", (text) => {
    const message =
      `TEXT for search must hold more than quotes, backslashes and spaces, got ${JSON.stringify(text)}: ` +
      "it would leave no filter and read every event of the groups";
    expect(() => searchPattern(text)).toThrow(message);
    expect(() => searchPattern(text, { ignoreCase: true })).toThrow(message);
  });

  test("the command refuses it as a usage error, before opening any table", async () => {
    const ran = await runCli(["search", '" "', "--db", "no-such-folder"], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(ran.out).toBe("");
    expect(ran.err).toContain(
      `TEXT for search must hold more than quotes, backslashes and spaces, got "\\" \\"": ` +
        "it would leave no filter and read every event of the groups",
    );
  });

  test("a text with something else is kept", () => {
    expect(searchPattern(' "a" ').filterPattern).toBe('"a"');
  });
});

describe("replay of a folder with symbolic links", () => {
  const event = JSON.stringify({ id: "e" });
  let events: string;
  beforeAll(() => {
    events = path.join(dir, "events");
    fs.mkdirSync(path.join(events, "sub"), { recursive: true });
    fs.mkdirSync(path.join(dir, "elsewhere"));
    fs.writeFileSync(path.join(events, "a.jsonl"), event + "\n");
    fs.writeFileSync(path.join(dir, "elsewhere", "b.jsonl"), event + "\n");
    fs.writeFileSync(path.join(dir, "elsewhere", "c.json"), event);
    fs.symlinkSync(path.join(dir, "elsewhere", "b.jsonl"), path.join(events, "b.jsonl"));
    fs.symlinkSync(path.join(dir, "elsewhere"), path.join(events, "linked"));
  });

  test("a link to a file and a link to a folder are followed", async () => {
    const input = openEvents([events], dir);
    const sources: string[] = [];
    for await (const item of input.items()) sources.push((item as { source: string }).source);
    expect(sources).toEqual([
      "events/a.jsonl:1",
      "events/b.jsonl:1",
      "events/linked/b.jsonl:1",
      "events/linked/c.json",
    ]);
  });

  test("a loop is an error naming the link", () => {
    const loop = path.join(events, "sub", "back");
    fs.symlinkSync(events, loop);
    try {
      expect(() => openEvents([events], dir)).toThrow(
        `${loop}: a symbolic link loop (back to ${fs.realpathSync(events)}).`,
      );
    } finally {
      fs.unlinkSync(loop);
    }
  });

  test("a link to nothing named like an event file is named; one named otherwise is skipped", () => {
    const dangling = path.join(events, "gone.jsonl");
    fs.symlinkSync(path.join(dir, "nowhere.jsonl"), dangling);
    fs.symlinkSync(path.join(dir, "nowhere.txt"), path.join(events, "gone.txt"));
    try {
      expect(() => openEvents([events], dir)).toThrow(
        `${dangling}: a symbolic link to nothing that can be read (ENOENT).`,
      );
      fs.unlinkSync(dangling);
      expect(() => openEvents([events], dir)).not.toThrow();
    } finally {
      fs.rmSync(dangling, { force: true });
      fs.unlinkSync(path.join(events, "gone.txt"));
    }
  });
});

describe("a --db folder that may only be read", () => {
  /** Every file of the folder: its size, content and modification time. */
  function snapshot(folder: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of fs.readdirSync(folder).sort()) {
      const stat = fs.statSync(path.join(folder, name));
      out[name] =
        `${stat.size} ${stat.mtimeMs} ${fs.readFileSync(path.join(folder, name)).toString("base64")}`;
    }
    return out;
  }

  test("a lookup reads it and writes nothing in it (read-only for a user that is not root)", async () => {
    const db = path.join(dir, "db");
    const dynamo = await startLocalDynamo({ path: db });
    const raw = new DynamoDBClient(localClientConfig(dynamo.endpoint));
    await raw.send(
      new CreateTableCommand({
        TableName: "jobs",
        AttributeDefinitions: [{ AttributeName: "jobId", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "jobId", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    // dynalite makes a table ACTIVE after a timer, which a loaded machine may run late.
    await waitUntilTableExists(
      { client: raw, maxWaitTime: 30, minDelay: 1 },
      { TableName: "jobs" },
    );
    await raw.send(
      new PutItemCommand({
        TableName: "jobs",
        Item: { jobId: { S: "j1" }, status: { S: "FAILED" } },
      }),
    );
    raw.destroy();
    await dynamo.close();

    const before = snapshot(db);
    // As root, permissions do not stop a write: the unchanged files are the proof then.
    const asRoot = process.getuid?.() === 0;
    fs.chmodSync(db, 0o555);
    for (const name of fs.readdirSync(db)) fs.chmodSync(path.join(db, name), 0o444);
    if (!asRoot) expect(() => fs.writeFileSync(path.join(db, "probe"), "")).toThrow();

    const table = await openDbTable(db, { cwd: dir, env: {}, table: "jobs" });
    try {
      const { Item } = (await table.client.send(
        new GetCommand({ TableName: "jobs", Key: { jobId: "j1" } }),
      )) as { Item?: Record<string, unknown> };
      expect(Item).toEqual({ jobId: "j1", status: "FAILED" });
    } finally {
      await table.close();
    }
    expect(snapshot(db)).toEqual(before);
  });
});
