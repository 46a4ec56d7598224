// Logs and traces: the pino level, and where (if anywhere) OpenTelemetry traces are exported.

import { ConfigError } from './ConfigError.js';
import { bool, read, url, type Env } from './env.js';

/** pino's levels, plus `silent`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The observability part of the config. */
export interface ObservabilityConfig {
  /** pino level of the JSON logs on stdout (LOG_LEVEL; `silent` by default under NODE_ENV=test). */
  logLevel: LogLevel;
  /** OpenTelemetry traces: exported over OTLP/HTTP only when an endpoint is configured (nothing leaves otherwise). */
  tracing: { endpoint: string | undefined; serviceName: string };
}

/** Reads LOG_LEVEL and OpenTelemetry's own variables. */
export function observabilityConfig(env: Env, nodeEnv: string): ObservabilityConfig {
  const logLevel = read(env, 'LOG_LEVEL')?.toLowerCase() ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  // OpenTelemetry's own variables, so a collector sidecar configured for other services works unchanged.
  const otelDisabled = bool(env, 'OTEL_SDK_DISABLED', false) || read(env, 'OTEL_TRACES_EXPORTER') === 'none';
  const endpoint = otelDisabled
    ? undefined
    : (url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'));
  return {
    logLevel: logLevel as LogLevel,
    tracing: { endpoint, serviceName: read(env, 'OTEL_SERVICE_NAME') ?? 'mlflow-supergraph' },
  };
}
