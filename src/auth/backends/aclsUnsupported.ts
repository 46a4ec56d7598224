import { UnsupportedByBackendError } from '../../errors/SupergraphError.js';
import type { PermissionSession } from '../PermissionBackend.js';

/**
 * The access-control-list part of a permission backend whose rules live elsewhere (no service at all, GitLab's
 * project roles, a custom service): reading or changing an object's grants is UNSUPPORTED_BY_BACKEND.
 */
export function aclsUnsupported(
  backend: string,
  why?: string,
): Pick<PermissionSession, 'acl' | 'setPermission' | 'revokePermission'> {
  const reason = why ? ` (${why})` : '';
  return {
    acl: async () => {
      throw new UnsupportedByBackendError(`Access control lists${reason}`, backend);
    },
    setPermission: async () => {
      throw new UnsupportedByBackendError(`Changing permissions${reason}`, backend);
    },
    revokePermission: async () => {
      throw new UnsupportedByBackendError(`Changing permissions${reason}`, backend);
    },
  };
}
