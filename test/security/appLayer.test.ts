// Attack class: the shared cache behind an app layer. MLflow deployed behind a layer that decides access itself
// (Darwin's, ML Studio's) with the gateway on its defaults (permissions auto, passthrough): no permission service
// the gateway can ask, so nothing may be shared. Alice (allowed) warms the cache; bob (refused the private
// experiment by the layer), an anonymous caller and a caller with a made-up token then ask the same questions.
// Figure protected: 0 private values in their answers, warm or cold, in memory or in Redis.
import { startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { startAppLayer, type AppLayer } from '../helpers/startAppLayer.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { asBearer, basicAuth } from '../helpers/auth.js';
import { redisNamespace } from '../helpers/redis.js';

const PRIVATE_EXPERIMENT = 'demand-forecasting';
const PRIVATE_MODEL = 'demand-forecaster';
const ALICE = asBearer('layer-alice');
const BOB = asBearer('layer-bob');
const ANONYMOUS = {};
const FORGED = asBearer('layer-mallory');

/** Every read path to the private experiment's data: root, nested, lists, histories, _entities (ModelVersion.run). */
const QUERIES: { name: string; query: string; vars: (ids: PrivateIds) => Record<string, unknown> }[] = [
  {
    name: 'experimentByName + runs + params + histories',
    query: `query($n: String!) { experimentByName(name: $n) { id name tags { key value } runs(first: 10) { nodes { id name params { key value } metrics { key value } metricHistory(key: "loss") { step value } } } } }`,
    vars: () => ({ n: PRIVATE_EXPERIMENT }),
  },
  {
    name: 'experiment(id)',
    query: `query($id: ID!) { experiment(id: $id) { id name artifactLocation } }`,
    vars: (ids) => ({ id: ids.experimentId }),
  },
  { name: 'experiments list', query: `{ experiments(first: 50) { nodes { id name } } }`, vars: () => ({}) },
  {
    name: 'run(id) with params, metrics, history',
    query: `query($id: ID!) { run(id: $id) { id name experiment { id name } params { key value } metrics { key value } metricHistory(key: "loss") { step value } } }`,
    vars: (ids) => ({ id: ids.runId }),
  },
  {
    name: 'runs(experimentIds)',
    query: `query($e: [ID!]!) { runs(experimentIds: $e, first: 10) { nodes { id name params { key value } } } }`,
    vars: (ids) => ({ e: [ids.experimentId] }),
  },
  {
    name: 'ModelVersion.run (_entities)',
    query: `query($m: String!) { registeredModel(name: $m) { versions(first: 10) { nodes { version run { id name params { key value } experiment { name } } } } } }`,
    vars: () => ({ m: PRIVATE_MODEL }),
  },
];

interface PrivateIds {
  experimentId: string;
  runId: string;
  /** Values only the private experiment's data contains: its id and name, its runs' ids and names. */
  secrets: string[];
}

const variants = [
  {
    name: 'anonymous refused (an unknown auth scheme), in-memory cache',
    anonymousDefaultExperiment: false,
    redis: false,
    reason: /HTTP 401 .*Bearer realm="app-layer".*not MLflow's basic-auth/,
  },
  {
    name: 'anonymous reads the default experiment (looks open), Redis',
    anonymousDefaultExperiment: true,
    redis: true,
    reason: /answered an anonymous request with HTTP 200/,
  },
];

describe.each(variants)('MLflow behind an app layer that decides access: $name', (variant) => {
  let emulator: Emulator;
  let layer: AppLayer;
  let stack: Stack;
  let ids: PrivateIds;
  const redis = redisNamespace('applayer');
  let leaks = 0;
  let checks = 0;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    const found = emulator.store.tracking.getExperimentByName(PRIVATE_EXPERIMENT);
    layer = await startAppLayer({
      upstream: emulator.url,
      tokens: { 'layer-alice': 'alice', 'layer-bob': 'bob' },
      refused: { bob: [found!.experimentId] },
      anonymousDefaultExperiment: variant.anonymousDefaultExperiment,
    });
    stack = await startStack({
      sharedEmulator: emulator,
      trackingUri: () => layer.url,
      env: variant.redis ? { ...redis.env, CACHE_TTL_SEARCH_PAGE: '120' } : {},
    });
  });
  afterAll(async () => {
    console.log(`app layer (${variant.name}): ${checks} checks, ${leaks} leaked values`);
    await stack?.close();
    await layer?.close();
    await emulator?.close();
    if (variant.redis) await redis.deleteKeys();
  });

  it('says per caller, and why, in Query.backend', async () => {
    const result = await stack.query(`{ backend { permissionService cacheSharing { mode reason } } }`, {}, ALICE);
    expect(result.errors).toBeUndefined();
    expect(result.data.backend.permissionService).toBe('none');
    expect(result.data.backend.cacheSharing.mode).toBe('PER_CALLER');
    expect(result.data.backend.cacheSharing.reason).toMatch(variant.reason);
  });

  it('serves alice her own warm answers with no upstream call', async () => {
    const first = await stack.query(QUERIES[0]!.query, { n: PRIVATE_EXPERIMENT }, ALICE);
    expect(first.errors).toBeUndefined();
    const experiment = first.data.experimentByName;
    const runs = experiment.runs.nodes as { id: string; name: string; params: unknown[] }[];
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.some((run) => run.params.length > 0)).toBe(true);
    ids = {
      experimentId: experiment.id,
      runId: runs[0]!.id,
      secrets: [experiment.id, experiment.name, ...runs.flatMap((run) => [run.id, run.name])],
    };
    // Warm every other path as alice too, so a leak would have something to leak.
    for (const path of QUERIES) {
      const warm = await stack.query(path.query, path.vars(ids), ALICE);
      expect(warm.errors).toBeUndefined();
    }
    emulator.resetCalls();
    const again = await stack.query(QUERIES[0]!.query, { n: PRIVATE_EXPERIMENT }, ALICE);
    expect(again).toEqual(first);
    expect(emulator.totalCalls()).toBe(0);
  });

  describe.each([
    ['bob (refused by the layer)', BOB],
    ['an anonymous caller', ANONYMOUS],
    ['a made-up token', FORGED],
  ] as const)('%s', (_who, headers) => {
    it.each(QUERIES.map((q) => [q.name, q] as const))(
      'reads nothing of the private experiment through %s, cold then warm',
      async (_name, path) => {
        for (let round = 0; round < 2; round += 1) {
          const result = await stack.query(path.query, path.vars(ids), headers);
          checks += 1;
          const text = JSON.stringify({
            data: result.data ?? null,
            errors: (result.errors ?? []).map((e) => e.message),
          });
          const leaked = ids.secrets.filter((secret) => text.includes(secret));
          leaks += leaked.length;
          expect(leaked).toEqual([]);
        }
      },
    );
  });

  it('lets no anonymous write through when the layer refused the anonymous probe (0 writes sent)', async () => {
    const refusedBefore = layer.refusals[401];
    emulator.resetCalls();
    const result = await stack.query(
      `mutation { createExperiment(input: { name: "anonymous-was-here" }) { id } }`,
      {},
      ANONYMOUS,
    );
    expect(result.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
    expect(emulator.calls()['POST /api/2.0/mlflow/experiments/create'] ?? 0).toBe(0);
    // Where the layer let the anonymous probe through, the graph cannot tell it from an open MLflow: the write is
    // sent, and the layer (which decides) refuses it. Where it refused the probe, nothing is even sent.
    if (!variant.anonymousDefaultExperiment) expect(layer.refusals[401]).toBe(refusedBefore);
  });

  it('never names a caller the layer does not know in viewer', async () => {
    const forged = await stack.query(`{ viewer { username } }`, {}, { authorization: basicAuth('alice', 'wrong') });
    expect(forged.data?.viewer ?? null).toBeNull();
    expect(forged.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
    const bob = await stack.query(`{ viewer { authKind } }`, {}, BOB);
    expect(bob.errors).toBeUndefined();
    expect(bob.data.viewer.authKind).toBe('BEARER');
  });

  it('gives the refused callers what the layer told them, mapped', async () => {
    const bob = await stack.query(`query($id: ID!) { run(id: $id) { id params { value } } }`, { id: ids.runId }, BOB);
    expect(bob.data?.run ?? null).toBeNull();
    expect(bob.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    const anonymous = await stack.query(
      `query($id: ID!) { run(id: $id) { id params { value } } }`,
      { id: ids.runId },
      ANONYMOUS,
    );
    expect(anonymous.data?.run ?? null).toBeNull();
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
    expect(layer.refusals[401]).toBeGreaterThan(0);
    expect(layer.refusals[403]).toBeGreaterThan(0);
  });
});
