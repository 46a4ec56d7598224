// The emulator's in-memory trace records (MLflow 3's trace_info, trace_tags, trace_request_metadata, spans and
// assessments tables). Internal shapes are camelCase; traceJson.ts maps them to MLflow's JSON in one place per
// type. Tags and metadata are insertion-ordered Maps because MLflow's v2 API lists them in row order.
import type { OtlpSpan } from './otlpTraces.js';

/** TraceInfoV3.State. */
export type TraceState = 'STATE_UNSPECIFIED' | 'OK' | 'ERROR' | 'IN_PROGRESS';

/** The tag every trace gets: where its artifacts (spans, when not in the tracking store) live. */
export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';
/** The tag saying where a trace's spans are stored; `TRACKING_STORE` when they came through OTLP. */
export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';
/** The tag holding the trace's name (its root span's name). */
export const TRACE_NAME_TAG = 'mlflow.traceName';
/** The metadata holding the trace schema version (`3` for MLflow 3 traces). */
export const SCHEMA_VERSION_METADATA = 'mlflow.trace_schema.version';
/** The metadata holding aggregated token usage (JSON). */
export const TOKEN_USAGE_METADATA = 'mlflow.trace.tokenUsage';
/** The metadata holding the session a trace belongs to. */
export const SESSION_METADATA = 'mlflow.trace.session';
/** The metadata holding the user a trace was made for. */
export const USER_METADATA = 'mlflow.trace.user';
/** The metadata linking a trace to the run it was logged in. */
export const SOURCE_RUN_METADATA = 'mlflow.sourceRun';

/** A stored span: the OTLP span as received (MLflow keeps its attributes as sent). */
export type SpanRecord = OtlpSpan;

/** Who made an assessment. */
export interface AssessmentSource {
  readonly sourceType: string;
  readonly sourceId: string;
}

/** An assessment's error (a judge that failed). */
export interface AssessmentErrorRecord {
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly stackTrace: string | null;
}

/** A feedback or an expectation on a trace (or one of its spans). Values are protobuf `Value`s, as JSON. */
export interface AssessmentRecord {
  readonly assessmentId: string;
  name: string;
  readonly traceId: string;
  readonly spanId: string | null;
  readonly source: AssessmentSource | null;
  readonly createTimeMs: number;
  lastUpdateTimeMs: number;
  kind: 'feedback' | 'expectation';
  /** Feedback or expectation value (JSON; null when a feedback has only an error). */
  value: unknown;
  /** An expectation's `serialized_value` ({serialization_format, value}) instead of `value`. */
  serializedValue: { readonly serializationFormat: string; readonly value: string } | null;
  error: AssessmentErrorRecord | null;
  rationale: string | null;
  metadata: Map<string, string> | null;
  valid: boolean;
  readonly overrides: string | null;
  readonly runId: string | null;
}

/** A trace: its info, its spans (when they came through OTLP) and its assessments. */
export interface TraceRecord {
  readonly traceId: string;
  readonly experimentId: string;
  clientRequestId: string | null;
  requestTimeMs: number;
  executionDurationMs: number | null;
  state: TraceState;
  requestPreview: string | null;
  responsePreview: string | null;
  readonly metadata: Map<string, string>;
  readonly tags: Map<string, string>;
  readonly spans: SpanRecord[];
  readonly assessments: AssessmentRecord[];
}
