// Builds a registry of known shape in an emulator through MLflow's own REST API, so tests can compare the
// upstream cost of one query across registries of different sizes.

/** What was created. */
export interface SeededRegistry {
  experimentIds: string[];
  runIds: string[];
  models: { name: string; versions: { version: string; runId: string }[] }[];
}

/** Shape of the registry to build. */
export interface RegistryShape {
  /** Prefix of every name (keeps suites apart on a shared emulator). */
  prefix: string;
  models: number;
  versionsPerModel: number;
  /** Experiments the runs are spread over. */
  experiments?: number;
  /** Runs with no model version, besides the ones that produced versions. */
  extraRuns?: number;
}

/** Calls one MLflow endpoint on the emulator; throws with the body on a non-2xx answer. */
export async function mlflowRest<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/**
 * Creates `experiments` experiments, one run per model version (each with a `loss` metric), `models` models
 * of `versionsPerModel` versions, and aliases `champion` → version 1 and `challenger` → version 2.
 */
export async function seedRegistry(baseUrl: string, shape: RegistryShape): Promise<SeededRegistry> {
  const experimentIds: string[] = [];
  for (let e = 0; e < (shape.experiments ?? 2); e += 1) {
    const { experiment_id } = await mlflowRest<{ experiment_id: string }>(
      baseUrl,
      'POST',
      '/api/2.0/mlflow/experiments/create',
      { name: `${shape.prefix}-exp-${e}` },
    );
    experimentIds.push(experiment_id);
  }
  let runCount = 0;
  const runIds: string[] = [];
  const newRun = async (): Promise<string> => {
    const experimentId = experimentIds[runCount % experimentIds.length] as string;
    runCount += 1;
    const { run } = await mlflowRest<{ run: { info: { run_id: string } } }>(
      baseUrl,
      'POST',
      '/api/2.0/mlflow/runs/create',
      {
        experiment_id: experimentId,
        start_time: 1_700_000_000_000 + runCount,
        run_name: `${shape.prefix}-run-${runCount}`,
      },
    );
    const runId = run.info.run_id;
    await mlflowRest(baseUrl, 'POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'loss', value: 1 / runCount, timestamp: 1_700_000_000_000 + runCount, step: 0 }],
    });
    runIds.push(runId);
    return runId;
  };

  const models: SeededRegistry['models'] = [];
  for (let m = 0; m < shape.models; m += 1) {
    const name = `${shape.prefix}-model-${String(m).padStart(3, '0')}`;
    await mlflowRest(baseUrl, 'POST', '/api/2.0/mlflow/registered-models/create', { name, description: `model ${m}` });
    const versions: { version: string; runId: string }[] = [];
    for (let v = 0; v < shape.versionsPerModel; v += 1) {
      const runId = await newRun();
      const { model_version } = await mlflowRest<{ model_version: { version: string } }>(
        baseUrl,
        'POST',
        '/api/2.0/mlflow/model-versions/create',
        {
          name,
          source: `runs:/${runId}/model`,
          run_id: runId,
        },
      );
      versions.push({ version: model_version.version, runId });
    }
    if (versions.length >= 1)
      await mlflowRest(baseUrl, 'POST', '/api/2.0/mlflow/registered-models/alias', {
        name,
        alias: 'champion',
        version: '1',
      });
    if (versions.length >= 2)
      await mlflowRest(baseUrl, 'POST', '/api/2.0/mlflow/registered-models/alias', {
        name,
        alias: 'challenger',
        version: '2',
      });
    models.push({ name, versions });
  }
  for (let r = 0; r < (shape.extraRuns ?? 0); r += 1) await newRun();
  return { experimentIds, runIds, models };
}
