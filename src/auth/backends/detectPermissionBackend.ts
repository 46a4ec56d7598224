import type { Got } from 'got';
import { ConfigError, type Config } from '../../config.js';
import { UpstreamError } from '../../upstream/http/UpstreamError.js';
import type { PermissionBackend, PermissionSession } from '../PermissionBackend.js';
import { MlflowBasicAuthBackend } from './MlflowBasicAuthBackend.js';
import { noPermissionBackendBecause } from './NoPermissionBackend.js';
import { fromMlflowPermission } from '../PermissionLevel.js';

/** What an anonymous request to MLflow met. */
export type AuthProbe =
  /** MLflow's basic-auth app: 401 with `WWW-Authenticate: Basic realm="mlflow"` (corpus seq 167). */
  | { scheme: 'mlflow-basic-auth'; status: number }
  /** Answered without credentials: no auth the graph can see (something may still decide per user). */
  | { scheme: 'open'; status: number }
  /** Refused, but not by MLflow's basic-auth: an auth proxy or app layer the graph does not know decides. */
  | { scheme: 'unknown'; status: number; challenge: string | undefined };

/**
 * Network errors after which the probe is sent once more: a kept-alive connection the server closed as the probe
 * was written to it (ECONNRESET, EPIPE). The probe is a GET, so sending it again is safe; seen in the test suite on
 * a loaded machine, where one such reset failed a whole request's permission checks.
 */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Asks the backend, without credentials, for experiment 0 and classifies the answer (see {@link AuthProbe}).
 * Any other status (404 for a deleted default experiment, a 500) is read as "open": it came from MLflow itself.
 */
export async function probeAuthScheme(http: Got): Promise<AuthProbe> {
  let response;
  for (let attempt = 1; ; attempt += 1) {
    try {
      response = await http('api/2.0/mlflow/experiments/get', {
        searchParams: { experiment_id: '0' },
        timeout: { request: 5_000 },
      });
      break;
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      if (attempt === 1 && code !== undefined && STALE_CONNECTION.has(code)) continue;
      // MLflow unreachable: an UpstreamError, so callers get UPSTREAM_UNAVAILABLE/TIMEOUT, not a masked error.
      const timeout = code === 'ETIMEDOUT';
      throw new UpstreamError({
        upstream: 'MLflow',
        endpoint: 'GET /api/2.0/mlflow/experiments/get',
        failure: timeout ? 'timeout' : 'network',
        // The client's message names no network detail (the cause, logged, does).
        message: timeout ? 'MLflow did not answer in time' : 'MLflow is unreachable',
        cause,
      });
    }
  }
  const challenge =
    response.headers['www-authenticate'] === undefined ? undefined : String(response.headers['www-authenticate']);
  if (response.statusCode === 401 && /basic\s+realm="?mlflow"?/i.test(challenge ?? ''))
    return { scheme: 'mlflow-basic-auth', status: 401 };
  // A 401/403 from anything else (another realm, a Bearer challenge, an app layer's own page) is an auth layer.
  if (response.statusCode === 401 || response.statusCode === 403)
    return { scheme: 'unknown', status: response.statusCode, challenge };
  return { scheme: 'open', status: response.statusCode };
}

/** Why no permission service was chosen after a probe: said in the start-up log and in Query.backend. */
function probeReason(probe: AuthProbe): string {
  if (probe.scheme === 'unknown') {
    const realm = probe.challenge ? ` (WWW-Authenticate: ${probe.challenge.slice(0, 80)})` : '';
    return `MLflow refused an anonymous request with HTTP ${probe.status}${realm}, not MLflow's basic-auth: an auth layer this gateway does not know decides access`;
  }
  return `MLflow answered an anonymous request with HTTP ${probe.status}: no permission service this gateway can ask (anything in front of MLflow may still decide per user)`;
}

/**
 * The configured permission backend. With `auto`, the first request probes the server once (single
 * flight) and the answer is kept; until the probe succeeds, requests fail closed (the probe error).
 */
export function createPermissionBackend(
  config: Config,
  mlflowHttp: Got,
  /** Backends that need more than the config to build (the process's clients and cache), made only when chosen. */
  factories: {
    databricks?: () => PermissionBackend;
    gitlab?: () => PermissionBackend;
    http?: () => PermissionBackend;
  } = {},
): PermissionBackend {
  // A permission service that was asked for (or that `auto` chose for this backend) and cannot be built stops
  // start-up: falling back to "no permission service" would serve every caller unchecked.
  const build = (
    name: 'databricks' | 'gitlab' | 'http',
    factory: (() => PermissionBackend) | undefined,
  ): PermissionBackend => {
    if (!factory)
      throw new ConfigError(
        `MLFLOW_SUPERGRAPH_PERMISSIONS=${config.permissions}: the ${name} permission service cannot be built in this process`,
      );
    try {
      return factory();
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      throw new ConfigError(
        `MLFLOW_SUPERGRAPH_PERMISSIONS=${config.permissions}: the ${name} permission service cannot be built: ${(cause as Error).message}`,
        { cause },
      );
    }
  };
  const basicAuth = new MlflowBasicAuthBackend(fromMlflowPermission(config.defaultPermission));
  const explicit = (): PermissionBackend | undefined => {
    switch (config.permissions) {
      case 'mlflow-basic-auth':
        return basicAuth;
      case 'none':
        return noPermissionBackendBecause(
          'MLFLOW_SUPERGRAPH_PERMISSIONS=none: the backend, or what sits in front of it, decides access',
        );
      case 'http':
        return build('http', factories.http);
      case 'databricks':
        return build('databricks', factories.databricks);
      case 'gitlab':
        return build('gitlab', factories.gitlab);
      case 'auto':
        // Each backend's own permission service; only MLflow's is detected (basic-auth or none) at run time.
        if (config.backend === 'databricks') return build('databricks', factories.databricks);
        if (config.backend === 'gitlab') return build('gitlab', factories.gitlab);
        return undefined;
    }
  };
  const chosen = explicit();
  if (chosen) return chosen;

  let detected: Promise<PermissionBackend> | undefined;
  const resolve = (): Promise<PermissionBackend> => {
    detected ??= probeAuthScheme(mlflowHttp).then(
      (probe) =>
        probe.scheme === 'mlflow-basic-auth'
          ? basicAuth
          : noPermissionBackendBecause(probeReason(probe), { anonymousWrites: probe.scheme === 'open' }),
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
    // Callers resolve first and use the concrete backend's session; this one serves anyone who does not.
    session(request) {
      let inner: PermissionSession | undefined;
      const resolved = async () => (inner ??= (await resolve()).session(request));
      return {
        viewerLevels: async (resources) => (await resolved()).viewerLevels(resources),
        isAdmin: async () => (await resolved()).isAdmin(),
        acl: async (resource) => (await resolved()).acl(resource),
        setPermission: async (resource, grantee, level) => (await resolved()).setPermission(resource, grantee, level),
        revokePermission: async (resource, grantee) => (await resolved()).revokePermission(resource, grantee),
      };
    },
  };
}
