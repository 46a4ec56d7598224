import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { cachePolicy } from '../cache/cachePolicy.js';
import type { KeyValueCache } from '../cache/KeyValueCache.js';
import type { Principal } from './Principal.js';

/** Headers the gateway adds to every subgraph request in distributed mode. */
export const SIGNING_HEADERS = {
  identity: 'x-supergraph-identity',
  timestamp: 'x-supergraph-timestamp',
  /** Random per request, so two identical requests sent in the same millisecond are not taken for a replay. */
  nonce: 'x-supergraph-nonce',
  signature: 'x-supergraph-signature',
} as const;

/** How far a signed request's timestamp may be from the subgraph's clock. */
export const MAX_SKEW_MS = 30_000;

/**
 * How long a used signature is remembered in the shared cache (the policy row `subgraphNonce`). A signature is
 * acceptable for MAX_SKEW_MS either side of its timestamp (60 s in all); the row's lifetime adds another MAX_SKEW_MS
 * for replicas whose clocks disagree with the one that claimed it, so no replica can still accept a signature after
 * its claim has expired (test/unit/cache/cachePolicy.test.ts holds the row to 3 × MAX_SKEW_MS).
 */
export const NONCE_TTL_MS = cachePolicy.subgraphNonce.ttl.fixedSeconds * 1000;

/** Where a used signature is recorded (in the shared cache, so every replica of every subgraph sees it). */
export const nonceKey = (signature: string) => `${cachePolicy.subgraphNonce.keyPrefix}${signature}`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// The audience (the target subgraph's name) comes first: a request signed for `registry` does not verify at
// `tracking`, so a captured request cannot be replayed to another subgraph, whose schema may read it differently.
function payload(
  audience: string,
  timestamp: string,
  nonce: string,
  identity: string,
  authorization: string | undefined,
  query: string,
  variables: unknown,
): string {
  return [
    'v2',
    audience,
    timestamp,
    nonce,
    identity,
    sha256(authorization ?? ''),
    sha256(query),
    sha256(JSON.stringify(variables ?? {})),
  ].join('.');
}

/**
 * The identity fields forwarded to subgraphs (never the credentials themselves; those travel in Authorization).
 * All of them sit inside the signed identity header, so none can be swapped (e-mail and groups decide what a
 * custom permission service allows).
 */
type ForwardedIdentity = Pick<Principal, 'id' | 'username' | 'email' | 'groups' | 'kind' | 'scopes'>;

/**
 * Signs a subgraph request: identity, credentials, operation and variables, bound to a timestamp and to the
 * subgraph it is sent to (`audience`, the subgraph's name in the supergraph).
 */
export function signSubgraphRequest(
  secret: string,
  audience: string,
  principal: Principal,
  query: string,
  variables: unknown,
  now = Date.now(),
): Record<string, string> {
  const forwarded: ForwardedIdentity = {
    id: principal.id,
    username: principal.username,
    email: principal.email,
    groups: principal.groups,
    kind: principal.kind,
    scopes: principal.scopes,
  };
  const identity = Buffer.from(JSON.stringify(forwarded)).toString('base64url');
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('base64url');
  const signature = createHmac('sha256', secret)
    .update(payload(audience, timestamp, nonce, identity, principal.authorization, query, variables))
    .digest('base64url');
  return {
    [SIGNING_HEADERS.identity]: identity,
    [SIGNING_HEADERS.timestamp]: timestamp,
    [SIGNING_HEADERS.nonce]: nonce,
    [SIGNING_HEADERS.signature]: signature,
  };
}

/** Why a subgraph request was refused. */
export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

/**
 * The replay check could not be made (the shared cache is down, timed out or cannot promise uniqueness). The
 * request is refused, never accepted unchecked: a subgraph answers it as UPSTREAM_UNAVAILABLE (HTTP 503).
 */
export class ReplayCheckUnavailableError extends Error {
  override readonly name = 'ReplayCheckUnavailableError';
}

/** Options of {@link verifySubgraphRequest}. */
export interface VerifyOptions {
  /**
   * Where used signatures are claimed (`setIfAbsent`): the shared cache, so a signature used at one replica is
   * refused at every other. Without it there is no replay protection (unit tests of the signature only).
   */
  nonces?: KeyValueCache;
  /** The verifier's clock, in epoch milliseconds. */
  now?: number;
}

/**
 * Verifies a request signed by {@link signSubgraphRequest} for this subgraph (`audience`) and returns the caller it
 * names. Refuses (SignatureError) a missing or wrong signature, one made for another subgraph, a stale timestamp,
 * and (with `nonces`) a signature already used anywhere; throws ReplayCheckUnavailableError when `nonces` cannot
 * answer, so an outage of the shared cache refuses requests instead of letting replays through.
 */
export async function verifySubgraphRequest(
  secret: string,
  audience: string,
  headers: Record<string, string | string[] | undefined>,
  query: string,
  variables: unknown,
  options: VerifyOptions = {},
): Promise<Principal> {
  const now = options.now ?? Date.now();
  const get = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const identity = get(SIGNING_HEADERS.identity);
  const timestamp = get(SIGNING_HEADERS.timestamp);
  const nonce = get(SIGNING_HEADERS.nonce);
  const signature = get(SIGNING_HEADERS.signature);
  if (!identity || !timestamp || !nonce || !signature) throw new SignatureError('request is not signed by the gateway');
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_SKEW_MS)
    throw new SignatureError('signature timestamp is outside the allowed window');
  const authorization = get('authorization');
  const expected = createHmac('sha256', secret)
    .update(payload(audience, timestamp, nonce, identity, authorization, query, variables))
    .digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new SignatureError('signature does not match');
  // Claimed only once the signature is genuine, so unsigned traffic cannot fill the cache. The key is the
  // canonical encoding of the verified MAC, not the header text (base64url decoding ignores trailing bits).
  if (options.nonces) {
    const claim = await options.nonces.setIfAbsent(nonceKey(expected.toString('base64url')), '1', NONCE_TTL_MS / 1000);
    if (claim === 'exists') throw new SignatureError('signature was already used');
    if (claim === 'unavailable')
      throw new ReplayCheckUnavailableError('the replay check cannot reach the shared cache');
  }
  let forwarded: ForwardedIdentity;
  try {
    forwarded = JSON.parse(Buffer.from(identity, 'base64url').toString('utf8')) as ForwardedIdentity;
  } catch {
    throw new SignatureError('identity header is malformed');
  }
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
  return {
    id: forwarded.id ?? undefined,
    username: forwarded.username ?? undefined,
    email: typeof forwarded.email === 'string' ? forwarded.email : undefined,
    groups: strings(forwarded.groups),
    kind: forwarded.kind,
    authorization,
    scopes: strings(forwarded.scopes),
  };
}
