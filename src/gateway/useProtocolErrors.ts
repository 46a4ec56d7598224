import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext, GraphQLRequest } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { protocolError } from '../errors/protocolError.js';

/** Options of {@link useProtocolErrors}. */
export interface ProtocolErrorsOptions {
  /**
   * Keep graphql-js's "Did you mean …?" suggestions in error messages. They name fields, arguments and enum
   * values a client guessed at, so they reveal the schema: keep them only where introspection is on anyway.
   */
  suggestions: boolean;
}

/** Reason (in `extensions.reason`, code BAD_USER_INPUT) of a subscription sent to this graph. */
export const SUBSCRIPTIONS_NOT_SUPPORTED = 'SUBSCRIPTIONS_NOT_SUPPORTED';

/** The message of the subscription refusal, for tests. */
export const subscriptionsNotSupportedMessage =
  'Subscriptions are not supported: this graph serves queries and mutations over HTTP only (MLflow has no change feed to subscribe to). Poll with a query instead.';

const suggestion = / ?Did you mean [^?]*\?/g;

/** What the client said about persisted queries, checked the way Apollo checks it. */
function persistedQueryProblem(request: GraphQLRequest): 'version' | 'mismatch' | undefined {
  const persisted = (request.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  if (!persisted) return undefined;
  if (persisted.version !== 1) return 'version';
  if (typeof request.query !== 'string' || typeof persisted.sha256Hash !== 'string') return undefined;
  return createHash('sha256').update(request.query).digest('hex') === persisted.sha256Hash ? undefined : 'mismatch';
}

/**
 * Protocol mistakes answered as client errors (HTTP 400, a stable code) instead of the 500 INTERNAL_SERVER_ERROR
 * Apollo Server produces for them behind a gateway:
 * - no operation to run (several and no `operationName`, or an unknown one): OPERATION_RESOLUTION_FAILURE;
 * - a subscription: BAD_USER_INPUT with `reason: SUBSCRIPTIONS_NOT_SUPPORTED` (a request this graph never serves,
 *   whatever the backend, so not UNSUPPORTED_BY_BACKEND);
 * - APQ text that does not hash to the hash sent with it: PERSISTED_QUERY_HASH_MISMATCH; an APQ version other
 *   than 1: BAD_USER_INPUT with `reason: PERSISTED_QUERY_VERSION_UNSUPPORTED`.
 * With `suggestions` off, "Did you mean …?" is cut from every error message (validation and variable coercion).
 */
export function useProtocolErrors<TContext extends BaseContext>(
  options: ProtocolErrorsOptions,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      const persistedProblem = persistedQueryProblem(request);
      return {
        async didResolveOperation(context) {
          if (!context.operation) {
            const message = request.operationName
              ? `Unknown operation named "${request.operationName}": the document has no operation by that name.`
              : 'Must provide operationName: the document contains several operations.';
            throw protocolError('OPERATION_RESOLUTION_FAILURE', message, { status: 400 });
          }
          if (context.operation.operation === 'subscription') {
            throw protocolError(SUBSCRIPTIONS_NOT_SUPPORTED, subscriptionsNotSupportedMessage, { status: 400 });
          }
        },
        async willSendResponse(context) {
          const { body } = context.response;
          if (body.kind !== 'single' || !body.singleResult.errors) return;
          let errors: readonly GraphQLFormattedError[] = body.singleResult.errors;
          // Apollo rejects both before any plugin hook can throw, with an error that carries no code (masked to a 500-coded
          // INTERNAL_SERVER_ERROR). PERSISTED_QUERY_NOT_SUPPORTED (APQ off) takes precedence: that is the APQ protocol.
          const apqOff = errors.some((error) => error.extensions?.code === 'PERSISTED_QUERY_NOT_SUPPORTED');
          if (persistedProblem === 'mismatch' && !apqOff) {
            errors = [
              {
                message:
                  'The query text does not match the persisted-query sha256Hash sent with it: send the sha256 (hex) of exactly this text.',
                extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
              },
            ];
            context.response.http.status = 400;
          } else if (persistedProblem === 'version' && !apqOff) {
            errors = [
              {
                message: 'Unsupported persisted query version: only version 1 (sha256) is supported.',
                extensions: { code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_VERSION_UNSUPPORTED' },
              },
            ];
            context.response.http.status = 400;
          }
          if (!options.suggestions)
            errors = errors.map((error) => ({ ...error, message: error.message.replace(suggestion, '') }));
          body.singleResult.errors = errors;
        },
      };
    },
  };
}
