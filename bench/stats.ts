// Small statistics for the benchmark: percentiles, medians, and the sequential "waves" of upstream calls.

/** One upstream call as the recording proxy saw it (milliseconds on the proxy's clock). */
export interface UpstreamCall {
  method: string;
  /** Path without the query string, e.g. `/api/2.0/mlflow/runs/search`. */
  path: string;
  status: number;
  /** When the request reached the proxy. */
  start: number;
  /** When the proxy finished sending the answer (after the injected latency). */
  end: number;
  /** Items in a search answer (runs, experiments, models, versions), which the per-item cost is charged on. */
  items: number;
}

/** The p-th percentile (nearest rank) of `values`; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The median (50th percentile, nearest rank). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Sequential upstream waves of one request: a call is in wave k+1 when it started after some call of wave k
 * had ended, i.e. it had to wait for an earlier answer (a data dependency, or a free slot in a bounded pool);
 * calls that waited for nothing are wave 1. The result is the longest such chain: 0 for no call.
 */
export function countWaves(calls: readonly Pick<UpstreamCall, 'start' | 'end'>[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const wave: number[] = [];
  let deepest = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const call = sorted[i] as Pick<UpstreamCall, 'start' | 'end'>;
    let level = 1;
    // Only calls that started earlier can have ended before this one started.
    for (let j = 0; j < i; j += 1) {
      const earlier = sorted[j] as Pick<UpstreamCall, 'start' | 'end'>;
      if (earlier.end <= call.start) level = Math.max(level, (wave[j] as number) + 1);
    }
    wave.push(level);
    deepest = Math.max(deepest, level);
  }
  return deepest;
}

/** Rounds for the report (one decimal under 100, none above). */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
}

/** `items` rotated left by `by` (interleaving: each iteration starts with another variant). */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = ((by % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
