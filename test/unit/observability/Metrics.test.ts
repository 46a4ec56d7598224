import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { Metrics } from '../../../src/observability/Metrics.js';
import { instrumentLimiter } from '../../../src/observability/instrumentLimiter.js';
import { createLimiter } from '../../../src/upstream/http/createLimiter.js';
import { CircuitBreaker } from '../../../src/upstream/http/CircuitBreaker.js';

const line = (text: string, prefix: string) => text.split('\n').find((candidate) => candidate.startsWith(prefix));

describe('Metrics', () => {
  it('counts requests by operation and outcome, and errors by code', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.requestStarted();
    metrics.recordRequest({
      operationName: 'Runs',
      operationType: 'query',
      outcome: 'partial',
      durationMs: 12,
      errorCodes: ['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT'],
    });
    metrics.requestStarted();
    metrics.recordRequest({
      operationName: undefined,
      operationType: undefined,
      outcome: 'error',
      durationMs: 1,
      errorCodes: ['BAD_USER_INPUT'],
    });
    const text = await metrics.render();
    expect(
      line(text, 'mlflow_supergraph_graphql_requests_total{operation="Runs",type="query",outcome="partial"}'),
    ).toMatch(/ 1$/);
    expect(
      line(text, 'mlflow_supergraph_graphql_requests_total{operation="__anonymous",type="unknown",outcome="error"}'),
    ).toMatch(/ 1$/);
    expect(line(text, 'mlflow_supergraph_graphql_errors_total{code="UPSTREAM_TIMEOUT"}')).toMatch(/ 2$/);
    expect(
      line(text, 'mlflow_supergraph_graphql_request_duration_seconds_count{operation="Runs",type="query"}'),
    ).toMatch(/ 1$/);
    expect(line(text, 'mlflow_supergraph_graphql_requests_in_flight')).toMatch(/ 0$/);
    expect(text).not.toContain('process_resident_memory_bytes');
  });

  it('keeps client-chosen operation names from growing the label set without bound', async () => {
    const metrics = new Metrics({ processMetrics: false, maxOperationNames: 3 });
    for (let i = 0; i < 50; i += 1) {
      metrics.requestStarted();
      metrics.recordRequest({
        operationName: `Op${i}`,
        operationType: 'query',
        outcome: 'success',
        durationMs: 1,
        errorCodes: [],
      });
    }
    const text = await metrics.render();
    const operations = new Set(
      [...text.matchAll(/graphql_requests_total\{operation="([^"]+)"/g)].map((match) => match[1]),
    );
    expect(operations).toEqual(new Set(['Op0', 'Op1', 'Op2', '__other']));
    expect(
      line(text, 'mlflow_supergraph_graphql_requests_total{operation="__other",type="query",outcome="success"}'),
    ).toMatch(/ 47$/);
  });

  it('classifies upstream attempts: 4xx is not an error, 5xx/timeout/network/malformed/budget/circuit_open are', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const route = 'GET /api/2.0/mlflow/runs/get';
    for (const [status, failure] of [
      [200, undefined],
      [404, 'http'],
      [503, 'http'],
      [undefined, 'timeout'],
      [undefined, 'network'],
      [200, 'malformed'],
      [undefined, 'budget'],
      [undefined, 'circuit_open'],
    ] as const) {
      metrics.observeUpstream({ upstream: 'MLflow', route, status, ms: 5, ...(failure ? { failure } : {}) });
    }
    const text = await metrics.render();
    const kinds = [
      ...text.matchAll(/upstream_errors_total\{upstream="MLflow",endpoint="[^"]+",kind="([^"]+)"\} (\d+)/g),
    ].map((match) => `${match[1]}=${match[2]}`);
    expect(kinds.sort()).toEqual([
      'budget=1',
      'circuit_open=1',
      'malformed=1',
      'network=1',
      'server_error=1',
      'timeout=1',
    ]);
    expect(
      line(text, `mlflow_supergraph_upstream_requests_total{upstream="MLflow",endpoint="${route}",status="200"}`),
    ).toMatch(/ 2$/);
    // Refused or never-sent attempts have no latency to report.
    expect(
      line(text, `mlflow_supergraph_upstream_request_duration_seconds_count{upstream="MLflow",endpoint="${route}"}`),
    ).toMatch(/ 6$/);
  });

  it('reads cache, circuit and limiter figures at scrape time', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const cache = new MemoryCache();
    metrics.watchCache(cache);
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 60_000 });
    metrics.watchBreaker('MLflow', breaker);
    const { limiter, stats } = instrumentLimiter(createLimiter(1));
    metrics.watchLimiter('MLflow', stats);

    await cache.set('a', '1', 60);
    await cache.get('a');
    await cache.get('b');
    breaker.failure();
    let release!: () => void;
    const held = limiter(() => new Promise<void>((resolve) => (release = resolve)));
    const waiting = limiter(async () => undefined);
    const text = await metrics.render();
    expect(line(text, 'mlflow_supergraph_cache_hits_total{backend="memory"}')).toMatch(/ 1$/);
    expect(line(text, 'mlflow_supergraph_cache_misses_total{backend="memory"}')).toMatch(/ 1$/);
    expect(line(text, 'mlflow_supergraph_cache_sets_total{backend="memory"}')).toMatch(/ 1$/);
    expect(line(text, 'mlflow_supergraph_cache_up{backend="memory"}')).toMatch(/ 1$/);
    expect(line(text, 'mlflow_supergraph_upstream_circuit_state{upstream="MLflow"}')).toMatch(/ 2$/);
    expect(line(text, 'mlflow_supergraph_upstream_circuit_opened_total{upstream="MLflow"}')).toMatch(/ 1$/);
    expect(line(text, 'mlflow_supergraph_upstream_concurrency_active{upstream="MLflow"}')).toMatch(/ 1$/);
    expect(line(text, 'mlflow_supergraph_upstream_concurrency_queued{upstream="MLflow"}')).toMatch(/ 1$/);
    release();
    await Promise.all([held, waiting]);
    const after = await metrics.render();
    expect(line(after, 'mlflow_supergraph_upstream_concurrency_active{upstream="MLflow"}')).toMatch(/ 0$/);
    expect(line(after, 'mlflow_supergraph_upstream_concurrency_queued{upstream="MLflow"}')).toMatch(/ 0$/);
  });

  it('records DataLoader batch sizes through the hook', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.observeBatch('runById', 40);
    metrics.observeBatch('runById', 3);
    const text = await metrics.render();
    expect(line(text, 'mlflow_supergraph_dataloader_batch_size_sum{loader="runById"}')).toMatch(/ 43$/);
    expect(line(text, 'mlflow_supergraph_dataloader_batch_size_bucket{le="5",loader="runById"}')).toMatch(/ 1$/);
  });

  it('includes Node process metrics when asked (RSS, heap, event loop)', async () => {
    const text = await new Metrics({ processMetrics: true }).render();
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
