import type { Limiter } from '../upstream/http/createLimiter.js';

/** Live occupancy of a limiter: calls running and calls waiting for a slot. */
export interface LimiterStats {
  active: number;
  queued: number;
}

/**
 * Wraps a limiter so its occupancy can be scraped: `queued` counts calls waiting for a slot, `active` calls
 * holding one. A queue that stays long means UPSTREAM_CONCURRENCY is the bottleneck (or MLflow is slow).
 */
export function instrumentLimiter(limiter: Limiter): { limiter: Limiter; stats: LimiterStats } {
  const stats: LimiterStats = { active: 0, queued: 0 };
  const instrumented: Limiter = (task) => {
    stats.queued += 1;
    return limiter(async () => {
      stats.queued -= 1;
      stats.active += 1;
      try {
        return await task();
      } finally {
        stats.active -= 1;
      }
    });
  };
  return { limiter: instrumented, stats };
}
