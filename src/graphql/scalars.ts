import { GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { BadUserInputError } from '../errors/SupergraphError.js';

// Scalars shared by the subgraphs. MLflow sends int64 values as JSON numbers (sometimes as strings), and
// non-finite metric values as "NaN"/"Infinity" strings; these scalars make that explicit and lossless.

function toEpochMs(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms) && /^\d{4}-\d{2}-\d{2}/.test(value)) return ms;
  }
  throw new BadUserInputError(
    `${what}: expected an ISO-8601 date-time or epoch milliseconds, got ${JSON.stringify(value)}`,
  );
}

function literalValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.STRING:
      return ast.value;
    default:
      return undefined;
  }
}

/** ISO-8601 out; ISO-8601 or epoch ms in (resolved to epoch ms, what MLflow stores). */
export const TimestampScalar = new GraphQLScalarType<number, string>({
  name: 'Timestamp',
  description: 'A point in time: ISO-8601 out, ISO-8601 or epoch milliseconds in.',
  serialize(value) {
    return new Date(toEpochMs(value, 'Timestamp')).toISOString();
  },
  parseValue(value) {
    return toEpochMs(value, 'Timestamp');
  },
  parseLiteral(ast) {
    return toEpochMs(literalValue(ast), 'Timestamp');
  },
});

/** What a metric value is on the wire: a number or one of three strings. */
export type MetricValueWire = number | 'NaN' | 'Infinity' | '-Infinity';

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/**
 * Normalizes an MLflow metric value. MLflow's SQL store clamps ±Infinity to ±1.7976931348623157e308
 * (seen in the corpus: log-batch "Infinity" reads back as DBL_MAX), so DBL_MAX is reported as Infinity.
 */
export function normalizeMetricValue(value: unknown): MetricValueWire {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Number.POSITIVE_INFINITY || value === Number.MAX_VALUE) return 'Infinity';
    if (value === Number.NEGATIVE_INFINITY || value === -Number.MAX_VALUE) return '-Infinity';
    return value;
  }
  if (typeof value === 'string') {
    if (NON_FINITE.has(value)) return value as MetricValueWire;
    const n = Number(value);
    if (value.trim() !== '' && !Number.isNaN(n)) return normalizeMetricValue(n);
  }
  throw new TypeError(`MetricValue: expected a number or NaN/Infinity/-Infinity, got ${JSON.stringify(value)}`);
}

function parseMetricValue(value: unknown): MetricValueWire {
  try {
    return normalizeMetricValue(value);
  } catch {
    throw new BadUserInputError(
      `MetricValue: expected a number or "NaN", "Infinity", "-Infinity", got ${JSON.stringify(value)}`,
    );
  }
}

/** A number, or "NaN" / "Infinity" / "-Infinity". */
export const MetricValueScalar = new GraphQLScalarType<MetricValueWire, MetricValueWire>({
  name: 'MetricValue',
  description: 'A metric value: a number, or "NaN", "Infinity", "-Infinity".',
  serialize: (value) => normalizeMetricValue(value),
  parseValue: parseMetricValue,
  parseLiteral: (ast) => parseMetricValue(literalValue(ast)),
});

function toLong(value: unknown): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n)) return n;
  throw new BadUserInputError(`Long: expected an integer, got ${JSON.stringify(value)}`);
}

/** A 64-bit integer as a JSON number. */
export const LongScalar = new GraphQLScalarType<number, number>({
  name: 'Long',
  description: 'A 64-bit integer (exact up to 2^53).',
  serialize: toLong,
  parseValue: toLong,
  parseLiteral: (ast) => toLong(literalValue(ast)),
});

/** Any JSON value as it is (span attributes, assessment values); literals in a query are read as their JSON. */
export const JsonScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value (object, array, string, number, boolean or null).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
