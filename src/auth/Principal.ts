/** Who is calling, as far as the graph knows. Never logged with its credentials. */
export interface Principal {
  /** A stable, non-secret id for the caller (username, e-mail, or a hash of the token), or undefined if anonymous. */
  readonly id: string | undefined;
  /** Display name, when known (basic-auth username, proxy header). */
  readonly username: string | undefined;
  /** The caller's e-mail, only ever from a trusted proxy (`x-forwarded-email`). */
  readonly email: string | undefined;
  /** The caller's groups, only ever from a trusted proxy (`x-forwarded-groups`); empty otherwise. */
  readonly groups: readonly string[];
  /** How the caller authenticated. */
  readonly kind: 'anonymous' | 'basic' | 'bearer' | 'proxy' | 'service';
  /** The Authorization header to forward upstream; never serialized. */
  readonly authorization: string | undefined;
  /** Granted scopes (`read`, `write`). Read-only credentials lack `write`. */
  readonly scopes: readonly string[];
}

/**
 * The caller with no credentials: reads only. Where no permission service is in charge of an open MLflow (which
 * lets anyone write), the authorizer grants `write` on top (see Authorizer.scopes); never here.
 */
export const anonymousPrincipal: Principal = Object.freeze({
  id: undefined,
  username: undefined,
  email: undefined,
  groups: Object.freeze([]),
  kind: 'anonymous',
  authorization: undefined,
  scopes: Object.freeze(['read']),
});
