import { errorCodeOf } from '../../errors/toGraphQLError.js';
import { UnauthenticatedError } from '../../errors/SupergraphError.js';
import type { PermissionBackend } from '../PermissionBackend.js';
import { aclsUnsupported } from './aclsUnsupported.js';

/**
 * No permission service (open-source MLflow without auth, an auth layer the graph does not know, or a backend
 * that enforces on its own such as GitLab): the backend alone decides, and its 401/403 answers are mapped.
 * Object checks pass through; questions only a permission service can answer are UNSUPPORTED_BY_BACKEND.
 * Because nothing here decides per object, every cached entry is kept per caller (DESIGN §5).
 */
export function noPermissionBackendBecause(
  reason: string,
  options: { anonymousWrites?: boolean } = {},
): PermissionBackend {
  const acls = aclsUnsupported('configured (no permission service)');
  const backend: PermissionBackend = {
    kind: 'none',
    reason,
    ...(options.anonymousWrites === undefined ? {} : { anonymousWrites: options.anonymousWrites }),
    async resolve() {
      return backend;
    },
    session: ({ principal, clients }) => ({
      // Whatever may sit in front of MLflow, a name in a Basic header proves nothing by itself: ask upstream once,
      // with the caller's credentials, before `viewer` repeats it (one small search: an app layer guards it even
      // where it leaves the default experiment public). Its 401 is UNAUTHENTICATED; any other answer means the
      // caller is known (an open MLflow accepts anyone, and then there is nothing more to verify).
      async identify() {
        try {
          await clients.mlflow.call('searchExperiments', { max_results: 1 });
        } catch (error) {
          if (errorCodeOf(error) === 'UNAUTHENTICATED')
            throw new UnauthenticatedError('The service in front of MLflow did not accept these credentials');
        }
        return { username: principal.username, email: principal.email };
      },
      async viewerLevels(resources) {
        return resources.map(() => undefined);
      },
      async isAdmin() {
        return false;
      },
      ...acls,
    }),
  };
  return backend;
}

/** No permission service, for no stated reason (tests, and backends built without a probe). */
export const noPermissionBackend: PermissionBackend = noPermissionBackendBecause('no permission service is configured');
