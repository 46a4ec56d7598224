// GitLab's MLflow-compatible API (lib/api/ml/mlflow/{experiments,runs,metrics,registered_models,
// model_versions}.rb) as a table: the endpoints GitLab defines, no others, each with the parameters
// Grape declares and the handler's GitLab semantics. The front (routes/gitlab.ts) authenticates,
// checks the project role, validates the parameters and then calls the handler.
import { gitlabErrors } from '../gitlabErrors.js';
import { GitlabMl, type KeyValueInput, type MetricInput } from '../GitlabMl.js';
import type { GitlabUserRecord } from '../GitlabStore.js';
import {
  experimentJson,
  metricJson,
  modelVersionJson,
  registeredModelJson,
  runInfoJson,
  runJson,
  type GitlabJsonContext,
} from '../gitlabJson.js';
import { optional, requires, type ParamSpec, type Params } from '../grapeParams.js';
import { keysetPaginate, type KeysetColumn } from '../keyset.js';
import type { ExperimentRecord, RegisteredModelRecord, RunRecord, RunStatus } from '../records.js';
import type { Json } from '../wireJson.js';

/** What a handler gets: validated params, the GitLab view of the store, the caller. */
export interface GitlabCall {
  readonly params: Params;
  readonly ml: GitlabMl;
  readonly user: GitlabUserRecord;
  readonly json: GitlabJsonContext;
}

/** The five resources GitLab mounts under `/api/v4/projects/:id/ml/mlflow/api/2.0/mlflow/`. */
export type GitlabMlflowResource = 'experiments' | 'runs' | 'metrics' | 'registered-models' | 'model-versions';

/** One MLflow endpoint of GitLab. */
export interface GitlabMlflowRoute {
  readonly resource: GitlabMlflowResource;
  /** The path under the resource (`get`, `search`, ...). */
  readonly path: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly params: readonly ParamSpec[];
  /** Registry routes marked `route_setting :api, write: true` (the others are reads even when POST). */
  readonly registryWrite?: boolean;
  readonly handler: (call: GitlabCall) => Json;
}

/** The page size of GitLab's searches when `max_results` is not given. */
export const GITLAB_SEARCH_DEFAULT_MAX_RESULTS = 200;
/** The most a GitLab search returns per page, whatever `max_results` asks. */
export const GITLAB_SEARCH_MAX_RESULTS = 1000;
/** `Ml::Candidate.statuses` as the API accepts them. */
export const CANDIDATE_STATES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const list = (value: unknown): KeyValueInput[] | null => (Array.isArray(value) ? (value as KeyValueInput[]) : null);

function maxResults(params: Params, fallback: number): number {
  return Math.min(num(params['max_results']) ?? fallback, GITLAB_SEARCH_MAX_RESULTS);
}

function idDesc<T>(id: (item: T) => number): KeysetColumn<T> {
  return { name: 'id', value: id, descending: true };
}

/**
 * `model_order_params` (experiments and registered models): `column [ASC|DESC]`, lowercased,
 * `last_updated_timestamp` read as `updated_at`, ascending unless told; the finder then falls back to
 * its default column for anything it does not know, and always breaks ties by id DESC.
 */
function modelOrder(orderBy: string | null): { column: string; descending: boolean } {
  if (!orderBy || orderBy.trim() === '') return { column: 'name', descending: false };
  const [rawColumn = '', rawSort] = orderBy.toLowerCase().split(' ');
  const column = rawColumn === 'last_updated_timestamp' ? 'updated_at' : rawColumn;
  const sort = rawSort ?? 'asc';
  return { column, descending: sort !== 'asc' };
}

function experimentColumns(orderBy: string | null): KeysetColumn<ExperimentRecord>[] {
  const { column, descending } = modelOrder(orderBy);
  const id = (e: ExperimentRecord): number => Number(e.experimentId);
  const value: Record<string, (e: ExperimentRecord) => string | number> = {
    name: (e) => e.name,
    created_at: (e) => e.creationTime,
    updated_at: (e) => e.lastUpdateTime,
    id,
  };
  const chosen = value[column] ? column : 'id';
  const columns: KeysetColumn<ExperimentRecord>[] = [];
  if (chosen !== 'id')
    columns.push({ name: chosen, value: value[chosen] as (e: ExperimentRecord) => string | number, descending });
  columns.push(chosen === 'id' ? { name: 'id', value: id, descending } : idDesc(id));
  return columns;
}

function modelColumns(call: GitlabCall, orderBy: string | null): KeysetColumn<RegisteredModelRecord>[] {
  const { column, descending } = modelOrder(orderBy);
  const id = (m: RegisteredModelRecord): number => call.ml.modelMeta(m).id;
  const value: Record<string, (m: RegisteredModelRecord) => string | number> = {
    name: (m) => m.name,
    created_at: (m) => m.creationTimestamp,
    updated_at: (m) => m.lastUpdatedTimestamp,
    id,
  };
  const chosen = value[column] ? column : 'created_at';
  const columns: KeysetColumn<RegisteredModelRecord>[] = [];
  if (chosen !== 'id')
    columns.push({ name: chosen, value: value[chosen] as (m: RegisteredModelRecord) => string | number, descending });
  columns.push(chosen === 'id' ? { name: 'id', value: id, descending } : idDesc(id));
  return columns;
}

/**
 * `candidates_order_params` + CandidateFinder: `created_at`, `name` or `id` columns, or `metrics.<key>`
 * (which keeps only runs that logged the key); anything else is `created_at`; DESC unless `ASC`.
 */
function candidateOrder(
  call: GitlabCall,
  runs: RunRecord[],
  orderBy: string | null,
): { runs: RunRecord[]; columns: KeysetColumn<RunRecord>[] } {
  const iid = (run: RunRecord): number => call.ml.candidateMeta(run).iid;
  let column = 'created_at';
  let type: 'column' | 'metric' = 'column';
  let sort: string | undefined;
  if (orderBy && orderBy.trim() !== '') {
    const [first = '', second] = orderBy.split(' ');
    const parts = first.split('.');
    sort = second?.toLowerCase();
    if (parts.length === 1) column = parts[0] ?? '';
    else if (parts[0] === 'metrics') {
      type = 'metric';
      column = parts[1] ?? '';
    } else column = '';
  }
  const descending = sort !== 'asc';
  if (type === 'metric') {
    const key = column;
    return {
      runs: runs.filter((run) => run.latestMetrics.has(key)),
      columns: [
        { name: 'metric_value', value: (run) => run.latestMetrics.get(key)?.value ?? 0, descending },
        idDesc(iid),
      ],
    };
  }
  const value: Record<string, (run: RunRecord) => string | number> = {
    name: (run) => run.runName,
    created_at: (run) => call.ml.candidateMeta(run).createdAt,
    id: iid,
  };
  const chosen = value[column] ? column : 'created_at';
  const columns: KeysetColumn<RunRecord>[] = [];
  if (chosen !== 'id')
    columns.push({ name: chosen, value: value[chosen] as (run: RunRecord) => string | number, descending });
  columns.push(chosen === 'id' ? { name: 'id', value: iid, descending } : idDesc(iid));
  return { runs, columns };
}

function metricsOf(items: unknown): MetricInput[] {
  return (Array.isArray(items) ? items : []).map((item) => {
    const metric = item as Record<string, unknown>;
    return {
      key: str(metric['key']) ?? '',
      value: num(metric['value']) ?? 0,
      timestamp: num(metric['timestamp']) ?? 0,
      step: num(metric['step']),
    };
  });
}

/** `model_filter_params`: only `name='value'`, split on `=` with outer quotes stripped. */
function modelNameFilter(filter: string | null): { name?: string; invalid: boolean } {
  if (filter === null) return { invalid: false };
  if (filter.trim() === '') return { invalid: true };
  const [param, value = ''] = filter.split('=');
  if (param !== 'name') return { invalid: true };
  return { name: value.replace(/^("|')|("|')?$/g, ''), invalid: false };
}

const EXPERIMENTS: readonly GitlabMlflowRoute[] = [
  {
    resource: 'experiments',
    path: 'get',
    method: 'GET',
    params: [optional('experiment_id', 'string', { default: '' })],
    handler: ({ params, ml }) => ({
      experiment: experimentJson(ml.findExperiment(params['experiment_id'], params['experiment_name'])),
    }),
  },
  {
    resource: 'experiments',
    path: 'get-by-name',
    method: 'GET',
    params: [optional('experiment_name', 'string', { default: '' })],
    handler: ({ params, ml }) => ({
      experiment: experimentJson(ml.findExperiment(params['experiment_id'], params['experiment_name'])),
    }),
  },
  {
    resource: 'experiments',
    path: 'list',
    method: 'GET',
    params: [],
    // ExperimentFinder's default order: id DESC, every experiment, no paging.
    handler: ({ ml }) => ({
      experiments: ml
        .experiments()
        .sort((a, b) => Number(b.experimentId) - Number(a.experimentId))
        .map(experimentJson),
    }),
  },
  {
    resource: 'experiments',
    path: 'search',
    method: 'POST',
    params: [
      optional('max_results', 'integer', { default: GITLAB_SEARCH_DEFAULT_MAX_RESULTS }),
      optional('order_by', 'string', { default: 'created_at DESC' }),
      optional('page_token', 'string'),
      optional('filter', 'string'),
    ],
    // `filter` is accepted and ignored; view_type too (GitLab hard-deletes).
    handler: ({ params, ml }) => {
      const page = keysetPaginate(
        ml.experiments(),
        experimentColumns(str(params['order_by'])),
        str(params['page_token']),
        maxResults(params, GITLAB_SEARCH_DEFAULT_MAX_RESULTS),
      );
      return { experiments: page.items.map(experimentJson), next_page_token: page.nextPageToken };
    },
  },
  {
    resource: 'experiments',
    path: 'create',
    method: 'POST',
    params: [requires('name', 'string'), optional('tags', 'array'), optional('artifact_location', 'string')],
    handler: ({ params, ml }) => ({
      experiment_id: ml.createExperiment(str(params['name']) ?? '', list(params['tags'])).experimentId,
    }),
  },
  {
    resource: 'experiments',
    path: 'set-experiment-tag',
    method: 'POST',
    params: [requires('experiment_id', 'string'), requires('key', 'string'), requires('value', 'string')],
    handler: ({ params, ml }) => {
      const experiment = ml.findExperiment(params['experiment_id'], params['experiment_name']);
      ml.addExperimentTag(experiment, str(params['key']) ?? '', str(params['value']) ?? '');
      return {};
    },
  },
  {
    resource: 'experiments',
    path: 'delete',
    method: 'POST',
    params: [requires('experiment_id', 'string')],
    handler: ({ params, ml }) => {
      ml.deleteExperiment(ml.findExperiment(params['experiment_id'], params['experiment_name']));
      return {};
    },
  },
];

const METRIC_ITEM: readonly ParamSpec[] = [
  requires('key', 'string'),
  requires('value', 'float'),
  requires('timestamp', 'integer'),
  optional('step', 'integer'),
];
const PARAM_ITEM: readonly ParamSpec[] = [requires('key', 'string'), requires('value', 'string')];

const RUNS: readonly GitlabMlflowRoute[] = [
  {
    resource: 'runs',
    path: 'create',
    method: 'POST',
    params: [
      requires('experiment_id', 'integer'),
      optional('start_time', 'integer', { default: 0 }),
      optional('user_id', 'string'),
      optional('tags', 'array'),
      optional('run_name', 'string'),
    ],
    // `user_id` is ignored: the candidate belongs to the token's user.
    handler: (call) => {
      const { params, ml, user } = call;
      const experiment = ml.findExperiment(params['experiment_id'], params['experiment_name']);
      const run = ml.createCandidate(experiment, {
        startTime: num(params['start_time']) ?? 0,
        name: str(params['run_name']),
        tags: list(params['tags']),
        userId: user.id,
      });
      return { run: runJson(call.json, run) };
    },
  },
  {
    resource: 'runs',
    path: 'get',
    method: 'GET',
    params: [requires('run_id', 'string'), optional('run_uuid', 'string')],
    handler: (call) => ({ run: runJson(call.json, call.ml.findCandidate(call.params['run_id'])) }),
  },
  {
    resource: 'runs',
    path: 'search',
    method: 'POST',
    params: [
      requires('experiment_ids', 'array'),
      optional('max_results', 'integer', { default: GITLAB_SEARCH_DEFAULT_MAX_RESULTS }),
      optional('order_by', 'string', { default: 'created_at DESC' }),
      optional('page_token', 'string'),
    ],
    // Only the first experiment id counts; filter, run_view_type and the other ids are ignored.
    handler: (call) => {
      const { params, ml } = call;
      const first = (params['experiment_ids'] as unknown[])[0];
      const experiment = ml.findExperiment(first === undefined ? null : first, params['experiment_name']);
      const ordered = candidateOrder(call, ml.candidatesOf(experiment), str(params['order_by']));
      const page = keysetPaginate(
        ordered.runs,
        ordered.columns,
        str(params['page_token']),
        maxResults(params, GITLAB_SEARCH_DEFAULT_MAX_RESULTS),
      );
      return { runs: page.items.map((run) => runJson(call.json, run)), next_page_token: page.nextPageToken };
    },
  },
  {
    resource: 'runs',
    path: 'update',
    method: 'POST',
    params: [
      requires('run_id', 'string'),
      optional('status', 'string', { values: CANDIDATE_STATES }),
      optional('end_time', 'integer'),
    ],
    // `run_name` is not a parameter here: a candidate cannot be renamed.
    handler: (call) => {
      const run = call.ml.findCandidate(call.params['run_id']);
      call.ml.updateCandidate(
        run,
        (str(call.params['status']) as RunStatus | null) ?? null,
        num(call.params['end_time']),
      );
      return { run_info: runInfoJson(call.json, run) };
    },
  },
  {
    resource: 'runs',
    path: 'log-metric',
    method: 'POST',
    params: [requires('run_id', 'string'), ...METRIC_ITEM],
    handler: ({ params, ml }) => {
      const run = ml.findCandidate(params['run_id']);
      const [metric] = metricsOf([params]);
      if (metric) ml.addMetric(run, metric);
      return {};
    },
  },
  {
    resource: 'runs',
    path: 'log-parameter',
    method: 'POST',
    params: [requires('run_id', 'string'), ...PARAM_ITEM],
    handler: ({ params, ml }) => {
      ml.addParam(ml.findCandidate(params['run_id']), str(params['key']) ?? '', str(params['value']) ?? '');
      return {};
    },
  },
  {
    resource: 'runs',
    path: 'set-tag',
    method: 'POST',
    params: [requires('run_id', 'string'), requires('key', 'string'), requires('value', 'string')],
    handler: ({ params, ml }) => {
      ml.addTag(ml.findCandidate(params['run_id']), str(params['key']) ?? '', str(params['value']) ?? '');
      return {};
    },
  },
  {
    resource: 'runs',
    path: 'log-batch',
    method: 'POST',
    params: [
      requires('run_id', 'string'),
      optional('metrics', 'array', { default: [], items: METRIC_ITEM }),
      optional('params', 'array', { default: [], items: PARAM_ITEM }),
    ],
    // `tags` is read without being declared; duplicates of any kind are skipped, never an error.
    handler: ({ params, ml }) => {
      const run = ml.findCandidate(params['run_id']);
      ml.addMetrics(run, metricsOf(params['metrics']));
      ml.addParams(run, list(params['params']) ?? []);
      ml.addTags(run, list(params['tags']) ?? []);
      return {};
    },
  },
  {
    resource: 'runs',
    path: 'delete',
    method: 'POST',
    params: [requires('run_id', 'string')],
    handler: ({ params, ml }) => {
      ml.deleteCandidate(ml.findCandidate(params['run_id']));
      return {};
    },
  },
];

const METRICS: readonly GitlabMlflowRoute[] = [
  {
    resource: 'metrics',
    path: 'get-history',
    method: 'GET',
    params: [
      requires('run_id', 'string'),
      requires('metric_key', 'string'),
      optional('max_results', 'integer', { default: 1000 }),
      optional('page_token', 'string'),
    ],
    // Ordered by step, then timestamp, then logging order (GitLab's id).
    handler: ({ params, ml }) => {
      const run = ml.findCandidate(params['run_id']);
      const history = run.metricHistory.get(str(params['metric_key']) ?? '') ?? [];
      const logged = new Map(history.map((point, index) => [point, index]));
      const page = keysetPaginate(
        history,
        [
          { name: 'step', value: (point) => point.step, descending: false },
          { name: 'tracked_at', value: (point) => point.timestamp, descending: false },
          { name: 'id', value: (point) => logged.get(point) ?? 0, descending: false },
        ],
        str(params['page_token']),
        maxResults(params, 1000),
      );
      return { metrics: page.items.map((point) => metricJson(ml, point)), next_page_token: page.nextPageToken };
    },
  },
];

const REGISTERED_MODELS: readonly GitlabMlflowRoute[] = [
  {
    resource: 'registered-models',
    path: 'create',
    method: 'POST',
    registryWrite: true,
    params: [requires('name', 'string'), optional('description', 'string'), optional('tags', 'array')],
    handler: (call) => {
      const { params, ml, user } = call;
      const model = ml.createModel(
        str(params['name']) ?? '',
        str(params['description']),
        list(params['tags']),
        user.id,
      );
      return { registered_model: registeredModelJson(call.json, model) };
    },
  },
  {
    resource: 'registered-models',
    path: 'get',
    method: 'GET',
    params: [optional('name', 'string', { default: '' })],
    handler: (call) => ({ registered_model: registeredModelJson(call.json, call.ml.findModel(call.params['name'])) }),
  },
  {
    resource: 'registered-models',
    path: 'update',
    method: 'PATCH',
    registryWrite: true,
    params: [optional('name', 'string'), optional('description', 'string')],
    handler: (call) => {
      const model = call.ml.findModel(call.params['name']);
      call.ml.updateModel(model, str(call.params['description']));
      return { registered_model: registeredModelJson(call.json, model) };
    },
  },
  {
    resource: 'registered-models',
    path: 'get-latest-versions',
    method: 'POST',
    params: [optional('name', 'string')],
    // `stages` is ignored; the one latest version by semver, or [null] when the model has none.
    handler: (call) => {
      const latest = call.ml.latestVersion(call.ml.findModel(call.params['name']));
      return { model_versions: [latest ? modelVersionJson(call.json, latest) : null] };
    },
  },
  {
    resource: 'registered-models',
    path: 'delete',
    method: 'DELETE',
    registryWrite: true,
    params: [optional('name', 'string')],
    handler: ({ params, ml }) => {
      ml.deleteModel(ml.findModel(params['name']));
      return {};
    },
  },
  {
    resource: 'registered-models',
    path: 'search',
    method: 'GET',
    params: [
      optional('filter', 'string'),
      optional('max_results', 'integer', { default: GITLAB_SEARCH_DEFAULT_MAX_RESULTS }),
      optional('order_by', 'string', { default: 'name ASC' }),
      optional('page_token', 'string'),
    ],
    handler: (call) => {
      const { params, ml } = call;
      const filter = modelNameFilter(str(params['filter']));
      if (filter.invalid)
        throw gitlabErrors.invalidParameter("Invalid attribute key specified. Valid keys are '{'name'}'");
      const nameFilter = filter.name;
      // ModelFinder#by_name is a substring LIKE: name='fraud' also finds "fraud-detector".
      const models = ml.models().filter((model) => !nameFilter || model.name.includes(nameFilter));
      const page = keysetPaginate(
        models,
        modelColumns(call, str(params['order_by'])),
        str(params['page_token']),
        maxResults(params, GITLAB_SEARCH_DEFAULT_MAX_RESULTS),
      );
      return {
        registered_models: page.items.map((model) => registeredModelJson(call.json, model)),
        next_page_token: page.nextPageToken,
      };
    },
  },
  {
    resource: 'registered-models',
    path: 'alias',
    method: 'GET',
    params: [optional('name', 'string'), optional('alias', 'string')],
    // The only alias of a version is its semver.
    handler: (call) => {
      const version = call.ml.findVersion(call.params['name'], call.params['alias']);
      if (!version) throw gitlabErrors.resourceNotFound();
      return { model_version: modelVersionJson(call.json, version) };
    },
  },
];

const MODEL_VERSIONS: readonly GitlabMlflowRoute[] = [
  {
    resource: 'model-versions',
    path: 'create',
    method: 'POST',
    registryWrite: true,
    params: [
      optional('name', 'string'),
      optional('description', 'string'),
      optional('tags', 'array'),
      optional('run_id', 'string'),
    ],
    // `run_id`, `source` and `run_link` are ignored: the version gets a candidate of its own.
    handler: (call) => {
      const { params, ml } = call;
      const model = ml.findModel(params['name']);
      const tags = list(params['tags']);
      const semver = GitlabMl.requestedVersion(tags);
      const version = ml.createVersion(model, {
        ...(semver === undefined ? {} : { semver }),
        description: str(params['description']),
        tags,
      });
      return { model_version: modelVersionJson(call.json, version) };
    },
  },
  {
    resource: 'model-versions',
    path: 'get-download-uri',
    method: 'GET',
    params: [requires('name', 'string'), requires('version', 'integer')],
    // No look-up at all: the URI is built from the numeric version id it is given.
    handler: ({ params }) => ({ artifact_uri: `mlflow-artifacts:/${String(params['version'])}` }),
  },
  {
    resource: 'model-versions',
    path: 'get',
    method: 'GET',
    params: [requires('name', 'string'), requires('version', 'string')],
    handler: (call) => {
      const version = call.ml.findVersion(call.params['name'], call.params['version']);
      if (!version) throw gitlabErrors.resourceNotFound();
      return { model_version: modelVersionJson(call.json, version) };
    },
  },
  {
    resource: 'model-versions',
    path: 'update',
    method: 'PATCH',
    registryWrite: true,
    params: [optional('name', 'string'), optional('version', 'string'), optional('description', 'string')],
    handler: (call) => {
      const { params, ml } = call;
      const name = params['name'];
      const semver = params['version'];
      const description = params['description'];
      if (typeof name !== 'string' || typeof semver !== 'string' || typeof description !== 'string') {
        throw gitlabErrors.invalidParameter();
      }
      const version = ml.findVersion(name, semver);
      if (!version) throw gitlabErrors.updateFailed();
      ml.updateVersion(version, description);
      return { model_version: modelVersionJson(call.json, version) };
    },
  },
];

/** Every MLflow endpoint GitLab serves, keyed `resource/path`. */
export const gitlabMlflowRoutes: readonly GitlabMlflowRoute[] = [
  ...EXPERIMENTS,
  ...RUNS,
  ...METRICS,
  ...REGISTERED_MODELS,
  ...MODEL_VERSIONS,
];
