import { readFileSync } from 'node:fs';
import { context as otelContext, propagation } from '@opentelemetry/api';
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Schema } from '@apollo/federation-internals';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { signSubgraphRequest } from '../auth/subgraphSigning.js';
import { ConfigError } from '../config.js';
import { protocolError } from '../errors/protocolError.js';
import type { RequestContext } from '../context/RequestContext.js';
import type { SubgraphName } from '../subgraphs/loadSchema.js';
import { CompiledGraphQLDataSource } from './CompiledGraphQLDataSource.js';
import { installResponseShaping, useGatewayShaping, type ResponseShaping } from './installResponseShaping.js';
import { subgraphSchemaFactories } from './subgraphSchemas.js';
import { supergraphSdlPath } from './supergraphConfig.js';

/** How the gateway reaches its subgraphs. */
export type GatewayMode = 'in-process' | 'distributed';

/**
 * How an in-process subgraph runs an operation: compiled once per operation text (the default), or interpreted
 * by graphql-js on every request (LocalGraphQLDataSource; kept for comparison in the benchmarks).
 */
export type SubgraphExecution = 'compiled' | 'interpreted';

/** Headers the gateway forwards to a remote subgraph: request id, credentials and the signed identity. */
function forwardHeaders(
  context: RequestContext,
  secret: string,
  subgraph: string,
  query: string,
  variables: unknown,
): Record<string, string> {
  const headers: Record<string, string> = {
    'x-request-id': context.requestId,
    ...signSubgraphRequest(secret, subgraph, context.principal, query, variables),
  };
  if (context.principal.authorization) headers.authorization = context.principal.authorization;
  return headers;
}

/**
 * A remote subgraph's data source. A subgraph that answers 503 (it cannot serve now: its replay check has lost the
 * shared cache, or it is draining) yields UPSTREAM_UNAVAILABLE for the client, not a masked internal error.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<RequestContext> {
  override async errorFromResponse(
    response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0],
  ): Promise<GraphQLError> {
    if (response.status !== 503) return super.errorFromResponse(response);
    return protocolError('UPSTREAM_UNAVAILABLE', `Subgraph "${this.name}" is unavailable; try again shortly`, {
      extensions: { serviceName: this.name },
    });
  }

  constructor(
    readonly name: string,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<RequestContext>>[0],
  ) {
    super(config);
  }
}

/**
 * An Apollo gateway over the committed supergraph. In-process (default): each subgraph's schema is executed
 * directly, sharing the request context (no HTTP hop). Distributed: subgraphs are called at the
 * routing_url composed into the supergraph, with the caller's credentials and request id forwarded.
 */
export function createGateway(
  mode: GatewayMode,
  supergraphSdl = readFileSync(supergraphSdlPath, 'utf8'),
  subgraphSecret?: string,
  execution: SubgraphExecution = 'compiled',
  shaping: ResponseShaping = 'planned',
): ApolloGateway {
  if (mode === 'distributed' && !subgraphSecret)
    throw new ConfigError('Distributed mode needs MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET, shared with the subgraph servers');
  const schemas = new Map<string, GraphQLSchema>();
  installResponseShaping();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService({ name, url }) {
      if (mode === 'in-process') {
        const factory = subgraphSchemaFactories[name as SubgraphName];
        if (!factory) throw new Error(`No in-process implementation for subgraph "${name}"`);
        let schema = schemas.get(name);
        if (!schema) schemas.set(name, (schema = factory()));
        return execution === 'compiled' ? new CompiledGraphQLDataSource(schema) : new LocalGraphQLDataSource(schema);
      }
      return new SubgraphDataSource(name, {
        ...(url ? { url } : {}),
        willSendRequest({ request, context }) {
          // Health checks run without a request context; only real requests carry a caller.
          if (!('principal' in context)) return;
          const headers = forwardHeaders(
            context as RequestContext,
            subgraphSecret as string,
            name,
            request.query ?? '',
            request.variables,
          );
          for (const [key, value] of Object.entries(headers)) request.http?.headers.set(key, value);
          // W3C trace context, so a subgraph's spans join the gateway's trace (no-op without a tracer).
          const carrier: Record<string, string> = {};
          propagation.inject(otelContext.active(), carrier);
          for (const [key, value] of Object.entries(carrier)) request.http?.headers.set(key, value);
        },
      });
    },
  });
  if (shaping === 'gateway')
    // The API schema is built on each (re)load; its operations are then shaped by the gateway's own function.
    gateway.onSchemaLoadOrUpdate(() => {
      const { apiSchema } = gateway as unknown as { apiSchema?: Schema };
      if (apiSchema) useGatewayShaping(apiSchema);
    });
  return gateway;
}
