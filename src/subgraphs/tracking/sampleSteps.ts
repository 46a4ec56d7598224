import type { WireMetric } from '../../upstream/mlflow/wire.js';

/**
 * Keeps at most `maxPoints` values of a metric history, evenly spread over its steps with the first and the
 * last step kept — the shape MLflow's get-history-bulk-interval returns, so the per-run fallback matches it.
 * Values are returned ordered by step, then timestamp.
 */
export function sampleSteps(history: readonly WireMetric[], maxPoints: number): WireMetric[] {
  const sorted = [...history].sort(
    (a, b) => Number(a.step ?? 0) - Number(b.step ?? 0) || Number(a.timestamp ?? 0) - Number(b.timestamp ?? 0),
  );
  const steps = [...new Set(sorted.map((m) => Number(m.step ?? 0)))];
  if (steps.length <= maxPoints) return sorted;
  const keep = new Set<number>();
  if (maxPoints === 1) keep.add(steps[0] as number);
  else
    for (let i = 0; i < maxPoints; i += 1)
      keep.add(steps[Math.round((i * (steps.length - 1)) / (maxPoints - 1))] as number);
  return sorted.filter((m) => keep.has(Number(m.step ?? 0)));
}
