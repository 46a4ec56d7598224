import { ttlNames, ttlSettings } from '../src/cache/cachePolicy.js';
import { loadConfig, type Config } from '../src/config.js';

/** Every TTL an hour: a warm variant must stay warm for the whole run (production defaults are seconds to minutes). */
export const LONG_TTLS = Object.fromEntries(ttlNames.map((name) => [ttlSettings[name].variable, '3600']));

/**
 * The configuration of a gateway the benchmarks run in their own process: production mode over the recording
 * proxy's MLflow (basic-auth permissions), Redis under `prefix`, every TTL an hour, no Sandbox, introspection,
 * tracing or chatter; `env` last.
 */
export function benchGatewayConfig(
  proxyUrl: string,
  redisUrl: string,
  prefix: string,
  env: Record<string, string> = {},
): Config {
  return loadConfig({
    NODE_ENV: 'production',
    MLFLOW_TRACKING_URI: proxyUrl,
    MLFLOW_SUPERGRAPH_PERMISSIONS: 'mlflow-basic-auth',
    GRAPHQL_SANDBOX: 'false',
    GRAPHQL_INTROSPECTION: 'false',
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    ...LONG_TTLS,
    ...(process.env.REDIS_COMMAND_TIMEOUT_MS ? { REDIS_COMMAND_TIMEOUT_MS: process.env.REDIS_COMMAND_TIMEOUT_MS } : {}),
    ...env,
  });
}
