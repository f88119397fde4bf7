/**
 * DynamoDB's item size, computed as the service documents it: attribute names plus values, a
 * number at most 21 bytes, one byte per list or map element plus three per list or map. The stored
 * layout uses it to never store a compact item larger than the record itself (record/layout.ts);
 * the tests and the benchmark size items with it. A factory, like the rest of what the Lambda runs
 * (record/build.ts says why).
 */
export const WRITE_UNIT_BYTES = 1024;
export const MAX_ITEM_BYTES = 400 * 1024;

export function itemSizer() {
  const { undefined, Object, Array, Math, String, Buffer, Error } = globalThis;
  const unitBytes = WRITE_UNIT_BYTES;

  function itemSizeBytes(item: Record<string, unknown>): number {
    let size = 0;
    for (const [name, value] of Object.entries(item)) {
      if (value !== undefined) size += utf8(name) + valueSize(value);
    }
    return size;
  }

  function writeUnits(item: Record<string, unknown>): number {
    return Math.max(1, Math.ceil(itemSizeBytes(item) / unitBytes));
  }

  function valueSize(value: unknown): number {
    if (value === null || typeof value === "boolean") return 1;
    if (typeof value === "string") return utf8(value);
    if (typeof value === "number") return numberSize(value);
    if (Array.isArray(value)) {
      return 3 + value.reduce<number>((sum, v) => sum + 1 + valueSize(v), 0);
    }
    if (typeof value === "object") {
      let size = 3;
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined) size += 1 + utf8(name) + valueSize(v);
      }
      return size;
    }
    throw new Error(`cannot size a ${typeof value}`);
  }

  /** Numbers are stored as up to 38 significant digits: about one byte per two digits, plus one. */
  function numberSize(n: number): number {
    const digits = String(Math.abs(n)).replace(/[.-]/g, "").replace(/^0+/, "").replace(/e.*$/, "");
    return Math.min(21, Math.ceil(Math.max(digits.length, 1) / 2) + 1);
  }

  function utf8(text: string): number {
    return Buffer.byteLength(text, "utf8");
  }

  return { itemSizeBytes, writeUnits };
}

export const { itemSizeBytes, writeUnits } = itemSizer();
