import { MLFLOW3_VERSION, startEmulator, type Emulator } from '../src/index.js';
import { call } from './httpClient.js';

const API = '/api/3.0/mlflow/gateway';
const ADMIN = { username: 'admin', password: 'admin-password-1' };
const ALICE = { username: 'alice', password: 'alice-password-1' };
const BOB = { username: 'bob', password: 'bob-password-12' };

describe('AI gateway (MLflow 3 mode)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION });
  });
  afterAll(() => emulator.close());

  it('keeps secrets write-only, links model definitions and endpoints, and tracks usage in an experiment', async () => {
    const created = await call(emulator.url, `${API}/secrets/create`, {
      body: { secret_name: 'key', secret_value: { api_key: 'sk-abcdefghijkl1234' }, provider: 'openai' },
    });
    const secret = created.json<{ secret: Record<string, unknown> }>().secret;
    expect(secret).toMatchObject({ secret_name: 'key', masked_values: { api_key: 'sk-...1234' }, provider: 'openai' });
    expect(JSON.stringify(created.json())).not.toContain('abcdefghijkl');
    const duplicate = await call(emulator.url, `${API}/secrets/create`, {
      body: { secret_name: 'key', secret_value: { api_key: 'x' } },
    });
    expect(duplicate.json()).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });

    const definition = (
      await call(emulator.url, `${API}/model-definitions/create`, {
        body: { name: 'gpt', secret_id: secret['secret_id'], provider: 'openai', model_name: 'gpt-4o-mini' },
      })
    ).json<{ model_definition: Record<string, unknown> }>().model_definition;
    expect(definition).toMatchObject({ secret_name: 'key', model_name: 'gpt-4o-mini' });

    const endpoint = (
      await call(emulator.url, `${API}/endpoints/create`, {
        body: { name: 'chat', model_configs: [{ model_definition_id: definition['model_definition_id'], weight: 1 }] },
      })
    ).json<{ endpoint: Record<string, unknown> }>().endpoint;
    expect(endpoint).toMatchObject({
      created_by: '',
      last_updated_by: '',
      usage_tracking: true,
      model_mappings: [expect.objectContaining({ linkage_type: 'PRIMARY', model_definition: expect.anything() })],
    });
    expect(emulator.store.tracking.getExperiment(String(endpoint['experiment_id'])).name).toBe('gateway/chat');

    await call(emulator.url, `${API}/endpoints/set-tag`, {
      body: { endpoint_id: endpoint['endpoint_id'], key: 'team', value: 'qa' },
    });
    const got = await call(emulator.url, `${API}/endpoints/get?endpoint_id=${String(endpoint['endpoint_id'])}`);
    expect(got.json()).toMatchObject({ endpoint: { tags: [{ key: 'team', value: 'qa' }] } });
    expect((await call(emulator.url, `${API}/endpoints/get?endpoint_id=nope`)).json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: "GatewayEndpoint not found (endpoint_id='nope')",
    });
    expect((await call(emulator.url, `${API}/budgets/list`)).json()).toEqual({});

    const rotated = await call(emulator.url, `${API}/secrets/update`, {
      body: { secret_id: secret['secret_id'], secret_value: { api_key: 'sk-rotated-98765' } },
    });
    expect(rotated.json()).toMatchObject({ secret: { masked_values: { api_key: 'sk-...8765' } } });
  });
});

describe('gateway permissions behind basic auth', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION, auth: true, adminPassword: ADMIN.password });
    for (const user of [ALICE, BOB])
      await call(emulator.url, '/api/2.0/mlflow/users/create', { body: user, basic: ADMIN });
  });
  afterAll(() => emulator.close());

  it('needs USE on a secret to build a model definition on it, and USE on models to build an endpoint', async () => {
    const secret = (
      await call(emulator.url, `${API}/secrets/create`, {
        body: { secret_name: 'alice-key', secret_value: { api_key: 'sk-0123456789' } },
        basic: ALICE,
      })
    ).json<{ secret: { secret_id: string } }>().secret;
    const creatorGrant = await call(
      emulator.url,
      `${API}/secrets/permissions/get?secret_id=${secret.secret_id}&username=alice`,
      { basic: ALICE },
    );
    expect(creatorGrant.json()).toEqual({
      gateway_secret_permission: { permission: 'MANAGE', secret_id: secret.secret_id, user_id: 2 },
    });
    // The default READ lets bob read the secret's info but not use it.
    expect((await call(emulator.url, `${API}/secrets/get?secret_id=${secret.secret_id}`, { basic: BOB })).status).toBe(
      200,
    );
    const definitionBody = { name: 'md', secret_id: secret.secret_id, provider: 'openai', model_name: 'gpt-4o' };
    const refused = await call(emulator.url, `${API}/model-definitions/create`, { body: definitionBody, basic: BOB });
    expect([refused.status, refused.text]).toEqual([403, 'Permission denied']);
    await call(emulator.url, `${API}/secrets/permissions/create`, {
      body: { secret_id: secret.secret_id, username: 'bob', permission: 'USE' },
      basic: ALICE,
    });
    const allowed = await call(emulator.url, `${API}/model-definitions/create`, { body: definitionBody, basic: BOB });
    expect(allowed.status).toBe(200);
    const definitionId = allowed.json<{ model_definition: { model_definition_id: string } }>().model_definition
      .model_definition_id;

    // alice has only the default READ on bob's model definition: no endpoint on it.
    const endpointBody = { name: 'chat', model_configs: [{ model_definition_id: definitionId }] };
    expect((await call(emulator.url, `${API}/endpoints/create`, { body: endpointBody, basic: ALICE })).status).toBe(
      403,
    );
    const endpoint = await call(emulator.url, `${API}/endpoints/create`, { body: endpointBody, basic: BOB });
    const endpointId = endpoint.json<{ endpoint: { endpoint_id: string } }>().endpoint.endpoint_id;
    expect(
      (
        await call(emulator.url, `${API}/endpoints/delete`, {
          method: 'DELETE',
          body: { endpoint_id: endpointId },
          basic: ALICE,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(emulator.url, `${API}/endpoints/delete`, {
          method: 'DELETE',
          body: { endpoint_id: endpointId },
          basic: BOB,
        })
      ).status,
    ).toBe(200);
  });

  it('keeps budget policies for admins', async () => {
    const body = { budget_unit: 'USD', budget_amount: 10, duration: { unit: 'DAYS', value: 1 } };
    expect((await call(emulator.url, `${API}/budgets/create`, { body, basic: ALICE })).status).toBe(403);
    const created = await call(emulator.url, `${API}/budgets/create`, { body, basic: ADMIN });
    expect(created.json()).toMatchObject({
      budget_policy: { budget_unit: 'USD', budget_policy_id: expect.stringMatching(/^bp-/) },
    });
  });
});
