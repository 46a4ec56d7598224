import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import { BadUserInputError } from '../errors/SupergraphError.js';

// Free-form JSON (MLflow 3: span attributes, assessment values, evaluation-dataset records, schemas and profiles).
// Any JSON value passes the scalar; arguments that must be objects are checked where they are used, with a message
// naming the argument.

/** Whether a value is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value JSON can carry as it is (no undefined, functions, non-finite numbers or cycles). */
function jsonValue(value: unknown, what: string): unknown {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('not JSON');
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadUserInputError(`${what}: expected a JSON value, got ${typeof value}`);
  }
}

/** Any JSON value, in and out. */
export const JsonScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Free-form JSON, as MLflow stores it.',
  serialize: (value) => value,
  parseValue: (value) => jsonValue(value, 'JSON'),
  parseLiteral: (ast, variables) => jsonValue(valueFromASTUntyped(ast, variables), 'JSON'),
});
