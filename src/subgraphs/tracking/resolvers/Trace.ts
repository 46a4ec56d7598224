import { NotFoundError } from '../../../errors/SupergraphError.js';
import { UpstreamError } from '../../../upstream/http/UpstreamError.js';
import { tagPairs } from '../../../upstream/mlflow/tagPairs.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { AssessmentResolvers, SpanResolvers, TraceResolvers } from '../resolvers.generated.js';
import {
  MODEL_ID_METADATA,
  SESSION_METADATA,
  SOURCE_RUN_METADATA,
  TRACE_NAME_TAG,
  USER_METADATA,
  assessmentKind,
  assessmentSummary,
  assessmentValue,
  assessmentsOf,
  attributeObject,
  durationMillis,
  hexId,
  nanosToMillis,
  rfc3339Millis,
  spanAttribute,
  spanModels,
  spanStatus,
  tokenUsage,
  traceExperimentId,
  traceMetadataValue,
  traceState,
} from '../traceModels.js';

/**
 * MLflow's refusal of one trace whose spans it keeps outside its tracking store (corpus 3.11.1 seqs 159, 162): said
 * as what it is, on that trace's `spans` only, rather than as an unavailable upstream.
 */
function spansNotStored(traceId: string, error: unknown): unknown {
  if (error instanceof UpstreamError && error.status === 500 && /not stored/i.test(error.message)) {
    return new NotFoundError(`The spans of trace ${traceId} are not stored in MLflow's tracking store`, {
      reason: 'SPANS_NOT_STORED',
      mlflowErrorCode: error.errorCode,
    });
  }
  return error;
}

/** Fields of Trace (MLflow 3), backed by its TraceInfoV3 (assessments included). */
export const Trace: TraceResolvers = {
  // _entities: a trace by id (batched into traces/batchGetInfos); Trace's type-level rule checks its experiment.
  __resolveReference: (reference, context) => context.loaders.get(trackingLoaders).traceById.load(reference.id),
  id: (trace) => trace.trace_id,
  experimentId: (trace) => traceExperimentId(trace),
  experiment: (trace, _, context) => context.loaders.get(trackingLoaders).experimentById.load(traceExperimentId(trace)),
  clientRequestId: (trace) => trace.client_request_id || null,
  name: (trace) => trace.tags?.[TRACE_NAME_TAG] || null,
  state: (trace) => traceState(trace),
  requestTime: (trace) => rfc3339Millis(trace.request_time),
  executionDurationMs: (trace) => durationMillis(trace.execution_duration),
  requestPreview: (trace) => trace.request_preview ?? null,
  responsePreview: (trace) => trace.response_preview ?? null,
  tags: (trace) => tagPairs(trace.tags),
  tag: (trace, { key }) => trace.tags?.[key] ?? null,
  metadata: (trace) => tagPairs(trace.trace_metadata),
  tokenUsage: (trace) => tokenUsage(trace),
  sessionId: (trace) => traceMetadataValue(trace, SESSION_METADATA),
  userId: (trace) => traceMetadataValue(trace, USER_METADATA),
  sourceRunId: (trace) => traceMetadataValue(trace, SOURCE_RUN_METADATA),
  sourceRun(trace, _, context) {
    const runId = traceMetadataValue(trace, SOURCE_RUN_METADATA);
    if (!runId) return null;
    const loaders = context.loaders.get(trackingLoaders);
    // A trace is logged to its run's experiment: the runs loader can then search instead of get.
    if (!loaders.runExperimentHints.has(runId)) loaders.runExperimentHints.set(runId, traceExperimentId(trace));
    return loaders.runById.load(runId);
  },
  loggedModelId: (trace) => traceMetadataValue(trace, MODEL_ID_METADATA),
  async loggedModel(trace, _, context) {
    const modelId = traceMetadataValue(trace, MODEL_ID_METADATA);
    if (!modelId) return null;
    await context.clients.mlflow.requireFeature('loggedModels', 'getLoggedModel');
    const loaders = context.loaders.get(trackingLoaders);
    if (!loaders.loggedModelHints.has(modelId)) loaders.loggedModelHints.set(modelId, traceExperimentId(trace));
    return loaders.loggedModelById.load(modelId);
  },
  async spans(trace, _, context) {
    try {
      const spans = await context.loaders.get(trackingLoaders).traceSpans.load(trace.trace_id);
      return spanModels(trace, spans);
    } catch (error) {
      throw spansNotStored(trace.trace_id, error);
    }
  },
  assessments: (trace, { name }) => assessmentsOf(trace, { name: name ?? null }),
  assessmentSummary: (trace) => assessmentSummary(trace),
};

/** Fields of Span: one OTLP span as MLflow stores it (hex ids, typed attributes decoded). */
export const Span: SpanResolvers = {
  id: ({ span }) => hexId(span.span_id) ?? '',
  traceId: ({ trace }) => trace.trace_id,
  parentId: ({ span }) => hexId(span.parent_span_id),
  name: ({ span }) => span.name ?? '',
  type: ({ span }) => {
    const type = spanAttribute(span, 'mlflow.spanType');
    return typeof type === 'string' && type !== '' ? type : null;
  },
  status: ({ span }) => spanStatus(span),
  statusMessage: ({ span }) => span.status?.message || null,
  startTime: ({ span }) => nanosToMillis(span.start_time_unix_nano),
  endTime: ({ span }) => nanosToMillis(span.end_time_unix_nano),
  durationMs: ({ span }) => {
    const start = Number(span.start_time_unix_nano);
    const end = Number(span.end_time_unix_nano);
    return Number.isFinite(start) && Number.isFinite(end) ? Math.round((end - start) / 1e3) / 1e3 : null;
  },
  inputs: ({ span }) => spanAttribute(span, 'mlflow.spanInputs'),
  outputs: ({ span }) => spanAttribute(span, 'mlflow.spanOutputs'),
  attributes: ({ span }) => attributeObject(span.attributes),
  events: ({ span }) =>
    (span.events ?? []).map((event) => ({
      name: event.name ?? '',
      time: nanosToMillis(event.time_unix_nano),
      attributes: attributeObject(event.attributes),
    })),
  assessments: ({ span, trace }) => {
    const spanId = hexId(span.span_id);
    return spanId ? assessmentsOf(trace, { spanId }) : [];
  },
};

/** Fields of Assessment: a feedback or an expectation, as MLflow returns it with its trace. */
export const Assessment: AssessmentResolvers = {
  id: ({ assessment }) => assessment.assessment_id,
  traceId: ({ assessment }) => assessment.trace_id ?? '',
  name: ({ assessment }) => assessment.assessment_name ?? '',
  kind: ({ assessment }) => assessmentKind(assessment),
  value: ({ assessment }) => assessmentValue(assessment),
  error: ({ assessment }) => {
    const error = assessment.feedback?.error;
    return error ? { code: error.error_code ?? null, message: error.error_message ?? null } : null;
  },
  source: ({ assessment }) =>
    assessment.source
      ? { type: assessment.source.source_type ?? 'SOURCE_TYPE_UNSPECIFIED', id: assessment.source.source_id || null }
      : null,
  rationale: ({ assessment }) => assessment.rationale ?? null,
  spanId: ({ assessment }) => assessment.span_id || null,
  createTime: ({ assessment }) => rfc3339Millis(assessment.create_time),
  lastUpdateTime: ({ assessment }) => rfc3339Millis(assessment.last_update_time),
  metadata: ({ assessment }) => tagPairs(assessment.metadata),
  valid: ({ assessment }) => assessment.valid !== false,
};
