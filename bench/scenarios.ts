// The four scenarios, each as the GraphQL query a frontend sends to the gateway and as the hand-written REST
// waterfall the same frontend would run against MLflow directly: dependent levels one after the other, each
// level's calls in parallel, batch endpoints used where MLflow has them. Both forms summarize what they
// fetched, so the benchmark can prove that every variant fetched the same data.
import type { BenchData } from './benchData.js';
import { inParallel, type RestClient } from './RestClient.js';

/** Scenario names, in report order. */
export type ScenarioName = 'dashboard' | 'compare' | 'registry' | 'run';

/** Object counts of one answer (equal across variants for the same scenario). */
export type Summary = Record<string, number>;

/** One benchmark scenario. */
export interface Scenario {
  name: ScenarioName;
  /** What it stands for, for the report. */
  title: string;
  query: string;
  variables(data: BenchData): Record<string, unknown>;
  /** Counts from the GraphQL answer's `data`. */
  summarize(data: any): Summary;
  /** The REST waterfall as `username` (whose credentials `api` carries): the same data, counted the same way. */
  waterfall(api: RestClient, data: BenchData, username: string): Promise<Summary>;
}

/** A frontend's parallelism per level is unbounded here (HTTP/2 or a generous browser): kind to the waterfall. */
const PARALLEL = Number.POSITIVE_INFINITY;

/** Quotes a value for MLflow's filter grammar. */
const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Run ids per `run_id IN (...)` model-versions search: the search is a GET and gunicorn refuses request
 * lines over 4094 bytes (80 ids of 32 hex digits pass, 100 fail), so a frontend picks a safe constant.
 */
const RUN_IDS_PER_VERSION_SEARCH = 60;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const runInfo = `id name status startTime params { key value } metrics { key value step }`;

const dashboard: Scenario = {
  name: 'dashboard',
  title: '10 experiments × 50 runs: params, latest metrics, model versions, viewerPermission',
  query: `query Dashboard($filter: String!, $experiments: Int!, $runs: Int!) {
  experiments(first: $experiments, filter: $filter) {
    nodes { id name viewerPermission runs(first: $runs) { nodes { ${runInfo} modelVersions { name version } viewerPermission } } }
  }
}`,
  variables: (data) => ({
    filter: `name LIKE '${data.experimentPrefix}%'`,
    experiments: data.size.experiments,
    runs: data.size.runsPerExperiment,
  }),
  summarize(data) {
    const experiments = data.experiments.nodes;
    const runs = experiments.flatMap((e: any) => e.runs.nodes);
    return {
      experiments: experiments.length,
      runs: runs.length,
      params: runs.reduce((n: number, r: any) => n + r.params.length, 0),
      metrics: runs.reduce((n: number, r: any) => n + r.metrics.length, 0),
      modelVersions: runs.reduce((n: number, r: any) => n + r.modelVersions.length, 0),
    };
  },
  async waterfall(api, data, username) {
    // Level 1: the experiments, and the caller's grants (MLflow basic-auth: users/get answers both).
    const [{ experiments = [] }, { user }] = await Promise.all([
      api.post('experiments/search', {
        filter: `name LIKE '${data.experimentPrefix}%'`,
        max_results: data.size.experiments,
      }),
      api.get('users/get', { username }),
    ]);
    void user;
    // Level 2: each experiment's first page of runs (params and latest metrics come with them).
    const pages = await inParallel(experiments, PARALLEL, (e: any) =>
      api.post('runs/search', {
        experiment_ids: [e.experiment_id],
        max_results: data.size.runsPerExperiment,
        run_view_type: 'ACTIVE_ONLY',
      }),
    );
    const runs = pages.flatMap((page: any) => page.runs ?? []);
    // Level 3: the runs' model versions, one `run_id IN (...)` search per chunk.
    const versions = await inParallel(
      chunk(
        runs.map((r: any) => r.info.run_id as string),
        RUN_IDS_PER_VERSION_SEARCH,
      ),
      PARALLEL,
      (ids) =>
        api.get('model-versions/search', { filter: `run_id IN (${ids.map(quote).join(', ')})`, max_results: 1000 }),
    );
    return {
      experiments: experiments.length,
      runs: runs.length,
      params: runs.reduce((n: number, r: any) => n + (r.data.params ?? []).length, 0),
      metrics: runs.reduce((n: number, r: any) => n + (r.data.metrics ?? []).length, 0),
      modelVersions: versions.reduce((n: number, v: any) => n + (v.model_versions ?? []).length, 0),
    };
  },
};

const HISTORY_KEYS = ['loss', 'val_loss', 'accuracy'] as const;
const HISTORY_POINTS = 100;

const compare: Scenario = {
  name: 'compare',
  title: '20 runs side by side × 3 metric histories',
  query: `query Compare($experimentIds: [ID!]!, $filter: String!, $first: Int!) {
  runs(experimentIds: $experimentIds, filter: $filter, first: $first) {
    nodes { id name status metrics { key value }
      loss: metricHistory(key: "loss", maxPoints: ${HISTORY_POINTS}) { step value }
      valLoss: metricHistory(key: "val_loss", maxPoints: ${HISTORY_POINTS}) { step value }
      accuracy: metricHistory(key: "accuracy", maxPoints: ${HISTORY_POINTS}) { step value } }
  }
}`,
  variables: (data) => ({
    experimentIds: data.compare.experimentIds,
    filter: `attributes.run_id IN (${data.compare.runIds.map(quote).join(', ')})`,
    first: data.compare.runIds.length,
  }),
  summarize(data) {
    const runs = data.runs.nodes;
    return {
      runs: runs.length,
      histories: runs.reduce(
        (n: number, r: any) => n + [r.loss, r.valLoss, r.accuracy].filter((h) => h && h.length > 0).length,
        0,
      ),
    };
  },
  async waterfall(api, data, _username) {
    // One level: the run ids are known (the user picked them), so the runs and the three series go together.
    const [page, ...series] = await Promise.all([
      api.post('runs/search', {
        experiment_ids: data.compare.experimentIds,
        filter: `attributes.run_id IN (${data.compare.runIds.map(quote).join(', ')})`,
        max_results: data.compare.runIds.length,
      }),
      ...HISTORY_KEYS.map((key) =>
        api.get('metrics/get-history-bulk-interval', {
          run_ids: data.compare.runIds,
          metric_key: key,
          max_results: HISTORY_POINTS,
        }),
      ),
    ]);
    const runs = page.runs ?? [];
    return {
      runs: runs.length,
      histories: series.reduce((n: number, s: any) => n + new Set((s.metrics ?? []).map((m: any) => m.run_id)).size, 0),
    };
  },
};

const registry: Scenario = {
  name: 'registry',
  title: '20 registered models × their versions × each version’s run and experiment',
  query: `query Registry($models: Int!) {
  registeredModels(first: $models) {
    nodes { name viewerPermission versions(first: 10) { nodes { version status aliases run { id name status experiment { id name } } } } }
  }
}`,
  variables: (data) => ({ models: data.size.models }),
  summarize(data) {
    const models = data.registeredModels.nodes;
    const versions = models.flatMap((m: any) => m.versions.nodes);
    return {
      models: models.length,
      versions: versions.length,
      runs: versions.filter((v: any) => v.run).length,
      experiments: versions.filter((v: any) => v.run?.experiment?.name).length,
    };
  },
  async waterfall(api, data, username) {
    // Level 1: the models, and the caller's grants.
    const [{ registered_models: models = [] }] = await Promise.all([
      api.get('registered-models/search', { max_results: data.size.models }),
      api.get('users/get', { username }),
    ]);
    // Level 2: each model's versions (MLflow's filter grammar has no `name IN (...)`).
    const pages = await inParallel(models, PARALLEL, (m: any) =>
      api.get('model-versions/search', {
        filter: `name=${quote(m.name)}`,
        order_by: ['version_number DESC'],
        max_results: 10,
      }),
    );
    const versions = pages.flatMap((p: any) => p.model_versions ?? []);
    // Level 3: each version's run; level 4: each run's experiment (deduplicated, as any frontend would).
    const runIds = [...new Set(versions.map((v: any) => v.run_id as string))];
    const runs = new Map(
      (await inParallel(runIds, PARALLEL, (id) => api.get('runs/get', { run_id: id }))).map((r: any) => [
        r.run.info.run_id,
        r.run,
      ]),
    );
    const experimentIds = [...new Set([...runs.values()].map((r: any) => r.info.experiment_id as string))];
    const experiments = new Map(
      (await inParallel(experimentIds, PARALLEL, (id) => api.get('experiments/get', { experiment_id: id }))).map(
        (e: any) => [e.experiment.experiment_id, e.experiment],
      ),
    );
    return {
      models: models.length,
      versions: versions.length,
      runs: versions.filter((v: any) => runs.has(v.run_id)).length,
      experiments: versions.filter((v: any) => experiments.get(runs.get(v.run_id)?.info.experiment_id)?.name).length,
    };
  },
};

const run: Scenario = {
  name: 'run',
  title: 'one run by id: params, metrics, tags, experiment, model versions, viewerPermission',
  query: `query RunPage($id: ID!) {
  run(id: $id) { ${runInfo} endTime tags { key value } experiment { id name } modelVersions { name version } viewerPermission }
}`,
  variables: (data) => ({ id: data.runId }),
  summarize: (data) => ({
    runs: data.run ? 1 : 0,
    params: data.run.params.length,
    metrics: data.run.metrics.length,
    modelVersions: data.run.modelVersions.length,
    experiments: data.run.experiment ? 1 : 0,
  }),
  async waterfall(api, data, username) {
    // Level 1: the run, its model versions and the caller's grants (all known from the run id).
    const [{ run: found }, { model_versions: versions = [] }] = await Promise.all([
      api.get('runs/get', { run_id: data.runId }),
      api.get('model-versions/search', { filter: `run_id=${quote(data.runId)}` }),
      api.get('users/get', { username }),
    ]);
    // Level 2: its experiment.
    const { experiment } = await api.get('experiments/get', { experiment_id: found.info.experiment_id });
    return {
      runs: 1,
      params: (found.data.params ?? []).length,
      metrics: (found.data.metrics ?? []).length,
      modelVersions: versions.length,
      experiments: experiment ? 1 : 0,
    };
  },
};

/** Every scenario, in report order. */
export const SCENARIOS: readonly Scenario[] = [dashboard, compare, registry, run];
