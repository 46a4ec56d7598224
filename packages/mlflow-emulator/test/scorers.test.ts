import { MLFLOW3_VERSION, startEmulator, type Emulator } from '../src/index.js';
import { call } from './httpClient.js';

const API = '/api/3.0/mlflow/scorers';
const ADMIN = { username: 'admin', password: 'admin-password-1' };
const ALICE = { username: 'alice', password: 'alice-password-1' };
const BOB = { username: 'bob', password: 'bob-password-12' };

describe('scorers (MLflow 3 mode)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION });
  });
  afterAll(() => emulator.close());

  it('registers versions under one scorer id, lists the latest, gets and deletes versions', async () => {
    const register = () =>
      call(emulator.url, `${API}/register`, { body: { experiment_id: '0', name: 'rel', serialized_scorer: '{}' } });
    const first = (await register()).json<Record<string, unknown>>();
    const second = (await register()).json<Record<string, unknown>>();
    expect(first).toMatchObject({ version: 1, experiment_id: '0', name: 'rel', serialized_scorer: '{}' });
    expect(second['version']).toBe(2);
    expect(second['scorer_id']).toBe(first['scorer_id']);

    const listed = (await call(emulator.url, `${API}/list?experiment_id=0`)).json<{ scorers: unknown[] }>();
    expect(listed.scorers).toEqual([
      expect.objectContaining({ experiment_id: 0, scorer_name: 'rel', scorer_version: 2 }),
    ]);
    const v1 = await call(emulator.url, `${API}/get?experiment_id=0&name=rel&version=1`);
    expect(v1.json()).toMatchObject({ scorer: { scorer_version: 1 } });

    await call(emulator.url, `${API}/delete`, {
      method: 'DELETE',
      body: { experiment_id: '0', name: 'rel', version: 1 },
    });
    const versions = (await call(emulator.url, `${API}/versions?experiment_id=0&name=rel`)).json<{
      scorers: unknown[];
    }>();
    expect(versions.scorers).toEqual([expect.objectContaining({ scorer_version: 2 })]);
    const unknown = await call(emulator.url, `${API}/get?experiment_id=0&name=nope`);
    expect(unknown.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: "Scorer with name 'nope' not found for experiment 0.",
    });
    expect((await call(emulator.url, `${API}/online-configs?scorer_ids=x`)).json()).toEqual({ configs: [] });
    expect((await call(emulator.url, `${API}/online-configs?experiment_id=0`)).status).toBe(400);
  });
});

describe('scorer permissions behind basic auth', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION, auth: true, adminPassword: ADMIN.password });
    for (const user of [ALICE, BOB])
      await call(emulator.url, '/api/2.0/mlflow/users/create', { body: user, basic: ADMIN });
    await call(emulator.url, '/api/2.0/mlflow/experiments/create', { body: { name: 'e' }, basic: ALICE });
  });
  afterAll(() => emulator.close());

  it('gives the registering user MANAGE, lets them grant, and refuses what a grant does not allow', async () => {
    const body = { experiment_id: '1', name: 's1', serialized_scorer: '{}' };
    expect((await call(emulator.url, `${API}/register`, { body, basic: ALICE })).status).toBe(200);
    // bob has the default READ on alice's experiment: registering needs EDIT.
    expect((await call(emulator.url, `${API}/register`, { body: { ...body, name: 's2' }, basic: BOB })).status).toBe(
      403,
    );

    const permission = await call(
      emulator.url,
      `${API}/permissions/get?experiment_id=1&scorer_name=s1&username=alice`,
      {
        basic: ALICE,
      },
    );
    expect(permission.json()).toEqual({
      scorer_permission: { experiment_id: '1', permission: 'MANAGE', scorer_name: 's1', user_id: 2 },
    });
    const grant = { experiment_id: '1', scorer_name: 's1', username: 'bob', permission: 'NO_PERMISSIONS' };
    expect((await call(emulator.url, `${API}/permissions/create`, { body: grant, basic: ALICE })).status).toBe(200);
    const denied = await call(emulator.url, `${API}/get?experiment_id=1&name=s1`, { basic: BOB });
    expect([denied.status, denied.text]).toEqual([403, 'Permission denied']);
    expect((await call(emulator.url, `${API}/permissions/create`, { body: grant, basic: BOB })).status).toBe(403);
    const invalid = await call(emulator.url, `${API}/permissions/update`, {
      method: 'PATCH',
      body: { ...grant, permission: 'SUPERUSER' },
      basic: ALICE,
    });
    expect(invalid.json<{ message: string }>().message).toBe(
      "Invalid permission 'SUPERUSER'. Valid permissions are: ('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')",
    );

    // Deleting the scorer drops every grant on it.
    await call(emulator.url, `${API}/delete`, {
      method: 'DELETE',
      body: { experiment_id: '1', name: 's1' },
      basic: ALICE,
    });
    const gone = await call(emulator.url, `${API}/permissions/get?experiment_id=1&scorer_name=s1&username=bob`, {
      basic: ADMIN,
    });
    expect(gone.json<{ message: string }>().message).toBe(
      'Scorer permission with experiment_id=1, scorer_name=s1, and username=bob not found',
    );
  });
});
