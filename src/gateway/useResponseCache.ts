// The gateway's response cache (DESIGN §5, the third level): whole answers, kept per caller, so a repeated query is
// answered without planning or executing anything. Our own rather than @apollo/server-plugin-response-cache, which
// does not fit the security model or the policy table here:
// - its lifetimes come from @cacheControl hints, static per field in the SDL or set by resolvers that run under
//   Apollo Server's cache-control plugin; ours follow the cache policy (CACHE_TTL_*) and the data's state (a running
//   run lives 5 s, a finished one 300 s), and in-process subgraphs run under no Apollo Server, so no hint reaches
//   the gateway's policy at all (it would cache nothing, or need static hints duplicating src/cache/cachePolicy.ts);
// - a PUBLIC answer is shared by every logged-in caller ("authenticated public"), and every miss reads that shared
//   entry too; here sharing is earned per object and whole answers are always per caller;
// - a cacheable policy also makes Apollo send `Cache-Control: max-age` to browsers, which would keep a stale
//   answer in the browser after its own write (read-your-writes);
// - it keys by a hash of extra data but has no notion of generations read before execution.
import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLResponse } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { RequestContext } from '../context/RequestContext.js';

/** The text of each kept answer being sent, by its `data` (the stand-in of {@link keptData}, or a fresh answer's). */
const keptTexts = new WeakMap<object, string>();

/**
 * The `data` of a kept answer without parsing it: a stand-in that parses the text only if something reads it
 * (another plugin, an in-process caller), and that {@link stringifyResult} recognises and sends as the text it
 * is. A warm dashboard's 300 KB answer is then never parsed nor written out again (measured: that was half the
 * CPU of a hit).
 */
function keptData(text: string): Record<string, unknown> {
  let parsed: Record<string, unknown> | undefined;
  const real = () => (parsed ??= (JSON.parse(text) as { data: Record<string, unknown> }).data);
  const standIn = new Proxy<Record<string, unknown>>(
    {},
    {
      get: (_, key) => Reflect.get(real(), key) as unknown,
      has: (_, key) => Reflect.has(real(), key),
      ownKeys: () => Reflect.ownKeys(real()),
      getOwnPropertyDescriptor(_, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  keptTexts.set(standIn, text);
  return standIn;
}

/**
 * Apollo Server's `stringifyResult`: a kept answer goes out as the text that was kept (nothing was added to it);
 * anything else as Apollo writes it (JSON and a newline).
 */
export function stringifyResult(value: FormattedExecutionResult): string {
  const kept = value.data ? keptTexts.get(value.data) : undefined;
  if (kept !== undefined && value.errors === undefined && value.extensions === undefined) return `${kept}\n`;
  return `${JSON.stringify(value)}\n`;
}

/** Options of {@link useResponseCache}. */
export interface ResponseCacheOptions {
  /** Largest answer kept, in bytes (the gateway's response-size limit: a larger one is refused anyway). */
  readonly maxBytes?: number;
}

/** Which answer: the operation's text, the operation picked from it and the variables (the caller is the key's scope). */
function answerId({ source, operationName, request }: GraphQLRequestContext<RequestContext>): string {
  return createHash('sha256')
    .update(JSON.stringify([source, operationName ?? null, request.variables ?? null]))
    .digest('base64url');
}

/** Whether a mutation may have written: some field answered (a refused or failed one answers null). */
function wrote(body: GraphQLResponse['body']): boolean {
  if (body.kind !== 'single') return true;
  return Object.values(body.singleResult.data ?? {}).some((value) => value !== null && value !== undefined);
}

/**
 * Answers a query from the caller's kept answer when one is current, and keeps each answer worth keeping:
 * - only queries (never mutations, subscriptions or incremental delivery), only complete answers (no `errors`:
 *   no partial answer, no refused field, no upstream failure), only answers whose every upstream read went
 *   through the shared cache (AnswerLifetime: anything else has no lifetime this layer can vouch for);
 * - per caller, under the HMAC scope of their credential (behind a trusted proxy: of the identity it vouched
 *   for); an anonymous caller is a caller of its own, so never served what a credential fetched;
 * - for as long as the most volatile entry it was built from (a permission decision included), at most
 *   CACHE_TTL_RESPONSE, and stamped with every generation read before execution: any write, grant, revoke or
 *   mutation through this layer, by anyone on any instance, makes it stale (read-your-writes holds);
 * - every mutation that wrote replaces the answers' generation once it has run, whatever its resolvers invalidated
 *   (a safety net: each write's resolver already replaces the generations of what it changed).
 */
export function useResponseCache(options: ResponseCacheOptions = {}): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let id: string | undefined;
      let hit = false;
      return {
        async responseForOperation(request) {
          if (request.operation?.operation !== 'query' || request.source === undefined) return null;
          id = answerId(request);
          const text = await request.contextValue.cache.answers.read(id);
          if (text === undefined) return null;
          hit = true;
          return {
            body: { kind: 'single', singleResult: { data: keptData(text) } },
            http: { status: undefined, headers: new HeaderMap() },
          };
        },
        async willSendResponse({ operation, response, contextValue }) {
          const { cache } = contextValue;
          // After a write, answers built before it are stale for everyone (whatever its resolvers invalidated). Not
          // after a refused one: a caller who may write nothing must not be able to empty everyone's answers.
          if (operation?.operation === 'mutation') return wrote(response.body) ? cache.bump('answers') : undefined;
          if (hit || id === undefined || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors !== undefined || !data) return;
          const seconds = cache.lifetime.seconds(cache.ttls.response);
          if (seconds <= 0) return;
          const text = JSON.stringify({ data });
          // Written out once: the answer sent now is this text (stringifyResult), not a second stringification.
          keptTexts.set(data, text);
          if (options.maxBytes !== undefined && text.length > options.maxBytes) return;
          // Not awaited, and started after the answer is written out (setImmediate): encoding ~300 KB and handing it
          // to Redis would otherwise run first, as the answer waits. The caller's next request comes after this SET
          // on the same connection, so it finds the answer; a failed SET is only a miss later (the cache never
          // rejects).
          const answer = id;
          setImmediate(() => void cache.answers.write(answer, text, seconds));
        },
      };
    },
  };
}
