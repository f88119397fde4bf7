/** Small statistics and formatting helpers for the benchmark's report. */

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile (0..1) by linear interpolation between the closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;
export const us = (n: number) => `${n.toFixed(0)} µs`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
export const count = (n: number) => Math.round(n).toLocaleString("en-US");
export const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
