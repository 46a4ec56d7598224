/**
 * The little the cache needs from a logger. `console` satisfies it; so does a pino/winston adapter. Messages never
 * carry credentials: the cache redacts connection URLs before logging.
 */
export interface CacheLogger {
  warn(message: string): void;
  info?(message: string): void;
}
