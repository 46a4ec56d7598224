// The request's authorizer: a known caller is checked once per request however many fields ask (an `_entities` list
// of 500 runs asks 500 times); a refusal is not remembered as a pass.
import { createAuthorizer } from '../../../src/auth/authorizer.js';
import type { PermissionBackend, PermissionSession } from '../../../src/auth/PermissionBackend.js';
import type { PermissionRequest } from '../../../src/auth/PermissionRequest.js';
import type { Principal } from '../../../src/auth/Principal.js';

function setUp(principal: Principal) {
  const counts = { resolve: 0, requireCaller: 0, prefetch: 0 };
  const session = {
    requireCaller: () => {
      counts.requireCaller += 1;
    },
    prefetch: () => {
      counts.prefetch += 1;
    },
    viewerLevels: async () => [],
  } as unknown as PermissionSession;
  const backend: PermissionBackend = {
    kind: 'mlflow-basic-auth',
    resolve: async () => {
      counts.resolve += 1;
      return backend;
    },
    session: () => session,
  };
  const request = {
    principal,
    clients: {},
    cache: { lifetime: { observe: () => undefined }, ttls: { permission: 60 } },
  } as unknown as PermissionRequest;
  const authorizer = createAuthorizer({
    permissions: backend,
    request,
    config: { backend: {}, naiveResolvers: false } as never,
  });
  return { authorizer, counts };
}

describe('Authorizer.requireKnownCaller', () => {
  it('checks a known caller once per request', async () => {
    const { authorizer, counts } = setUp({ kind: 'basic', username: 'alice', authorization: 'Basic x' } as Principal);
    await Promise.all([authorizer.requireKnownCaller(), authorizer.requireKnownCaller()]);
    await authorizer.requireKnownCaller();
    expect(counts).toEqual({ resolve: 1, requireCaller: 1, prefetch: 1 });
  });

  it('refuses an anonymous caller every time it is asked', async () => {
    const { authorizer, counts } = setUp({ kind: 'anonymous' } as Principal);
    await expect(authorizer.requireKnownCaller()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(authorizer.requireKnownCaller()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(counts.requireCaller).toBe(2);
    expect(counts.prefetch).toBe(0);
  });
});
