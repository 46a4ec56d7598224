import { cachePolicy, ttlSeconds } from '../../cache/cachePolicy.js';
import { ForbiddenError, UnauthenticatedError } from '../../errors/SupergraphError.js';
import { UpstreamError } from '../../upstream/http/UpstreamError.js';
import { errorCodeOf } from '../../errors/toGraphQLError.js';
import type { Got } from 'got';
import { ConfigError, type Config } from '../../config.js';
import { createHttpInstance } from '../../upstream/http/createHttpInstance.js';
import { gitlabLocation, type GitLabClient, type GitLabLocation } from '../../upstream/gitlab/GitLabClient.js';
import type { WireGitLabProject } from '../../upstream/gitlab/GitLabApi.js';
import type { CallerIdentity, PermissionBackend, PermissionSession } from '../PermissionBackend.js';
import type { PermissionRequest } from '../PermissionRequest.js';
import { aclsUnsupported } from './aclsUnsupported.js';
import { atLeast, type PermissionLevel } from '../PermissionLevel.js';
import type { Resource } from '../Resource.js';

/** GitLab grants roles per project, in GitLab: there is no per-object list to read or change. */
const NO_ACLS = aclsUnsupported('gitlab', 'GitLab grants roles per project, in GitLab');

/** GitLab's access levels (Guest 10, Planner 15, Reporter 20, Developer 30, Maintainer 40, Owner 50) → the graph's scale. */
export function fromGitLabAccessLevel(
  accessLevel: number | undefined,
  visibility: string | undefined,
): PermissionLevel {
  const level = accessLevel ?? 0;
  if (level >= 40) return 'CAN_MANAGE';
  // write_model_experiments and the model registry's writes need Developer.
  if (level >= 30) return 'CAN_EDIT';
  // GitLab's policy lets every member from Guest up read model experiments and the registry.
  if (level >= 10) return 'CAN_READ';
  // Non-members read them only where the project itself is readable to them.
  return visibility === 'public' || visibility === 'internal' ? 'CAN_READ' : 'NO_PERMISSIONS';
}

/** What a token's scopes allow: `api` reads and writes, `read_api` only reads (GitLab refuses its non-GET calls). */
export function scopesOfGitLabToken(scopes: readonly string[] | undefined): ('read' | 'write')[] {
  const granted = new Set(scopes ?? []);
  if (granted.has('api')) return ['read', 'write'];
  if (granted.has('read_api')) return ['read'];
  return [];
}

/** A read-only token reads at most, whatever the role behind it. */
function capByScopes(role: PermissionLevel, scopes: readonly string[]): PermissionLevel {
  return scopes.includes('write') || role === 'NO_PERMISSIONS' ? role : 'CAN_READ';
}

interface Caller {
  /** The caller's level on everything in the project (GitLab's roles are per project). */
  level: PermissionLevel;
  scopes: ('read' | 'write')[];
}

/**
 * GitLab: access is the caller's role in the project that holds the MLflow API, capped by the token's scopes
 * (a `read_api` token reads, never writes). Two GETs per caller — the token (`personal_access_tokens/self`) and
 * the project (`projects/:id`, with the caller's `permissions`) — cached for that caller's credential for the
 * permission TTL. Every experiment and model of the project carries the same level.
 */
export class GitLabPermissionBackend implements PermissionBackend {
  readonly kind = 'gitlab' as const;

  constructor(private readonly location: GitLabLocation) {}

  async resolve(): Promise<PermissionBackend> {
    return this;
  }

  session(request: PermissionRequest): PermissionSession {
    return new GitLabPermissionSession(request, this.location);
  }
}

/**
 * Where GitLab's API is for the project a GitLab tracking URI names, with a connection pool of its own at GitLab's
 * API root (the caller's GitLab client is built on it, with the request's options).
 */
export function gitlabApiRoot(config: Config, trackingUri: string): { location: GitLabLocation; http: Got } {
  const location = gitlabLocation(trackingUri);
  if (!location)
    throw new ConfigError(
      'MLFLOW_SUPERGRAPH_BACKEND=gitlab needs MLFLOW_TRACKING_URI=https://<gitlab>/api/v4/projects/<id>/ml/mlflow',
    );
  const http = createHttpInstance({
    baseUrl: location.apiRoot,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    responseTimeoutMs: config.upstream.responseTimeoutMs,
    maxSockets: config.upstream.concurrency,
  });
  return { location, http };
}

/** One caller's request against GitLab: their level and scopes are looked up once and kept here. */
class GitLabPermissionSession implements PermissionSession {
  /** The caller's level and scopes, once per request. */
  #caller: Promise<Caller> | undefined;

  constructor(
    private readonly request: PermissionRequest,
    private readonly location: GitLabLocation,
  ) {}

  private get client(): GitLabClient {
    // The request's own options (breaker, budget, metrics, call counter, credentials), GitLab's API root.
    return this.request.clients.gitlab;
  }

  prefetch(): void {
    if (this.request.principal.authorization) this.caller().catch(() => undefined);
  }

  /** The caller's level and scopes: once per request, cached per credential for the permission TTL. */
  caller(): Promise<Caller> {
    if (!this.request.principal.authorization) {
      return Promise.reject(
        new UnauthenticatedError(
          'GitLab needs a token: Authorization: Bearer <personal, project or group access token>',
        ),
      );
    }
    const { cache } = this.request;
    return (this.#caller ??= cache.forCaller(
      cachePolicy.gitlabCaller.namespace,
      this.location.projectId,
      () => this.uncachedCaller(),
      ttlSeconds(cachePolicy.gitlabCaller, cache.ttls),
    ));
  }

  private async uncachedCaller(): Promise<Caller> {
    if (this.request.principal.kind === 'proxy') return this.proxiedCaller();
    const { client } = this;
    const [token, project] = await Promise.all([client.call('currentToken', {}), this.project(client)]);
    const scopes = token.active === false || token.revoked === true ? [] : scopesOfGitLabToken(token.scopes);
    if (!project || !scopes.includes('read')) return { level: 'NO_PERMISSIONS', scopes };
    const access = Math.max(
      project.permissions?.project_access?.access_level ?? 0,
      project.permissions?.group_access?.access_level ?? 0,
    );
    return { level: capByScopes(fromGitLabAccessLevel(access, project.visibility), scopes), scopes };
  }

  /** The project as the client's credentials see it; undefined when GitLab hides it from them (404). */
  private project(client: GitLabClient): Promise<WireGitLabProject | undefined> {
    return client.call('project', { id: this.location.projectId }).catch((error: unknown) => {
      // GitLab's "404 Project Not Found" carries no MLflow error code (the mapping reads it as a missing endpoint):
      // the status says it. A non-member is still a caller; only the project's data is refused them.
      if (error instanceof UpstreamError && error.failure === 'http' && (error.status === 404 || error.status === 403))
        return undefined;
      if (errorCodeOf(error) === 'NOT_FOUND' || errorCodeOf(error) === 'FORBIDDEN') return undefined;
      throw error;
    });
  }

  /**
   * The token's owner (`GET /user`, with the caller's token, which proves it), cached for the caller's credential.
   * Behind a trusted proxy: who the proxy says (the service token's owner is not the caller).
   */
  async identify(): Promise<CallerIdentity> {
    const { principal, cache } = this.request;
    if (principal.kind === 'proxy') return { username: principal.username, email: principal.email };
    if (!principal.authorization)
      throw new UnauthenticatedError(
        'GitLab needs a token: Authorization: Bearer <personal, project or group access token>',
      );
    const user = await cache.forCaller(
      cachePolicy.gitlabCaller.namespace,
      'user',
      () => this.client.call('currentUser', {}),
      ttlSeconds(cachePolicy.gitlabCaller, cache.ttls),
    );
    return { username: user.username || undefined, email: user.email || user.public_email || undefined };
  }

  /** GitLab's roles are per project: creating an experiment or a model needs Developer (write_model_*), checked before the write. */
  async requireCreate(kind: Resource['kind']): Promise<void> {
    const { level, scopes } = await this.caller();
    if (atLeast(level, 'CAN_EDIT')) return;
    const what = kind === 'experiment' ? 'experiments' : 'registered models';
    if (!scopes.includes('write'))
      throw new ForbiddenError(`Your GitLab token is read-only: creating ${what} needs a token with the api scope`, {
        requiredScope: 'api',
      });
    throw new ForbiddenError(
      `GitLab lets Developers and above create ${what} in this project: ask for the Developer role`,
      { requiredLevel: 'CAN_EDIT' },
    );
  }

  /**
   * Behind a trusted proxy the graph calls GitLab with its service token: the proxied user's role is looked up
   * (by user name, or by e-mail, which GitLab answers to administrators' tokens only), and their scopes are
   * what the proxy forwarded, never more than the service token's own.
   */
  private async proxiedCaller(): Promise<Caller> {
    const { principal } = this.request;
    const { client } = this;
    const [service, project, users] = await Promise.all([
      client.call('currentToken', {}),
      this.project(client),
      client.call('users', principal.username ? { username: principal.username } : { search: principal.email ?? '' }),
    ]);
    const serviceScopes = scopesOfGitLabToken(service.scopes);
    const scopes = serviceScopes.filter((scope) => principal.scopes.includes(scope));
    const user = users.find((u) =>
      principal.username ? u.username?.toLowerCase() === principal.username.toLowerCase() : true,
    );
    if (!project || !user || !scopes.includes('read')) return { level: 'NO_PERMISSIONS', scopes };
    const member = await client
      .call('member', { id: this.location.projectId, user_id: String(user.id) })
      .catch((error: unknown) => {
        if (errorCodeOf(error) === 'NOT_FOUND') return undefined;
        throw error;
      });
    return { level: capByScopes(fromGitLabAccessLevel(member?.access_level, project.visibility), scopes), scopes };
  }

  async viewerLevels(resources: readonly Resource[]): Promise<(PermissionLevel | Error)[]> {
    try {
      const { level } = await this.caller();
      return resources.map(() => level);
    } catch (error) {
      return resources.map(() => error as Error);
    }
  }

  /** The scopes GitLab grants this caller's token (the gateway cannot tell `api` from `read_api` by looking). */
  async scopes(): Promise<readonly string[]> {
    return (await this.caller()).scopes;
  }

  async isAdmin(): Promise<boolean> {
    // Instance administrators are not visible through a project's permissions; nothing here depends on it.
    return false;
  }

  readonly acl = NO_ACLS.acl;
  readonly setPermission = NO_ACLS.setPermission;
  readonly revokePermission = NO_ACLS.revokePermission;
}
