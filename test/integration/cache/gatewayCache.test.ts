// The shared cache through the gateway, against the real Redis at 127.0.0.1:6379 (a unique key prefix per
// run): warm queries cost no upstream call, writes are read back at once (also by another gateway instance
// sharing the Redis), and one user's cached view never reaches another who may not read it.
import { BOB, CAROL } from '@mlflow-supergraph/mlflow-emulator';
import { requireRedis, redisNamespace } from '../../helpers/redis.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asUser } from '../../helpers/auth.js';

const DASHBOARD = `{ experiments(first: 10) { nodes { name runs(first: 20) { nodes { id status experiment { name } params { key value } metrics { key value } metricHistory(key: "loss") { step value } } } } } }`;

describe('gateway with the shared Redis cache', () => {
  const redis = redisNamespace('gateway-cache');
  let a: Stack;
  let b: Stack;

  beforeAll(async () => {
    await requireRedis();
    // Search pages live 5 s by default; a loaded CI machine can take longer than that between requests here.
    // Two replicas of one deployment share its secret: without it each keeps its own per-caller entries.
    const env = {
      ...redis.env,
      CACHE_TTL_SEARCH_PAGE: '120',
      MLFLOW_SUPERGRAPH_SECRET: 's'.repeat(40),
    };
    a = await startStack({ env });
    b = await startStack({ env, sharedEmulator: a.emulator });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (!a) return; // Redis was not reachable: nothing was written
    await redis.deleteKeys();
  });

  it('answers a repeated dashboard query with zero upstream calls', async () => {
    a.emulator.resetCalls();
    let started = performance.now();
    const cold = await a.query(DASHBOARD);
    const coldMs = performance.now() - started;
    const coldCalls = a.emulator.totalCalls();
    expect(cold.errors).toBeUndefined();
    expect(coldCalls).toBeGreaterThan(2);

    a.emulator.resetCalls();
    started = performance.now();
    const warm = await a.query(DASHBOARD);
    const warmMs = performance.now() - started;
    expect(warm).toEqual(cold);
    expect(a.emulator.totalCalls()).toBe(0);

    // Another instance sharing the Redis is warm too.
    a.emulator.resetCalls();
    const other = await b.query(DASHBOARD);
    expect(other).toEqual(cold);
    expect(a.emulator.totalCalls()).toBe(0);
    console.log(
      `dashboard query: cold ${coldCalls} upstream calls in ${coldMs.toFixed(0)} ms, warm 0 calls in ${warmMs.toFixed(0)} ms (${(coldMs / warmMs).toFixed(1)}x)`,
    );
  });

  it('reads a write at once, also from another gateway instance', async () => {
    const run = (await a.query(`{ experiments(first: 1) { nodes { runs(first: 1) { nodes { id experimentId } } } } }`))
      .data.experiments.nodes[0].runs.nodes[0];
    // Both instances cache the run and the search page.
    const read = `query($id: ID!) { run(id: $id) { tag(key: "reviewed") } }`;
    const search = `query($e: [ID!]!) { runs(experimentIds: $e, first: 200) { nodes { id } } }`;
    expect((await b.query(read, { id: run.id })).data.run.tag).toBeNull();
    const before = (await b.query(search, { e: [run.experimentId] })).data.runs.nodes.length;

    const written = await a.query(
      `mutation($id: ID!) { setRunTag(runId: $id, tag: { key: "reviewed", value: "yes" }) { tag(key: "reviewed") } }`,
      { id: run.id },
    );
    expect(written.data.setRunTag.tag).toBe('yes');
    expect((await b.query(read, { id: run.id })).data.run.tag).toBe('yes');

    const created = await a.query(
      `mutation($e: ID!) { createRun(input: { experimentId: $e, name: "cache-test" }) { id } }`,
      { e: run.experimentId },
    );
    const after = (await b.query(search, { e: [run.experimentId] })).data.runs.nodes;
    expect(after).toHaveLength(before + 1);
    expect(after.map((n: { id: string }) => n.id)).toContain(created.data.createRun.id);
  });

  it('shows a newly logged metric point in a cached history', async () => {
    const run = (
      await a.query(
        `{ experiments(first: 1) { nodes { runs(first: 1, filter: "attributes.status = 'RUNNING'") { nodes { id metricHistory(key: "loss") { step } } } } } }`,
      )
    ).data.experiments.nodes[0].runs.nodes[0];
    expect(run).toBeDefined();
    const steps = run.metricHistory.map((m: { step: number }) => m.step);
    const next = Math.max(...steps, 0) + 1;
    await a.query(
      `mutation($id: ID!, $step: Long!) { logMetric(runId: $id, metric: { key: "loss", value: 0.01, step: $step }) { id } }`,
      { id: run.id, step: next },
    );
    const history = (
      await b.query(`query($id: ID!) { run(id: $id) { metricHistory(key: "loss") { step } } }`, { id: run.id })
    ).data.run.metricHistory;
    expect(history.map((m: { step: number }) => m.step)).toContain(next);
  });
});

describe('shared cache with MLflow basic-auth', () => {
  const redis = redisNamespace('gateway-cache-basic');
  let stack: Stack;
  beforeAll(async () => {
    await requireRedis();
    stack = await startStack({
      emulator: { auth: true },
      env: { ...redis.env, CACHE_TTL_SEARCH_PAGE: '120', CACHE_TTL_PERMISSION: '120' },
    });
  });
  afterAll(async () => {
    await stack?.close();
    if (!stack) return; // Redis was not reachable: nothing was written
    await redis.deleteKeys();
  });

  it("never gives carol what bob's requests cached", async () => {
    const bob = asUser(BOB);
    const carol = asUser(CAROL);
    const query = `{ experimentByName(name: "demand-forecasting") { id name runs(first: 3) { nodes { id metricHistory(key: "loss") { value } } } } experiments(first: 50) { nodes { name } } }`;
    const bobs = await stack.query(query, {}, bob);
    expect(bobs.data.experimentByName.name).toBe('demand-forecasting');
    expect(bobs.data.experiments.nodes.map((n: { name: string }) => n.name)).toContain('demand-forecasting');
    const runId = bobs.data.experimentByName.runs.nodes[0].id;

    for (let i = 0; i < 2; i += 1) {
      const carols = await stack.query(query, {}, carol);
      expect(JSON.stringify(carols.data)).not.toContain('demand-forecasting');
      expect(carols.data?.experimentByName ?? null).toBeNull();
      const run = await stack.query(
        `query($id: ID!) { run(id: $id) { id metricHistory(key: "loss") { value } } }`,
        { id: runId },
        carol,
      );
      expect(run.data?.run ?? null).toBeNull();
      expect(run.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    // And bob's repeat is served warm.
    stack.emulator.resetCalls();
    expect(await stack.query(query, {}, bob)).toEqual(bobs);
    expect(stack.emulator.calls()).toEqual({});
  });
});
