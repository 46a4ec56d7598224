/**
 * Counters for one shared cache. The object is live (the cache increments it in place) so a metrics exporter can
 * hold a reference; take a snapshot with `readCacheStats` before doing arithmetic on several fields.
 */
export interface CacheStats {
  /** Keys answered from the cache. */
  hits: number;
  /** Keys not answered from the cache, including keys lost to an error, so hits + misses = keys looked up. */
  misses: number;
  /** Failed cache operations (Redis down, timeout, undecodable entry); each became a miss or a no-op. */
  errors: number;
  /** Entries written. */
  sets: number;
  /** Keys whose deletion was sent. */
  deletes: number;
}

/** Fresh zeroed counters. */
export function createCacheStats(): CacheStats {
  return { hits: 0, misses: 0, errors: 0, sets: 0, deletes: 0 };
}

/** A frozen copy of a cache's counters at this instant (what a Prometheus collector should read). */
export function readCacheStats(source: { readonly stats: CacheStats }): Readonly<CacheStats> {
  const { hits, misses, errors, sets, deletes } = source.stats;
  return Object.freeze({ hits, misses, errors, sets, deletes });
}

/**
 * Reclassifies one hit whose stored bytes could not be decoded: the key-value layer counted a hit, but the caller
 * got nothing, so it is a miss plus an error. Kept here so the arithmetic lives next to the counters' definitions.
 */
export function recordUndecodableHit(stats: CacheStats): void {
  stats.hits -= 1;
  stats.misses += 1;
  stats.errors += 1;
}
