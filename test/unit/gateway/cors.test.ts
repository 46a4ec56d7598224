import http, { type IncomingHttpHeaders } from 'node:http';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { CorsPolicy, corsAllowedHeaders, corsMaxAgeSeconds } from '../../../src/gateway/cors.js';
import { closeServer, listenOnLoopback } from '../../helpers/listen.js';

describe('CORS_ORIGINS (config)', () => {
  it('defaults to localhost and 127.0.0.1 on any port in development, nothing in production', () => {
    expect(loadConfig({}).corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*']);
    expect(loadConfig({ NODE_ENV: 'production', MLFLOW_TRACKING_URI: 'http://mlflow:5000' }).corsOrigins).toEqual([]);
  });

  it('takes a comma list of origins, port wildcards and (outside production) *', () => {
    expect(loadConfig({ CORS_ORIGINS: ' https://App.example.com/ , http://localhost:* ' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:*',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  it('refuses * in production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        MLFLOW_TRACKING_URI: 'http://mlflow:5000',
        CORS_ORIGINS: 'https://a.example.com,*',
      }),
    ).toThrow(
      new ConfigError("CORS_ORIGINS=* (any origin) is refused when NODE_ENV=production: list the frontends' origins"),
    );
  });

  it.each([
    'app.example.com',
    'https://app.example.com/graphql',
    'ftp://app.example.com',
    'https://user@app.example.com',
    'http://localhost:3000:*',
  ])('refuses "%s"', (entry) => {
    expect(() => loadConfig({ CORS_ORIGINS: entry })).toThrow(/CORS_ORIGINS entries must be origins/);
  });
});

describe('CorsPolicy.allows', () => {
  const policy = new CorsPolicy(['https://app.example.com', 'http://localhost:*']);

  it.each([
    ['https://app.example.com', true],
    ['http://app.example.com', false],
    ['https://app.example.com:8443', false],
    ['https://evil.app.example.com', false],
    ['https://app.example.com.evil.net', false],
    ['http://localhost:3000', true],
    ['http://localhost', true],
    ['https://localhost:3000', false],
    ['http://127.0.0.1:3000', false],
    ['null', false],
    ['file://', false],
  ])('%s → %s', (origin, allowed) => {
    expect(policy.allows(origin, 'gateway.example.com')).toBe(allowed);
  });

  it('allows the page this process serves (same host), whatever the list', () => {
    expect(new CorsPolicy([]).allows('http://gateway.internal:4000', 'gateway.internal:4000')).toBe(true);
    expect(new CorsPolicy([]).allows('https://gateway.example.com', 'gateway.example.com')).toBe(true);
    expect(new CorsPolicy([]).allows('http://other.internal:4000', 'gateway.internal:4000')).toBe(false);
  });

  it('* allows any http(s) origin but never null', () => {
    expect(new CorsPolicy(['*']).allows('https://anything.example', undefined)).toBe(true);
    expect(new CorsPolicy(['*']).allows('null', undefined)).toBe(false);
  });
});

describe('CorsPolicy.apply (over HTTP)', () => {
  let server: http.Server;
  let base: string;
  let reachedGraphql = 0;

  beforeAll(async () => {
    const policy = new CorsPolicy(['https://app.example.com']);
    server = http.createServer((request, response) => {
      if (policy.apply(request, response)) return;
      reachedGraphql += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
    });
    base = `${(await listenOnLoopback(server)).url}/graphql`;
  });
  afterAll(async () => {
    await closeServer(server);
  });

  async function send(
    method: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const request = http.request(base, { method, headers }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      });
      request.on('error', reject).end();
    });
  }

  it('answers the preflight of an allowed origin with 204 and every CORS header, without reaching GraphQL', async () => {
    const before = reachedGraphql;
    const { status, headers } = await send('OPTIONS', {
      origin: 'https://app.example.com',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });
    expect(status).toBe(204);
    expect(headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(headers['access-control-allow-methods']).toBe('GET, POST');
    expect(headers['access-control-allow-headers']?.split(', ')).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'apollo-require-preflight',
        'x-request-id',
        'x-apollo-operation-name',
      ]),
    );
    expect(headers['access-control-allow-headers']).toBe(corsAllowedHeaders.join(', '));
    expect(headers['access-control-allow-credentials']).toBe('true');
    expect(headers['access-control-max-age']).toBe(String(corsMaxAgeSeconds));
    expect(headers.vary).toMatch(/^Origin\b/);
    expect(reachedGraphql).toBe(before);
  });

  it('refuses the preflight of another origin with no CORS header at all', async () => {
    const { status, headers } = await send('OPTIONS', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(status).toBe(403);
    expect(Object.keys(headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(headers.vary).toMatch(/^Origin\b/);
  });

  it('adds the headers to the actual response of an allowed origin only', async () => {
    const allowed = await send('POST', { origin: 'https://app.example.com' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(allowed.headers['access-control-expose-headers']).toBe('x-request-id');
    expect(allowed.headers.vary).toBe('Origin');
    const other = await send('POST', { origin: 'https://evil.example' });
    expect(other.status).toBe(200);
    expect(Object.keys(other.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('passes an OPTIONS that is no preflight (no Origin) on to GraphQL', async () => {
    const before = reachedGraphql;
    await send('OPTIONS', {});
    expect(reachedGraphql).toBe(before + 1);
  });
});
