import type { SameKeys } from '../http/endpoint.js';
import type {
  WireDatasetInput,
  WireDatasetRef,
  WireEvaluationDataset,
  WireExperiment,
  WireFileInfo,
  WireLoggedModel,
  WireLoggedModelOrderBy,
  WireLoggedModelStatus,
  WireMetric,
  WireModelIO,
  WireModelVersion,
  WireParam,
  WireRegisteredModel,
  WireRun,
  WireRunInfo,
  WireTag,
  WireViewType,
  WireAssessment,
  WireTrace,
  WireTraceInfo,
} from './wire.js';
import type { MlflowEndpointName } from './endpoints.js';
import type { WireWebhook, WireWebhookEvent, WireWebhookStatus, WireWebhookTestResult } from './webhookWire.js';

type Empty = Record<string, never>;

interface Paged {
  next_page_token?: string;
}

/** Request params and response body of each MLflow endpoint (wire shapes). */
export interface MlflowApi {
  createExperiment: {
    params: { name: string; artifact_location?: string; tags?: WireTag[] };
    response: { experiment_id: string };
  };
  getExperiment: { params: { experiment_id: string }; response: { experiment: WireExperiment } };
  getExperimentByName: { params: { experiment_name: string }; response: { experiment: WireExperiment } };
  searchExperiments: {
    params: {
      max_results: number;
      page_token?: string;
      filter?: string;
      order_by?: string[];
      view_type?: WireViewType;
    };
    response: { experiments?: WireExperiment[] } & Paged;
  };
  listExperiments: { params: Record<string, never>; response: { experiments?: WireExperiment[] } };
  updateExperiment: { params: { experiment_id: string; new_name: string }; response: Empty };
  deleteExperiment: { params: { experiment_id: string }; response: Empty };
  restoreExperiment: { params: { experiment_id: string }; response: Empty };
  setExperimentTag: { params: { experiment_id: string; key: string; value: string }; response: Empty };
  deleteExperimentTag: { params: { experiment_id: string; key: string }; response: Empty };

  createRun: {
    params: { experiment_id: string; run_name?: string; start_time?: number; tags?: WireTag[]; user_id?: string };
    response: { run: WireRun };
  };
  getRun: { params: { run_id: string }; response: { run: WireRun } };
  updateRun: {
    params: { run_id: string; status?: string; end_time?: number; run_name?: string };
    response: { run_info: WireRunInfo };
  };
  deleteRun: { params: { run_id: string }; response: Empty };
  restoreRun: { params: { run_id: string }; response: Empty };
  searchRuns: {
    params: {
      experiment_ids: string[];
      filter?: string;
      run_view_type?: WireViewType;
      max_results?: number;
      order_by?: string[];
      page_token?: string;
    };
    response: { runs?: WireRun[] } & Paged;
  };
  logMetric: {
    params: {
      run_id: string;
      key: string;
      value: number | string;
      timestamp: number;
      step?: number;
      /** MLflow 3: also a metric of this logged model (on this dataset). */
      model_id?: string;
      dataset_name?: string;
      dataset_digest?: string;
    };
    response: Empty;
  };
  logParam: { params: { run_id: string; key: string; value: string }; response: Empty };
  setRunTag: { params: { run_id: string; key: string; value: string }; response: Empty };
  deleteRunTag: { params: { run_id: string; key: string }; response: Empty };
  logBatch: {
    params: { run_id: string; metrics?: WireMetric[]; params?: WireParam[]; tags?: WireTag[] };
    response: Empty;
  };
  getMetricHistory: {
    params: { run_id: string; metric_key: string; page_token?: string; max_results?: number };
    response: { metrics?: WireMetric[] } & Paged;
  };
  getMetricHistoryBulkInterval: {
    params: { run_ids: string[]; metric_key: string; start_step?: number; end_step?: number; max_results?: number };
    response: { metrics?: WireMetric[] };
  };
  listArtifacts: {
    params: { run_id: string; path?: string; page_token?: string };
    response: { root_uri?: string; files?: WireFileInfo[] } & Paged;
  };
  logInputs: {
    params: { run_id: string; datasets?: WireDatasetInput[]; models?: { model_id: string }[] };
    response: Empty;
  };
  logOutputs: { params: { run_id: string; models: WireModelIO[] }; response: Empty };

  createLoggedModel: {
    params: {
      experiment_id: string;
      name?: string;
      model_type?: string;
      source_run_id?: string;
      params?: WireParam[];
      tags?: WireTag[];
    };
    response: { model: WireLoggedModel };
  };
  getLoggedModel: { params: { model_id: string }; response: { model: WireLoggedModel } };
  finalizeLoggedModel: {
    params: { model_id: string; status: WireLoggedModelStatus };
    response: { model: WireLoggedModel };
  };
  deleteLoggedModel: { params: { model_id: string }; response: Empty };
  setLoggedModelTags: { params: { model_id: string; tags: WireTag[] }; response: Empty };
  deleteLoggedModelTag: { params: { model_id: string; tag_key: string }; response: Empty };
  logLoggedModelParams: { params: { model_id: string; params: WireParam[] }; response: Empty };
  /** One directory of a logged model's artifacts (MLflow 3): the shape of artifacts/list. */
  listLoggedModelArtifacts: {
    params: { model_id: string; artifact_directory_path?: string; page_token?: string };
    response: { root_uri?: string; files?: WireFileInfo[] } & Paged;
  };
  searchLoggedModels: {
    params: {
      experiment_ids: string[];
      filter?: string;
      datasets?: WireDatasetRef[];
      max_results?: number;
      order_by?: WireLoggedModelOrderBy[];
      page_token?: string;
    };
    response: { models?: WireLoggedModel[] } & Paged;
  };

  // MLflow 3 evaluation datasets: tags, records, schema and profile cross the wire as JSON-encoded strings.
  createEvaluationDataset: {
    params: { name: string; experiment_ids?: string[]; tags?: string };
    response: { dataset: WireEvaluationDataset };
  };
  getEvaluationDataset: { params: { dataset_id: string }; response: { dataset: WireEvaluationDataset } };
  deleteEvaluationDataset: { params: { dataset_id: string }; response: Empty };
  searchEvaluationDatasets: {
    params: {
      experiment_ids: string[];
      filter_string?: string;
      order_by?: string[];
      max_results?: number;
      page_token?: string;
    };
    response: { datasets?: WireEvaluationDataset[] } & Paged;
  };
  /** `records`: a JSON-encoded array of records (MLflow answers an unparsable one with an HTML 500). */
  upsertDatasetRecords: {
    params: { dataset_id: string; records: string };
    response: { inserted_count?: number; updated_count?: number };
  };
  /** `records` in the answer: a JSON-encoded array of WireDatasetRecord. */
  getDatasetRecords: {
    params: { dataset_id: string; max_results?: number; page_token?: string };
    response: { records?: string } & Paged;
  };
  deleteDatasetRecords: {
    params: { dataset_id: string; dataset_record_ids: string[] };
    response: { deleted_count?: number };
  };
  /** `tags`: a JSON-encoded object, merged into the dataset's. */
  setDatasetTags: { params: { dataset_id: string; tags: string }; response: Empty };
  deleteDatasetTag: { params: { dataset_id: string; key: string }; response: Empty };
  getDatasetExperimentIds: { params: { dataset_id: string }; response: { experiment_ids?: string[] } };
  addDatasetToExperiments: {
    params: { dataset_id: string; experiment_ids: string[] };
    response: { dataset: WireEvaluationDataset };
  };
  removeDatasetFromExperiments: {
    params: { dataset_id: string; experiment_ids: string[] };
    response: { dataset: WireEvaluationDataset };
  };
  getTraceInfo: { params: { trace_id: string }; response: { trace: { trace_info: WireTraceInfo } } };
  getTrace: { params: { trace_id: string }; response: { trace: WireTrace } };
  batchGetTraces: { params: { trace_ids: string[] }; response: { traces?: WireTrace[] } };
  batchGetTraceInfos: { params: { trace_ids: string[] }; response: { trace_infos?: WireTraceInfo[] } };
  searchTraces: {
    params: {
      locations: { type: 'MLFLOW_EXPERIMENT'; mlflow_experiment: { experiment_id: string } }[];
      filter?: string;
      max_results?: number;
      order_by?: string[];
      page_token?: string;
    };
    response: { traces?: WireTraceInfo[] } & Paged;
  };
  setTraceTag: { params: { trace_id: string; key: string; value: string }; response: Empty };
  deleteTraceTag: { params: { trace_id: string; key: string }; response: Empty };
  deleteTraces: {
    params: { experiment_id: string; request_ids: string[] };
    response: { traces_deleted?: number };
  };
  createAssessment: {
    params: { trace_id: string; assessment: Omit<WireAssessment, 'assessment_id'> };
    response: { assessment: WireAssessment };
  };
  getAssessment: { params: { trace_id: string; assessment_id: string }; response: { assessment: WireAssessment } };
  updateAssessment: {
    params: {
      trace_id: string;
      assessment_id: string;
      assessment: Partial<WireAssessment>;
      /** Comma-separated fields of `assessment` to change (MLflow requires it: corpus seq 194). */
      update_mask: string;
    };
    response: { assessment: WireAssessment };
  };
  deleteAssessment: { params: { trace_id: string; assessment_id: string }; response: Empty };

  createRegisteredModel: {
    params: { name: string; tags?: WireTag[]; description?: string };
    response: { registered_model: WireRegisteredModel };
  };
  getRegisteredModel: { params: { name: string }; response: { registered_model: WireRegisteredModel } };
  renameRegisteredModel: {
    params: { name: string; new_name: string };
    response: { registered_model: WireRegisteredModel };
  };
  updateRegisteredModel: {
    params: { name: string; description?: string };
    response: { registered_model: WireRegisteredModel };
  };
  deleteRegisteredModel: { params: { name: string }; response: Empty };
  searchRegisteredModels: {
    params: { filter?: string; max_results?: number; order_by?: string[]; page_token?: string };
    response: { registered_models?: WireRegisteredModel[] } & Paged;
  };
  getLatestVersions: { params: { name: string; stages?: string[] }; response: { model_versions?: WireModelVersion[] } };
  setRegisteredModelTag: { params: { name: string; key: string; value: string }; response: Empty };
  deleteRegisteredModelTag: { params: { name: string; key: string }; response: Empty };
  setRegisteredModelAlias: { params: { name: string; alias: string; version: string }; response: Empty };
  deleteRegisteredModelAlias: { params: { name: string; alias: string }; response: Empty };
  getModelVersionByAlias: { params: { name: string; alias: string }; response: { model_version: WireModelVersion } };
  createModelVersion: {
    params: {
      name: string;
      source: string;
      run_id?: string;
      tags?: WireTag[];
      run_link?: string;
      description?: string;
    };
    response: { model_version: WireModelVersion };
  };
  getModelVersion: { params: { name: string; version: string }; response: { model_version: WireModelVersion } };
  updateModelVersion: {
    params: { name: string; version: string; description?: string };
    response: { model_version: WireModelVersion };
  };
  deleteModelVersion: { params: { name: string; version: string }; response: Empty };
  searchModelVersions: {
    params: { filter?: string; max_results?: number; order_by?: string[]; page_token?: string };
    response: { model_versions?: WireModelVersion[] } & Paged;
  };
  getModelVersionDownloadUri: { params: { name: string; version: string }; response: { artifact_uri: string } };
  transitionModelVersionStage: {
    params: { name: string; version: string; stage: string; archive_existing_versions: boolean };
    response: { model_version: WireModelVersion };
  };
  setModelVersionTag: { params: { name: string; version: string; key: string; value: string }; response: Empty };
  deleteModelVersionTag: { params: { name: string; version: string; key: string }; response: Empty };

  createWebhook: {
    params: {
      name: string;
      url: string;
      events: WireWebhookEvent[];
      description?: string;
      /** Write-only: MLflow keeps it to sign deliveries and never answers it. */
      secret?: string;
      status?: WireWebhookStatus;
    };
    response: { webhook: WireWebhook };
  };
  listWebhooks: {
    params: { max_results?: number; page_token?: string };
    response: { webhooks?: WireWebhook[] } & Paged;
  };
  getWebhook: { params: { webhook_id: string }; response: { webhook: WireWebhook } };
  updateWebhook: {
    params: {
      webhook_id: string;
      name?: string;
      description?: string;
      url?: string;
      events?: WireWebhookEvent[];
      secret?: string;
      status?: WireWebhookStatus;
    };
    response: { webhook: WireWebhook };
  };
  deleteWebhook: { params: { webhook_id: string }; response: Empty };
  testWebhook: {
    params: { webhook_id: string; event?: WireWebhookEvent };
    response: { result: WireWebhookTestResult };
  };
}

/** Compile-time proof that the table and the typed API name the same endpoints. */
export const _mlflowApiMatchesTable: SameKeys<MlflowEndpointName, keyof MlflowApi> = true;
