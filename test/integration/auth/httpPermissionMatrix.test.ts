// The custom permission service backend (MLFLOW_SUPERGRAPH_PERMISSIONS=http): the shared authorization matrix
// with personas named by a trusted proxy's headers (e-mail, user, groups), service credentials upstream and
// an emulator without auth, so the permission service alone decides. Then what the matrix does not measure:
// batching, the per-principal cache (shared through Redis), and failing closed on every kind of breakage.
import { DEMO_EXPERIMENTS } from '@mlflow-supergraph/mlflow-emulator';
import { requireRedis, redisNamespace } from '../../helpers/redis.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import {
  startPermissionService,
  type FakePermissionService,
  type FakeRule,
} from '../../helpers/startPermissionService.js';
import { describeAuthorizationMatrix } from './authorizationMatrix.js';
import { basicAuth } from '../../helpers/auth.js';

const PERMISSION_TOKEN = 'perm-svc-token-4f1c9a';
const MLFLOW_TOKEN = 'mlflow-svc-token-77d2e0';
/** Experiment ids follow the demo seed's order (1..6). */
const PRIVATE_EXPERIMENT_ID = String(DEMO_EXPERIMENTS.findIndex((e) => e.name === 'demand-forecasting') + 1);
const PRIVATE_MODEL = 'demand-forecaster';

// The service's rules: admin manages everything; alice edits what is public; bob reads, and reads the
// private objects only through his group; carol reads what is public.
const RULES: Record<string, FakeRule> = {
  'admin@example.com': { default: 'CAN_MANAGE', admin: true },
  'alice@example.com': {
    default: 'CAN_EDIT',
    experiments: { [PRIVATE_EXPERIMENT_ID]: 'NO_PERMISSIONS' },
    models: { [PRIVATE_MODEL]: 'NO_PERMISSIONS' },
  },
  'bob@example.com': {
    default: 'CAN_READ',
    experiments: { [PRIVATE_EXPERIMENT_ID]: 'NO_PERMISSIONS' },
    models: { [PRIVATE_MODEL]: 'NO_PERMISSIONS' },
  },
  'group:supply-readers': {
    experiments: { [PRIVATE_EXPERIMENT_ID]: 'CAN_READ' },
    models: { [PRIVATE_MODEL]: 'CAN_READ' },
  },
  'carol@example.com': {
    default: 'CAN_READ',
    experiments: { [PRIVATE_EXPERIMENT_ID]: 'NO_PERMISSIONS' },
    models: { [PRIVATE_MODEL]: 'NO_PERMISSIONS' },
  },
};

const PERSONAS = {
  admin: { 'x-forwarded-user': 'admin', 'x-forwarded-email': 'admin@example.com' },
  // Identified by e-mail alone (no x-forwarded-user).
  alice: { 'x-forwarded-email': 'alice@example.com' },
  bob: {
    'x-forwarded-user': 'bob',
    'x-forwarded-email': 'bob@example.com',
    'x-forwarded-groups': 'users, supply-readers',
  },
  carol: { 'x-forwarded-email': 'carol@example.com' },
};

function httpEnv(service: FakePermissionService, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true',
    MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: service.url,
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN: PERMISSION_TOKEN,
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH: 'true',
    MLFLOW_TRACKING_TOKEN: MLFLOW_TOKEN,
    ...extra,
  };
}

let matrixService: FakePermissionService;
beforeAll(async () => {
  matrixService = await startPermissionService({ rules: RULES, batch: true, token: PERMISSION_TOKEN });
});
afterAll(() => matrixService.close());

describeAuthorizationMatrix({
  name: 'custom permission service (http)',
  emulator: {},
  env: () => httpEnv(matrixService),
  credentials: PERSONAS,
  // A Basic credential with no proxy identity: the service decides only for users the proxy named.
  wrongCredentials: { authorization: basicAuth('bob', 'any-password') },
  readers: ['admin', 'bob'],
  levels: { admin: 'CAN_MANAGE', bob: 'CAN_READ' },
  grantRoute: 'POST /api/2.0/mlflow/experiments/permissions/create',
  aclSupported: false,
});

describe('custom permission service: what it was sent', () => {
  it("got every check with the service token, never MLflow's credentials, and the proxy's identity", () => {
    const authorizations = new Set(matrixService.authorizations());
    expect([...authorizations]).toEqual([`Bearer ${PERMISSION_TOKEN}`]);
    const received = matrixService.received();
    expect(received.length).toBeGreaterThan(0);
    expect(JSON.stringify(received)).not.toContain(MLFLOW_TOKEN);
    // alice has no user name: her e-mail identifies her; bob's groups travel with him.
    expect(received.find((c) => c.principal.email === 'alice@example.com')?.principal).toEqual({
      id: 'email:alice@example.com',
      username: null,
      email: 'alice@example.com',
    });
    expect(received.find((c) => c.principal.email === 'bob@example.com')?.principal).toEqual({
      id: 'user:bob',
      username: 'bob',
      email: 'bob@example.com',
      groups: ['users', 'supply-readers'],
    });
    // The service answers with levels, so one `read` per object settles every later check on it.
    expect(new Set(received.map((c) => c.action))).toEqual(new Set(['read']));
    expect(received.every((c) => c.objectType === 'experiment' || c.objectType === 'registered_model')).toBe(true);
  });
});

describe('custom permission service: batching', () => {
  const PAGE = 50;
  let service: FakePermissionService;
  let stacks: Stack[] = [];
  const start = async (env: Record<string, string>) => {
    const stack = await startStack({ emulator: { seed: 'demo' }, env: httpEnv(service, env) });
    stacks.push(stack);
    // Enough experiments for a full page of 50 (the demo has 5 active ones).
    for (let i = 0; i < PAGE + 10; i += 1)
      stack.emulator.store.tracking.createExperiment(
        `bulk-${String(i).padStart(3, '0')}`,
        `mlflow-artifacts:/bulk-${i}`,
        [],
      );
    return stack;
  };
  beforeAll(async () => {
    service = await startPermissionService({ rules: RULES, batch: true, token: PERMISSION_TOKEN });
  });
  afterAll(async () => {
    for (const stack of stacks) await stack.close();
    stacks = [];
    await service.close();
  });
  const page = `{ experiments(first: ${PAGE}) { nodes { id name } } }`;

  it.each([
    ['default max (100)', {}, 100],
    ['max 20', { MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH_MAX: '20' }, 20],
    ['max 7', { MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH_MAX: '7' }, 7],
  ])('a page of 50 experiments costs ⌈50/max⌉ permission calls (%s)', async (_, env, max) => {
    const stack = await start(env);
    service.resetCalls();
    const result = await stack.query(page, {}, PERSONAS.carol);
    expect(result.errors).toBeUndefined();
    expect(result.data.experiments.nodes).toHaveLength(PAGE);
    expect(service.checks()).toBe(PAGE);
    expect(service.calls()).toBeLessThanOrEqual(Math.ceil(PAGE / max));
    expect(Math.max(...service.batchSizes())).toBeLessThanOrEqual(max);
    console.log(
      `permission service, page of ${PAGE} (batch max ${max}): ${service.calls()} calls, ${service.checks()} checks`,
    );
  });

  it('asks one check per object without batching (the service takes no lists)', async () => {
    const single = await startPermissionService({ rules: RULES, batch: false });
    try {
      const stack = await startStack({
        emulator: { seed: 'demo' },
        env: { ...httpEnv(single), MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH: 'false' },
      });
      stacks.push(stack);
      for (let i = 0; i < PAGE; i += 1)
        stack.emulator.store.tracking.createExperiment(`one-${i}`, `mlflow-artifacts:/one-${i}`, []);
      const result = await stack.query(page, {}, PERSONAS.carol);
      expect(result.errors).toBeUndefined();
      expect(result.data.experiments.nodes).toHaveLength(PAGE);
      expect(single.calls()).toBe(PAGE);
      expect(single.batchSizes().every((n) => n === 1)).toBe(true);
      console.log(`permission service, page of ${PAGE} without batching: ${single.calls()} calls`);
    } finally {
      await single.close();
    }
  });

  it('a yes/no service (no levels) still costs one call for the page, two for viewerPermission', async () => {
    const yesNo = await startPermissionService({ rules: RULES, batch: true, answers: 'allowed' });
    try {
      const stack = await startStack({ emulator: { seed: 'demo' }, env: httpEnv(yesNo) });
      stacks.push(stack);
      for (let i = 0; i < PAGE; i += 1)
        stack.emulator.store.tracking.createExperiment(`yn-${i}`, `mlflow-artifacts:/yn-${i}`, []);
      const listing = await stack.query(page, {}, PERSONAS.alice);
      expect(listing.errors).toBeUndefined();
      expect(listing.data.experiments.nodes).toHaveLength(PAGE);
      expect(yesNo.calls()).toBe(1);
      yesNo.resetCalls();
      const levels = await stack.query(
        `{ experiments(first: ${PAGE}) { nodes { viewerPermission } } }`,
        {},
        PERSONAS.bob,
      );
      expect(levels.errors).toBeUndefined();
      // read for the page, then write+manage for viewerPermission (read is known by then).
      expect(yesNo.calls()).toBe(2);
      expect(
        new Set(levels.data.experiments.nodes.map((n: { viewerPermission: string }) => n.viewerPermission)),
      ).toEqual(new Set(['CAN_READ']));
      const alice = await stack.query(`{ experiment(id: "1") { viewerPermission } }`, {}, PERSONAS.alice);
      // "allowed" alone for write implies CAN_EDIT, and no more (manage denied).
      expect(alice.data.experiment.viewerPermission).toBe('CAN_EDIT');
      console.log(`yes/no permission service: page of ${PAGE} = 1 call; with viewerPermission = 2 calls`);
    } finally {
      await yesNo.close();
    }
  });
});

describe('custom permission service: cache per principal (shared through Redis)', () => {
  const redis = redisNamespace('httpperm');
  let service: FakePermissionService;
  let first: Stack;
  let second: Stack;
  beforeAll(async () => {
    await requireRedis();
    service = await startPermissionService({ rules: RULES, batch: true, token: PERMISSION_TOKEN });
    // Two gateway instances, one emulator, one Redis: what one instance caches, the other reads (one deployment,
    // one MLFLOW_SUPERGRAPH_SECRET: per-caller keys are HMACs under it).
    const env = httpEnv(service, {
      ...redis.env,
      CACHE_TTL_PERMISSION: '30',
      MLFLOW_SUPERGRAPH_SECRET: 's'.repeat(40),
    });
    first = await startStack({ emulator: { seed: 'demo' }, env });
    second = await startStack({ sharedEmulator: first.emulator, env });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await service?.close();
    if (first) await redis.deleteKeys();
  });
  const query = `{ experiments(first: 10) { nodes { name } } registeredModels(first: 10) { nodes { name } } }`;
  const names = (data: any) =>
    [...data.experiments.nodes, ...data.registeredModels.nodes].map((n: { name: string }) => n.name);

  it("serves a principal their own cached answers on any instance, and never another principal's", async () => {
    service.resetCalls();
    const admin = await first.query(query, {}, PERSONAS.admin);
    expect(names(admin.data)).toContain('demand-forecasting');
    const adminCalls = service.calls();
    expect(adminCalls).toBeGreaterThan(0);

    // The admin again, on the other instance: every answer comes from the shared cache.
    service.resetCalls();
    const again = await second.query(query, {}, PERSONAS.admin);
    expect(names(again.data)).toEqual(names(admin.data));
    expect(service.calls()).toBe(0);

    // carol asks the same objects right after: her own questions, her own (denying) answers.
    const carol = await second.query(query, {}, PERSONAS.carol);
    expect(carol.errors).toBeUndefined();
    expect(names(carol.data)).not.toContain('demand-forecasting');
    expect(names(carol.data)).not.toContain(PRIVATE_MODEL);
    expect(service.calls()).toBeGreaterThan(0);
    expect(service.received().every((c) => c.principal.email === 'carol@example.com')).toBe(true);
  });

  it('keeps answers apart when only the groups differ (bob with and without supply-readers)', async () => {
    const withGroup = await first.query(query, {}, PERSONAS.bob);
    expect(names(withGroup.data)).toContain('demand-forecasting');
    service.resetCalls();
    const withoutGroup = await second.query(query, {}, { ...PERSONAS.bob, 'x-forwarded-groups': 'users' });
    expect(names(withoutGroup.data)).not.toContain('demand-forecasting');
    expect(service.calls()).toBeGreaterThan(0);
  });

  it('caches denials too: a second look at a refused object costs no call', async () => {
    await first.query(`{ experiment(id: "${PRIVATE_EXPERIMENT_ID}") { name } }`, {}, PERSONAS.carol);
    service.resetCalls();
    const refused = await second.query(`{ experiment(id: "${PRIVATE_EXPERIMENT_ID}") { name } }`, {}, PERSONAS.carol);
    expect(refused.data?.experiment ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(service.calls()).toBe(0);
  });
});
