import { cachePolicy, ttlSeconds } from '../../cache/cachePolicy.js';
import { UnauthenticatedError } from '../../errors/SupergraphError.js';
import { errorCodeOf } from '../../errors/toGraphQLError.js';
import type {
  WireAccessControl,
  WireAccessControlRequest,
  WireObjectPermissions,
} from '../../upstream/databricks/permissionsApi.js';
import type {
  AclEntry,
  CallerIdentity,
  Grantee,
  ObjectAcl,
  PermissionBackend,
  PermissionSession,
} from '../PermissionBackend.js';
import { fromDatabricksPermission, maxLevel, type PermissionLevel } from '../PermissionLevel.js';
import type { PermissionRequest } from '../PermissionRequest.js';
import { resourceKey, type Resource } from '../Resource.js';

interface Me {
  userName: string;
  email: string | undefined;
  groups: Set<string>;
}

function grantee(entry: WireAccessControl): Grantee | undefined {
  if (entry.user_name) return { kind: 'user', name: entry.user_name };
  if (entry.group_name) return { kind: 'group', name: entry.group_name };
  if (entry.service_principal_name) return { kind: 'servicePrincipal', name: entry.service_principal_name };
  return undefined;
}

function granteeRequest(who: Grantee, level: PermissionLevel): WireAccessControlRequest {
  const key = who.kind === 'user' ? 'user_name' : who.kind === 'group' ? 'group_name' : 'service_principal_name';
  return { [key]: who.name, permission_level: level } as WireAccessControlRequest;
}

function toEntries(acl: WireObjectPermissions): AclEntry[] {
  return (acl.access_control_list ?? []).flatMap((entry) => {
    const who = grantee(entry);
    if (!who) return [];
    return (entry.all_permissions ?? []).map((p) => ({
      grantee: who,
      level: fromDatabricksPermission(p.permission_level),
      inherited: p.inherited ?? false,
      inheritedFrom: p.inherited_from_object?.join(', ') || undefined,
    }));
  });
}

/** The highest level an ACL gives `me`, directly or through a group (every user is in `users`). */
function levelIn(entries: readonly AclEntry[], me: Me): PermissionLevel {
  let level: PermissionLevel = 'NO_PERMISSIONS';
  for (const entry of entries) {
    const applies =
      (entry.grantee.kind === 'user' && entry.grantee.name === me.userName) ||
      (entry.grantee.kind === 'group' && (me.groups.has(entry.grantee.name) || entry.grantee.name === 'users'));
    if (applies) level = maxLevel(level, entry.level);
  }
  return level;
}

/**
 * Databricks permissions: ACLs with inheritance (workspace folders), registered models addressed by id.
 * The caller's level on an experiment is computed from its ACL for the caller and their groups (SCIM Me);
 * on a registered model Databricks reports it directly (`permission_level`). Everything runs with the
 * caller's token, so a caller never learns more than Databricks would tell them.
 */
export class DatabricksPermissionBackend implements PermissionBackend {
  readonly kind = 'databricks' as const;

  async resolve(): Promise<PermissionBackend> {
    return this;
  }

  session(request: PermissionRequest): PermissionSession {
    return new DatabricksPermissionSession(request);
  }
}

/** One caller's request against Databricks: their SCIM identity and model ids are looked up once and kept here. */
class DatabricksPermissionSession implements PermissionSession {
  /** SCIM Me (or the proxied user), once per request. */
  #me: Promise<Me> | undefined;
  /** Registered model name → Databricks id (and the caller's level on it). */
  readonly #models = new Map<string, Promise<{ id: string; level: PermissionLevel }>>();

  constructor(private readonly request: PermissionRequest) {}

  private get client() {
    return this.request.clients.databricksPermissions;
  }

  private me(): Promise<Me> {
    return (this.#me ??= (async () => {
      // Behind a trusted proxy the token is the service's: the proxied user is who the proxy says, with the
      // groups it forwards (every workspace user is in `users`).
      const { principal } = this.request;
      if (principal.kind === 'proxy')
        return {
          userName: principal.email ?? principal.username ?? '',
          email: principal.email,
          groups: new Set(['users', ...principal.groups]),
        };
      if (!principal.authorization)
        throw new UnauthenticatedError('Databricks needs a token: Authorization: Bearer <token>');
      const me = await this.client.call('me', {});
      const email =
        me.emails?.find((e) => e.primary)?.value ??
        me.emails?.[0]?.value ??
        (me.userName?.includes('@') ? me.userName : undefined);
      return {
        userName: me.userName ?? '',
        email,
        groups: new Set((me.groups ?? []).map((g) => g.display ?? '').filter(Boolean)),
      };
    })());
  }

  /** Registered model name → Databricks id (and the caller's level on it), memoized per request. */
  private model(name: string): Promise<{ id: string; level: PermissionLevel }> {
    let found = this.#models.get(name);
    if (!found) {
      found = this.client
        .call('getRegisteredModelDatabricks', { name })
        .then(({ registered_model_databricks: model }) => ({
          id: model.id,
          level: fromDatabricksPermission(model.permission_level),
        }));
      this.#models.set(name, found);
    }
    return found;
  }

  async grantCreator(resource: Resource): Promise<void> {
    // Databricks names users by their e-mail (userName).
    const { principal } = this.request;
    const name = principal.email ?? principal.username;
    if (name) await this.setPermission(resource, { kind: 'user', name }, 'CAN_MANAGE');
  }

  async forgetCaller(resource: Resource): Promise<void> {
    if (resource.kind === 'registeredModel') this.#models.delete(resource.name);
    await this.request.cache.forgetForCaller(cachePolicy.permission.namespace, [resourceKey(resource)]);
  }

  /** SCIM Me, with the caller's token (which proves it): the workspace user name and e-mail. */
  async identify(): Promise<CallerIdentity> {
    const me = await this.me();
    return { username: me.userName || undefined, email: me.email };
  }

  async isAdmin(): Promise<boolean> {
    return (await this.me()).groups.has('admins');
  }

  private async experimentLevel(id: string): Promise<PermissionLevel> {
    const me = await this.me();
    if (me.groups.has('admins')) return 'CAN_MANAGE';
    try {
      const acl = await this.client.call('getExperimentPermissions', { experiment_id: id });
      return levelIn(toEntries(acl), me);
    } catch (error) {
      // Not allowed to read the ACL: fall back to what the caller can observe, never more.
      if (errorCodeOf(error) !== 'FORBIDDEN') throw error;
      // The probe would answer for the service's token, not for a proxied user: nothing is known of them.
      if (this.request.principal.kind === 'proxy') return 'NO_PERMISSIONS';
      try {
        await this.client.call('getExperiment', { experiment_id: id });
        return 'CAN_READ';
      } catch (probe) {
        if (errorCodeOf(probe) === 'FORBIDDEN' || errorCodeOf(probe) === 'NOT_FOUND') return 'NO_PERMISSIONS';
        throw probe;
      }
    }
  }

  async viewerLevels(resources: readonly Resource[]): Promise<(PermissionLevel | Error)[]> {
    // Each caller's level on an object is cached for that caller's token, briefly (a revoked grant must stop
    // working within seconds on every instance); errors are not cached.
    const { cache } = this.request;
    return Promise.all(
      resources.map(async (resource) => {
        try {
          return await cache.forCaller(
            cachePolicy.permission.namespace,
            resourceKey(resource),
            () => this.uncachedLevel(resource),
            ttlSeconds(cachePolicy.permission, cache.ttls),
          );
        } catch (error) {
          const code = errorCodeOf(error);
          if (code === 'FORBIDDEN' || code === 'NOT_FOUND') return 'NO_PERMISSIONS';
          return error as Error;
        }
      }),
    );
  }

  private async uncachedLevel(resource: Resource): Promise<PermissionLevel> {
    if (resource.kind === 'experiment') return this.experimentLevel(resource.id);
    const me = await this.me();
    if (me.groups.has('admins')) return 'CAN_MANAGE';
    const model = await this.model(resource.name);
    // Databricks reports the level of the token's owner; a proxied user's is read from the model's ACL.
    if (this.request.principal.kind !== 'proxy') return model.level;
    const acl = await this.client.call('getRegisteredModelPermissions', { registered_model_id: model.id });
    return levelIn(toEntries(acl), me);
  }

  async acl(resource: Resource): Promise<ObjectAcl> {
    // Databricks lists an object's direct and inherited grants whole; everyone else has no access.
    return { entries: await this.entries(resource), complete: true, defaultLevel: undefined };
  }

  private async entries(resource: Resource): Promise<AclEntry[]> {
    if (resource.kind === 'experiment')
      return toEntries(await this.client.call('getExperimentPermissions', { experiment_id: resource.id }));
    const { id } = await this.model(resource.name);
    return toEntries(await this.client.call('getRegisteredModelPermissions', { registered_model_id: id }));
  }

  async setPermission(resource: Resource, who: Grantee, level: PermissionLevel): Promise<void> {
    // PATCH adds or changes one grant and leaves the others alone.
    const access_control_list = [granteeRequest(who, level)];
    if (resource.kind === 'experiment')
      await this.client.call('updateExperimentPermissions', { experiment_id: resource.id, access_control_list });
    else
      await this.client.call('updateRegisteredModelPermissions', {
        registered_model_id: (await this.model(resource.name)).id,
        access_control_list,
      });
  }

  async revokePermission(resource: Resource, who: Grantee): Promise<void> {
    // Databricks has no "remove one grant": PUT the direct grants minus this grantee. Not atomic against a
    // concurrent change to the same object's ACL (Databricks offers no precondition); noted in the docs.
    const current = await this.entries(resource);
    const remaining = current
      .filter((entry) => !entry.inherited && !(entry.grantee.kind === who.kind && entry.grantee.name === who.name))
      .map((entry) => granteeRequest(entry.grantee, entry.level));
    if (resource.kind === 'experiment')
      await this.client.call('setExperimentPermissions', {
        experiment_id: resource.id,
        access_control_list: remaining,
      });
    else
      await this.client.call('setRegisteredModelPermissions', {
        registered_model_id: (await this.model(resource.name)).id,
        access_control_list: remaining,
      });
  }
}
