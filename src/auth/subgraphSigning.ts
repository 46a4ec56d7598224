import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../context/Principal.js';

/** Headers the gateway adds to every subgraph request in distributed mode. */
export const SIGNING_HEADERS = {
  identity: 'x-supergraph-identity',
  timestamp: 'x-supergraph-timestamp',
  signature: 'x-supergraph-signature',
} as const;

/** How far a signed request's timestamp may be from the subgraph's clock. */
export const MAX_SKEW_MS = 30_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function payload(timestamp: string, identity: string, authorization: string | undefined, query: string, variables: unknown): string {
  return [timestamp, identity, sha256(authorization ?? ''), sha256(query), sha256(JSON.stringify(variables ?? {}))].join('.');
}

/**
 * The identity fields forwarded to subgraphs (never the credentials themselves; those travel in Authorization).
 * All of them sit inside the signed identity header, so none can be swapped (e-mail and groups decide what a
 * custom permission service allows).
 */
type ForwardedIdentity = Pick<Principal, 'id' | 'username' | 'email' | 'groups' | 'kind' | 'scopes'>;

/** Signs a subgraph request: identity, credentials, operation and variables, bound to a timestamp. */
export function signSubgraphRequest(secret: string, principal: Principal, query: string, variables: unknown, now = Date.now()): Record<string, string> {
  const forwarded: ForwardedIdentity = { id: principal.id, username: principal.username, email: principal.email, groups: principal.groups, kind: principal.kind, scopes: principal.scopes };
  const identity = Buffer.from(JSON.stringify(forwarded)).toString('base64url');
  const timestamp = String(now);
  const signature = createHmac('sha256', secret).update(payload(timestamp, identity, principal.authorization, query, variables)).digest('base64url');
  return { [SIGNING_HEADERS.identity]: identity, [SIGNING_HEADERS.timestamp]: timestamp, [SIGNING_HEADERS.signature]: signature };
}

/** Why a subgraph request was refused. */
export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

/**
 * Verifies a request signed by {@link signSubgraphRequest} and returns the caller it names. Refuses a
 * missing or wrong signature, a stale timestamp, and (with `seen`) a signature already used (replay).
 */
export function verifySubgraphRequest(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  query: string,
  variables: unknown,
  seen?: Map<string, number>,
  now = Date.now(),
): Principal {
  const get = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const identity = get(SIGNING_HEADERS.identity);
  const timestamp = get(SIGNING_HEADERS.timestamp);
  const signature = get(SIGNING_HEADERS.signature);
  if (!identity || !timestamp || !signature) throw new SignatureError('request is not signed by the gateway');
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_SKEW_MS) throw new SignatureError('signature timestamp is outside the allowed window');
  const authorization = get('authorization');
  const expected = createHmac('sha256', secret).update(payload(timestamp, identity, authorization, query, variables)).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new SignatureError('signature does not match');
  if (seen) {
    for (const [key, expires] of seen) if (expires < now) seen.delete(key);
    if (seen.has(signature)) throw new SignatureError('signature was already used');
    seen.set(signature, now + 2 * MAX_SKEW_MS);
  }
  let forwarded: ForwardedIdentity;
  try {
    forwarded = JSON.parse(Buffer.from(identity, 'base64url').toString('utf8')) as ForwardedIdentity;
  } catch {
    throw new SignatureError('identity header is malformed');
  }
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : []);
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
