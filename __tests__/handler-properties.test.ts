/**
 * Properties of the handler on dynalite, checked with fast-check:
 * - any permutation of a job's events, with duplicates, yields the in-order item;
 * - a randomly mutated event is either recorded exactly as the core reads it, or rejected with an
 *   InvalidEventError naming the event, and then nothing at all is written for it.
 *
 * The runs are sized to what they find: with the revision order reversed, 3 deliveries of each
 * fixture already fail every multi-event fixture, and 15 found nothing that 4 did not; the
 * mutations need their 200 runs to reach both outcomes often (a few milliseconds each).
 */
import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import { eventHandler, type HandlerDeps } from "../handler";
import { createRecordWriter, fromItem, recordFromEvent, type JobRecord } from "../record";
import { startTestTable, withoutWriteTime, type TestTable } from "./helpers/dynamo";
import { fixture, FIXTURE_NAMES, type BatchEvent } from "./helpers/fixtures";

let table: TestTable;
let deps: HandlerDeps;
const NOW = new Date("2026-11-26T08:00:00Z");

beforeAll(async () => {
  table = await startTestTable("jobs-properties");
  deps = { writer: createRecordWriter(table.tableName), now: () => NOW, log: () => undefined };
});
afterAll(async () => {
  await table.close();
});

/** The job's record as the table holds it, expanded; undefined when there is no item. */
async function getItem(jobId: string): Promise<JobRecord | undefined> {
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.tableName, Key: { jobId } }),
  );
  return Item && fromItem(Item);
}

async function deleteItem(jobId: string): Promise<void> {
  await table.doc.send(new DeleteCommand({ TableName: table.tableName, Key: { jobId } }));
}

/**
 * A delivery of a job's events: a permutation in which some events arrive twice, either as the
 * same envelope or, as EventBridge also does, with the same detail under a new envelope id.
 */
const delivery = (events: BatchEvent[], newIds: boolean) =>
  fc
    .tuple(
      fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
      fc.array(fc.nat({ max: events.length - 1 }), { maxLength: events.length }),
    )
    .chain(([order, repeats]) => {
      const again = repeats.map((i, k) =>
        newIds ? { ...events[i], id: `${events[i].id}-again-${k}` } : events[i],
      );
      return fc.shuffledSubarray([...order, ...again], {
        minLength: order.length + again.length,
        maxLength: order.length + again.length,
      });
    });

/** What a record says about the job: everything but which delivery wrote it, and when. */
function jobFacts(item: object): Record<string, unknown> {
  const facts = withoutWriteTime(item);
  delete facts.eventId;
  delete facts.eventTime;
  return facts;
}

describe("order and duplicates", () => {
  const multiEventFixtures = FIXTURE_NAMES.filter((name) => fixture(name).length > 1);

  it.each(multiEventFixtures)("any delivery of %s converges to the in-order item", async (name) => {
    const events = fixture(name);
    const jobId = events[0].detail.jobId as string;
    await deleteItem(jobId);
    for (const event of events) await eventHandler(deps)(event);
    const inOrder = withoutWriteTime((await getItem(jobId))!);

    await fc.assert(
      fc.asyncProperty(delivery(events, false), async (delivered) => {
        await deleteItem(jobId);
        for (const event of delivered) await eventHandler(deps)(event);
        expect(withoutWriteTime((await getItem(jobId))!)).toEqual(inOrder);
      }),
      { numRuns: 4, seed: 20261126 },
    );
  });

  it.each(multiEventFixtures)(
    "redeliveries of %s under new envelope ids leave the same job facts",
    async (name) => {
      const events = fixture(name);
      const jobId = events[0].detail.jobId as string;
      await deleteItem(jobId);
      for (const event of events) await eventHandler(deps)(event);
      const inOrder = jobFacts((await getItem(jobId))!);

      await fc.assert(
        fc.asyncProperty(delivery(events, true), async (delivered) => {
          await deleteItem(jobId);
          for (const event of delivered) await eventHandler(deps)(event);
          const item = (await getItem(jobId))!;
          expect(jobFacts(item)).toEqual(inOrder);
          // The item names a delivery of the job's final event, whichever came first.
          expect(String(item.eventId).startsWith(String(events[events.length - 1].id))).toBe(true);
        }),
        { numRuns: 3, seed: 20261127 },
      );
    },
  );
});

/** Sets the value at a random path of the event (or deletes it). */
function mutate(event: BatchEvent, pathChoice: number, value: unknown, remove: boolean): unknown {
  const copy = JSON.parse(JSON.stringify(event));
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, at: (string | number)[]) => {
    paths.push(at);
    if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node))
        walk(v, [...at, Array.isArray(node) ? Number(k) : k]);
    }
  };
  walk(copy, []);
  const target = paths[pathChoice % paths.length];
  if (target.length === 0) return remove ? undefined : value;
  let parent = copy;
  for (const key of target.slice(0, -1)) parent = parent[key];
  const last = target[target.length - 1];
  if (remove) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}

describe("random mutations of valid events", () => {
  it("either record exactly what the core reads, or fail clearly and write nothing", async () => {
    const events = FIXTURE_NAMES.flatMap((name) => fixture(name));
    let recorded = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: events.length - 1 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        fc.boolean(),
        async (eventIndex, pathChoice, value, remove) => {
          // Prepare: a fresh job id, so that no earlier write interferes.
          const original = events[eventIndex];
          const jobId = `mutant-${eventIndex}-${pathChoice}`;
          // (its ARN names it too: the handler refuses an ARN of another job)
          const arn = original.detail.jobArn;
          const jobArn = arn && String(arn).replace(String(original.detail.jobId), jobId);
          const detail = { ...original.detail, jobId, ...(arn ? { jobArn } : {}) };
          const event = mutate(
            { ...original, detail } as BatchEvent,
            pathChoice,
            value,
            remove,
          ) as BatchEvent;
          const writtenId =
            event &&
            typeof event.detail === "object" &&
            event.detail &&
            typeof event.detail.jobId === "string"
              ? event.detail.jobId
              : jobId;
          if (writtenId) await deleteItem(writtenId);
          // Act
          let error: unknown;
          try {
            await eventHandler(deps)(event);
          } catch (e) {
            error = e;
          }
          // Assess
          if (error === undefined) {
            recorded++;
            const expected = recordFromEvent(event, { now: NOW });
            expect(await getItem(expected.jobId)).toEqual(expected);
          } else {
            rejected++;
            expect(error).toMatchObject({ name: "InvalidEventError" });
            expect((error as Error).message).toMatch(
              /^Invalid Batch event (\(no id\)|\S+): (the event is|"[^"]+" must be) .+/,
            );
            if (writtenId) expect(await getItem(writtenId)).toBeUndefined();
          }
        },
      ),
      { numRuns: 200, seed: 42 },
    );
    // Both branches were exercised, so the property says something about each.
    expect(recorded).toBeGreaterThan(30);
    expect(rejected).toBeGreaterThan(30);
  });
});
