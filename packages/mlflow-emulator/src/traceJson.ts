// Trace records → MLflow 3's JSON, one function per message: TraceInfoV3 (`/api/3.0`), the v2 TraceInfo the
// deprecated `/api/2.0/mlflow/traces` endpoints answer with, Assessment, and spans in OTLP JSON. MLflow prints
// these with its own proto-to-JSON (`message_to_json`): snake_case names, unset fields left out, int64 as JSON
// numbers (not strings), bytes as standard base64.
import type { OtlpKeyValue, OtlpValue } from './otlpTraces.js';
import { durationJson, timestampJson } from './protoTime.js';
import type { AssessmentRecord, SpanRecord, TraceRecord, TraceState } from './traceRecords.js';
import type { Json } from './wireJson.js';

/** The span attribute MLflow adds to every span it returns: the trace's id. */
export const TRACE_REQUEST_ID_ATTRIBUTE = 'mlflow.traceRequestId';

/** An int64 as a JSON number; past 2^53 as raw digits, so no precision is lost (MLflow prints exact integers). */
export function int64Json(value: bigint): unknown {
  if (value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(value);
  return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(value.toString());
}

/** `Assessment` message. */
export function assessmentJson(assessment: AssessmentRecord): Json {
  const json: Json = {
    assessment_id: assessment.assessmentId,
    assessment_name: assessment.name,
    trace_id: assessment.traceId,
  };
  if (assessment.spanId !== null) json['span_id'] = assessment.spanId;
  if (assessment.source !== null) {
    json['source'] = { source_type: assessment.source.sourceType, source_id: assessment.source.sourceId };
  }
  json['create_time'] = timestampJson(assessment.createTimeMs);
  json['last_update_time'] = timestampJson(assessment.lastUpdateTimeMs);
  if (assessment.kind === 'feedback') {
    const feedback: Json = { value: assessment.value ?? null };
    if (assessment.error !== null) {
      const error: Json = {};
      if (assessment.error.errorCode !== null) error['error_code'] = assessment.error.errorCode;
      if (assessment.error.errorMessage !== null) error['error_message'] = assessment.error.errorMessage;
      if (assessment.error.stackTrace !== null) error['stack_trace'] = assessment.error.stackTrace;
      feedback['error'] = error;
    }
    json['feedback'] = feedback;
  } else if (assessment.serializedValue !== null) {
    json['expectation'] = {
      serialized_value: {
        serialization_format: assessment.serializedValue.serializationFormat,
        value: assessment.serializedValue.value,
      },
    };
  } else {
    json['expectation'] = { value: assessment.value ?? null };
  }
  if (assessment.rationale !== null) json['rationale'] = assessment.rationale;
  if (assessment.metadata !== null && assessment.metadata.size > 0) {
    json['metadata'] = Object.fromEntries(assessment.metadata);
  }
  if (assessment.runId !== null) json['run_id'] = assessment.runId;
  if (assessment.overrides !== null) json['overrides'] = assessment.overrides;
  json['valid'] = assessment.valid;
  return json;
}

/** `TraceInfoV3` message (assessments included, as MLflow reads them with the trace). */
export function traceInfoJson(trace: TraceRecord): Json {
  const json: Json = { trace_id: trace.traceId };
  if (trace.clientRequestId !== null) json['client_request_id'] = trace.clientRequestId;
  json['trace_location'] = { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: trace.experimentId } };
  if (trace.requestPreview !== null) json['request_preview'] = trace.requestPreview;
  if (trace.responsePreview !== null) json['response_preview'] = trace.responsePreview;
  json['request_time'] = timestampJson(trace.requestTimeMs);
  if (trace.executionDurationMs !== null) json['execution_duration'] = durationJson(trace.executionDurationMs);
  json['state'] = trace.state;
  if (trace.metadata.size > 0) json['trace_metadata'] = Object.fromEntries(trace.metadata);
  if (trace.assessments.length > 0) json['assessments'] = trace.assessments.map(assessmentJson);
  if (trace.tags.size > 0) json['tags'] = Object.fromEntries(trace.tags);
  return json;
}

const V2_STATUS: Readonly<Record<TraceState, string>> = {
  STATE_UNSPECIFIED: 'TRACE_STATUS_UNSPECIFIED',
  OK: 'OK',
  ERROR: 'ERROR',
  IN_PROGRESS: 'IN_PROGRESS',
};

/** The v2 `TraceInfo` message (request_id, timestamp_ms, ...; metadata and tags as key/value lists in row order). */
export function traceInfoV2Json(trace: TraceRecord): Json {
  const json: Json = {
    request_id: trace.traceId,
    experiment_id: trace.experimentId,
    timestamp_ms: trace.requestTimeMs,
  };
  if (trace.executionDurationMs !== null) json['execution_time_ms'] = trace.executionDurationMs;
  json['status'] = V2_STATUS[trace.state];
  if (trace.metadata.size > 0) {
    json['request_metadata'] = [...trace.metadata].map(([key, value]) => ({ key, value }));
  }
  if (trace.tags.size > 0) json['tags'] = [...trace.tags].map(([key, value]) => ({ key, value }));
  return json;
}

/** An OTLP `AnyValue` in OTLP JSON (snake_case members, int64 as numbers). */
export function anyValueJson(value: OtlpValue): Json {
  switch (value.kind) {
    case 'string':
      return { string_value: value.value };
    case 'bool':
      return { bool_value: value.value };
    case 'int':
      return { int_value: int64Json(value.value) };
    case 'double':
      return { double_value: value.value };
    case 'array':
      return { array_value: value.values.length > 0 ? { values: value.values.map(anyValueJson) } : {} };
    case 'kvlist':
      return { kvlist_value: value.values.length > 0 ? { values: value.values.map(keyValueJson) } : {} };
    case 'bytes':
      return { bytes_value: value.value.toString('base64') };
    case 'empty':
      return {};
  }
}

function keyValueJson(keyValue: OtlpKeyValue): Json {
  return { key: keyValue.key, value: anyValueJson(keyValue.value) };
}

const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

/** A span in OTLP JSON, as MLflow returns stored spans (its trace id attribute first). */
export function spanJson(span: SpanRecord, traceId: string): Json {
  const json: Json = {
    trace_id: span.traceId.toString('base64'),
    span_id: span.spanId.toString('base64'),
  };
  if (span.parentSpanId.length > 0) json['parent_span_id'] = span.parentSpanId.toString('base64');
  json['name'] = span.name;
  json['start_time_unix_nano'] = int64Json(span.startTimeUnixNano);
  json['end_time_unix_nano'] = int64Json(span.endTimeUnixNano);
  json['attributes'] = [
    { key: TRACE_REQUEST_ID_ATTRIBUTE, value: { string_value: traceId } },
    ...span.attributes.filter((attribute) => attribute.key !== TRACE_REQUEST_ID_ATTRIBUTE).map(keyValueJson),
  ];
  if (span.events.length > 0) {
    json['events'] = span.events.map((event) => {
      const eventJson: Json = { time_unix_nano: int64Json(event.timeUnixNano), name: event.name };
      if (event.attributes.length > 0) eventJson['attributes'] = event.attributes.map(keyValueJson);
      return eventJson;
    });
  }
  const status: Json = {};
  if (span.status.message) status['message'] = span.status.message;
  if (span.status.code !== 0) status['code'] = STATUS_CODES[span.status.code];
  json['status'] = status;
  return json;
}

/** `Trace` message: the info and its spans. */
export function traceJson(trace: TraceRecord): Json {
  return { trace_info: traceInfoJson(trace), spans: trace.spans.map((span) => spanJson(span, trace.traceId)) };
}
