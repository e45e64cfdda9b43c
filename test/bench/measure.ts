// What every benchmark shares: the line writer's type and the percentile of sorted samples.

/** Writes one JSON line: {"name","value","unit",...extra, machine} (run.ts). */
export type Emit = (name: string, value: number, unit: string, extra?: Record<string, unknown>) => void;

/** The p-th percentile (nearest rank) of samples sorted in ascending order. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
