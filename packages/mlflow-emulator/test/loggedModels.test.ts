// MLflow 3's logged-model endpoints in 3.x mode (absent in 2.x mode), plain and behind basic auth.
import { ADMIN, MLFLOW3_VERSION, startEmulator, type Emulator } from '../src/index.js';
import { call, type TestResponse } from './httpClient.js';

const LM = '/api/2.0/mlflow/logged-models';

interface ModelJson {
  info: {
    model_id: string;
    name: string;
    status: string;
    experiment_id: string;
    tags?: unknown[];
    artifact_uri: string;
  };
  data: { params?: Array<{ key: string; value: string }>; metrics?: Array<Record<string, unknown>> };
}
interface SearchJson {
  models?: ModelJson[];
  next_page_token?: string;
}

function modelOf(response: TestResponse): ModelJson {
  return response.json<{ model: ModelJson }>().model;
}

describe('logged models in 3.x mode', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION, artifactRoot: '/srv/artifacts' });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const create = (body: Record<string, unknown>) => call(emulator.url, LM, { body: { experiment_id: '0', ...body } });
  const search = (body: Record<string, unknown>) =>
    call(emulator.url, `${LM}/search`, { body: { experiment_ids: ['0'], ...body } });

  it('creates a PENDING model with a generated name, its artifacts under the experiment', async () => {
    const created = await create({
      params: [
        { key: 'b', value: '2' },
        { key: 'a', value: '1' },
      ],
    });
    const model = modelOf(created);
    expect(model.info).toMatchObject({ status: 'LOGGED_MODEL_PENDING', model_type: '', source_run_id: '' });
    expect(model.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.info.artifact_uri).toBe(`/srv/artifacts/0/models/${model.info.model_id}/artifacts`);
    expect(model.data.params).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    const missing = await call(emulator.url, LM, { body: { name: 'x' } });
    expect(missing.json()['message']).toBe(
      "Missing value for required parameter 'experiment_id'. See the API docs for more information about request parameters.",
    );
    expect((await create({ experiment_id: '42' })).status).toBe(404);
  });

  it('gets, finalizes (an unknown status is UNSPECIFIED), tags and logs params as recorded', async () => {
    const id = modelOf(await create({ name: 'a' })).info.model_id;
    expect(modelOf(await call(emulator.url, `${LM}/${id}`)).info.name).toBe('a');
    const unknown = await call(emulator.url, `${LM}/not-a-model`);
    expect([unknown.status, unknown.json()['message']]).toEqual([404, "Logged model with ID 'not-a-model' not found."]);
    const bogus = await call(emulator.url, `${LM}/${id}`, { method: 'PATCH', body: { model_id: id, status: 'BOGUS' } });
    expect(modelOf(bogus).info.status).toBe('LOGGED_MODEL_STATUS_UNSPECIFIED');
    const ready = await call(emulator.url, `${LM}/${id}`, { method: 'PATCH', body: { status: 'LOGGED_MODEL_READY' } });
    expect(modelOf(ready).info.status).toBe('LOGGED_MODEL_READY');
    expect((await call(emulator.url, `${LM}/${id}`, { method: 'PATCH', body: {} })).status).toBe(400);

    const tags = {
      method: 'PATCH',
      body: {
        tags: [
          { key: 'z', value: '1' },
          { key: 'k', value: '2' },
        ],
      },
    };
    expect((await call(emulator.url, `${LM}/${id}/tags`, tags)).status).toBe(200);
    expect((await call(emulator.url, `${LM}/${id}/tags/z`, { method: 'DELETE' })).status).toBe(200);
    const gone = await call(emulator.url, `${LM}/${id}/tags/z`, { method: 'DELETE' });
    expect([gone.status, gone.json()['message']]).toEqual([
      404,
      `No tag with key 'z' found for model with ID '${id}'.`,
    ]);
    await call(emulator.url, `${LM}/${id}/params`, { body: { params: [{ key: 'lr', value: '0.1' }] } });
    const conflict = await call(emulator.url, `${LM}/${id}/params`, {
      body: { params: [{ key: 'lr', value: '0.2' }] },
    });
    expect([conflict.status, conflict.json()['error_code']]).toEqual([400, 'BAD_REQUEST']);
    const listing = await call(emulator.url, `${LM}/${id}/artifacts/directories`);
    expect(listing.json()).toEqual({ root_uri: modelOf(ready).info.artifact_uri });
  });

  it('deletes softly: gone from get and search, a second delete still 200', async () => {
    const id = modelOf(await create({ name: 'a' })).info.model_id;
    for (let i = 0; i < 2; i += 1)
      expect((await call(emulator.url, `${LM}/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(emulator.url, `${LM}/${id}`)).status).toBe(404);
    expect((await search({})).json()).toEqual({});
  });

  it('searches with filters, datasets, metric order and query-carrying page tokens', async () => {
    const runId = (await call(emulator.url, '/api/2.0/mlflow/runs/create', { body: { experiment_id: '0' } })).json<{
      run: { info: { run_id: string } };
    }>().run.info.run_id;
    const ids: string[] = [];
    for (const name of ['b', 'a', 'c'])
      ids.push(modelOf(await create({ name, params: [{ key: 'p', value: name }] })).info.model_id);
    const [b, a] = ids;
    await call(emulator.url, `${LM}/${a ?? ''}`, { method: 'PATCH', body: { status: 'LOGGED_MODEL_READY' } });
    const metric = (modelId: string | undefined, value: number, dataset: string) =>
      call(emulator.url, '/api/2.0/mlflow/runs/log-metric', {
        body: { run_id: runId, key: 'acc', value, timestamp: 1, model_id: modelId, dataset_name: dataset },
      });
    await metric(a, 0.9, 'eval');
    await metric(b, 0.5, 'eval');
    await metric(b, 0.95, 'train');
    const names = async (body: Record<string, unknown>) =>
      ((await search(body)).json<SearchJson>().models ?? []).map((model) => model.info.name);

    expect(await names({})).toEqual(['c', 'a', 'b']); // creation time, newest first
    expect(await names({ filter: "name = 'a'" })).toEqual(['a']);
    expect(await names({ filter: "params.p LIKE '%' AND name != 'c'" })).toEqual(['a', 'b']);
    expect(await names({ filter: 'metrics.acc > 0.8' })).toEqual(['a', 'b']);
    expect(await names({ filter: 'metrics.acc > 0.8', datasets: [{ dataset_name: 'eval' }] })).toEqual(['a']);
    // The status column holds the enum's number: the name never matches (recorded), the number does.
    expect(await names({ filter: "status = 'LOGGED_MODEL_READY'" })).toEqual([]);
    expect(await names({ filter: 'status = 2' })).toEqual(['a']);
    expect(await names({ order_by: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'eval' }] })).toEqual([
      'a',
      'b',
      'c',
    ]);
    const bad = await search({ filter: 'foo bar baz' });
    expect(bad.json()['message']).toBe(
      "Invalid filter string: 'foo bar baz'. Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').",
    );
    const noExperiments = await call(emulator.url, `${LM}/search`, { body: {} });
    expect(noExperiments.status).toBe(400);

    const order = [{ field_name: 'name', ascending: true }];
    const page1 = (await search({ order_by: order, max_results: 2 })).json<SearchJson>();
    expect(page1.models?.map((model) => model.info.name)).toEqual(['a', 'b']);
    expect(Buffer.from(page1.next_page_token ?? '', 'base64').toString()).toBe(
      '{"experiment_ids": ["0"], "filter_string": null, "order_by": [{"field_name": "name", "ascending": true, "dataset_name": null, "dataset_digest": null}], "offset": 2}',
    );
    const page2 = (
      await search({ order_by: order, max_results: 2, page_token: page1.next_page_token })
    ).json<SearchJson>();
    expect(page2.models?.map((model) => model.info.name)).toEqual(['c']);
    expect(page2.next_page_token).toBeUndefined();
    // Metrics logged with a model id show on the model, every row, in key order, with dataset and run.
    const withMetrics = modelOf(await call(emulator.url, `${LM}/${b ?? ''}`));
    expect(withMetrics.data.metrics).toEqual([
      { key: 'acc', value: 0.5, timestamp: 1, step: 0, dataset_name: 'eval', model_id: b, run_id: runId },
      { key: 'acc', value: 0.95, timestamp: 1, step: 0, dataset_name: 'train', model_id: b, run_id: runId },
    ]);
  });

  it('does not exist in 2.x mode', async () => {
    const v2 = await startEmulator();
    try {
      expect((await call(v2.url, LM, { body: { experiment_id: '0' } })).status).toBe(404);
    } finally {
      await v2.close();
    }
  });
});

describe('logged models behind basic auth in 3.x mode', () => {
  let emulator: Emulator;
  const alice = { username: 'alice-3x', password: 'alice-password' };
  const bob = { username: 'bob-3x', password: 'bob-password-1' };
  beforeAll(async () => {
    emulator = await startEmulator({ mlflowVersion: MLFLOW3_VERSION, auth: true });
    for (const user of [alice, bob])
      await call(emulator.url, '/api/2.0/mlflow/users/create', { basic: ADMIN, body: user });
  });
  afterAll(() => emulator.close());

  it('guards models by their experiment: READ reads, EDIT writes, NO_PERMISSIONS sees nothing', async () => {
    const experimentId = (
      await call(emulator.url, '/api/2.0/mlflow/experiments/create', { basic: alice, body: { name: 'lm-auth' } })
    ).json()['experiment_id'];
    const created = await call(emulator.url, LM, { basic: alice, body: { experiment_id: experimentId, name: 'm' } });
    const id = modelOf(created).info.model_id;
    expect((await call(emulator.url, LM, { basic: bob, body: { experiment_id: experimentId } })).status).toBe(403);
    expect((await call(emulator.url, `${LM}/${id}`, { basic: bob })).status).toBe(200);
    const finalize = await call(emulator.url, `${LM}/${id}`, {
      method: 'PATCH',
      basic: bob,
      body: { status: 'LOGGED_MODEL_READY' },
    });
    expect([finalize.status, finalize.text]).toEqual([403, 'Permission denied']);
    // An unknown model is the handler's 404, not a 403.
    expect((await call(emulator.url, `${LM}/m-00000000000000000000000000000000`, { basic: bob })).status).toBe(404);
    await call(emulator.url, '/api/2.0/mlflow/experiments/permissions/create', {
      basic: alice,
      body: { experiment_id: experimentId, username: bob.username, permission: 'NO_PERMISSIONS' },
    });
    expect((await call(emulator.url, `${LM}/${id}`, { basic: bob })).status).toBe(403);
    const searched = await call(emulator.url, `${LM}/search`, { basic: bob, body: { experiment_ids: [experimentId] } });
    expect(searched.json()).toEqual({});
    const own = await call(emulator.url, `${LM}/search`, { basic: alice, body: { experiment_ids: [experimentId] } });
    expect(own.json<SearchJson>().models).toHaveLength(1);
  });
});
