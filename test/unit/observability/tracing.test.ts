// OpenTelemetry spans, recorded by the SDK's in-memory exporter: the gateway request (joining the caller's
// trace), @apollo/gateway's plan and per-subgraph fetch spans, and one CLIENT span per upstream call, all in
// one trace and carrying the request id. Without an endpoint or an exporter nothing is registered.
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../../src/config.js';
import { REQUEST_ID_ATTRIBUTE, startTracing, type Tracing } from '../../../src/observability/tracing.js';
import { startStack, type Stack } from '../../helpers/startStack.js';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | undefined;
  let stack: Stack;

  beforeAll(async () => {
    tracing = await startTracing(loadConfig({ NODE_ENV: 'test' }), { exporter });
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
    await tracing?.shutdown();
  });

  it('registers nothing when no OTLP endpoint is configured', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.tracing.endpoint).toBeUndefined();
    await expect(startTracing(config)).resolves.toBeUndefined();
    expect(
      loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing.endpoint,
    ).toBe('http://127.0.0.1:4318');
    expect(
      loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })
        .tracing.endpoint,
    ).toBeUndefined();
  });

  it("traces the request, the query plan, each subgraph fetch and each upstream call, in the caller's trace", async () => {
    exporter.reset();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const result = await stack.query(
      `query Traced { experiments(first: 2) { nodes { id runs(first: 2) { nodes { id modelVersions { version } } } } } }`,
      undefined,
      { 'x-request-id': 'trace-me', traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    );
    expect(result.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const byName = (name: string) => spans.filter((span) => span.name === name);

    const [server] = byName('POST /graphql');
    expect(server).toBeDefined();
    expect(server?.attributes[REQUEST_ID_ATTRIBUTE]).toBe('trace-me');
    expect(server?.attributes['graphql.operation.name']).toBe('Traced');
    expect(server?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');

    expect(byName('gateway.request')).toHaveLength(1);
    expect(byName('gateway.plan').length).toBeGreaterThanOrEqual(1);
    const fetched = new Set(byName('gateway.fetch').map((span) => span.attributes.service));
    expect(fetched).toEqual(new Set(['tracking', 'registry']));

    const upstream = spans.filter(
      (span) => span.name.startsWith('POST /api/2.0/mlflow/') || span.name.startsWith('GET /api/2.0/mlflow/'),
    );
    expect(upstream.map((span) => span.name)).toEqual(
      expect.arrayContaining([
        'POST /api/2.0/mlflow/experiments/search',
        'POST /api/2.0/mlflow/runs/search',
        'GET /api/2.0/mlflow/model-versions/search',
      ]),
    );
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const ancestors = (span: ReadableSpan): string[] => {
      const parent = span.parentSpanContext?.spanId ? byId.get(span.parentSpanContext.spanId) : undefined;
      return parent ? [parent.name, ...ancestors(parent)] : [];
    };
    for (const span of upstream) {
      expect(span.attributes[REQUEST_ID_ATTRIBUTE]).toBe('trace-me');
      expect(span.attributes['http.response.status_code']).toBe(200);
      expect(span.events.map((event) => event.name)).toContain('attempt');
      // Each upstream call hangs under a subgraph fetch, under the request.
      expect(ancestors(span)).toEqual(expect.arrayContaining(['gateway.fetch', 'gateway.request', 'POST /graphql']));
    }
  });

  it('marks the request span and the failed upstream span as errors', async () => {
    exporter.reset();
    stack.coldStart();
    stack.emulator.setFaults([{ endpoint: 'GET /api/2.0/mlflow/experiments/get', kind: 'status', status: 503 }]);
    try {
      await stack.query(`{ experiment(id: "2") { id } }`, undefined, { 'x-request-id': 'trace-fail' });
    } finally {
      stack.emulator.clearFaults();
    }
    const spans = exporter.getFinishedSpans().filter((span) => span.attributes[REQUEST_ID_ATTRIBUTE] === 'trace-fail');
    const server = spans.find((span) => span.name === 'POST /graphql');
    expect(server?.status.code).toBe(2); // ERROR
    expect(server?.attributes['graphql.error_codes']).toEqual(['UPSTREAM_UNAVAILABLE']);
    const call = spans.find((span) => span.name === 'GET /api/2.0/mlflow/experiments/get');
    expect(call?.status.code).toBe(2);
    expect(call?.events.filter((event) => event.name === 'attempt')).toHaveLength(3);
    expect(trace.getTracerProvider()).toBeDefined();
  });
});
