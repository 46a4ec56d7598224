import type { RequestContext } from '../../context/RequestContext.js';
import { upstreamClientOptions } from '../../context/createRequestContext.js';
import { perRequest } from '../../context/RequestContext.js';
import { UnauthenticatedError } from '../../errors/SupergraphError.js';
import { errorCodeOf } from '../../errors/toGraphQLError.js';
import {
  DatabricksPermissionsClient,
  type WireAccessControl,
  type WireAccessControlRequest,
  type WireObjectPermissions,
} from '../../upstream/databricks/permissionsApi.js';
import type { AclEntry, CallerIdentity, Grantee, PermissionBackend } from '../PermissionBackend.js';
import { fromDatabricksPermission, maxLevel, type PermissionLevel } from '../PermissionLevel.js';
import { resourceKey, type Resource } from '../Resource.js';
import { requestCache } from '../../context/requestCache.js';

const CLIENT = Symbol('databricks.permissions.client');
const ME = Symbol('databricks.permissions.me');
const MODEL_IDS = Symbol('databricks.permissions.modelIds');

interface Me {
  userName: string;
  email: string | undefined;
  groups: Set<string>;
}

function client(context: RequestContext): DatabricksPermissionsClient {
  return perRequest(context, CLIENT, () => new DatabricksPermissionsClient(upstreamClientOptions(context)));
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

  private me(context: RequestContext): Promise<Me> {
    return perRequest(context, ME, async () => {
      // Behind a trusted proxy the token is the service's: the proxied user is who the proxy says, with the
      // groups it forwards (every workspace user is in `users`).
      const { principal } = context;
      if (principal.kind === 'proxy')
        return {
          userName: principal.email ?? principal.username ?? '',
          email: principal.email,
          groups: new Set(['users', ...principal.groups]),
        };
      if (!context.principal.authorization)
        throw new UnauthenticatedError('Databricks needs a token: Authorization: Bearer <token>');
      const me = await client(context).call('me', {});
      const email =
        me.emails?.find((e) => e.primary)?.value ??
        me.emails?.[0]?.value ??
        (me.userName?.includes('@') ? me.userName : undefined);
      return {
        userName: me.userName ?? '',
        email,
        groups: new Set((me.groups ?? []).map((g) => g.display ?? '').filter(Boolean)),
      };
    });
  }

  /** Registered model name → Databricks id (and the caller's level on it), memoized per request. */
  private model(context: RequestContext, name: string): Promise<{ id: string; level: PermissionLevel }> {
    const memo = perRequest(
      context,
      MODEL_IDS,
      () => new Map<string, Promise<{ id: string; level: PermissionLevel }>>(),
    );
    let found = memo.get(name);
    if (!found) {
      found = client(context)
        .call('getRegisteredModelDatabricks', { name })
        .then(({ registered_model_databricks: model }) => ({
          id: model.id,
          level: fromDatabricksPermission(model.permission_level),
        }));
      memo.set(name, found);
    }
    return found;
  }

  async grantCreator(context: RequestContext, resource: Resource): Promise<void> {
    // Databricks names users by their e-mail (userName).
    const name = context.principal.email ?? context.principal.username;
    if (name) await this.setPermission(context, resource, { kind: 'user', name }, 'CAN_MANAGE');
  }

  async forgetCaller(context: RequestContext, resource: Resource): Promise<void> {
    if (resource.kind === 'registeredModel')
      perRequest(context, MODEL_IDS, () => new Map<string, Promise<{ id: string; level: PermissionLevel }>>()).delete(
        resource.name,
      );
    await requestCache(context).forgetForCaller('permission', [resourceKey(resource)]);
  }

  /** SCIM Me, with the caller's token (which proves it): the workspace user name and e-mail. */
  async identify(context: RequestContext): Promise<CallerIdentity> {
    const me = await this.me(context);
    return { username: me.userName || undefined, email: me.email };
  }

  async isAdmin(context: RequestContext): Promise<boolean> {
    return (await this.me(context)).groups.has('admins');
  }

  private async experimentLevel(context: RequestContext, id: string): Promise<PermissionLevel> {
    const me = await this.me(context);
    if (me.groups.has('admins')) return 'CAN_MANAGE';
    try {
      const acl = await client(context).call('getExperimentPermissions', { experiment_id: id });
      return levelIn(toEntries(acl), me);
    } catch (error) {
      // Not allowed to read the ACL: fall back to what the caller can observe, never more.
      if (errorCodeOf(error) !== 'FORBIDDEN') throw error;
      // The probe would answer for the service's token, not for a proxied user: nothing is known of them.
      if (context.principal.kind === 'proxy') return 'NO_PERMISSIONS';
      try {
        await client(context).call('getExperiment', { experiment_id: id });
        return 'CAN_READ';
      } catch (probe) {
        if (errorCodeOf(probe) === 'FORBIDDEN' || errorCodeOf(probe) === 'NOT_FOUND') return 'NO_PERMISSIONS';
        throw probe;
      }
    }
  }

  async viewerLevels(context: RequestContext, resources: readonly Resource[]): Promise<(PermissionLevel | Error)[]> {
    // Each caller's level on an object is cached for that caller's token, briefly (a revoked grant must stop
    // working within seconds on every instance); errors are not cached.
    const cache = requestCache(context);
    return Promise.all(
      resources.map(async (resource) => {
        try {
          return await cache.forCaller(
            'permission',
            resourceKey(resource),
            () => this.uncachedLevel(context, resource),
            cache.ttls.permission,
          );
        } catch (error) {
          const code = errorCodeOf(error);
          if (code === 'FORBIDDEN' || code === 'NOT_FOUND') return 'NO_PERMISSIONS';
          return error as Error;
        }
      }),
    );
  }

  private async uncachedLevel(context: RequestContext, resource: Resource): Promise<PermissionLevel> {
    if (resource.kind === 'experiment') return this.experimentLevel(context, resource.id);
    const me = await this.me(context);
    if (me.groups.has('admins')) return 'CAN_MANAGE';
    const model = await this.model(context, resource.name);
    // Databricks reports the level of the token's owner; a proxied user's is read from the model's ACL.
    if (context.principal.kind !== 'proxy') return model.level;
    const acl = await client(context).call('getRegisteredModelPermissions', { registered_model_id: model.id });
    return levelIn(toEntries(acl), me);
  }

  async acl(context: RequestContext, resource: Resource): Promise<AclEntry[]> {
    if (resource.kind === 'experiment')
      return toEntries(await client(context).call('getExperimentPermissions', { experiment_id: resource.id }));
    const { id } = await this.model(context, resource.name);
    return toEntries(await client(context).call('getRegisteredModelPermissions', { registered_model_id: id }));
  }

  async setPermission(
    context: RequestContext,
    resource: Resource,
    who: Grantee,
    level: PermissionLevel,
  ): Promise<void> {
    // PATCH adds or changes one grant and leaves the others alone.
    const access_control_list = [granteeRequest(who, level)];
    if (resource.kind === 'experiment')
      await client(context).call('updateExperimentPermissions', { experiment_id: resource.id, access_control_list });
    else
      await client(context).call('updateRegisteredModelPermissions', {
        registered_model_id: (await this.model(context, resource.name)).id,
        access_control_list,
      });
  }

  async revokePermission(context: RequestContext, resource: Resource, who: Grantee): Promise<void> {
    // Databricks has no "remove one grant": PUT the direct grants minus this grantee. Not atomic against a
    // concurrent change to the same object's ACL (Databricks offers no precondition); noted in the docs.
    const current = await this.acl(context, resource);
    const remaining = current
      .filter((entry) => !entry.inherited && !(entry.grantee.kind === who.kind && entry.grantee.name === who.name))
      .map((entry) => granteeRequest(entry.grantee, entry.level));
    if (resource.kind === 'experiment')
      await client(context).call('setExperimentPermissions', {
        experiment_id: resource.id,
        access_control_list: remaining,
      });
    else
      await client(context).call('setRegisteredModelPermissions', {
        registered_model_id: (await this.model(context, resource.name)).id,
        access_control_list: remaining,
      });
  }
}
