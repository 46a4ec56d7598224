import { createServer, type Server } from 'node:http';
import got from 'got';
import { noPermissionBackend, noPermissionBackendBecause } from '../../../src/auth/backends/NoPermissionBackend.js';
import { probeAuthScheme } from '../../../src/auth/backends/detectPermissionBackend.js';
import { decideCacheSharing } from '../../../src/auth/cacheSharing.js';
import type { PermissionBackend } from '../../../src/auth/PermissionBackend.js';
import { backendProfile, type BackendProfile } from '../../../src/upstream/profiles/BackendProfile.js';
import { closeServer, listenOnLoopback } from '../../helpers/listen.js';

const service = (kind: PermissionBackend['kind']): PermissionBackend => ({ ...noPermissionBackend, kind });
const auto = { cacheSharing: 'auto' as const };

describe('decideCacheSharing', () => {
  it.each([
    ['mlflow', 'mlflow-basic-auth'],
    ['mlflow', 'http'],
    ['databricks', 'databricks'],
    ['databricks', 'http'],
    ['gitlab', 'gitlab'],
    ['gitlab', 'http'],
  ] as const)('shares on %s under %s, a service that decides per object', (kind, permissions) => {
    const decided = decideCacheSharing(auto, backendProfile(kind), service(permissions));
    expect(decided.mode).toBe('shared');
    expect(decided.reason).toContain(permissions);
  });

  it.each(['mlflow', 'databricks', 'gitlab'] as const)(
    'keeps entries per caller on %s with no permission service, giving its reason',
    (kind) => {
      const decided = decideCacheSharing(
        auto,
        backendProfile(kind),
        noPermissionBackendBecause('MLflow refused an anonymous request with HTTP 401'),
      );
      expect(decided).toEqual({ mode: 'per-caller', reason: expect.stringContaining('HTTP 401') });
    },
  );

  it('keeps entries per caller when the profile does not declare sharing under the service (a new backend shares nothing)', () => {
    const undeclared: BackendProfile = {
      ...backendProfile('mlflow'),
      capabilities: { ...backendProfile('mlflow').capabilities, cacheSharedUnder: [] },
    };
    expect(decideCacheSharing(auto, undeclared, service('mlflow-basic-auth')).mode).toBe('per-caller');
    // A service one backend declares says nothing about another's.
    expect(decideCacheSharing(auto, backendProfile('mlflow'), service('databricks')).mode).toBe('per-caller');
  });

  it('never shares when the operator says per-caller', () => {
    const decided = decideCacheSharing(
      { cacheSharing: 'per-caller' },
      backendProfile('mlflow'),
      service('mlflow-basic-auth'),
    );
    expect(decided).toEqual({
      mode: 'per-caller',
      reason: expect.stringContaining('MLFLOW_SUPERGRAPH_CACHE_SHARING=per-caller'),
    });
  });
});

describe('probeAuthScheme', () => {
  let server: Server;
  let answer: { status: number; headers: Record<string, string> };
  let base: string;
  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(answer.status, answer.headers);
      response.end('{}');
    });
    base = `${(await listenOnLoopback(server)).url}/`;
  });
  afterAll(() => closeServer(server));
  const probe = () => probeAuthScheme(got.extend({ prefixUrl: base, throwHttpErrors: false, retry: { limit: 0 } }));

  it.each([
    [401, { 'www-authenticate': 'Basic realm="mlflow"' }, 'mlflow-basic-auth'],
    [401, { 'www-authenticate': 'Bearer realm="app-layer"' }, 'unknown'],
    [401, { 'www-authenticate': 'Basic realm="nginx"' }, 'unknown'],
    [403, {}, 'unknown'],
    [200, {}, 'open'],
    [404, {}, 'open'],
  ] as const)('reads HTTP %i %j as %s', async (status, headers, scheme) => {
    answer = { status, headers: { 'content-type': 'application/json', ...headers } };
    expect((await probe()).scheme).toBe(scheme);
  });
});

describe('probeAuthScheme on a connection the server resets', () => {
  let server: Server;
  let resets: number;
  let requests: number;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests += 1;
      if (requests <= resets) {
        request.socket.destroy(); // as a server closing a kept-alive connection the probe was written to
        return;
      }
      response.writeHead(401, { 'www-authenticate': 'Basic realm="mlflow"' });
      response.end('{}');
    });
    base = `${(await listenOnLoopback(server)).url}/`;
  });
  beforeEach(() => {
    requests = 0;
  });
  afterAll(() => closeServer(server));
  const probe = () => probeAuthScheme(got.extend({ prefixUrl: base, throwHttpErrors: false, retry: { limit: 0 } }));

  it('sends the probe (a GET) once more after a reset, and reads the answer', async () => {
    resets = 1;
    expect((await probe()).scheme).toBe('mlflow-basic-auth');
    expect(requests).toBe(2);
  });

  it('gives up after a second reset: a network failure, the code in its cause only', async () => {
    resets = 5;
    await expect(probe()).rejects.toMatchObject({
      failure: 'network',
      message: 'MLflow is unreachable',
      cause: { code: 'ECONNRESET' },
    });
    expect(requests).toBe(2);
  });
});
