import { endpoint, type Endpoint, type Route } from '../http/endpoint.js';

/** A Databricks endpoint row; `query` marks DELETE endpoints whose parameters Databricks documents as query parameters. */
export interface DatabricksEndpoint extends Endpoint {
  /** Send the parameters in the query string (and, for servers that read it, the JSON body too). */
  readonly query: boolean;
}

function row(route: Route, options: { query?: boolean; readOnly?: boolean } = {}): DatabricksEndpoint {
  return { ...endpoint(route, { readOnly: options.readOnly === true }), query: options.query === true };
}

/**
 * The Databricks-only part of the workspace model registry (and the artifact credentials), as data. Databricks serves MLflow's own REST API
 * on the same host (and the MLflow client handles everything else); these are the endpoints MLflow OSS lacks.
 */
export const databricksEndpoints = {
  // stage-transition requests
  createTransitionRequest: row('POST /api/2.0/mlflow/transition-requests/create'),
  listTransitionRequests: row('GET /api/2.0/mlflow/transition-requests/list'),
  approveTransitionRequest: row('POST /api/2.0/mlflow/transition-requests/approve'),
  rejectTransitionRequest: row('POST /api/2.0/mlflow/transition-requests/reject'),
  deleteTransitionRequest: row('DELETE /api/2.0/mlflow/transition-requests/delete', { query: true }),
  // comments on model versions
  createComment: row('POST /api/2.0/mlflow/comments/create'),
  updateComment: row('PATCH /api/2.0/mlflow/comments/update'),
  deleteComment: row('DELETE /api/2.0/mlflow/comments/delete', { query: true }),
  // artifact bytes: presigned URLs of the workspace's storage (databricks_artifacts.proto, a POST that only reads)
  getCredentialsForRead: row('POST /api/2.0/mlflow/artifacts/credentials-for-read', { readOnly: true }),
} as const;

/** Name of a Databricks endpoint in {@link databricksEndpoints}. */
export type DatabricksEndpointName = keyof typeof databricksEndpoints;
