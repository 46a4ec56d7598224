import { endpoint } from '../http/endpoint.js';

/**
 * MLflow's REST surface as data (tracking + model registry). Paths are relative to the tracking URI, so
 * GitLab's `/api/v4/projects/:id/ml/mlflow` prefix works unchanged. Search POSTs only read: retryable.
 */
export const mlflowEndpoints = {
  // experiments
  createExperiment: endpoint('POST /api/2.0/mlflow/experiments/create'),
  getExperiment: endpoint('GET /api/2.0/mlflow/experiments/get'),
  getExperimentByName: endpoint('GET /api/2.0/mlflow/experiments/get-by-name'),
  searchExperiments: endpoint('POST /api/2.0/mlflow/experiments/search', { readOnly: true }),
  /** MLflow 1.x (removed in 2.0); GitLab still serves it, as a GET its read-only tokens may call. */
  listExperiments: endpoint('GET /api/2.0/mlflow/experiments/list'),
  updateExperiment: endpoint('POST /api/2.0/mlflow/experiments/update'),
  deleteExperiment: endpoint('POST /api/2.0/mlflow/experiments/delete'),
  restoreExperiment: endpoint('POST /api/2.0/mlflow/experiments/restore'),
  setExperimentTag: endpoint('POST /api/2.0/mlflow/experiments/set-experiment-tag'),
  deleteExperimentTag: endpoint('POST /api/2.0/mlflow/experiments/delete-experiment-tag'),
  // runs
  createRun: endpoint('POST /api/2.0/mlflow/runs/create'),
  getRun: endpoint('GET /api/2.0/mlflow/runs/get'),
  updateRun: endpoint('POST /api/2.0/mlflow/runs/update'),
  deleteRun: endpoint('POST /api/2.0/mlflow/runs/delete'),
  restoreRun: endpoint('POST /api/2.0/mlflow/runs/restore'),
  searchRuns: endpoint('POST /api/2.0/mlflow/runs/search', { readOnly: true }),
  logMetric: endpoint('POST /api/2.0/mlflow/runs/log-metric'),
  logParam: endpoint('POST /api/2.0/mlflow/runs/log-parameter'),
  setRunTag: endpoint('POST /api/2.0/mlflow/runs/set-tag'),
  deleteRunTag: endpoint('POST /api/2.0/mlflow/runs/delete-tag'),
  logBatch: endpoint('POST /api/2.0/mlflow/runs/log-batch'),
  getMetricHistory: endpoint('GET /api/2.0/mlflow/metrics/get-history'),
  getMetricHistoryBulkInterval: endpoint('GET /api/2.0/mlflow/metrics/get-history-bulk-interval'),
  listArtifacts: endpoint('GET /api/2.0/mlflow/artifacts/list'),
  /** Datasets from MLflow 2.x on; `models` (logged models a run used) from MLflow 3. */
  logInputs: endpoint('POST /api/2.0/mlflow/runs/log-inputs'),
  // MLflow 3 logged models (under /api/2.0 like the rest of tracking: MLflow 3.11.1 serves them there, the
  // recorded corpus shows it); gated by the `loggedModels` feature (profiles/backendFeatures.ts).
  logOutputs: endpoint('POST /api/2.0/mlflow/runs/outputs'),
  createLoggedModel: endpoint('POST /api/2.0/mlflow/logged-models'),
  getLoggedModel: endpoint('GET /api/2.0/mlflow/logged-models/{model_id}'),
  finalizeLoggedModel: endpoint('PATCH /api/2.0/mlflow/logged-models/{model_id}'),
  deleteLoggedModel: endpoint('DELETE /api/2.0/mlflow/logged-models/{model_id}'),
  setLoggedModelTags: endpoint('PATCH /api/2.0/mlflow/logged-models/{model_id}/tags'),
  deleteLoggedModelTag: endpoint('DELETE /api/2.0/mlflow/logged-models/{model_id}/tags/{tag_key}'),
  logLoggedModelParams: endpoint('POST /api/2.0/mlflow/logged-models/{model_id}/params'),
  searchLoggedModels: endpoint('POST /api/2.0/mlflow/logged-models/search', { readOnly: true }),
  listLoggedModelArtifacts: endpoint('GET /api/2.0/mlflow/logged-models/{model_id}/artifacts/directories'),
  // MLflow 3 evaluation datasets (MLflow >= 3.4: the REST interface landed in mlflow/mlflow#17117, released in 3.4.0;
  // records DELETE only from 3.10, mlflow/mlflow#19690). Gated by the `evaluationDatasets` feature.
  createEvaluationDataset: endpoint('POST /api/3.0/mlflow/datasets/create'),
  getEvaluationDataset: endpoint('GET /api/3.0/mlflow/datasets/{dataset_id}'),
  deleteEvaluationDataset: endpoint('DELETE /api/3.0/mlflow/datasets/{dataset_id}'),
  searchEvaluationDatasets: endpoint('POST /api/3.0/mlflow/datasets/search', { readOnly: true }),
  upsertDatasetRecords: endpoint('POST /api/3.0/mlflow/datasets/{dataset_id}/records'),
  getDatasetRecords: endpoint('GET /api/3.0/mlflow/datasets/{dataset_id}/records'),
  deleteDatasetRecords: endpoint('DELETE /api/3.0/mlflow/datasets/{dataset_id}/records'),
  setDatasetTags: endpoint('PATCH /api/3.0/mlflow/datasets/{dataset_id}/tags'),
  deleteDatasetTag: endpoint('DELETE /api/3.0/mlflow/datasets/{dataset_id}/tags/{key}'),
  getDatasetExperimentIds: endpoint('GET /api/3.0/mlflow/datasets/{dataset_id}/experiment-ids'),
  addDatasetToExperiments: endpoint('POST /api/3.0/mlflow/datasets/{dataset_id}/add-experiments'),
  removeDatasetFromExperiments: endpoint('POST /api/3.0/mlflow/datasets/{dataset_id}/remove-experiments'),
  // MLflow 3 traces and assessments (under /api/3.0, as MLflow 3.11.1 serves them: corpus seqs 152-200); gated by
  // the `traces` feature. batchGetInfos and search are POSTs that only read.
  getTraceInfo: endpoint('GET /api/3.0/mlflow/traces/{trace_id}'),
  getTrace: endpoint('GET /api/3.0/mlflow/traces/get'),
  batchGetTraces: endpoint('GET /api/3.0/mlflow/traces/batchGet'),
  batchGetTraceInfos: endpoint('POST /api/3.0/mlflow/traces/batchGetInfos', { readOnly: true }),
  searchTraces: endpoint('POST /api/3.0/mlflow/traces/search', { readOnly: true }),
  setTraceTag: endpoint('PATCH /api/3.0/mlflow/traces/{trace_id}/tags'),
  /** Reads the key from a JSON body, not the query string (corpus seq 166). */
  deleteTraceTag: endpoint('DELETE /api/3.0/mlflow/traces/{trace_id}/tags'),
  deleteTraces: endpoint('POST /api/3.0/mlflow/traces/delete-traces'),
  createAssessment: endpoint('POST /api/3.0/mlflow/traces/{trace_id}/assessments'),
  getAssessment: endpoint('GET /api/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}'),
  updateAssessment: endpoint('PATCH /api/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}'),
  deleteAssessment: endpoint('DELETE /api/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}'),
  // registry
  createRegisteredModel: endpoint('POST /api/2.0/mlflow/registered-models/create'),
  getRegisteredModel: endpoint('GET /api/2.0/mlflow/registered-models/get'),
  renameRegisteredModel: endpoint('POST /api/2.0/mlflow/registered-models/rename'),
  updateRegisteredModel: endpoint('PATCH /api/2.0/mlflow/registered-models/update'),
  deleteRegisteredModel: endpoint('DELETE /api/2.0/mlflow/registered-models/delete'),
  searchRegisteredModels: endpoint('GET /api/2.0/mlflow/registered-models/search'),
  getLatestVersions: endpoint('POST /api/2.0/mlflow/registered-models/get-latest-versions', { readOnly: true }),
  setRegisteredModelTag: endpoint('POST /api/2.0/mlflow/registered-models/set-tag'),
  deleteRegisteredModelTag: endpoint('DELETE /api/2.0/mlflow/registered-models/delete-tag'),
  setRegisteredModelAlias: endpoint('POST /api/2.0/mlflow/registered-models/alias'),
  deleteRegisteredModelAlias: endpoint('DELETE /api/2.0/mlflow/registered-models/alias'),
  getModelVersionByAlias: endpoint('GET /api/2.0/mlflow/registered-models/alias'),
  createModelVersion: endpoint('POST /api/2.0/mlflow/model-versions/create'),
  getModelVersion: endpoint('GET /api/2.0/mlflow/model-versions/get'),
  updateModelVersion: endpoint('PATCH /api/2.0/mlflow/model-versions/update'),
  deleteModelVersion: endpoint('DELETE /api/2.0/mlflow/model-versions/delete'),
  searchModelVersions: endpoint('GET /api/2.0/mlflow/model-versions/search'),
  getModelVersionDownloadUri: endpoint('GET /api/2.0/mlflow/model-versions/get-download-uri'),
  transitionModelVersionStage: endpoint('POST /api/2.0/mlflow/model-versions/transition-stage'),
  setModelVersionTag: endpoint('POST /api/2.0/mlflow/model-versions/set-tag'),
  deleteModelVersionTag: endpoint('DELETE /api/2.0/mlflow/model-versions/delete-tag'),
  // MLflow 3.3+ registry webhooks (corpus 3.11.1 seq 8-26); gated by the `webhooks` feature. Admin-only under
  // basic-auth. The test POST makes MLflow deliver a sample payload: a write, never retried like the others.
  createWebhook: endpoint('POST /api/2.0/mlflow/webhooks'),
  listWebhooks: endpoint('GET /api/2.0/mlflow/webhooks'),
  getWebhook: endpoint('GET /api/2.0/mlflow/webhooks/{webhook_id}'),
  updateWebhook: endpoint('PATCH /api/2.0/mlflow/webhooks/{webhook_id}'),
  deleteWebhook: endpoint('DELETE /api/2.0/mlflow/webhooks/{webhook_id}'),
  testWebhook: endpoint('POST /api/2.0/mlflow/webhooks/{webhook_id}/test'),
} as const;

/** Name of an MLflow endpoint in {@link mlflowEndpoints}. */
export type MlflowEndpointName = keyof typeof mlflowEndpoints;
