// Experiments, runs and metrics with the semantics of MLflow 2.12's SqlAlchemyStore (tracking):
// which calls check lifecycle state, what updates timestamps, how search filters, sorts and pages.
import { MlflowError } from './MlflowError.js';
import { createPageToken, parsePageToken } from './pageToken.js';
import type { Prng } from './prng.js';
import type {
  ArtifactRecord,
  DatasetInputRecord,
  ExperimentRecord,
  MetricPoint,
  RunRecord,
  RunStatus,
} from './records.js';
import { generateRunName } from './runNames.js';
import {
  checkRunsFilterComparators,
  compareValues,
  parseExperimentOrderBy,
  parseExperimentsFilter,
  parseRunOrderBy,
  parseRunsFilter,
  type RunFilterClause,
  type RunOrderBy,
} from './searchFilter.js';
import {
  validateBatchLimits,
  validateExperimentName,
  validateMetric,
  validateParam,
  validateTag,
} from './validation.js';

/** MLflow's view types for search. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** A page of results and the token for the next one, if any. */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

/** Options for a tracking store. */
export interface TrackingStoreOptions {
  /** Default artifact root; experiments get `<root>/<id>` (MLflow's default is `mlflow-artifacts:`). */
  readonly artifactRoot: string;
  readonly now: () => number;
  readonly random: Prng;
  /** Answer as MLflow 3 (its wording of some errors). */
  readonly mlflow3?: boolean;
}

/** The tag MLflow keeps a run's name in. */
export const RUN_NAME_TAG = 'mlflow.runName';
/** SEARCH_MAX_RESULTS_THRESHOLD for experiments and runs. */
export const SEARCH_MAX_RESULTS_THRESHOLD = 50000;

function stagesFor(view: ViewType): ReadonlySet<string> {
  if (view === 'ACTIVE_ONLY') return new Set(['active']);
  if (view === 'DELETED_ONLY') return new Set(['deleted']);
  return new Set(['active', 'deleted']);
}

function compareScalars(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `(step, timestamp, value)` ordering that decides which metric value is the latest. */
function isNewer(candidate: MetricPoint, current: MetricPoint): boolean {
  const value = (point: MetricPoint): number => (Number.isNaN(point.value) ? 0 : point.value);
  if (candidate.step !== current.step) return candidate.step > current.step;
  if (candidate.timestamp !== current.timestamp) return candidate.timestamp > current.timestamp;
  return value(candidate) > value(current);
}

/** MLflow stores ±inf as ±max float (the database cannot hold infinities). */
function storableMetricValue(value: number): number {
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  return value;
}

function appendUri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts].join('/');
}

/** Experiments, runs and their metrics, params and tags. */
export class TrackingStore {
  readonly experiments = new Map<string, ExperimentRecord>();
  readonly experimentsByName = new Map<string, ExperimentRecord>();
  readonly runs = new Map<string, RunRecord>();
  private nextExperimentId = 0;
  private readonly options: TrackingStoreOptions;

  constructor(options: TrackingStoreOptions) {
    this.options = options;
  }

  private now(): number {
    return this.options.now();
  }

  // ---------------------------------------------------------------- experiments

  /** The Default experiment "0" every MLflow database starts with. */
  createDefaultExperiment(creationTime = this.now()): ExperimentRecord {
    const experiment: ExperimentRecord = {
      experimentId: '0',
      name: 'Default',
      artifactLocation: appendUri(this.options.artifactRoot, '0'),
      lifecycleStage: 'active',
      creationTime,
      lastUpdateTime: creationTime,
      tags: new Map(),
      runIds: new Set(),
    };
    this.experiments.set('0', experiment);
    this.experimentsByName.set('Default', experiment);
    this.nextExperimentId = Math.max(this.nextExperimentId, 1);
    return experiment;
  }

  /** experiments/create. */
  createExperiment(
    name: string,
    artifactLocation: string,
    tags: ReadonlyArray<{ key: string; value: string }>,
    creationTime = this.now(),
  ): ExperimentRecord {
    validateExperimentName(name);
    for (const tag of tags) validateTag(tag.key, tag.value);
    if (this.experimentsByName.has(name)) {
      throw MlflowError.alreadyExists(
        `Experiment(name=${name}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: experiments.name`,
      );
    }
    const experimentId = String(this.nextExperimentId);
    this.nextExperimentId += 1;
    const experiment: ExperimentRecord = {
      experimentId,
      name,
      artifactLocation: artifactLocation || appendUri(this.options.artifactRoot, experimentId),
      lifecycleStage: 'active',
      creationTime,
      lastUpdateTime: creationTime,
      tags: new Map(tags.map((tag) => [tag.key, tag.value])),
      runIds: new Set(),
    };
    this.experiments.set(experimentId, experiment);
    this.experimentsByName.set(name, experiment);
    return experiment;
  }

  /** The experiment in the given view, or MLflow's 404. */
  getExperiment(experimentId: string, view: ViewType = 'ALL'): ExperimentRecord {
    // SqlAlchemyStore reads an empty id as the Default experiment.
    const experiment = this.experiments.get(experimentId || '0');
    if (!experiment || !stagesFor(view).has(experiment.lifecycleStage)) {
      throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
    }
    return experiment;
  }

  /** experiments/get-by-name (any lifecycle stage), or undefined. */
  getExperimentByName(name: string): ExperimentRecord | undefined {
    return this.experimentsByName.get(name);
  }

  private checkExperimentActive(experiment: ExperimentRecord): void {
    if (experiment.lifecycleStage !== 'active') {
      throw MlflowError.invalidParameter(
        `The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
      );
    }
  }

  /** experiments/delete: marks the experiment and its runs deleted. */
  deleteExperiment(experimentId: string): void {
    const experiment = this.getExperiment(experimentId, 'ACTIVE_ONLY');
    const now = this.now();
    experiment.lifecycleStage = 'deleted';
    experiment.lastUpdateTime = now;
    for (const runId of experiment.runIds) {
      const run = this.runs.get(runId);
      if (run && run.lifecycleStage === 'active') {
        run.lifecycleStage = 'deleted';
        run.deletedTime = now;
      }
    }
  }

  /** experiments/restore: the experiment and its runs back to active. */
  restoreExperiment(experimentId: string): void {
    const experiment = this.getExperiment(experimentId, 'DELETED_ONLY');
    experiment.lifecycleStage = 'active';
    experiment.lastUpdateTime = this.now();
    for (const runId of experiment.runIds) {
      const run = this.runs.get(runId);
      if (run && run.lifecycleStage === 'deleted') {
        run.lifecycleStage = 'active';
        run.deletedTime = null;
      }
    }
  }

  /** experiments/update (rename). */
  renameExperiment(experimentId: string, newName: string): void {
    validateExperimentName(newName);
    const experiment = this.getExperiment(experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw new MlflowError('INVALID_STATE', 'Cannot rename a non-active experiment.');
    }
    if (newName === experiment.name) return;
    if (this.experimentsByName.has(newName)) {
      throw MlflowError.alreadyExists(
        `Experiment(name=${newName}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: experiments.name`,
      );
    }
    this.experimentsByName.delete(experiment.name);
    experiment.name = newName;
    experiment.lastUpdateTime = this.now();
    this.experimentsByName.set(newName, experiment);
  }

  /** experiments/set-experiment-tag. */
  setExperimentTag(experimentId: string, key: string, value: string): void {
    validateTag(key, value);
    const experiment = this.getExperiment(experimentId);
    this.checkExperimentActive(experiment);
    experiment.tags.set(key, value);
  }

  /** experiments/delete-experiment-tag (MLflow 3): a tag the experiment lacks is a 404. */
  deleteExperimentTag(experimentId: string, key: string): void {
    const experiment = this.getExperiment(experimentId);
    this.checkExperimentActive(experiment);
    if (!experiment.tags.has(key)) {
      throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
    }
    experiment.tags.delete(key);
  }

  /**
   * experiments/search: SqlAlchemyStore._search_experiments (max_results checks, filter, order
   * `creation_time DESC, experiment_id ASC` by default, `max_results + 1` look-ahead for the token).
   */
  searchExperiments(request: {
    viewType: ViewType;
    maxResults: number;
    orderBy: readonly string[];
    filter: string;
    pageToken: string;
  }): Page<ExperimentRecord> {
    const { maxResults } = request;
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      throw MlflowError.invalidParameter(
        this.options.mlflow3
          ? `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`
          : `Invalid value for max_results. It must be a positive integer, but got ${maxResults}`,
      );
    }
    if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) {
      throw MlflowError.invalidParameter(
        `Invalid value for max_results. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}, but got ${maxResults}`,
      );
    }
    const clauses = parseExperimentsFilter(request.filter);
    const orderBy = (request.orderBy.length > 0 ? request.orderBy : ['creation_time DESC', 'experiment_id ASC']).map(
      parseExperimentOrderBy,
    );
    if (!orderBy.some((order) => order.key === 'experiment_id'))
      orderBy.push({ key: 'experiment_id', ascending: false });
    const offset = Math.max(0, parsePageToken(request.pageToken));
    const stages = stagesFor(request.viewType);
    const matches = [...this.experiments.values()].filter((experiment) => {
      if (!stages.has(experiment.lifecycleStage)) return false;
      return clauses.every((clause) => {
        if (clause.type === 'tag')
          return compareValues(experiment.tags.get(clause.key), clause.comparator, clause.value);
        const lhs =
          clause.key === 'name'
            ? experiment.name
            : clause.key === 'creation_time'
              ? experiment.creationTime
              : experiment.lastUpdateTime;
        return compareValues(lhs, clause.comparator, clause.value);
      });
    });
    const sortValue = (experiment: ExperimentRecord, key: string): string | number => {
      switch (key) {
        case 'name':
          return experiment.name;
        case 'experiment_id':
          return Number(experiment.experimentId);
        case 'creation_time':
          return experiment.creationTime;
        default:
          return experiment.lastUpdateTime;
      }
    };
    matches.sort((a, b) => {
      for (const order of orderBy) {
        const result = compareScalars(sortValue(a, order.key), sortValue(b, order.key));
        if (result !== 0) return order.ascending ? result : -result;
      }
      return 0;
    });
    const window = matches.slice(offset, offset + maxResults + 1);
    const items = window.slice(0, maxResults);
    return window.length > maxResults ? { items, nextPageToken: createPageToken(offset + maxResults) } : { items };
  }

  // ---------------------------------------------------------------- runs

  private newRunId(): string {
    let runId = this.options.random.hex(32);
    while (this.runs.has(runId)) runId = this.options.random.hex(32);
    return runId;
  }

  /** runs/create. */
  createRun(request: {
    experimentId: string;
    userId: string;
    startTime: number;
    runName: string;
    tags: ReadonlyArray<{ key: string; value: string }>;
    runId?: string;
  }): RunRecord {
    const experiment = this.getExperiment(request.experimentId);
    this.checkExperimentActive(experiment);
    const runId = request.runId ?? this.newRunId();
    const tags = [...request.tags];
    const runNameTag = tags.find((tag) => tag.key === RUN_NAME_TAG)?.value;
    if (request.runName && runNameTag && request.runName !== runNameTag) {
      throw MlflowError.invalidParameter(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${request.runName}', mlflow.runName='${runNameTag}').`,
      );
    }
    const runName = request.runName || runNameTag || generateRunName(this.options.random);
    if (!runNameTag) tags.push({ key: RUN_NAME_TAG, value: runName });
    const artifactUri = appendUri(experiment.artifactLocation, runId, 'artifacts');
    if (request.experimentId === '') {
      // The run row references experiment '' and the foreign key rejects it (recorded as BAD_REQUEST).
      throw new MlflowError(
        'BAD_REQUEST',
        `(sqlite3.IntegrityError) FOREIGN KEY constraint failed\n[SQL: INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, deleted_time, source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)]\n[parameters: ('${runId}', '${runName}', 'UNKNOWN', '', '', '${request.userId}', 'RUNNING', ${request.startTime}, None, None, '', 'active', '${artifactUri}', '')]\n(Background on this error at: https://sqlalche.me/e/14/gkpj)`,
      );
    }
    const run: RunRecord = {
      runId,
      experimentId: experiment.experimentId,
      runName,
      userId: request.userId,
      status: 'RUNNING',
      startTime: request.startTime,
      endTime: null,
      artifactUri,
      lifecycleStage: 'active',
      deletedTime: null,
      params: new Map(),
      tags: new Map(tags.map((tag) => [tag.key, tag.value])),
      latestMetrics: new Map(),
      metricHistory: new Map(),
      datasetInputs: [],
      artifacts: [],
      modelInputs: new Set(),
      modelOutputs: [],
    };
    this.runs.set(runId, run);
    experiment.runIds.add(runId);
    return run;
  }

  /** The run in any lifecycle stage, or MLflow's 404. */
  getRun(runId: string): RunRecord {
    const run = this.runs.get(runId);
    if (!run) throw MlflowError.notFound(`Run with id=${runId} not found`);
    return run;
  }

  private activeRun(runId: string): RunRecord {
    const run = this.getRun(runId);
    if (run.lifecycleStage !== 'active') {
      throw MlflowError.invalidParameter(
        `The run ${runId} must be in the 'active' state. Current state is ${run.lifecycleStage}.`,
      );
    }
    return run;
  }

  /** runs/update: only the fields given change. */
  updateRunInfo(runId: string, status: RunStatus | null, endTime: number | null, runName: string | null): RunRecord {
    const run = this.activeRun(runId);
    if (status !== null) run.status = status;
    if (endTime !== null) run.endTime = endTime;
    if (runName) {
      run.runName = runName;
      run.tags.set(RUN_NAME_TAG, runName);
    }
    return run;
  }

  /** runs/delete (soft). */
  deleteRun(runId: string): void {
    const run = this.getRun(runId);
    run.lifecycleStage = 'deleted';
    run.deletedTime = this.now();
  }

  /** runs/restore. */
  restoreRun(runId: string): void {
    const run = this.getRun(runId);
    run.lifecycleStage = 'active';
    run.deletedTime = null;
  }

  private recordMetric(run: RunRecord, metric: MetricPoint): void {
    const stored: MetricPoint = { ...metric, value: storableMetricValue(metric.value) };
    let history = run.metricHistory.get(stored.key);
    if (!history) {
      history = [];
      run.metricHistory.set(stored.key, history);
    }
    history.push(stored);
    const latest = run.latestMetrics.get(stored.key);
    if (!latest || isNewer(stored, latest)) run.latestMetrics.set(stored.key, stored);
  }

  private recordParam(run: RunRecord, key: string, value: string): void {
    const existing = run.params.get(key);
    if (existing !== undefined && existing !== value) {
      throw MlflowError.invalidParameter(
        `Changing param values is not allowed. Param with key='${key}' was already logged with value='${existing}' for run ID='${run.runId}'. Attempted logging new value '${value}'.`,
      );
    }
    run.params.set(key, value);
  }

  private recordTag(run: RunRecord, key: string, value: string): void {
    run.tags.set(key, value);
    if (key === RUN_NAME_TAG) run.runName = value;
  }

  /** runs/log-metric. */
  logMetric(runId: string, metric: MetricPoint): void {
    validateMetric(metric.key);
    this.recordMetric(this.activeRun(runId), metric);
  }

  /** runs/log-parameter. */
  logParam(runId: string, key: string, value: string): void {
    validateParam(key, value);
    this.recordParam(this.activeRun(runId), key, value);
  }

  /** runs/set-tag. */
  setTag(runId: string, key: string, value: string): void {
    validateTag(key, value);
    this.recordTag(this.activeRun(runId), key, value);
  }

  /** runs/delete-tag. */
  deleteTag(runId: string, key: string): void {
    const run = this.activeRun(runId);
    if (!run.tags.has(key)) {
      throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
    }
    run.tags.delete(key);
  }

  /** runs/log-batch: validated as a whole, then params (conflicts fail the batch), metrics, tags. */
  logBatch(
    runId: string,
    metrics: readonly MetricPoint[],
    params: ReadonlyArray<{ key: string; value: string }>,
    tags: ReadonlyArray<{ key: string; value: string }>,
  ): void {
    if (metrics.length > 0 || params.length > 0 || tags.length > 0) {
      validateBatchLimits(metrics.length, params.length, tags.length);
      for (const metric of metrics) validateMetric(metric.key);
      if (params.length > 1) {
        const seen = new Map<string, number>();
        for (const param of params) seen.set(param.key, (seen.get(param.key) ?? 0) + 1);
        const duplicates = [...seen].filter(([, count]) => count > 1).map(([key]) => key);
        if (duplicates.length > 0) {
          throw MlflowError.invalidParameter(
            `Duplicate parameter keys have been submitted: [${duplicates.map((key) => `'${key}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
          );
        }
      }
      for (const param of params) validateParam(param.key, param.value);
      for (const tag of tags) validateTag(tag.key, tag.value);
    }
    const run = this.activeRun(runId);
    const conflicts = params
      .filter((param) => run.params.has(param.key) && run.params.get(param.key) !== param.value)
      .map(
        (param) =>
          `{'key': '${param.key}', 'old_value': '${run.params.get(param.key) ?? ''}', 'new_value': '${param.value}'}`,
      );
    if (conflicts.length > 0) {
      throw MlflowError.invalidParameter(
        `Changing param values is not allowed. Params were already logged='[${conflicts.join(', ')}]' for run ID='${runId}'.`,
      );
    }
    for (const param of params) run.params.set(param.key, param.value);
    for (const metric of metrics) this.recordMetric(run, metric);
    for (const tag of tags) this.recordTag(run, tag.key, tag.value);
  }

  /** runs/log-inputs: datasets are de-duplicated by name and digest. */
  logInputs(runId: string, inputs: readonly DatasetInputRecord[]): void {
    const run = this.activeRun(runId);
    for (const input of inputs) {
      const exists = run.datasetInputs.some(
        (current) => current.dataset.name === input.dataset.name && current.dataset.digest === input.dataset.digest,
      );
      if (!exists) run.datasetInputs.push(input);
    }
  }

  /** runs/log-inputs `models` (MLflow 3): logged models the run used, each once. */
  logModelInputs(runId: string, modelIds: readonly string[]): void {
    const run = this.activeRun(runId);
    for (const modelId of modelIds) run.modelInputs?.add(modelId);
  }

  /**
   * runs/outputs (MLflow 3): logged models the run produced. The same (run, model) pair twice violates the inputs
   * table's unique key, a 400 BAD_REQUEST (recorded, seq 84); a missing step is 0.
   */
  logModelOutputs(runId: string, outputs: ReadonlyArray<{ modelId: string; step: number }>): void {
    const run = this.getRun(runId);
    const existing = run.modelOutputs ?? [];
    const taken = outputs.find((output) => existing.some((current) => current.modelId === output.modelId));
    if (taken) {
      throw new MlflowError(
        'BAD_REQUEST',
        `(sqlite3.IntegrityError) UNIQUE constraint failed: inputs.source_type, inputs.source_id, inputs.destination_type, inputs.destination_id\n[parameters: ('RUN_OUTPUT', '${runId}', 'MODEL_OUTPUT', '${taken.modelId}', ${taken.step})]`,
      );
    }
    existing.push(...outputs);
  }

  /**
   * metrics/get-history: every value of the key, ordered like the metrics table's primary key
   * (timestamp, step, value). An unknown run or key is an empty list, as in 2.12.
   */
  getMetricHistory(runId: string, key: string): MetricPoint[] {
    const history = this.runs.get(runId)?.metricHistory.get(key);
    if (!history) return [];
    return [...history].sort((a, b) => a.timestamp - b.timestamp || a.step - b.step || a.value - b.value);
  }

  /** artifacts/list: direct children of `path` (the root when empty). */
  listArtifacts(run: RunRecord, path: string): ArtifactRecord[] {
    const prefix = path ? `${path.replace(/\/+$/, '')}/` : '';
    return run.artifacts
      .filter((artifact) => artifact.path.startsWith(prefix) && !artifact.path.slice(prefix.length).includes('/'))
      .filter((artifact) => artifact.path.length > prefix.length)
      .sort((a, b) => compareScalars(a.path, b.path));
  }

  /** Parses and checks a runs/search request's filter and order_by in SqlAlchemyStore's order. */
  private prepareRunSearch(
    filter: string,
    orderBy: readonly string[],
  ): { clauses: RunFilterClause[]; orders: RunOrderBy[] } {
    const clauses = parseRunsFilter(filter);
    const orders = orderBy.map(parseRunOrderBy);
    checkRunsFilterComparators(clauses);
    return { clauses, orders };
  }

  private runMatches(run: RunRecord, clause: RunFilterClause): boolean {
    switch (clause.type) {
      case 'metric': {
        const metric = run.latestMetrics.get(clause.key);
        if (!metric || Number.isNaN(metric.value)) return false;
        return compareValues(metric.value, clause.comparator, clause.value);
      }
      case 'parameter':
        return compareValues(run.params.get(clause.key), clause.comparator, clause.value);
      case 'tag':
        return compareValues(run.tags.get(clause.key), clause.comparator, clause.value);
      case 'dataset':
        return run.datasetInputs.some((input) => {
          const lhs =
            clause.key === 'context'
              ? input.tags.find((tag) => tag.key === 'mlflow.data.context')?.value
              : clause.key === 'name'
                ? input.dataset.name
                : input.dataset.digest;
          return compareValues(lhs, clause.comparator, clause.value);
        });
      case 'attribute':
        return compareValues(this.runAttribute(run, clause.key), clause.comparator, clause.value);
    }
  }

  private runAttribute(run: RunRecord, key: string): string | number | null {
    switch (key) {
      case 'run_id':
        return run.runId;
      case 'run_name':
      case 'run name':
      case 'Run name':
      case 'Run Name':
        return run.runName;
      case 'status':
        return run.status;
      case 'user_id':
        return run.userId;
      case 'artifact_uri':
        return run.artifactUri;
      case 'start_time':
      case 'created':
      case 'Created':
        return run.startTime;
      case 'end_time':
        return run.endTime;
      case 'experiment_id':
        return Number(run.experimentId);
      case 'lifecycle_stage':
        return run.lifecycleStage;
      default:
        return null;
    }
  }

  private orderValue(run: RunRecord, order: RunOrderBy): { rank: number; value: string | number } {
    let value: string | number | null | undefined;
    if (order.type === 'metric') value = run.latestMetrics.get(order.key)?.value;
    else if (order.type === 'parameter') value = run.params.get(order.key);
    else if (order.type === 'tag') value = run.tags.get(order.key);
    else value = this.runAttribute(run, order.key);
    if (value === null || value === undefined) return { rank: 2, value: 0 };
    if (typeof value === 'number' && Number.isNaN(value)) return { rank: 1, value: 0 };
    return { rank: 0, value };
  }

  /**
   * runs/search: filter, order (NaN then missing values last in either direction, then
   * `start_time DESC`, then run id), and a next-page token whenever a page comes back full.
   */
  searchRuns(request: {
    experimentIds: readonly string[];
    filter: string;
    viewType: ViewType;
    maxResults: number;
    orderBy: readonly string[];
    pageToken: string;
  }): Page<RunRecord> {
    const { maxResults } = request;
    if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) {
      throw MlflowError.invalidParameter(
        `Invalid value for request parameter max_results. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}, but got value ${maxResults}`,
      );
    }
    const { clauses, orders } = this.prepareRunSearch(request.filter, request.orderBy);
    const offset = Math.max(0, parsePageToken(request.pageToken));
    const stages = stagesFor(request.viewType);
    const experimentIds = new Set(request.experimentIds);

    // Use the id index when the filter pins run ids (the DataLoader batch case).
    const idClause = clauses.find(
      (clause) =>
        clause.type === 'attribute' &&
        clause.key === 'run_id' &&
        (clause.comparator === '=' || clause.comparator === 'IN'),
    );
    let candidates: RunRecord[];
    if (idClause) {
      const ids = Array.isArray(idClause.value) ? idClause.value : [String(idClause.value)];
      candidates = ids.flatMap((id) => {
        const run = this.runs.get(id);
        return run && experimentIds.has(run.experimentId) ? [run] : [];
      });
      candidates = [...new Set(candidates)];
    } else {
      candidates = [];
      for (const experimentId of experimentIds) {
        const experiment = this.experiments.get(experimentId);
        if (!experiment) continue;
        for (const runId of experiment.runIds) {
          const run = this.runs.get(runId);
          if (run) candidates.push(run);
        }
      }
    }
    const matches = candidates.filter(
      (run) => stages.has(run.lifecycleStage) && clauses.every((clause) => this.runMatches(run, clause)),
    );
    const effective: RunOrderBy[] = [...orders];
    if (!orders.some((order) => order.type === 'attribute' && order.key === 'start_time')) {
      effective.push({ type: 'attribute', key: 'start_time', ascending: false });
    }
    effective.push({ type: 'attribute', key: 'run_id', ascending: true });
    const keyed = matches.map((run) => ({ run, keys: effective.map((order) => this.orderValue(run, order)) }));
    keyed.sort((a, b) => {
      for (let i = 0; i < effective.length; i += 1) {
        const left = a.keys[i];
        const right = b.keys[i];
        const order = effective[i];
        if (!left || !right || !order) continue;
        if (left.rank !== right.rank) return left.rank - right.rank;
        const result = compareScalars(left.value, right.value);
        if (result !== 0) return order.ascending ? result : -result;
      }
      return 0;
    });
    const items = keyed.slice(offset, offset + maxResults).map((entry) => entry.run);
    return items.length === maxResults && maxResults > 0
      ? { items, nextPageToken: createPageToken(offset + maxResults) }
      : { items };
  }
}
