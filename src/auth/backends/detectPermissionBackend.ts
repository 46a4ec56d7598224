import type { Got } from 'got';
import { ConfigError, type Config } from '../../config.js';
import { UpstreamError } from '../../upstream/http/UpstreamError.js';
import type { PermissionBackend } from '../PermissionBackend.js';
import { HttpPermissionBackend } from './HttpPermissionBackend.js';
import { MlflowBasicAuthBackend } from './MlflowBasicAuthBackend.js';
import { noPermissionBackend } from './NoPermissionBackend.js';
import { fromMlflowPermission } from '../PermissionLevel.js';

/**
 * Asks the backend, without credentials, for experiment 0: MLflow's basic-auth app answers 401 with
 * `WWW-Authenticate: Basic realm="mlflow"` (corpus seq 167); a server without auth answers 200.
 */
export async function probeBasicAuth(http: Got): Promise<boolean> {
  let response;
  try {
    response = await http('api/2.0/mlflow/experiments/get', { searchParams: { experiment_id: '0' }, timeout: { request: 5_000 } });
  } catch (cause) {
    // MLflow unreachable: an UpstreamError, so callers get UPSTREAM_UNAVAILABLE/TIMEOUT, not a masked error.
    const timeout = (cause as { code?: string }).code === 'ETIMEDOUT';
    throw new UpstreamError({
      upstream: 'MLflow',
      endpoint: 'GET /api/2.0/mlflow/experiments/get',
      failure: timeout ? 'timeout' : 'network',
      message: timeout ? 'MLflow did not answer in time' : 'MLflow is unreachable',
      cause,
    });
  }
  return response.statusCode === 401 && /basic\s+realm="?mlflow"?/i.test(String(response.headers['www-authenticate'] ?? ''));
}

/**
 * The configured permission backend. With `auto`, the first request probes the server once (single
 * flight) and the answer is kept; until the probe succeeds, requests fail closed (the probe error).
 */
export function createPermissionBackend(
  config: Config,
  http: Got,
  /** Backends that need more than the config to build (the process's clients), made only when chosen. */
  factories: { databricks?: () => PermissionBackend; gitlab?: () => PermissionBackend } = {},
): PermissionBackend {
  const { databricks, gitlab } = factories;
  // A permission service that was asked for (or that `auto` chose for this backend) and cannot be built stops
  // start-up: falling back to "no permission service" would serve every caller unchecked.
  const build = (name: 'databricks' | 'gitlab', factory: (() => PermissionBackend) | undefined): PermissionBackend => {
    if (!factory) throw new ConfigError(`MLFLOW_SUPERGRAPH_PERMISSIONS=${config.permissions}: the ${name} permission service cannot be built in this process`);
    try {
      return factory();
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      throw new ConfigError(`MLFLOW_SUPERGRAPH_PERMISSIONS=${config.permissions}: the ${name} permission service cannot be built: ${(cause as Error).message}`, { cause });
    }
  };
  const basicAuth = new MlflowBasicAuthBackend(fromMlflowPermission(config.defaultPermission));
  const explicit = (): PermissionBackend | undefined => {
    switch (config.permissions) {
      case 'mlflow-basic-auth':
        return basicAuth;
      case 'none':
        return noPermissionBackend;
      case 'http':
        return new HttpPermissionBackend(config);
      case 'databricks':
        return build('databricks', databricks);
      case 'gitlab':
        return build('gitlab', gitlab);
      case 'auto':
        // Each backend's own permission service; only MLflow's is detected (basic-auth or none) at run time.
        if (config.backend === 'databricks') return build('databricks', databricks);
        if (config.backend === 'gitlab') return build('gitlab', gitlab);
        return undefined;
    }
  };
  const chosen = explicit();
  if (chosen) return chosen;

  let detected: Promise<PermissionBackend> | undefined;
  const resolve = (): Promise<PermissionBackend> => {
    detected ??= probeBasicAuth(http).then(
      (isBasicAuth) => (isBasicAuth ? basicAuth : noPermissionBackend),
      (error: unknown) => {
        detected = undefined; // try again on the next request
        throw error;
      },
    );
    return detected;
  };
  return {
    // Until detection, report the most restrictive reading: callers go through resolve() first.
    kind: 'none' as const,
    resolve,
    viewerLevels: async (context, resources) => (await resolve()).viewerLevels(context, resources),
    isAdmin: async (context) => (await resolve()).isAdmin(context),
    acl: async (context, resource) => (await resolve()).acl(context, resource),
    setPermission: async (context, resource, grantee, level) => (await resolve()).setPermission(context, resource, grantee, level),
    revokePermission: async (context, resource, grantee) => (await resolve()).revokePermission(context, resource, grantee),
  };
}
