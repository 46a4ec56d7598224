import type { DestinationStream } from 'pino';
import type { Config } from '../config.js';
import { createLogger, type Logger } from './createLogger.js';
import { Metrics } from './Metrics.js';

/** A process's logger and metrics, created once with its Services and shared by every request. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Options of {@link createTelemetry}. */
export interface TelemetryOptions {
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Node process metrics in /metrics (default: on, except under NODE_ENV=test). */
  processMetrics?: boolean;
}

/** Creates the logger (LOG_LEVEL) and the metrics registry of one process. */
export function createTelemetry(
  config: Pick<Config, 'logLevel' | 'nodeEnv' | 'tracing'>,
  options: TelemetryOptions = {},
): Telemetry {
  return {
    logger: createLogger({
      level: config.logLevel,
      service: config.tracing.serviceName,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    }),
    metrics: new Metrics({ processMetrics: options.processMetrics ?? config.nodeEnv !== 'test' }),
  };
}

/**
 * One request's handle on the process's telemetry: the logger and metrics, and the request id its spans and
 * batches carry. What observability helpers take (never the whole request context).
 */
export interface ScopedTelemetry extends Telemetry {
  readonly requestId: string;
}

/** The telemetry handle of the request `requestId`. */
export function scopeTelemetry(telemetry: Telemetry, requestId: string): ScopedTelemetry {
  return { logger: telemetry.logger, metrics: telemetry.metrics, requestId };
}
