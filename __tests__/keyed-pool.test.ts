/**
 * The replay engine's scheduler (twin/keyed-pool.ts), with tasks the test finishes by hand: the
 * items of one key run one after the other in input order, items of other keys alongside, never
 * more than `concurrency` unfinished, and the stream is pulled only as far as that bound.
 */
import { runKeyed } from "../twin/keyed-pool";

interface Item {
  readonly id: string;
  readonly key?: string;
}

/** A pool run whose tasks wait until `finish(id)`; records what started, and what was pulled. */
function controlledRun(items: readonly Item[], concurrency: number) {
  const started: string[] = [];
  const pulled: string[] = [];
  const finishers = new Map<string, () => void>();
  async function* stream() {
    for (const item of items) {
      pulled.push(item.id);
      yield item;
    }
  }
  const done = runKeyed(stream(), {
    concurrency,
    keyOf: (item) => item.key,
    run: (item) =>
      new Promise<void>((resolve) => {
        started.push(item.id);
        finishers.set(item.id, resolve);
      }),
  });
  return {
    started,
    pulled,
    done,
    finish(id: string) {
      const resolve = finishers.get(id);
      if (!resolve) throw new Error(`${id} has not started`);
      resolve();
    },
  };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test("a key's items start only after the earlier ones finished; other keys run meanwhile", async () => {
  const run = controlledRun(
    [
      { id: "a1", key: "a" },
      { id: "a2", key: "a" },
      { id: "b1", key: "b" },
      { id: "a3", key: "a" },
      { id: "x", key: undefined },
    ],
    10,
  );
  await settle();
  expect(run.started).toEqual(["a1", "b1", "x"]);
  run.finish("b1");
  await settle();
  expect(run.started).toEqual(["a1", "b1", "x"]);
  run.finish("a1");
  await settle();
  expect(run.started).toEqual(["a1", "b1", "x", "a2"]);
  run.finish("a2");
  await settle();
  expect(run.started).toEqual(["a1", "b1", "x", "a2", "a3"]);
  run.finish("a3");
  run.finish("x");
  await expect(run.done).resolves.toBeUndefined();
});

test("pulls the next item only when fewer than `concurrency` are unfinished", async () => {
  const items = Array.from({ length: 6 }, (_, i) => ({ id: `j${i}`, key: `j${i}` }));
  const run = controlledRun(items, 2);
  await settle();
  expect(run.pulled).toEqual(["j0", "j1"]);
  expect(run.started).toEqual(["j0", "j1"]);
  run.finish("j1");
  await settle();
  expect(run.pulled).toEqual(["j0", "j1", "j2"]);
  for (const id of ["j0", "j2"]) run.finish(id);
  await settle();
  expect(run.pulled).toEqual(["j0", "j1", "j2", "j3", "j4"]);
  for (const id of ["j3", "j4"]) run.finish(id);
  await settle();
  run.finish("j5");
  await expect(run.done).resolves.toBeUndefined();
  expect(run.started).toEqual(["j0", "j1", "j2", "j3", "j4", "j5"]);
});

test("items waiting behind their key count against the bound", async () => {
  const run = controlledRun(
    [
      { id: "a1", key: "a" },
      { id: "a2", key: "a" },
      { id: "b1", key: "b" },
    ],
    2,
  );
  await settle();
  expect([run.pulled, run.started]).toEqual([["a1", "a2"], ["a1"]]);
  run.finish("a1");
  await settle();
  expect([run.pulled, run.started]).toEqual([
    ["a1", "a2", "b1"],
    ["a1", "a2", "b1"],
  ]);
  run.finish("a2");
  run.finish("b1");
  await expect(run.done).resolves.toBeUndefined();
});

test("a task that rejects stops the pulling; the others finish first; the error is the pool's", async () => {
  const pulled: number[] = [];
  let running = 0;
  async function* stream() {
    for (let i = 0; i < 100; i++) {
      pulled.push(i);
      yield i;
    }
  }
  const done = runKeyed(stream(), {
    concurrency: 3,
    keyOf: (i) => String(i),
    run: async (i) => {
      running++;
      await settle();
      running--;
      if (i === 1) throw new Error("task 1 failed");
    },
  });
  await expect(done).rejects.toThrow("task 1 failed");
  // At most the bound and the one pulled as the failure was settling; no task left running.
  expect(pulled.length).toBeLessThanOrEqual(4);
  expect(running).toBe(0);
});

test("refuses a concurrency that is not a whole number >= 1", async () => {
  const options = { concurrency: 0, keyOf: () => undefined, run: async () => {} };
  await expect(runKeyed([1], options)).rejects.toThrow(
    "concurrency must be a whole number >= 1, got 0.",
  );
});
