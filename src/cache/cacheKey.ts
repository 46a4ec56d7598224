import { createHmac } from 'node:crypto';

/**
 * Version of every cached payload format. Bump it whenever what is stored under a key changes shape: keys embed
 * it, so instances running the new code never read entries written by the old (they simply miss and refill).
 * 3: values kept for one caller (permission answers) carry the permissions generation and their fetch time.
 */
export const CACHE_FORMAT_VERSION = 3;

/** The parts of a cache key. */
export interface CacheKeyParts {
  /** What kind of payload, e.g. `run`, `experiment`, `permission`; becomes the Redis Cluster hash tag. */
  namespace: string;
  /** The object's id within the namespace (any string; it is the last segment, so it may contain ':'). */
  id: string;
  /** Whose view this is: omit for entries every authorized caller may share, else an id from `principalScope`. */
  scope?: string;
}

const namespacePattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const scopePattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `msg:v<version>:{<namespace>}:<scope or "shared">:<id>`. The braces make the namespace the Cluster hash tag, so
 * all keys of one namespace share a slot and a batch of them is read with a single MGET.
 */
export function cacheKey({ namespace, id, scope }: CacheKeyParts): string {
  if (!namespacePattern.test(namespace)) {
    throw new TypeError(`cacheKey: expected namespace to match ${String(namespacePattern)}, got "${namespace}"`);
  }
  if (typeof id !== 'string' || id.length === 0) {
    throw new TypeError(`cacheKey: expected id to be a non-empty string, got ${JSON.stringify(id) ?? typeof id}`);
  }
  if (scope !== undefined && !scopePattern.test(scope)) {
    // The value is not echoed: a caller who gets this wrong may well be passing a raw credential.
    throw new TypeError(
      `cacheKey: expected scope to be an opaque id from principalScope() matching ${String(scopePattern)}, ` +
        `got a ${scope.length}-character string that does not match`,
    );
  }
  return `msg:v${CACHE_FORMAT_VERSION}:{${namespace}}:${scope ?? 'shared'}:${id}`;
}

/**
 * A short opaque scope id for a principal (a user name, or the credential itself under token passthrough), so
 * per-principal entries never put credentials in keys. Always an HMAC under a server key (shared by all gateway
 * instances), truncated to 128 bits: someone able to list Redis keys cannot confirm a guessed low-entropy
 * password offline, as they could from a bare hash.
 */
export function principalScope(principal: string, key: Buffer | string): string {
  if (typeof principal !== 'string' || principal.length === 0) {
    throw new TypeError('principalScope: expected a non-empty principal string');
  }
  if (key === undefined || key.length < 16)
    throw new TypeError('principalScope: expected a server key of at least 16 bytes');
  // The domain prefix keeps these digests from matching an HMAC of the same string computed for another purpose.
  const digest = createHmac('sha256', key).update('mlflow-supergraph/cache-scope\0').update(principal, 'utf8').digest();
  return `p${digest.subarray(0, 16).toString('base64url')}`;
}
