// Boots the real stack for integration tests: the MLflow emulator on port 0 and the gateway (all subgraphs
// in-process) on port 0, pointed at it. Tests assert on answers and on the emulator's call counters.
import { MemoryCache } from '../../src/cache/MemoryCache.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createServices } from '../../src/context/createServices.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '@mlflow-supergraph/mlflow-emulator';
import { startGateway, type GatewayServerOptions, type RunningGateway } from '../../src/gateway/startGateway.js';
import { postGraphQL, type GraphQLResponse } from './graphql.js';

/** A running emulator + gateway pair. */
export interface Stack {
  emulator: Emulator;
  gateway: RunningGateway;
  config: Config;
  /** POSTs a GraphQL operation to the gateway; returns the parsed JSON body. */
  query<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Empties the shared cache and zeroes the emulator's counters, to measure a cold request's cost. */
  coldStart(): void;
  close(): Promise<void>;
}

/** Starts emulator + gateway; `env` adds configuration variables. */
export async function startStack(
  options: {
    emulator?: EmulatorOptions;
    env?: Record<string, string>;
    sharedEmulator?: Emulator;
    /** Something in front of the emulator (an auth proxy, an app layer). */ trackingUri?: (
      emulator: Emulator,
    ) => string;
    /** Gateway switches kept for comparisons (`prefetch: false`). */
    gateway?: Pick<GatewayServerOptions, 'prefetch'>;
  } = {},
): Promise<Stack> {
  // A second gateway may share the first one's emulator (and Redis) to test what crosses instances.
  const emulator = options.sharedEmulator ?? (await startEmulator({ seed: 'demo', ...options.emulator }));
  // The URI an MLflow client would use (GitLab mode serves MLflow under /api/v4/projects/:id/ml/mlflow).
  const trackingUri = options.trackingUri?.(emulator) ?? emulator.trackingUri;
  const config = loadConfig({ NODE_ENV: 'test', MLFLOW_TRACKING_URI: trackingUri, ...options.env });
  // Tests share nothing between stacks: an in-memory cache of their own unless a Redis URL is configured.
  const memory = config.redisUrl ? undefined : new MemoryCache();
  const services = createServices(config, trackingUri, memory ? { cache: memory } : {});
  const gateway = await startGateway({ config, services, port: 0, ...options.gateway });
  return {
    emulator,
    gateway,
    config,
    query: (query, variables, headers) => postGraphQL(gateway.graphqlUrl, query, variables, headers),
    coldStart() {
      if (!memory) throw new Error('coldStart() needs the in-memory cache');
      memory.clear();
      emulator.resetCalls();
    },
    async close() {
      await gateway.close();
      await services.close();
      if (!options.sharedEmulator) await emulator.close();
    },
  };
}
