import { endpoint } from '../http/endpoint.js';

/**
 * The few GitLab REST endpoints (outside the MLflow-compatible API) that tell who the caller is and what their
 * token and role allow. Paths are relative to GitLab's API root (`https://gitlab.example/api/v4`).
 */
export const gitlabEndpoints = {
  /** The token itself: its scopes (`api`, `read_api`, ...); any valid token may read it. */
  currentToken: endpoint('GET /personal_access_tokens/self'),
  /** The token's owner (user name, e-mail); any valid token may read it. */
  currentUser: endpoint('GET /user'),
  /** The project the MLflow API lives in, with the caller's `permissions` (access levels). */
  project: endpoint('GET /projects/{id}'),
  /** Users by `username` (or `search`, which matches e-mail addresses for administrators only). */
  users: endpoint('GET /users'),
  /** A user's effective role in the project (inherited from groups too); 404 for a non-member. */
  member: endpoint('GET /projects/{id}/members/all/{user_id}'),
  /** GitLab's version (needs a token). */
  version: endpoint('GET /version'),
} as const;
