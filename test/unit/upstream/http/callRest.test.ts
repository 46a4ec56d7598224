import http from 'node:http';
import { callRest } from '../../../../src/upstream/http/callRest.js';
import { createHttpInstance } from '../../../../src/upstream/http/createHttpInstance.js';
import { endpoint } from '../../../../src/upstream/http/endpoint.js';
import { UpstreamError } from '../../../../src/upstream/http/UpstreamError.js';
import { errorCodeOf, toGraphQLError } from '../../../../src/errors/toGraphQLError.js';
import { asBearer } from '../../../helpers/auth.js';
import { closeServer, listenOnLoopback } from '../../../helpers/listen.js';

type Reply = (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void;

describe('callRest against a real HTTP server', () => {
  let server: http.Server;
  let baseUrl: string;
  let reply: Reply;
  const seen: { method: string; url: string; body: string; authorization?: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          body,
          ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
        });
        reply(request, body, response);
      });
    });
    baseUrl = (await listenOnLoopback(server)).url;
  });
  afterAll(() => closeServer(server));
  beforeEach(() => {
    seen.length = 0;
  });

  const http0 = () => createHttpInstance({ baseUrl, connectTimeoutMs: 500, responseTimeoutMs: 300, maxSockets: 4 });
  const json =
    (status: number, body: unknown): Reply =>
    (_, __, response) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };

  it('sends GET params as a query string (arrays repeated) and forwards Authorization', async () => {
    reply = json(200, { ok: true });
    const result = await callRest(
      http0(),
      'MLflow',
      endpoint('GET /api/2.0/mlflow/metrics/get-history-bulk-interval'),
      { run_ids: ['a', 'b'], metric_key: 'loss' },
      asBearer('abc'),
    );
    expect(result).toEqual({ ok: true });
    expect(seen[0]?.url).toBe('/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=a&run_ids=b&metric_key=loss');
    expect(seen[0]?.authorization).toBe('Bearer abc');
  });

  it('sends POST params as JSON and fills path placeholders', async () => {
    reply = json(200, {});
    await callRest(http0(), 'Databricks', endpoint('PATCH /api/2.0/permissions/experiments/{experiment_id}'), {
      experiment_id: '7',
      access_control_list: [],
    });
    expect(seen[0]).toMatchObject({
      method: 'PATCH',
      url: '/api/2.0/permissions/experiments/7',
      body: '{"access_control_list":[]}',
    });
  });

  it('retries an idempotent call on 503, then succeeds', async () => {
    let calls = 0;
    reply = (request, body, response) => {
      calls += 1;
      if (calls === 1) json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' })(request, body, response);
      else json(200, { runs: [] })(request, body, response);
    };
    await expect(
      callRest(http0(), 'MLflow', endpoint('POST /api/2.0/mlflow/runs/search', { readOnly: true }), {
        experiment_ids: ['1'],
      }),
    ).resolves.toEqual({ runs: [] });
    expect(seen).toHaveLength(2);
  });

  it('never retries a write, even on 503', async () => {
    reply = json(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
    const error = await callRest(http0(), 'MLflow', endpoint('POST /api/2.0/mlflow/runs/log-batch'), {
      run_id: 'r',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(seen).toHaveLength(1);
    expect(errorCodeOf(error)).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('never retries a write after a timeout either', async () => {
    reply = () => {
      /* never answers */
    };
    const error = await callRest(http0(), 'MLflow', endpoint('POST /api/2.0/mlflow/runs/create'), {
      experiment_id: '1',
    }).catch((e: unknown) => e);
    expect((error as UpstreamError).failure).toBe('timeout');
    expect(errorCodeOf(error)).toBe('UPSTREAM_TIMEOUT');
    expect(seen).toHaveLength(1);
  });

  it('carries MLflow error_code and status; maps to the closed set', async () => {
    reply = json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=x not found' });
    const error = (await callRest(http0(), 'MLflow', endpoint('GET /api/2.0/mlflow/runs/get'), { run_id: 'x' }).catch(
      (e: unknown) => e,
    )) as UpstreamError;
    expect(error.errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(error.status).toBe(404);
    const graphqlError = toGraphQLError(error);
    expect(graphqlError.extensions).toMatchObject({
      code: 'NOT_FOUND',
      mlflowErrorCode: 'RESOURCE_DOES_NOT_EXIST',
      upstreamStatus: 404,
    });
  });

  it('maps MLflow 2.x 500 for a bad experiments filter to BAD_USER_INPUT (corpus seq 21)', async () => {
    reply = json(500, {
      error_code: 'INTERNAL_ERROR',
      message: "Invalid comparator '~~' not one of '{'IN', 'ILIKE', '!=', 'NOT IN', '=', 'LIKE'}'",
    });
    const error = await callRest(
      http0(),
      'MLflow',
      endpoint('POST /api/2.0/mlflow/experiments/search', { readOnly: true }),
      { max_results: 1 },
      { retries: 0 },
    ).catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('BAD_USER_INPUT');
    expect(toGraphQLError(error).message).toContain('Invalid comparator');
  });

  it('treats an HTML 404 (no such endpoint) as UNSUPPORTED_BY_BACKEND', async () => {
    reply = (_, __, response) =>
      response.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><title>404 Not Found</title>');
    const error = await callRest(
      http0(),
      'MLflow',
      endpoint('GET /api/2.0/mlflow/metrics/get-history-bulk-interval'),
      {},
      { retries: 0 },
    ).catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('UNSUPPORTED_BY_BACKEND');
    expect(toGraphQLError(error).message).not.toContain('<');
  });

  it('maps basic-auth plain-text 401/403 and never echoes credentials', async () => {
    reply = (_, __, response) =>
      response
        .writeHead(401, { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="mlflow"' })
        .end('You are not authenticated. Bearer sekrit');
    const error = await callRest(
      http0(),
      'MLflow',
      endpoint('GET /api/2.0/mlflow/experiments/get'),
      { experiment_id: '0' },
      { authorization: 'Bearer sekrit', retries: 0 },
    ).catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(toGraphQLError(error))).not.toContain('sekrit');
    expect((error as Error).message).not.toContain('sekrit');
    reply = (_, __, response) => response.writeHead(403, { 'content-type': 'text/html' }).end('Permission denied');
    expect(
      errorCodeOf(
        await callRest(http0(), 'MLflow', endpoint('GET /api/2.0/mlflow/experiments/get'), {}, { retries: 0 }).catch(
          (e: unknown) => e,
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('reports malformed JSON as UPSTREAM_UNAVAILABLE without leaking the body', async () => {
    reply = (_, __, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"runs": [tru');
    const error = await callRest(http0(), 'MLflow', endpoint('GET /api/2.0/mlflow/runs/get'), {}, { retries: 0 }).catch(
      (e: unknown) => e,
    );
    expect((error as UpstreamError).failure).toBe('malformed');
    expect(errorCodeOf(error)).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('reports a refused connection as UPSTREAM_UNAVAILABLE', async () => {
    const dead = createHttpInstance({
      baseUrl: 'http://127.0.0.1:1',
      connectTimeoutMs: 200,
      responseTimeoutMs: 200,
      maxSockets: 1,
    });
    const error = await callRest(dead, 'MLflow', endpoint('GET /api/2.0/mlflow/runs/get'), {}, { retries: 0 }).catch(
      (e: unknown) => e,
    );
    expect((error as UpstreamError).failure).toBe('network');
    expect(errorCodeOf(error)).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('masks an unexpected error as INTERNAL_SERVER_ERROR', () => {
    const error = toGraphQLError(new Error('password=hunter2 at /srv/x.ts:12'));
    expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).toBe('Internal server error');
  });
});
