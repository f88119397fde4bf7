/**
 * The embedded DynamoDB's store (twin/dynamo-local.ts): a read of the table page by page, as the
 * replay's report and `--json` read it back, and a Query, as the lookups read, leave no store
 * iterator open behind them. dynalite 4 never closed them (every page's stayed attached to the
 * store, pinning LevelDB's files or memory-level's tree): counted here on the store's own
 * resources (abstract-level's attach and detach), on disk and in memory.
 */
import { BatchWriteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { tableKeysAndIndexes } from "../record";
import { startLocalTable } from "../twin/dynamo-local";
import { useDummyCredentials } from "./helpers/aws-env";

const TABLE = "batch-job-log-store";
/** Three pages of the report's Scan (500 items a page). */
const ITEMS = 1_201;

type Resource = { close(): unknown };
type Store = {
  prototype: { attachResource(r: Resource): void; detachResource(r: Resource): void };
};

/** abstract-level as dynalite's stores load it (classic-level's copy). */
function storeClass(): Store {
  const from = (name: string, dir: string) => require.resolve(name, { paths: [dir] });
  const level = path.dirname(from("level", path.dirname(require.resolve("dynalite"))));
  const classic = path.dirname(from("classic-level", level));
  return (require(from("abstract-level", classic)) as { AbstractLevel: Store }).AbstractLevel;
}

/** The store resources (iterators) opened and those still open, from now on. */
function countResources() {
  const proto = storeClass().prototype;
  const { attachResource, detachResource } = proto;
  const open = new Set<Resource>();
  let opened = 0;
  proto.attachResource = function (resource) {
    opened++;
    open.add(resource);
    return attachResource.call(this, resource);
  };
  proto.detachResource = function (resource) {
    open.delete(resource);
    return detachResource.call(this, resource);
  };
  return {
    opened: () => opened,
    open: () => open.size,
    restore() {
      Object.assign(proto, { attachResource, detachResource });
    },
  };
}

/** Until no resource is open (closing one is asynchronous), for at most a second. */
async function settled(count: { open(): number }): Promise<number> {
  for (let waited = 0; count.open() > 0 && waited < 1_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return count.open();
}

useDummyCredentials();

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe.each([
  ["on disk (--db)", true],
  ["in memory", false],
])("the embedded table %s", (_name, onDisk) => {
  it("closes the store iterator of every page it reads, of a Scan and of a Query", async () => {
    // Prepare: a table of three Scan pages, some on the index of a job name.
    const dir = onDisk ? fs.mkdtempSync(path.join(os.tmpdir(), "store-")) : undefined;
    if (dir) dirs.push(dir);
    const table = await startLocalTable({
      tableInputs: tableKeysAndIndexes(),
      tableName: TABLE,
      ...(dir ? { path: dir } : {}),
    });
    const count = countResources();
    try {
      for (let start = 0; start < ITEMS; start += 25) {
        const batch = Array.from({ length: Math.min(25, ITEMS - start) }, (_, i) => ({
          PutRequest: { Item: { jobId: `job-${String(start + i).padStart(5, "0")}` } },
        }));
        await table.documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: batch } }));
      }
      const before = count.opened();

      // Act: read it all back page by page.
      const pages: number[] = [];
      for await (const page of table.pages()) pages.push(page.length);

      // Assess: three pages, each opening an iterator, none left open.
      expect(pages).toEqual([500, 500, 201]);
      expect(count.opened() - before).toBeGreaterThanOrEqual(3);
      expect(await settled(count)).toBe(0);

      // Act: a Query (the lookups' read), one page.
      const opened = count.opened();
      const { Items } = await table.documents.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: "jobId = :id",
          ExpressionAttributeValues: { ":id": "job-00042" },
        }),
      );

      // Assess: the job found, its iterator closed.
      expect(Items).toEqual([{ jobId: "job-00042" }]);
      expect(count.opened() - opened).toBeGreaterThanOrEqual(1);
      expect(await settled(count)).toBe(0);
    } finally {
      count.restore();
      await table.close();
    }
  }, 30_000);
});
