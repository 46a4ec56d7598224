import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import type { EntityCache } from '../../../cache/EntityCache.js';
import type { PermissionServiceConfig } from '../../../config.js';
import { UnauthenticatedError } from '../../../errors/SupergraphError.js';
import type { CircuitBreaker } from '../../../upstream/http/CircuitBreaker.js';
import type { Limiter } from '../../../upstream/http/createLimiter.js';
import {
  PermissionServiceClient,
  type PermissionServiceTransport,
  type WireAnswer,
  type WireCheck,
} from '../../../upstream/permission-service/PermissionServiceClient.js';
import type { PermissionSession } from '../../PermissionBackend.js';
import type { PermissionLevel } from '../../PermissionLevel.js';
import type { PermissionRequest } from '../../PermissionRequest.js';
import type { Resource } from '../../Resource.js';
import { scopeId, type ServerKeys } from '../../serverKeys.js';
import { aclsUnsupported } from '../aclsUnsupported.js';
import { actionFor, decide, fullLevel } from './PermissionKnowledge.js';
import { PermissionQuestions } from './PermissionQuestions.js';
import { serviceFailure } from './serviceFailure.js';
import { ADMIN_ANSWER_ID, wirePrincipal, type Question } from './wireCheck.js';

/** What every request's session shares: the service's settings and connection, the cache and its key. */
export interface PermissionService {
  readonly settings: PermissionServiceConfig;
  readonly transport: PermissionServiceTransport;
  readonly limiter: Limiter;
  readonly breaker: CircuitBreaker;
  readonly cache: EntityCache;
  readonly keys: Pick<ServerKeys, 'cacheScope'>;
}

/** The service owns its rules; the contract has no grant call, so nothing is half-changed here. */
const NO_ACLS = aclsUnsupported('custom permission service (http)');

/** One caller's request against the custom permission service (see HttpPermissionBackend for the contract). */
export class HttpPermissionSession implements PermissionSession {
  /** What this request asked and learned (built on first use). */
  #asked: PermissionQuestions | undefined;
  #serviceClient: PermissionServiceClient | undefined;
  #cacheScope: string | undefined;

  constructor(
    private readonly service: PermissionService,
    private readonly request: PermissionRequest,
  ) {}

  requireCaller(): void {
    const { principal } = this.request;
    // A Basic or Bearer credential names a user the graph cannot verify (MLflow may not even check it, and
    // cached objects are served without asking MLflow): only the trusted proxy's identity is decided for.
    if (principal.kind !== 'proxy' || !principal.id) {
      throw new UnauthenticatedError(
        'Authentication required: the permission service decides only for users named by the trusted proxy (x-forwarded-email or x-forwarded-user)',
      );
    }
  }

  async viewerAllows(
    checks: readonly { resource: Resource; required: PermissionLevel }[],
  ): Promise<(boolean | Error)[]> {
    try {
      this.requireCaller();
    } catch (error) {
      return checks.map(() => error as Error);
    }
    const knowledge = await this.#questions().known(checks.map((c) => c.resource));
    const questions = checks.flatMap(({ resource, required }): Question[] => {
      const known = knowledge(resource);
      const action = actionFor(required);
      return decide(known, required) === undefined && !known.failures[action] ? [{ resource, action }] : [];
    });
    await this.#questions().ask(questions);
    return checks.map(({ resource, required }) => {
      const known = knowledge(resource);
      return (
        decide(known, required) ??
        known.failures[actionFor(required)] ??
        new Error('HttpPermissionBackend: a check was left undecided')
      );
    });
  }

  async viewerLevels(resources: readonly Resource[]): Promise<(PermissionLevel | Error)[]> {
    try {
      this.requireCaller();
    } catch (error) {
      return resources.map(() => error as Error);
    }
    const knowledge = await this.#questions().known(resources);
    // Two rounds at most: `read` (a service answering with levels is done), then the actions above it.
    for (let round = 0; round < 2; round += 1) {
      const questions = resources.flatMap((resource): Question[] => {
        const known = knowledge(resource);
        const next = fullLevel(known);
        return typeof next === 'string' || next.some((a) => known.failures[a])
          ? []
          : next.map((action) => ({ resource, action }));
      });
      if (questions.length === 0) break;
      await this.#questions().ask(questions);
    }
    return resources.map((resource) => {
      const known = knowledge(resource);
      const next = fullLevel(known);
      if (typeof next === 'string') return next;
      return (
        next.map((a) => known.failures[a]).find(Boolean) ??
        new Error('HttpPermissionBackend: a level was left undecided')
      );
    });
  }

  async isAdmin(): Promise<boolean> {
    const { principal } = this.request;
    if (principal.kind !== 'proxy' || !principal.id) return false;
    const { cache, settings } = this.service;
    const scope = this.#scope();
    const cached = await cache.get<WireAnswer>(cachePolicy.permissionCheck.namespace, ADMIN_ANSWER_ID, scope);
    if (cached) return cached.allowed;
    const check: WireCheck = { principal: wirePrincipal(principal), action: 'admin' };
    let answer: WireAnswer;
    try {
      const client = this.#client();
      const result = settings.batch ? (await client.checkBatch([check]))[0] : await client.check(check);
      if (!result || result instanceof Error) throw result ?? new Error('no result');
      answer = result;
    } catch (error) {
      throw serviceFailure(error);
    }
    const ttl = ttlSeconds(cachePolicy.permissionCheck, cache.ttls);
    await cache.setMany(
      cachePolicy.permissionCheck.namespace,
      [{ id: ADMIN_ANSWER_ID, value: answer, ttlSeconds: ttl }],
      scope,
    );
    return answer.allowed;
  }

  /** The caller's rights on `resource` changed (they created it): forget their answers, in this request and shared. */
  async forgetCaller(resource: Resource): Promise<void> {
    await this.#questions().forget(resource);
  }

  readonly acl = NO_ACLS.acl;
  readonly setPermission = NO_ACLS.setPermission;
  readonly revokePermission = NO_ACLS.revokePermission;

  #questions(): PermissionQuestions {
    return (this.#asked ??= new PermissionQuestions({
      settings: this.service.settings,
      client: () => this.#client(),
      principal: () => wirePrincipal(this.request.principal),
      cache: this.service.cache,
      scope: () => this.#scope(),
    }));
  }

  /** The cache scope of this caller's answers: everything the service is told about them. */
  #scope(): string {
    const { id, username, email, groups } = this.request.principal;
    return (this.#cacheScope ??= scopeId(
      this.service.keys,
      JSON.stringify(['http-permission', id ?? null, username ?? null, email ?? null, [...groups].sort()]),
    ));
  }

  #client(): PermissionServiceClient {
    const { transport, limiter, breaker, settings } = this.service;
    return (this.#serviceClient ??= new PermissionServiceClient(transport, {
      limiter,
      breaker,
      // One retry: each attempt may wait the whole timeout, and a check is a read-only question.
      retries: 1,
      ...(settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
      // The request's budget, counter, request id and observability hooks; its credentials stay behind.
      ...this.request.clients.ownServiceOptions,
    }));
  }
}
