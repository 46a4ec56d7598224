import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { verifySubgraphRequest } from '../auth/subgraphSigning.js';
import { ConfigError } from '../config.js';
import { createRequestContext } from '../context/createRequestContext.js';
import type { RequestContext } from '../context/RequestContext.js';
import type { Services } from '../context/Services.js';
import { createApolloHttpHandler } from '../gateway/httpHandler.js';
import { createServiceServer } from '../observability/createServiceServer.js';
import type { SubgraphName } from './loadSchema.js';

/** A subgraph served on its own port (distributed mode). */
export interface RunningSubgraph {
  readonly name: SubgraphName;
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish within `timeoutMs` (default SHUTDOWN_TIMEOUT_MS), stops. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Serves one subgraph schema over HTTP at /graphql, for the gateway to call. Only requests signed by the
 * gateway (HMAC over identity, credentials, operation and a timestamp) are answered; the context is
 * rebuilt from the signed identity.
 */
export async function startSubgraph(name: SubgraphName, schema: GraphQLSchema, services: Services, port: number, host = '127.0.0.1'): Promise<RunningSubgraph> {
  const secret = services.config.subgraphSecret;
  if (!secret) throw new ConfigError('A subgraph served on its own port needs MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET (shared with the gateway)');
  // GraphQL at /graphql plus /healthz, /readyz, /metrics (the upstream calls of distributed mode happen here).
  let stopped = false;
  const service = createServiceServer({
    services,
    component: `subgraph:${name}`,
    graphqlPaths: ['/graphql'],
    graphql: (request, response) => handle(request, response),
    schemaLoaded: () => !stopped,
  });
  const apollo = new ApolloServer<RequestContext>({
    schema,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT (Apollo's own handler races the drain; see startGateway).
    stopOnTerminationSignals: false,
    introspection: services.config.introspection,
    includeStacktraceInErrorResponses: false,
    // No federated inline traces (ftv1): timings of subgraph internals are not for whoever can reach it.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), service.plugin],
  });
  await apollo.start();
  // Signatures seen in the last minute: a captured request cannot be replayed.
  const seen = new Map<string, number>();
  const handle = createApolloHttpHandler(apollo, async (request, body) => {
    const { query = '', variables } = (body && typeof body === 'object' ? body : {}) as { query?: string; variables?: unknown };
    let principal;
    try {
      principal = verifySubgraphRequest(secret, request.headers, query, variables, seen);
    } catch (error) {
      throw new GraphQLError(`Refused: ${(error as Error).message}. Subgraphs only answer the gateway.`, {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
    return service.bind(request, createRequestContext(services, request.headers, principal));
  });
  const [address] = await Promise.all([service.listen(port, host), service.warnIfUpstreamUnreachable()]);
  return {
    name,
    url: `http://${host}:${address.port}/graphql`,
    async close(closeOptions = {}) {
      await service.drain(closeOptions.timeoutMs ?? services.config.shutdownTimeoutMs);
      stopped = true;
      await apollo.stop();
    },
  };
}
