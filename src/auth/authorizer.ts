import DataLoader from 'dataloader';
import { cachePolicy, ttlSeconds } from '../cache/cachePolicy.js';
import type { Config } from '../config.js';
import { loaderOptions } from '../graphql/loaderOptions.js';
import { ForbiddenError, UnauthenticatedError } from '../errors/SupergraphError.js';
import type { CallerIdentity, PermissionBackend, PermissionSession } from './PermissionBackend.js';
import { atLeast, type PermissionLevel } from './PermissionLevel.js';
import type { PermissionRequest } from './PermissionRequest.js';
import { resourceKey, type Resource } from './Resource.js';

/** Per-request authorization decisions (batched, memoized for the request only). */
export interface Authorizer {
  /** The concrete permission backend for this request. */
  backend(): Promise<PermissionBackend>;
  /** The backend's session of this request (ACLs, grants, admin flag): one per request. */
  session(): Promise<PermissionSession>;
  /** The caller's level on a resource; undefined when no permission service decides (backend enforces). */
  level(resource: Resource): Promise<PermissionLevel | undefined>;
  /** True when the caller holds at least `required` (or no permission service decides). */
  allows(resource: Resource, required: PermissionLevel): Promise<boolean>;
  /** Throws FORBIDDEN unless the caller holds at least `required`. */
  require(resource: Resource, required: PermissionLevel): Promise<void>;
  /**
   * True when the caller holds at least `required` on every resource: an object governed by several (an evaluation
   * dataset by each experiment it is linked to). None at all means an administrator's object, where a permission
   * service decides: failing closed, a dataset linked to no experiment is nobody else's to read.
   */
  allowsEvery(resources: readonly Resource[], required: PermissionLevel): Promise<boolean>;
  /** Throws FORBIDDEN unless {@link Authorizer.allowsEvery}. */
  requireEvery(resources: readonly Resource[], required: PermissionLevel): Promise<void>;
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
   * Throws FORBIDDEN unless the permission service says the caller is an administrator of the backend. A service that
   * cannot tell (none, GitLab) says no: the rule fails closed. Asked once per request.
   */
  requireAdmin(): Promise<void>;
  /**
   * The caller just created `resource`: make them its manager where the backend could not see them (behind a
   * trusted proxy it saw the service's credentials), and forget their cached levels on it.
   */
  created(resource: Resource): Promise<void>;
}

/** What one request's authorizer is made of. */
export interface AuthorizerOptions {
  /** The permission backend of the process (a detecting one resolves on first use). */
  readonly permissions: PermissionBackend;
  /** The caller, their clients and cache, handed to the backend's session. */
  readonly request: PermissionRequest;
  /** The backend (an open MLflow lets anonymous callers write) and the benchmark's naive switch. */
  readonly config: Pick<Config, 'backend' | 'naiveResolvers'>;
}

/** How resolvers and directives reach the request's authorizer: a member of the GraphQL context. */
export interface AuthorizedContext {
  readonly authorizer: Authorizer;
}

/** What an open MLflow (no auth, no permission service) lets anyone do. */
const OPEN_MLFLOW_SCOPES: readonly string[] = Object.freeze(['read', 'write']);

/** The authorizer of one request (the request context makes it on first use); never shared between requests. */
export function createAuthorizer({ permissions, request, config }: AuthorizerOptions): Authorizer {
  const { principal } = request;
  let resolved: Promise<PermissionBackend> | undefined;
  const backend = () => (resolved ??= permissions.resolve());
  // One session per request: what the backend learns of the caller (profile, identity, answers) is kept in it.
  let opened: Promise<PermissionSession> | undefined;
  const session = () =>
    (opened ??= backend().then((service) => {
      // An answer that depended on a permission decision is kept no longer than a permission answer is (the
      // backends that cache per caller bound it tighter: to when their answer was fetched).
      request.cache.lifetime.observe(ttlSeconds(cachePolicy.permission, request.cache.ttls));
      return service.session(request);
    }));
  // One batch per tick: a list of 50 runs in 3 experiments asks the backend about 3 experiments once.
  const levels = new DataLoader<Resource, PermissionLevel | undefined, string>(
    async (resources) => (await session()).viewerLevels(resources),
    { ...loaderOptions(config), cacheKeyFn: resourceKey },
  );
  // A service that answers yes/no per action (a custom permission service) is asked what each check needs.
  const checks = new DataLoader<{ resource: Resource; required: PermissionLevel }, boolean, string>(
    async (items) => {
      const asked = await session();
      if (!asked.viewerAllows)
        throw new TypeError(`authorizer: expected a backend with viewerAllows, got ${(await backend()).kind}`);
      return asked.viewerAllows(items);
    },
    { ...loaderOptions(config), cacheKeyFn: ({ resource, required }) => `${resourceKey(resource)}\u0000${required}` },
  );
  let admin: Promise<boolean> | undefined;
  let knownCaller: Promise<void> | undefined;
  const checkKnownCaller = async (): Promise<void> => {
    const service = await backend();
    if (principal.kind === 'anonymous' && service.kind === 'none') return;
    const asked = await session();
    // A backend that decides only for some identities says which (with its own message).
    asked.requireCaller?.();
    if (principal.kind === 'anonymous')
      throw new UnauthenticatedError('Authentication required: send Authorization: Basic … or Bearer …');
    // Every root field comes through here first: what the caller's checks will need is fetched alongside the
    // field's own first call, not after it (one sequential upstream wave fewer). Once per request: a pass is kept.
    asked.prefetch?.();
  };
  const self: Authorizer = {
    backend,
    session,
    level: (resource) => levels.load(resource),
    async allows(resource, required) {
      if ((await session()).viewerAllows) return checks.load({ resource, required });
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
    async allowsEvery(resources, required) {
      if (resources.length === 0) {
        // No permission service: the backend alone enforces (as `allows` answers without one).
        if ((await backend()).kind === 'none') return true;
        return (await session()).isAdmin();
      }
      const allowed = await Promise.all(resources.map((resource) => self.allows(resource, required)));
      return allowed.every(Boolean);
    },
    async requireEvery(resources, required) {
      if (!(await self.allowsEvery(resources, required))) {
        // As `require`: no identifiers, and nothing about which of the experiments refused.
        throw new ForbiddenError(
          `Permission denied: ${required} on every experiment the evaluation dataset is linked to is required (an administrator, for a dataset linked to none)`,
          { requiredLevel: required },
        );
      }
    },
    requireKnownCaller() {
      // The caller and the backend are the request's own and do not change: once known, known for every field
      // after (an `_entities` list of 500 runs asks 500 times). A refusal is asked again, and refused again.
      return (knownCaller ??= checkKnownCaller().catch((error: unknown) => {
        knownCaller = undefined;
        throw error;
      }));
    },
    async identify() {
      const own = { username: principal.username, email: principal.email };
      // A trusted proxy vouches for whom it names (the service's credentials upstream say nothing of them).
      if (principal.kind === 'anonymous' || principal.kind === 'proxy') return own;
      const asked = await session();
      if (!asked.identify) return own;
      const verified = await asked.identify();
      return { username: verified.username ?? own.username, email: verified.email ?? own.email };
    },
    async requireCreate(kind) {
      await (await session()).requireCreate?.(kind);
    },
    async requireAdmin() {
      admin ??= session().then((asked) => asked.isAdmin());
      // Only a plain `true` passes: an unreachable service throws (mapped as its failure), anything else is a no.
      if ((await admin) !== true)
        throw new ForbiddenError('Permission denied: an administrator of the backend is required');
    },
    async created(resource) {
      const asked = await session();
      if (principal.kind === 'proxy') await asked.grantCreator?.(resource);
      levels.clear(resource);
      checks.clearAll();
      await asked.forgetCaller?.(resource);
    },
    async scopes() {
      const service = await backend();
      // An MLflow server without auth lets anyone write, and nothing in front of it (no permission service)
      // decides otherwise: refusing anonymous writes there would make the graph stricter than the server it
      // fronts (and the demo read-only). Everywhere else — including MLflow behind an auth layer that refused the
      // anonymous probe — anonymous callers read at most.
      if (principal.kind === 'anonymous') {
        const open = service.kind === 'none' && service.anonymousWrites !== false && config.backend === 'mlflow';
        return open ? OPEN_MLFLOW_SCOPES : principal.scopes;
      }
      const asked = await session();
      if (!asked.scopes) return principal.scopes;
      const granted = await asked.scopes();
      return principal.scopes.filter((scope) => granted.includes(scope));
    },
    async requireScope(scope) {
      if (!(await self.scopes()).includes(scope)) {
        if (principal.kind === 'anonymous')
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
