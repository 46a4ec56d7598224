import type { PermissionBackend } from '../PermissionBackend.js';
import { aclsUnsupported } from './aclsUnsupported.js';

/**
 * No permission service (open-source MLflow without auth, or a backend that enforces on its own such as
 * GitLab): the backend alone decides, and its 401/403 answers are mapped. Object checks pass through;
 * questions only a permission service can answer are UNSUPPORTED_BY_BACKEND.
 */
export const noPermissionBackend: PermissionBackend = {
  kind: 'none',
  async resolve() {
    return noPermissionBackend;
  },
  async viewerLevels(_context, resources) {
    return resources.map(() => undefined);
  },
  async isAdmin() {
    return false;
  },
  ...aclsUnsupported('configured (no permission service)'),
};
