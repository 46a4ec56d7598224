import type { Config } from '../config.js';
import { createHttpInstance } from '../upstream/http/createHttpInstance.js';
import { createLimiter } from '../upstream/http/createLimiter.js';
import type { Services } from './Services.js';

/** Creates the process-wide services for an upstream at `trackingUri`. */
export function createServices(config: Config, trackingUri: string): Services {
  return {
    config,
    mlflowHttp: createHttpInstance({
      baseUrl: trackingUri,
      connectTimeoutMs: config.upstream.connectTimeoutMs,
      responseTimeoutMs: config.upstream.responseTimeoutMs,
      maxSockets: config.upstream.concurrency,
    }),
    mlflowLimiter: createLimiter(config.upstream.concurrency),
  };
}
