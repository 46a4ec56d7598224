// Signed artifact download URLs: `/artifacts/v1/<root kind>/<root id>/<path>?experiment=&expires=&caller=&sig=`,
// handed out by `Artifact.downloadUrl` and served by the gateway's download route. A URL names one file of one root,
// the experiment whose permission governs it (so the download re-checks it without looking the run up), an expiry,
// and the caller it was issued to; its signature (HMAC-SHA256 under a key derived from MLFLOW_SUPERGRAPH_SECRET)
// covers all of them, so a changed path, root, experiment, expiry or caller fails like a forged URL.
//
// The caller is bound as `caller`: a keyed digest of their identity (callerIdentity: their credential, or what a
// trusted proxy vouched for) and of the URL's own claims, so it says nothing of the credential, cannot be tested
// offline against a guessed password, and differs between two URLs of the same caller (no linking). Fetching:
// - with credentials (an Authorization header, or a trusted proxy's identity): they must be the ones the URL was
//   issued to (another caller's URL is refused, whatever else is right), and the download runs as that caller;
// - without any (a browser's `<img src>` sends none): the URL itself is the capability for that one file until it
//   expires (ARTIFACT_URL_WITHOUT_CREDENTIALS, on by default; off, such a fetch is refused). The README's security
//   model states the trade-off: whoever holds the URL within its few minutes can read that file.
// Expiry is checked on every fetch, with or without credentials.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { safeArtifactPath } from '../upstream/artifacts/artifactPath.js';
import { artifactRootKinds, type ArtifactRoot, type ArtifactRootKind } from '../upstream/artifacts/ArtifactRoot.js';
import { callerIdentity } from './callerIdentity.js';
import { anonymousPrincipal } from './Principal.js';
import type { ServerKeys } from './serverKeys.js';

/** Where download URLs live on the gateway. */
export const ARTIFACT_URL_PREFIX = '/artifacts/v1/';

/** What a URL grants: one file of one root until `expires` (epoch seconds). */
export interface ArtifactUrlClaims {
  readonly root: ArtifactRoot;
  /** The experiment the root belongs to (its permission is the file's). */
  readonly experimentId: string;
  readonly path: string;
  readonly expires: number;
}

/** How a fetch of a URL is to be served, or why not (with the HTTP status to answer). */
export type ArtifactUrlVerdict =
  | {
      readonly ok: true;
      readonly claims: ArtifactUrlClaims;
      /** `caller`: the fetch carries the credentials the URL was issued to; `bearer`: none, the URL is the capability. */
      readonly as: 'caller' | 'bearer';
    }
  | { readonly ok: false; readonly status: 400 | 401 | 403 | 404; readonly reason: string };

const CALLER_BYTES = 16;
/** The identity of a caller without credentials. */
const ANONYMOUS = callerIdentity(anonymousPrincipal);
const SIGNATURE_BYTES = 32;
/** Root ids as backends make them (MLflow's hex run ids, logged models' `m-…`), bounded. */
const ROOT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface UrlKeys {
  readonly signature: Buffer;
  readonly caller: Buffer;
}

// One HKDF per server key: keys live as long as the process.
const derived = new WeakMap<Buffer, UrlKeys>();

function urlKeys(keys: Pick<ServerKeys, 'artifactUrl'>): UrlKeys {
  let split = derived.get(keys.artifactUrl);
  if (!split) {
    const part = (label: string) =>
      Buffer.from(hkdfSync('sha256', keys.artifactUrl, Buffer.alloc(0), `mlflow-supergraph/artifact-url/${label}`, 32));
    split = { signature: part('signature'), caller: part('caller') };
    derived.set(keys.artifactUrl, split);
  }
  return split;
}

/** The claims as one unambiguous string (newlines cannot occur in a safe path or a root id). */
function canonical(claims: ArtifactUrlClaims): string {
  return ['v1', claims.root.kind, claims.root.id, claims.experimentId, claims.path, String(claims.expires)].join('\n');
}

function callerBinding(keys: UrlKeys, identity: string, claims: ArtifactUrlClaims): Buffer {
  return createHmac('sha256', keys.caller)
    .update(`${canonical(claims)}\n${identity}`, 'utf8')
    .digest()
    .subarray(0, CALLER_BYTES);
}

function signature(keys: UrlKeys, claims: ArtifactUrlClaims, caller: Buffer): Buffer {
  return createHmac('sha256', keys.signature)
    .update(`${canonical(claims)}\n`, 'utf8')
    .update(caller)
    .digest();
}

/** The URL's path: each segment percent-encoded, so `/`, `?`, `#` and `%` in names survive the round trip. */
function urlPath(claims: ArtifactUrlClaims): string {
  const segments = [claims.root.kind, claims.root.id, ...claims.path.split('/')];
  return ARTIFACT_URL_PREFIX + segments.map(encodeURIComponent).join('/');
}

/**
 * A download URL of `claims` for the caller whose identity (callerIdentity) is `identity`. Root-relative unless
 * `base` (the gateway's public origin, ARTIFACT_URL_BASE) is given.
 */
export function signArtifactUrl(
  keys: Pick<ServerKeys, 'artifactUrl'>,
  identity: string,
  claims: ArtifactUrlClaims,
  base = '',
): string {
  // Never sign what the route would refuse (a root id or path that is not plain): fail loudly where it is made.
  if (!ROOT_ID.test(claims.root.id) || !ROOT_ID.test(claims.experimentId))
    throw new TypeError(
      `signArtifactUrl: expected plain ids, got ${JSON.stringify([claims.root.id, claims.experimentId])}`,
    );
  safeArtifactPath(claims.path);
  const split = urlKeys(keys);
  const caller = callerBinding(split, identity, claims);
  const query = new URLSearchParams({
    experiment: claims.experimentId,
    expires: String(claims.expires),
    caller: caller.toString('base64url'),
    sig: signature(split, claims, caller).toString('base64url'),
  });
  return `${base}${urlPath(claims)}?${query.toString()}`;
}

function refuse(status: 400 | 401 | 403 | 404, reason: string): ArtifactUrlVerdict {
  return { ok: false, status, reason };
}

/** Decodes one base64url field of an exact length, or undefined. */
function field(value: string | null, bytes: number): Buffer | undefined {
  if (value === null || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const raw = Buffer.from(value, 'base64url');
  return raw.length === bytes && raw.toString('base64url') === value ? raw : undefined;
}

/** What a fetch presents besides the URL. */
export interface ArtifactUrlFetch {
  /** The fetching caller's identity (callerIdentity), or undefined when the request carries no credentials at all. */
  readonly identity: string | undefined;
  /** Epoch milliseconds. */
  readonly now: number;
  /** Honour a URL fetched without credentials as a capability (ARTIFACT_URL_WITHOUT_CREDENTIALS). */
  readonly withoutCredentials: boolean;
}

/**
 * Checks a fetched URL (`pathAndQuery` as the request line has it, percent-encoded): its shape and path (traversal
 * refused, 400), its signature (403), its expiry (403), and that the fetch carries the credentials it was issued to
 * (403 for another caller's, 401 for none where ARTIFACT_URL_WITHOUT_CREDENTIALS is off). Nothing is called.
 */
export function verifyArtifactUrl(
  keys: Pick<ServerKeys, 'artifactUrl'>,
  pathAndQuery: string,
  fetch: ArtifactUrlFetch,
): ArtifactUrlVerdict {
  const queryAt = pathAndQuery.indexOf('?');
  const rawPath = queryAt < 0 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
  if (!rawPath.startsWith(ARTIFACT_URL_PREFIX)) return refuse(404, 'Not an artifact URL');
  let segments: string[];
  try {
    segments = rawPath.slice(ARTIFACT_URL_PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    return refuse(400, 'Invalid artifact URL: a malformed percent-encoding');
  }
  const [kind, id, ...parts] = segments;
  if (!artifactRootKinds.includes(kind as ArtifactRootKind)) return refuse(404, 'Not an artifact URL');
  if (id === undefined || !ROOT_ID.test(id)) return refuse(400, 'Invalid artifact URL: a malformed root id');
  let path: string;
  try {
    path = safeArtifactPath(parts.join('/'));
  } catch (error) {
    return refuse(400, (error as Error).message);
  }
  const query = new URLSearchParams(queryAt < 0 ? '' : pathAndQuery.slice(queryAt + 1));
  const experimentId = query.get('experiment');
  const expiresText = query.get('expires');
  const caller = field(query.get('caller'), CALLER_BYTES);
  const given = field(query.get('sig'), SIGNATURE_BYTES);
  const signed = experimentId !== null && ROOT_ID.test(experimentId) && expiresText !== null && caller && given;
  if (!signed || !/^\d{1,12}$/.test(expiresText))
    return refuse(403, 'This artifact URL is not signed: ask Artifact.downloadUrl for one');
  const claims: ArtifactUrlClaims = {
    root: { kind: kind as ArtifactRootKind, id },
    experimentId,
    path,
    expires: Number(expiresText),
  };
  const split = urlKeys(keys);
  if (!timingSafeEqual(given, signature(split, claims, caller)))
    return refuse(403, 'This artifact URL was altered or was not issued by this graph');
  if (claims.expires * 1000 <= fetch.now) return refuse(403, 'This artifact URL has expired: ask for a new one');
  if (fetch.identity !== undefined) {
    if (!timingSafeEqual(caller, callerBinding(split, fetch.identity, claims)))
      return refuse(403, 'This artifact URL was issued to another caller');
    return { ok: true, claims, as: 'caller' };
  }
  // No credentials: an anonymous caller's own URL, or a signed-in caller's used as a capability (an <img src>).
  if (timingSafeEqual(caller, callerBinding(split, ANONYMOUS, claims))) return { ok: true, claims, as: 'caller' };
  if (!fetch.withoutCredentials)
    return refuse(401, 'This artifact URL was issued to a signed-in caller: send the same credentials');
  return { ok: true, claims, as: 'bearer' };
}
