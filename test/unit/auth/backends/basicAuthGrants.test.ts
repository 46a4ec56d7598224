import {
  ACL_MAX_USERS,
  grantsOn,
  readEveryonesGrants,
  type GrantsInputs,
} from '../../../../src/auth/backends/basicAuthGrants.js';
import { defaultTtls } from '../../../../src/cache/cachePolicy.js';
import { UpstreamError } from '../../../../src/upstream/http/UpstreamError.js';
import type { WireAuthUser } from '../../../../src/upstream/mlflow-auth/endpoints.js';

// Shapes as MLflow 3.11.1's basic-auth app sends them (corpus seq 283-289): users/list names every user (admins
// only; 403 "Permission denied" otherwise), users/get returns one user's grants; MLflow 2.x has no users/list
// (Flask's HTML 404).

const user = (username: string, grants: Partial<WireAuthUser> = {}): WireAuthUser => ({
  id: username.length,
  username,
  is_admin: false,
  experiment_permissions: [],
  registered_model_permissions: [],
  ...grants,
});

const ADMIN = user('admin', { is_admin: true });
const PROFILES: Record<string, WireAuthUser> = {
  admin: ADMIN,
  alice: user('alice', { registered_model_permissions: [{ name: 'qa-prompt', permission: 'MANAGE' }] }),
  bob: user('bob', { experiment_permissions: [{ experiment_id: '7', permission: 'READ' }] }),
  carol: user('carol', { registered_model_permissions: [{ name: 'qa-prompt', permission: 'NO_PERMISSIONS' }] }),
  root: user('root', { is_admin: true }),
};

function httpError(status: number, errorCode?: string): UpstreamError {
  return new UpstreamError({
    upstream: 'MLflow auth',
    endpoint: 'GET /api/2.0/mlflow/users/list',
    failure: 'http',
    status,
    ...(errorCode ? { errorCode } : {}),
    message: `MLflow auth answered HTTP ${status}`,
  });
}

/** A fake auth client that records its calls; `list` answers users/list. */
function fakeAuth(list: () => Promise<{ users?: { username: string }[] }>) {
  const calls: string[] = [];
  return {
    calls,
    call: (async (name: string, params: { username?: string }) => {
      calls.push(name === 'getUser' ? `getUser ${params.username}` : name);
      if (name === 'listUsers') return list();
      const found = PROFILES[params.username ?? ''];
      if (!found) throw httpError(404, 'RESOURCE_DOES_NOT_EXIST');
      return { user: found };
    }) as GrantsInputs['mlflowAuth']['call'],
  };
}

/** One caller's per-caller cache (what RequestCache.forCaller keeps under their credential). */
function callerCache(): GrantsInputs['cache'] {
  const kept = new Map<string, unknown>();
  return {
    ttls: defaultTtls,
    async forCaller<T>(namespace: string, id: string, fetch: () => Promise<T>): Promise<T> {
      const key = `${namespace}:${id}`;
      if (!kept.has(key)) kept.set(key, await fetch());
      return kept.get(key) as T;
    },
  };
}

const everyone = async () => ({ users: ['admin', 'alice', 'bob', 'carol'].map((username) => ({ username })) });

describe('readEveryonesGrants', () => {
  it('lists users once and reads each other user’s grants once: 1 + (users - 1) calls, whatever the objects', async () => {
    const auth = fakeAuth(everyone);
    const users = await readEveryonesGrants({
      me: ADMIN,
      mlflowAuth: auth,
      cache: callerCache(),
      noUserList: { value: false },
    });
    expect(auth.calls).toEqual(['listUsers', 'getUser alice', 'getUser bob', 'getUser carol']);
    expect(Array.isArray(users) && users.map((u) => u.username)).toEqual(['admin', 'alice', 'bob', 'carol']);
  });

  it('asks nothing for a caller who is not an administrator (users/list is theirs to be refused)', async () => {
    const auth = fakeAuth(everyone);
    const result = await readEveryonesGrants({
      me: PROFILES.alice as WireAuthUser,
      mlflowAuth: auth,
      cache: callerCache(),
      noUserList: { value: false },
    });
    expect(result).toBe('not-admin');
    expect(auth.calls).toEqual([]);
  });

  it('remembers a 403 for that caller only', async () => {
    const refusing = fakeAuth(async () => {
      throw httpError(403);
    });
    const noUserList = { value: false };
    const cache = callerCache();
    expect(await readEveryonesGrants({ me: ADMIN, mlflowAuth: refusing, cache, noUserList })).toBe('refused');
    expect(await readEveryonesGrants({ me: ADMIN, mlflowAuth: refusing, cache, noUserList })).toBe('refused');
    expect(refusing.calls).toEqual(['listUsers']);
    expect(noUserList.value).toBe(false);
    // Another administrator (another credential, another cache scope) still lists.
    const other = fakeAuth(everyone);
    const result = await readEveryonesGrants({
      me: PROFILES.root as WireAuthUser,
      mlflowAuth: other,
      cache: callerCache(),
      noUserList,
    });
    expect(Array.isArray(result)).toBe(true);
  });

  it('learns once, for every caller, that a server has no users/list (MLflow 2.x: HTML 404)', async () => {
    const old = fakeAuth(async () => {
      throw httpError(404);
    });
    const noUserList = { value: false };
    expect(await readEveryonesGrants({ me: ADMIN, mlflowAuth: old, cache: callerCache(), noUserList })).toBe(
      'no-user-list',
    );
    expect(noUserList.value).toBe(true);
    const again = fakeAuth(everyone);
    expect(
      await readEveryonesGrants({
        me: PROFILES.root as WireAuthUser,
        mlflowAuth: again,
        cache: callerCache(),
        noUserList,
      }),
    ).toBe('no-user-list');
    expect(again.calls).toEqual([]);
  });

  it('reads no grants on a server with more users than one request lists', async () => {
    const many = fakeAuth(async () => ({
      users: Array.from({ length: ACL_MAX_USERS + 1 }, (_, i) => ({ username: `user-${i}` })),
    }));
    const result = await readEveryonesGrants({
      me: ADMIN,
      mlflowAuth: many,
      cache: callerCache(),
      noUserList: { value: false },
    });
    expect(result).toBe('too-many-users');
    expect(many.calls).toEqual(['listUsers']);
  });

  it('skips a user deleted between the list and their users/get', async () => {
    const auth = fakeAuth(async () => ({ users: [{ username: 'admin' }, { username: 'ghost' }, { username: 'bob' }] }));
    const result = await readEveryonesGrants({
      me: ADMIN,
      mlflowAuth: auth,
      cache: callerCache(),
      noUserList: { value: false },
    });
    expect(Array.isArray(result) && result.map((u) => u.username)).toEqual(['admin', 'bob']);
  });
});

describe('grantsOn', () => {
  const users = Object.values(PROFILES);

  it('lists each explicit grant on the object and every administrator; the rest hold the default', () => {
    expect(grantsOn({ kind: 'registeredModel', name: 'qa-prompt' }, users)).toEqual([
      {
        grantee: { kind: 'user', name: 'admin' },
        level: 'CAN_MANAGE',
        inherited: true,
        inheritedFrom: 'MLflow administrator',
      },
      { grantee: { kind: 'user', name: 'alice' }, level: 'CAN_MANAGE', inherited: false, inheritedFrom: undefined },
      { grantee: { kind: 'user', name: 'carol' }, level: 'NO_PERMISSIONS', inherited: false, inheritedFrom: undefined },
      {
        grantee: { kind: 'user', name: 'root' },
        level: 'CAN_MANAGE',
        inherited: true,
        inheritedFrom: 'MLflow administrator',
      },
    ]);
    expect(grantsOn({ kind: 'experiment', id: '7' }, users).map((e) => [e.grantee.name, e.level])).toEqual([
      ['admin', 'CAN_MANAGE'],
      ['bob', 'CAN_READ'],
      ['root', 'CAN_MANAGE'],
    ]);
  });
});
