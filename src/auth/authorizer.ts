import DataLoader from 'dataloader';
import { loaderOptions } from '../graphql/loaderOptions.js';
import type { RequestContext } from '../context/RequestContext.js';
import { perRequest } from '../context/RequestContext.js';
import { ForbiddenError, UnauthenticatedError } from '../errors/SupergraphError.js';
import type { CallerIdentity, PermissionBackend } from './PermissionBackend.js';
import { atLeast, type PermissionLevel } from './PermissionLevel.js';
import { resourceKey, type Resource } from './Resource.js';

/** Per-request authorization decisions (batched, memoized for the request only). */
export interface Authorizer {
  /** The concrete permission backend for this request. */
  backend(): Promise<PermissionBackend>;
  /** The caller's level on a resource; undefined when no permission service decides (backend enforces). */
  level(resource: Resource): Promise<PermissionLevel | undefined>;
  /** True when the caller holds at least `required` (or no permission service decides). */
  allows(resource: Resource, required: PermissionLevel): Promise<boolean>;
  /** Throws FORBIDDEN unless the caller holds at least `required`. */
  require(resource: Resource, required: PermissionLevel): Promise<void>;
  /** Throws UNAUTHENTICATED for an anonymous caller when a permission service is in charge, or one it cannot decide for. */
  requireKnownCaller(): Promise<void>;
  /**
   * The scopes the caller's credentials hold: the gateway's reading (configuration, proxy headers), narrowed by
   * the permission service where it knows the credential better (GitLab's read_api tokens).
   */
  scopes(): Promise<readonly string[]>;
  /** Throws FORBIDDEN when the caller's credentials lack a scope (read-only tokens and `write`). */
  requireScope(scope: string): Promise<void>;
  /**
   * The caller as the permission service verified them (user name, e-mail): UNAUTHENTICATED for credentials it
   * rejects. Without a service that verifies credentials, the gateway's own reading of them.
   */
  identify(): Promise<CallerIdentity>;
  /** Throws FORBIDDEN (with the reason) unless the caller may create a `kind` object, where the service decides that. */
  requireCreate(kind: Resource['kind']): Promise<void>;
  /**
   * The caller just created `resource`: make them its manager where the backend could not see them (behind a
   * trusted proxy it saw the service's credentials), and forget their cached levels on it.
   */
  created(resource: Resource): Promise<void>;
}

const AUTHORIZER = Symbol('auth.authorizer');
/** What an open MLflow (no auth, no permission service) lets anyone do. */
const OPEN_MLFLOW_SCOPES: readonly string[] = Object.freeze(['read', 'write']);

/** The authorizer of this request. */
export function authorizer(context: RequestContext): Authorizer {
  return perRequest(context, AUTHORIZER, () => createAuthorizer(context));
}

function createAuthorizer(context: RequestContext): Authorizer {
  let resolved: Promise<PermissionBackend> | undefined;
  const backend = () => (resolved ??= context.services.permissions.resolve());
  // One batch per tick: a list of 50 runs in 3 experiments asks the backend about 3 experiments once.
  const levels = new DataLoader<Resource, PermissionLevel | undefined, string>(
    async (resources) => (await backend()).viewerLevels(context, resources),
    { ...loaderOptions(context), cacheKeyFn: resourceKey },
  );
  // A service that answers yes/no per action (a custom permission service) is asked what each check needs.
  const checks = new DataLoader<{ resource: Resource; required: PermissionLevel }, boolean, string>(
    async (items) => {
      const service = await backend();
      if (!service.viewerAllows)
        throw new TypeError(`authorizer: expected a backend with viewerAllows, got ${service.kind}`);
      return service.viewerAllows(context, items);
    },
    { ...loaderOptions(context), cacheKeyFn: ({ resource, required }) => `${resourceKey(resource)}\u0000${required}` },
  );
  let prefetched = false;
  const self: Authorizer = {
    backend,
    level: (resource) => levels.load(resource),
    async allows(resource, required) {
      if ((await backend()).viewerAllows) return checks.load({ resource, required });
      const level = await levels.load(resource);
      return level === undefined || atLeast(level, required);
    },
    async require(resource, required) {
      if (!(await self.allows(resource, required))) {
        // No identifiers in the message: a caller must not learn the id of an object they cannot read
        // (experimentByName would otherwise reveal it). The error's path says which field was refused.
        const what = resource.kind === 'experiment' ? 'the experiment' : 'the registered model';
        throw new ForbiddenError(`Permission denied: ${required} on ${what} is required`, { requiredLevel: required });
      }
    },
    async requireKnownCaller() {
      const service = await backend();
      if (context.principal.kind === 'anonymous' && service.kind === 'none') return;
      // A backend that decides only for some identities says which (with its own message).
      service.requireCaller?.(context);
      if (context.principal.kind === 'anonymous')
        throw new UnauthenticatedError('Authentication required: send Authorization: Basic … or Bearer …');
      // Every root field comes through here first: what the caller's checks will need is fetched alongside the
      // field's own first call, not after it (one sequential upstream wave fewer).
      if (!prefetched) service.prefetch?.(context);
      prefetched = true;
    },
    async identify() {
      const { principal } = context;
      const own = { username: principal.username, email: principal.email };
      // A trusted proxy vouches for whom it names (the service's credentials upstream say nothing of them).
      if (principal.kind === 'anonymous' || principal.kind === 'proxy') return own;
      const service = await backend();
      if (!service.identify) return own;
      const verified = await service.identify(context);
      return { username: verified.username ?? own.username, email: verified.email ?? own.email };
    },
    async requireCreate(kind) {
      await (await backend()).requireCreate?.(context, kind);
    },
    async created(resource) {
      const service = await backend();
      if (context.principal.kind === 'proxy') await service.grantCreator?.(context, resource);
      levels.clear(resource);
      checks.clearAll();
      await service.forgetCaller?.(context, resource);
    },
    async scopes() {
      const service = await backend();
      // An MLflow server without auth lets anyone write, and nothing in front of it (no permission service)
      // decides otherwise: refusing anonymous writes there would make the graph stricter than the server it
      // fronts (and the demo read-only). Everywhere else — including MLflow behind an auth layer that refused the
      // anonymous probe — anonymous callers read at most.
      if (context.principal.kind === 'anonymous') {
        const open =
          service.kind === 'none' && service.anonymousWrites !== false && context.services.config.backend === 'mlflow';
        return open ? OPEN_MLFLOW_SCOPES : context.principal.scopes;
      }
      if (!service.scopes) return context.principal.scopes;
      const granted = await service.scopes(context);
      return context.principal.scopes.filter((scope) => granted.includes(scope));
    },
    async requireScope(scope) {
      if (!(await self.scopes()).includes(scope)) {
        if (context.principal.kind === 'anonymous')
          throw new UnauthenticatedError(
            `Authentication required: anonymous callers may not use the "${scope}" scope here`,
          );
        throw new ForbiddenError(`Your credentials are read-only: the "${scope}" scope is required`, {
          requiredScope: scope,
        });
      }
    },
  };
  return self;
}
