import type { Got } from 'got';
import type { PermissionClients, ServiceCallOptions } from '../auth/PermissionRequest.js';
import { ArtifactClient } from '../upstream/artifacts/ArtifactClient.js';
import { databricksPresigner } from '../upstream/artifacts/databricksPresigner.js';
import { DatabricksPermissionsClient } from '../upstream/databricks/permissionsApi.js';
import { DatabricksClient } from '../upstream/databricks/DatabricksClient.js';
import { GitLabClient } from '../upstream/gitlab/GitLabClient.js';
import type { RestClientOptions } from '../upstream/http/RestClient.js';
import { MlflowAuthClient } from '../upstream/mlflow-auth/MlflowAuthClient.js';
import { MlflowClient } from '../upstream/mlflow/MlflowClient.js';
import type { BackendProfile } from '../upstream/profiles/BackendProfile.js';
import type { FeatureKnowledge } from '../upstream/mlflow/MlflowClient.js';
import { lazy } from './lazy.js';

/** What the clients of a request are built on besides the request's own options: process-wide facts. */
export interface RequestClientHosts {
  /** The backend's profile (the MLflow client refuses what it does not serve). */
  readonly profile: BackendProfile;
  /** What the process decided of MLflow 3 features (by the server's version); services.learned. */
  readonly features?: FeatureKnowledge;
  /** A got instance at GitLab's API root, where the backend is GitLab (its permission service). */
  readonly gitlabHttp: Got | undefined;
  /** The artifact downloads' pool and MLflow's base URL they are fetched from. */
  readonly downloads: { readonly http: Got; readonly trackingUri: string };
}

/**
 * This caller's upstream clients for one request. Every one is built on first use from the same options (the
 * caller's credentials, request id, call budget, circuit breaker, time budget, metrics and tracing hooks), so a
 * call to Databricks' or GitLab's own API is protected, counted and observed like an MLflow call.
 */
export class RequestClients implements PermissionClients {
  readonly #mlflow: () => MlflowClient;
  readonly #mlflowAuth: () => MlflowAuthClient;
  readonly #databricks: () => DatabricksClient;
  readonly #databricksPermissions: () => DatabricksPermissionsClient;
  readonly #gitlab: () => GitLabClient;
  readonly #artifacts: () => ArtifactClient;
  /** See {@link PermissionClients.ownServiceOptions}: never the caller's credentials. */
  readonly ownServiceOptions: ServiceCallOptions;

  constructor(options: RestClientOptions, hosts: RequestClientHosts) {
    this.#mlflow = lazy(() => new MlflowClient(options, hosts.profile, hosts.features));
    this.#mlflowAuth = lazy(() => new MlflowAuthClient(options));
    // Databricks serves its own APIs on MLflow's host: same pool, limiter and breaker.
    this.#databricks = lazy(() => new DatabricksClient(options));
    this.#databricksPermissions = lazy(() => new DatabricksPermissionsClient(options));
    this.#gitlab = lazy(() => {
      if (!hosts.gitlabHttp)
        throw new TypeError('RequestClients.gitlab: expected a GitLab API root (a GitLab backend), got none');
      return new GitLabClient({ ...options, http: hosts.gitlabHttp });
    });
    // Bytes come through their own pool; the call budget, breaker and credentials are this request's.
    this.#artifacts = lazy(
      () =>
        new ArtifactClient({
          http: hosts.downloads.http,
          trackingUri: hosts.downloads.trackingUri,
          profile: hosts.profile,
          // Databricks' client is built only when a presigned URL is asked for.
          presign: (runId, path) => databricksPresigner(this.databricks)(runId, path),
          authorization: options.authorization,
          headers: options.headers,
          counter: options.counter,
          breaker: options.breaker,
          observe: options.observe,
        }),
    );
    const { deadline, counter, observe, around, headers } = options;
    this.ownServiceOptions = {
      ...(headers ? { headers } : {}),
      ...(deadline === undefined ? {} : { deadline }),
      ...(counter ? { counter } : {}),
      ...(observe ? { observe } : {}),
      ...(around ? { around } : {}),
    };
  }

  /** MLflow's REST API, with this caller's credentials. */
  get mlflow(): MlflowClient {
    return this.#mlflow();
  }

  /** MLflow's basic-auth API (users and grants), with this caller's credentials. */
  get mlflowAuth(): MlflowAuthClient {
    return this.#mlflowAuth();
  }

  /** The Databricks-only registry endpoints (transition requests, comments). */
  get databricks(): DatabricksClient {
    return this.#databricks();
  }

  /** Databricks' permissions and SCIM APIs (the Databricks permission service). */
  get databricksPermissions(): DatabricksPermissionsClient {
    return this.#databricksPermissions();
  }

  /** Artifact bytes as streams (MLflow's get-artifact, Databricks' presigned URLs), with this caller's credentials. */
  get artifacts(): ArtifactClient {
    return this.#artifacts();
  }

  /** GitLab's own API (the caller's token and project role); only on a GitLab backend. */
  get gitlab(): GitLabClient {
    return this.#gitlab();
  }
}
