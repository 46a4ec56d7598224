import { DatabricksPermissionBackend } from '../auth/backends/DatabricksPermissionBackend.js';
import { createPermissionBackend } from '../auth/backends/detectPermissionBackend.js';
import type { Config } from '../config.js';
import { createHttpInstance } from '../upstream/http/createHttpInstance.js';
import { createLimiter } from '../upstream/http/createLimiter.js';
import type { Services } from './Services.js';

/** Creates the process-wide services for an upstream at `trackingUri`. */
export function createServices(config: Config, trackingUri: string): Services {
  const mlflowHttp = createHttpInstance({
    baseUrl: trackingUri,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    responseTimeoutMs: config.upstream.responseTimeoutMs,
    maxSockets: config.upstream.concurrency,
  });
  return {
    config,
    mlflowHttp,
    mlflowLimiter: createLimiter(config.upstream.concurrency),
    permissions: createPermissionBackend(config, mlflowHttp, () => new DatabricksPermissionBackend()),
  };
}
