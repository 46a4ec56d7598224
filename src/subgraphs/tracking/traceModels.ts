// MLflow 3's trace wire objects → what the Trace, Span and Assessment fields answer: one place that reads TraceInfoV3
// (RFC 3339 times, protobuf durations, metadata keys), OTLP JSON spans (base64 ids, typed AnyValues, nanosecond
// int64s) and assessments (feedback vs expectation).
import type {
  WireAnyValue,
  WireAssessment,
  WireKeyValue,
  WireSpan,
  WireTraceInfo,
  WireTraceState,
} from '../../upstream/mlflow/wire.js';
import type { AssessmentModel, SpanModel } from './mappers.js';
import type { AssessmentKind, AssessmentSummary, SpanStatus, TokenUsage, TraceState } from './resolvers.generated.js';

/** Trace metadata MLflow's client writes: the run active when the trace was logged. */
export const SOURCE_RUN_METADATA = 'mlflow.sourceRun';
/** Trace metadata: the logged model that served the request. */
export const MODEL_ID_METADATA = 'mlflow.modelId';
/** Trace metadata: token usage aggregated over the spans, as JSON (`{"input_tokens": …}`). */
export const TOKEN_USAGE_METADATA = 'mlflow.trace.tokenUsage';
/** Trace metadata: the session (conversation). */
export const SESSION_METADATA = 'mlflow.trace.session';
/** Trace metadata: the end user. */
export const USER_METADATA = 'mlflow.trace.user';
/** Trace tag: the trace's name (its root span's). */
export const TRACE_NAME_TAG = 'mlflow.traceName';

/**
 * The experiment a trace is logged to. A trace stored elsewhere (a Unity Catalog location, which the graph does not
 * serve) has none: it is governed by no experiment, so it is refused like an unreadable one (an empty id matches no
 * grant), never served unchecked.
 */
export function traceExperimentId(trace: WireTraceInfo): string {
  return trace.trace_location?.mlflow_experiment?.experiment_id ?? '';
}

const STATES: ReadonlySet<WireTraceState> = new Set(['OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED']);

/** The trace's state (MLflow leaves STATE_UNSPECIFIED out of its JSON). */
export function traceState(trace: WireTraceInfo): TraceState {
  return trace.state && STATES.has(trace.state) ? trace.state : 'STATE_UNSPECIFIED';
}

/** Epoch milliseconds of an RFC 3339 time, or null. */
export function rfc3339Millis(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Milliseconds of a protobuf Duration in JSON (`1.500s`), or null. */
export function durationMillis(value: string | undefined): number | null {
  const match = value ? /^(-?\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match ? Math.round(Number(match[1]) * 1_000_000) / 1000 : null;
}

/** One metadata value of the trace, or null (absent or empty). */
export function traceMetadataValue(trace: WireTraceInfo, key: string): string | null {
  const value = trace.trace_metadata?.[key];
  return value === undefined || value === '' ? null : value;
}

function intOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
}

/** Token usage as MLflow records it in the trace's metadata, or null when it recorded none (or not as JSON). */
export function tokenUsage(trace: WireTraceInfo): TokenUsage | null {
  const text = traceMetadataValue(trace, TOKEN_USAGE_METADATA);
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (!parsed || typeof parsed !== 'object') return null;
    return {
      inputTokens: intOrNull(parsed.input_tokens),
      outputTokens: intOrNull(parsed.output_tokens),
      totalTokens: intOrNull(parsed.total_tokens),
    };
  } catch {
    return null;
  }
}

/** An OTLP id (base64 of its bytes, as MLflow prints OTLP JSON) as hex, what assessments and MLflow's clients use. */
export function hexId(base64: string | undefined): string | null {
  if (!base64) return null;
  const hex = Buffer.from(base64, 'base64').toString('hex');
  return hex === '' ? null : hex;
}

/** An OTLP AnyValue as plain JSON (int64 beyond 2^53 kept as its digits). */
export function anyValue(value: WireAnyValue | undefined): unknown {
  if (!value) return null;
  if (value.string_value !== undefined) return value.string_value;
  if (value.bool_value !== undefined) return value.bool_value;
  if (value.int_value !== undefined) {
    const n = Number(value.int_value);
    return Number.isSafeInteger(n) ? n : String(value.int_value);
  }
  if (value.double_value !== undefined) return value.double_value;
  if (value.array_value !== undefined) return (value.array_value.values ?? []).map(anyValue);
  if (value.kvlist_value !== undefined) return attributeObject(value.kvlist_value.values);
  if (value.bytes_value !== undefined) return value.bytes_value;
  return null;
}

/** OTLP attributes as one JSON object. */
export function attributeObject(attributes: readonly WireKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map((attribute) => [attribute.key, anyValue(attribute.value)]));
}

/**
 * An attribute MLflow's own SDK writes JSON-encoded (`"\"LLM\""`, `{"q": …}` as text); the OTLP path stores typed
 * values. Both read as the value meant.
 */
function decoded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!/^["{[]/.test(text)) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

/** One attribute of a span, decoded, or null. */
export function spanAttribute(span: WireSpan, key: string): unknown {
  const found = span.attributes?.find((attribute) => attribute.key === key);
  return found ? decoded(anyValue(found.value)) : null;
}

/** Epoch milliseconds of a nanosecond int64 (MLflow prints it as a JSON number past 2^53: precise to the ms). */
export function nanosToMillis(value: number | string | undefined): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n / 1e3) / 1e3 : null;
}

/** The span's status. */
export function spanStatus(span: WireSpan): SpanStatus {
  switch (span.status?.code) {
    case 'STATUS_CODE_OK':
      return 'OK';
    case 'STATUS_CODE_ERROR':
      return 'ERROR';
    default:
      return 'UNSET';
  }
}

/** The trace's assessments as the schema's models, optionally only those of one name or one span. */
export function assessmentsOf(
  trace: WireTraceInfo,
  only: { name?: string | null; spanId?: string | null } = {},
): AssessmentModel[] {
  const experimentId = traceExperimentId(trace);
  return (trace.assessments ?? [])
    .filter((a) => only.name == null || (a.assessment_name ?? '') === only.name)
    .filter((a) => only.spanId == null || a.span_id === only.spanId)
    .map((assessment) => ({ assessment, experimentId }));
}

/** The spans of a trace as the schema's models. */
export function spanModels(trace: WireTraceInfo, spans: readonly WireSpan[]): SpanModel[] {
  return spans.map((span) => ({ span, trace }));
}

/** Feedback or expectation. */
export function assessmentKind(assessment: WireAssessment): AssessmentKind {
  return assessment.expectation !== undefined ? 'EXPECTATION' : 'FEEDBACK';
}

/** The assessment's value: a feedback's, an expectation's (a serialized one decoded when it is JSON). */
export function assessmentValue(assessment: WireAssessment): unknown {
  if (assessment.expectation !== undefined) {
    const serialized = assessment.expectation.serialized_value;
    if (serialized?.value !== undefined) return decoded(serialized.value);
    return assessment.expectation.value ?? null;
  }
  return assessment.feedback?.value ?? null;
}

/**
 * Per assessment name (in first-seen order): how many, how many failed, and the mean of numeric feedback and the pass
 * rate of boolean feedback: what a trace list shows beside each trace.
 */
export function assessmentSummary(trace: WireTraceInfo): AssessmentSummary[] {
  const byName = new Map<string, AssessmentSummary & { sum: number; passed: number }>();
  for (const assessment of trace.assessments ?? []) {
    const name = assessment.assessment_name ?? '';
    let entry = byName.get(name);
    if (!entry) {
      entry = {
        name,
        kind: assessmentKind(assessment),
        count: 0,
        errorCount: 0,
        numericCount: 0,
        mean: null,
        booleanCount: 0,
        passRate: null,
        sum: 0,
        passed: 0,
      };
      byName.set(name, entry);
    }
    entry.count += 1;
    if (assessment.expectation !== undefined) continue;
    const value = assessment.feedback?.value;
    if (assessment.feedback?.error && (value === undefined || value === null)) entry.errorCount += 1;
    else if (typeof value === 'number' && Number.isFinite(value)) {
      entry.numericCount += 1;
      entry.sum += value;
    } else if (typeof value === 'boolean') {
      entry.booleanCount += 1;
      if (value) entry.passed += 1;
    }
  }
  return [...byName.values()].map(({ sum, passed, ...summary }) => ({
    ...summary,
    mean: summary.numericCount > 0 ? sum / summary.numericCount : null,
    passRate: summary.booleanCount > 0 ? passed / summary.booleanCount : null,
  }));
}
