// The demo seed in MLflow 3 mode: logged models from the demo runs, versions made from them, prompts; served over
// the 3.x endpoints as a client sees them, and absent from the 2.x demo.
import {
  DEMO_LOGGED_MODELS,
  DEMO_MODELS,
  DEMO_PROMPTS,
  GENAI_DEMO_EXPERIMENT,
  MLFLOW3_VERSION,
  startEmulator,
  type Emulator,
} from '../src/index.js';
import { call, qs } from './httpClient.js';

const API = '/api/2.0/mlflow';

interface ModelJson {
  info: {
    model_id: string;
    name: string;
    status: string;
    source_run_id: string;
    tags?: Array<{ key: string; value: string }>;
  };
  data: { params?: unknown[]; metrics?: Array<{ key: string; dataset_name?: string }> };
}

describe('demo seed in 3.x mode', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', mlflowVersion: MLFLOW3_VERSION });
  });
  afterAll(() => emulator.close());

  it('has one logged model per registered version, a candidate per model and a failed upload', () => {
    const versions = DEMO_MODELS.reduce((sum, model) => sum + model.stages.length, 0);
    expect(DEMO_LOGGED_MODELS.filter((model) => model.registeredAs)).toHaveLength(versions);
    expect(DEMO_LOGGED_MODELS).toHaveLength(versions + DEMO_MODELS.length + 1);
    expect(new Set(DEMO_LOGGED_MODELS.map((model) => model.modelId)).size).toBe(DEMO_LOGGED_MODELS.length);
    expect(DEMO_LOGGED_MODELS.filter((model) => model.status === 'LOGGED_MODEL_UPLOAD_FAILED')).toHaveLength(1);
  });

  it('links run → logged model → registered version → run, as MLflow 3 records it', async () => {
    const plan = DEMO_LOGGED_MODELS.find((model) => model.registeredAs?.name === 'fraud-detector');
    const model = (await call(emulator.url, `${API}/logged-models/${plan?.modelId ?? ''}`)).json<{ model: ModelJson }>()
      .model;
    expect(model.info).toMatchObject({ name: plan?.name, status: 'LOGGED_MODEL_READY' });
    expect(model.data.params?.length).toBeGreaterThan(2);
    expect(new Set(model.data.metrics?.map((metric) => metric.dataset_name))).toEqual(
      new Set(['fraud-detection-eval', 'fraud-detection-holdout']),
    );
    expect(model.info.tags).toContainEqual({
      key: 'mlflow.modelVersions',
      value: JSON.stringify([plan?.registeredAs]).replace(/,/g, ', ').replace(/:/g, ': '),
    });
    const version = (
      await call(
        emulator.url,
        `${API}/model-versions/get${qs([
          ['name', plan?.registeredAs?.name ?? ''],
          ['version', plan?.registeredAs?.version ?? 0],
        ])}`,
      )
    ).json<{ model_version: { source: string; run_id: string } }>().model_version;
    expect(version).toMatchObject({ source: `models:/${model.info.model_id}`, run_id: model.info.source_run_id });
    const run = (await call(emulator.url, `${API}/runs/get?run_id=${version.run_id}`)).json<{
      run: { outputs: { model_outputs: Array<{ model_id: string }> } };
    }>().run;
    expect(run.outputs.model_outputs).toContainEqual({ model_id: model.info.model_id, step: 0 });
  });

  it('searches an experiment’s logged models, best first by a metric on a dataset', async () => {
    const experimentId = emulator.store.tracking.getExperimentByName('churn-prediction')?.experimentId ?? '';
    const found = await call(emulator.url, `${API}/logged-models/search`, {
      body: {
        experiment_ids: [experimentId],
        filter: 'status = 2',
        order_by: [{ field_name: 'metrics.accuracy', ascending: false, dataset_name: 'churn-prediction-eval' }],
      },
    });
    const names = found.json<{ models: ModelJson[] }>().models.map((model) => model.info.name);
    expect(new Set(names)).toEqual(
      new Set(DEMO_LOGGED_MODELS.filter((model) => model.experiment === 'churn-prediction').map((model) => model.name)),
    );
  });

  it('keeps prompts apart: hidden from registered-model search, found by their tag, versions with templates', async () => {
    const all = (await call(emulator.url, `${API}/registered-models/search?max_results=100`)).json<{
      registered_models: Array<{ name: string }>;
    }>();
    expect(all.registered_models.map((model) => model.name)).toEqual(DEMO_MODELS.map((model) => model.name).sort());
    const prompts = (
      await call(
        emulator.url,
        `${API}/registered-models/search${qs([['filter', "tags.`mlflow.prompt.is_prompt` = 'true'"]])}`,
      )
    ).json<{ registered_models: Array<{ name: string }> }>();
    expect(prompts.registered_models.map((model) => model.name)).toEqual(
      DEMO_PROMPTS.map((prompt) => prompt.name).sort(),
    );
    const plan = DEMO_PROMPTS[0];
    const production = (
      await call(
        emulator.url,
        `${API}/registered-models/alias${qs([
          ['name', plan?.name ?? ''],
          ['alias', 'production'],
        ])}`,
      )
    ).json<{ model_version: { version: string; tags: Array<{ key: string; value: string }>; description: string } }>()
      .model_version;
    const expected = plan?.versions[(plan.aliases['production'] ?? 1) - 1];
    expect(production.tags).toContainEqual({ key: 'mlflow.prompt.text', value: expected?.template });
    expect(production.description).toBe(expected?.message);
  });

  it('is the same store on every start, and the 2.x demo has none of it', async () => {
    const [again, v2] = await Promise.all([
      startEmulator({ seed: 'demo', mlflowVersion: MLFLOW3_VERSION }),
      startEmulator({ seed: 'demo' }),
    ]);
    try {
      const ids = (target: Emulator) => [...target.store.loggedModels.models.keys()];
      expect(ids(again)).toEqual(ids(emulator));
      expect(ids(v2)).toEqual([]);
      // The GenAI side (traces with assessments, an evaluation dataset) comes with the 3.x demo only.
      expect(emulator.store.tracking.getExperimentByName(GENAI_DEMO_EXPERIMENT)).toBeDefined();
      expect(v2.store.tracking.getExperimentByName(GENAI_DEMO_EXPERIMENT)).toBeUndefined();
      expect([...v2.store.registry.models.keys()]).toEqual(DEMO_MODELS.map((model) => model.name));
      const source = v2.store.registry.getModelVersion('fraud-detector', 1).source;
      expect(source).not.toMatch(/^models:\//);
    } finally {
      await Promise.all([again.close(), v2.close()]);
    }
  });
});
