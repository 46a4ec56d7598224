import type { GraphQLFormattedError } from 'graphql';
import { ALL_ERROR_CODES } from '../errors/ErrorCode.js';

/** Codes of the GraphQL/APQ protocols that clients act on (all in the closed set); passed through unchanged. */
const PROTOCOL_CODES = new Set([
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Apollo Server's (and useProtocolErrors') codes for a bad request, folded into BAD_USER_INPUT with the code as `reason`. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'SUBSCRIPTIONS_NOT_SUPPORTED',
]);

/**
 * The gateway's error formatter: every error leaves with a code from the closed set; unexpected errors
 * are masked (no message, no stack trace, no upstream text); extensions keep only known, safe keys.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : undefined;
  const base = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (code && PROTOCOL_CODES.has(code)) return { message: formatted.message, ...base, extensions: { code } };
  if (code && REQUEST_CODES.has(code))
    return { message: formatted.message, ...base, extensions: { code: 'BAD_USER_INPUT', reason: code } };
  if (code && code !== 'INTERNAL_SERVER_ERROR' && (ALL_ERROR_CODES as readonly string[]).includes(code)) {
    const safe: Record<string, unknown> = { code };
    for (const key of [
      'mlflowErrorCode',
      'upstreamStatus',
      'backend',
      'serviceName',
      'requiredScope',
      'requiredLevel',
      'limit',
      'max',
      'actual',
      // Artifact.text's refusals (TOO_LARGE with maxBytes and size, BINARY) and Run.files' (TOO_MANY_LISTINGS).
      'reason',
      'maxBytes',
      'size',
      // A write split over several calls that failed part-way (errors/partialWriteError.ts).
      'landedCalls',
      'totalCalls',
    ])
      if (extensions[key] !== undefined) safe[key] = extensions[key];
    return { message: formatted.message, ...base, extensions: safe };
  }
  return { message: 'Internal server error', ...base, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
