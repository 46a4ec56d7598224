import { backendProfile } from '../../../../../src/upstream/profiles/BackendProfile.js';
import type { RequestContext } from '../../../../../src/context/RequestContext.js';
import { noPermissionBackend } from '../../../../../src/auth/backends/NoPermissionBackend.js';
import { decideCacheSharing } from '../../../../../src/auth/cacheSharing.js';
import { deriveServerKeys } from '../../../../../src/auth/serverKeys.js';
import { requestCache } from '../../../../../src/cache/requestCache.js';
import { EntityCache } from '../../../../../src/cache/EntityCache.js';
import { MemoryCache } from '../../../../../src/cache/MemoryCache.js';
import { createSingleFlight } from '../../../../../src/cache/singleFlight.js';
import { createRegistryLoaders } from '../../../../../src/subgraphs/registry/loaders/createRegistryLoaders.js';
import { MlflowClient } from '../../../../../src/upstream/mlflow/MlflowClient.js';
import { UpstreamError } from '../../../../../src/upstream/http/UpstreamError.js';
import type { WireModelVersion } from '../../../../../src/upstream/mlflow/wire.js';

// The registry loaders against a recording fake of MlflowClient: asserts the batches they send.

interface Call {
  name: string;
  params: Record<string, any>;
}

const hexId = (n: number) => n.toString(16).padStart(32, '0').replace(/^0/, 'b');

function version(name: string, number: number, runId: string): WireModelVersion {
  return { name, version: String(number), run_id: runId, current_stage: 'None', status: 'READY' };
}

function fakeContext(versions: WireModelVersion[], options: { prefix?: string; bigRegistry?: boolean } = {}) {
  const prefix = options.prefix ?? 'http://mlflow.test';
  const calls: Call[] = [];
  // A real client (it measures request lines against the tracking URI's path) whose calls are recorded instead of sent.
  const mlflow = new MlflowClient({ http: { defaults: { options: { prefixUrl: prefix } } } } as any);
  Object.assign(mlflow, {
    async call(name: string, params: Record<string, any>) {
      calls.push({ name, params });
      switch (name) {
        case 'searchModelVersions': {
          const filter = String(params.filter ?? '');
          const inList = /^run_id IN \((.*)\)$/.exec(filter);
          if (inList) {
            const ids = [...(inList[1] as string).matchAll(/'([^']*)'/g)].map((m) => m[1]);
            // Like MLflow: ids that are not str.islower() are silently dropped from an IN list.
            const kept = ids.filter((id) => /[a-z]/.test(id as string) && !/[A-Z]/.test(id as string));
            return { model_versions: versions.filter((v) => kept.includes(v.run_id)) };
          }
          const equals = /^(run_id|name) = '(.*)'$/.exec(filter);
          if (equals)
            return { model_versions: versions.filter((v) => (equals[1] === 'name' ? v.name : v.run_id) === equals[2]) };
          // A registry too large for one page answers the unfiltered search with a next page token.
          return { model_versions: versions, ...(options.bigRegistry ? { next_page_token: 'more' } : {}) };
        }
        case 'getModelVersionByAlias':
          if (params.alias === 'champion')
            return { model_version: { ...version(params.name, 1, hexId(1)), aliases: ['champion'] } };
          throw new UpstreamError({
            upstream: 'MLflow',
            endpoint: 'GET /api/2.0/mlflow/registered-models/alias',
            failure: 'http',
            status: 400,
            errorCode: 'INVALID_PARAMETER_VALUE',
            message: `Registered model alias ${params.alias} not found.`,
          });
        case 'getModelVersion':
          throw new UpstreamError({
            upstream: 'MLflow',
            endpoint: 'GET /api/2.0/mlflow/model-versions/get',
            failure: 'http',
            status: 404,
            errorCode: 'RESOURCE_DOES_NOT_EXIST',
            message: `Model Version (name=${params.name}, version=${params.version}) not found`,
          });
        default:
          throw new Error(`unexpected call ${name}`);
      }
    },
  });
  const context = {
    clients: { mlflow },
    // A fresh cache per test: every batch below is a cold one.
    cache: requestCache({
      cache: new EntityCache(new MemoryCache()),
      singleFlight: createSingleFlight(),
      keys: deriveServerKeys(undefined),
      identity: 'anonymous',
      cacheSharing: async () =>
        decideCacheSharing({ cacheSharing: 'auto' }, backendProfile('mlflow'), noPermissionBackend),
    }),
    services: {
      config: { backend: 'mlflow', permissions: 'none' },
      profile: backendProfile('mlflow'),
    },
  } as unknown as RequestContext;
  return { context, calls };
}

describe('modelVersionsByRunId', () => {
  it('answers 50 runs with one run_id IN search, values in key order', async () => {
    const runIds = Array.from({ length: 50 }, (_, i) => hexId(i));
    const versions = runIds.slice(0, 10).map((id, i) => version(`m${i % 3}`, i + 1, id));
    const { context, calls } = fakeContext(versions);
    const loaders = createRegistryLoaders(context);
    const answers = await Promise.all(runIds.map((id) => loaders.modelVersionsByRunId.load(id)));
    expect(calls.map((c) => c.name)).toEqual(['searchModelVersions']);
    expect(calls[0]?.params.filter).toMatch(/^run_id IN \(/);
    answers.forEach((answer, index) => expect(answer).toEqual(versions.filter((v) => v.run_id === runIds[index])));
  });

  it('chunks 300 runs into searches of at most 60 ids (each within a request line)', async () => {
    const runIds = Array.from({ length: 300 }, (_, i) => hexId(i));
    const { context, calls } = fakeContext([]);
    const loaders = createRegistryLoaders(context);
    await Promise.all(runIds.map((id) => loaders.modelVersionsByRunId.load(id)));
    // ~90 ids of 32 characters would fit a 4094-byte request line; a search asks for at most 60.
    expect(calls.length).toBe(5);
    const sent = calls.flatMap((c) => [...String(c.params.filter).matchAll(/'([^']*)'/g)].map((m) => m[1]));
    expect(sent.sort()).toEqual([...runIds].sort());
  });

  it('asks for ids MLflow would drop from an IN list with `=`, one by one', async () => {
    const upper = 'ABCDEF0123456789ABCDEF0123456789';
    const digits = '12345678901234567890123456789012';
    const versions = [version('m', 1, upper), version('m', 2, digits), version('m', 3, hexId(7))];
    const { context, calls } = fakeContext(versions);
    const loaders = createRegistryLoaders(context);
    const [a, b, c] = await Promise.all([upper, digits, hexId(7)].map((id) => loaders.modelVersionsByRunId.load(id)));
    expect(a?.map((v) => v.version)).toEqual(['1']);
    expect(b?.map((v) => v.version)).toEqual(['2']);
    expect(c?.map((v) => v.version)).toEqual(['3']);
    expect(calls.map((call) => call.params.filter).sort()).toEqual(
      [`run_id = '${digits}'`, `run_id = '${upper}'`, `run_id IN ('${hexId(7)}')`].sort(),
    );
  });

  it('primes the versions it found, so ModelVersion lookups cost nothing more', async () => {
    const { context, calls } = fakeContext([version('m', 4, hexId(1))]);
    const loaders = createRegistryLoaders(context);
    await loaders.modelVersionsByRunId.load(hexId(1));
    await expect(loaders.modelVersion.load({ name: 'm', version: '4' })).resolves.toMatchObject({ version: '4' });
    expect(calls).toHaveLength(1);
  });
});

describe('not found', () => {
  it('reads MLflow 2.x "alias not found" (400 INVALID_PARAMETER_VALUE) as null', async () => {
    const { context } = fakeContext([]);
    const loaders = createRegistryLoaders(context);
    await expect(loaders.modelVersionByAlias.load({ name: 'm', alias: 'nope' })).resolves.toBeNull();
    await expect(loaders.modelVersionByAlias.load({ name: 'm', alias: 'champion' })).resolves.toMatchObject({
      aliases: ['champion'],
    });
  });

  it('reads a missing version (404 RESOURCE_DOES_NOT_EXIST) as null', async () => {
    const { context } = fakeContext([]);
    await expect(createRegistryLoaders(context).modelVersion.load({ name: 'm', version: '99' })).resolves.toBeNull();
  });
});

describe('firstVersionsPage', () => {
  it('lists a small registry once and splits it by model, newest first', async () => {
    const versions = [version('a', 1, hexId(1)), version('a', 2, hexId(2)), version('b', 1, hexId(3))];
    const { context, calls } = fakeContext(versions);
    const loaders = createRegistryLoaders(context);
    const [a, b] = await Promise.all(['a', 'b', 'a'].map((name) => loaders.firstVersionsPage.load({ name, size: 10 })));
    expect(calls.map((c) => [c.name, c.params.filter])).toEqual([['searchModelVersions', undefined]]);
    expect(a?.items.map((v) => v.version)).toEqual(['2', '1']);
    expect(b?.items.map((v) => v.version)).toEqual(['1']);
  });

  it('asks one `name =` search per model when the registry does not fit one page (the grammar has no name IN)', async () => {
    const versions = [version('a', 1, hexId(1)), version('a', 2, hexId(2)), version('b', 1, hexId(3))];
    const { context, calls } = fakeContext(versions, { bigRegistry: true });
    const loaders = createRegistryLoaders(context);
    await Promise.all(['a', 'b', 'a'].map((name) => loaders.firstVersionsPage.load({ name, size: 10 })));
    expect(calls.slice(1).map((c) => [c.params.filter, c.params.order_by, c.params.max_results])).toEqual([
      ["name = 'a'", ['version_number DESC'], 10],
      ["name = 'b'", ['version_number DESC'], 10],
    ]);
  });
});
