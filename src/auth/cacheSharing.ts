import type { Config } from '../config.js';
import type { BackendProfile } from '../upstream/profiles/BackendProfile.js';
import type { PermissionBackend } from './PermissionBackend.js';

/**
 * Whether entries fetched with one caller's credentials may be served to another (DESIGN §5), and why. Said in
 * the start-up log and in `Query.backend`.
 */
export interface CacheSharing {
  /** `shared`: entities are shared and served only through fields whose object permission this layer checks. */
  readonly mode: 'shared' | 'per-caller';
  readonly reason: string;
}

/**
 * Sharing is earned: only when the permission service that decides answers for each caller on each object, and
 * the backend's profile declares sharing under that service. Every other case keys entries by the caller's
 * credential (an HMAC of it), including an anonymous caller, who never receives what a credential fetched.
 */
export function decideCacheSharing(
  config: Pick<Config, 'cacheSharing'>,
  profile: BackendProfile,
  backend: PermissionBackend,
): CacheSharing {
  if (config.cacheSharing === 'per-caller') {
    return {
      mode: 'per-caller',
      reason:
        'MLFLOW_SUPERGRAPH_CACHE_SHARING=per-caller: every entry is kept for the caller whose credentials fetched it',
    };
  }
  if (backend.kind === 'none') {
    return {
      mode: 'per-caller',
      reason: `${backend.reason ?? 'no permission service decides access'}; so every entry is kept for the caller whose credentials fetched it`,
    };
  }
  if (!(profile.capabilities.cacheSharedUnder as readonly string[]).includes(backend.kind)) {
    return {
      mode: 'per-caller',
      reason: `the ${profile.displayName} profile does not declare sharing under the ${backend.kind} permission service`,
    };
  }
  return {
    mode: 'shared',
    reason: `the ${backend.kind} permission service decides each caller's level on each object before a shared entry is served; searches and permission profiles stay per caller`,
  };
}
