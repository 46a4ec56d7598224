// MLflow 3's logged models (mlflow/store/tracking SqlAlchemyStore's logged-model half): created PENDING in an active
// experiment, finalized to a status, tags and params (a param key is written once), metrics logged by runs with a
// `model_id`, soft deletion, and `logged-models/search` with its filter, order, datasets and query-carrying tokens.
// Tags, params and metrics read back in key order (the tables' primary keys), whatever order they were written in.
import { MlflowError } from './MlflowError.js';
import type { Prng } from './prng.js';
import {
  createLoggedModelPageToken,
  matchesClause,
  orderValue,
  parseLoggedModelFilter,
  parseLoggedModelPageToken,
  validateOrder,
  type DatasetRef,
  type LoggedModelOrder,
} from './loggedModelSearch.js';
import { pyJsonDumps } from './pyRepr.js';
import type { LoggedModelMetric, LoggedModelRecord, LoggedModelStatus } from './records.js';
import { generateRunName } from './runNames.js';
import type { Page, TrackingStore } from './TrackingStore.js';

/** The logged-model tag MLflow 3 lists the registered versions made from a model in (JSON). */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';
/** The default page size of logged-models/search. */
export const LOGGED_MODELS_DEFAULT_MAX_RESULTS = 100;

/** Options for a logged-model store. */
export interface LoggedModelStoreOptions {
  readonly tracking: TrackingStore;
  readonly now: () => number;
  readonly random: Prng;
}

function compareScalars(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sqlIntegrityError(detail: string): MlflowError {
  // MLflow reports the database's IntegrityError text as BAD_REQUEST; the corpus marks the text volatile.
  return new MlflowError('BAD_REQUEST', `(sqlite3.IntegrityError) ${detail}`);
}

/** Logged models by id. */
export class LoggedModelStore {
  readonly models = new Map<string, LoggedModelRecord>();
  private readonly options: LoggedModelStoreOptions;

  constructor(options: LoggedModelStoreOptions) {
    this.options = options;
  }

  private newModelId(): string {
    let id = `m-${this.options.random.hex(32)}`;
    while (this.models.has(id)) id = `m-${this.options.random.hex(32)}`;
    return id;
  }

  /** POST /logged-models: in an active experiment; a source run id is not checked (recorded, seq 55). */
  createLoggedModel(request: {
    experimentId: string;
    name: string;
    modelType: string;
    sourceRunId: string;
    params: ReadonlyArray<{ key: string; value: string }>;
    tags: ReadonlyArray<{ key: string; value: string }>;
    creationTimestampMs?: number;
    /** A given id (seeds that export their ids); generated otherwise. */
    modelId?: string;
  }): LoggedModelRecord {
    const experiment = this.options.tracking.getExperiment(request.experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw MlflowError.invalidParameter(
        `The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
      );
    }
    const modelId = request.modelId ?? this.newModelId();
    const created = request.creationTimestampMs ?? this.options.now();
    const model: LoggedModelRecord = {
      modelId,
      experimentId: experiment.experimentId,
      name: request.name || generateRunName(this.options.random),
      creationTimestampMs: created,
      lastUpdatedTimestampMs: created,
      artifactUri: `${experiment.artifactLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
      status: 'LOGGED_MODEL_PENDING',
      modelType: request.modelType,
      sourceRunId: request.sourceRunId,
      tags: new Map(request.tags.map((tag) => [tag.key, tag.value])),
      params: new Map(request.params.map((param) => [param.key, param.value])),
      metrics: [],
      files: new Map(),
      deleted: false,
    };
    this.models.set(modelId, model);
    return model;
  }

  /** The live model, or MLflow's 404 (any id text, deleted models included). */
  getLoggedModel(modelId: string): LoggedModelRecord {
    const model = this.models.get(modelId);
    if (!model || model.deleted) throw MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
    return model;
  }

  /** PATCH /logged-models/{id}: any status, UNSPECIFIED included; the update time moves. */
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): LoggedModelRecord {
    const model = this.getLoggedModel(modelId);
    model.status = status;
    model.lastUpdatedTimestampMs = this.options.now();
    return model;
  }

  /** PATCH /logged-models/{id}/tags (the update time stays, as recorded). */
  setLoggedModelTags(modelId: string, tags: ReadonlyArray<{ key: string; value: string }>): void {
    const model = this.getLoggedModel(modelId);
    for (const tag of tags) model.tags.set(tag.key, tag.value);
  }

  /** DELETE /logged-models/{id}/tags/{key}. */
  deleteLoggedModelTag(modelId: string, key: string): void {
    const model = this.getLoggedModel(modelId);
    if (!model.tags.has(key)) {
      throw MlflowError.notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
    }
    model.tags.delete(key);
  }

  /** POST /logged-models/{id}/params: a key already logged violates the table's unique key (400). */
  logLoggedModelParams(modelId: string, params: ReadonlyArray<{ key: string; value: string }>): void {
    const model = this.getLoggedModel(modelId);
    const taken = params.find((param) => model.params.has(param.key));
    if (taken) {
      throw sqlIntegrityError(
        `UNIQUE constraint failed: logged_model_params.model_id, logged_model_params.param_key\n[parameters: ('${modelId}', ${model.experimentId}, '${taken.key}', '${taken.value}')]`,
      );
    }
    for (const param of params) model.params.set(param.key, param.value);
  }

  /** DELETE /logged-models/{id}: soft, and a second delete is a 200 too (recorded, seq 267). */
  deleteLoggedModel(modelId: string): void {
    const model = this.models.get(modelId);
    if (model) model.deleted = true;
  }

  /**
   * The foreign-key check runs/log-metric and log-batch make when a metric names a model: an unknown (or deleted)
   * model fails the whole call before anything is written (recorded, seq 74).
   */
  checkMetricModel(modelId: string, runId: string, key: string): void {
    const model = this.models.get(modelId);
    if (!model || model.deleted) {
      throw sqlIntegrityError(
        `FOREIGN KEY constraint failed\n[SQL: INSERT INTO logged_model_metrics (model_id, metric_name, ...)]\n[parameters: ('${modelId}', '${key}', ..., '${runId}', ...)]`,
      );
    }
  }

  /** Records a metric value against its model (after checkMetricModel). */
  recordMetric(metric: LoggedModelMetric): void {
    const model = this.getLoggedModel(metric.modelId);
    const stored = model.metrics.filter(
      (row) =>
        !(
          row.key === metric.key &&
          row.timestamp === metric.timestamp &&
          row.step === metric.step &&
          row.runId === metric.runId &&
          row.datasetName === metric.datasetName &&
          row.datasetDigest === metric.datasetDigest
        ),
    );
    stored.push(metric);
    stored.sort(
      (a, b) =>
        compareScalars(a.key, b.key) ||
        a.timestamp - b.timestamp ||
        a.step - b.step ||
        compareScalars(a.runId, b.runId),
    );
    model.metrics.splice(0, model.metrics.length, ...stored);
  }

  /** Adds a registered version to the model's `mlflow.modelVersions` tag (what links a version to its model). */
  linkModelVersion(modelId: string, name: string, version: number): void {
    const model = this.getLoggedModel(modelId);
    let links: Array<{ name: string; version: number }> = [];
    try {
      const parsed = JSON.parse(model.tags.get(MODEL_VERSIONS_TAG) ?? '[]') as unknown;
      if (Array.isArray(parsed)) links = parsed as typeof links;
    } catch {
      links = [];
    }
    links.push({ name, version });
    model.tags.set(MODEL_VERSIONS_TAG, pyJsonDumps(links));
  }

  /**
   * POST /logged-models/search: live models of the given experiments, filtered; ordered by the given entries
   * (missing values last), then creation time DESC, then id; a token whenever more rows follow.
   */
  searchLoggedModels(request: {
    experimentIds: readonly string[];
    filter: string;
    datasets: readonly DatasetRef[];
    orderBy: readonly LoggedModelOrder[];
    maxResults: number;
    pageToken: string;
  }): Page<LoggedModelRecord> {
    const clauses = parseLoggedModelFilter(request.filter);
    for (const order of request.orderBy) validateOrder(order);
    const offset = parseLoggedModelPageToken(request.pageToken);
    const experiments = new Set(request.experimentIds);
    const matches = [...this.models.values()].filter(
      (model) =>
        !model.deleted &&
        experiments.has(model.experimentId) &&
        clauses.every((clause) => matchesClause(model, clause, request.datasets)),
    );
    const orders: LoggedModelOrder[] = [
      ...request.orderBy,
      { fieldName: 'creation_timestamp', ascending: false },
      { fieldName: 'model_id', ascending: true },
    ];
    matches.sort((a, b) => {
      for (const order of orders) {
        const left = orderValue(a, order);
        const right = orderValue(b, order);
        if (left === undefined || right === undefined) {
          if (left !== right) return left === undefined ? 1 : -1;
          continue;
        }
        const result = compareScalars(left, right);
        if (result !== 0) return order.ascending ? result : -result;
      }
      return 0;
    });
    const items = matches.slice(offset, offset + request.maxResults);
    const next = offset + request.maxResults;
    if (next >= matches.length) return { items };
    return {
      items,
      nextPageToken: createLoggedModelPageToken({
        experimentIds: request.experimentIds,
        filter: request.filter,
        orderBy: request.orderBy,
        offset: next,
      }),
    };
  }
}
