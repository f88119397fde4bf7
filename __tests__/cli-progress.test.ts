/**
 * The progress bar of `replay` and `backfill`: nothing off a terminal; at most one drawing per
 * 100 ms, except the last step; `clear()` erases it, `done()` draws what the throttle held back
 * and ends the line.
 */
import { progressBar } from "../cli/progress";

function terminal(isTTY = true) {
  let text = "";
  return { write: (t: string) => (text += t), isTTY, text: () => text };
}

test("draws nothing when the stream is not a terminal", () => {
  const stream = terminal(false);
  const bar = progressBar(stream, "backfill");
  bar.note("listing jobs... 3");
  bar.update(3, 3);
  bar.clear();
  bar.done();
  expect(stream.text()).toBe("");
});

test("redraws at most every 100 ms; the last step is always drawn; clear() erases", () => {
  const stream = terminal();
  let now = 1_000;
  const bar = progressBar(stream, "replaying", { unit: "events", now: () => now });
  bar.update(0, 4);
  now += 50;
  bar.update(1, 4);
  now += 50;
  bar.update(2, 4);
  now += 10;
  bar.update(4, 4);
  bar.clear();
  expect(stream.text()).toBe(
    `\rreplaying [${"-".repeat(30)}] 0/4 events\x1b[K` +
      `\rreplaying [${"#".repeat(15)}${"-".repeat(15)}] 2/4 events\x1b[K` +
      `\rreplaying [${"#".repeat(30)}] 4/4 events\x1b[K` +
      "\r\x1b[K",
  );
});

test("done() draws the step the throttle held back, then ends the line", () => {
  const stream = terminal();
  const now = 1_000;
  const bar = progressBar(stream, "backfill", { now: () => now });
  bar.note("listing jobs... 2");
  bar.note("listing jobs... 5");
  bar.done();
  bar.done();
  expect(stream.text()).toBe(
    "\rbackfill: listing jobs... 2\x1b[K\rbackfill: listing jobs... 5\x1b[K\n",
  );
});
