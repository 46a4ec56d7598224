import { startEmulator, type Emulator } from '../src/index.js';
import { call, qs } from './httpClient.js';

interface RunJson {
  info: { run_id: string; experiment_id: string; status: string; start_time: number };
  data: { metrics?: Array<{ key: string; value: number }>; params?: Array<{ key: string; value: string }> };
}

describe('tracking API on the demo seed', () => {
  let emulator: Emulator;
  let fraudId: string;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    fraudId = emulator.store.tracking.getExperimentByName('fraud-detection')?.experimentId ?? '';
  });
  afterAll(() => emulator.close());

  it('searches runs by run_id IN, as the DataLoader batch does', async () => {
    const ids = [...emulator.store.tracking.getExperiment(fraudId).runIds].slice(10, 14);
    const response = await call(emulator.url, '/api/2.0/mlflow/runs/search', {
      body: {
        experiment_ids: [fraudId],
        filter: `attributes.run_id IN (${ids.map((id) => `'${id}'`).join(', ')})`,
        max_results: 100,
      },
    });
    const runs = response.json<{ runs: RunJson[] }>().runs;
    expect(runs.map((run) => run.info.run_id).sort()).toEqual([...ids].sort());
    // Default order: start_time DESC.
    const starts = runs.map((run) => run.info.start_time);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('filters and orders on metrics, params and statuses', async () => {
    const response = await call(emulator.url, '/api/2.0/mlflow/runs/search', {
      body: {
        experiment_ids: [fraudId],
        filter: "metrics.accuracy > 0.5 AND attributes.status = 'FINISHED'",
        order_by: ['metrics.accuracy DESC'],
        max_results: 50,
      },
    });
    const runs = response.json<{ runs: RunJson[] }>().runs;
    expect(runs.length).toBeGreaterThan(3);
    const accuracies = runs.map((run) => run.data.metrics?.find((metric) => metric.key === 'accuracy')?.value ?? -1);
    expect(accuracies.every((value) => value > 0.5)).toBe(true);
    expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));
    expect(runs.every((run) => run.info.status === 'FINISHED')).toBe(true);
    const deleted = await call(emulator.url, '/api/2.0/mlflow/runs/search', {
      body: { experiment_ids: [fraudId], run_view_type: 'DELETED_ONLY' },
    });
    expect(deleted.json<{ runs: RunJson[] }>().runs).toHaveLength(1);
  });

  it('returns metric history and the bulk-interval sample', async () => {
    const runIds = [...emulator.store.tracking.getExperiment(fraudId).runIds].slice(0, 2);
    const first = runIds[0] ?? '';
    const history = await call(
      emulator.url,
      `/api/2.0/mlflow/metrics/get-history${qs([
        ['run_id', first],
        ['metric_key', 'loss'],
      ])}`,
    );
    expect(history.json<{ metrics: unknown[] }>().metrics).toHaveLength(
      emulator.store.tracking.getRun(first).metricHistory.get('loss')?.length ?? -1,
    );

    const bulk = await call(
      emulator.url,
      `/api/2.0/mlflow/metrics/get-history-bulk-interval${qs([...runIds.map((id) => ['run_ids', id] as const), ['metric_key', 'loss'], ['max_results', 10]])}`,
    );
    expect(bulk.status).toBe(200);
    const metrics = bulk.json<{
      metrics: Array<{ key: string; value: number; timestamp: number; step: number; run_id: string }>;
    }>().metrics;
    expect(new Set(metrics.map((metric) => metric.run_id))).toEqual(new Set(runIds));
    for (const runId of runIds) {
      const steps = metrics.filter((metric) => metric.run_id === runId).map((metric) => metric.step);
      expect(steps.length).toBeGreaterThanOrEqual(10);
      expect(steps.length).toBeLessThanOrEqual(13);
      expect(steps[0]).toBe(0);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
    }
    expect(Object.keys(metrics[0] ?? {}).sort()).toEqual(['key', 'run_id', 'step', 'timestamp', 'value']);

    const windowed = await call(
      emulator.url,
      `/api/2.0/mlflow/metrics/get-history-bulk-interval${qs([
        ['run_ids', first],
        ['metric_key', 'loss'],
        ['start_step', 10],
        ['end_step', 20],
      ])}`,
    );
    const windowSteps = windowed.json<{ metrics: Array<{ step: number }> }>().metrics.map((metric) => metric.step);
    expect(windowSteps).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);

    const tooMany = await call(
      emulator.url,
      `/api/2.0/mlflow/metrics/get-history-bulk-interval${qs([...Array.from({ length: 101 }, (_, i) => ['run_ids', `r${i}`] as const), ['metric_key', 'loss']])}`,
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.json<{ message: string }>().message).toBe(
      'GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids. See the API docs for more information about request parameters.',
    );
  });

  it('lists artifacts per directory', async () => {
    const run = [...emulator.store.tracking.runs.values()].find((candidate) => candidate.status === 'FINISHED');
    const root = await call(emulator.url, `/api/2.0/mlflow/artifacts/list${qs([['run_id', run?.runId ?? '']])}`);
    const body = root.json<{ root_uri: string; files: Array<{ path: string; is_dir: boolean; file_size?: number }> }>();
    expect(body.root_uri).toBe(run?.artifactUri);
    expect(body.files.map((file) => [file.path, file.is_dir])).toEqual([
      ['eval', true],
      ['metrics.json', false],
      ['model', true],
      ['plots', true],
    ]);
    const model = await call(
      emulator.url,
      `/api/2.0/mlflow/artifacts/list${qs([
        ['run_id', run?.runId ?? ''],
        ['path', 'model'],
      ])}`,
    );
    const files = model.json<{ files: Array<{ path: string; file_size: number }> }>().files;
    expect(files.map((file) => file.path)).toContain('model/MLmodel');
    expect(files.every((file) => file.file_size > 0)).toBe(true);
    const unsafe = await call(
      emulator.url,
      `/api/2.0/mlflow/artifacts/list${qs([
        ['run_id', run?.runId ?? ''],
        ['path', '../etc'],
      ])}`,
    );
    expect(unsafe.status).toBe(400);
  });

  it('logs dataset inputs and shows them on the run', async () => {
    const created = await call(emulator.url, '/api/2.0/mlflow/runs/create', {
      body: { experiment_id: fraudId, start_time: 5 },
    });
    const runId = created.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    const logged = await call(emulator.url, '/api/2.0/mlflow/runs/log-inputs', {
      body: {
        run_id: runId,
        datasets: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'eval' }],
            dataset: { name: 'd', digest: 'abc', source_type: 'local', source: '{}' },
          },
        ],
      },
    });
    expect(logged.status).toBe(200);
    const run = await call(emulator.url, `/api/2.0/mlflow/runs/get?run_id=${runId}`);
    expect(run.json<{ run: { inputs: unknown } }>().run.inputs).toEqual({
      dataset_inputs: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'eval' }],
          dataset: { name: 'd', digest: 'abc', source_type: 'local', source: '{}' },
        },
      ],
    });
    const search = await call(emulator.url, '/api/2.0/mlflow/runs/search', {
      body: { experiment_ids: [fraudId], filter: "datasets.context = 'eval'" },
    });
    expect(search.json<{ runs: RunJson[] }>().runs.map((r) => r.info.run_id)).toEqual([runId]);
  });

  it('answers HTML 404 and 405 pages for unknown paths and wrong methods', async () => {
    const unknown = await call(emulator.url, '/api/2.0/mlflow/experiments/list');
    expect(unknown.status).toBe(404);
    expect(unknown.text.startsWith('<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>')).toBe(true);
    const wrong = await call(emulator.url, '/api/2.0/mlflow/runs/search?experiment_ids=1');
    expect(wrong.status).toBe(405);
    expect(wrong.text).toContain('<title>405 Method Not Allowed</title>');
  });
});
