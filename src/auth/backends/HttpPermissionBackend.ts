// Over 300 lines: the service's contract (actions, levels, how answers fold together) and the per-request session
// that applies it are one unit; apart, the contract's internals would have to be exported to the session.
import { scopeId, type ServerKeys } from '../serverKeys.js';
import type { Config, PermissionServiceConfig } from '../../config.js';
import type { EntityCache } from '../../cache/EntityCache.js';
import { SupergraphError, UnauthenticatedError } from '../../errors/SupergraphError.js';
import { CircuitBreaker } from '../../upstream/http/CircuitBreaker.js';
import { createLimiter, type Limiter } from '../../upstream/http/createLimiter.js';
import { UpstreamError } from '../../upstream/http/UpstreamError.js';
import {
  createPermissionServiceTransport,
  PERMISSION_SERVICE,
  PermissionServiceClient,
  type PermissionServiceTransport,
  type WireAnswer,
  type WireCheck,
  type WirePrincipal,
} from '../../upstream/permission-service/PermissionServiceClient.js';
import type { PermissionBackend, PermissionSession } from '../PermissionBackend.js';
import type { PermissionRequest } from '../PermissionRequest.js';
import { aclsUnsupported } from './aclsUnsupported.js';
import { atLeast, PERMISSION_LEVELS, type PermissionLevel } from '../PermissionLevel.js';
import { resourceKey, type Resource } from '../Resource.js';

/** What the graph asks a permission service for, lowest first: allowing one allows those below it. */
export type PermissionAction = 'read' | 'write' | 'manage';

const ACTIONS: readonly PermissionAction[] = ['read', 'write', 'manage'];

/** The lowest level of the graph's scale each action stands for. */
const ACTION_MIN: Record<PermissionAction, PermissionLevel> = {
  read: 'CAN_READ',
  write: 'CAN_USE',
  manage: 'CAN_MANAGE_STAGING_VERSIONS',
};

/** The level an `allowed: true` without a `level` implies: the highest the action stands for. */
const ACTION_IMPLIES: Record<PermissionAction, PermissionLevel> = {
  read: 'CAN_READ',
  write: 'CAN_EDIT',
  manage: 'CAN_MANAGE',
};

/** The action a check at `required` asks: CAN_READ → read, CAN_USE/CAN_EDIT → write, above → manage. */
export function actionFor(required: PermissionLevel): PermissionAction {
  if (atLeast(required, ACTION_MIN.manage)) return 'manage';
  if (atLeast(required, ACTION_MIN.write)) return 'write';
  return 'read';
}

/** What one request has learned about the caller's rights on one object. */
interface Knowledge {
  /** From an answer that carried a `level` (the caller's level on the object, whatever the action asked). */
  level: PermissionLevel | undefined;
  /** `allowed` per action asked. */
  answers: Partial<Record<PermissionAction, boolean>>;
  /** Checks the service could not answer in this request (not retried within it; never cached). */
  failures: Partial<Record<PermissionAction, Error>>;
}

/** The level just below `floor` (NO_PERMISSIONS at the bottom). */
function below(floor: PermissionLevel): PermissionLevel {
  return PERMISSION_LEVELS[Math.max(0, PERMISSION_LEVELS.indexOf(floor) - 1)] as PermissionLevel;
}

/**
 * Folds one answer into what is known. Contradictions resolve to the lower reading: `allowed: false` with a
 * level that would allow the action caps the level below it; `allowed: true` with a level too low for the
 * action keeps the low level (levels are consulted first).
 */
export function learn(knowledge: Knowledge, action: PermissionAction, answer: WireAnswer): void {
  if (answer.level !== undefined) {
    const level =
      answer.allowed || !atLeast(answer.level, ACTION_MIN[action]) ? answer.level : below(ACTION_MIN[action]);
    knowledge.level = knowledge.level === undefined || atLeast(knowledge.level, level) ? level : knowledge.level;
  }
  knowledge.answers[action] = answer.allowed;
}

/** Whether the caller holds `required`, or undefined when the answers so far do not say. A denial below wins. */
export function decide(knowledge: Knowledge, required: PermissionLevel): boolean | undefined {
  if (knowledge.level !== undefined) return atLeast(knowledge.level, required);
  const index = ACTIONS.indexOf(actionFor(required));
  if (ACTIONS.slice(0, index + 1).some((a) => knowledge.answers[a] === false)) return false;
  if (ACTIONS.slice(index).some((a) => knowledge.answers[a] === true)) return true;
  return undefined;
}

/** The caller's whole level, or the actions still to ask (read first; then every unknown one above it at once). */
export function fullLevel(knowledge: Knowledge): PermissionLevel | PermissionAction[] {
  if (knowledge.level !== undefined) return knowledge.level;
  const { answers } = knowledge;
  let level: PermissionLevel = 'NO_PERMISSIONS';
  for (const [index, action] of ACTIONS.entries()) {
    // An action above allowed allows this one (no denial below it, or the loop would have ended).
    const allowed = answers[action] ?? (ACTIONS.slice(index + 1).some((a) => answers[a] === true) ? true : undefined);
    if (allowed === false) return level;
    if (allowed === undefined) {
      // Nothing known: `read` alone, which a service answering with levels settles in one check.
      if (Object.keys(answers).length === 0) return ['read'];
      return ACTIONS.slice(index).filter((a) => answers[a] === undefined);
    }
    level = ACTION_IMPLIES[action];
  }
  return level;
}

/** Cache namespace of the service's answers, per principal (scope) and `<action>:<objectType>:<objectId>`. */
const CACHE_NAMESPACE = 'permissionCheck';

function wireObject(resource: Resource): Pick<WireCheck, 'objectType' | 'objectId'> {
  return resource.kind === 'experiment'
    ? { objectType: 'experiment', objectId: resource.id }
    : { objectType: 'registered_model', objectId: resource.name };
}

function cacheId(resource: Resource, action: PermissionAction | 'admin'): string {
  if (action === 'admin') return 'admin';
  const { objectType, objectId } = wireObject(resource);
  return `${action}:${objectType}:${objectId}`;
}

/**
 * Every failure of the service becomes UPSTREAM_TIMEOUT (no answer in time) or UPSTREAM_UNAVAILABLE (down,
 * refused, 4xx/5xx, malformed), mapped here rather than by MLflow's rules: a 401 from the service is the
 * gateway's credential, not the caller's, and its error bodies are not MLflow's. Messages name no URL or token.
 */
function serviceFailure(error: unknown): Error {
  if (error instanceof SupergraphError) return error;
  if (!(error instanceof UpstreamError)) return error as Error;
  // The status only when the service answered with an error (a malformed 200 is not a status worth reporting).
  const status = error.failure !== 'http' || error.status === undefined ? {} : { upstreamStatus: error.status };
  if (error.failure === 'timeout' || error.status === 504)
    return new SupergraphError('UPSTREAM_TIMEOUT', `${PERMISSION_SERVICE} did not answer in time`, status, error);
  const message =
    error.failure === 'http' ? `${PERMISSION_SERVICE} is unavailable (HTTP ${error.status ?? '?'})` : error.message;
  return new SupergraphError('UPSTREAM_UNAVAILABLE', message, status, error);
}

/** The service owns its rules; the contract has no grant call, so nothing is half-changed here. */
const NO_ACLS = aclsUnsupported('custom permission service (http)');

/**
 * Your own permission service (MLFLOW_SUPERGRAPH_PERMISSIONS=http), asked over HTTP for every object the
 * graph serves or changes. The contract (README, "Custom permission service"):
 *
 * - `POST <MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL>` with `{"principal": {"id", "username", "email", "groups"?},
 *   "action": "read"|"write"|"manage", "objectType": "experiment"|"registered_model", "objectId": "<experiment id
 *   or model name>"}` answers `{"allowed": bool, "level"?: "<PermissionLevel name>"}`; with
 *   MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH=true one POST carries `{"checks": [...]}` (at most `batchMax`) and
 *   the answer is `{"results": [...]}` in the same order, so a page of 50 objects costs one call.
 * - The action is what the field needs: CAN_READ → read, CAN_USE/CAN_EDIT → write, higher → manage. A `level`
 *   is the caller's level on the object and answers every later check on it; `allowed` alone implies the
 *   highest level of its action (read → CAN_READ, write → CAN_EDIT, manage → CAN_MANAGE) and no more.
 * - `Viewer.isAdmin` asks `{"principal", "action": "admin"}` (no object); the answer never grants object access.
 * - Bearer MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN, when set (never the caller's or MLflow's credentials).
 *
 * It fails closed: no answer, a timeout, a non-2xx or a malformed answer denies the object with
 * UPSTREAM_UNAVAILABLE / UPSTREAM_TIMEOUT. Answers are cached per principal (identity, e-mail and groups) for
 * the permission TTL, never across principals; failures are not cached. Only callers the trusted proxy named
 * are decided; the service owns its rules, so ACLs and grants are UNSUPPORTED_BY_BACKEND.
 */
export class HttpPermissionBackend implements PermissionBackend {
  readonly kind = 'http' as const;
  readonly #service: PermissionService;

  constructor(
    config: Pick<Config, 'permissionService' | 'upstream' | 'circuitBreaker'>,
    /** Where answers are kept (per principal), and the key their scopes are made with. */
    shared: { cache: EntityCache; keys: Pick<ServerKeys, 'cacheScope'> },
  ) {
    if (!config.permissionService)
      throw new TypeError(
        'HttpPermissionBackend: expected config.permissionService (MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL), got none',
      );
    const settings = config.permissionService;
    this.#service = {
      settings,
      transport: createPermissionServiceTransport({
        url: settings.url,
        connectTimeoutMs: config.upstream.connectTimeoutMs,
        timeoutMs: settings.timeoutMs,
        maxSockets: config.upstream.concurrency,
      }),
      // Process-wide, like MLflow's: bounded sockets, and fail fast while the service is down.
      limiter: createLimiter(config.upstream.concurrency),
      breaker: new CircuitBreaker(config.circuitBreaker),
      cache: shared.cache,
      keys: shared.keys,
    };
  }

  async resolve(): Promise<PermissionBackend> {
    return this;
  }

  session(request: PermissionRequest): PermissionSession {
    return new HttpPermissionSession(this.#service, request);
  }
}

/** What every request's session shares: the service's settings and connection, the cache and its key. */
interface PermissionService {
  readonly settings: PermissionServiceConfig;
  readonly transport: PermissionServiceTransport;
  readonly limiter: Limiter;
  readonly breaker: CircuitBreaker;
  readonly cache: EntityCache;
  readonly keys: Pick<ServerKeys, 'cacheScope'>;
}

/** One caller's request against the permission service: what it learned, and the questions in flight. */
class HttpPermissionSession implements PermissionSession {
  /** What this request has learned of each resource (by resourceKey). */
  readonly #knowledge = new Map<string, Knowledge>();
  /** The work of each question asked in this request (by cacheId), so each is asked once per request. */
  readonly #inFlight = new Map<string, Promise<void>>();
  #serviceClient: PermissionServiceClient | undefined;

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
    const knowledge = await this.#known(checks.map((c) => c.resource));
    const questions = checks.flatMap(({ resource, required }) => {
      const known = knowledge(resource);
      const action = actionFor(required);
      return decide(known, required) === undefined && !known.failures[action] ? [{ resource, action }] : [];
    });
    await this.#ask(questions);
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
    const knowledge = await this.#known(resources);
    // Two rounds at most: `read` (a service answering with levels is done), then the actions above it.
    for (let round = 0; round < 2; round += 1) {
      const questions = resources.flatMap((resource) => {
        const known = knowledge(resource);
        const next = fullLevel(known);
        return typeof next === 'string' || next.some((a) => known.failures[a])
          ? []
          : next.map((action) => ({ resource, action }));
      });
      if (questions.length === 0) break;
      await this.#ask(questions);
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
    const cached = await cache.get<WireAnswer>(CACHE_NAMESPACE, 'admin', scope);
    if (cached) return cached.allowed;
    const check: WireCheck = { principal: this.#principal(), action: 'admin' };
    let answer: WireAnswer;
    try {
      const client = this.#client();
      const result = settings.batch ? (await client.checkBatch([check]))[0] : await client.check(check);
      if (!result || result instanceof Error) throw result ?? new Error('no result');
      answer = result;
    } catch (error) {
      throw serviceFailure(error);
    }
    await cache.setMany(CACHE_NAMESPACE, [{ id: 'admin', value: answer, ttlSeconds: cache.ttls.permission }], scope);
    return answer.allowed;
  }

  /** The caller's rights on `resource` changed (they created it): forget their answers, in this request and shared. */
  async forgetCaller(resource: Resource): Promise<void> {
    this.#knowledge.delete(resourceKey(resource));
    for (const action of ACTIONS) this.#inFlight.delete(cacheId(resource, action));
    await this.service.cache.invalidate(
      CACHE_NAMESPACE,
      ACTIONS.map((action) => cacheId(resource, action)),
      this.#scope(),
    );
  }

  readonly acl = NO_ACLS.acl;
  readonly setPermission = NO_ACLS.setPermission;
  readonly revokePermission = NO_ACLS.revokePermission;

  /** The principal as the service sees it: who the proxy named, never a credential. */
  #principal(): WirePrincipal {
    const { id, username, email, groups } = this.request.principal;
    return {
      id: id as string,
      username: username ?? null,
      email: email ?? null,
      ...(groups.length > 0 ? { groups: [...groups] } : {}),
    };
  }

  /** The cache scope of this caller's answers: everything the service is told about them. */
  #scope(): string {
    const { id, username, email, groups } = this.request.principal;
    return scopeId(
      this.service.keys,
      JSON.stringify(['http-permission', id ?? null, username ?? null, email ?? null, [...groups].sort()]),
    );
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

  /** This request's knowledge of each resource, filled from the shared cache (one read) the first time. */
  async #known(resources: readonly Resource[]): Promise<(resource: Resource) => Knowledge> {
    const memo = this.#knowledge;
    const fresh = [
      ...new Map(resources.filter((r) => !memo.has(resourceKey(r))).map((r) => [resourceKey(r), r])).values(),
    ];
    if (fresh.length > 0) {
      const pairs = fresh.flatMap((resource) => ACTIONS.map((action) => ({ resource, action })));
      const cached = await this.service.cache.getMany<WireAnswer>(
        CACHE_NAMESPACE,
        pairs.map((p) => cacheId(p.resource, p.action)),
        this.#scope(),
      );
      for (const resource of fresh) memo.set(resourceKey(resource), { level: undefined, answers: {}, failures: {} });
      pairs.forEach(({ resource, action }, index) => {
        const hit = cached[index];
        if (hit) learn(memo.get(resourceKey(resource)) as Knowledge, action, hit);
      });
    }
    // A resource forgotten meanwhile (forgetCaller) starts blank: undecided, so denied, never guessed.
    return (resource) => {
      const key = resourceKey(resource);
      let known = memo.get(key);
      if (!known) memo.set(key, (known = { level: undefined, answers: {}, failures: {} }));
      return known;
    };
  }

  /** Asks the service each (resource, action) once per request: batched and chunked, or one POST each. */
  async #ask(questions: readonly { resource: Resource; action: PermissionAction }[]): Promise<void> {
    const inFlight = this.#inFlight;
    const knowledge = this.#knowledge;
    const { settings, cache } = this.service;
    const keyOf = (q: { resource: Resource; action: PermissionAction }) => cacheId(q.resource, q.action);
    const unique = [...new Map(questions.map((q) => [keyOf(q), q])).values()];
    const waiting = unique.filter((q) => inFlight.has(keyOf(q))).map((q) => inFlight.get(keyOf(q)) as Promise<void>);
    const mine = unique.filter((q) => !inFlight.has(keyOf(q)));
    if (mine.length > 0) {
      const principal = this.#principal();
      const checks = mine.map(({ resource, action }): WireCheck => ({ principal, action, ...wireObject(resource) }));
      const client = this.#client();
      const work = (async () => {
        let answers: (WireAnswer | Error)[];
        if (settings.batch) {
          const chunks: number[][] = [];
          for (let start = 0; start < checks.length; start += settings.batchMax) {
            chunks.push(checks.slice(start, start + settings.batchMax).map((_, offset) => start + offset));
          }
          answers = new Array<WireAnswer | Error>(checks.length);
          await Promise.all(
            chunks.map(async (indexes) => {
              let results: (WireAnswer | Error)[];
              try {
                results = await client.checkBatch(indexes.map((i) => checks[i] as WireCheck));
              } catch (error) {
                results = indexes.map(() => error as Error);
              }
              indexes.forEach((i, offset) => (answers[i] = results[offset] as WireAnswer | Error));
            }),
          );
        } else {
          answers = await Promise.all(
            checks.map((check) => client.check(check).catch((error: unknown) => error as Error)),
          );
        }
        const toCache: { id: string; value: WireAnswer; ttlSeconds: number }[] = [];
        mine.forEach((question, index) => {
          const known = knowledge.get(resourceKey(question.resource));
          const answer = answers[index] as WireAnswer | Error;
          // Forgotten meanwhile (forgetCaller): this answer predates the change, so it is neither kept nor cached.
          if (!known) return;
          if (answer instanceof Error) known.failures[question.action] = serviceFailure(answer);
          else {
            learn(known, question.action, answer);
            toCache.push({ id: keyOf(question), value: answer, ttlSeconds: cache.ttls.permission });
          }
        });
        // Denials are cached like grants (a denied caller must not cost a call per object); failures never.
        if (toCache.length > 0) await cache.setMany(CACHE_NAMESPACE, toCache, this.#scope());
      })();
      for (const question of mine) inFlight.set(keyOf(question), work);
      waiting.push(work);
    }
    await Promise.all(waiting);
  }
}
