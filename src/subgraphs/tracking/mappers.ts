import type {
  WireDatasetInput,
  WireDatasetRecord,
  WireEvaluationDataset,
  WireExperiment,
  WireFileInfo,
  WireLoggedModel,
  WireMetric,
  WireParam,
  WireRun,
  WireTag,
  WireAssessment,
  WireSpan,
  WireTraceInfo,
} from '../../upstream/mlflow/wire.js';
import type { Connection } from '../../graphql/connection.js';
import type { ArtifactLocation } from '../../upstream/artifacts/ArtifactRoot.js';

// What backs each GraphQL type of the tracking subgraph (codegen mappers): the MLflow wire objects.

/** Backs `Experiment`. */
export type ExperimentModel = WireExperiment;
/** Backs `Run`. A reference from another subgraph may carry only the id until it is loaded. */
export type RunModel = WireRun;
/** Backs `Metric`: run_id and step always set (see `metricModel`), so `key`, `value` and `step` need no resolver. */
export type MetricModel = WireMetric & { run_id: string; step: number | string };
/** Backs `Param`. */
export type ParamModel = WireParam;
/** Backs `Tag`. */
export type TagModel = WireTag;
/** Backs `DatasetInput`. */
export type DatasetInputModel = WireDatasetInput;
/** Backs `Artifact`: one entry of a listing, and where its root's files live (for its URL and its bytes). */
export interface ArtifactModel {
  readonly file: WireFileInfo;
  readonly location: ArtifactLocation;
}
/** Backs `ArtifactConnection`. */
export type ArtifactConnectionModel = Connection<ArtifactModel>;
/** Backs `ExperimentConnection`. */
export type ExperimentConnectionModel = Connection<WireExperiment>;
/** Backs `RunConnection`. */
export type RunConnectionModel = Connection<WireRun>;
/** Backs `LoggedModel` (MLflow 3). */
export type LoggedModelModel = WireLoggedModel;
/** Backs `LoggedModelMetric`. */
export type LoggedModelMetricModel = WireMetric;
/** Backs `LoggedModelConnection`. */
export type LoggedModelConnectionModel = Connection<WireLoggedModel>;
/** Backs `ModelVersion` here: the reference the gateway sends, with the fields `loggedModel` requires. */
export interface ModelVersionRefModel {
  name: string;
  version: string;
  source?: string | null;
  runId?: string | null;
}
/** Backs `EvaluationDataset` (MLflow 3). */
export type EvaluationDatasetModel = WireEvaluationDataset;
/** Backs `EvaluationDatasetRecord`: one record decoded from MLflow's JSON-encoded `records`. */
export type EvaluationDatasetRecordModel = WireDatasetRecord;
/** Backs `EvaluationDatasetConnection`. */
export type EvaluationDatasetConnectionModel = Connection<WireEvaluationDataset>;
/** Backs `EvaluationDatasetRecordConnection`. */
export type EvaluationDatasetRecordConnectionModel = Connection<WireDatasetRecord>;
/** Backs `UpsertEvaluationDatasetRecordsPayload`. */
export interface UpsertEvaluationDatasetRecordsPayloadModel {
  insertedCount: number;
  updatedCount: number;
  dataset: WireEvaluationDataset;
}
/** Backs `DeleteEvaluationDatasetRecordsPayload`. */
export interface DeleteEvaluationDatasetRecordsPayloadModel {
  deletedCount: number;
  dataset: WireEvaluationDataset;
}
/** Backs `Trace` (MLflow 3): its TraceInfoV3, assessments included. */
export type TraceModel = WireTraceInfo;
/** Backs `TraceConnection`. */
export type TraceConnectionModel = Connection<WireTraceInfo>;
/** Backs `Span`: one stored span and the trace it belongs to (its experiment governs it; its assessments). */
export interface SpanModel {
  readonly span: WireSpan;
  readonly trace: WireTraceInfo;
}
/** Backs `Assessment`: the assessment and the experiment of its trace, which governs it. */
export interface AssessmentModel {
  readonly assessment: WireAssessment;
  readonly experimentId: string;
}
