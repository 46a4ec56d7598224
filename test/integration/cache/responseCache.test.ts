// The response cache (whole answers, per caller) on two gateway instances sharing Redis and MLflow basic-auth: a
// repeated query costs no upstream call and no subgraph execution, and no caller ever gets a kept answer they
// should not — not another caller, not an anonymous one, not after a write, a grant or a revoke.
import { ADMIN, ALICE, BOB, CAROL } from '@mlflow-supergraph/mlflow-emulator';
import { Redis } from 'ioredis';
import { cacheKey } from '../../../src/cache/cacheKey.js';
import { cachePolicy } from '../../../src/cache/cachePolicy.js';
import { asUser, basicAuth } from '../../helpers/auth.js';
import { requireRedis, redisNamespace, sharedRedisUrl } from '../../helpers/redis.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { countSubgraphExecutions, type SubgraphExecutions } from '../../helpers/subgraphExecutions.js';

const PRIVATE = 'demand-forecasting';
const DASHBOARD = `{ experiments(first: 10) { nodes { id name viewerPermission runs(first: 5) { nodes { id status params { key value } metrics { key value } modelVersions { name version } viewerPermission } } } } }`;
/** No errors for any caller: the private experiment is in the list, or left out of it. */
const LIST = `{ experiments(first: 50) { nodes { id name viewerPermission } } }`;
const BY_NAME = `query($n: String!) { experimentByName(name: $n) { id name } }`;

const bob = asUser(BOB);
const carol = asUser(CAROL);
const admin = asUser(ADMIN);
const names = (answer: { data?: any }) => (answer.data?.experiments?.nodes ?? []).map((e: { name: string }) => e.name);

describe('response cache: whole answers per caller (basic-auth, two instances sharing Redis)', () => {
  const redis = redisNamespace('response-cache');
  let a: Stack;
  let b: Stack;
  let executions: SubgraphExecutions;
  let privateId: string;

  /** What one request cost: upstream calls and subgraph executions. */
  async function measured(stack: Stack, query: string, variables: Record<string, unknown>, headers: object) {
    a.emulator.resetCalls();
    executions.reset();
    const answer = await stack.query(query, variables, headers as Record<string, string>);
    return { answer, upstream: a.emulator.totalCalls(), executions: executions.count };
  }

  beforeAll(async () => {
    await requireRedis();
    executions = countSubgraphExecutions();
    // Lifetimes long enough that nothing expires during the test: what is checked is invalidation, not ageing.
    const env = {
      ...redis.env,
      MLFLOW_SUPERGRAPH_SECRET: 'r'.repeat(40),
      CACHE_TTL_SEARCH_PAGE: '600',
      CACHE_TTL_PERMISSION: '600',
      CACHE_TTL_RESPONSE: '600',
    };
    a = await startStack({ emulator: { auth: true }, env });
    b = await startStack({ env, sharedEmulator: a.emulator });
    const found = await a.query(BY_NAME, { n: PRIVATE }, admin);
    privateId = found.data.experimentByName.id;
  });
  afterAll(async () => {
    executions?.stop();
    await b?.close();
    await a?.close();
    if (a) await redis.deleteKeys();
  });

  it('answers a repeated query with no upstream call and no subgraph execution, on any instance', async () => {
    const cold = await measured(a, DASHBOARD, {}, bob);
    expect(cold.answer.errors).toBeUndefined();
    expect(cold.executions).toBeGreaterThan(2);
    expect(cold.upstream).toBeGreaterThan(0);
    const warm = await measured(a, DASHBOARD, {}, bob);
    expect(warm).toEqual({ answer: cold.answer, upstream: 0, executions: 0 });
    // Another instance sharing Redis (and the secret) has it too.
    expect(await measured(b, DASHBOARD, {}, bob)).toEqual({ answer: cold.answer, upstream: 0, executions: 0 });
  });

  it('never gives another caller, an anonymous one or a wrong password what a kept answer holds', async () => {
    const query = `{ experimentByName(name: "${PRIVATE}") { id name } experiments(first: 50) { nodes { name } } }`;
    const bobs = await a.query(query, {}, bob);
    expect(bobs.data.experimentByName.name).toBe(PRIVATE);
    expect((await measured(a, query, {}, bob)).executions).toBe(0); // kept for bob
    const strangers = {
      carol,
      anonymous: {},
      'bob with a wrong password': { authorization: basicAuth(BOB.username, 'not-his-password') },
    };
    for (const [who, headers] of Object.entries(strangers)) {
      const their = await measured(a, query, {}, headers);
      expect([who, JSON.stringify(their.answer).includes(PRIVATE)]).toEqual([who, false]);
      expect([who, their.answer.data?.experimentByName ?? null]).toEqual([who, null]);
      expect([who, their.answer.errors?.[0]?.extensions?.code]).toEqual([
        who,
        who === 'carol' ? 'FORBIDDEN' : 'UNAUTHENTICATED',
      ]);
    }
    // A caller who may read it executes for herself (alice reads by basic-auth's default permission).
    const alices = await measured(b, query, {}, asUser(ALICE));
    expect(alices.answer.data.experimentByName.name).toBe(PRIVATE);
    expect(alices.executions).toBeGreaterThan(0);
  });

  it('keeps no answer with an error, nor one that read past the cache', async () => {
    const query = `query($id: ID!) { experiment(id: $id) { name } }`;
    expect((await measured(a, query, { id: privateId }, carol)).answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const again = await measured(a, query, { id: privateId }, carol);
    expect(again.answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(again.executions).toBeGreaterThan(0);
    // Registered models by name are read fresh (no cache row): such an answer has no lifetime to vouch for.
    const model = `{ registeredModel(name: "fraud-detector") { name } }`;
    expect((await measured(a, model, {}, bob)).answer.data.registeredModel.name).toBe('fraud-detector');
    const fresh = await measured(a, model, {}, bob);
    expect(fresh.executions).toBeGreaterThan(0);
    expect(fresh.upstream).toBeGreaterThan(0);
  });

  it('shows a write at once, to the writer and to another caller on another instance', async () => {
    const runId: string = (
      await a.query(`{ runs(experimentIds: ["${privateId}"], first: 1) { nodes { id } } }`, {}, admin)
    ).data.runs.nodes[0].id;
    const read = `query($id: ID!) { run(id: $id) { id tag(key: "reviewed") } }`;
    for (const [stack, who] of [
      [b, bob],
      [a, admin],
    ] as const) {
      expect((await stack.query(read, { id: runId }, who)).data.run.tag).toBeNull();
      expect((await measured(stack, read, { id: runId }, who)).executions).toBe(0); // kept
    }
    const value = `yes-${Date.now()}`;
    const written = await a.query(
      `mutation($id: ID!, $v: String!) { setRunTag(runId: $id, tag: { key: "reviewed", value: $v }) { id } }`,
      { id: runId, v: value },
      admin,
    );
    expect(written.errors).toBeUndefined();
    expect((await a.query(read, { id: runId }, admin)).data.run.tag).toBe(value);
    expect((await b.query(read, { id: runId }, bob)).data.run.tag).toBe(value);
  });

  it('obeys a revoke and a grant made through the permission backend at once, kept answers included', async () => {
    const setLevel = (person: string, level: string) =>
      a.query(
        `mutation($id: ID!, $who: String!, $level: PermissionLevel!) { setExperimentPermission(experimentId: $id, grantee: { name: $who }, level: $level) { objectId } }`,
        { id: privateId, who: person, level },
        admin,
      );
    const byId = `query($id: ID!) { experiment(id: $id) { name } }`;
    try {
      // bob reads the private experiment, and his answers are kept.
      expect(names(await b.query(LIST, {}, bob))).toContain(PRIVATE);
      expect((await b.query(byId, { id: privateId }, bob)).data.experiment.name).toBe(PRIVATE);
      expect((await measured(b, LIST, {}, bob)).executions).toBe(0);
      expect((await measured(b, byId, { id: privateId }, bob)).executions).toBe(0);
      // carol does not; her list (no error) is kept.
      expect(names(await b.query(LIST, {}, carol))).not.toContain(PRIVATE);
      expect((await measured(b, LIST, {}, carol)).executions).toBe(0);

      // The admin, on the other instance, revokes bob and grants carol.
      expect((await setLevel(BOB.username, 'NO_PERMISSIONS')).errors).toBeUndefined();
      expect((await setLevel(CAROL.username, 'CAN_READ')).errors).toBeUndefined();

      const bobs = await b.query(LIST, {}, bob);
      expect(bobs.errors).toBeUndefined();
      expect(names(bobs)).not.toContain(PRIVATE);
      const bobById = await b.query(byId, { id: privateId }, bob);
      expect(bobById.data?.experiment ?? null).toBeNull();
      expect(bobById.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(names(await b.query(LIST, {}, carol))).toContain(PRIVATE);
    } finally {
      // Back to the seed's grants.
      await setLevel(BOB.username, 'CAN_READ');
      await setLevel(CAROL.username, 'NO_PERMISSIONS');
    }
    expect(names(await b.query(LIST, {}, carol))).not.toContain(PRIVATE);
    expect(names(await b.query(LIST, {}, bob))).toContain(PRIVATE);
  });

  it('replaces the answers generation after every mutation that wrote, and not after a refused one', async () => {
    // The safety net under the resolvers' own invalidation: whatever a write's resolver forgot, no answer built
    // before it is served after it.
    const key = `${redis.prefix}${cacheKey({ namespace: cachePolicy.searchGeneration.namespace, id: 'answers' })}`;
    const reader = new Redis(sharedRedisUrl);
    try {
      const tag = `mutation($id: ID!) { setExperimentTag(experimentId: $id, tag: { key: "k", value: "v" }) { id } }`;
      const before = await reader.get(key);
      const refused = await a.query(tag, { id: privateId }, carol);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await reader.get(key)).toBe(before);
      expect((await a.query(tag, { id: privateId }, admin)).errors).toBeUndefined();
      const after = await reader.get(key);
      expect(after).not.toBe(before);
      expect(after).toEqual(expect.any(String));
    } finally {
      reader.disconnect();
    }
  });
});
