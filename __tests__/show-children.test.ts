/**
 * `show` of an array parent with 2,000 children (cli/lookup/children.ts): counts by status and
 * exit code, the indexes not recorded, the first failures by index and how to list them all;
 * every child with `all` (--children), and as before for a parent of a few children. Then the
 * command itself on a real table (dynalite) holding the parent and its children, as the record's
 * writer stores them (putItemInput's items), read back through the byParentJobId index.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { putItemInput, type JobRecord } from "../record";
import { useDummyCredentials } from "./helpers/aws-env";
import { runCli } from "./helpers/cli-io";
import { startTestTable, type TestTable } from "./helpers/dynamo";
import {
  CHILDREN_LISTED,
  FIRST_FAILURES,
  childLines,
  countChildren,
  ranges,
} from "../cli/lookup/children";
import type { ChildSummary } from "../cli/lookup/table";

const PARENT = "7d0c5e9e-1111-4222-8333-944445555666";
const STOPPED = Date.UTC(2026, 10, 1, 0, 5, 8);

function parent(arraySize: number): JobRecord {
  return { jobId: PARENT, jobName: "tiles", status: "FAILED", arraySize } as JobRecord;
}

/**
 * `size` children: every 97th FAILED with exit 1 (every 194th of those with 137), index 1999
 * RUNNING with no exit code, indexes 500-502 and 1500 not recorded; the rest SUCCEEDED with 0.
 */
function children(size: number): ChildSummary[] {
  const out: ChildSummary[] = [];
  for (let i = 0; i < size; i++) {
    if ((i >= 500 && i <= 502) || i === 1500) continue;
    const failed = i % 97 === 0;
    const running = i === size - 1;
    out.push({
      jobId: `${PARENT}:${i}`,
      parentJobId: PARENT,
      arrayIndex: i,
      status: running ? "RUNNING" : failed ? "FAILED" : "SUCCEEDED",
      ...(running ? {} : { exitCode: failed ? (i % 194 === 0 ? 137 : 1) : 0, stoppedAt: STOPPED }),
    });
  }
  return out;
}

test("2,000 children: counts, what is missing, the first 10 failures, and how to see them all", () => {
  // Prepare: 1,996 recorded (4 missing); failed: 0, 97, ..., 1940 (21 of them).
  const kids = children(2000);
  expect(kids).toHaveLength(1996);

  // Act
  const lines = childLines(parent(2000), kids, false);

  // Assess: one screen, whatever the array's size.
  expect(lines).toEqual([
    "children: 1,996 recorded of 2,000",
    "  by status:    RUNNING 1, SUCCEEDED 1,974, FAILED 21",
    "  by exit code: 0 1,974, 1 10, 137 11, none 1",
    "  not recorded: 4 (indexes 500-502, 1500)",
    `  first ${FIRST_FAILURES} of 21 failures:`,
    "    INDEX  STATUS  EXIT  STOPPED               JOB ID",
    ...[0, 97, 194, 291, 388, 485, 582, 679, 776, 873].map(
      (i) =>
        `    ${String(i).padEnd(5)}  FAILED  ${String(i % 194 === 0 ? 137 : 1).padEnd(4)}  2026-11-01T00:05:08Z  ${PARENT}:${i}`,
    ),
    `  every one of the 1,996 children: batch-job-log show ${PARENT} --children`,
  ]);
});

test("--children: every one of the 2,000, one row each, by index", () => {
  const kids = children(2000);
  const lines = childLines(parent(2000), kids, true);
  expect(lines).toHaveLength(1 + 1 + 1996);
  expect(lines[1].split(/ +/)).toEqual(["", "INDEX", "STATUS", "EXIT", "STOPPED", "JOB", "ID"]);
  expect(lines[2]).toBe(`  0      FAILED     137   2026-11-01T00:05:08Z  ${PARENT}:0`);
  expect(lines.at(-1)).toBe(`  1999   RUNNING    -     -                     ${PARENT}:1999`);
});

test(`up to ${CHILDREN_LISTED} children: listed as before; more: summed up`, () => {
  const few = children(CHILDREN_LISTED);
  expect(childLines(parent(CHILDREN_LISTED), few, false)).toEqual(
    childLines(parent(CHILDREN_LISTED), few, true),
  );
  expect(childLines(parent(CHILDREN_LISTED), few, false)).toHaveLength(2 + CHILDREN_LISTED);
  const more = children(CHILDREN_LISTED + 1);
  expect(childLines(parent(CHILDREN_LISTED + 1), more, false)[1]).toBe(
    "  by status:    RUNNING 1, SUCCEEDED 19, FAILED 1",
  );
});

test("no failure: no failures block; a node parent says nodes", () => {
  const nodes: ChildSummary[] = Array.from({ length: 30 }, (_, i) => ({
    jobId: `${PARENT}#${i}`,
    parentJobId: PARENT,
    nodeIndex: i,
    status: "SUCCEEDED",
    exitCode: 0,
    stoppedAt: STOPPED,
  }));
  const mnp = { jobId: PARENT, jobName: "mpi", status: "SUCCEEDED", numNodes: 30 } as JobRecord;
  expect(childLines(mnp, nodes, false)).toEqual([
    "children: 30 recorded of 30",
    "  by status:    SUCCEEDED 30",
    "  by exit code: 0 30",
    `  every one of the 30 nodes: batch-job-log show ${PARENT} --children`,
  ]);
});

test("countChildren and ranges", () => {
  expect(countChildren([])).toEqual({ byStatus: [], byExitCode: [] });
  expect(ranges([9, 0, 1, 2, 4, 7, 8])).toEqual(["0-2", "4", "7-9"]);
});

describe("the command, on a table of the parent and its 2,000 children", () => {
  useDummyCredentials();
  let table: TestTable;
  beforeAll(async () => {
    table = await startTestTable("jobs-children");
    const base = { region: "us-east-1", logStreams: [], attempts: [], recordedAt: STOPPED };
    const records: JobRecord[] = [
      { ...parent(2000), ...base, eventId: "p", revision: 1, createdAt: STOPPED } as JobRecord,
      ...children(2000).map(
        (c, i) => ({ ...c, ...base, jobName: "tiles", eventId: `c${i}`, revision: 1 }) as JobRecord,
      ),
    ];
    // The items the writer would put, 25 a BatchWriteItem.
    const items = records.map((r) => putItemInput(table.tableName, r).Item);
    for (let i = 0; i < items.length; i += 25) {
      const out = await table.doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [table.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );
      expect(out.UnprocessedItems ?? {}).toEqual({});
    }
  }, 60_000);
  afterAll(() => table.close());

  const show = (...args: string[]) =>
    runCli(["show", PARENT, "--table", table.tableName, ...args], { env: { ...process.env } });

  test("show PARENT: the summary, the same lines childLines makes", async () => {
    const r = await show();
    expect([r.code, r.err]).toEqual([0, ""]);
    const tail = r.out
      .split("\n")
      .slice(r.out.split("\n").indexOf("children: 1,996 recorded of 2,000"));
    expect(tail.slice(0, -1)).toEqual(childLines(parent(2000), children(2000), false));
  });

  test("show PARENT --children: every one of them", async () => {
    const r = await show("--children");
    expect(r.code).toBe(0);
    const rows = r.out.split("\n").filter((l) => l.includes(`${PARENT}:`));
    expect(rows).toHaveLength(1996);
    expect(rows[0].split(/ +/)).toEqual([
      "",
      "0",
      "FAILED",
      "137",
      "2026-11-01T00:05:08Z",
      `${PARENT}:0`,
    ]);
  });
});
