import { RestClient, type RestClientOptions } from '../http/RestClient.js';
import { gitlabEndpoints } from './endpoints.js';
import type { GitLabApi } from './GitLabApi.js';

/** Where GitLab's API root and the project are, read from an MLflow tracking URI on GitLab. */
export interface GitLabLocation {
  /** `https://gitlab.example/api/v4` (no trailing slash). */
  readonly apiRoot: string;
  /** The project id or URL-encoded path, as it stands in the tracking URI. */
  readonly projectId: string;
}

const GITLAB_TRACKING_URI = /^(.*\/api\/v4)\/projects\/([^/]+)\/ml\/mlflow\/?$/;

/** Reads `…/api/v4/projects/<id>/ml/mlflow` into the API root and the project id; undefined for other URIs. */
export function gitlabLocation(trackingUri: string): GitLabLocation | undefined {
  const match = GITLAB_TRACKING_URI.exec(trackingUri);
  if (!match) return undefined;
  return { apiRoot: match[1] as string, projectId: decodeURIComponent(match[2] as string) };
}

/** Typed access to GitLab's own REST API for one request (one caller), beside its MLflow-compatible API. */
export class GitLabClient extends RestClient<GitLabApi> {
  constructor(options: RestClientOptions) {
    super('GitLab', gitlabEndpoints, options);
  }
}
