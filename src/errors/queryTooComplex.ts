import type { GraphQLError } from 'graphql';
import { protocolError } from './protocolError.js';

/** Which bound an operation would exceed (`extensions.limit`). */
export type OperationLimit = 'depth' | 'aliases' | 'cost' | 'upstreamCalls' | 'responseBytes';

/** The QUERY_TOO_COMPLEX error for one bound: HTTP 400, with the bound's name, its maximum and the measure. */
export function queryTooComplex(limit: OperationLimit, max: number, actual: number, message: string): GraphQLError {
  return protocolError('QUERY_TOO_COMPLEX', message, { status: 400, extensions: { limit, max, actual } });
}
