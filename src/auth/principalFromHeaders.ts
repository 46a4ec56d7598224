import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { anonymousPrincipal, type Principal } from './Principal.js';

/** A short, non-reversible id for a credential, so a token never appears in keys or logs. */
export function credentialId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/** Identity headers a trusted proxy sets. Stripped (ignored) unless MLFLOW_SUPERGRAPH_TRUSTED_PROXY=true. */
export const PROXY_HEADERS = {
  user: 'x-forwarded-user',
  email: 'x-forwarded-email',
  groups: 'x-forwarded-groups',
  scopes: 'x-forwarded-scopes',
} as const;

type Headers = Record<string, string | string[] | undefined>;
type IdentityConfig = Pick<Config, 'authMode' | 'serviceAuthorization' | 'trustedProxy' | 'readOnlyPrincipals'>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const ALL_SCOPES = Object.freeze(['read', 'write']);
const NO_GROUPS: readonly string[] = Object.freeze([]);

/** One address, no spaces or list separators (a header carrying several is not an identity). */
const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+$/;

/** The proxy's identity headers, or undefined when it named nobody (then the Authorization header decides). */
function proxyIdentity(
  headers: Headers,
): { user: string | undefined; email: string | undefined; groups: readonly string[] } | undefined {
  const user = header(headers, PROXY_HEADERS.user)?.trim() || undefined;
  const rawEmail = header(headers, PROXY_HEADERS.email)?.trim();
  // A malformed address identifies no one: ignored, never guessed at.
  const email = rawEmail && rawEmail.length <= 320 && EMAIL.test(rawEmail) ? rawEmail : undefined;
  if (!user && !email) return undefined;
  const groups = (header(headers, PROXY_HEADERS.groups) ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  return { user, email, groups: groups.length > 0 ? Object.freeze([...new Set(groups)]) : NO_GROUPS };
}

function withScopes(principal: Principal, config: IdentityConfig, requested?: readonly string[]): Principal {
  let scopes: readonly string[] = requested ?? ALL_SCOPES;
  // Read-only credentials (like GitLab's read_api tokens) are named in configuration.
  const readOnly = config.readOnlyPrincipals.some(
    (p) => p === principal.id || p === principal.username || p === principal.email || `user:${p}` === principal.id,
  );
  if (readOnly) scopes = scopes.filter((s) => s !== 'write');
  return { ...principal, scopes };
}

/**
 * Who the caller is. Default: their `Authorization` header (Bearer or Basic), passed through to the
 * backend, which verifies it. With a trusted proxy: its identity headers (user name and/or e-mail, groups,
 * scopes; an e-mail alone identifies a caller), and the service credentials upstream (the graph then
 * enforces every permission itself). With AUTH_MODE=service: the service credentials for everyone.
 * Client-sent proxy headers are ignored unless the proxy is trusted.
 */
export function principalFromHeaders(headers: Headers, config: IdentityConfig): Principal {
  const proxied = config.trustedProxy ? proxyIdentity(headers) : undefined;
  if (proxied) {
    const scopes = header(headers, PROXY_HEADERS.scopes)
      ?.split(/[\s,]+/)
      .map((s) => s.toLowerCase())
      .filter((s) => s === 'read' || s === 'write');
    return withScopes(
      {
        id: proxied.user ? `user:${proxied.user}` : `email:${proxied.email}`,
        username: proxied.user,
        email: proxied.email,
        groups: proxied.groups,
        kind: 'proxy',
        authorization: config.serviceAuthorization,
        scopes: ALL_SCOPES,
      },
      config,
      scopes && scopes.length > 0 ? scopes : undefined,
    );
  }
  // GitLab's clients send `PRIVATE-TOKEN: <token>`; GitLab takes the same token as a Bearer, which is how it goes on.
  const privateToken = header(headers, 'private-token')?.trim();
  const sent = header(headers, 'authorization') ?? (privateToken ? `Bearer ${privateToken}` : undefined);
  const authorization = config.authMode === 'service' ? config.serviceAuthorization : sent;
  if (!authorization) return anonymousPrincipal;
  const kind = config.authMode === 'service' ? 'service' : undefined;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon > 0 ? decoded.slice(0, colon) : undefined;
    if (!username) return anonymousPrincipal;
    return withScopes(
      {
        id: `user:${username}`,
        username,
        email: undefined,
        groups: NO_GROUPS,
        kind: kind ?? 'basic',
        authorization,
        scopes: ALL_SCOPES,
      },
      config,
    );
  }
  if (scheme?.toLowerCase() === 'bearer' && value) {
    return withScopes(
      {
        id: `token:${credentialId(value)}`,
        username: undefined,
        email: undefined,
        groups: NO_GROUPS,
        kind: kind ?? 'bearer',
        authorization,
        scopes: ALL_SCOPES,
      },
      config,
    );
  }
  return anonymousPrincipal;
}
