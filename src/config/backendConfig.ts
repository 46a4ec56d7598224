// Which backend the graph talks to and with whose credentials. Variable names follow MLflow's and Databricks' own
// clients (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, DATABRICKS_HOST, ...) so an existing setup carries over.

import { ConfigError } from './ConfigError.js';
import { bool, oneOf, read, url, type Env } from './env.js';

/** Which MLflow-compatible backend sits behind the graph. */
export type BackendKind = 'mlflow' | 'databricks' | 'gitlab';

/** How callers' credentials reach the backend. */
export type AuthMode =
  /** Forward each caller's Authorization header (default): the backend sees the real user. */
  | 'passthrough'
  /** Use the configured service credentials for every caller (single-tenant, behind your own auth proxy). */
  | 'service';

/** The backend part of the config. */
export interface BackendConfig {
  /** Undefined: start the in-process demo emulator. */
  trackingUri: string | undefined;
  backend: BackendKind;
  authMode: AuthMode;
  /** `Authorization` header built from MLFLOW_TRACKING_TOKEN / USERNAME+PASSWORD / DATABRICKS_TOKEN. */
  serviceAuthorization: string | undefined;
  /**
   * The MLflow server proxies artifacts (`mlflow server --serve-artifacts`, its default since 2.0): MLFLOW_SERVE_ARTIFACTS.
   * False: artifact downloads and previews answer UNSUPPORTED_BY_BACKEND, with no call.
   */
  serveArtifacts: boolean;
}

/** Reads the backend's address, kind (declared, or told by the address) and the service credentials. */
export function backendConfig(env: Env): BackendConfig {
  const databricksHost = url(env, 'DATABRICKS_HOST');
  const rawTrackingUri = read(env, 'MLFLOW_TRACKING_URI');
  // MLflow's clients accept MLFLOW_TRACKING_URI=databricks, meaning "the workspace in DATABRICKS_HOST".
  let trackingUri: string | undefined;
  if (rawTrackingUri === 'databricks') {
    if (!databricksHost)
      throw new ConfigError(
        'MLFLOW_TRACKING_URI=databricks needs DATABRICKS_HOST (https://<workspace>.cloud.databricks.com)',
      );
    trackingUri = databricksHost;
  } else {
    trackingUri = url(env, 'MLFLOW_TRACKING_URI') ?? databricksHost;
  }

  const backendRaw = read(env, 'MLFLOW_SUPERGRAPH_BACKEND');
  let backend: BackendKind;
  if (backendRaw !== undefined) {
    backend = oneOf('MLFLOW_SUPERGRAPH_BACKEND', backendRaw, ['mlflow', 'databricks', 'gitlab']);
  } else if (databricksHost || rawTrackingUri === 'databricks') {
    backend = 'databricks';
  } else if (trackingUri && /\/api\/v4\/projects\/[^/]+\/ml\/mlflow$/.test(trackingUri)) {
    backend = 'gitlab';
  } else {
    backend = 'mlflow';
  }

  const token = read(env, 'MLFLOW_TRACKING_TOKEN') ?? read(env, 'DATABRICKS_TOKEN');
  const username = read(env, 'MLFLOW_TRACKING_USERNAME');
  const password = read(env, 'MLFLOW_TRACKING_PASSWORD');
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError('MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be set together');
  }
  const serviceAuthorization = token
    ? `Bearer ${token}`
    : username !== undefined && password !== undefined
      ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
      : undefined;

  const authMode = oneOf('MLFLOW_SUPERGRAPH_AUTH_MODE', read(env, 'MLFLOW_SUPERGRAPH_AUTH_MODE') ?? 'passthrough', [
    'passthrough',
    'service',
  ]);
  if (authMode === 'service' && !serviceAuthorization) {
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_AUTH_MODE=service needs MLFLOW_TRACKING_TOKEN, DATABRICKS_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD',
    );
  }
  return {
    trackingUri,
    backend,
    authMode,
    serviceAuthorization,
    serveArtifacts: bool(env, 'MLFLOW_SERVE_ARTIFACTS', true),
  };
}
