import type { GraphQLError } from 'graphql';
import { protocolError } from './protocolError.js';

/**
 * RATE_LIMITED for an operation the gateway will not run now (admission control: too many large answers in
 * flight). HTTP 503 with Retry-After, not 429: the server is busy for everyone, not this caller over a quota;
 * the same status a subgraph answers when it cannot serve (DESIGN §7, README "Errors").
 */
export function rateLimited(message: string, retryAfterSeconds: number): GraphQLError {
  return protocolError('RATE_LIMITED', message, {
    status: 503,
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}
