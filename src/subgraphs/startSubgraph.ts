import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { verifyHiveSignature } from '../auth/hiveSignature.js';
import { principalFromHeaders } from '../auth/principalFromHeaders.js';
import {
  ReplayCheckUnavailableError,
  SignatureError,
  SIGNING_HEADERS,
  verifySubgraphRequest,
} from '../auth/subgraphSigning.js';
import type { KeyValueCache } from '../cache/KeyValueCache.js';
import { MemoryCache } from '../cache/MemoryCache.js';
import { ConfigError } from '../config.js';
import { protocolError } from '../errors/protocolError.js';
import { createRequestContext } from '../context/createRequestContext.js';
import type { RequestContext } from '../context/RequestContext.js';
import type { Services } from '../context/Services.js';
import { createApolloHttpHandler } from '../server/createApolloHttpHandler.js';
import { createServiceServer } from '../server/createServiceServer.js';
import type { SubgraphName } from './loadSchema.js';

/** A subgraph served on its own port (distributed mode). */
export interface RunningSubgraph {
  readonly name: SubgraphName;
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish within `timeoutMs` (default SHUTDOWN_TIMEOUT_MS), stops. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

// One refusal line per interval at most: during a Redis outage every request is refused.
const refusalLogIntervalMs = 10_000;

/**
 * Where used signatures are claimed: the shared cache when it is Redis, so a signature used at one replica is
 * refused at every other. Otherwise (no REDIS_URL, or the naive benchmark's NoopCache) a store of this process's
 * own: replay protection then spans one process only, and entity payloads cannot evict its claims early.
 */
function nonceStore(services: Services): KeyValueCache {
  const kv = services.cache.kv;
  if (kv.kind === 'redis') return kv;
  services.telemetry.logger.warn(
    { component: 'auth' },
    'Subgraph replay protection is per process (no REDIS_URL): run replicas of a subgraph only with Redis configured',
  );
  return new MemoryCache({ maxEntries: 1_000_000 });
}

/**
 * Serves one subgraph schema over HTTP at /graphql, for the gateway to call. Only requests signed by the
 * gateway for this subgraph (HMAC over its name, identity, credentials, operation and a timestamp) and not seen
 * before by any replica are answered; the context is rebuilt from the signed identity. With
 * MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET, requests Hive Gateway signed are answered too, as the caller their
 * credentials name (auth/hiveSignature.ts says why only those).
 */
export async function startSubgraph(
  name: SubgraphName,
  schema: GraphQLSchema,
  services: Services,
  port: number,
  host = '127.0.0.1',
): Promise<RunningSubgraph> {
  const secret = services.config.subgraphSecret;
  const hiveSecret = services.config.hiveHmacSecret;
  if (!secret && !hiveSecret)
    throw new ConfigError(
      'A subgraph served on its own port needs MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET (shared with the gateway), or MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET (shared with Hive Gateway)',
    );
  // A Hive-signed request names its caller by the credentials alone: never by a proxy's identity headers.
  const hiveIdentity = { ...services.config, trustedProxy: false };
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
  // Signatures used in the last NONCE_TTL_MS, by any replica: a captured request cannot be replayed.
  const nonces = nonceStore(services);
  let lastRefusalLogAt = Number.NEGATIVE_INFINITY;
  const handle = createApolloHttpHandler(apollo, async (request, body) => {
    const { query = '', variables } = (body && typeof body === 'object' ? body : {}) as {
      query?: string;
      variables?: unknown;
    };
    let principal;
    try {
      // Our gateway's headers decide when present (a request carrying both is judged by the stronger scheme).
      if (hiveSecret && !request.headers[SIGNING_HEADERS.signature]) {
        verifyHiveSignature(hiveSecret, body);
        principal = principalFromHeaders(request.headers, hiveIdentity);
      } else if (secret) {
        principal = await verifySubgraphRequest(secret, name, request.headers, query, variables, { nonces });
      } else throw new SignatureError('request is not signed by the gateway');
    } catch (error) {
      if (error instanceof ReplayCheckUnavailableError) {
        // Fail closed: without the shared record of used signatures a replay would pass unnoticed.
        const now = Date.now();
        if (now - lastRefusalLogAt >= refusalLogIntervalMs) {
          lastRefusalLogAt = now;
          services.telemetry.logger.error(
            { component: `subgraph:${name}` },
            'Refusing signed gateway requests: the replay check needs the shared cache (Redis), which is unreachable or timing out; failing closed until it answers',
          );
        }
        throw protocolError(
          'UPSTREAM_UNAVAILABLE',
          `Subgraph "${name}" is unavailable: it cannot check the request for replay. Try again shortly.`,
          { status: 503 },
        );
      }
      throw protocolError(
        'UNAUTHENTICATED',
        `Refused: ${(error as Error).message}. Subgraphs only answer the gateway.`,
        { status: 401 },
      );
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
