import type { Principal } from './Principal.js';

/**
 * What makes one caller's view theirs, as a string (never logged, never stored: hash it with a server key
 * before it becomes a cache key, a single-flight key or a cursor binding). Usually the credential itself;
 * behind a trusted proxy every caller carries the same service credential, so the identity the proxy vouched
 * for (user, e-mail, groups) is what tells them apart. An anonymous caller is its own, distinct identity.
 */
export function callerIdentity(principal: Principal): string {
  if (principal.kind !== 'proxy')
    return principal.authorization ? `credential:${principal.authorization}` : 'anonymous';
  return JSON.stringify([
    'proxy',
    principal.id ?? null,
    principal.email ?? null,
    [...principal.groups].sort(),
    principal.authorization ?? null,
  ]);
}
