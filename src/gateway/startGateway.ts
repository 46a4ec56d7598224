import { ApolloServer } from '@apollo/server';
import type { Config } from '../config.js';
import { createRequestContext } from '../context/createRequestContext.js';
import type { RequestContext } from '../context/RequestContext.js';
import type { Services } from '../context/Services.js';
import { artifactDownloads } from './artifactDownloads.js';
import { CorsPolicy } from './cors.js';
import { createGateway, type GatewayMode, type SubgraphExecution } from './createGateway.js';
import type { ResponseShaping } from './installResponseShaping.js';
import { formatError } from './formatError.js';
import { createApolloHttpHandler } from '../server/createApolloHttpHandler.js';
import { landingPagePlugin, serveApiHelp, serveExplorerAsset } from './landingPage.js';
import { persistedQuerySetup } from './persistedQueries.js';
import { apqScopeStorage, currentApqScope } from './apqScope.js';
import { createServiceServer } from '../server/createServiceServer.js';
import { AdmissionQueue } from './AdmissionQueue.js';
import { secretsAsVariables } from './secretsAsVariables.js';
import { useAdmissionControl } from './useAdmissionControl.js';
import { useOperationLimits } from './useOperationLimits.js';
import { useProtocolErrors } from './useProtocolErrors.js';
import { stringifyResult, useResponseCache } from './useResponseCache.js';
import { usePrefetch } from './usePrefetch.js';
import { subgraphPrefetches } from './subgraphSchemas.js';

/** What startGateway needs. */
export interface GatewayServerOptions {
  config: Config;
  services: Services;
  mode?: GatewayMode;
  /** Overrides config.port (tests pass 0). */
  port?: number;
  supergraphSdl?: string;
  /** In-process subgraphs: compiled operations (default) or graphql-js's interpreter (benchmark comparisons). */
  subgraphExecution?: SubgraphExecution;
  /** The answer shaped by shapeResponse (default) or by @apollo/gateway's own function (benchmark comparisons). */
  responseShaping?: ResponseShaping;
  /**
   * In-process: subgraphs start follow-up fetches for each other early (usePrefetch; default on). Off only to
   * compare, in the benchmarks and tests.
   */
  prefetch?: boolean;
}

/** A running gateway. */
export interface RunningGateway {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly apollo: ApolloServer<RequestContext>;
  /** Stops accepting, lets in-flight requests finish within `timeoutMs` (default SHUTDOWN_TIMEOUT_MS), stops. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Starts the gateway's HTTP server: GraphQL at /graphql (and /), the Sandbox landing page at / for
 * browsers, signed artifact downloads at /artifacts/v1/..., /healthz, /readyz and /metrics. CSRF prevention is on; introspection and Sandbox follow the config.
 */
export async function startGateway(options: GatewayServerOptions): Promise<RunningGateway> {
  const { config, services } = options;
  const mode = options.mode ?? 'in-process';
  const gateway = createGateway(
    mode,
    options.supergraphSdl,
    config.subgraphSecret,
    options.subgraphExecution,
    options.responseShaping,
  );
  const persisted = persistedQuerySetup<RequestContext>(config, services.cache.kv, currentApqScope);
  // A bounded number (and estimated size) of answers in the process at once; the rest wait, or get RATE_LIMITED.
  const admission = config.admission && useAdmissionControl(new AdmissionQueue(config.admission));
  if (admission) services.telemetry.metrics.watchAdmission(admission.stats);
  // GraphQL plus /healthz, /readyz, /metrics; every GraphQL request observed (request id, span, metrics, log line).
  let stopped = false;
  const cors = new CorsPolicy(config.corsOrigins);
  // Signed artifact URLs (Artifact.downloadUrl): streamed from MLflow after the signature, caller and permission checks.
  const downloads = artifactDownloads(services, cors);
  const service = createServiceServer({
    services,
    component: 'gateway',
    graphqlPaths: ['/', '/graphql'],
    // Each request gets its own APQ scope holder (filled by the context function below).
    graphql: (request, response) => apqScopeStorage.run({}, () => handle(request, response)),
    schemaLoaded: () => !stopped,
    otherRoutes: (path, request, response) =>
      downloads.serve(path, request, response) ||
      serveExplorerAsset(path, response, { enabled: config.sandbox, explorer: config.explorer }) ||
      serveApiHelp(path, request, response, { explorer: config.sandbox }),
    cors,
  });
  const apollo = new ApolloServer<RequestContext>({
    gateway,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would stop the server before the drain (failing the
    // requests in flight), and a second stop() while Apollo's is running never resolves.
    stopOnTerminationSignals: false,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    formatError,
    // Kept answers (the response cache) go out as kept, without being parsed and written again.
    stringifyResult,
    persistedQueries: persisted.persistedQueries,
    // A webhook secret in the operation text would be stored with it (APQ) and could be logged: refused (400).
    validationRules: [secretsAsVariables],
    plugins: [
      landingPagePlugin(config.sandbox, config.explorer),
      useProtocolErrors({ suggestions: config.introspection }),
      useOperationLimits({
        ...config.limits,
        pricing: () => ({
          bulkMetricHistory: services.learned.bulkInterval,
          artifactCallsPerFile: services.profile.capabilities.artifactBytes.via === 'presigned' ? 2 : 1,
        }),
        ...(admission ? { onMeasured: (request, { cost }) => admission.measured(request, cost) } : {}),
      }),
      // After the limits: it weighs each operation by the cost they measured (see useAdmissionControl).
      ...(admission ? [admission.plugin] : []),
      ...persisted.plugins,
      // In-process only: there the subgraphs share the request's context, through which one starts another's fetch.
      ...(mode === 'in-process' && options.prefetch !== false ? [usePrefetch(subgraphPrefetches)] : []),
      // In-process only: there the subgraphs read through this process's cache, which bounds an answer's lifetime.
      ...(config.responseCache && mode === 'in-process'
        ? [useResponseCache({ maxBytes: config.limits.maxResponseBytes })]
        : []),
      service.plugin,
    ],
  });
  if (options.mode === 'distributed' && services.keys.generated)
    services.telemetry.logger.warn(
      { component: 'gateway' },
      'MLFLOW_SUPERGRAPH_SECRET is not set: artifact download URLs signed by the subgraph servers will not verify at this gateway (set the same secret on the gateway and every subgraph server)',
    );
  await apollo.start();
  await Promise.all([warmUp(services), service.warnIfUpstreamUnreachable()]);
  // Assigned before the server listens; the server calls it only for GraphQL paths.
  const handle = createApolloHttpHandler(
    apollo,
    async (request) => {
      const context = createRequestContext(services, request.headers);
      // APQ follows the cache's sharing rule; the scope is worked out only if the request uses APQ (apqScope.ts).
      const holder = apqScopeStorage.getStore();
      if (holder) holder.scope = () => context.cache.entityScope();
      return service.bind(request, context);
    },
    { maxResponseBytes: config.limits.maxResponseBytes },
  );
  const { port } = await service.listen(options.port ?? config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    apollo,
    async close(closeOptions = {}) {
      // Graceful: /readyz turns 503, no new connections, in-flight requests finish (within the bound), then stop.
      await service.drain(closeOptions.timeoutMs ?? config.shutdownTimeoutMs);
      stopped = true;
      await apollo.stop();
    },
  };
}

/**
 * Before taking traffic: give Redis a moment to connect (so the first requests are cached too) and learn
 * which permission service the backend runs (one probe). Neither may stop start-up: an unreachable Redis
 * means uncached, and an unanswered probe is retried on the first request, which fails closed meanwhile.
 */
async function warmUp(services: Services): Promise<void> {
  await Promise.all([
    services.cache.kv.whenReady?.(2_000),
    services.permissions.resolve().catch(() => undefined),
    // Logs what the backend reports about itself (version, server features); never stops start-up.
    services.detector.detect(services.config.serviceAuthorization).catch(() => undefined),
  ]);
}
