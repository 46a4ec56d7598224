import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { anonymousPrincipal, type Principal } from '../context/Principal.js';

/** A short, non-reversible id for a credential, so a token never appears in keys or logs. */
export function credentialId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/** Identity headers a trusted proxy sets. Stripped (ignored) unless MLFLOW_SUPERGRAPH_TRUSTED_PROXY=true. */
export const PROXY_HEADERS = { user: 'x-forwarded-user', scopes: 'x-forwarded-scopes' } as const;

type Headers = Record<string, string | string[] | undefined>;
type IdentityConfig = Pick<Config, 'authMode' | 'serviceAuthorization' | 'trustedProxy' | 'readOnlyPrincipals'>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const ALL_SCOPES = Object.freeze(['read', 'write']);

function withScopes(principal: Principal, config: IdentityConfig, requested?: readonly string[]): Principal {
  let scopes: readonly string[] = requested ?? ALL_SCOPES;
  // Read-only credentials (like GitLab's read_api tokens) are named in configuration.
  const readOnly = config.readOnlyPrincipals.some((p) => p === principal.id || p === principal.username || `user:${p}` === principal.id);
  if (readOnly) scopes = scopes.filter((s) => s !== 'write');
  return { ...principal, scopes };
}

/**
 * Who the caller is. Default: their `Authorization` header (Bearer or Basic), passed through to the
 * backend, which verifies it. With a trusted proxy: its identity headers, and the service credentials
 * upstream (the graph then enforces every permission itself). With AUTH_MODE=service: the service
 * credentials for everyone. Client-sent proxy headers are ignored unless the proxy is trusted.
 */
export function principalFromHeaders(headers: Headers, config: IdentityConfig): Principal {
  if (config.trustedProxy) {
    const user = header(headers, PROXY_HEADERS.user)?.trim();
    if (user) {
      const scopes = header(headers, PROXY_HEADERS.scopes)
        ?.split(/[\s,]+/)
        .map((s) => s.toLowerCase())
        .filter((s) => s === 'read' || s === 'write');
      return withScopes(
        { id: `user:${user}`, username: user, kind: 'proxy', authorization: config.serviceAuthorization, scopes: ALL_SCOPES },
        config,
        scopes && scopes.length > 0 ? scopes : undefined,
      );
    }
  }
  const authorization = config.authMode === 'service' ? config.serviceAuthorization : header(headers, 'authorization');
  if (!authorization) return anonymousPrincipal;
  const kind = config.authMode === 'service' ? 'service' : undefined;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon > 0 ? decoded.slice(0, colon) : undefined;
    if (!username) return anonymousPrincipal;
    return withScopes({ id: `user:${username}`, username, kind: kind ?? 'basic', authorization, scopes: ALL_SCOPES }, config);
  }
  if (scheme?.toLowerCase() === 'bearer' && value) {
    return withScopes({ id: `token:${credentialId(value)}`, username: undefined, kind: kind ?? 'bearer', authorization, scopes: ALL_SCOPES }, config);
  }
  return anonymousPrincipal;
}
