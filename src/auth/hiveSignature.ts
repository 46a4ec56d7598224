// Hive Gateway's standard upstream request signing (its `hmacSignature` option, the
// @graphql-mesh/hmac-upstream-signature plugin), verified here so the supergraph runs unchanged under that engine:
// the gateway puts base64(HMAC-SHA256(secret, stable JSON of { query, variables })) in the request body's
// `extensions["hmac-signature"]` (variables left out when empty; keys sorted at every level, no whitespace: the
// json-stable-stringify form its own verifier, useHmacSignatureValidation, recomputes).
//
// What it proves is weaker than our own scheme (subgraphSigning.ts): the operation and variables came from a holder
// of the secret; not who the caller is, not when, not for which subgraph. So a subgraph takes the caller only from
// the credentials it passes on to MLflow (which MLflow verifies): identity headers of a trusted proxy are ignored,
// and a captured request can be replayed. README "Distributed mode" says when to use which.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from './subgraphSigning.js';

/** The body extension Hive Gateway signs into (its plugin's default `extensionName`). */
export const HIVE_SIGNATURE_EXTENSION = 'hmac-signature';

/** JSON with object keys sorted at every level and undefined members left out (json-stable-stringify's output). */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return stableJson((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : stableJson(item))).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

/** What Hive's signer and verifier both sign: the operation text and, when there are any, its variables. */
function signedText(query: string, variables: unknown): string {
  const hasVariables = variables !== null && typeof variables === 'object' && Object.keys(variables).length > 0;
  return stableJson({ query, variables: hasVariables ? variables : undefined });
}

/** The signature Hive Gateway would send for this operation (tests and tools; the gateway makes its own). */
export function hiveSignature(secret: string, query: string, variables?: unknown): string {
  return createHmac('sha256', secret).update(signedText(query, variables)).digest('base64');
}

/**
 * Verifies the Hive signature in a subgraph request's body. Throws SignatureError when it is missing, malformed or
 * does not match the operation and variables sent with it.
 */
export function verifyHiveSignature(secret: string, body: unknown): void {
  const { query, variables, extensions } = (body && typeof body === 'object' ? body : {}) as {
    query?: unknown;
    variables?: unknown;
    extensions?: Record<string, unknown>;
  };
  const signature = extensions?.[HIVE_SIGNATURE_EXTENSION];
  if (typeof signature !== 'string' || typeof query !== 'string')
    throw new SignatureError('request is not signed by the gateway');
  const expected = createHmac('sha256', secret).update(signedText(query, variables)).digest();
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new SignatureError('signature does not match');
}
