/**
 * Which command lines run in a child with a capped heap (cli/heap.ts): `replay --db` only, once.
 * That the child dies with its parent and the heap stays flat is measured by the benchmark
 * (docs/benchmarks.md, "Replay of growing inputs"), on the built command.
 */
import { heapCapFor, REPLAY_HEAP_MB } from "../cli/heap";

const GB = 1024 ** 3;

test.each([
  [["replay", "--db", "d"], {}, 4 * GB, REPLAY_HEAP_MB],
  [["replay", "events.jsonl", "--db=d"], {}, 4 * GB, REPLAY_HEAP_MB],
  [["--json", "replay", "--db", "d"], {}, 4 * GB, REPLAY_HEAP_MB],
  // The table in memory (no --db), or at another endpoint: no cap.
  [["replay", "events.jsonl"], {}, 4 * GB, undefined],
  // Another command, help, the child itself, or a heap already smaller than twice the cap.
  [["show", "job", "--db", "d"], {}, 4 * GB, undefined],
  [["replay", "--db", "d", "--help"], {}, 4 * GB, undefined],
  [["replay", "--db", "d"], { BATCH_JOB_LOG_HEAP_CAPPED: "1" }, 4 * GB, undefined],
  [["replay", "--db", "d"], {}, 300 * 1024 ** 2, undefined],
])("%j %j (heap limit %d bytes): cap %s", (argv, env, limit, cap) => {
  expect(heapCapFor(argv, env, limit)).toBe(cap);
});
