// MLflow 3's trace search grammar (SearchTraceUtils over the same sqlparse front as runs): AND-joined
// comparisons on trace attributes (`trace.status = 'OK'`, `timestamp_ms > 1700000000000`, `name LIKE 'pred%'`),
// tags (`tags.env = 'prod'`), metadata (`metadata.\`mlflow.user\` = 'alice'`), spans (`span.name = 'llm'`,
// `span.type = 'LLM'`, `span.attributes.model = 'gpt'`: some span of the trace matches) and assessments
// (`feedback.correctness = 'true'`, `expectation.expected_answer = '...'`). The recorded corpus pins the
// invalid-clause message; the others follow the runs grammar's wording.
import { MlflowError } from './MlflowError.js';
import { otlpValueToJs } from './otlpTraces.js';
import { pyJsonDumps } from './pyJson.js';
import {
  compareValues,
  parseOrderByString,
  parseStringList,
  quotedValue,
  splitStatement,
  stripQuotes,
  trimBackticks,
  type ClauseValue,
  type FilterToken,
} from './searchFilter.js';
import {
  SOURCE_RUN_METADATA,
  TRACE_NAME_TAG,
  type AssessmentRecord,
  type SpanRecord,
  type TraceRecord,
} from './traceRecords.js';

/** What a clause compares. */
export type TraceFilterType = 'attribute' | 'tag' | 'metadata' | 'span' | 'feedback' | 'expectation';

/** One parsed clause of a trace filter. */
export interface TraceFilterClause {
  readonly type: TraceFilterType;
  readonly key: string;
  readonly comparator: string;
  readonly value: ClauseValue;
}

/** A parsed order_by clause. */
export interface TraceOrderBy {
  readonly type: 'attribute' | 'tag' | 'metadata';
  readonly key: string;
  readonly ascending: boolean;
}

const ENTITY_TYPES: Readonly<Record<string, TraceFilterType>> = {
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  trace: 'attribute',
  tag: 'tag',
  tags: 'tag',
  metadata: 'metadata',
  request_metadata: 'metadata',
  span: 'span',
  feedback: 'feedback',
  expectation: 'expectation',
};
const ENTITY_TYPES_TEXT = "['attribute', 'tag', 'metadata', 'span', 'feedback', 'expectation']";

/** Attribute aliases both filters and order_by know → the attribute they name. */
const COMMON_ATTRIBUTES: Readonly<Record<string, string>> = {
  request_id: 'trace_id',
  trace_id: 'trace_id',
  timestamp: 'timestamp_ms',
  timestamp_ms: 'timestamp_ms',
  execution_time: 'execution_time_ms',
  execution_time_ms: 'execution_time_ms',
  status: 'state',
  state: 'state',
  name: 'name',
  run_id: 'run_id',
  client_request_id: 'client_request_id',
};
/** Filterable attributes. */
const ATTRIBUTES: Readonly<Record<string, string>> = {
  ...COMMON_ATTRIBUTES,
  end_time: 'end_time_ms',
  end_time_ms: 'end_time_ms',
  request_preview: 'request_preview',
  response_preview: 'response_preview',
  text: 'text',
};
/** Orderable attributes. */
const ORDER_ATTRIBUTES: Readonly<Record<string, string>> = { experiment_id: 'experiment_id', ...COMMON_ATTRIBUTES };
const ATTRIBUTES_TEXT = `{${Object.keys(ATTRIBUTES)
  .map((key) => `'${key}'`)
  .join(', ')}}`;
const NUMERIC_ATTRIBUTES = new Set(['timestamp_ms', 'execution_time_ms', 'end_time_ms']);
const SPAN_KEYS = new Set(['name', 'type', 'status']);

const NUMERIC_COMPARATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const STRING_COMPARATORS = new Set(['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);
const TAG_COMPARATORS = new Set(['=', '!=', 'LIKE', 'ILIKE']);
const TEXT_COMPARATORS = new Set(['LIKE', 'ILIKE']);
const ASSESSMENT_COMPARATORS = new Set(['=', '!=']);

function setText(values: ReadonlySet<string>): string {
  return `{${[...values].map((value) => `'${value}'`).join(', ')}}`;
}

function splitIdentifier(text: string): { entity: string; key: string } {
  const dot = text.indexOf('.');
  if (dot < 0) return { entity: 'attribute', key: text };
  return { entity: trimBackticks(text.slice(0, dot)), key: text.slice(dot + 1) };
}

function identifier(text: string): { type: TraceFilterType; key: string } {
  const { entity, key: rawKey } = splitIdentifier(text);
  const type = ENTITY_TYPES[entity];
  if (type === undefined) {
    throw MlflowError.invalidParameter(`Invalid entity type '${entity}'. Valid values are ${ENTITY_TYPES_TEXT}`);
  }
  if (type === 'span') {
    // `span.attributes.<key>` keeps the rest of the dotted name as the attribute key.
    const attributes = /^attributes\.(.+)$/.exec(rawKey);
    if (attributes?.[1] !== undefined) return { type, key: `attributes.${trimBackticks(attributes[1])}` };
    const key = trimBackticks(rawKey);
    if (!SPAN_KEYS.has(key)) {
      throw MlflowError.invalidParameter(
        `Invalid span key '${key}' specified. Valid keys are '{'name', 'type', 'status', 'attributes.<key>'}'`,
      );
    }
    return { type, key };
  }
  const key = trimBackticks(stripQuotes(rawKey, false));
  if (type === 'attribute') {
    const attribute = ATTRIBUTES[key];
    if (attribute === undefined) {
      throw MlflowError.invalidParameter(
        `Invalid attribute key '${key}' specified. Valid keys are '${ATTRIBUTES_TEXT}'`,
      );
    }
    return { type, key: attribute };
  }
  return { type, key };
}

function clauseValue(type: TraceFilterType, key: string, token: FilterToken): ClauseValue {
  const numeric = token.kind === 'int' || token.kind === 'float';
  if (type === 'attribute' && NUMERIC_ATTRIBUTES.has(key)) {
    if (!numeric) {
      throw MlflowError.invalidParameter(
        `Expected numeric value type for numeric attribute: ${key}. Found ${token.text}`,
      );
    }
    return Number(token.text);
  }
  const quoted = quotedValue(token);
  if (quoted !== null) return quoted;
  if (type === 'attribute' && token.kind === 'paren') return parseStringList(token);
  if ((type === 'feedback' || type === 'expectation') && numeric) return token.text;
  throw MlflowError.invalidParameter(
    `Expected a quoted string value for ${type === 'attribute' ? 'attributes' : type} (e.g. 'my-value'). Got value ${token.text}`,
  );
}

function allowedComparators(clause: { type: TraceFilterType; key: string }): ReadonlySet<string> {
  switch (clause.type) {
    case 'attribute':
      if (NUMERIC_ATTRIBUTES.has(clause.key)) return NUMERIC_COMPARATORS;
      return clause.key === 'text' ? TEXT_COMPARATORS : STRING_COMPARATORS;
    case 'tag':
    case 'metadata':
    case 'span':
      return TAG_COMPARATORS;
    case 'feedback':
    case 'expectation':
      return ASSESSMENT_COMPARATORS;
  }
}

/** Parses a traces/search filter (empty → no clauses), with MLflow's INVALID_PARAMETER_VALUE errors. */
export function parseTraceFilter(filter: string | undefined): TraceFilterClause[] {
  if (!filter) return [];
  return splitStatement(filter, 'runs').map((comparison) => {
    const { type, key } = identifier(comparison.left.text);
    const comparator = comparison.op.toUpperCase();
    const allowed = allowedComparators({ type, key });
    if (!allowed.has(comparator)) {
      throw MlflowError.invalidParameter(`Invalid comparator '${comparator}' not one of '${setText(allowed)}'`);
    }
    return { type, key, comparator, value: clauseValue(type, key, comparison.right) };
  });
}

/** `SearchTraceUtils.parse_order_by_for_search_traces`: attributes, tags and metadata. */
export function parseTraceOrderBy(orderBy: string): TraceOrderBy {
  const { key: text, ascending } = parseOrderByString(orderBy);
  const { entity, key: rawKey } = splitIdentifier(text);
  const type = ENTITY_TYPES[entity];
  const key = trimBackticks(stripQuotes(rawKey, false));
  if (type === 'attribute') {
    const attribute = ORDER_ATTRIBUTES[key];
    if (attribute === undefined) {
      throw MlflowError.invalidParameter(
        `Invalid order_by attribute key '${key}' specified. Valid keys are '${setText(new Set(Object.keys(ORDER_ATTRIBUTES)))}'`,
      );
    }
    return { type, key: attribute, ascending };
  }
  if (type === 'tag' || type === 'metadata') return { type, key, ascending };
  throw MlflowError.invalidParameter(`Invalid order_by entity type '${entity}'`);
}

/** An attribute's value on a trace (null when the trace has none), for filters and ordering. */
export function traceAttribute(trace: TraceRecord, key: string): string | number | null {
  switch (key) {
    case 'trace_id':
      return trace.traceId;
    case 'experiment_id':
      return trace.experimentId;
    case 'timestamp_ms':
      return trace.requestTimeMs;
    case 'execution_time_ms':
      return trace.executionDurationMs;
    case 'end_time_ms':
      return trace.executionDurationMs === null ? null : trace.requestTimeMs + trace.executionDurationMs;
    case 'state':
      return trace.state;
    case 'name':
      return trace.tags.get(TRACE_NAME_TAG) ?? null;
    case 'run_id':
      return trace.metadata.get(SOURCE_RUN_METADATA) ?? null;
    case 'client_request_id':
      return trace.clientRequestId;
    case 'request_preview':
      return trace.requestPreview;
    case 'response_preview':
      return trace.responsePreview;
    default:
      return null;
  }
}

function attributeText(span: SpanRecord, key: string): string | null {
  const attribute = span.attributes.find((item) => item.key === key);
  if (!attribute) return null;
  const value = otlpValueToJs(attribute.value);
  return typeof value === 'string' ? value : pyJsonDumps(value, { ensureAscii: false });
}

const SPAN_STATUS = ['UNSET', 'OK', 'ERROR'] as const;

function spanValue(span: SpanRecord, key: string): string | null {
  if (key === 'name') return span.name;
  if (key === 'type') return attributeText(span, 'mlflow.spanType');
  if (key === 'status') return SPAN_STATUS[span.status.code];
  return attributeText(span, key.slice('attributes.'.length));
}

function assessmentValueText(assessment: AssessmentRecord): string {
  if (typeof assessment.value === 'string') return assessment.value;
  return pyJsonDumps(assessment.value, { ensureAscii: false });
}

function textMatches(trace: TraceRecord, comparator: string, pattern: ClauseValue): boolean {
  const texts = [trace.requestPreview, trace.responsePreview];
  for (const span of trace.spans) {
    texts.push(span.name, attributeText(span, 'mlflow.spanInputs'), attributeText(span, 'mlflow.spanOutputs'));
  }
  // `trace.text LIKE '%x%'` is a containment search over the trace's content.
  return texts.some((text) => text !== null && compareValues(text, comparator, pattern));
}

/** Whether a trace satisfies one clause. */
export function matchesTraceClause(trace: TraceRecord, clause: TraceFilterClause): boolean {
  const { comparator, value } = clause;
  switch (clause.type) {
    case 'attribute':
      if (clause.key === 'text') return textMatches(trace, comparator, value);
      return compareValues(traceAttribute(trace, clause.key), comparator, value);
    case 'tag':
      return compareValues(trace.tags.get(clause.key), comparator, value);
    case 'metadata':
      return compareValues(trace.metadata.get(clause.key), comparator, value);
    case 'span':
      return trace.spans.some((span) => compareValues(spanValue(span, clause.key), comparator, value));
    case 'feedback':
    case 'expectation':
      return trace.assessments.some(
        (assessment) =>
          assessment.valid &&
          assessment.kind === clause.type &&
          assessment.name === clause.key &&
          compareValues(assessmentValueText(assessment), comparator, value),
      );
  }
}
