import { Router, type Route } from '../src/router.js';
import { isMlflow3, parseMlflowVersion } from '../src/mlflowVersion.js';
import { MLFLOW3_VERSION, startEmulator, type Emulator } from '../src/index.js';
import { call } from './httpClient.js';

function route(operation: string, path: string, methods: string[]): Route {
  return { operation, path, methods, handler: () => ({ operation }) };
}

describe('Router', () => {
  const router = new Router()
    .add(route('Search', '/logged-models/search', ['POST']))
    .add(route('Get', '/logged-models/{model_id}', ['GET', 'DELETE', 'PATCH']))
    .add(route('SetTags', '/logged-models/{model_id}/tags', ['PATCH']))
    .add(route('DeleteTag', '/logged-models/{model_id}/tags/{tag_key}', ['DELETE']))
    .add(route('Other', '/logged-models/{model_id}/{anything}', ['GET']))
    .add(route('Version', '/version', ['GET']));

  it('matches literal paths and binds path parameters by name', () => {
    expect(router.match('/version', 'GET')).toMatchObject({ kind: 'route', params: {} });
    expect(router.match('/logged-models/m-1/tags/a.b', 'DELETE')).toEqual({
      kind: 'route',
      route: expect.objectContaining({ operation: 'DeleteTag' }),
      params: { model_id: 'm-1', tag_key: 'a.b' },
    });
  });

  it('prefers a literal path, then the most literal template, as Werkzeug does', () => {
    expect(router.match('/logged-models/search', 'POST')).toMatchObject({ route: { operation: 'Search' } });
    expect(router.match('/logged-models/m-1/tags', 'PATCH')).toMatchObject({ route: { operation: 'SetTags' } });
    expect(router.match('/logged-models/m-1/tags', 'GET')).toMatchObject({
      route: { operation: 'Other' },
      params: { model_id: 'm-1', anything: 'tags' },
    });
    // A literal path with another method falls through to a template that has the method.
    expect(router.match('/logged-models/search', 'GET')).toMatchObject({
      route: { operation: 'Get' },
      params: { model_id: 'search' },
    });
  });

  it('answers 405 with the methods of every route the path matches, and 404 for the rest', () => {
    expect(router.match('/logged-models/m-1/tags', 'POST')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['PATCH', 'GET', 'HEAD'],
    });
    expect(router.match('/logged-models/m-1/tags/k/extra', 'GET')).toEqual({ kind: 'not-found' });
    expect(router.match('/logged-models//tags', 'PATCH')).toEqual({ kind: 'not-found' });
    expect(router.match('/logged-models', 'GET')).toEqual({ kind: 'not-found' });
  });

  it('lists templated endpoints with the literal ones', () => {
    expect(router.endpoints()).toEqual(
      expect.arrayContaining(['POST /logged-models/search', 'DELETE /logged-models/{model_id}/tags/{tag_key}']),
    );
  });
});

describe('MLflow version', () => {
  it('parses 2.x and 3.x versions and refuses others, saying what it expected', () => {
    expect(parseMlflowVersion('3.11.1')).toEqual({ major: 3, minor: 11 });
    expect(parseMlflowVersion('3.0.0rc1')).toEqual({ major: 3, minor: 0 });
    expect(isMlflow3({ mlflowVersion: '2.12.2' })).toBe(false);
    expect(isMlflow3({ mlflowVersion: MLFLOW3_VERSION })).toBe(true);
    expect(() => parseMlflowVersion('latest')).toThrow(
      'expected an MLflow version like 2.12.2 or 3.11.1, got "latest"',
    );
    expect(() => parseMlflowVersion('1.30.0')).toThrow('expected MLflow 2.x or 3.x, got 1.30.0');
  });

  it('refuses to start with a version it cannot emulate', async () => {
    await expect(startEmulator({ mlflowVersion: 'three' })).rejects.toThrow(/expected an MLflow version/);
  });
});

describe('the emulator in 3.x mode', () => {
  let v3: Emulator;
  let v2: Emulator;
  beforeAll(async () => {
    [v3, v2] = await Promise.all([startEmulator({ mlflowVersion: MLFLOW3_VERSION }), startEmulator()]);
  });
  afterAll(() => Promise.all([v3.close(), v2.close()]));

  it('answers its version and server-info under both 3.0 prefixes, and 404 under the 2.0 one', async () => {
    expect((await call(v3.url, '/version')).text).toBe('3.11.1');
    for (const prefix of ['/api/3.0/mlflow', '/ajax-api/3.0/mlflow']) {
      const info = await call(v3.url, `${prefix}/server-info`);
      expect(info.status).toBe(200);
      expect(info.text).toBe('{"store_type":"SqlStore","workspaces_enabled":false}');
    }
    expect((await call(v3.url, '/api/2.0/mlflow/server-info')).status).toBe(404);
    expect((await call(v3.url, '/api/3.0/mlflow/server-info', { method: 'POST', body: {} })).status).toBe(405);
  });

  it('keeps 2.x mode as it was: 2.12.2, no server-info', async () => {
    expect((await call(v2.url, '/version')).text).toBe('2.12.2');
    expect((await call(v2.url, '/api/3.0/mlflow/server-info')).status).toBe(404);
  });
});
