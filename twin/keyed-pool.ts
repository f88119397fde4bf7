/**
 * Runs a task per item of a stream with a bound on how many are in flight, keeping the items of one
 * key (a job) in input order: an item starts only once every earlier item of its key has finished,
 * while items of other keys run alongside. The replay engine uses it to replay different jobs
 * concurrently with exactly the outcome of a one-at-a-time replay in input order, since the writes
 * of different jobs touch different items.
 *
 * Items are pulled lazily: the next one is pulled only when fewer than `concurrency` pulled items
 * are unfinished, so at most `concurrency` items are held, whatever the length of the stream.
 */

export interface KeyedPoolOptions<T> {
  /** Unfinished items at most (pulled and not yet finished, running or waiting for their key). */
  readonly concurrency: number;
  /** The key whose items run one at a time, in input order; undefined runs the item on its own. */
  keyOf(item: T): string | undefined;
  /** The task; a task that rejects stops the pulling, and `runKeyed` rejects with its error. */
  run(item: T): Promise<void>;
}

/** Runs `options.run` on every item of `items`; resolves once every task has finished. */
export async function runKeyed<T>(
  items: AsyncIterable<T> | Iterable<T>,
  options: KeyedPoolOptions<T>,
): Promise<void> {
  const { concurrency, keyOf, run } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${concurrency}.`);
  }
  /** The last task of each key with an unfinished one. */
  const tails = new Map<string, Promise<void>>();
  let unfinished = 0;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const settled = () => new Promise<void>((resolve) => (wake = resolve));

  try {
    for await (const item of items) {
      const key = keyOf(item);
      const before = key === undefined ? undefined : tails.get(key);
      unfinished++;
      const task: Promise<void> = (before ?? Promise.resolve())
        .then(() => (failure ? undefined : run(item)))
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => {
          if (key !== undefined && tails.get(key) === task) tails.delete(key);
          unfinished--;
          wake?.();
        });
      if (key !== undefined) tails.set(key, task);
      while (unfinished >= concurrency && !failure) await settled();
      if (failure) break;
    }
  } finally {
    // Also when reading the stream fails: no task is left running behind the caller's back.
    while (unfinished > 0) await settled();
  }
  if (failure) throw failure.error;
}
