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

/** The admission queue's live figures (gateway/AdmissionQueue's stats; typed here: observability sits below the gateway). */
export interface AdmissionFigures {
  inUse: number;
  queued: number;
  refused: Record<string, number>;
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

/** Every metric's `# HELP` text, by name (after METRIC_PREFIX): the metrics this service defines, documented in one table. */
const HELP = {
  graphql_requests_total: 'GraphQL requests by operation name, operation type and outcome (success, partial, error).',
  graphql_request_duration_seconds: 'Time from receiving a GraphQL request to sending its response.',
  graphql_errors_total: 'Errors in GraphQL responses by extensions.code.',
  graphql_requests_in_flight: 'GraphQL requests being served now.',
  upstream_requests_total:
    'Upstream REST attempts by endpoint and HTTP status (or timeout, network, budget, circuit_open when no status came back).',
  upstream_request_duration_seconds: 'Latency of upstream REST attempts that were sent.',
  upstream_errors_total:
    'Failed upstream attempts by kind: server_error (5xx), timeout, network, malformed, budget (request time budget spent), circuit_open (refused without calling).',
  dataloader_batch_size: 'Keys per DataLoader batch.',
  cache_hits_total: 'Shared cache keys found.',
  cache_misses_total: 'Shared cache keys not found (including keys lost to an error).',
  cache_errors_total: 'Failed shared cache operations (each became a miss or a no-op).',
  cache_sets_total: 'Shared cache entries written.',
  cache_deletes_total: 'Shared cache keys deleted (invalidations).',
  cache_up: '1 when the shared cache backend is reachable, 0 while the service runs uncached.',
  upstream_circuit_state: 'Circuit breaker state per upstream: 0 closed, 1 half-open (probing), 2 open (failing fast).',
  upstream_circuit_opened_total: 'Times the circuit breaker opened.',
  upstream_concurrency_active: 'Upstream calls in flight (bounded by UPSTREAM_CONCURRENCY).',
  upstream_concurrency_queued: 'Upstream calls waiting for a concurrency slot.',
  graphql_admission_slots_in_use:
    'Admission slots held by executing operations (GRAPHQL_MAX_CONCURRENT; an operation takes ceil(cost / GRAPHQL_COST_PER_SLOT)).',
  graphql_admission_queued: 'Operations waiting for admission slots (at most GRAPHQL_MAX_QUEUED).',
  graphql_admission_refused_total:
    'Operations answered RATE_LIMITED by admission control, by reason: queueFull, queueTimeout (withdrawn: the request ended while waiting).',
} as const;

type MetricName = keyof typeof HELP;

/**
 * A metric whose values live elsewhere and are copied in at scrape time (reset, then one value per source, under
 * one label): the cache, the breakers and the limiters count in place, so nothing has to report to Metrics.
 */
function registerScraped(
  type: 'counter' | 'gauge',
  configuration: { name: string; help: string; label: string; registers: Registry[] },
  read: () => [string, number][],
): void {
  const { name, help, label, registers } = configuration;
  const base = { name, help, labelNames: [label], registers };
  const mirror = (metric: { reset(): void }, write: (labels: Record<string, string>, value: number) => void) => {
    metric.reset();
    for (const [labelValue, value] of read()) write({ [label]: labelValue }, value);
  };
  if (type === 'counter') {
    new Counter({
      ...base,
      collect() {
        mirror(this, (labels, value) => this.inc(labels, value));
      },
    });
  } else {
    new Gauge({
      ...base,
      collect() {
        mirror(this, (labels, value) => this.set(labels, value));
      },
    });
  }
}

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
  readonly #admission: AdmissionFigures[] = [];

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.#maxOperationNames = options.maxOperationNames ?? defaultMetricsOptions.maxOperationNames;
    if (options.processMetrics ?? defaultMetricsOptions.processMetrics)
      collectDefaultMetrics({ register: this.registry });

    const counter = <L extends string>(name: MetricName, labelNames: readonly L[]) =>
      new Counter<L>({ name: METRIC_PREFIX + name, help: HELP[name], labelNames, registers });
    const histogram = <L extends string>(name: MetricName, labelNames: readonly L[], buckets = SECONDS) =>
      new Histogram<L>({ name: METRIC_PREFIX + name, help: HELP[name], labelNames, buckets, registers });
    this.#requests = counter('graphql_requests_total', ['operation', 'type', 'outcome']);
    this.#duration = histogram('graphql_request_duration_seconds', ['operation', 'type']);
    this.#errors = counter('graphql_errors_total', ['code']);
    this.#inFlight = new Gauge({
      name: `${METRIC_PREFIX}graphql_requests_in_flight`,
      help: HELP.graphql_requests_in_flight,
      registers,
    });
    this.#upstreamRequests = counter('upstream_requests_total', ['upstream', 'endpoint', 'status']);
    this.#upstreamDuration = histogram('upstream_request_duration_seconds', ['upstream', 'endpoint']);
    this.#upstreamErrors = counter('upstream_errors_total', ['upstream', 'endpoint', 'kind']);
    this.#batchSize = histogram('dataloader_batch_size', ['loader'], [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000]);

    // Figures other objects keep in place (cache counters, breaker states, limiter occupancy), copied at each scrape.
    const scrape = (type: 'counter' | 'gauge', name: MetricName, label: string, read: () => [string, number][]) =>
      registerScraped(type, { name: METRIC_PREFIX + name, help: HELP[name], label, registers }, read);
    const caches = this.#caches;
    for (const field of ['hits', 'misses', 'errors', 'sets', 'deletes'] as const)
      scrape('counter', `cache_${field}_total`, 'backend', () =>
        caches.map((cache) => [cache.kind, readCacheStats(cache)[field]]),
      );
    scrape('gauge', 'cache_up', 'backend', () => caches.map((cache) => [cache.kind, cache.isHealthy() ? 1 : 0]));
    const breakers = this.#breakers;
    scrape('gauge', 'upstream_circuit_state', 'upstream', () =>
      breakers.map(({ upstream, breaker }) => [upstream, CIRCUIT_VALUE[breaker.state]]),
    );
    scrape('counter', 'upstream_circuit_opened_total', 'upstream', () =>
      breakers.map(({ upstream, breaker }) => [upstream, breaker.opened]),
    );
    const limiters = this.#limiters;
    scrape('gauge', 'upstream_concurrency_active', 'upstream', () =>
      limiters.map(({ upstream, stats }) => [upstream, stats.active]),
    );
    scrape('gauge', 'upstream_concurrency_queued', 'upstream', () =>
      limiters.map(({ upstream, stats }) => [upstream, stats.queued]),
    );
    const admission = this.#admission;
    scrape('gauge', 'graphql_admission_slots_in_use', 'component', () =>
      admission.map((stats) => ['gateway', stats.inUse]),
    );
    scrape('gauge', 'graphql_admission_queued', 'component', () => admission.map((stats) => ['gateway', stats.queued]));
    scrape('counter', 'graphql_admission_refused_total', 'reason', () =>
      admission.flatMap((stats) => Object.entries(stats.refused)),
    );
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

  /** Reports the gateway's admission queue at every scrape. */
  watchAdmission(stats: AdmissionFigures): void {
    this.#admission.push(stats);
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
