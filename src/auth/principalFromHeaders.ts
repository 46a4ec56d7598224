import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { anonymousPrincipal, type Principal } from '../context/Principal.js';

/** A short, non-reversible id for a credential, so a token never appears in keys or logs. */
export function credentialId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Who the caller is, from their `Authorization` header (passed through to the backend), or the configured
 * service credentials when AUTH_MODE=service. Malformed credentials are anonymous: the backend decides.
 */
export function principalFromHeaders(headers: Record<string, string | string[] | undefined>, config: Pick<Config, 'authMode' | 'serviceAuthorization'>): Principal {
  const authorization = config.authMode === 'service' ? config.serviceAuthorization : header(headers, 'authorization');
  if (!authorization) return anonymousPrincipal;
  const kind = config.authMode === 'service' ? 'service' : undefined;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon > 0 ? decoded.slice(0, colon) : undefined;
    if (!username) return anonymousPrincipal;
    return { id: `user:${username}`, username, kind: kind ?? 'basic', authorization, scopes: ['read', 'write'] };
  }
  if (scheme?.toLowerCase() === 'bearer' && value) {
    return { id: `token:${credentialId(value)}`, username: undefined, kind: kind ?? 'bearer', authorization, scopes: ['read', 'write'] };
  }
  return anonymousPrincipal;
}
