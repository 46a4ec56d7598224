// Credentials for test requests: the `authorization` values and principals that many tests need, built one way.
import type { Principal } from '../../src/auth/Principal.js';

/** Request headers carrying one credential. */
export type AuthHeaders = { authorization: string };

/** The `authorization` value of HTTP Basic credentials (what MLflow's basic-auth app expects). */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** The `authorization` value of a bearer token (Databricks and GitLab tokens, app-layer tokens). */
export function bearerAuth(token: string): string {
  return `Bearer ${token}`;
}

/** Headers that call as an emulator user (ALICE, BOB, …) with its Basic credentials. */
export function asUser(user: { username: string; password: string }): AuthHeaders {
  return { authorization: basicAuth(user.username, user.password) };
}

/** Headers that call with a bearer token. */
export function asBearer(token: string): AuthHeaders {
  return { authorization: bearerAuth(token) };
}

/** A Basic-auth caller as principalFromHeaders makes it (`user:<name>`, no e-mail or groups), for signing tests. */
export function basicPrincipal(
  username: string,
  password: string,
  scopes: readonly string[] = ['read', 'write'],
): Principal & { authorization: string } {
  return {
    id: `user:${username}`,
    username,
    email: undefined,
    groups: [],
    kind: 'basic',
    authorization: basicAuth(username, password),
    scopes,
  };
}
