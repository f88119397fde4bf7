/**
 * Whether this process is the child that cli/heap.ts starts for a long replay (`replay --db` of
 * the built command, its heap capped): the variable it sets there, and the test of it. Apart from
 * cli/heap.ts, which imports the dispatcher, so that a command can ask without a cycle.
 */

/** Set in the capped child's environment. */
export const CAPPED_ENV = "BATCH_JOB_LOG_HEAP_CAPPED";

/** True in the capped child of a long replay, which keeps only what it needs. */
export function runsCapped(env: Readonly<Record<string, string | undefined>>): boolean {
  return env[CAPPED_ENV] !== undefined;
}
