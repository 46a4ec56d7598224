import { hkdfSync, randomBytes } from 'node:crypto';
import { principalScope } from '../cache/cacheKey.js';

/**
 * Keys this process derives from MLFLOW_SUPERGRAPH_SECRET, one per purpose (HKDF-SHA256 with a distinct label
 * each), so a key leaked from one use says nothing about another. Without the variable a random secret is
 * made at start-up: correct for one process, but cursors and per-caller cache entries then do not carry over
 * to another replica or a restart (start-up warns where that matters).
 */
export interface ServerKeys {
  /** AES-256-GCM key of opaque cursors. */
  readonly cursor: Buffer;
  /** HMAC-SHA256 key of per-caller cache and single-flight keys (never a bare hash of a credential). */
  readonly cacheScope: Buffer;
  /** HMAC-SHA256 key of signed artifact download URLs (auth/artifactUrls.ts). */
  readonly artifactUrl: Buffer;
  /** True when no MLFLOW_SUPERGRAPH_SECRET was configured and the keys are this process's own. */
  readonly generated: boolean;
}

function derive(secret: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `mlflow-supergraph/${label}`, 32));
}

/** Derives the purpose keys from the configured secret, or from a random one when none is configured. */
export function deriveServerKeys(secret: string | undefined): ServerKeys {
  const material = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  return Object.freeze({
    cursor: derive(material, 'cursor'),
    cacheScope: derive(material, 'cache-scope'),
    artifactUrl: derive(material, 'artifact-url'),
    generated: secret === undefined,
  });
}

/**
 * A short opaque id for a caller identity (see `callerIdentity`): HMAC-SHA256 under the cache-scope key,
 * truncated to 128 bits. Someone able to list Redis keys cannot confirm a guessed password offline.
 */
export function scopeId(keys: Pick<ServerKeys, 'cacheScope'>, identity: string): string {
  return principalScope(identity, keys.cacheScope);
}
