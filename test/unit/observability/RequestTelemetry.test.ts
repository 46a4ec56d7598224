// One JSON log line per request (pino), x-request-id accepted or generated, returned to the client and sent
// upstream, and never a credential in a log line. Real gateway, real emulator behind basic auth, and a
// recording proxy between them to see the headers MLflow receives.
import http from 'node:http';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { loadConfig } from '../../../src/config.js';
import { createServices } from '../../../src/context/createServices.js';
import type { Services } from '../../../src/context/Services.js';
import { ALICE, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { startGateway, type RunningGateway } from '../../../src/gateway/startGateway.js';
import { createTelemetry } from '../../../src/observability/Telemetry.js';
import { asUser, basicAuth } from '../../helpers/auth.js';
import { closeServer, listenOnLoopback } from '../../helpers/listen.js';

describe('request logs and request ids', () => {
  let emulator: Emulator;
  let proxy: http.Server;
  let gateway: RunningGateway;
  let services: Services;
  const lines: Record<string, any>[] = [];
  const upstreamRequestIds: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', auth: true });
    const target = new URL(emulator.url);
    // Forwards everything to the emulator, noting the x-request-id each upstream call carries.
    proxy = http.createServer((request, response) => {
      upstreamRequestIds.push(String(request.headers['x-request-id']));
      const forward = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: request.url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(forward);
    });
    const proxyUrl = (await listenOnLoopback(proxy)).url;
    const config = loadConfig({ NODE_ENV: 'test', MLFLOW_TRACKING_URI: proxyUrl, LOG_LEVEL: 'info' });
    const telemetry = createTelemetry(config, {
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    services = createServices(config, proxyUrl, { cache: new MemoryCache(), telemetry });
    gateway = await startGateway({ config, services, port: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await services.close();
    proxy.closeAllConnections();
    await closeServer(proxy);
    await emulator.close();
  });
  beforeEach(() => {
    lines.length = 0;
    upstreamRequestIds.length = 0;
  });

  async function post(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { response, json: (await response.json()) as any };
  }
  const requestLines = () => lines.filter((line) => line.msg === 'graphql request');

  it('writes one line per request with operation, outcome, duration, upstream calls and principal, and no credentials', async () => {
    const authorization = basicAuth(ALICE.username, ALICE.password);
    const { response, json } = await post(
      {
        query: 'query Dashboard { experiments(first: 2) { nodes { id runs(first: 2) { nodes { id } } } } }',
        operationName: 'Dashboard',
      },
      { authorization, 'x-request-id': 'req-42' },
    );
    expect(json.errors).toBeUndefined();
    expect(response.headers.get('x-request-id')).toBe('req-42');
    const logged = requestLines();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'info',
      component: 'gateway',
      requestId: 'req-42',
      operationName: 'Dashboard',
      operationType: 'query',
      outcome: 'success',
      status: 200,
      errorCodes: [],
      principal: 'user:alice',
      principalKind: 'basic',
    });
    expect(logged[0]?.durationMs).toBeGreaterThan(0);
    expect(logged[0]?.upstreamCalls).toBeGreaterThanOrEqual(2);
    // Every upstream call of the request carried its id.
    expect(upstreamRequestIds.length).toBe(logged[0]?.upstreamCalls);
    expect(new Set(upstreamRequestIds)).toEqual(new Set(['req-42']));
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(ALICE.password);
    expect(everything).not.toContain(authorization.slice('Basic '.length));
    expect(everything).not.toContain('experiments(first');
  });

  it('generates a request id when the client sends none or an unsafe one', async () => {
    const first = await post({ query: '{ experiments(first: 1) { nodes { id } } }' }, asUser(ALICE));
    const generated = first.response.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(upstreamRequestIds)).toEqual(new Set([generated]));
    const unsafe = await post(
      { query: '{ experiments(first: 1) { nodes { id } } }' },
      { authorization: basicAuth(ALICE.username, ALICE.password), 'x-request-id': `a b <script>${'x'.repeat(200)}` },
    );
    expect(unsafe.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines().map((line) => line.requestId)).toEqual([
      generated,
      unsafe.response.headers.get('x-request-id'),
    ]);
  });

  it('logs failed requests at warn with their error codes, and refused requests too', async () => {
    emulator.setFaults([{ endpoint: 'POST /api/2.0/mlflow/experiments/search', kind: 'status', status: 503 }]);
    try {
      const { json } = await post({ query: 'query Broken { experiments(first: 3) { nodes { id } } }' }, asUser(ALICE));
      expect(json.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      emulator.clearFaults();
    }
    const bad = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    const logged = requestLines();
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      level: 'warn',
      operationName: 'Broken',
      outcome: 'error',
      errorCodes: ['UPSTREAM_UNAVAILABLE'],
    });
    expect(logged[1]).toMatchObject({ level: 'info', status: 400, outcome: 'error', operationName: null });
    expect(bad.headers.get('x-request-id')).toBe(logged[1]?.requestId);
  });
});
