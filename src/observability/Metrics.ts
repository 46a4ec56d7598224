import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { readCacheStats } from '../cache/cacheStats.js';
import type { KeyValueCache } from '../cache/KeyValueCache.js';
import type { CallObserver } from '../upstream/http/callRest.js';
import type { CircuitBreaker, CircuitState } from '../upstream/http/CircuitBreaker.js';

/** How one GraphQL request ended, as the metrics and logs classify it. */
export type RequestOutcome =
  /** Data and no errors. */
  | 'success'
  /** Data with errors on some fields (one branch failed, the rest answered). */
  | 'partial'
  /** No data: the request was refused or failed as a whole. */
  | 'error';

/** One finished GraphQL request, for {@link Metrics.recordRequest}. */
export interface RequestSample {
  operationName: string | undefined;
  operationType: string | undefined;
  outcome: RequestOutcome;
  durationMs: number;
  /** `extensions.code` of each error in the response (formatted, so from the closed set). */
  errorCodes: readonly string[];
}

/** Options of {@link Metrics}. */
export interface MetricsOptions {
  /** Node process metrics (RSS, heap, event-loop lag, GC); on in servers, off in tests that make many. */
  processMetrics?: boolean;
  /** Distinct operation names kept as label values; later ones are counted as `__other` (default 200). */
  maxOperationNames?: number;
}

/** Defaults of {@link MetricsOptions}. */
export const defaultMetricsOptions = { processMetrics: true, maxOperationNames: 200 } as const;

/** Every metric this service defines starts with this. */
export const METRIC_PREFIX = 'mlflow_supergraph_';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** What one upstream attempt is counted as in `upstream_errors_total{kind}`; undefined: not an error. */
function errorKind(status: number | undefined, failure: string | undefined): string | undefined {
  if (failure === undefined) return undefined;
  if (failure === 'http') return status !== undefined && status >= 500 ? 'server_error' : undefined;
  return failure; // timeout, network, malformed, budget, circuit_open
}

/**
 * The Prometheus metrics of one process, in a registry of its own (so several servers in one test process
 * do not collide). Request, upstream and batch metrics are recorded as they happen; cache, circuit and
 * limiter figures are read from their live counters when Prometheus scrapes.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #operationNames = new Set<string>();
  readonly #maxOperationNames: number;
  readonly #requests: Counter<'operation' | 'type' | 'outcome'>;
  readonly #duration: Histogram<'operation' | 'type'>;
  readonly #errors: Counter<'code'>;
  readonly #inFlight: Gauge;
  readonly #upstreamRequests: Counter<'upstream' | 'endpoint' | 'status'>;
  readonly #upstreamDuration: Histogram<'upstream' | 'endpoint'>;
  readonly #upstreamErrors: Counter<'upstream' | 'endpoint' | 'kind'>;
  readonly #batchSize: Histogram<'loader'>;
  readonly #caches: KeyValueCache[] = [];
  readonly #breakers: { upstream: string; breaker: CircuitBreaker }[] = [];
  readonly #limiters: { upstream: string; stats: { active: number; queued: number } }[] = [];

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.#maxOperationNames = options.maxOperationNames ?? defaultMetricsOptions.maxOperationNames;
    if (options.processMetrics ?? defaultMetricsOptions.processMetrics)
      collectDefaultMetrics({ register: this.registry });

    this.#requests = new Counter({
      name: `${METRIC_PREFIX}graphql_requests_total`,
      help: 'GraphQL requests by operation name, operation type and outcome (success, partial, error).',
      labelNames: ['operation', 'type', 'outcome'],
      registers,
    });
    this.#duration = new Histogram({
      name: `${METRIC_PREFIX}graphql_request_duration_seconds`,
      help: 'Time from receiving a GraphQL request to sending its response.',
      labelNames: ['operation', 'type'],
      buckets: SECONDS,
      registers,
    });
    this.#errors = new Counter({
      name: `${METRIC_PREFIX}graphql_errors_total`,
      help: 'Errors in GraphQL responses by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    this.#inFlight = new Gauge({
      name: `${METRIC_PREFIX}graphql_requests_in_flight`,
      help: 'GraphQL requests being served now.',
      registers,
    });
    this.#upstreamRequests = new Counter({
      name: `${METRIC_PREFIX}upstream_requests_total`,
      help: 'Upstream REST attempts by endpoint and HTTP status (or timeout, network, budget, circuit_open when no status came back).',
      labelNames: ['upstream', 'endpoint', 'status'],
      registers,
    });
    this.#upstreamDuration = new Histogram({
      name: `${METRIC_PREFIX}upstream_request_duration_seconds`,
      help: 'Latency of upstream REST attempts that were sent.',
      labelNames: ['upstream', 'endpoint'],
      buckets: SECONDS,
      registers,
    });
    this.#upstreamErrors = new Counter({
      name: `${METRIC_PREFIX}upstream_errors_total`,
      help: 'Failed upstream attempts by kind: server_error (5xx), timeout, network, malformed, budget (request time budget spent), circuit_open (refused without calling).',
      labelNames: ['upstream', 'endpoint', 'kind'],
      registers,
    });
    this.#batchSize = new Histogram({
      name: `${METRIC_PREFIX}dataloader_batch_size`,
      help: 'Keys per DataLoader batch.',
      labelNames: ['loader'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers,
    });

    const caches = this.#caches;
    const cacheCounter = (field: 'hits' | 'misses' | 'errors' | 'sets' | 'deletes', help: string) =>
      new Counter({
        name: `${METRIC_PREFIX}cache_${field}_total`,
        help,
        labelNames: ['backend'],
        registers,
        collect() {
          // The cache counts in place; mirror its totals at scrape time.
          this.reset();
          for (const cache of caches) this.inc({ backend: cache.kind }, readCacheStats(cache)[field]);
        },
      });
    cacheCounter('hits', 'Shared cache keys found.');
    cacheCounter('misses', 'Shared cache keys not found (including keys lost to an error).');
    cacheCounter('errors', 'Failed shared cache operations (each became a miss or a no-op).');
    cacheCounter('sets', 'Shared cache entries written.');
    cacheCounter('deletes', 'Shared cache keys deleted (invalidations).');
    new Gauge({
      name: `${METRIC_PREFIX}cache_up`,
      help: '1 when the shared cache backend is reachable, 0 while the service runs uncached.',
      labelNames: ['backend'],
      registers,
      collect() {
        this.reset();
        for (const cache of caches) this.set({ backend: cache.kind }, cache.isHealthy() ? 1 : 0);
      },
    });

    const breakers = this.#breakers;
    new Gauge({
      name: `${METRIC_PREFIX}upstream_circuit_state`,
      help: 'Circuit breaker state per upstream: 0 closed, 1 half-open (probing), 2 open (failing fast).',
      labelNames: ['upstream'],
      registers,
      collect() {
        this.reset();
        for (const { upstream, breaker } of breakers) this.set({ upstream }, CIRCUIT_VALUE[breaker.state]);
      },
    });
    new Counter({
      name: `${METRIC_PREFIX}upstream_circuit_opened_total`,
      help: 'Times the circuit breaker opened.',
      labelNames: ['upstream'],
      registers,
      collect() {
        this.reset();
        for (const { upstream, breaker } of breakers) this.inc({ upstream }, breaker.opened);
      },
    });
    const limiters = this.#limiters;
    new Gauge({
      name: `${METRIC_PREFIX}upstream_concurrency_active`,
      help: 'Upstream calls in flight (bounded by UPSTREAM_CONCURRENCY).',
      labelNames: ['upstream'],
      registers,
      collect() {
        this.reset();
        for (const { upstream, stats } of limiters) this.set({ upstream }, stats.active);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}upstream_concurrency_queued`,
      help: 'Upstream calls waiting for a concurrency slot.',
      labelNames: ['upstream'],
      registers,
      collect() {
        this.reset();
        for (const { upstream, stats } of limiters) this.set({ upstream }, stats.queued);
      },
    });
  }

  /** Content-Type of {@link render}'s output. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text Prometheus scrapes. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** A GraphQL request started (in-flight gauge). */
  requestStarted(): void {
    this.#inFlight.inc();
  }

  /** A GraphQL request finished: counts it, its latency and its errors. */
  recordRequest(sample: RequestSample): void {
    this.#inFlight.dec();
    const operation = this.#operationLabel(sample.operationName);
    const type = sample.operationType ?? 'unknown';
    this.#requests.inc({ operation, type, outcome: sample.outcome });
    this.#duration.observe({ operation, type }, sample.durationMs / 1000);
    for (const code of sample.errorCodes) this.#errors.inc({ code });
  }

  /** The CallObserver to hand to upstream clients: one sample per attempt. */
  readonly observeUpstream: CallObserver = (event) => {
    const status = event.status !== undefined ? String(event.status) : (event.failure ?? 'unknown');
    this.#upstreamRequests.inc({ upstream: event.upstream, endpoint: event.route, status });
    if (event.failure !== 'budget' && event.failure !== 'circuit_open') {
      this.#upstreamDuration.observe({ upstream: event.upstream, endpoint: event.route }, event.ms / 1000);
    }
    const kind = errorKind(event.status, event.failure);
    if (kind) this.#upstreamErrors.inc({ upstream: event.upstream, endpoint: event.route, kind });
  };

  /** One DataLoader batch of `size` keys ran (the optional loader hook). */
  observeBatch(loader: string, size: number): void {
    this.#batchSize.observe({ loader }, size);
  }

  /** Reports this cache's counters and health at every scrape. */
  watchCache(cache: KeyValueCache): void {
    this.#caches.push(cache);
  }

  /** Reports this breaker's state at every scrape. */
  watchBreaker(upstream: string, breaker: CircuitBreaker): void {
    this.#breakers.push({ upstream, breaker });
  }

  /** Reports a limiter's live occupancy at every scrape. */
  watchLimiter(upstream: string, stats: { active: number; queued: number }): void {
    this.#limiters.push({ upstream, stats });
  }

  /**
   * Operation names are chosen by clients: an unbounded label would let anyone grow the process's memory (and
   * the Prometheus server's) by inventing names. Keep the first N seen, call the rest `__other`.
   */
  #operationLabel(name: string | undefined): string {
    if (!name) return '__anonymous';
    const label = name.slice(0, 100);
    if (this.#operationNames.has(label)) return label;
    if (this.#operationNames.size >= this.#maxOperationNames) return '__other';
    this.#operationNames.add(label);
    return label;
  }
}
