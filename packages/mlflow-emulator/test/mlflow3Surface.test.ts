// The 2.x surface as MLflow 3.11.1 answers it (3.x mode), beside the same calls in 2.x mode where they differ.
import { ADMIN, MLFLOW3_VERSION, startEmulator, type Emulator } from '../src/index.js';
import { call, qs } from './httpClient.js';

const API = '/api/2.0/mlflow';

interface RunJson {
  info: { run_id: string };
  inputs?: { model_inputs?: unknown[]; dataset_inputs?: unknown[] };
  outputs?: { model_outputs?: Array<{ model_id: string; step: number }> };
}

function createModel(emulator: Emulator, sourceRunId: string) {
  return emulator.store.loggedModels.createLoggedModel({
    experimentId: '0',
    name: 'm',
    modelType: '',
    sourceRunId,
    params: [],
    tags: [],
  });
}

async function createRun(emulator: Emulator, experimentId = '0'): Promise<string> {
  const created = await call(emulator.url, `${API}/runs/create`, { body: { experiment_id: experimentId } });
  return created.json<{ run: RunJson }>().run.info.run_id;
}

describe('tracking in 3.x mode', () => {
  let v3: Emulator;
  let v2: Emulator;
  beforeAll(async () => {
    [v3, v2] = await Promise.all([startEmulator({ mlflowVersion: MLFLOW3_VERSION }), startEmulator()]);
  });
  afterAll(() => Promise.all([v3.close(), v2.close()]));
  beforeEach(() => {
    v3.reset();
    v2.reset();
  });

  it('answers runs/create with an empty inputs object (2.x: none)', async () => {
    const [three, two] = await Promise.all(
      [v3, v2].map((emulator) => call(emulator.url, `${API}/runs/create`, { body: { experiment_id: '0' } })),
    );
    expect(three?.json<{ run: RunJson }>().run.inputs).toEqual({});
    expect(two?.json<{ run: RunJson }>().run).not.toHaveProperty('inputs');
  });

  it('links model inputs and outputs: runs/get shows both, runs/search the outputs only', async () => {
    const runId = await createRun(v3);
    const model = createModel(v3, runId);
    const input = await call(v3.url, `${API}/runs/log-inputs`, {
      body: { run_id: runId, models: [{ model_id: model.modelId }] },
    });
    expect(input.status).toBe(200);
    const output = await call(v3.url, `${API}/runs/outputs`, {
      body: { run_id: runId, models: [{ model_id: model.modelId }] },
    });
    expect(output.status).toBe(200);
    const again = await call(v3.url, `${API}/runs/outputs`, {
      body: { run_id: runId, models: [{ model_id: model.modelId, step: 3 }] },
    });
    expect([again.status, again.json()['error_code']]).toEqual([400, 'BAD_REQUEST']);

    const got = (await call(v3.url, `${API}/runs/get?run_id=${runId}`)).json<{ run: RunJson }>().run;
    expect(got.inputs).toEqual({ model_inputs: [{ model_id: model.modelId }] });
    expect(got.outputs).toEqual({ model_outputs: [{ model_id: model.modelId, step: 0 }] });
    // Outputs list in model-id order, whatever order they were logged in.
    const [first, second] = [createModel(v3, runId), createModel(v3, runId)].sort((a, b) =>
      a.modelId < b.modelId ? -1 : 1,
    );
    const otherRun = await createRun(v3);
    for (const [model, step] of [
      [second, 1],
      [first, 2],
    ] as const) {
      await call(v3.url, `${API}/runs/outputs`, {
        body: { run_id: otherRun, models: [{ model_id: model?.modelId, step }] },
      });
    }
    const other = (await call(v3.url, `${API}/runs/get?run_id=${otherRun}`)).json<{ run: RunJson }>().run;
    expect(other.outputs?.model_outputs?.map((output) => output.step)).toEqual([2, 1]);

    const found = (
      await call(v3.url, `${API}/runs/search`, {
        body: { experiment_ids: ['0'], max_results: 10, filter: `attributes.run_id = '${runId}'` },
      })
    ).json<{ runs: RunJson[] }>().runs;
    expect(found[0]?.inputs).toEqual({});
    expect(found[0]?.outputs).toEqual({ model_outputs: [{ model_id: model.modelId, step: 0 }] });
    // 2.x mode has no runs/outputs.
    expect((await call(v2.url, `${API}/runs/outputs`, { body: { run_id: runId, models: [] } })).status).toBe(404);
  });

  it('logs a metric against a logged model, and refuses an unknown model without writing anything', async () => {
    const runId = await createRun(v3);
    const model = createModel(v3, runId);
    const logged = await call(v3.url, `${API}/runs/log-metric`, {
      body: {
        run_id: runId,
        key: 'acc',
        value: 0.9,
        timestamp: 5,
        step: 1,
        model_id: model.modelId,
        dataset_name: 'd',
      },
    });
    expect(logged.status).toBe(200);
    expect(model.metrics).toEqual([
      { key: 'acc', value: 0.9, timestamp: 5, step: 1, modelId: model.modelId, runId, datasetName: 'd' },
    ]);
    const unknown = await call(v3.url, `${API}/runs/log-batch`, {
      body: {
        run_id: runId,
        metrics: [
          { key: 'acc', value: 0.1, timestamp: 6, step: 2 },
          { key: 'acc', value: 0.2, timestamp: 6, step: 2, model_id: 'm-00000000000000000000000000000000' },
        ],
      },
    });
    expect([unknown.status, unknown.json()['error_code']]).toEqual([400, 'BAD_REQUEST']);
    expect(v3.store.tracking.getMetricHistory(runId, 'acc').map((point) => point.step)).toEqual([1]);
  });

  it('pages metrics/get-history by max_results, whose absence gives no points (2.x: every point)', async () => {
    const runId = await createRun(v3);
    for (const step of [0, 1, 2])
      v3.store.tracking.logMetric(runId, { key: 'loss', value: step, timestamp: step, step });
    const history = (query: Array<[string, string | number]>) =>
      call(v3.url, `${API}/metrics/get-history${qs([['run_id', runId], ['metric_key', 'loss'], ...query])}`).then(
        (response) => response.json<{ metrics?: Array<{ step: number }>; next_page_token?: string }>(),
      );
    expect(await history([])).toEqual({ next_page_token: Buffer.from('{"offset": 0}').toString('base64') });
    const first = await history([['max_results', 2]]);
    expect(first.metrics?.map((point) => point.step)).toEqual([0, 1]);
    const second = await history([
      ['max_results', 2],
      ['page_token', first.next_page_token ?? ''],
    ]);
    expect(second).toEqual({ metrics: [expect.objectContaining({ step: 2 })] });

    const v2Run = await createRun(v2);
    v2.store.tracking.logMetric(v2Run, { key: 'loss', value: 1, timestamp: 1, step: 0 });
    const v2History = await call(
      v2.url,
      `${API}/metrics/get-history${qs([
        ['run_id', v2Run],
        ['metric_key', 'loss'],
      ])}`,
    );
    expect(v2History.json()).toEqual({ metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }] });
  });

  it('deletes experiment tags (404 for one never set), and words schema errors as 3.x does', async () => {
    await call(v3.url, `${API}/experiments/set-experiment-tag`, { body: { experiment_id: '0', key: 'k', value: 'v' } });
    const deleted = await call(v3.url, `${API}/experiments/delete-experiment-tag`, {
      body: { experiment_id: '0', key: 'k' },
    });
    expect(deleted.status).toBe(200);
    const missing = await call(v3.url, `${API}/experiments/delete-experiment-tag`, {
      body: { experiment_id: '0', key: 'k' },
    });
    expect([missing.status, missing.json()['message']]).toEqual([404, 'No tag with name: k in experiment with id 0']);
    const runId = await createRun(v3);
    const bad = await call(v3.url, `${API}/runs/log-metric`, {
      body: { run_id: runId, key: 'x', value: 'abc', timestamp: 1 },
    });
    expect(bad.json()['message']).toBe(
      `Invalid value "abc" for parameter 'value' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.`,
    );
  });
});

describe('registry in 3.x mode', () => {
  let v3: Emulator;
  beforeAll(async () => {
    v3 = await startEmulator({ mlflowVersion: MLFLOW3_VERSION });
  });
  afterAll(() => v3.close());
  beforeEach(() => v3.reset());

  const search = (path: string, filter?: string) =>
    call(v3.url, `${API}/${path}/search${filter === undefined ? '' : qs([['filter', filter]])}`).then((response) =>
      response.json<{ registered_models?: Array<{ name: string }>; model_versions?: Array<{ name: string }> }>(),
    );

  it('keeps prompts out of searches unless the filter mentions the prompt tag', async () => {
    await call(v3.url, `${API}/registered-models/create`, { body: { name: 'model' } });
    await call(v3.url, `${API}/registered-models/create`, {
      body: { name: 'prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] },
    });
    for (const name of ['model', 'prompt']) {
      const created = await call(v3.url, `${API}/model-versions/create`, {
        body: {
          name,
          source: 's3://bucket/x',
          tags: name === 'prompt' ? [{ key: 'mlflow.prompt.text', value: 'Hi' }] : [],
        },
      });
      expect(created.status).toBe(200);
    }
    const names = (result: { registered_models?: Array<{ name: string }> }) =>
      (result.registered_models ?? []).map((model) => model.name);
    expect(names(await search('registered-models'))).toEqual(['model']);
    expect(names(await search('registered-models', "name LIKE '%'"))).toEqual(['model']);
    expect(names(await search('registered-models', "tags.`mlflow.prompt.is_prompt` = 'true'"))).toEqual(['prompt']);
    // `!=` reads as "not a prompt": models without the tag count.
    expect(names(await search('registered-models', "tags.`mlflow.prompt.is_prompt` != 'true'"))).toEqual(['model']);
    expect(await search('model-versions', "name = 'prompt'")).toEqual({});
    expect((await search('model-versions', "name = 'model'")).model_versions).toHaveLength(1);
  });

  it('refuses local files as prompt sources and accepts other text', async () => {
    await call(v3.url, `${API}/registered-models/create`, {
      body: { name: 'p', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] },
    });
    const local = await call(v3.url, `${API}/model-versions/create`, {
      body: { name: 'p', source: 'file:///etc/passwd' },
    });
    expect(local.json()['message']).toBe(
      "Invalid prompt source: 'file:///etc/passwd'. Local source paths are not allowed for prompts.",
    );
    const text = await call(v3.url, `${API}/model-versions/create`, { body: { name: 'p', source: 'dummy-source' } });
    expect(text.status).toBe(200);
  });

  it('registers a version from a logged model: run copied, link tag written, download uri resolved', async () => {
    const runId = await createRun(v3);
    const model = createModel(v3, runId);
    await call(v3.url, `${API}/registered-models/create`, { body: { name: 'reg' } });
    const created = await call(v3.url, `${API}/model-versions/create`, {
      body: { name: 'reg', source: `models:/${model.modelId}`, model_id: model.modelId },
    });
    expect(created.json<{ model_version: Record<string, unknown> }>().model_version).toMatchObject({
      version: '1',
      run_id: runId,
    });
    expect(created.json<{ model_version: Record<string, unknown> }>().model_version).not.toHaveProperty('model_id');
    // The model's own artifacts are an accepted local source.
    const local = await call(v3.url, `${API}/model-versions/create`, {
      body: { name: 'reg', source: model.artifactUri, model_id: model.modelId },
    });
    expect(local.status).toBe(200);
    expect(model.tags.get('mlflow.modelVersions')).toBe(
      '[{"name": "reg", "version": 1}, {"name": "reg", "version": 2}]',
    );
    const uri = await call(
      v3.url,
      `${API}/model-versions/get-download-uri${qs([
        ['name', 'reg'],
        ['version', '1'],
      ])}`,
    );
    expect(uri.json()).toEqual({ artifact_uri: model.artifactUri });
    const unknown = await call(v3.url, `${API}/model-versions/create`, {
      body: { name: 'reg', source: 'models:/m-0', model_id: 'm-0' },
    });
    expect([unknown.status, unknown.json()['error_code']]).toEqual([500, 'INTERNAL_ERROR']);
  });
});

describe('basic auth in 3.x mode', () => {
  let v3: Emulator;
  let v2: Emulator;
  beforeAll(async () => {
    [v3, v2] = await Promise.all([
      startEmulator({ mlflowVersion: MLFLOW3_VERSION, auth: true }),
      startEmulator({ auth: true }),
    ]);
  });
  afterAll(() => Promise.all([v3.close(), v2.close()]));

  it('lists users for admins only, under both prefixes', async () => {
    await call(v3.url, `${API}/users/create`, { basic: ADMIN, body: { username: 'u', password: 'twelve-chars' } });
    const list = await call(v3.url, `${API}/users/list`, { basic: ADMIN });
    expect(list.json()).toEqual({
      users: [
        { id: 1, username: 'admin' },
        { id: 2, username: 'u' },
      ],
    });
    expect((await call(v3.url, '/ajax-api/2.0/mlflow/users/list', { basic: ADMIN })).status).toBe(200);
    const denied = await call(v3.url, `${API}/users/list`, { basic: { username: 'u', password: 'twelve-chars' } });
    expect([denied.status, denied.text]).toEqual([403, 'Permission denied']);
    expect((await call(v2.url, `${API}/users/list`, { basic: ADMIN })).status).toBe(404);
  });

  it('wants 12-character passwords on create only, and knows USE', async () => {
    const short = await call(v3.url, `${API}/users/create`, {
      basic: ADMIN,
      body: { username: 's', password: 'short' },
    });
    expect([short.status, short.json()['message']]).toEqual([
      400,
      'Password must be a string longer than 12 characters.',
    ]);
    const empty = await call(v3.url, `${API}/users/create`, { basic: ADMIN, body: { username: '', password: '' } });
    expect([empty.status, empty.text]).toEqual([400, 'Username and password cannot be empty.']);
    expect(
      (await call(v2.url, `${API}/users/create`, { basic: ADMIN, body: { username: 's', password: 'short' } })).status,
    ).toBe(200);
    await call(v3.url, `${API}/users/create`, { basic: ADMIN, body: { username: 't', password: 'long-enough-1' } });
    const update = await call(v3.url, `${API}/users/update-password`, {
      method: 'PATCH',
      basic: ADMIN,
      body: { username: 't', password: 'x' },
    });
    expect(update.status).toBe(200);
    const grant = (emulator: Emulator) =>
      call(emulator.url, `${API}/experiments/permissions/create`, {
        basic: ADMIN,
        body: { experiment_id: '0', username: 't', permission: 'USE' },
      });
    expect((await grant(v3)).status).toBe(200);
    await call(v2.url, `${API}/users/create`, { basic: ADMIN, body: { username: 't', password: 'x' } });
    expect((await grant(v2)).json()['message']).toBe(
      "Invalid permission 'USE'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')",
    );
  });
});
