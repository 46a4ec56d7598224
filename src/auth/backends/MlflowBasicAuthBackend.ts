import { cachePolicy, ttlSeconds } from '../../cache/cachePolicy.js';
import { BadUserInputError, UnauthenticatedError, UnsupportedByBackendError } from '../../errors/SupergraphError.js';
import { errorCodeOf } from '../../errors/toGraphQLError.js';
import { UpstreamError } from '../../upstream/http/UpstreamError.js';
import type { WireAuthUser } from '../../upstream/mlflow-auth/endpoints.js';
import type { CallerIdentity, Grantee, ObjectAcl, PermissionBackend, PermissionSession } from '../PermissionBackend.js';
import { fromMlflowPermission, toMlflowPermission, type PermissionLevel } from '../PermissionLevel.js';
import type { PermissionRequest } from '../PermissionRequest.js';
import type { Resource } from '../Resource.js';
import { grantsOn, readEveryonesGrants, type UnlistedReason } from './basicAuthGrants.js';

/** basic-auth's grant endpoints for one object's kind, and how they name the object (experiments by id, models by name). */
function grantCalls(resource: Resource) {
  return resource.kind === 'experiment'
    ? ({
        object: { experiment_id: resource.id },
        create: 'createExperimentPermission',
        update: 'updateExperimentPermission',
        remove: 'deleteExperimentPermission',
      } as const)
    : ({
        object: { name: resource.name },
        create: 'createRegisteredModelPermission',
        update: 'updateRegisteredModelPermission',
        remove: 'deleteRegisteredModelPermission',
      } as const);
}

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

  /** Set once the server answered that it has no users/list (MLflow < 3): object ACLs show the caller's entry only. */
  private readonly noUserList = { value: false };

  get reportedKind(): string {
    return this.rbacDetected ? 'mlflow-rbac' : this.kind;
  }

  session(request: PermissionRequest): PermissionSession {
    return new BasicAuthSession(request, this.defaultLevel, this.noUserList, () => {
      this.rbacDetected = true;
    });
  }
}

/** One caller's request against MLflow's basic-auth app: their profile is fetched once and kept here. */
class BasicAuthSession implements PermissionSession {
  /** The caller's profile (users/get), once per request; dropped when their own grants change. */
  #profile: Promise<WireAuthUser> | undefined;
  /** Every user's profile for object ACLs (an administrator's, MLflow >= 3), once per request; dropped by grants. */
  #everyone: Promise<WireAuthUser[] | UnlistedReason> | undefined;

  constructor(
    private readonly request: PermissionRequest,
    private readonly defaultLevel: PermissionLevel,
    /** Whether the server turned out to have no users/list (shared by every session of the backend). */
    private readonly noUserList: { value: boolean },
    /** Tells the backend that users/get is gone (MLflow >= 3.13's RBAC), for Query.backend. */
    private readonly rbacDetected: () => void,
  ) {}

  /** The caller's profile, once per request. */
  private profile(): Promise<WireAuthUser> {
    return (this.#profile ??= this.fetchProfile());
  }

  private async fetchProfile(): Promise<WireAuthUser> {
    const { username, kind } = this.request.principal;
    if (!username || (kind !== 'basic' && kind !== 'proxy' && kind !== 'service')) {
      throw new UnauthenticatedError(
        'MLflow basic-auth needs Basic credentials (Authorization: Basic base64(user:password))',
      );
    }
    // Cached for the caller's exact credentials (a wrong password never reads a right one's entry), briefly:
    // a revoked grant must stop working within seconds on every instance.
    const { cache, clients } = this.request;
    try {
      return await cache.forCaller(
        cachePolicy.permission.namespace,
        'basicAuthProfile',
        async () => (await clients.mlflowAuth.call('getUser', { username })).user,
        ttlSeconds(cachePolicy.permission, cache.ttls),
      );
    } catch (error) {
      // MLflow >= 3.13 replaced these endpoints with RBAC (users/permissions/get), which this version does
      // not speak: say so, and decide nothing (every protected field fails closed with this error).
      if (errorCodeOf(error) === 'UNSUPPORTED_BY_BACKEND') {
        this.rbacDetected();
        throw new UnsupportedByBackendError(
          "MLflow's basic-auth permission API (users/get; MLflow >= 3.13 moved to RBAC)",
          'mlflow',
        );
      }
      throw error;
    }
  }

  async grantCreator(resource: Resource): Promise<void> {
    const { username } = this.request.principal;
    if (username) await this.setPermission(resource, { kind: 'user', name: username }, 'CAN_MANAGE');
  }

  async forgetCaller(): Promise<void> {
    // The profile lists every grant of the caller: one entry to drop, here and in the shared cache.
    this.#profile = undefined;
    await this.request.cache.forgetForCaller(cachePolicy.permission.namespace, ['basicAuthProfile']);
  }

  prefetch(): void {
    // Memoized per request: the checks that follow await this same fetch.
    if (this.request.principal.username) this.profile().catch(() => undefined);
  }

  /**
   * The profile fetch is made with the caller's own credentials, so it also proves them (a wrong password is
   * MLflow's 401, UNAUTHENTICATED); it is the one the permission checks use, cached for the caller's credential.
   */
  async identify(): Promise<CallerIdentity> {
    const user = await this.profile();
    const { principal } = this.request;
    return { username: user.username ?? principal.username, email: principal.email };
  }

  async isAdmin(): Promise<boolean> {
    return (await this.profile()).is_admin;
  }

  async viewerLevels(resources: readonly Resource[]): Promise<(PermissionLevel | Error)[]> {
    const user = await this.profile();
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

  async acl(resource: Resource): Promise<ObjectAcl> {
    const everyone = await this.everyone();
    if (Array.isArray(everyone))
      return { entries: grantsOn(resource, everyone), complete: true, defaultLevel: this.defaultLevel };
    // Without a readable user list (not an administrator, MLflow < 3, a refusal, too many users) the caller's own
    // grant is what can be read: their entry, marked as part of the list.
    const [level] = await this.viewerLevels([resource]);
    const user = await this.profile();
    return {
      entries: [
        {
          grantee: { kind: 'user', name: user.username },
          level: level as PermissionLevel,
          inherited: false,
          inheritedFrom: undefined,
        },
      ],
      complete: false,
      defaultLevel: this.defaultLevel,
    };
  }

  /** Every user's profile (see basicAuthGrants.ts), once per request. */
  private everyone(): Promise<WireAuthUser[] | UnlistedReason> {
    return (this.#everyone ??= this.profile().then((me) =>
      readEveryonesGrants({
        me,
        mlflowAuth: this.request.clients.mlflowAuth,
        cache: this.request.cache,
        noUserList: this.noUserList,
      }),
    ));
  }

  async setPermission(resource: Resource, grantee: Grantee, level: PermissionLevel): Promise<void> {
    const { mlflowAuth } = this.request.clients;
    if (grantee.kind !== 'user') throw new BadUserInputError('MLflow basic-auth grants permissions to users only');
    const calls = grantCalls(resource);
    const params = { ...calls.object, username: grantee.name, permission: toMlflowPermission(level) };
    try {
      await mlflowAuth.call(calls.create, params);
    } catch (error) {
      // A grant exists already: change it instead (create and update are separate endpoints in MLflow).
      if (!(error instanceof UpstreamError && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
      await mlflowAuth.call(calls.update, params);
    }
    // The list that follows a grant (the mutation's answer) must show it.
    this.#everyone = undefined;
  }

  async revokePermission(resource: Resource, grantee: Grantee): Promise<void> {
    const { mlflowAuth } = this.request.clients;
    if (grantee.kind !== 'user') throw new BadUserInputError('MLflow basic-auth grants permissions to users only');
    const calls = grantCalls(resource);
    await mlflowAuth.call(calls.remove, { ...calls.object, username: grantee.name });
    this.#everyone = undefined;
  }
}
