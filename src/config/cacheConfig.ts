// The shared cache's settings: where Redis is, how long one command may take, the CACHE_TTL_* lifetimes (their
// names and defaults are the cache policy's, src/cache/cachePolicy.ts) and whether entries may be shared.

import { ttlNames, ttlSettings, type CacheTtls } from '../cache/cachePolicy.js';
import { ConfigError } from './ConfigError.js';
import { int, oneOf, read, redact, type Env } from './env.js';

/** The cache part of the config. */
export interface CacheConfig {
  redisUrl: string | undefined;
  /** Prefix of every Redis key (several deployments can share one Redis). */
  cacheKeyPrefix: string | undefined;
  /**
   * Upper bound on one Redis command (REDIS_COMMAND_TIMEOUT_MS, default 1000): past it the read is a miss. Not
   * shorter: the timer runs on the event loop, and under load a busy loop trips a short one although Redis
   * answered in a millisecond, sending cached requests upstream when upstream is what is busy.
   */
  redisCommandTimeoutMs: number;
  /** TTL overrides in seconds (CACHE_TTL_<NAME>, e.g. CACHE_TTL_RUN_FINISHED=600; the names: src/cache/cachePolicy.ts). */
  cacheTtls: Partial<CacheTtls>;
  /**
   * MLFLOW_SUPERGRAPH_CACHE_SHARING: `auto` shares entries between callers only where the backend profile declares
   * it for the permission service that decides (DESIGN §5); `per-caller` never shares (say, basic-auth MLflow behind
   * an app layer that refuses more than basic-auth does). There is no way to force sharing.
   */
  cacheSharing: 'auto' | 'per-caller';
}

/** Reads the Redis address and limits, the TTL overrides and the sharing mode. */
export function cacheConfig(env: Env): CacheConfig {
  const redisUrl = read(env, 'REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?(\+cluster)?:\/\//.test(redisUrl)) {
    throw new ConfigError(
      `REDIS_URL must start with redis://, rediss://, redis+cluster:// or rediss+cluster://, got "${redact(redisUrl)}"`,
    );
  }
  return {
    redisUrl,
    cacheKeyPrefix: read(env, 'REDIS_KEY_PREFIX'),
    redisCommandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 1_000, 1, 60_000),
    cacheTtls: cacheTtls(env),
    cacheSharing: oneOf('MLFLOW_SUPERGRAPH_CACHE_SHARING', read(env, 'MLFLOW_SUPERGRAPH_CACHE_SHARING') ?? 'auto', [
      'auto',
      'per-caller',
    ]),
  };
}

function cacheTtls(env: Env): Partial<CacheTtls> {
  const out: Partial<CacheTtls> = {};
  for (const name of ttlNames) {
    const { variable } = ttlSettings[name];
    if (read(env, variable) !== undefined) out[name] = int(env, variable, 1, 1, 30 * 24 * 3600);
  }
  return out;
}

/**
 * One warning per CACHE_TTL_* variable that sets nothing (a typo, or a lifetime the policy no longer has, such as
 * the retired CACHE_TTL_PARAMS): ignored rather than refused, so a deployment that sets one still starts, but
 * named so nobody believes it has an effect.
 */
export function ttlWarnings(env: Env): string[] {
  const known: readonly string[] = ttlNames.map((name) => ttlSettings[name].variable);
  return Object.keys(env)
    .filter((name) => name.startsWith('CACHE_TTL_') && !known.includes(name) && read(env, name) !== undefined)
    .sort()
    .map((name) => `${name} is not a cache TTL setting (known: ${known.join(', ')}): ignored`);
}
