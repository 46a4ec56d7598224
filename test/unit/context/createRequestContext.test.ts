import type { PermissionBackend, PermissionSession } from '../../../src/auth/PermissionBackend.js';
import type { PermissionRequest } from '../../../src/auth/PermissionRequest.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { loadConfig } from '../../../src/config.js';
import { createRequestContext } from '../../../src/context/createRequestContext.js';
import { createServices } from '../../../src/context/createServices.js';
import { defineLoaders } from '../../../src/context/defineLoaders.js';
import type { RequestContext } from '../../../src/context/RequestContext.js';
import type { Services } from '../../../src/context/Services.js';
import { asBearer } from '../../helpers/auth.js';

// The request context's members are built once per request, and Apollo's per-operation copy of the context (a
// shallow clone keeping the prototype) must see the very same ones: two caches or two authorizers in one request
// would fetch the caller's permissions twice and forget what a mutation just invalidated.

const trackingUri = 'http://127.0.0.1:9';
let services: Services;
beforeAll(() => {
  services = createServices(loadConfig({ NODE_ENV: 'test', MLFLOW_TRACKING_URI: trackingUri }), trackingUri, {
    cache: new MemoryCache(),
  });
});
afterAll(() => services.close());

/** What Apollo Server does to the context before each operation (ApolloServer.ts, cloneObject). */
const apolloClone = (context: RequestContext): RequestContext =>
  Object.assign(Object.create(Object.getPrototypeOf(context)), context);

describe('createRequestContext', () => {
  it('gives an operation clone the same cache, authorizer, clients and loaders as the context', () => {
    const context = createRequestContext(services, {});
    const clone = apolloClone(context);
    const token = defineLoaders('test', () => ({ made: Symbol('loaders') }));
    // The clone asks first: what it builds must be what the context then finds.
    expect(clone.cache).toBe(context.cache);
    expect(clone.authorizer).toBe(context.authorizer);
    expect(clone.loaders.get(token)).toBe(context.loaders.get(token));
    expect(clone.clients.mlflow).toBe(context.clients.mlflow);
    expect(clone.telemetry).toBe(context.telemetry);
  });

  it('builds each subgraph loaders once per request, and afresh for the next request', () => {
    const made: RequestContext[] = [];
    const token = defineLoaders('test', (context: RequestContext) => {
      made.push(context);
      return { n: made.length };
    });
    const first = createRequestContext(services, {});
    expect(first.loaders.get(token)).toBe(first.loaders.get(token));
    const second = createRequestContext(services, {});
    expect(second.loaders.get(token)).not.toBe(first.loaders.get(token));
    expect(made).toEqual([first, second]);
  });

  it('opens one permission session per request, with the caller, clients and cache of that request', async () => {
    const opened: PermissionRequest[] = [];
    const session: PermissionSession = {
      viewerLevels: async (resources) => resources.map(() => 'CAN_READ' as const),
      isAdmin: async () => false,
      identify: async () => ({ username: 'verified', email: undefined }),
      acl: async () => ({ entries: [], complete: true, defaultLevel: undefined }),
      setPermission: async () => undefined,
      revokePermission: async () => undefined,
    };
    const backend: PermissionBackend = {
      kind: 'databricks',
      resolve: async () => backend,
      session(request) {
        opened.push(request);
        return session;
      },
    };
    const withBackend: Services = { ...services, permissions: backend };
    const context = createRequestContext(withBackend, asBearer('one'));
    const clone = apolloClone(context);
    await context.authorizer.level({ kind: 'experiment', id: '1' });
    await clone.authorizer.identify();
    await clone.authorizer.allows({ kind: 'experiment', id: '2' }, 'CAN_READ');
    expect((await context.authorizer.session()).isAdmin).toBe(session.isAdmin);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.principal).toBe(context.principal);
    expect(opened[0]?.clients).toBe(context.clients);
    expect(opened[0]?.cache).toBe(context.cache);

    await createRequestContext(withBackend, asBearer('two')).authorizer.level({
      kind: 'experiment',
      id: '1',
    });
    expect(opened).toHaveLength(2);
    expect(opened[1]?.principal.authorization).toBe('Bearer two');
  });

  it('builds a GitLab client only on a GitLab backend, and says so when asked elsewhere', () => {
    const context = createRequestContext(services, {});
    expect(() => context.clients.gitlab).toThrow(/expected a GitLab API root/);
  });
});
