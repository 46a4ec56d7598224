import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import type { EntityCache } from '../../../cache/EntityCache.js';
import { createSingleFlight } from '../../../cache/singleFlight.js';
import type { PermissionServiceConfig } from '../../../config.js';
import type {
  PermissionServiceClient,
  WireAnswer,
  WireCheck,
  WirePrincipal,
} from '../../../upstream/permission-service/PermissionServiceClient.js';
import { resourceKey, type Resource } from '../../Resource.js';
import { ACTIONS, blankKnowledge, learn, type PermissionKnowledge } from './PermissionKnowledge.js';
import { serviceFailure } from './serviceFailure.js';
import { answerId, wireCheck, type Question } from './wireCheck.js';

/** What one request's questions need: how to reach the service, who asks, and where their answers are kept. */
export interface PermissionQuestionsOptions {
  /** Whether the service takes checks in batches, and how many per call. */
  readonly settings: Pick<PermissionServiceConfig, 'batch' | 'batchMax'>;
  /** The request's client of the service (built on first use). */
  readonly client: () => PermissionServiceClient;
  /** The caller as the service is told (only asked once a question is sent). */
  readonly principal: () => WirePrincipal;
  /** The shared cache of answers. */
  readonly cache: EntityCache;
  /** The caller's scope in it: everything the service is told about them, as an HMAC. */
  readonly scope: () => string;
}

/**
 * The questions one request puts to the custom permission service, and what it learned from the answers. Each
 * (object, action) is sent at most once per request: askers that need it while it is in flight share that call (a
 * single flight per request, never across callers), and once it settles its answer or failure is in the request's
 * knowledge, which is consulted before anything is asked. Answers are shared with the caller's later requests
 * through the cache (denials too; failures never).
 */
export class PermissionQuestions {
  /** What this request has learned of each resource (by resourceKey). */
  readonly #knowledge = new Map<string, PermissionKnowledge>();
  /** Questions in flight in this request (by answerId). */
  readonly #inFlight = createSingleFlight<void>();

  constructor(private readonly options: PermissionQuestionsOptions) {}

  /** This request's knowledge of each resource, filled from the shared cache (one read) the first time. */
  async known(resources: readonly Resource[]): Promise<(resource: Resource) => PermissionKnowledge> {
    const memo = this.#knowledge;
    const fresh = [
      ...new Map(resources.filter((r) => !memo.has(resourceKey(r))).map((r) => [resourceKey(r), r])).values(),
    ];
    if (fresh.length > 0) {
      const questions = fresh.flatMap((resource) => ACTIONS.map((action): Question => ({ resource, action })));
      const { cache, scope } = this.options;
      const cached = await cache.getMany<WireAnswer>(
        cachePolicy.permissionCheck.namespace,
        questions.map(answerId),
        scope(),
      );
      for (const resource of fresh) memo.set(resourceKey(resource), blankKnowledge());
      questions.forEach(({ resource, action }, index) => {
        const hit = cached[index];
        if (hit) learn(memo.get(resourceKey(resource)) as PermissionKnowledge, action, hit);
      });
    }
    // A resource forgotten meanwhile (forget) starts blank: undecided, so denied, never guessed.
    return (resource) => {
      const key = resourceKey(resource);
      let known = memo.get(key);
      if (!known) memo.set(key, (known = blankKnowledge()));
      return known;
    };
  }

  /** Settles each question (once per request): joins the ones in flight, sends the others together. */
  async ask(questions: readonly Question[]): Promise<void> {
    const flight = this.#inFlight.runMany(questions, answerId, (mine) => this.#send(mine));
    await Promise.all(flight.results);
  }

  /** The caller's rights on `resource` changed: forget its answers, in this request and in the shared cache. */
  async forget(resource: Resource): Promise<void> {
    this.#knowledge.delete(resourceKey(resource));
    const ids = ACTIONS.map((action) => answerId({ resource, action }));
    for (const id of ids) this.#inFlight.forget(id);
    await this.options.cache.invalidate(cachePolicy.permissionCheck.namespace, ids, this.options.scope());
  }

  /** Sends `questions` (no two alike) and folds the answers into the request's knowledge and the cache. */
  async #send(questions: readonly Question[]): Promise<void[]> {
    const { cache, scope } = this.options;
    const principal = this.options.principal();
    const answers = await this.#answers(questions.map((question) => wireCheck(principal, question)));
    const ttl = ttlSeconds(cachePolicy.permissionCheck, cache.ttls);
    const toCache: { id: string; value: WireAnswer; ttlSeconds: number }[] = [];
    questions.forEach((question, index) => {
      const known = this.#knowledge.get(resourceKey(question.resource));
      const answer = answers[index] as WireAnswer | Error;
      // Forgotten meanwhile (forget): this answer predates the change, so it is neither kept nor cached.
      if (!known) return;
      if (answer instanceof Error) known.failures[question.action] = serviceFailure(answer);
      else {
        learn(known, question.action, answer);
        toCache.push({ id: answerId(question), value: answer, ttlSeconds: ttl });
      }
    });
    // Denials are cached like grants (a denied caller must not cost a call per object); failures never.
    if (toCache.length > 0) await cache.setMany(cachePolicy.permissionCheck.namespace, toCache, scope());
    return questions.map(() => undefined);
  }

  /** The service's answer to each check, in order (an Error where it gave none): batched and chunked, or one POST each. */
  async #answers(checks: readonly WireCheck[]): Promise<(WireAnswer | Error)[]> {
    const client = this.options.client();
    const { batch, batchMax } = this.options.settings;
    if (!batch)
      return Promise.all(checks.map((check) => client.check(check).catch((error: unknown) => error as Error)));
    const chunks: WireCheck[][] = [];
    for (let start = 0; start < checks.length; start += batchMax) chunks.push(checks.slice(start, start + batchMax));
    const results = await Promise.all(
      // The client answers one result per check, in order, or throws: then every check of the chunk failed.
      chunks.map((chunk) => client.checkBatch(chunk).catch((error: unknown) => chunk.map(() => error as Error))),
    );
    return results.flat();
  }
}
