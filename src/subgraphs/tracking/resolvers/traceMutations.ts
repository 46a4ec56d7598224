import { cachePolicy } from '../../../cache/cachePolicy.js';
import type { RequestContext } from '../../../context/RequestContext.js';
import { BadUserInputError, NotFoundError } from '../../../errors/SupergraphError.js';
import { orNull } from '../../../upstream/http/UpstreamError.js';
import type { WireAssessment, WireTraceInfo } from '../../../upstream/mlflow/wire.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { AssessmentErrorInput, MutationResolvers, TagInput } from '../resolvers.generated.js';
import { assessmentKind, traceExperimentId } from '../traceModels.js';

// MLflow 3 trace and assessment writes. Authorization happened before each resolver (the schema's
// `@hasPermission(trace:)` read the trace's info to learn its experiment; MLflow 3.11.1 checks nothing itself). Each
// write is sent once (callRest never retries a write); what it changed is dropped from the shared cache and the
// request's memo, and the `traces` search generation replaced, so the answer and the next request read the write.

/** Traces one deleteTraces may name (MLflow's client deletes at most 100 by id a call). */
const MAX_DELETE = 100;

/** Drops what a write to traces made stale: their infos, their spans (on delete) and every trace search. */
async function forgetTraces(context: RequestContext, ids: readonly string[], spans = false): Promise<void> {
  const loaders = context.loaders.get(trackingLoaders);
  await Promise.all([
    context.cache.invalidate(cachePolicy.trace.namespace, ids),
    spans ? context.cache.invalidate(cachePolicy.traceSpans.namespace, ids) : Promise.resolve(),
    context.cache.bump('traces'),
  ]);
  for (const id of ids) {
    loaders.traceById.clear(id);
    if (spans) loaders.traceSpans.clear(id);
  }
}

/** The trace the authorization check read (memoized in this request): its experiment governs the answer. */
async function checkedTrace(context: RequestContext, id: string): Promise<WireTraceInfo> {
  const trace = await context.loaders.get(trackingLoaders).traceById.load(id);
  if (!trace) throw new NotFoundError(`Trace ${id} does not exist`);
  return trace;
}

/** The trace read fresh after a write whose answer does not carry it. */
async function freshTrace(context: RequestContext, id: string): Promise<WireTraceInfo> {
  await forgetTraces(context, [id]);
  return checkedTrace(context, id);
}

function wireError(error: AssessmentErrorInput): NonNullable<NonNullable<WireAssessment['feedback']>['error']> {
  return {
    ...(error.code ? { error_code: error.code } : {}),
    ...(error.message ? { error_message: error.message } : {}),
  };
}

function wireMetadata(metadata: readonly TagInput[]): Record<string, string> {
  return Object.fromEntries(metadata.map((entry) => [entry.key, entry.value]));
}

/** Whether `assessment` belongs to trace `traceId` (an answer without a trace id is taken as the one asked for). */
function onTrace(assessment: WireAssessment, traceId: string): boolean {
  return assessment.trace_id === undefined || assessment.trace_id === traceId;
}

/** Writes of MLflow 3's traces and assessments. */
export const traceMutations: Pick<
  MutationResolvers,
  'setTraceTag' | 'deleteTraceTag' | 'deleteTraces' | 'createAssessment' | 'updateAssessment' | 'deleteAssessment'
> = {
  async setTraceTag(_, { traceId, tag }, context) {
    await context.clients.mlflow.call('setTraceTag', { trace_id: traceId, key: tag.key, value: tag.value });
    return freshTrace(context, traceId);
  },

  async deleteTraceTag(_, { traceId, key }, context) {
    await context.clients.mlflow.call('deleteTraceTag', { trace_id: traceId, key });
    return freshTrace(context, traceId);
  },

  async deleteTraces(_, { experimentId, traceIds }, context) {
    const ids = [...new Set(traceIds)];
    if (ids.length === 0 || ids.length > MAX_DELETE)
      throw new BadUserInputError(`traceIds must name 1 to ${MAX_DELETE} traces, got ${ids.length}`);
    // MLflow deletes by experiment and id; the graph holds every id to the experiment whose permission was checked,
    // reading their infos first (the message names no trace: one outside the experiment may be another's secret).
    const traces = await context.loaders.get(trackingLoaders).traceById.loadMany(ids);
    const failed = traces.find((trace) => trace instanceof Error);
    if (failed) throw failed;
    const outside = traces.filter((trace) => !trace || traceExperimentId(trace as WireTraceInfo) !== experimentId);
    if (outside.length > 0)
      throw new BadUserInputError(
        `traceIds must all be traces of experiment ${experimentId}: ${outside.length} of ${ids.length} are not`,
      );
    const response = await context.clients.mlflow.call('deleteTraces', {
      experiment_id: experimentId,
      request_ids: ids,
    });
    await forgetTraces(context, ids, true);
    return { deletedCount: response.traces_deleted ?? 0 };
  },

  async createAssessment(_, { input }, context) {
    const trace = await checkedTrace(context, input.traceId);
    const value = input.value;
    if (input.kind === 'EXPECTATION' && (input.error || value === undefined || value === null))
      throw new BadUserInputError('An expectation needs a value and takes no error');
    if (input.kind === 'FEEDBACK' && (value === undefined || value === null) && !input.error)
      throw new BadUserInputError('A feedback needs a value or an error');
    const assessment: Omit<WireAssessment, 'assessment_id'> = {
      assessment_name: input.name,
      trace_id: input.traceId,
      ...(input.spanId ? { span_id: input.spanId } : {}),
      source: { source_type: input.source.type, ...(input.source.id ? { source_id: input.source.id } : {}) },
      ...(input.kind === 'EXPECTATION'
        ? { expectation: { value } }
        : {
            feedback: {
              ...(value === undefined ? {} : { value }),
              ...(input.error ? { error: wireError(input.error) } : {}),
            },
          }),
      ...(input.rationale ? { rationale: input.rationale } : {}),
      ...(input.metadata?.length ? { metadata: wireMetadata(input.metadata) } : {}),
    };
    const created = await context.clients.mlflow.call('createAssessment', { trace_id: input.traceId, assessment });
    await forgetTraces(context, [input.traceId]);
    return { assessment: created.assessment, experimentId: traceExperimentId(trace) };
  },

  async updateAssessment(_, { traceId, assessmentId, input }, context) {
    const trace = await checkedTrace(context, traceId);
    // Its kind decides which member carries a new value: from the trace already read, else one read of it.
    const existing =
      trace.assessments?.find((a) => a.assessment_id === assessmentId) ??
      (await orNull(
        async () =>
          (await context.clients.mlflow.call('getAssessment', { trace_id: traceId, assessment_id: assessmentId }))
            .assessment,
      ));
    // The id must be this trace's: the permission checked was this trace's experiment, and an assessment of another
    // trace (another experiment) is never reached through it, whatever MLflow's lookup by id would do.
    if (!existing || !onTrace(existing, traceId))
      throw new NotFoundError(`Assessment ${assessmentId} does not exist on trace ${traceId}`);
    const kind = assessmentKind(existing);
    if (kind === 'EXPECTATION' && input.error) throw new BadUserInputError('An expectation takes no error');
    const mask: string[] = [];
    const assessment: Partial<WireAssessment> = { assessment_id: assessmentId, trace_id: traceId };
    if (input.name != null) {
      assessment.assessment_name = input.name;
      mask.push('assessment_name');
    }
    if (input.value !== undefined || input.error) {
      if (kind === 'EXPECTATION') {
        assessment.expectation = { value: input.value ?? null };
        mask.push('expectation');
      } else {
        assessment.feedback = {
          ...(input.value === undefined ? {} : { value: input.value }),
          ...(input.error ? { error: wireError(input.error) } : {}),
        };
        mask.push('feedback');
      }
    }
    if (input.rationale != null) {
      assessment.rationale = input.rationale;
      mask.push('rationale');
    }
    if (input.metadata) {
      assessment.metadata = wireMetadata(input.metadata);
      mask.push('metadata');
    }
    if (mask.length === 0) throw new BadUserInputError('input must change at least one field');
    const updated = await context.clients.mlflow.call('updateAssessment', {
      trace_id: traceId,
      assessment_id: assessmentId,
      assessment,
      update_mask: mask.join(','),
    });
    await forgetTraces(context, [traceId]);
    return { assessment: updated.assessment, experimentId: traceExperimentId(trace) };
  },

  async deleteAssessment(_, { traceId, assessmentId }, context) {
    // MLflow answers 200 whether or not the assessment was there (corpus seqs 196-197): one read says which. Nothing
    // is sent when it is not this trace's (absent, or another trace's: the permission checked was this trace's).
    const before = await orNull(() =>
      context.clients.mlflow.call('getAssessment', { trace_id: traceId, assessment_id: assessmentId }),
    );
    if (!before || !onTrace(before.assessment, traceId)) return { assessmentId, traceId, existed: false };
    await context.clients.mlflow.call('deleteAssessment', { trace_id: traceId, assessment_id: assessmentId });
    await forgetTraces(context, [traceId]);
    return { assessmentId, traceId, existed: true };
  },
};
