import type { RequestContext } from '../../context/RequestContext.js';
import { perRequest } from '../../context/RequestContext.js';
import { requestCache } from '../../context/requestCache.js';
import { BadUserInputError, UnauthenticatedError, UnsupportedByBackendError } from '../../errors/SupergraphError.js';
import { errorCodeOf } from '../../errors/toGraphQLError.js';
import { UpstreamError } from '../../upstream/http/UpstreamError.js';
import type { WireAuthUser } from '../../upstream/mlflow-auth/endpoints.js';
import type { AclEntry, CallerIdentity, Grantee, PermissionBackend } from '../PermissionBackend.js';
import { fromMlflowPermission, toMlflowPermission, type PermissionLevel } from '../PermissionLevel.js';
import type { Resource } from '../Resource.js';

const PROFILE = Symbol('basicAuth.profile');

/**
 * MLflow's basic-auth app. One `users/get` for the caller, made with the caller's own credentials (which
 * also proves them), returns their admin flag and every explicit grant; objects without a grant get the
 * server's default permission (MLFLOW's `default_permission`, READ unless configured otherwise).
 */
export class MlflowBasicAuthBackend implements PermissionBackend {
  readonly kind = 'mlflow-basic-auth' as const;

  constructor(private readonly defaultLevel: PermissionLevel) {}

  async resolve(): Promise<PermissionBackend> {
    return this;
  }

  /** Set once the server answered that users/get is gone (MLflow >= 3.13's RBAC). */
  private rbacDetected = false;

  get reportedKind(): string {
    return this.rbacDetected ? 'mlflow-rbac' : this.kind;
  }

  /** The caller's profile, once per request. */
  private profile(context: RequestContext): Promise<WireAuthUser> {
    return perRequest(context, PROFILE, async () => {
      const { username, kind } = context.principal;
      if (!username || (kind !== 'basic' && kind !== 'proxy' && kind !== 'service')) {
        throw new UnauthenticatedError(
          'MLflow basic-auth needs Basic credentials (Authorization: Basic base64(user:password))',
        );
      }
      // Cached for the caller's exact credentials (a wrong password never reads a right one's entry), briefly:
      // a revoked grant must stop working within seconds on every instance.
      const cache = requestCache(context);
      try {
        return await cache.forCaller(
          'permission',
          'basicAuthProfile',
          async () => (await context.mlflowAuth.call('getUser', { username })).user,
          cache.ttls.permission,
        );
      } catch (error) {
        // MLflow >= 3.13 replaced these endpoints with RBAC (users/permissions/get), which this version does
        // not speak: say so, and decide nothing (every protected field fails closed with this error).
        if (errorCodeOf(error) === 'UNSUPPORTED_BY_BACKEND') {
          this.rbacDetected = true;
          throw new UnsupportedByBackendError(
            "MLflow's basic-auth permission API (users/get; MLflow >= 3.13 moved to RBAC)",
            'mlflow',
          );
        }
        throw error;
      }
    });
  }

  async grantCreator(context: RequestContext, resource: Resource): Promise<void> {
    const { username } = context.principal;
    if (username) await this.setPermission(context, resource, { kind: 'user', name: username }, 'CAN_MANAGE');
  }

  async forgetCaller(context: RequestContext): Promise<void> {
    // The profile lists every grant of the caller: one entry to drop, here and in the shared cache.
    context.memo.delete(PROFILE);
    await requestCache(context).forgetForCaller('permission', ['basicAuthProfile']);
  }

  prefetch(context: RequestContext): void {
    // Memoized per request: the checks that follow await this same fetch.
    if (context.principal.username) this.profile(context).catch(() => undefined);
  }

  /**
   * The profile fetch is made with the caller's own credentials, so it also proves them (a wrong password is
   * MLflow's 401, UNAUTHENTICATED); it is the one the permission checks use, cached for the caller's credential.
   */
  async identify(context: RequestContext): Promise<CallerIdentity> {
    const user = await this.profile(context);
    return { username: user.username ?? context.principal.username, email: context.principal.email };
  }

  async isAdmin(context: RequestContext): Promise<boolean> {
    return (await this.profile(context)).is_admin;
  }

  async viewerLevels(context: RequestContext, resources: readonly Resource[]): Promise<(PermissionLevel | Error)[]> {
    const user = await this.profile(context);
    if (user.is_admin) return resources.map(() => 'CAN_MANAGE' as const);
    const experiments = new Map(
      (user.experiment_permissions ?? []).map((p) => [String(p.experiment_id), p.permission]),
    );
    const models = new Map((user.registered_model_permissions ?? []).map((p) => [p.name, p.permission]));
    return resources.map((resource) => {
      const granted = resource.kind === 'experiment' ? experiments.get(resource.id) : models.get(resource.name);
      return granted === undefined ? this.defaultLevel : fromMlflowPermission(granted);
    });
  }

  async acl(context: RequestContext, resource: Resource): Promise<AclEntry[]> {
    // basic-auth has no "list grants of an object" endpoint; the caller's own grant is what can be read
    // without admin rights. Admins see every user's grant through users/get of each... which MLflow 2.x
    // cannot list either. So the ACL is the caller's own entry plus the default.
    const [level] = await this.viewerLevels(context, [resource]);
    const user = await this.profile(context);
    return [
      {
        grantee: { kind: 'user', name: user.username },
        level: level as PermissionLevel,
        inherited: false,
        inheritedFrom: undefined,
      },
    ];
  }

  async setPermission(
    context: RequestContext,
    resource: Resource,
    grantee: Grantee,
    level: PermissionLevel,
  ): Promise<void> {
    if (grantee.kind !== 'user') throw new BadUserInputError('MLflow basic-auth grants permissions to users only');
    const permission = toMlflowPermission(level);
    try {
      if (resource.kind === 'experiment')
        await context.mlflowAuth.call('createExperimentPermission', {
          experiment_id: resource.id,
          username: grantee.name,
          permission,
        });
      else
        await context.mlflowAuth.call('createRegisteredModelPermission', {
          name: resource.name,
          username: grantee.name,
          permission,
        });
    } catch (error) {
      // A grant exists already: change it instead (create and update are separate endpoints in MLflow).
      if (!(error instanceof UpstreamError && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
      if (resource.kind === 'experiment')
        await context.mlflowAuth.call('updateExperimentPermission', {
          experiment_id: resource.id,
          username: grantee.name,
          permission,
        });
      else
        await context.mlflowAuth.call('updateRegisteredModelPermission', {
          name: resource.name,
          username: grantee.name,
          permission,
        });
    }
  }

  async revokePermission(context: RequestContext, resource: Resource, grantee: Grantee): Promise<void> {
    if (grantee.kind !== 'user') throw new BadUserInputError('MLflow basic-auth grants permissions to users only');
    if (resource.kind === 'experiment')
      await context.mlflowAuth.call('deleteExperimentPermission', {
        experiment_id: resource.id,
        username: grantee.name,
      });
    else
      await context.mlflowAuth.call('deleteRegisteredModelPermission', { name: resource.name, username: grantee.name });
  }
}
