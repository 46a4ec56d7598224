// Traces, their spans and their assessments with the semantics MLflow 3.11's SqlAlchemyStore showed in the
// recorded corpus: OTLP spans create the trace (info derived from the root span, spans kept in the tracking
// store), StartTraceV3 upserts the info over it, reading spans fails for a trace whose spans are not in the
// store, tags and assessments on an unknown trace hit SQLite's foreign key, search orders by time then id.
import { MlflowError } from './MlflowError.js';
import { createPageToken, parsePageToken } from './pageToken.js';
import type { OtlpSpan } from './otlpTraces.js';
import { otlpValueToJs } from './otlpTraces.js';
import type { Prng } from './prng.js';
import { pyJsonDumps } from './pyJson.js';
import { pyStrRepr } from './pyRepr.js';
import {
  ARTIFACT_LOCATION_TAG,
  SCHEMA_VERSION_METADATA,
  SESSION_METADATA,
  SPANS_LOCATION_TAG,
  TOKEN_USAGE_METADATA,
  TRACE_NAME_TAG,
  USER_METADATA,
  type AssessmentErrorRecord,
  type AssessmentRecord,
  type AssessmentSource,
  type TraceRecord,
  type TraceState,
} from './traceRecords.js';
import {
  matchesTraceClause,
  parseTraceFilter,
  parseTraceOrderBy,
  traceAttribute,
  type TraceOrderBy,
} from './traceSearchFilter.js';
import type { Page, TrackingStore } from './TrackingStore.js';

/** Options for a trace store. */
export interface TraceStoreOptions {
  readonly tracking: TrackingStore;
  readonly now: () => number;
  readonly random: Prng;
}

/** SearchTraces' default page size. */
export const SEARCH_TRACES_DEFAULT_MAX_RESULTS = 100;
/** SEARCH_MAX_RESULTS_THRESHOLD, as for runs. */
const SEARCH_MAX_RESULTS_THRESHOLD = 50000;
/** Request/response previews are cut to this many characters in open-source MLflow. */
export const PREVIEW_MAX_LENGTH = 1000;
/** How many traces one link-to-run call may link. */
const MAX_TRACES_TO_LINK = 100;

/** The trace info a StartTraceV3 request carries (absent fields are left as they are on an existing trace). */
export interface TraceInfoInput {
  readonly traceId: string;
  readonly experimentId: string;
  readonly clientRequestId?: string;
  readonly requestTimeMs: number;
  readonly executionDurationMs?: number;
  readonly state: TraceState;
  readonly requestPreview?: string;
  readonly responsePreview?: string;
  readonly metadata: ReadonlyArray<readonly [string, string]>;
  readonly tags: ReadonlyArray<readonly [string, string]>;
}

/** A new assessment (CreateAssessment). */
export interface AssessmentInput {
  readonly name: string;
  readonly spanId: string | null;
  readonly source: AssessmentSource | null;
  readonly kind: 'feedback' | 'expectation';
  readonly value: unknown;
  readonly serializedValue: AssessmentRecord['serializedValue'];
  readonly error: AssessmentErrorRecord | null;
  readonly rationale: string | null;
  readonly metadata: ReadonlyArray<readonly [string, string]> | null;
  readonly overrides: string | null;
  readonly runId: string | null;
  readonly valid: boolean;
}

/** The fields UpdateAssessment's mask may name, with their new values. */
export interface AssessmentUpdate {
  readonly name?: string;
  readonly feedback?: { readonly value: unknown; readonly error: AssessmentErrorRecord | null };
  readonly expectation?: { readonly value: unknown; readonly serializedValue: AssessmentRecord['serializedValue'] };
  readonly rationale?: string | null;
  readonly metadata?: ReadonlyArray<readonly [string, string]>;
  readonly valid?: boolean;
}

/** One aggregation of a trace metric query. */
export interface MetricAggregation {
  readonly type: 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
}

/** A prompt version a trace was produced with (link-prompts). */
export interface PromptVersionRef {
  readonly name: string;
  readonly version: string;
}

function hex(bytes: Buffer): string {
  return bytes.toString('hex');
}

/** SQLAlchemy's IntegrityError text for an INSERT that references a trace that does not exist. */
function foreignKeyFailure(table: string, columns: string, parameters: readonly string[]): MlflowError {
  return new MlflowError(
    'BAD_REQUEST',
    `(sqlite3.IntegrityError) FOREIGN KEY constraint failed\n[SQL: INSERT INTO ${table} (${columns}) VALUES (${parameters
      .map(() => '?')
      .join(
        ', ',
      )})]\n[parameters: (${parameters.join(', ')})]\n(Background on this error at: https://sqlalche.me/e/20/gkpj)`,
  );
}

function pyOptional(value: string | null): string {
  return value === null ? 'None' : pyStrRepr(value);
}

/** json.dumps of a protobuf `Value` (every number a double), as MLflow stores assessment values. */
function valueDumps(value: unknown): string {
  return pyJsonDumps(value, { numbers: 'float' });
}

/** A preview as MLflow stores it: JSON text, cut to {@link PREVIEW_MAX_LENGTH} characters with `...`. */
export function previewOf(value: unknown): string {
  const text = pyJsonDumps(value, { ensureAscii: false });
  const chars = [...text];
  if (chars.length <= PREVIEW_MAX_LENGTH) return text;
  return `${chars.slice(0, PREVIEW_MAX_LENGTH - 3).join('')}...`;
}

function spanAttribute(span: OtlpSpan, key: string): unknown {
  const attribute = span.attributes.find((item) => item.key === key);
  return attribute === undefined ? undefined : otlpValueToJs(attribute.value);
}

/** The `mlflow.trace.tokenUsage` metadata for a trace's spans (summed over LLM spans), or null when none reports any. */
function tokenUsageOf(spans: readonly OtlpSpan[]): string | null {
  let found = false;
  const total = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  for (const span of spans) {
    const usage = spanAttribute(span, 'mlflow.chat.tokenUsage');
    if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) continue;
    found = true;
    for (const key of ['input_tokens', 'output_tokens', 'total_tokens'] as const) {
      const value = (usage as Record<string, unknown>)[key];
      if (typeof value === 'number') total[key] += value;
    }
  }
  return found ? pyJsonDumps(total) : null;
}

function stringAttribute(spans: readonly OtlpSpan[], key: string): string | null {
  for (const span of spans) {
    const value = spanAttribute(span, key);
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** Traces of every experiment, in creation order. */
export class TraceStore {
  readonly traces = new Map<string, TraceRecord>();
  /** Run id → linked trace ids (MLflow's entity associations). */
  readonly runLinks = new Map<string, Set<string>>();
  /** Trace id → the prompt versions linked to it. */
  readonly promptLinks = new Map<string, PromptVersionRef[]>();
  private readonly options: TraceStoreOptions;

  constructor(options: TraceStoreOptions) {
    this.options = options;
  }

  private now(): number {
    return this.options.now();
  }

  private activeExperiment(experimentId: string): { artifactLocation: string; experimentId: string } {
    const experiment = this.options.tracking.getExperiment(experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw MlflowError.invalidParameter(
        `The experiment ${experiment.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
      );
    }
    return experiment;
  }

  private newTrace(traceId: string, experimentId: string, artifactLocation: string): TraceRecord {
    return {
      traceId,
      experimentId,
      clientRequestId: null,
      requestTimeMs: 0,
      executionDurationMs: null,
      state: 'STATE_UNSPECIFIED',
      requestPreview: null,
      responsePreview: null,
      metadata: new Map(),
      tags: new Map([[ARTIFACT_LOCATION_TAG, `${artifactLocation}/traces/${traceId}/artifacts`]]),
      spans: [],
      assessments: [],
    };
  }

  // ---------------------------------------------------------------- writing traces

  /**
   * OTLP export (`/v1/traces`): stores the spans under their traces in one experiment. A trace seen for the
   * first time gets its info from its root span (time, duration, state, previews, name) and the span
   * attributes MLflow lifts into metadata (token usage, session, user).
   */
  logSpans(experimentId: string, spans: readonly OtlpSpan[]): TraceRecord[] {
    const experiment = this.activeExperiment(experimentId);
    const byTrace = new Map<string, OtlpSpan[]>();
    for (const span of spans) {
      const traceId = `tr-${hex(span.traceId)}`;
      const group = byTrace.get(traceId) ?? [];
      group.push(span);
      byTrace.set(traceId, group);
    }
    const touched: TraceRecord[] = [];
    for (const [traceId, group] of byTrace) {
      let trace = this.traces.get(traceId);
      const created = trace === undefined;
      if (!trace) {
        trace = this.newTrace(traceId, experiment.experimentId, experiment.artifactLocation);
        this.traces.set(traceId, trace);
      }
      for (const span of group) {
        const index = trace.spans.findIndex((existing) => existing.spanId.equals(span.spanId));
        if (index >= 0) trace.spans[index] = span;
        else trace.spans.push(span);
      }
      this.deriveFromSpans(trace, created);
      touched.push(trace);
    }
    return touched;
  }

  private deriveFromSpans(trace: TraceRecord, created: boolean): void {
    const root = trace.spans.find((span) => span.parentSpanId.length === 0);
    if (root && (created || trace.state === 'IN_PROGRESS' || trace.state === 'STATE_UNSPECIFIED')) {
      trace.requestTimeMs = Number(root.startTimeUnixNano / 1_000_000n);
      trace.executionDurationMs = Number((root.endTimeUnixNano - root.startTimeUnixNano) / 1_000_000n);
      trace.state = root.status.code === 2 ? 'ERROR' : 'OK';
    } else if (created) {
      const starts = trace.spans.map((span) => span.startTimeUnixNano);
      trace.requestTimeMs = Number(starts.reduce((a, b) => (b < a ? b : a)) / 1_000_000n);
      trace.state = 'IN_PROGRESS';
    }
    if (root) {
      const inputs = spanAttribute(root, 'mlflow.spanInputs');
      const outputs = spanAttribute(root, 'mlflow.spanOutputs');
      if (trace.requestPreview === null && inputs !== undefined) trace.requestPreview = previewOf(inputs);
      if (trace.responsePreview === null && outputs !== undefined) trace.responsePreview = previewOf(outputs);
    }
    const usage = tokenUsageOf(trace.spans);
    if (usage !== null) trace.metadata.set(TOKEN_USAGE_METADATA, usage);
    const session = stringAttribute(trace.spans, 'session.id');
    if (session !== null && !trace.metadata.has(SESSION_METADATA)) trace.metadata.set(SESSION_METADATA, session);
    const user = stringAttribute(trace.spans, 'user.id');
    if (user !== null && !trace.metadata.has(USER_METADATA)) trace.metadata.set(USER_METADATA, user);
    if (!trace.metadata.has(SCHEMA_VERSION_METADATA)) trace.metadata.set(SCHEMA_VERSION_METADATA, '3');
    trace.tags.set(SPANS_LOCATION_TAG, 'TRACKING_STORE');
    if (root && !trace.tags.has(TRACE_NAME_TAG)) trace.tags.set(TRACE_NAME_TAG, root.name);
  }

  /**
   * StartTraceV3: creates the trace, or merges the request into the trace its spans already created (tags and
   * metadata already there keep their place; the schema-version metadata is rewritten last, the row order
   * MLflow's v2 API then shows).
   */
  startTrace(input: TraceInfoInput): TraceRecord {
    const experiment = this.activeExperiment(input.experimentId);
    let trace = this.traces.get(input.traceId);
    if (!trace) {
      trace = this.newTrace(input.traceId, experiment.experimentId, experiment.artifactLocation);
      trace.tags.clear();
      this.traces.set(input.traceId, trace);
    }
    if (input.clientRequestId !== undefined) trace.clientRequestId = input.clientRequestId;
    trace.requestTimeMs = input.requestTimeMs;
    if (input.executionDurationMs !== undefined) trace.executionDurationMs = input.executionDurationMs;
    trace.state = input.state;
    if (input.requestPreview !== undefined) trace.requestPreview = input.requestPreview;
    if (input.responsePreview !== undefined) trace.responsePreview = input.responsePreview;
    let schemaVersion: string | undefined;
    for (const [key, value] of input.metadata) {
      if (key === SCHEMA_VERSION_METADATA) schemaVersion = value;
      else trace.metadata.set(key, value);
    }
    if (schemaVersion !== undefined) {
      trace.metadata.delete(SCHEMA_VERSION_METADATA);
      trace.metadata.set(SCHEMA_VERSION_METADATA, schemaVersion);
    }
    for (const [key, value] of input.tags) trace.tags.set(key, value);
    if (!trace.tags.has(ARTIFACT_LOCATION_TAG)) {
      trace.tags.set(ARTIFACT_LOCATION_TAG, `${experiment.artifactLocation}/traces/${trace.traceId}/artifacts`);
    }
    return trace;
  }

  /** The deprecated v2 StartTrace: a new IN_PROGRESS trace with a generated request id. */
  startTraceV2(input: {
    experimentId: string;
    timestampMs: number;
    metadata: ReadonlyArray<readonly [string, string]>;
    tags: ReadonlyArray<readonly [string, string]>;
  }): TraceRecord {
    const experiment = this.activeExperiment(input.experimentId);
    const traceId = this.options.random.hex(32);
    const trace = this.newTrace(traceId, experiment.experimentId, experiment.artifactLocation);
    trace.tags.clear();
    trace.requestTimeMs = input.timestampMs;
    trace.executionDurationMs = 0;
    trace.state = 'IN_PROGRESS';
    for (const [key, value] of input.metadata) trace.metadata.set(key, value);
    for (const [key, value] of input.tags) trace.tags.set(key, value);
    trace.tags.set(ARTIFACT_LOCATION_TAG, `${experiment.artifactLocation}/traces/${traceId}/artifacts`);
    this.traces.set(traceId, trace);
    return trace;
  }

  /** The deprecated v2 EndTrace: duration from the end timestamp, the final status, more metadata and tags. */
  endTraceV2(input: {
    traceId: string;
    timestampMs: number;
    state: TraceState;
    metadata: ReadonlyArray<readonly [string, string]>;
    tags: ReadonlyArray<readonly [string, string]>;
  }): TraceRecord {
    const trace = this.getTrace(input.traceId);
    trace.executionDurationMs = input.timestampMs - trace.requestTimeMs;
    trace.state = input.state;
    for (const [key, value] of input.metadata) trace.metadata.set(key, value);
    for (const [key, value] of input.tags) trace.tags.set(key, value);
    return trace;
  }

  // ---------------------------------------------------------------- reading traces

  /** GetTraceInfoV3: the trace, or MLflow's 404. */
  getTrace(traceId: string): TraceRecord {
    const trace = this.traces.get(traceId);
    if (!trace) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
    return trace;
  }

  /** The trace with its spans (`/traces/get`, batchGet): a 500 when its spans are not in the tracking store. */
  getTraceWithSpans(traceId: string): TraceRecord {
    const trace = this.traces.get(traceId);
    if (!trace) throw MlflowError.notFound(`Trace with ID ${traceId} is not found.`);
    if (trace.tags.get(SPANS_LOCATION_TAG) !== 'TRACKING_STORE') {
      throw MlflowError.internal('Trace data not stored in tracking store');
    }
    return trace;
  }

  /** BatchGetTraces: every known trace with its spans; one without stored spans fails the whole batch. */
  batchGetTraces(traceIds: readonly string[]): TraceRecord[] {
    const found = traceIds.flatMap((traceId) => {
      const trace = this.traces.get(traceId);
      return trace ? [trace] : [];
    });
    if (found.some((trace) => trace.tags.get(SPANS_LOCATION_TAG) !== 'TRACKING_STORE')) {
      throw MlflowError.internal('Trace data not stored in tracking store');
    }
    return found;
  }

  /** BatchGetTraceInfos: the infos of the known traces, in request order. */
  batchGetTraceInfos(traceIds: readonly string[]): TraceRecord[] {
    return traceIds.flatMap((traceId) => {
      const trace = this.traces.get(traceId);
      return trace ? [trace] : [];
    });
  }

  /**
   * SearchTracesV3 / v2 SearchTraces: filter, then `order_by` clauses, then timestamp descending (unless
   * ordered by it already), then trace id ascending; offset page tokens with a look-ahead of one.
   */
  searchTraces(request: {
    experimentIds: readonly string[];
    filter: string;
    maxResults: number;
    orderBy: readonly string[];
    pageToken: string;
  }): Page<TraceRecord> {
    const { maxResults } = request;
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      throw MlflowError.invalidParameter(
        `Invalid value for request parameter max_results. It must be a positive integer, but got ${maxResults}`,
      );
    }
    if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) {
      throw MlflowError.invalidParameter(
        `Invalid value for request parameter max_results. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}, but got ${maxResults}`,
      );
    }
    const clauses = parseTraceFilter(request.filter);
    const orderBy: TraceOrderBy[] = request.orderBy.map(parseTraceOrderBy);
    if (!orderBy.some((clause) => clause.type === 'attribute' && clause.key === 'timestamp_ms')) {
      orderBy.push({ type: 'attribute', key: 'timestamp_ms', ascending: false });
    }
    orderBy.push({ type: 'attribute', key: 'trace_id', ascending: true });
    const offset = parsePageToken(request.pageToken);
    const experiments = new Set(request.experimentIds);
    const matching = [...this.traces.values()].filter(
      (trace) => experiments.has(trace.experimentId) && clauses.every((clause) => matchesTraceClause(trace, clause)),
    );
    matching.sort((a, b) => compareTraces(a, b, orderBy));
    const items = matching.slice(offset, offset + maxResults);
    const more = matching.length > offset + maxResults;
    return more ? { items, nextPageToken: createPageToken(offset + maxResults) } : { items };
  }

  // ---------------------------------------------------------------- tags

  /** SetTraceTag (v2 and v3): an unknown trace is SQLite's foreign-key failure, as in MLflow. */
  setTag(traceId: string, key: string, value: string): void {
    const trace = this.traces.get(traceId);
    if (!trace) {
      throw foreignKeyFailure('trace_tags', '"key", value, request_id', [
        pyStrRepr(key),
        pyStrRepr(value),
        pyStrRepr(traceId),
      ]);
    }
    trace.tags.set(key, value);
  }

  /** DeleteTraceTag (v2 and v3). */
  deleteTag(traceId: string, key: string): void {
    const trace = this.traces.get(traceId);
    if (!trace || !trace.tags.has(key)) {
      throw MlflowError.notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
    }
    trace.tags.delete(key);
  }

  // ---------------------------------------------------------------- links

  /** LinkTracesToRun: remembers the association (trace infos are unchanged). */
  linkTracesToRun(traceIds: readonly string[], runId: string): void {
    if (traceIds.length > MAX_TRACES_TO_LINK) {
      throw MlflowError.invalidParameter(
        `Cannot link more than ${MAX_TRACES_TO_LINK} traces to a run in a single request. Provided ${traceIds.length} traces.`,
      );
    }
    const linked = this.runLinks.get(runId) ?? new Set<string>();
    for (const traceId of traceIds) linked.add(traceId);
    this.runLinks.set(runId, linked);
  }

  /** LinkPromptsToTrace: remembers the prompt versions (unknown prompts are accepted, as in MLflow). */
  linkPromptsToTrace(traceId: string, versions: readonly PromptVersionRef[]): void {
    const linked = this.promptLinks.get(traceId) ?? [];
    for (const version of versions) {
      if (!linked.some((item) => item.name === version.name && item.version === version.version)) linked.push(version);
    }
    this.promptLinks.set(traceId, linked);
  }

  // ---------------------------------------------------------------- deleting

  /** DeleteTraces (v2 and v3): by ids, or the oldest up to `maxTraces` before a timestamp; returns the count. */
  deleteTraces(request: {
    experimentId: string;
    traceIds: readonly string[];
    maxTimestampMillis: number | null;
    maxTraces: number | null;
  }): number {
    const hasIds = request.traceIds.length > 0;
    if (!hasIds && request.maxTimestampMillis === null) {
      throw MlflowError.invalidParameter('Either `max_timestamp_millis` or `request_ids` must be specified.');
    }
    if (hasIds && request.maxTimestampMillis !== null) {
      throw MlflowError.invalidParameter('Only one of `max_timestamp_millis` and `request_ids` can be specified.');
    }
    if (hasIds && request.maxTraces !== null) {
      throw MlflowError.invalidParameter("`max_traces` can't be specified if `request_ids` is specified.");
    }
    let doomed: TraceRecord[];
    if (hasIds) {
      const ids = new Set(request.traceIds);
      doomed = [...this.traces.values()].filter(
        (trace) => trace.experimentId === request.experimentId && ids.has(trace.traceId),
      );
    } else {
      const cutoff = request.maxTimestampMillis ?? 0;
      doomed = [...this.traces.values()]
        .filter((trace) => trace.experimentId === request.experimentId && trace.requestTimeMs <= cutoff)
        .sort((a, b) => a.requestTimeMs - b.requestTimeMs);
      if (request.maxTraces !== null) doomed = doomed.slice(0, request.maxTraces);
    }
    for (const trace of doomed) {
      this.traces.delete(trace.traceId);
      this.promptLinks.delete(trace.traceId);
      for (const linked of this.runLinks.values()) linked.delete(trace.traceId);
    }
    return doomed.length;
  }

  // ---------------------------------------------------------------- assessments

  /** CreateAssessment: an unknown trace is SQLite's foreign-key failure (with the row MLflow tried to insert). */
  createAssessment(traceId: string, input: AssessmentInput): AssessmentRecord {
    const assessmentId = `a-${this.options.random.hex(32)}`;
    const now = this.now();
    const trace = this.traces.get(traceId);
    if (!trace) {
      const error =
        input.error === null
          ? null
          : pyJsonDumps({ error_code: input.error.errorCode, error_message: input.error.errorMessage });
      const value =
        input.serializedValue !== null
          ? input.serializedValue.value
          : valueDumps(input.value === undefined ? null : input.value);
      throw foreignKeyFailure(
        'assessments',
        'assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp, source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata',
        [
          pyStrRepr(assessmentId),
          pyStrRepr(traceId),
          pyStrRepr(input.name),
          pyStrRepr(input.kind),
          pyStrRepr(value),
          pyOptional(error),
          String(now),
          String(now),
          pyOptional(input.source?.sourceType ?? null),
          pyOptional(input.source?.sourceId ?? null),
          pyOptional(input.runId),
          pyOptional(input.spanId),
          pyOptional(input.rationale),
          pyOptional(input.overrides),
          input.valid ? '1' : '0',
          pyOptional(input.metadata === null ? null : pyJsonDumps(Object.fromEntries(input.metadata))),
        ],
      );
    }
    if (input.overrides !== null) {
      const overridden = this.getAssessment(traceId, input.overrides);
      overridden.valid = false;
    }
    const assessment: AssessmentRecord = {
      assessmentId,
      name: input.name,
      traceId,
      spanId: input.spanId,
      source: input.source,
      createTimeMs: now,
      lastUpdateTimeMs: now,
      kind: input.kind,
      value: input.value,
      serializedValue: input.serializedValue,
      error: input.error,
      rationale: input.rationale,
      metadata: input.metadata === null ? null : new Map(input.metadata),
      valid: input.valid,
      overrides: input.overrides,
      runId: input.runId,
    };
    trace.assessments.push(assessment);
    return assessment;
  }

  /** GetAssessmentRequest: the assessment, or MLflow's 404. */
  getAssessment(traceId: string, assessmentId: string): AssessmentRecord {
    const assessment = this.traces.get(traceId)?.assessments.find((item) => item.assessmentId === assessmentId);
    if (!assessment) {
      throw MlflowError.notFound(`Assessment with ID '${assessmentId}' not found for trace '${traceId}'`);
    }
    return assessment;
  }

  /** UpdateAssessment: applies the masked fields and bumps the update time. */
  updateAssessment(traceId: string, assessmentId: string, update: AssessmentUpdate): AssessmentRecord {
    const assessment = this.getAssessment(traceId, assessmentId);
    if (update.feedback !== undefined && assessment.kind === 'expectation') {
      throw MlflowError.invalidParameter('Cannot update an expectation assessment with a feedback value.');
    }
    if (update.expectation !== undefined && assessment.kind === 'feedback') {
      throw MlflowError.invalidParameter('Cannot update a feedback assessment with an expectation value.');
    }
    if (update.name !== undefined) assessment.name = update.name;
    if (update.feedback !== undefined) {
      assessment.value = update.feedback.value;
      assessment.error = update.feedback.error;
    }
    if (update.expectation !== undefined) {
      assessment.value = update.expectation.value;
      assessment.serializedValue = update.expectation.serializedValue;
    }
    if (update.rationale !== undefined) assessment.rationale = update.rationale;
    if (update.metadata !== undefined) assessment.metadata = new Map(update.metadata);
    if (update.valid !== undefined) assessment.valid = update.valid;
    assessment.lastUpdateTimeMs = this.now();
    return assessment;
  }

  /** DeleteAssessment: idempotent (deleting twice, or an unknown id, answers 200 in MLflow). */
  deleteAssessment(traceId: string, assessmentId: string): void {
    const trace = this.traces.get(traceId);
    if (!trace) return;
    const index = trace.assessments.findIndex((item) => item.assessmentId === assessmentId);
    if (index >= 0) trace.assessments.splice(index, 1);
  }

  // ---------------------------------------------------------------- metrics

  /**
   * QueryTraceMetrics for the TRACES view without dimensions: `trace_count` (COUNT), `latency` (execution
   * time in ms) and the token counts of `mlflow.trace.tokenUsage`, over traces whose request time falls in
   * [start, end).
   */
  queryTraceMetrics(request: {
    experimentIds: readonly string[];
    metricName: string;
    aggregations: readonly MetricAggregation[];
    startTimeMs: number | null;
    endTimeMs: number | null;
    filter: string;
  }): Array<{ metricName: string; values: Record<string, number> }> {
    const experiments = new Set(request.experimentIds);
    const clauses = parseTraceFilter(request.filter);
    const traces = [...this.traces.values()].filter(
      (trace) =>
        experiments.has(trace.experimentId) &&
        (request.startTimeMs === null || trace.requestTimeMs >= request.startTimeMs) &&
        (request.endTimeMs === null || trace.requestTimeMs < request.endTimeMs) &&
        clauses.every((clause) => matchesTraceClause(trace, clause)),
    );
    if (traces.length === 0) return [];
    const samples = traces.flatMap((trace): number[] => {
      if (request.metricName === 'trace_count') return [1];
      if (request.metricName === 'latency')
        return trace.executionDurationMs === null ? [] : [trace.executionDurationMs];
      const usage = trace.metadata.get(TOKEN_USAGE_METADATA);
      if (usage === undefined) return [];
      const value = (JSON.parse(usage) as Record<string, unknown>)[request.metricName];
      return typeof value === 'number' ? [value] : [];
    });
    if (request.metricName !== 'trace_count' && samples.length === 0) return [];
    const values: Record<string, number> = {};
    for (const aggregation of request.aggregations) {
      switch (aggregation.type) {
        case 'COUNT':
          values['COUNT'] = samples.length;
          break;
        case 'SUM':
          values['SUM'] = samples.reduce((a, b) => a + b, 0);
          break;
        case 'AVG':
          values['AVG'] = samples.reduce((a, b) => a + b, 0) / samples.length;
          break;
        case 'MIN':
          values['MIN'] = Math.min(...samples);
          break;
        case 'MAX':
          values['MAX'] = Math.max(...samples);
          break;
      }
    }
    return [{ metricName: request.metricName, values }];
  }
}

function orderValue(trace: TraceRecord, clause: TraceOrderBy): string | number | null {
  if (clause.type === 'tag') return trace.tags.get(clause.key) ?? null;
  if (clause.type === 'metadata') return trace.metadata.get(clause.key) ?? null;
  return traceAttribute(trace, clause.key);
}

function compareTraces(a: TraceRecord, b: TraceRecord, orderBy: readonly TraceOrderBy[]): number {
  for (const clause of orderBy) {
    const left = orderValue(a, clause);
    const right = orderValue(b, clause);
    if (left === right) continue;
    // Missing values sort last whichever the direction.
    if (left === null) return 1;
    if (right === null) return -1;
    const order = left < right ? -1 : 1;
    return clause.ascending ? order : -order;
  }
  return 0;
}
