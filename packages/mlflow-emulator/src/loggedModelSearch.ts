// MLflow 3's `logged-models/search` grammar: an AND-joined filter over attributes, `metrics.`, `params.` and `tags.`,
// structured `order_by` entries (`{field_name, ascending, dataset_name, dataset_digest}`), and page tokens that carry
// the whole query (base64 of Python's json.dumps of experiment ids, filter, order and offset), as recorded.
import { MlflowError } from './MlflowError.js';
import { LOGGED_MODEL_STATUSES, type LoggedModelMetric, type LoggedModelRecord } from './records.js';
import { andedComparisons, compareValues, type ClauseValue, type FilterToken } from './searchFilter.js';
import { pyJsonDumps } from './pyRepr.js';

/** One comparison of a logged-model filter. */
export interface LoggedModelClause {
  readonly type: 'attribute' | 'metric' | 'param' | 'tag';
  readonly key: string;
  readonly comparator: string;
  readonly value: ClauseValue;
}

/** One `order_by` entry of a logged-model search. */
export interface LoggedModelOrder {
  readonly fieldName: string;
  readonly ascending: boolean;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** A dataset a search restricts metrics to. */
export interface DatasetRef {
  readonly datasetName: string;
  readonly datasetDigest?: string;
}

/** Attribute names a filter or order may use, with the record field behind each. */
const ATTRIBUTES: Readonly<Record<string, (model: LoggedModelRecord) => string | number>> = {
  name: (model) => model.name,
  model_id: (model) => model.modelId,
  model_type: (model) => model.modelType,
  source_run_id: (model) => model.sourceRunId,
  experiment_id: (model) => Number(model.experimentId),
  creation_time: (model) => model.creationTimestampMs,
  creation_timestamp: (model) => model.creationTimestampMs,
  creation_timestamp_ms: (model) => model.creationTimestampMs,
  last_updated_timestamp: (model) => model.lastUpdatedTimestampMs,
  last_updated_timestamp_ms: (model) => model.lastUpdatedTimestampMs,
  // The status column is the proto enum's number: a filter such as `status = 'LOGGED_MODEL_READY'` compares a
  // number with text and matches nothing (recorded, corpus seq 107), while `status = 2` matches READY models.
  status: (model) => LOGGED_MODEL_STATUSES.indexOf(model.status),
};

const PREFIXES: Readonly<Record<string, LoggedModelClause['type']>> = {
  attributes: 'attribute',
  attribute: 'attribute',
  metrics: 'metric',
  metric: 'metric',
  params: 'param',
  param: 'param',
  tags: 'tag',
  tag: 'tag',
};

function invalidFilter(filter: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid filter string: '${filter}'. Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').`,
  );
}

function unquote(text: string): string {
  const first = text[0];
  if (text.length >= 2 && (first === '`' || first === '"' || first === "'") && text.endsWith(first)) {
    return text.slice(1, -1);
  }
  return text;
}

function identifier(text: string): { type: LoggedModelClause['type']; key: string } | null {
  const dot = text.indexOf('.');
  const prefix = dot < 0 ? undefined : PREFIXES[text.slice(0, dot)];
  if (prefix) return { type: prefix, key: unquote(text.slice(dot + 1)) };
  const key = unquote(text);
  return key in ATTRIBUTES ? { type: 'attribute', key } : null;
}

function literal(token: FilterToken): ClauseValue | null {
  if (token.kind === 'string') return token.text.slice(1, -1).replace(/''/g, "'");
  if (token.kind === 'int' || token.kind === 'float') return Number(token.text);
  if (token.kind === 'paren') {
    const items = (token.items ?? []).filter((item) => item.kind !== 'ws' && item.text !== ',');
    if (items.length === 0 || !items.every((item) => item.kind === 'string')) return null;
    return items.map((item) => item.text.slice(1, -1));
  }
  return null;
}

/** Parses a logged-model filter (empty: no clauses); any other shape is MLflow's 400. */
export function parseLoggedModelFilter(filter: string): LoggedModelClause[] {
  if (filter.trim() === '') return [];
  const comparisons = andedComparisons(filter);
  if (!comparisons || comparisons.length === 0) throw invalidFilter(filter);
  return comparisons.map((comparison) => {
    const id = identifier(comparison.left.text);
    const value = literal(comparison.right);
    if (!id || value === null) throw invalidFilter(filter);
    return { type: id.type, key: id.key, comparator: comparison.op.toUpperCase(), value };
  });
}

/** The metrics of a model a search considers: all, or those computed on one of the given datasets. */
export function metricsOn(model: LoggedModelRecord, datasets: readonly DatasetRef[]): LoggedModelMetric[] {
  if (datasets.length === 0) return model.metrics;
  return model.metrics.filter((metric) =>
    datasets.some(
      (dataset) =>
        metric.datasetName === dataset.datasetName &&
        (dataset.datasetDigest === undefined || metric.datasetDigest === dataset.datasetDigest),
    ),
  );
}

/** The latest value of a metric (highest step, then timestamp) among the given rows. */
function latestValue(metrics: readonly LoggedModelMetric[], key: string): number | undefined {
  let latest: LoggedModelMetric | undefined;
  for (const metric of metrics) {
    if (metric.key !== key) continue;
    if (!latest || metric.step > latest.step || (metric.step === latest.step && metric.timestamp > latest.timestamp))
      latest = metric;
  }
  return latest?.value;
}

/** SQLite's comparison of an INTEGER column with a literal: text that is no number sorts after every number. */
function compareNumberColumn(lhs: number, comparator: string, value: ClauseValue): boolean {
  if (typeof value === 'number') return compareValues(lhs, comparator, value);
  if (typeof value === 'string' && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(value)) {
    return compareValues(lhs, comparator, Number(value));
  }
  if (Array.isArray(value)) return compareValues(String(lhs), comparator, value);
  return comparator === '!=' || comparator === '<' || comparator === '<=';
}

/** Whether a model satisfies one clause. */
export function matchesClause(
  model: LoggedModelRecord,
  clause: LoggedModelClause,
  datasets: readonly DatasetRef[],
): boolean {
  switch (clause.type) {
    case 'metric':
      // A join on the metrics table: any row of the key (on the given datasets) that satisfies the comparison.
      return metricsOn(model, datasets).some(
        (metric) => metric.key === clause.key && compareValues(metric.value, clause.comparator, clause.value),
      );
    case 'param':
      return compareValues(model.params.get(clause.key), clause.comparator, clause.value);
    case 'tag':
      return compareValues(model.tags.get(clause.key), clause.comparator, clause.value);
    case 'attribute': {
      const lhs = ATTRIBUTES[clause.key]?.(model);
      if (typeof lhs === 'number') return compareNumberColumn(lhs, clause.comparator, clause.value);
      return compareValues(lhs, clause.comparator, clause.value);
    }
  }
}

/** Checks an order_by entry's field (attribute or `metrics.<key>`). */
export function validateOrder(order: LoggedModelOrder): void {
  if (order.fieldName.startsWith('metrics.') && order.fieldName.length > 'metrics.'.length) return;
  if (order.fieldName in ATTRIBUTES) return;
  throw MlflowError.invalidParameter(`Invalid order by field name: ${order.fieldName}`);
}

/** The sort key of a model for one order entry (undefined sorts last either way, as SQL NULLs do here). */
export function orderValue(model: LoggedModelRecord, order: LoggedModelOrder): string | number | undefined {
  if (order.fieldName.startsWith('metrics.')) {
    const datasets: DatasetRef[] =
      order.datasetName === undefined
        ? []
        : [{ datasetName: order.datasetName, ...(order.datasetDigest ? { datasetDigest: order.datasetDigest } : {}) }];
    return latestValue(metricsOn(model, datasets), order.fieldName.slice('metrics.'.length));
  }
  return ATTRIBUTES[order.fieldName]?.(model);
}

/** What a page token carries: the query it continues and where. */
export interface LoggedModelPageState {
  readonly experimentIds: readonly string[];
  readonly filter: string;
  readonly orderBy: readonly LoggedModelOrder[];
  readonly offset: number;
}

/** The token for the next page, as MLflow 3 writes it (the query itself, so the next page repeats it). */
export function createLoggedModelPageToken(state: LoggedModelPageState): string {
  const payload = {
    experiment_ids: state.experimentIds,
    filter_string: state.filter === '' ? null : state.filter,
    order_by:
      state.orderBy.length === 0
        ? null
        : state.orderBy.map((order) => ({
            field_name: order.fieldName,
            ascending: order.ascending,
            dataset_name: order.datasetName ?? null,
            dataset_digest: order.datasetDigest ?? null,
          })),
    offset: state.offset,
  };
  return Buffer.from(pyJsonDumps(payload), 'utf8').toString('base64');
}

/** The offset a logged-model page token continues from (an unreadable token is a 400). */
export function parseLoggedModelPageToken(token: string): number {
  if (token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token: ${token}`);
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw MlflowError.invalidParameter(`Invalid page token: ${token}`);
  }
  return offset;
}
