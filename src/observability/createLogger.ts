import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/observabilityConfig.js';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: LogLevel;
  /** Service name on every line (OTEL_SERVICE_NAME, so logs and traces agree). */
  service?: string;
  /** Where lines go; stdout by default (tests pass a stream they read). */
  destination?: DestinationStream;
}

/**
 * Credential-shaped keys are censored wherever they appear one or two levels deep. Request logs are built
 * field by field and never include headers; this is the net under that rule, not the rule.
 */
export const REDACTED_PATHS = [
  'authorization',
  'password',
  'token',
  'cookie',
  // A webhook's signing secret (createWebhook / updateWebhook input): write-only, never in a log line.
  'secret',
  '*.authorization',
  '*.password',
  '*.token',
  '*.cookie',
  '*.secret',
  '*.*.secret',
  'headers.authorization',
  'headers.cookie',
  'headers["x-supergraph-signature"]',
];

/** The process's structured JSON logger (pino): one JSON object per line on stdout. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service ?? 'mlflow-supergraph', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"info" rather than 30: readable in kubectl logs and matched by every log pipeline.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

export type { Logger } from 'pino';
