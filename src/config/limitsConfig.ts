// The bounds one request, and the upstream calls it makes, must stay within: operation limits (GRAPHQL_MAX_*),
// the request's time budget, upstream timeouts and concurrency, and the upstream circuit breaker.

import { int, type Env } from './env.js';

/** The limits part of the config. */
export interface LimitsConfig {
  upstream: { connectTimeoutMs: number; responseTimeoutMs: number; concurrency: number };
  /**
   * Operation bounds (GRAPHQL_MAX_*): depth, aliases, estimated objects (`maxCost`), upstream calls per request
   * (`maxUpstreamCalls`: refused on the estimate, and enforced as each call is made), bytes received from upstream
   * per request (`maxUpstreamBytes`: the memory bound whatever the data holds) and answer size in bytes.
   */
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxUpstreamCalls: number;
    maxUpstreamBytes: number;
    maxResponseBytes: number;
  };
  /**
   * Time budget of one GraphQL request (GRAPHQL_REQUEST_TIMEOUT_MS): upstream calls still to be made after it
   * fail fast with UPSTREAM_TIMEOUT, and a call in flight is cut off when it runs out.
   */
  requestTimeoutMs: number;
  /** Upstream circuit breaker: opens after `threshold` consecutive outage-like failures, probes after `cooldownMs`. */
  circuitBreaker: { threshold: number; cooldownMs: number };
  /**
   * The gateway's admission control (GRAPHQL_MAX_CONCURRENT, GRAPHQL_COST_PER_SLOT, GRAPHQL_MAX_QUEUED,
   * GRAPHQL_QUEUE_TIMEOUT_MS): operations executing at once, weighted by estimated cost, and how many may wait;
   * undefined when GRAPHQL_MAX_CONCURRENT=0 (off).
   */
  admission: { slots: number; costPerSlot: number; maxQueued: number; maxWaitMs: number } | undefined;
}

/** Reads the operation, time and upstream bounds (every one has a default). */
export function limitsConfig(env: Env): LimitsConfig {
  const slots = int(env, 'GRAPHQL_MAX_CONCURRENT', 32, 0, 100_000);
  return {
    requestTimeoutMs: int(env, 'GRAPHQL_REQUEST_TIMEOUT_MS', 60_000, 1, 3_600_000),
    // From measurements (bench/rss.ts, bench/worstRequest.ts): the worst single answer within the other bounds adds
    // ~90 MiB RSS and costs ~1 000 000; a pod idles at ~170 MiB under a 512 MiB limit. 32 slots of 100 000 admit
    // three such answers at once (10 slots each: ~440 MiB), five bench dashboards (cost 520 021: 6 slots), or 32
    // small operations; a dashboard's live heap is a few MiB (64 in flight: 53 MiB in a heap snapshot).
    admission:
      slots === 0
        ? undefined
        : {
            slots,
            costPerSlot: int(env, 'GRAPHQL_COST_PER_SLOT', 100_000, 1, 100_000_000),
            maxQueued: int(env, 'GRAPHQL_MAX_QUEUED', 256, 0, 100_000),
            maxWaitMs: int(env, 'GRAPHQL_QUEUE_TIMEOUT_MS', 20_000, 1, 3_600_000),
          },
    circuitBreaker: {
      threshold: int(env, 'UPSTREAM_CIRCUIT_THRESHOLD', 5, 0, 1_000),
      cooldownMs: int(env, 'UPSTREAM_CIRCUIT_COOLDOWN_MS', 5_000, 1, 600_000),
    },
    upstream: {
      connectTimeoutMs: int(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', 2_000, 1, 600_000),
      responseTimeoutMs: int(env, 'UPSTREAM_TIMEOUT_MS', 30_000, 1, 600_000),
      concurrency: int(env, 'UPSTREAM_CONCURRENCY', 16, 1, 1024),
    },
    limits: {
      maxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 12, 1, 100),
      maxAliases: int(env, 'GRAPHQL_MAX_ALIASES', 30, 1, 1000),
      // Metric points count (maxPoints defaults to 2500 a run) and a run counts 100 (it arrives with its params,
      // metrics and tags): the README's dashboard is 520 021. Memory is bounded by GRAPHQL_MAX_UPSTREAM_BYTES, not
      // by this estimate (bench/worstRequest.ts, production heap: 1 000 000 points fetched whole died).
      maxCost: int(env, 'GRAPHQL_MAX_COST', 1_000_000, 1, 100_000_000),
      // Estimated (made, cold): README dashboard 13 (6 on the demo data), bench dashboard 18 (18), bench registry
      // 74 (5), the authorization matrix's 50 models × 10 versions → run → experiment 107. The naive bench variant sets its own.
      maxUpstreamCalls: int(env, 'GRAPHQL_MAX_UPSTREAM_CALLS', 300, 1, 100_000),
      // The memory bound, whatever the data holds (long histories, 6000-character params): see bench/worstRequest.ts.
      maxUpstreamBytes: int(env, 'GRAPHQL_MAX_UPSTREAM_BYTES', 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      // Measured: the bench's dashboard answer is ~300 KB.
      maxResponseBytes: int(env, 'GRAPHQL_MAX_RESPONSE_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    },
  };
}
