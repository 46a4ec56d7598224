// Who decides object access (MLFLOW_SUPERGRAPH_PERMISSIONS and a custom service's settings) and what the graph
// believes about callers (trusted proxy headers, read-only principals).

import { ConfigError } from './ConfigError.js';
import { bool, int, list, oneOf, read, redact, type Env } from './env.js';

/** Where and how the graph asks a custom permission service (MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_*). */
export interface PermissionServiceConfig {
  /** The URL every check is POSTed to (http(s), no credentials, no query string). */
  url: string;
  /** Bearer token the graph sends to the service; never logged. */
  token: string | undefined;
  /** The service accepts `{"checks": [...]}` and answers `{"results": [...]}` (one call per page). */
  batch: boolean;
  /** At most this many checks per batch call. */
  batchMax: number;
  /** Per attempt; a timed-out check is denied (UPSTREAM_TIMEOUT). */
  timeoutMs: number;
}

/** The authorization part of the config. */
export interface PermissionsConfig {
  /** Which permission service decides object access; `auto` detects MLflow basic-auth at first use. */
  permissions: 'auto' | 'mlflow-basic-auth' | 'databricks' | 'gitlab' | 'http' | 'none';
  /** Your own permission service (MLFLOW_SUPERGRAPH_PERMISSIONS=http, see README "Custom permission service"). */
  permissionService: PermissionServiceConfig | undefined;
  /** basic-auth's default permission for objects without a grant (the server's `default_permission`). */
  defaultPermission: 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';
  /** Accept identity headers (x-forwarded-user, x-forwarded-groups, x-forwarded-scopes) from a trusted proxy. */
  trustedProxy: boolean;
  /** Principals (user names or `token:<id>`) whose credentials are read-only: no mutation runs for them. */
  readOnlyPrincipals: readonly string[];
}

/** Reads which permission service decides, its settings, and the caller-identity settings. */
export function permissionsConfig(env: Env): PermissionsConfig {
  const permissionServiceUrl = read(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL');
  // `auto` with a permission service URL means that service: an operator who configured one expects it used.
  const permissions = oneOf(
    'MLFLOW_SUPERGRAPH_PERMISSIONS',
    read(env, 'MLFLOW_SUPERGRAPH_PERMISSIONS') ?? (permissionServiceUrl ? 'http' : 'auto'),
    ['auto', 'mlflow-basic-auth', 'databricks', 'gitlab', 'http', 'none'],
  );
  const permissionService = permissionServiceConfig(env, permissions, permissionServiceUrl);
  const defaultPermission = oneOf(
    'MLFLOW_SUPERGRAPH_DEFAULT_PERMISSION',
    read(env, 'MLFLOW_SUPERGRAPH_DEFAULT_PERMISSION') ?? 'READ',
    ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'],
  );
  return {
    permissions,
    permissionService,
    defaultPermission,
    trustedProxy: bool(env, 'MLFLOW_SUPERGRAPH_TRUSTED_PROXY', false),
    readOnlyPrincipals: list(env, 'MLFLOW_SUPERGRAPH_READ_ONLY_PRINCIPALS'),
  };
}

function permissionServiceConfig(
  env: Env,
  permissions: string,
  rawUrl: string | undefined,
): PermissionServiceConfig | undefined {
  if (permissions !== 'http') {
    // A URL the graph would silently not use leaves the operator believing a service decides: refuse.
    if (rawUrl !== undefined)
      throw new ConfigError(
        `MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL is set but MLFLOW_SUPERGRAPH_PERMISSIONS is ${permissions}, not http`,
      );
    return undefined;
  }
  if (rawUrl === undefined) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_PERMISSIONS=http needs MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL (the http(s) URL each check is POSTed to)',
    );
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(rawUrl);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigError(
      `MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL must be an http(s) URL such as http://127.0.0.1:8181/check, got "${redact(rawUrl)}"`,
    );
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL must not contain credentials or a query string; put the credential in MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN',
    );
  }
  if (!bool(env, 'MLFLOW_SUPERGRAPH_TRUSTED_PROXY', false)) {
    // The service is told who the caller is; only a trusted proxy's identity headers say so verifiably.
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_PERMISSIONS=http needs MLFLOW_SUPERGRAPH_TRUSTED_PROXY=true (the service decides for the user the proxy names in x-forwarded-email / x-forwarded-user)',
    );
  }
  return {
    url: rawUrl,
    token: read(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN'),
    batch: bool(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH', false),
    batchMax: int(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH_MAX', 100, 1, 1000),
    timeoutMs: int(env, 'MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TIMEOUT_MS', 5_000, 1, 600_000),
  };
}
