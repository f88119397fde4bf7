/** Text formatting shared by the lookup commands: times, durations, aligned columns. */

/** Epoch ms as ISO-8601 UTC to the second ("2026-11-01T00:05:08Z"); "-" when absent. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return "-";
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? iso.slice(0, -5) + "Z" : iso;
}

/** A duration as "1h 2m 3s", "5m 3s", "42s", "850ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let s = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return parts.join(" ");
}

/** start to stop as a duration, when both are known. */
export function elapsed(start: number | undefined, stop: number | undefined): string | undefined {
  return start !== undefined && stop !== undefined && stop >= start
    ? formatDuration(stop - start)
    : undefined;
}

/**
 * Rows as left-aligned columns two spaces apart; trailing spaces trimmed. The last cell of a row
 * is never padded, so it does not widen its column: in a row shorter than the others it spans the
 * columns left over.
 */
export function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

/** "label     value" lines with the labels padded to one width, at least `minWidth`. */
export function labelled(
  pairs: readonly (readonly [string, string | undefined])[],
  minWidth = 0,
): string[] {
  const present = pairs.filter((p): p is readonly [string, string] => p[1] !== undefined);
  const width = Math.max(minWidth, ...present.map(([label]) => label.length));
  return present.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
}

/** The last part of an ARN ("job-queue/high" -> "high"); anything else unchanged. */
export function shortArn(arn: string | undefined): string | undefined {
  if (arn === undefined || !arn.startsWith("arn:")) return arn;
  const resource = arn.split(":").slice(5).join(":");
  return resource.slice(resource.indexOf("/") + 1);
}

/** "1 job", "2 jobs": `count` and the noun, plural (`many`, else noun + "s") unless it is 1. */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}
