// RestClient's protections against a real HTTP server on port 0: the request's time budget, the circuit
// breaker (which failures count), and the observer that feeds /metrics.
import http from 'node:http';
import { toGraphQLError } from '../../../../src/errors/toGraphQLError.js';
import type { CallObserver } from '../../../../src/upstream/http/callRest.js';
import { CircuitBreaker } from '../../../../src/upstream/http/CircuitBreaker.js';
import { createHttpInstance } from '../../../../src/upstream/http/createHttpInstance.js';
import { createLimiter } from '../../../../src/upstream/http/createLimiter.js';
import { endpoint } from '../../../../src/upstream/http/endpoint.js';
import { RestClient, type RestClientOptions } from '../../../../src/upstream/http/RestClient.js';
import { closeServer, listenOnLoopback } from '../../../helpers/listen.js';

const table = {
  getRun: endpoint('GET /api/2.0/mlflow/runs/get'),
  logBatch: endpoint('POST /api/2.0/mlflow/runs/log-batch'),
};
type Api = {
  getRun: { params: { run_id: string }; response: unknown };
  logBatch: { params: { run_id: string }; response: unknown };
};

describe('RestClient protections', () => {
  let server: http.Server;
  let baseUrl: string;
  let handler: (request: http.IncomingMessage, response: http.ServerResponse) => void;
  let calls = 0;
  const events: Parameters<CallObserver>[0][] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      calls += 1;
      request.resume();
      handler(request, response);
    });
    baseUrl = (await listenOnLoopback(server)).url;
  });
  afterAll(() => {
    server.closeAllConnections();
    return closeServer(server);
  });
  beforeEach(() => {
    calls = 0;
    events.length = 0;
  });

  const client = (options: Partial<RestClientOptions> = {}) =>
    new RestClient<Api>('MLflow', table, {
      http: createHttpInstance({ baseUrl, connectTimeoutMs: 500, responseTimeoutMs: 5_000, maxSockets: 4 }),
      limiter: createLimiter(4),
      observe: (event) => events.push(event),
      ...options,
    });
  const status = (code: number) => (_request: http.IncomingMessage, response: http.ServerResponse) => {
    response
      .writeHead(code, { 'content-type': 'application/json' })
      .end(JSON.stringify(code < 300 ? { run: {} } : { error_code: 'X', message: 'no' }));
  };

  it('fails a call after the deadline with UPSTREAM_TIMEOUT without sending it', async () => {
    handler = status(200);
    const error = await client({ deadline: Date.now() - 1 })
      .call('getRun', { run_id: 'r' })
      .catch((e: unknown) => e);
    expect(toGraphQLError(error).extensions.code).toBe('UPSTREAM_TIMEOUT');
    expect((error as Error).message).toContain('time budget ran out');
    expect(calls).toBe(0);
    expect(events).toEqual([expect.objectContaining({ failure: 'budget', status: undefined })]);
  });

  it('cuts off a call in flight when the budget runs out, and does not retry it', async () => {
    // The server holds its answer until the call has settled: the call can only end by being cut off, or by
    // the 5 s response timeout, which a spent budget also reports as 'budget'. Telling those apart takes a
    // ceiling: only a guard, 10 × the 200 ms budget, and still well short of the 5 s.
    const held: http.ServerResponse[] = [];
    handler = (_request, response) => void held.push(response);
    const started = performance.now();
    const error = await client({ deadline: Date.now() + 200 })
      .call('getRun', { run_id: 'r' })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    for (const response of held) response.destroy();
    // Not before the budget ran out: a lower bound, which load cannot break.
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(10 * 200);
    expect(toGraphQLError(error).extensions.code).toBe('UPSTREAM_TIMEOUT');
    expect(calls).toBe(1);
    expect(events.map((event) => event.failure)).toEqual(['budget']);
  });

  it('opens the circuit on outage statuses (503), not on answers that mean the request was wrong (404)', async () => {
    const breaker = new CircuitBreaker({ threshold: 2, cooldownMs: 60_000 });
    handler = status(404);
    for (let i = 0; i < 5; i += 1)
      await client({ breaker })
        .call('getRun', { run_id: 'r' })
        .catch(() => undefined);
    expect(breaker.state).toBe('closed');
    handler = status(503);
    // A read is retried twice per call; the breaker counts calls, not attempts.
    await client({ breaker })
      .call('getRun', { run_id: 'r' })
      .catch(() => undefined);
    expect(breaker.state).toBe('closed');
    await client({ breaker })
      .call('getRun', { run_id: 'r' })
      .catch(() => undefined);
    expect(breaker.state).toBe('open');
    calls = 0;
    const error = await client({ breaker })
      .call('logBatch', { run_id: 'r' })
      .catch((e: unknown) => e);
    expect(toGraphQLError(error).extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(calls).toBe(0);
    expect(events.at(-1)).toMatchObject({ failure: 'circuit_open', route: 'POST /api/2.0/mlflow/runs/log-batch' });
  });

  it('does not count a spent budget against the upstream', async () => {
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 60_000 });
    handler = (_request, response) => setTimeout(() => status(200)(_request, response), 500);
    await client({ breaker, deadline: Date.now() + 50 })
      .call('getRun', { run_id: 'r' })
      .catch(() => undefined);
    expect(breaker.state).toBe('closed');
  });

  it('reports each attempt to the observer: status, latency, failure kind', async () => {
    let n = 0;
    handler = (request, response) => {
      n += 1;
      if (n === 1) status(503)(request, response);
      else if (n === 2) response.writeHead(200, { 'content-type': 'application/json' }).end('{"trunc');
      else status(200)(request, response);
    };
    await client().call('getRun', { run_id: 'r' });
    expect(events.map(({ status: code, failure }) => [code, failure])).toEqual([
      [503, 'http'],
      [200, 'malformed'],
      [200, undefined],
    ]);
    for (const event of events) expect(event.ms).toBeGreaterThanOrEqual(0);
  });
});
