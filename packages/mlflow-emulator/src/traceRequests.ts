// The request messages of MLflow 3's trace and assessment endpoints (service.proto's StartTraceV3, SearchTracesV3,
// CreateAssessment, ...), and the readers that turn their JSON into the store's inputs. The top-level fields go
// through protoJson's parse and schema checks like every other handler (so missing parameters get MLflow's
// message); the nested TraceInfoV3 and Assessment messages (maps, Timestamps, Durations, protobuf Values) are
// read here from the JSON.
import { MlflowError } from './MlflowError.js';
import {
  parseDict,
  requestJson,
  validateSchema,
  type HandlerSchema,
  type MessageSpec,
  type ProtoMessage,
  type RawRequest,
} from './protoJson.js';
import { parseDuration, parseTimestamp } from './protoTime.js';
import type { AssessmentInput, AssessmentUpdate, TraceInfoInput } from './TraceStore.js';
import type { AssessmentErrorRecord, AssessmentRecord, AssessmentSource, TraceState } from './traceRecords.js';

const S = { kind: 'string' } as const;
const I64 = { kind: 'int64' } as const;
const I32 = { kind: 'int32' } as const;
const B = { kind: 'bool' } as const;
const LIST_S = { kind: 'string', repeated: true } as const;
/** A nested message read by hand below: the generic parse only checks it is an object. */
const OPAQUE = { kind: 'message', fields: {} } as const;
const KEY_VALUES = { kind: 'message', fields: { key: S, value: S }, repeated: true } as const;

/** TraceInfoV3.State. */
export const TRACE_STATES = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
/** The v2 TraceStatus enum (TRACE_STATUS_UNSPECIFIED = 0). */
export const TRACE_STATUSES = ['TRACE_STATUS_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;

/** Request messages of the trace and assessment endpoints, keyed by their proto name. */
export const TraceMessages = {
  StartTraceV3: { trace: OPAQUE },
  GetTraceInfoV3: { trace_id: S },
  GetTrace: { trace_id: S, allow_partial: B },
  BatchGetTraces: { trace_ids: LIST_S },
  BatchGetTraceInfos: { trace_ids: LIST_S },
  SetTraceTagV3: { key: S, value: S },
  DeleteTraceTagV3: { key: S },
  SearchTracesV3: {
    locations: {
      kind: 'message',
      repeated: true,
      fields: { type: S, mlflow_experiment: { kind: 'message', fields: { experiment_id: S } } },
    },
    filter: S,
    max_results: { kind: 'int32', default: 100 },
    order_by: LIST_S,
    page_token: S,
  },
  SearchTraces: {
    experiment_ids: LIST_S,
    filter: S,
    max_results: { kind: 'int32', default: 100 },
    order_by: LIST_S,
    page_token: S,
  },
  StartTrace: { experiment_id: S, timestamp_ms: I64, request_metadata: KEY_VALUES, tags: KEY_VALUES },
  EndTrace: {
    request_id: S,
    timestamp_ms: I64,
    status: { kind: 'enum', values: TRACE_STATUSES.slice(1) },
    request_metadata: KEY_VALUES,
    tags: KEY_VALUES,
  },
  GetTraceInfo: { request_id: S },
  SetTraceTag: { key: S, value: S },
  DeleteTraceTag: { key: S },
  LinkTracesToRun: { trace_ids: LIST_S, run_id: S },
  LinkPromptsToTrace: {
    trace_id: S,
    prompt_versions: { kind: 'message', repeated: true, fields: { name: S, version: S } },
  },
  CreateAssessment: { assessment: OPAQUE },
  GetAssessmentRequest: { trace_id: S, assessment_id: S },
  UpdateAssessment: { assessment: OPAQUE, update_mask: S },
  DeleteAssessment: { trace_id: S, assessment_id: S },
  DeleteTraces: { experiment_id: S, max_timestamp_millis: I64, max_traces: I32, request_ids: LIST_S },
  QueryTraceMetrics: {
    experiment_ids: LIST_S,
    view_type: S,
    metric_name: S,
    aggregations: {
      kind: 'message',
      repeated: true,
      fields: { aggregation_type: S, percentile_value: { kind: 'double' } },
    },
    dimensions: LIST_S,
    filters: LIST_S,
    time_interval_seconds: I64,
    start_time_ms: I64,
    end_time_ms: I64,
    max_results: I32,
    page_token: S,
  },
} as const satisfies Record<string, MessageSpec>;

/** `_get_request_message`: the raw JSON (for the nested messages read below) and the parsed top-level message. */
export function readTraceRequest(
  request: RawRequest,
  spec: MessageSpec,
  schema: HandlerSchema = [],
): { json: Record<string, unknown>; message: ProtoMessage } {
  const json = requestJson(request, spec);
  const { message, ok } = parseDict(json, spec);
  validateSchema(json, schema, ok);
  return { json, message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function bad(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}

function optionalString(json: Record<string, unknown>, key: string): string | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(`Invalid value ${JSON.stringify(value)} for parameter '${key}' supplied.`);
  return value;
}

function stringMap(json: Record<string, unknown>, key: string): Array<[string, string]> {
  const value = json[key];
  if (value === undefined || value === null) return [];
  if (!isObject(value)) throw bad(`Invalid value for parameter '${key}': expected a map of strings.`);
  return Object.entries(value).map(([k, v]) => {
    if (typeof v !== 'string') throw bad(`Invalid value for parameter '${key}': expected a map of strings.`);
    return [k, v];
  });
}

/** The key/value pairs of a repeated `{key, value}` field. */
export function keyValuePairs(items: ReadonlyArray<{ str(name: string): string }>): Array<[string, string]> {
  return items.map((item) => [item.str('key'), item.str('value')]);
}

/** The `trace.trace_info` of a StartTraceV3 request. */
export function traceInfoInput(trace: unknown): TraceInfoInput {
  const info = isObject(trace) ? trace['trace_info'] : undefined;
  if (!isObject(info)) throw bad("Missing value for required parameter 'trace.trace_info'.");
  const location = isObject(info['trace_location']) ? info['trace_location'] : {};
  const experiment = isObject(location['mlflow_experiment']) ? location['mlflow_experiment'] : {};
  const locationType = location['type'] ?? 'MLFLOW_EXPERIMENT';
  if (locationType !== 'MLFLOW_EXPERIMENT') {
    throw bad(`Unsupported trace location type ${String(locationType)}: this server stores traces in experiments.`);
  }
  const requestTimeText = optionalString(info, 'request_time');
  const requestTimeMs = requestTimeText === undefined ? 0 : parseTimestamp(requestTimeText);
  if (requestTimeMs === null)
    throw bad(`Invalid value '${requestTimeText ?? ''}' for 'request_time': expected RFC 3339.`);
  const durationText = optionalString(info, 'execution_duration');
  const executionDurationMs = durationText === undefined ? undefined : parseDuration(durationText);
  if (executionDurationMs === null) throw bad(`Invalid value '${durationText ?? ''}' for 'execution_duration'.`);
  const state = info['state'] ?? 'STATE_UNSPECIFIED';
  if (typeof state !== 'string' || !(TRACE_STATES as readonly string[]).includes(state)) {
    throw bad(`Invalid value ${JSON.stringify(state)} for parameter 'state' supplied.`);
  }
  const clientRequestId = optionalString(info, 'client_request_id');
  const requestPreview = optionalString(info, 'request_preview');
  const responsePreview = optionalString(info, 'response_preview');
  return {
    traceId: optionalString(info, 'trace_id') ?? '',
    experimentId: optionalString(experiment, 'experiment_id') ?? '',
    requestTimeMs,
    state: state as TraceState,
    metadata: stringMap(info, 'trace_metadata'),
    tags: stringMap(info, 'tags'),
    ...(clientRequestId === undefined ? {} : { clientRequestId }),
    ...(executionDurationMs === undefined ? {} : { executionDurationMs }),
    ...(requestPreview === undefined ? {} : { requestPreview }),
    ...(responsePreview === undefined ? {} : { responsePreview }),
  };
}

const SOURCE_TYPES = ['SOURCE_TYPE_UNSPECIFIED', 'HUMAN', 'LLM_JUDGE', 'CODE'];

function sourceOf(json: Record<string, unknown>): AssessmentSource | null {
  const source = json['source'];
  if (!isObject(source)) return null;
  const sourceType = source['source_type'] ?? 'SOURCE_TYPE_UNSPECIFIED';
  if (typeof sourceType !== 'string' || !SOURCE_TYPES.includes(sourceType)) {
    throw bad(`Invalid value ${JSON.stringify(sourceType)} for parameter 'source_type' supplied.`);
  }
  return { sourceType, sourceId: optionalString(source, 'source_id') ?? '' };
}

function errorOf(feedback: Record<string, unknown>): AssessmentErrorRecord | null {
  const error = feedback['error'];
  if (!isObject(error)) return null;
  return {
    errorCode: optionalString(error, 'error_code') ?? null,
    errorMessage: optionalString(error, 'error_message') ?? null,
    stackTrace: optionalString(error, 'stack_trace') ?? null,
  };
}

function serializedValueOf(expectation: Record<string, unknown>): AssessmentRecord['serializedValue'] {
  const serialized = expectation['serialized_value'];
  if (!isObject(serialized)) return null;
  return {
    serializationFormat: optionalString(serialized, 'serialization_format') ?? '',
    value: optionalString(serialized, 'value') ?? '',
  };
}

function metadataOf(json: Record<string, unknown>): Array<[string, string]> | null {
  return isObject(json['metadata']) ? stringMap(json, 'metadata') : null;
}

/** The `assessment` of a CreateAssessment request. */
export function assessmentInput(assessment: unknown): AssessmentInput {
  if (!isObject(assessment)) throw bad("Missing value for required parameter 'assessment'.");
  const feedback = assessment['feedback'];
  const expectation = assessment['expectation'];
  const common = {
    name: optionalString(assessment, 'assessment_name') ?? '',
    spanId: optionalString(assessment, 'span_id') ?? null,
    source: sourceOf(assessment),
    rationale: optionalString(assessment, 'rationale') ?? null,
    metadata: metadataOf(assessment),
    overrides: optionalString(assessment, 'overrides') ?? null,
    runId: optionalString(assessment, 'run_id') ?? null,
    valid: assessment['valid'] !== false,
  };
  if (isObject(feedback)) {
    return {
      ...common,
      kind: 'feedback',
      value: feedback['value'] ?? null,
      serializedValue: null,
      error: errorOf(feedback),
    };
  }
  if (isObject(expectation)) {
    return {
      ...common,
      kind: 'expectation',
      value: expectation['value'] ?? null,
      serializedValue: serializedValueOf(expectation),
      error: null,
    };
  }
  throw bad('Assessment must have either an expectation or a feedback value.');
}

/** The changes an UpdateAssessment request makes: the `update_mask` paths, read from `assessment`. */
export function assessmentUpdate(assessment: unknown, updateMask: string): AssessmentUpdate {
  const json = isObject(assessment) ? assessment : {};
  const update: {
    -readonly [K in keyof AssessmentUpdate]: AssessmentUpdate[K];
  } = {};
  for (const path of updateMask.split(',').map((item) => item.trim())) {
    switch (path) {
      case 'assessment_name':
        update.name = optionalString(json, 'assessment_name') ?? '';
        break;
      case 'feedback': {
        const feedback = isObject(json['feedback']) ? json['feedback'] : {};
        update.feedback = { value: feedback['value'] ?? null, error: errorOf(feedback) };
        break;
      }
      case 'expectation': {
        const expectation = isObject(json['expectation']) ? json['expectation'] : {};
        update.expectation = { value: expectation['value'] ?? null, serializedValue: serializedValueOf(expectation) };
        break;
      }
      case 'rationale':
        update.rationale = optionalString(json, 'rationale') ?? null;
        break;
      case 'metadata':
        update.metadata = metadataOf(json) ?? [];
        break;
      case 'valid':
        update.valid = json['valid'] !== false;
        break;
      case '':
        break;
      default:
        throw bad(`Invalid update_mask path '${path}' for an assessment.`);
    }
  }
  return update;
}
