import { MLFLOW3_VERSION, startEmulator, type Emulator } from '../src/index.js';
import { call } from './httpClient.js';

describe('issues, jobs, workspaces and search-datasets (MLflow 3 mode)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION });
  });
  afterAll(() => emulator.close());

  it('creates, updates and searches issues', async () => {
    const missing = await call(emulator.url, '/api/3.0/mlflow/issues', { body: { experiment_id: '0', name: 'x' } });
    expect(missing.json<{ message: string }>().message).toBe(
      "Missing value for required parameter 'description'. See the API docs for more information about request parameters.",
    );
    const created = await call(emulator.url, '/api/3.0/mlflow/issues', {
      body: { experiment_id: '0', name: 'long', description: 'too long', severity: 'low', categories: ['quality'] },
    });
    const issue = created.json<{ issue: Record<string, unknown> }>().issue;
    expect(issue).toMatchObject({ status: 'pending', severity: 'low', categories: ['quality'] });
    expect(issue['issue_id']).toMatch(/^iss-[0-9a-f]{32}$/);
    const updated = await call(emulator.url, `/api/3.0/mlflow/issues/${String(issue['issue_id'])}`, {
      method: 'PATCH',
      body: { status: 'resolved' },
    });
    expect(updated.json()).toMatchObject({ issue: { status: 'resolved' } });
    const found = await call(emulator.url, '/api/3.0/mlflow/issues/search', { body: { experiment_id: '0' } });
    expect(found.json()).toEqual({ issues: [expect.objectContaining({ name: 'long' })], next_page_token: '' });
  });

  it('answers the job APIs empty and workspaces as disabled', async () => {
    expect((await call(emulator.url, '/ajax-api/3.0/jobs/search', { body: {} })).json()).toEqual({ jobs: [] });
    const job = await call(emulator.url, '/ajax-api/3.0/jobs/nope');
    expect([job.status, job.json()]).toEqual([404, { detail: 'Job with ID nope not found' }]);
    const workspaces = await call(emulator.url, '/api/3.0/mlflow/workspaces/team-a');
    expect([workspaces.status, workspaces.text]).toEqual([
      503,
      'Endpoint: /api/3.0/mlflow/workspaces/<workspace_name> disabled because the server is running without workspaces support. To enable workspace, run `mlflow server` with `--enable-workspaces`',
    ]);
    expect((await call(emulator.url, '/api/2.0/mlflow/unified-traces')).status).toBe(404);
  });

  it('summarises the datasets logged to runs of the experiments', async () => {
    const run = emulator.store.tracking.createRun({
      experimentId: '0',
      userId: 'u',
      runName: 'r',
      startTime: 1,
      tags: [],
    });
    emulator.store.tracking.logInputs(run.runId, [
      {
        tags: [{ key: 'mlflow.data.context', value: 'eval' }],
        dataset: { name: 'eval-set', digest: 'abc', sourceType: 'local', source: '{}' },
      },
    ]);
    const summaries = await call(emulator.url, '/ajax-api/2.0/mlflow/experiments/search-datasets', {
      body: { experiment_ids: ['0'] },
    });
    expect(summaries.json()).toEqual({
      dataset_summaries: [{ experiment_id: '0', name: 'eval-set', digest: 'abc', context: 'eval' }],
    });
  });
});

describe('workspace permissions behind basic auth', () => {
  it('are admin-only and off', async () => {
    const admin = { username: 'admin', password: 'admin-password-1' };
    const bob = { username: 'bob', password: 'bob-password-12' };
    const emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION, auth: true, adminPassword: admin.password });
    try {
      await call(emulator.url, '/api/2.0/mlflow/users/create', { body: bob, basic: admin });
      expect((await call(emulator.url, '/api/3.0/mlflow/workspace-permissions', { basic: bob })).status).toBe(403);
      expect((await call(emulator.url, '/api/3.0/mlflow/workspace-permissions', { basic: admin })).status).toBe(503);
      expect(
        (await call(emulator.url, '/api/3.0/mlflow/workspaces/default/permissions', { basic: admin })).status,
      ).toBe(503);
    } finally {
      await emulator.close();
    }
  });
});
