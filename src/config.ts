// Environment → typed, validated configuration. Each part is read by its module in src/config/ (the backend, the
// cache, permissions, limits, the gateway, observability); this entry assembles them and holds the settings of
// the process itself. Variable names follow MLflow's and Databricks' own clients (MLFLOW_TRACKING_URI,
// MLFLOW_TRACKING_TOKEN, DATABRICKS_HOST, ...) so an existing setup carries over.

import { artifactsConfig, type ArtifactsConfig } from './config/artifactsConfig.js';
import { backendConfig, type BackendConfig } from './config/backendConfig.js';
import { cacheConfig, ttlWarnings, type CacheConfig } from './config/cacheConfig.js';
import { ConfigError } from './config/ConfigError.js';
import { bool, int, oneOf, read, type Env } from './config/env.js';
import { gatewayConfig, type GatewayConfig } from './config/gatewayConfig.js';
import { limitsConfig, type LimitsConfig } from './config/limitsConfig.js';
import { observabilityConfig, type ObservabilityConfig } from './config/observabilityConfig.js';
import { permissionsConfig, type PermissionsConfig } from './config/permissionsConfig.js';

// What loadConfig throws, and a type of the Config it returns: importers that catch the one or pass the other on
// know this entry only.
export { ConfigError };
export type { PermissionServiceConfig } from './config/permissionsConfig.js';

/** Validated configuration of one process. */
export interface Config
  extends
    BackendConfig,
    CacheConfig,
    PermissionsConfig,
    LimitsConfig,
    GatewayConfig,
    ObservabilityConfig,
    ArtifactsConfig {
  port: number;
  host: string;
  nodeEnv: 'development' | 'production' | 'test';
  /** What start-up should log about the environment: variables accepted but without effect (unknown CACHE_TTL_*). */
  warnings: readonly string[];
  /** MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS: no batching, memo or shared cache. Exists only for the benchmark's comparison (bench/). */
  naiveResolvers: boolean;
  /**
   * MLFLOW_SUPERGRAPH_SECRET (≥32 chars): the keys of opaque cursors and of per-caller cache keys are derived from
   * it. Every replica of one deployment needs the same value; unset, each process makes a random one.
   */
  serverSecret: string | undefined;
  /** How long SIGTERM waits for in-flight requests before closing their connections (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
}

/** Reads and validates the environment; throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf('NODE_ENV', read(env, 'NODE_ENV') ?? 'development', ['development', 'production', 'test']);
  const production = nodeEnv === 'production';
  const serverSecret = read(env, 'MLFLOW_SUPERGRAPH_SECRET');
  if (serverSecret !== undefined && serverSecret.length < 32) {
    throw new ConfigError('MLFLOW_SUPERGRAPH_SECRET must be at least 32 characters (use `openssl rand -hex 32`)');
  }
  return {
    ...backendConfig(env),
    ...cacheConfig(env),
    ...permissionsConfig(env),
    ...gatewayConfig(env, production),
    ...observabilityConfig(env, nodeEnv),
    ...limitsConfig(env),
    ...artifactsConfig(env),
    port: int(env, 'PORT', 4000, 0, 65535),
    host: read(env, 'HOST') ?? '127.0.0.1',
    nodeEnv,
    warnings: ttlWarnings(env),
    naiveResolvers: bool(env, 'MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS', false),
    serverSecret,
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 25_000, 0, 600_000),
  };
}

/**
 * Keeps @apollo/gateway from sending telemetry (and probing cloud metadata addresses) unless the operator
 * opted in. Must run before the gateway module is used.
 */
export function applyTelemetryDefault(config: Pick<Config, 'apolloTelemetry'>, env: Env = process.env): void {
  if (!config.apolloTelemetry) env.APOLLO_TELEMETRY_DISABLED = 'true';
}
