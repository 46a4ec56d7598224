import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { acceptRequestId } from './requestId.js';
import type { RequestOutcome } from './Metrics.js';
import type { ScopedTelemetry, Telemetry } from './Telemetry.js';
import { extractContext, REQUEST_ID_ATTRIBUTE, SpanKind, SpanStatusCode, withSpan } from './tracing.js';

/**
 * What the one log line needs of a request's GraphQL context (the request context has these members): typed here
 * so observability depends on no layer above it.
 */
export interface ObservedContext {
  readonly telemetry: ScopedTelemetry;
  readonly upstreamCalls: { readonly calls: number };
  readonly principal: { readonly id: string | undefined; readonly kind: string };
}

/** What is known about one HTTP request to a GraphQL endpoint while it is served. */
interface Observation {
  readonly requestId: string;
  readonly started: number;
  operationName?: string | undefined;
  operationType?: string | undefined;
  outcome?: RequestOutcome;
  errorCodes: string[];
  context?: ObservedContext;
}

/** Codes that page someone: the graph or its upstream failed, not the caller. */
const SERVER_SIDE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

/**
 * Per-request telemetry of one GraphQL server (the gateway, or one subgraph in distributed mode): accepts or
 * generates `x-request-id` and returns it in the response, wraps the request in a SERVER span (joining the
 * caller's trace when it sends `traceparent`), and when the response is done records the metrics and writes
 * exactly one JSON log line: operation, outcome, error codes, duration, upstream calls, principal id.
 * Credentials, variables and the query text are never logged.
 */
export class RequestTelemetry {
  readonly #telemetry: Telemetry;
  readonly #component: string;
  readonly #byRequest = new WeakMap<IncomingMessage, Observation>();
  /**
   * By the context's telemetry handle, not by the context: Apollo hands plugins a shallow clone of the context,
   * whose members are the same objects.
   */
  readonly #byHandle = new WeakMap<ScopedTelemetry, Observation>();

  constructor(telemetry: Telemetry, component: string) {
    this.#telemetry = telemetry;
    this.#component = component;
  }

  /** Serves one GraphQL HTTP request with `next`, observed. */
  async handle(request: IncomingMessage, response: ServerResponse, next: () => Promise<void>): Promise<void> {
    const requestId = acceptRequestId(request.headers['x-request-id']);
    // The context is built from these headers: the id in logs, spans, upstream calls and the response agree.
    request.headers['x-request-id'] = requestId;
    response.setHeader('x-request-id', requestId);
    const observation: Observation = { requestId, started: performance.now(), errorCodes: [] };
    this.#byRequest.set(request, observation);
    this.#telemetry.metrics.requestStarted();
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    try {
      await withSpan(
        `${request.method ?? 'GET'} ${path}`,
        {
          kind: SpanKind.SERVER,
          parent: extractContext(request.headers),
          attributes: {
            [REQUEST_ID_ATTRIBUTE]: requestId,
            'http.request.method': request.method ?? 'GET',
            'url.path': path,
            component: this.#component,
          },
        },
        async (span) => {
          try {
            await next();
          } finally {
            span.setAttribute('http.response.status_code', response.statusCode);
            if (observation.operationName) span.setAttribute('graphql.operation.name', observation.operationName);
            if (observation.operationType) span.setAttribute('graphql.operation.type', observation.operationType);
            if (observation.errorCodes.length > 0) {
              span.setAttribute('graphql.error_codes', [...new Set(observation.errorCodes)]);
              span.setStatus({ code: SpanStatusCode.ERROR, message: [...new Set(observation.errorCodes)].join(',') });
            }
          }
        },
      );
    } finally {
      this.#finish(observation, request, response, path);
    }
  }

  /** Links the GraphQL context built for `request` to its observation (call from the context factory). */
  bind<TContext extends ObservedContext>(request: IncomingMessage, context: TContext): TContext {
    const observation = this.#byRequest.get(request);
    if (observation) {
      observation.context = context;
      this.#byHandle.set(context.telemetry, observation);
    }
    return context;
  }

  /** The Apollo Server plugin that reports the operation and the response's errors to the observation. */
  plugin<TContext extends ObservedContext>(): ApolloServerPlugin<TContext> {
    const byHandle = this.#byHandle;
    return {
      async requestDidStart({ contextValue, request }) {
        const observation = byHandle.get(contextValue.telemetry);
        if (!observation) return {};
        observation.operationName = request.operationName ?? undefined;
        return {
          async didResolveOperation({ operationName, operation }) {
            observation.operationName = operationName ?? undefined;
            observation.operationType = operation?.operation;
          },
          async willSendResponse({ response }) {
            if (response.body.kind !== 'single') {
              observation.outcome = 'success';
              return;
            }
            const { data, errors } = response.body.singleResult;
            observation.errorCodes = (errors ?? []).map((error) =>
              typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR',
            );
            observation.outcome = observation.errorCodes.length === 0 ? 'success' : data ? 'partial' : 'error';
          },
        };
      },
    };
  }

  #finish(observation: Observation, request: IncomingMessage, response: ServerResponse, path: string): void {
    const durationMs = performance.now() - observation.started;
    const status = response.statusCode;
    // Requests refused before GraphQL ran (bad JSON, a refused signature) have no outcome from the plugin.
    const outcome: RequestOutcome = observation.outcome ?? (status >= 400 ? 'error' : 'success');
    this.#telemetry.metrics.recordRequest({
      operationName: observation.operationName,
      operationType: observation.operationType,
      outcome,
      durationMs,
      errorCodes: observation.errorCodes,
    });
    const codes = [...new Set(observation.errorCodes)];
    const context = observation.context;
    const line = {
      component: this.#component,
      requestId: observation.requestId,
      method: request.method,
      path,
      status,
      operationName: observation.operationName ?? null,
      operationType: observation.operationType ?? null,
      outcome,
      errorCodes: codes,
      durationMs: Math.round(durationMs * 10) / 10,
      upstreamCalls: context?.upstreamCalls.calls ?? 0,
      principal: context?.principal.id ?? null,
      principalKind: context?.principal.kind ?? null,
    };
    const logger = this.#telemetry.logger;
    if (status >= 500 || codes.some((code) => SERVER_SIDE_CODES.has(code))) logger.warn(line, 'graphql request');
    else logger.info(line, 'graphql request');
  }
}
