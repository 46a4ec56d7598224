// An object's real grants under MLflow's basic-auth app. The app has no "grants of one object" endpoint, but MLflow
// >= 3 lists its users (users/list, administrators only), and users/get of each user returns all their grants: one
// list and one users/get per user give the grants of every object a request asks about. There is no batch form, so
// the calls are bounded (ACL_MAX_USERS) and made with bounded concurrency, once per request (the session keeps them).
import { cachePolicy, ttlSeconds } from '../../cache/cachePolicy.js';
import { fanOut } from '../../graphql/fanOut.js';
import { isNotFound, UpstreamError } from '../../upstream/http/UpstreamError.js';
import type { MlflowAuthClient } from '../../upstream/mlflow-auth/MlflowAuthClient.js';
import type { WireAuthUser, WireListedUser } from '../../upstream/mlflow-auth/endpoints.js';
import type { AclEntry } from '../PermissionBackend.js';
import type { PermissionCache } from '../PermissionRequest.js';
import { fromMlflowPermission } from '../PermissionLevel.js';
import type { Resource } from '../Resource.js';

/**
 * Most users whose grants one request reads: users/list plus one users/get per other user, so at most this many
 * calls whatever the number of objects. A server with more users answers the caller's own entry (complete: false).
 */
export const ACL_MAX_USERS = 100;
/** users/get calls in flight at once while reading everyone's grants. */
export const ACL_CONCURRENCY = 8;

/** A 404/405 without MLflow's JSON error: the server has no such route (MLflow < 3 has no users/list). */
function isMissingRoute(error: unknown): boolean {
  return (
    error instanceof UpstreamError && (error.status === 404 || error.status === 405) && error.errorCode === undefined
  );
}

/** What users/list answered this caller: the users, or that it refused them (kept per caller, never shared). */
type UserList = { users: WireListedUser[] } | { refused: true };

/** Why everyone's grants could not be read: the caller sees their own entry instead. */
export type UnlistedReason = 'not-admin' | 'no-user-list' | 'refused' | 'too-many-users';

/** What reading everyone's grants needs of the request. */
export interface GrantsInputs {
  /** The caller's own profile (users/get, already fetched for their permission checks). */
  readonly me: WireAuthUser;
  readonly mlflowAuth: Pick<MlflowAuthClient, 'call'>;
  readonly cache: Pick<PermissionCache, 'forCaller' | 'ttls'>;
  /** Set when the server answered that it has no users/list (MLflow < 3): a fact about the server, for every caller. */
  readonly noUserList: { value: boolean };
}

/**
 * Every user's profile, or why not. A 403 from users/list is remembered for this caller only (their admin flag may
 * have changed; another administrator may still list); a 404 means the server has no user list, for everyone.
 */
export async function readEveryonesGrants(inputs: GrantsInputs): Promise<WireAuthUser[] | UnlistedReason> {
  const { me, mlflowAuth, cache, noUserList } = inputs;
  if (!me.is_admin) return 'not-admin';
  if (noUserList.value) return 'no-user-list';
  let listed: UserList;
  try {
    listed = await cache.forCaller(
      cachePolicy.permission.namespace,
      'basicAuthUserList',
      async (): Promise<UserList> => {
        try {
          return { users: (await mlflowAuth.call('listUsers', {})).users ?? [] };
        } catch (error) {
          if (error instanceof UpstreamError && error.status === 403) return { refused: true };
          throw error;
        }
      },
      ttlSeconds(cachePolicy.permission, cache.ttls),
    );
  } catch (error) {
    if (isMissingRoute(error)) {
      noUserList.value = true;
      return 'no-user-list';
    }
    throw error;
  }
  if ('refused' in listed) return 'refused';
  if (listed.users.length > ACL_MAX_USERS) return 'too-many-users';
  const others = listed.users.filter((user) => user.username !== me.username);
  const profiles = await fanOut(
    others,
    async (user) => (await mlflowAuth.call('getUser', { username: user.username })).user,
    ACL_CONCURRENCY,
  );
  const found: WireAuthUser[] = [me];
  for (const profile of profiles) {
    // A user deleted between the list and their users/get simply has no grants left.
    if (profile instanceof Error) {
      if (isNotFound(profile)) continue;
      throw profile;
    }
    found.push(profile);
  }
  return found;
}

/**
 * The entries of one object's list: each user's explicit grant, and every administrator (MANAGE on everything,
 * reported as inherited from their role). Users with neither hold the server's default level.
 */
export function grantsOn(resource: Resource, users: readonly WireAuthUser[]): AclEntry[] {
  const entries: AclEntry[] = [];
  for (const user of users) {
    const grantee = { kind: 'user' as const, name: user.username };
    if (user.is_admin) {
      entries.push({ grantee, level: 'CAN_MANAGE', inherited: true, inheritedFrom: 'MLflow administrator' });
      continue;
    }
    const granted =
      resource.kind === 'experiment'
        ? user.experiment_permissions?.find((p) => String(p.experiment_id) === resource.id)?.permission
        : user.registered_model_permissions?.find((p) => p.name === resource.name)?.permission;
    if (granted !== undefined)
      entries.push({ grantee, level: fromMlflowPermission(granted), inherited: false, inheritedFrom: undefined });
  }
  return entries;
}
