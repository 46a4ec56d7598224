/**
 * Converts a TTL in seconds to whole milliseconds, or undefined when the entry must not be stored (zero, negative,
 * NaN, infinite). Milliseconds rather than seconds so sub-second TTLs survive (Redis `PX`, lru-cache `ttl`).
 */
export function ttlToMilliseconds(ttlSeconds: number): number | undefined {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) return undefined;
  return Math.max(1, Math.round(ttlSeconds * 1000));
}
