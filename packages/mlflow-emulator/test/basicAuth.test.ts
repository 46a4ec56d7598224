import { ADMIN, ALICE, BOB, CAROL, startEmulator, type Emulator } from '../src/index.js';
import { call, qs } from './httpClient.js';

describe('basic-auth mode on the demo seed', () => {
  let emulator: Emulator;
  let privateId: string;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', auth: true });
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    privateId = emulator.store.tracking.getExperimentByName('demand-forecasting')?.experimentId ?? '';
  });

  it('challenges missing or wrong credentials with the plain-text 401, except on /health', async () => {
    const anonymous = await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
    expect(anonymous.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(anonymous.text).toContain('You are not authenticated.');
    const wrong = await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1', {
      basic: { username: ALICE.username, password: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect((await call(emulator.url, '/health')).status).toBe(200);
    // An unknown path still needs credentials before it can be a 404.
    expect((await call(emulator.url, '/api/2.0/mlflow/nothing')).status).toBe(401);
  });

  it('answers 403 "Permission denied" where a grant says NO_PERMISSIONS, and admins bypass', async () => {
    const path = `/api/2.0/mlflow/experiments/get?experiment_id=${privateId}`;
    const carol = await call(emulator.url, path, { basic: CAROL });
    expect([carol.status, carol.text]).toEqual([403, 'Permission denied']);
    expect((await call(emulator.url, path, { basic: BOB })).status).toBe(200);
    expect((await call(emulator.url, path, { basic: ADMIN })).status).toBe(200);
    const model = await call(
      emulator.url,
      `/api/2.0/mlflow/model-versions/get${qs([
        ['name', 'demand-forecaster'],
        ['version', '1'],
      ])}`,
      {
        basic: CAROL,
      },
    );
    expect(model.status).toBe(403);
    const run = [...emulator.store.tracking.runs.values()].find((candidate) => candidate.experimentId === privateId);
    const runGet = await call(emulator.url, `/api/2.0/mlflow/runs/get?run_id=${run?.runId ?? ''}`, { basic: CAROL });
    expect(runGet.status).toBe(403);
  });

  it('allows READ to read but not to write; MANAGE to manage', async () => {
    const fraudId = emulator.store.tracking.getExperimentByName('fraud-detection')?.experimentId ?? '';
    const bobWrites = await call(emulator.url, '/api/2.0/mlflow/experiments/set-experiment-tag', {
      basic: BOB,
      body: { experiment_id: fraudId, key: 'k', value: 'v' },
    });
    expect(bobWrites.status).toBe(403);
    const aliceWrites = await call(emulator.url, '/api/2.0/mlflow/experiments/set-experiment-tag', {
      basic: ALICE,
      body: { experiment_id: fraudId, key: 'k', value: 'v' },
    });
    expect(aliceWrites.status).toBe(200);
    const grant = await call(emulator.url, '/api/2.0/mlflow/experiments/permissions/create', {
      basic: ALICE,
      body: { experiment_id: fraudId, username: BOB.username, permission: 'EDIT' },
    });
    expect(grant.json()).toEqual({ experiment_permission: { experiment_id: fraudId, permission: 'EDIT', user_id: 3 } });
    const bobNowWrites = await call(emulator.url, '/api/2.0/mlflow/experiments/set-experiment-tag', {
      basic: BOB,
      body: { experiment_id: fraudId, key: 'k2', value: 'v' },
    });
    expect(bobNowWrites.status).toBe(200);
  });

  it('filters experiments/search and registered-models/search by READ, but not runs/search', async () => {
    const names = async (user: typeof CAROL): Promise<string[]> =>
      (
        (
          await call(emulator.url, '/api/2.0/mlflow/experiments/search', { basic: user, body: { max_results: 2 } })
        ).json<{
          experiments?: Array<{ name: string }>;
        }>().experiments ?? []
      ).map((experiment) => experiment.name);
    // Newest first: llm-finetune, demand-forecasting (hidden for carol, refilled from the next page).
    expect(await names(CAROL)).toEqual(['llm-finetune-summarization', 'image-classification-resnet']);
    expect(await names(BOB)).toEqual(['llm-finetune-summarization', 'demand-forecasting']);
    const models = await call(emulator.url, '/api/2.0/mlflow/registered-models/search', { basic: CAROL });
    expect(
      models.json<{ registered_models: Array<{ name: string }> }>().registered_models.map((m) => m.name),
    ).not.toContain('demand-forecaster');
    const runs = await call(emulator.url, '/api/2.0/mlflow/runs/search', {
      basic: CAROL,
      body: { experiment_ids: [privateId], max_results: 5 },
    });
    expect(runs.json<{ runs: unknown[] }>().runs).toHaveLength(5);
  });

  it('gives creators MANAGE and manages users', async () => {
    const created = await call(emulator.url, '/api/2.0/mlflow/experiments/create', {
      basic: CAROL,
      body: { name: 'carol-exp' },
    });
    const id = created.json<{ experiment_id: string }>().experiment_id;
    const permission = await call(
      emulator.url,
      `/api/2.0/mlflow/experiments/permissions/get${qs([
        ['experiment_id', id],
        ['username', 'carol'],
      ])}`,
      {
        basic: CAROL,
      },
    );
    expect(permission.json()).toEqual({
      experiment_permission: { experiment_id: id, permission: 'MANAGE', user_id: 4 },
    });
    const newUser = await call(emulator.url, '/api/2.0/mlflow/users/create', {
      basic: ADMIN,
      body: { username: 'dave', password: 'pw' },
    });
    expect(newUser.json()).toEqual({
      user: { experiment_permissions: [], id: 5, is_admin: false, registered_model_permissions: [], username: 'dave' },
    });
    expect(
      (await call(emulator.url, '/api/2.0/mlflow/users/create', { basic: BOB, body: { username: 'x', password: 'y' } }))
        .status,
    ).toBe(403);
  });

  it('honours a configured default permission', async () => {
    const strict = await startEmulator({ seed: 'demo', auth: true, defaultPermission: 'NO_PERMISSIONS' });
    try {
      const fraudId = strict.store.tracking.getExperimentByName('fraud-detection')?.experimentId ?? '';
      expect(
        (await call(strict.url, `/api/2.0/mlflow/experiments/get?experiment_id=${fraudId}`, { basic: BOB })).status,
      ).toBe(403);
      expect(
        (await call(strict.url, `/api/2.0/mlflow/experiments/get?experiment_id=${fraudId}`, { basic: ALICE })).status,
      ).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
