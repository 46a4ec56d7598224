// The search grammar of MLflow 2.12 (mlflow/utils/search_utils.py over sqlparse), reduced to what it
// accepts in practice: AND-joined comparisons `<identifier> <op> <value>`, where op is a comparison
// operator, LIKE, ILIKE, IN or NOT IN and value a quoted string, a number or a parenthesised list.
// Error texts are MLflow's; where MLflow prints a Python set, the order is the one the corpus shows.
import { MlflowError } from './MlflowError.js';

type TokenKind = 'ws' | 'string' | 'int' | 'float' | 'ident' | 'keyword' | 'op' | 'paren' | 'punct';

/** A lexical token of a filter string; `items` holds the inside of a parenthesis. */
export interface FilterToken {
  readonly kind: TokenKind;
  readonly text: string;
  readonly items?: readonly FilterToken[];
}

/** A grouped comparison, before the entity-specific interpretation. */
export interface RawComparison {
  readonly kind: 'comparison';
  readonly left: FilterToken;
  readonly op: string;
  readonly right: FilterToken;
  readonly text: string;
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ILIKE',
  'IS',
  'NULL',
  'BETWEEN',
  'EXISTS',
  'TRUE',
  'FALSE',
]);

function readQuoted(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (source[i + 1] === quote && quote === "'") {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return -1;
}

function tokenizeRange(source: string, start: number, stopAtParen: boolean): { tokens: FilterToken[]; end: number } {
  const tokens: FilterToken[] = [];
  let i = start;
  const lastSignificant = (): FilterToken | undefined => {
    for (let j = tokens.length - 1; j >= 0; j -= 1) {
      const token = tokens[j];
      if (token && token.kind !== 'ws') return token;
    }
    return undefined;
  };
  while (i < source.length) {
    const ch = source[i] ?? '';
    const rest = source.slice(i);
    if (/\s/.test(ch)) {
      const match = /^\s+/.exec(rest);
      const text = match ? match[0] : ch;
      tokens.push({ kind: 'ws', text });
      i += text.length;
      continue;
    }
    if (ch === ')' && stopAtParen) return { tokens, end: i + 1 };
    if (ch === '(') {
      const inner = tokenizeRange(source, i + 1, true);
      const text = source.slice(i, inner.end);
      tokens.push({ kind: 'paren', text, items: inner.tokens });
      i = inner.end;
      continue;
    }
    if (ch === "'") {
      const end = readQuoted(source, i, "'");
      if (end < 0) {
        tokens.push({ kind: 'punct', text: rest });
        return { tokens, end: source.length };
      }
      tokens.push({ kind: 'string', text: source.slice(i, end) });
      i = end;
      continue;
    }
    const previous = lastSignificant();
    const numberPrefix = ch === '-' && previous?.kind === 'op' ? '-' : '';
    const numberSource = rest.slice(numberPrefix.length);
    const floatMatch = /^(\d+\.\d*|\.\d+)([eE][-+]?\d+)?(?![\w$])|^\d+[eE][-+]?\d+(?![\w$])/.exec(numberSource);
    if ((numberPrefix || /[\d.]/.test(ch)) && floatMatch) {
      const text = numberPrefix + floatMatch[0];
      tokens.push({ kind: 'float', text });
      i += text.length;
      continue;
    }
    const intMatch = /^\d+(?![\w$.])/.exec(numberSource);
    if ((numberPrefix || /\d/.test(ch)) && intMatch) {
      const text = numberPrefix + intMatch[0];
      tokens.push({ kind: 'int', text });
      i += text.length;
      continue;
    }
    if (/[<>=!~]/.test(ch)) {
      const match = /^[<>=!~]+/.exec(rest);
      const text = match ? match[0] : ch;
      tokens.push({ kind: 'op', text });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_`"\d]/.test(ch) || (ch.codePointAt(0) ?? 0) > 0x7f) {
      // An identifier: name parts joined by dots; a part may be `backticked` or "double quoted".
      let j = i;
      let ok = true;
      for (;;) {
        const c = source[j];
        if (c === '`' || c === '"') {
          const end = readQuoted(source, j, c);
          if (end < 0) {
            ok = false;
            break;
          }
          j = end;
        } else {
          const match = /^[\p{L}\p{N}_$]+/u.exec(source.slice(j));
          if (!match) {
            ok = false;
            break;
          }
          j += match[0].length;
        }
        if (source[j] === '.' && j + 1 < source.length && /[\p{L}\p{N}_$`"]/u.test(source[j + 1] ?? '')) {
          j += 1;
          continue;
        }
        break;
      }
      if (!ok || j === i) {
        tokens.push({ kind: 'punct', text: ch });
        i += 1;
        continue;
      }
      const text = source.slice(i, j);
      const upper = text.toUpperCase();
      tokens.push({ kind: KEYWORDS.has(upper) && !text.includes('.') ? 'keyword' : 'ident', text });
      i = j;
      continue;
    }
    tokens.push({ kind: 'punct', text: ch });
    i += 1;
  }
  return { tokens, end: i };
}

/** Splits a filter string into tokens (whitespace kept, parentheses nested). */
export function tokenizeFilter(source: string): FilterToken[] {
  return tokenizeRange(source, 0, false).tokens;
}

function isValueToken(token: FilterToken | undefined): token is FilterToken {
  return token !== undefined && ['string', 'int', 'float', 'ident', 'paren'].includes(token.kind);
}

/** Groups tokens into comparisons (the `Comparison` nodes sqlparse builds), leaving others as they are. */
function groupComparisons(tokens: readonly FilterToken[]): Array<RawComparison | FilterToken> {
  const significant = tokens.filter((token) => token.kind !== 'ws');
  const out: Array<RawComparison | FilterToken> = [];
  let i = 0;
  while (i < significant.length) {
    const left = significant[i];
    if (left === undefined) break;
    if (left.kind === 'ident') {
      const second = significant[i + 1];
      const third = significant[i + 2];
      const fourth = significant[i + 3];
      const upper2 = second?.text.toUpperCase();
      if (second?.kind === 'op' && isValueToken(third)) {
        out.push({
          kind: 'comparison',
          left,
          op: second.text,
          right: third,
          text: `${left.text} ${second.text} ${third.text}`,
        });
        i += 3;
        continue;
      }
      if (second?.kind === 'keyword' && (upper2 === 'LIKE' || upper2 === 'ILIKE') && isValueToken(third)) {
        out.push({
          kind: 'comparison',
          left,
          op: second.text,
          right: third,
          text: `${left.text} ${second.text} ${third.text}`,
        });
        i += 3;
        continue;
      }
      if (second?.kind === 'keyword' && upper2 === 'IN' && third?.kind === 'paren') {
        out.push({ kind: 'comparison', left, op: 'IN', right: third, text: `${left.text} IN ${third.text}` });
        i += 3;
        continue;
      }
      if (
        second?.kind === 'keyword' &&
        upper2 === 'NOT' &&
        third?.kind === 'keyword' &&
        third.text.toUpperCase() === 'IN' &&
        fourth?.kind === 'paren'
      ) {
        out.push({ kind: 'comparison', left, op: 'NOT IN', right: fourth, text: `${left.text} NOT IN ${fourth.text}` });
        i += 4;
        continue;
      }
    }
    out.push(left);
    i += 1;
  }
  return out;
}

function hasSecondStatement(source: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < source.length; i += 1) {
    const ch = source[i];
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === ';' && source.slice(i + 1).trim() !== '') return true;
  }
  return false;
}

/** How invalid clauses are quoted in the error (runs-style `'a', 'b'` or registry-style `a, b`). */
export type Dialect = 'runs' | 'registry';

/** Splits an AND-joined filter into comparisons, with MLflow's errors for what is not one. */
export function splitStatement(filter: string, dialect: Dialect): RawComparison[] {
  if (hasSecondStatement(filter)) {
    throw MlflowError.invalidParameter(
      `Search filter contained multiple expression '${filter}'. Provide AND-ed expression list.`,
    );
  }
  const grouped = groupComparisons(tokenizeFilter(filter));
  const invalid = grouped.filter(
    (item): item is FilterToken =>
      item.kind !== 'comparison' && !(item.kind === 'keyword' && item.text.toUpperCase() === 'AND'),
  );
  if (invalid.length > 0) {
    const clauses =
      dialect === 'runs'
        ? invalid.map((token) => `'${token.text}'`).join(', ')
        : invalid.map((token) => token.text).join(', ');
    throw MlflowError.invalidParameter(`Invalid clause(s) in filter string: ${clauses}`);
  }
  return grouped.filter((item): item is RawComparison => item.kind === 'comparison');
}

/**
 * The comparisons of an AND-joined filter, or null when anything else is in it (no error of its own: MLflow 3's
 * newer parsers, e.g. logged models', word their refusal themselves).
 */
export function andedComparisons(filter: string): RawComparison[] | null {
  if (hasSecondStatement(filter)) return null;
  const grouped = groupComparisons(tokenizeFilter(filter));
  const ok = grouped.every(
    (item) => item.kind === 'comparison' || (item.kind === 'keyword' && item.text.toUpperCase() === 'AND'),
  );
  return ok ? grouped.filter((item): item is RawComparison => item.kind === 'comparison') : null;
}

function isQuoted(value: string, quote: string): boolean {
  return value.length >= 2 && value.startsWith(quote) && value.endsWith(quote);
}

/** Drops the backticks around an identifier part. */
export function trimBackticks(value: string): string {
  return isQuoted(value, '`') ? value.slice(1, -1) : value;
}

/** `SearchUtils._strip_quotes`. */
export function stripQuotes(value: string, expectQuoted: boolean): string {
  if (isQuoted(value, "'") || isQuoted(value, '"')) return value.slice(1, -1);
  if (expectQuoted) {
    throw MlflowError.invalidParameter(
      `Parameter value is either not quoted or unidentified quote types used for string value ${value}. Use either single or double quotes.`,
    );
  }
  return value;
}

/** `SearchUtils._parse_run_ids`: a parenthesised list of quoted strings, lower-case ids only. */
export function parseStringList(token: FilterToken): string[] {
  const inner = (token.items ?? []).filter((item) => item.kind !== 'ws');
  if (inner.length === 0) {
    throw MlflowError.invalidParameter(
      'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
    );
  }
  if (!inner.every((item) => item.kind === 'string' || (item.kind === 'punct' && item.text === ','))) {
    throw MlflowError.invalidParameter(
      `While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${token.text}`,
    );
  }
  const values: string[] = [];
  let expectValue = true;
  for (const item of inner) {
    if (expectValue !== (item.kind === 'string')) {
      throw MlflowError.invalidParameter(
        'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.',
      );
    }
    if (item.kind === 'string') values.push(item.text.slice(1, -1).replace(/''/g, "'"));
    expectValue = !expectValue;
  }
  return values;
}

/** Python's `str.islower()`: at least one cased character and no upper-case one. */
function pyIsLower(value: string): boolean {
  return value !== value.toUpperCase() && value === value.toLowerCase();
}

/** The value side of a parsed clause. */
export type ClauseValue = string | number | readonly string[];

/** A clause of a runs/search filter, as `SearchUtils.parse_search_filter` returns it. */
export interface RunFilterClause {
  readonly type: 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';
  readonly key: string;
  readonly comparator: string;
  readonly value: ClauseValue;
}

const RUN_ENTITY_TYPES: Readonly<Record<string, RunFilterClause['type']>> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'parameter',
  parameters: 'parameter',
  param: 'parameter',
  params: 'parameter',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attr: 'attribute',
  attributes: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

/** Searchable run attributes (RunInfo.get_searchable_attributes plus MLflow's aliases). */
export const RUN_SEARCH_ATTRIBUTES = new Set([
  'run_id',
  'run_name',
  'status',
  'user_id',
  'artifact_uri',
  'start_time',
  'end_time',
  'created',
  'Created',
  'run name',
  'Run name',
  'Run Name',
]);
const RUN_SEARCH_ATTRIBUTES_TEXT =
  "{'start_time', 'run_name', 'artifact_uri', 'Run Name', 'created', 'Created', 'user_id', 'end_time', 'run_id', 'status', 'Run name', 'run name'}";
/** Orderable run attributes (RunInfo.get_orderable_attributes plus aliases). */
export const RUN_ORDER_ATTRIBUTES = new Set([
  'run_id',
  'experiment_id',
  'run_name',
  'status',
  'user_id',
  'artifact_uri',
  'start_time',
  'end_time',
  'created',
  'Created',
]);
const RUN_ORDER_ATTRIBUTES_TEXT =
  "{'run_name', 'created', 'Created', 'end_time', 'artifact_uri', 'status', 'start_time', 'run_id', 'user_id', 'experiment_id'}";
/** Run attributes compared as numbers. */
export const RUN_NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time', 'created', 'Created']);
const DATASET_ATTRIBUTES = new Set(['name', 'digest', 'context']);

/** Python set reprs as MLflow 2.12 printed them in the recorded corpus. */
export const METRIC_COMPARATORS_TEXT = "{'<', '>', '>=', '=', '<=', '!='}";
export const STRING_ATTRIBUTE_COMPARATORS_TEXT = "{'IN', 'ILIKE', '!=', 'NOT IN', '=', 'LIKE'}";
const PARAM_COMPARATORS_TEXT = "{'ILIKE', '!=', '=', 'LIKE'}";
const METRIC_COMPARATORS = new Set(['>', '>=', '!=', '=', '<', '<=']);
const PARAM_TAG_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE']);
const STRING_ATTRIBUTE_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);

function runIdentifier(
  text: string,
  validAttributes: ReadonlySet<string>,
  validText: string,
): { type: RunFilterClause['type']; key: string } {
  const dot = text.indexOf('.');
  let entity = 'attribute';
  let key = text;
  if (dot >= 0) {
    entity = text.slice(0, dot);
    key = text.slice(dot + 1);
  }
  const trimmedEntity = trimBackticks(entity);
  const type = RUN_ENTITY_TYPES[trimmedEntity];
  if (type === undefined) {
    throw MlflowError.invalidParameter(
      `Invalid entity type '${trimmedEntity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`,
    );
  }
  key = trimBackticks(stripQuotes(key, false));
  if (type === 'attribute' && !validAttributes.has(key)) {
    throw MlflowError.invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${validText}'`);
  }
  if (type === 'dataset' && !DATASET_ATTRIBUTES.has(key)) {
    throw MlflowError.invalidParameter(
      `Invalid dataset key '${key}' specified. Valid keys are '{'name', 'digest', 'context'}'`,
    );
  }
  return { type, key };
}

/** A quoted value's text without its quotes, or null when the token is not a quoted value. */
export function quotedValue(token: FilterToken): string | null {
  if (token.kind === 'string' || token.kind === 'ident') return stripQuotes(token.text, true);
  return null;
}

function runValue(type: RunFilterClause['type'], key: string, token: FilterToken): ClauseValue {
  const numeric = token.kind === 'int' || token.kind === 'float';
  switch (type) {
    case 'metric':
      if (!numeric) throw MlflowError.invalidParameter(`Expected numeric value type for metric. Found ${token.text}`);
      return Number(token.text);
    case 'parameter':
    case 'tag': {
      const value = quotedValue(token);
      if (value === null) {
        throw MlflowError.invalidParameter(
          `Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${token.text}`,
        );
      }
      return value;
    }
    case 'attribute': {
      if (RUN_NUMERIC_ATTRIBUTES.has(key)) {
        if (!numeric) {
          throw MlflowError.invalidParameter(
            `Expected numeric value type for numeric attribute: ${key}. Found ${token.text}`,
          );
        }
        return Number(token.text);
      }
      const value = quotedValue(token);
      if (value !== null) return value;
      if (token.kind === 'paren') {
        if (key !== 'run_id') {
          throw MlflowError.invalidParameter(
            "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
          );
        }
        return parseStringList(token).filter(pyIsLower);
      }
      throw MlflowError.invalidParameter(`Expected a quoted string value for attributes. Got value ${token.text}`);
    }
    case 'dataset': {
      const value = quotedValue(token);
      if (value !== null) return value;
      if (token.kind === 'paren') return parseStringList(token);
      throw MlflowError.invalidParameter(
        `Expected a quoted string value for dataset attributes. Got value ${token.text}`,
      );
    }
  }
}

/** Parses a runs/search filter (`SearchUtils.parse_search_filter`); comparators are checked apart. */
export function parseRunsFilter(filter: string | undefined): RunFilterClause[] {
  if (!filter) return [];
  return splitStatement(filter, 'runs').map((comparison): RunFilterClause => {
    const { type, key } = runIdentifier(comparison.left.text, RUN_SEARCH_ATTRIBUTES, RUN_SEARCH_ATTRIBUTES_TEXT);
    const value = runValue(type, key, comparison.right);
    return { type, key, comparator: comparison.op.toUpperCase(), value };
  });
}

/**
 * The comparator checks SqlAlchemyStore applies while building SQL (after order_by is parsed): bad
 * metric and param comparators are INVALID_PARAMETER_VALUE (400); bad tag and attribute comparators
 * raise an MlflowException without a code, which MLflow reports as INTERNAL_ERROR (500).
 */
export function checkRunsFilterComparators(clauses: readonly RunFilterClause[]): void {
  for (const clause of clauses) {
    const { comparator } = clause;
    if (clause.type === 'metric' && !METRIC_COMPARATORS.has(comparator)) {
      throw MlflowError.invalidParameter(`Invalid comparator '${comparator}' not one of '${METRIC_COMPARATORS_TEXT}`);
    }
    if (clause.type === 'parameter' && !PARAM_TAG_COMPARATORS.has(comparator)) {
      throw MlflowError.invalidParameter(`Invalid comparator '${comparator}' not one of '${PARAM_COMPARATORS_TEXT}'`);
    }
    if (clause.type === 'tag' && !PARAM_TAG_COMPARATORS.has(comparator)) {
      throw MlflowError.internal(`Invalid comparator '${comparator}' not one of '${PARAM_COMPARATORS_TEXT}`);
    }
    if (clause.type === 'attribute') {
      const numeric = RUN_NUMERIC_ATTRIBUTES.has(clause.key);
      if (numeric && !METRIC_COMPARATORS.has(comparator)) {
        throw MlflowError.internal(
          `Invalid comparator '${comparator}' not one of '${STRING_ATTRIBUTE_COMPARATORS_TEXT}`,
        );
      }
      if (!numeric && !STRING_ATTRIBUTE_COMPARATORS.has(comparator)) {
        throw MlflowError.internal(
          `Invalid comparator '${comparator}' not one of '${STRING_ATTRIBUTE_COMPARATORS_TEXT}'`,
        );
      }
    }
    if (clause.type === 'dataset' && !STRING_ATTRIBUTE_COMPARATORS.has(comparator)) {
      throw MlflowError.internal(`Invalid comparator '${comparator}' not one of '${STRING_ATTRIBUTE_COMPARATORS_TEXT}`);
    }
  }
}

/** A clause of an experiments/registered-models/model-versions filter. */
export interface EntityFilterClause {
  readonly type: 'attribute' | 'tag';
  readonly key: string;
  readonly comparator: string;
  readonly value: ClauseValue;
}

function registryIdentifier(
  text: string,
  validAttributes: ReadonlySet<string>,
  validText: string,
  stripBeforeCheck: boolean,
): { type: 'attribute' | 'tag'; key: string } {
  const dot = text.indexOf('.');
  if (dot < 0) {
    const key = stripBeforeCheck ? trimBackticks(stripQuotes(text, false)) : text;
    if (!validAttributes.has(key)) {
      throw MlflowError.invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${validText}'`);
    }
    return { type: 'attribute', key: trimBackticks(stripQuotes(key, false)) };
  }
  const entity = text.slice(0, dot);
  let key = text.slice(dot + 1);
  if (!['attribute', 'tag', 'tags'].includes(entity)) {
    throw MlflowError.invalidParameter(
      `Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`,
    );
  }
  const type = entity === 'attribute' ? 'attribute' : 'tag';
  if (stripBeforeCheck) key = trimBackticks(stripQuotes(key, false));
  if (type === 'attribute' && !validAttributes.has(key)) {
    throw MlflowError.invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${validText}'`);
  }
  return { type, key: trimBackticks(stripQuotes(key, false)) };
}

const EXPERIMENT_SEARCH_ATTRIBUTES = new Set(['name', 'creation_time', 'last_update_time']);
const EXPERIMENT_NUMERIC_ATTRIBUTES = new Set(['creation_time', 'last_update_time']);
const EXPERIMENT_SEARCH_ATTRIBUTES_TEXT = "{'name', 'creation_time', 'last_update_time'}";
const EXPERIMENT_ORDER_ATTRIBUTES = new Set(['name', 'experiment_id', 'creation_time', 'last_update_time']);
const EXPERIMENT_ORDER_ATTRIBUTES_TEXT = "{'experiment_id', 'last_update_time', 'creation_time', 'name'}";

/** Parses an experiments/search filter with SqlAlchemyStore's comparator checks. */
export function parseExperimentsFilter(filter: string | undefined): EntityFilterClause[] {
  if (!filter) return [];
  const clauses = splitStatement(filter, 'registry').map((comparison): EntityFilterClause => {
    const { type, key } = registryIdentifier(
      comparison.left.text,
      EXPERIMENT_SEARCH_ATTRIBUTES,
      EXPERIMENT_SEARCH_ATTRIBUTES_TEXT,
      true,
    );
    const token = comparison.right;
    let value: ClauseValue;
    if (type === 'tag') {
      const quoted = quotedValue(token);
      if (quoted === null) {
        throw MlflowError.invalidParameter(
          `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${token.text}`,
        );
      }
      value = quoted;
    } else if (EXPERIMENT_NUMERIC_ATTRIBUTES.has(key)) {
      if (token.kind !== 'int' && token.kind !== 'float') {
        throw MlflowError.invalidParameter(
          `Expected numeric value type for numeric attribute: ${key}. Found ${token.text}`,
        );
      }
      value = Number(token.text);
    } else {
      const quoted = quotedValue(token);
      if (quoted !== null) value = quoted;
      else if (token.kind === 'paren') {
        throw MlflowError.invalidParameter(
          "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
        );
      } else
        throw MlflowError.invalidParameter(`Expected a quoted string value for attributes. Got value ${token.text}`);
    }
    return { type, key, comparator: comparison.op.toUpperCase(), value };
  });
  for (const clause of clauses) {
    const { comparator } = clause;
    if (clause.type === 'attribute') {
      const numeric = EXPERIMENT_NUMERIC_ATTRIBUTES.has(clause.key);
      if (!numeric) {
        if (!STRING_ATTRIBUTE_COMPARATORS.has(comparator)) {
          throw MlflowError.internal(
            `Invalid comparator '${comparator}' not one of '${STRING_ATTRIBUTE_COMPARATORS_TEXT}'`,
          );
        }
        if (!PARAM_TAG_COMPARATORS.has(comparator)) {
          throw MlflowError.invalidParameter(`Invalid comparator for string attribute: ${comparator}`);
        }
      } else if (!METRIC_COMPARATORS.has(comparator)) {
        throw MlflowError.internal(
          `Invalid comparator '${comparator}' not one of '${STRING_ATTRIBUTE_COMPARATORS_TEXT}`,
        );
      }
    } else if (!PARAM_TAG_COMPARATORS.has(comparator)) {
      throw MlflowError.invalidParameter(`Invalid comparator for tag: ${comparator}`);
    }
  }
  return clauses;
}

/** Parses a registered-models/search filter (`name` and tags only). */
export function parseRegisteredModelsFilter(filter: string | undefined): EntityFilterClause[] {
  if (!filter) return [];
  const clauses = splitStatement(filter, 'registry').map((comparison): EntityFilterClause => {
    const { type, key } = registryIdentifier(comparison.left.text, new Set(['name']), "{'name'}", false);
    const token = comparison.right;
    const quoted = quotedValue(token);
    if (quoted === null) {
      if (type === 'tag') {
        throw MlflowError.invalidParameter(
          `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${token.text}`,
        );
      }
      if (token.kind === 'paren') {
        throw MlflowError.invalidParameter(
          "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
        );
      }
      throw MlflowError.invalidParameter(
        `Expected a quoted string value or a list of quoted string values for attributes. Got value ${token.text}`,
      );
    }
    return { type, key, comparator: comparison.op.toUpperCase(), value: quoted };
  });
  for (const clause of clauses) {
    if (!PARAM_TAG_COMPARATORS.has(clause.comparator)) {
      throw MlflowError.invalidParameter(
        clause.type === 'tag'
          ? `Invalid comparator for tag: ${clause.comparator}`
          : `Invalid comparator for attribute: ${clause.comparator}`,
      );
    }
  }
  return clauses;
}

const MODEL_VERSION_SEARCH_ATTRIBUTES = new Set(['name', 'version_number', 'run_id', 'source_path']);
const MODEL_VERSION_SEARCH_ATTRIBUTES_TEXT = "{'name', 'version_number', 'run_id', 'source_path'}";
const MODEL_VERSION_NUMERIC_ATTRIBUTES = new Set(['version_number', 'creation_timestamp', 'last_updated_timestamp']);
const MODEL_VERSION_STRING_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE', 'IN']);

/** Parses a model-versions/search filter (`name`, `run_id`, `source_path`, `version_number`, tags). */
export function parseModelVersionsFilter(filter: string | undefined): EntityFilterClause[] {
  if (!filter) return [];
  const clauses = splitStatement(filter, 'registry').map((comparison): EntityFilterClause => {
    const { type, key } = registryIdentifier(
      comparison.left.text,
      MODEL_VERSION_SEARCH_ATTRIBUTES,
      MODEL_VERSION_SEARCH_ATTRIBUTES_TEXT,
      false,
    );
    const token = comparison.right;
    let value: ClauseValue;
    const quoted = quotedValue(token);
    if (type === 'tag') {
      if (quoted === null) {
        throw MlflowError.invalidParameter(
          `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${token.text}`,
        );
      }
      value = quoted;
    } else if (quoted !== null) value = quoted;
    else if (token.kind === 'paren') {
      if (key !== 'run_id') {
        throw MlflowError.invalidParameter(
          "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
        );
      }
      value = parseStringList(token).filter(pyIsLower);
    } else if (token.kind === 'int' || token.kind === 'float') {
      if (!MODEL_VERSION_NUMERIC_ATTRIBUTES.has(key)) {
        throw MlflowError.invalidParameter(
          "Only the '{'version_number', 'creation_timestamp', 'last_updated_timestamp'}' attributes support comparison with numeric values.",
        );
      }
      value = Number(token.text);
    } else {
      throw MlflowError.invalidParameter(
        `Expected a quoted string value or a list of quoted string values for attributes. Got value ${token.text}`,
      );
    }
    return { type, key, comparator: comparison.op.toUpperCase(), value };
  });
  for (const clause of clauses) {
    const { comparator } = clause;
    if (clause.type === 'attribute') {
      const allowed = MODEL_VERSION_NUMERIC_ATTRIBUTES.has(clause.key)
        ? METRIC_COMPARATORS
        : MODEL_VERSION_STRING_COMPARATORS;
      if (!allowed.has(comparator))
        throw MlflowError.invalidParameter(`Invalid comparator for attribute: ${comparator}`);
    } else if (!PARAM_TAG_COMPARATORS.has(comparator)) {
      throw MlflowError.invalidParameter(`Invalid comparator for tag: ${comparator}`);
    }
  }
  return clauses;
}

/** Splits like Python's `shlex.split` for the simple cases order_by clauses contain. */
function shlexSplit(text: string): string[] | null {
  const out: string[] = [];
  let current = '';
  let inToken = false;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inToken) out.push(current);
      current = '';
      inToken = false;
      continue;
    }
    current += ch;
    inToken = true;
  }
  if (quote) return null;
  if (inToken) out.push(current);
  return out;
}

/** `SearchUtils._parse_order_by_string`: the key text and whether it sorts ascending. */
export function parseOrderByString(orderBy: string): { key: string; ascending: boolean } {
  const unparsable = (): MlflowError =>
    MlflowError.invalidParameter(`Invalid order_by clause '${orderBy}'. Could not be parsed.`);
  const tokens = shlexSplit(orderBy.replace(/`/g, '"'));
  if (tokens === null || tokens.length === 0 || tokens.length > 2) throw unparsable();
  if (/[(),;]/.test(orderBy)) throw unparsable();
  let ascending = true;
  if (tokens.length === 2) {
    const order = (tokens[1] ?? '').toLowerCase();
    if (order !== 'asc' && order !== 'desc') {
      throw MlflowError.invalidParameter(`Invalid ordering key in order_by clause '${orderBy}'.`);
    }
    ascending = order === 'asc';
  }
  return { key: (tokens[0] ?? '').trim(), ascending };
}

/** A parsed runs/search order_by clause. */
export interface RunOrderBy {
  readonly type: 'metric' | 'parameter' | 'tag' | 'attribute';
  readonly key: string;
  readonly ascending: boolean;
}

/** `SearchUtils.parse_order_by_for_search_runs`. */
export function parseRunOrderBy(orderBy: string): RunOrderBy {
  const { key: text, ascending } = parseOrderByString(orderBy);
  const { type, key } = runIdentifier(text, RUN_ORDER_ATTRIBUTES, RUN_ORDER_ATTRIBUTES_TEXT);
  if (type === 'dataset') throw MlflowError.invalidParameter(`Invalid order_by entity type '${type}'`);
  return { type, key: key === 'created' || key === 'Created' ? 'start_time' : key, ascending };
}

/** `SearchExperimentsUtils.parse_order_by_for_search_experiments` plus the store's attribute-only rule. */
export function parseExperimentOrderBy(orderBy: string): { key: string; ascending: boolean } {
  const { key: text, ascending } = parseOrderByString(orderBy);
  const { type, key } = registryIdentifier(text, EXPERIMENT_ORDER_ATTRIBUTES, EXPERIMENT_ORDER_ATTRIBUTES_TEXT, true);
  if (type !== 'attribute') throw MlflowError.invalidParameter(`Invalid order_by entity: ${type}`);
  return { key, ascending };
}

/** Registered-models order_by: `name`, or `timestamp` / `last_updated_timestamp` (both sort on last update). */
export function parseRegisteredModelOrderBy(orderBy: string): {
  key: 'name' | 'last_updated_timestamp';
  ascending: boolean;
} {
  const { key, ascending } = parseOrderByString(orderBy);
  if (key === 'name') return { key: 'name', ascending };
  if (key === 'timestamp' || key === 'last_updated_timestamp') return { key: 'last_updated_timestamp', ascending };
  throw MlflowError.invalidParameter(`Invalid order by key '${key}' specified.Valid keys are '{'name', 'timestamp'}'`);
}

const MODEL_VERSION_ORDER_ATTRIBUTES = new Set([
  'name',
  'version_number',
  'creation_timestamp',
  'last_updated_timestamp',
  'timestamp',
]);
const MODEL_VERSION_ORDER_ATTRIBUTES_TEXT =
  "{'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}";

/** Model-versions order_by: name, version_number, creation_timestamp, last_updated_timestamp (timestamp). */
export function parseModelVersionOrderBy(orderBy: string): {
  key: 'name' | 'version_number' | 'creation_timestamp' | 'last_updated_timestamp';
  ascending: boolean;
} {
  const { key: text, ascending } = parseOrderByString(orderBy);
  const { type, key } = registryIdentifier(
    text,
    MODEL_VERSION_ORDER_ATTRIBUTES,
    MODEL_VERSION_ORDER_ATTRIBUTES_TEXT,
    true,
  );
  if (type !== 'attribute') throw MlflowError.invalidParameter(`Invalid order_by entity: ${type}`);
  const normalized = key === 'timestamp' ? 'last_updated_timestamp' : key;
  return { key: normalized as 'name' | 'version_number' | 'creation_timestamp' | 'last_updated_timestamp', ascending };
}

const likeCache = new Map<string, RegExp>();

/** SQL LIKE / ILIKE (`%` any run, `_` one character), case-sensitive unless `ignoreCase`. */
export function sqlLike(value: string, pattern: string, ignoreCase: boolean): boolean {
  const cacheKey = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let regex = likeCache.get(cacheKey);
  if (!regex) {
    let source = '^';
    for (const ch of pattern) {
      if (ch === '%') source += '[\\s\\S]*';
      else if (ch === '_') source += '[\\s\\S]';
      else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    regex = new RegExp(`${source}$`, ignoreCase ? 'iu' : 'u');
    if (likeCache.size > 1000) likeCache.clear();
    likeCache.set(cacheKey, regex);
  }
  return regex.test(value);
}

/** Applies a comparator to a string or number left-hand side (null never matches). */
export function compareValues(
  lhs: string | number | null | undefined,
  comparator: string,
  value: ClauseValue,
): boolean {
  if (lhs === null || lhs === undefined) return false;
  switch (comparator) {
    case '=':
      return lhs === value;
    case '!=':
      return lhs !== value;
    case '<':
      return lhs < (value as number | string);
    case '<=':
      return lhs <= (value as number | string);
    case '>':
      return lhs > (value as number | string);
    case '>=':
      return lhs >= (value as number | string);
    case 'LIKE':
      return typeof lhs === 'string' && typeof value === 'string' && sqlLike(lhs, value, false);
    case 'ILIKE':
      return typeof lhs === 'string' && typeof value === 'string' && sqlLike(lhs, value, true);
    case 'IN':
      return Array.isArray(value) ? value.includes(String(lhs)) : lhs === value;
    case 'NOT IN':
      return Array.isArray(value) ? !value.includes(String(lhs)) : lhs !== value;
    default:
      return false;
  }
}
