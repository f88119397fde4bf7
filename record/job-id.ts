/**
 * What a Batch job id says of itself: array children are `<parent>:<index>`, the nodes of a
 * multi-node job `<parent>#<node>`. A factory, like the other parts of the record the Lambda runs
 * (see record/build.ts): the builder and the stored layout each call it once.
 */
export function jobIdParser() {
  const { undefined, Number } = globalThis;

  /** The whole number after the last `separator` of a job id (`uuid:12` → 12), if any. */
  function indexAfter(jobId: string, separator: ":" | "#"): number | undefined {
    const at = jobId.lastIndexOf(separator);
    const digits = at > 0 ? jobId.slice(at + 1) : "";
    return /^\d{1,9}$/.test(digits) ? Number(digits) : undefined;
  }

  /** The parent of `<parent>:<index>` or `<parent>#<node>`; never empty (it is an index key). */
  function parentOf(jobId: string, isArrayChild: boolean, isNode: boolean): string | undefined {
    const separator = isNode ? "#" : isArrayChild ? ":" : undefined;
    const at = separator === undefined ? -1 : jobId.lastIndexOf(separator);
    return at > 0 ? jobId.slice(0, at) : undefined;
  }

  return { indexAfter, parentOf };
}
