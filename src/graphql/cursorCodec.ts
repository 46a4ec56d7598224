import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { callerIdentity } from '../auth/callerIdentity.js';
import type { ServerKeys } from '../auth/serverKeys.js';
import type { Principal } from '../auth/Principal.js';
import { BadUserInputError } from '../errors/SupergraphError.js';

/**
 * Opaque, authenticated Relay cursors. A position inside a list is "the MLflow page that token `t` starts,
 * after skipping `o` rows" — and both halves count rows the caller may not read (MLflow's offsets, and the
 * rows fillPage skipped), so a readable cursor would tell a caller how many hidden objects sit before a
 * position, and a forged one would start a search anywhere. Cursors are therefore AES-256-GCM sealed
 * under the server's cursor key with a random 96-bit IV, the plaintext padded to a fixed bucket so the
 * length says nothing either, and bound through the GCM additional data to (a keyed digest of) the caller
 * and to the list's field and shaping arguments: a cursor replayed by someone else, on another field or
 * with another filter, fails authentication like a tampered one.
 *
 * Distributed mode: each subgraph process derives the key from MLFLOW_SUPERGRAPH_SECRET itself (auth/
 * serverKeys.ts), so a cursor issued by one replica is accepted by any other; without the secret each
 * process has a random key of its own and cursors do not survive a restart or a hop to another replica.
 * Nothing else is needed: the subgraph that issues a connection's cursors is the one that reads them back.
 */

/** A position in a list: the MLflow page token of the page it is in, and how many rows of that page to skip. */
export interface CursorPosition {
  /** MLflow page token of the page this position is in; undefined for the first page. */
  t?: string;
  /** Rows of that page to skip. */
  o: number;
}

/** What a cursor is bound to besides the caller: the connection field and the arguments that shape its list. */
export interface CursorScope {
  /** `Type.field`, e.g. `Query.experiments`, `RegisteredModel.versions`. */
  field: string;
  /** Arguments that decide which rows and in what order (never `first`/`after`); null and absent are the same. */
  args: Readonly<Record<string, unknown>>;
}

/** Cursors of one connection (one scope): encode positions, decode `after`. */
export interface Cursors {
  /** Seals a position as an opaque cursor. */
  encode(position: CursorPosition): string;
  /** Opens `after` (null/empty: the start); anything this caller was not given for this query is BAD_USER_INPUT. */
  decode(after: string | null | undefined): CursorPosition;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Plaintext is padded to a multiple of this: an OSS MLflow token (~20-30 bytes) and a Databricks one fit one bucket. */
const BUCKET_BYTES = 128;
/** Offset (4 bytes) + token length (2 bytes); the token follows. */
const HEADER_BYTES = 6;
/** Largest page token a cursor carries (MLflow's are tens of bytes); a longer one is a bug upstream, not a client's. */
const MAX_TOKEN_BYTES = 2048;
/** Longest `after` worth decoding: the largest cursor encode() can produce. */
const MAX_CURSOR_CHARS = Math.ceil(
  ((IV_BYTES + TAG_BYTES + Math.ceil((HEADER_BYTES + MAX_TOKEN_BYTES) / BUCKET_BYTES) * BUCKET_BYTES) * 4) / 3,
);
/** Same bound as MLflow's own max_results ceilings (50 000 for experiments): an offset past it is never issued. */
const MAX_OFFSET = 50_000;
const AAD_LABEL = Buffer.from('mlflow-supergraph/cursor/v1\0', 'utf8');

/** Message of every refusal: the same whatever failed, so a probe learns nothing about why. */
export const INVALID_CURSOR_MESSAGE =
  'Invalid cursor: pass a cursor from pageInfo.endCursor or an edge of the same query (same field and arguments, same caller)';

interface CursorKeys {
  seal: Buffer;
  binding: Buffer;
}

// One HKDF per server key, not per request: keys live as long as the process.
const derived = new WeakMap<Buffer, CursorKeys>();

function cursorKeys(cursorKey: Buffer): CursorKeys {
  let keys = derived.get(cursorKey);
  if (!keys) {
    // The caller binding is a MAC under a key of its own (never the AES key reused for another primitive).
    const binding = Buffer.from(hkdfSync('sha256', cursorKey, Buffer.alloc(0), 'mlflow-supergraph/cursor-binding', 32));
    keys = { seal: cursorKey, binding };
    derived.set(cursorKey, keys);
  }
  return keys;
}

/** JSON with sorted keys, null/undefined members dropped: `{filter: null}` and `{}` are one query. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== null && member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonical(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function scopeDigest(scope: CursorScope): Buffer {
  return createHash('sha256')
    .update(canonical([scope.field, scope.args]), 'utf8')
    .digest();
}

function invalid(): BadUserInputError {
  return new BadUserInputError(INVALID_CURSOR_MESSAGE);
}

/** Seals and opens cursors for one caller; create one per request with {@link createCursorCodec}. */
export class CursorCodec {
  readonly #keys: CursorKeys;
  readonly #caller: Buffer;

  /** `cursorKey` is the 32-byte AES key; `identity` the caller's (see callerIdentity), kept only as a keyed digest. */
  constructor(cursorKey: Buffer, identity: string) {
    if (cursorKey.length !== 32) throw new TypeError(`cursor key must be 32 bytes, got ${cursorKey.length}`);
    this.#keys = cursorKeys(cursorKey);
    this.#caller = createHmac('sha256', this.#keys.binding).update(identity, 'utf8').digest();
  }

  /** Seals `position` for this caller and `scope`. */
  encode(position: CursorPosition, scope: CursorScope): string {
    return this.#seal(position, this.#aad(scope));
  }

  /** Opens `after` for this caller and `scope`; null/undefined/empty is the start of the list. */
  decode(after: string | null | undefined, scope: CursorScope): CursorPosition {
    return this.#open(after, this.#aad(scope));
  }

  /** The cursors of one connection: the scope digest is computed once for all its edges. */
  scoped(scope: CursorScope): Cursors {
    const aad = this.#aad(scope);
    return { encode: (position) => this.#seal(position, aad), decode: (after) => this.#open(after, aad) };
  }

  #aad(scope: CursorScope): Buffer {
    return Buffer.concat([AAD_LABEL, this.#caller, scopeDigest(scope)]);
  }

  #seal(position: CursorPosition, aad: Buffer): string {
    const token = Buffer.from(position.t ?? '', 'utf8');
    if (!Number.isInteger(position.o) || position.o < 0 || position.o > 0xffff_ffff)
      throw new RangeError(`cursor offset must be a uint32, got ${position.o}`);
    if (token.length > MAX_TOKEN_BYTES)
      throw new RangeError(`page token of ${token.length} bytes exceeds the ${MAX_TOKEN_BYTES} a cursor carries`);
    // Zero padding to the bucket: a cursor's length is the same for every offset and every short token.
    const plaintext = Buffer.alloc(Math.ceil((HEADER_BYTES + token.length) / BUCKET_BYTES) * BUCKET_BYTES);
    plaintext.writeUInt32BE(position.o, 0);
    // Length 0 means "no token" (the first page); MLflow never issues an empty token (it means "no more pages").
    plaintext.writeUInt16BE(token.length, 4);
    token.copy(plaintext, HEADER_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.seal, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  #open(after: string | null | undefined, aad: Buffer): CursorPosition {
    if (after === null || after === undefined || after === '') return { o: 0 };
    if (after.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(after)) throw invalid();
    const raw = Buffer.from(after, 'base64url');
    // Node's decoder ignores a last character's spare bits: only the one spelling encode() produced is accepted.
    if (raw.toString('base64url') !== after) throw invalid();
    const bodyBytes = raw.length - IV_BYTES - TAG_BYTES;
    if (bodyBytes <= 0 || bodyBytes % BUCKET_BYTES !== 0) throw invalid();
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#keys.seal, raw.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      plaintext = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    } catch {
      // Tampered, truncated, another caller's, another query's, or sealed under another key: all alike.
      throw invalid();
    }
    const o = plaintext.readUInt32BE(0);
    const length = plaintext.readUInt16BE(4);
    // Authentic but out of range can only mean a key shared with a buggy writer: refuse rather than trust it.
    if (o > MAX_OFFSET || HEADER_BYTES + length > plaintext.length) throw invalid();
    return length === 0 ? { o } : { t: plaintext.toString('utf8', HEADER_BYTES, HEADER_BYTES + length), o };
  }
}

/** The cursor codec of one request's caller: cursors it seals open only for the same caller. */
export function createCursorCodec(keys: Pick<ServerKeys, 'cursor'>, principal: Principal): CursorCodec {
  return new CursorCodec(keys.cursor, callerIdentity(principal));
}

/**
 * The cursors of one connection field for the request's caller (what resolvers call). The keys are derived on first
 * use: a first page whose cursors nobody reads (a dashboard's ten `runs { nodes }`) derives none, before its search.
 */
export function connectionCursors(keys: Pick<ServerKeys, 'cursor'>, principal: Principal, scope: CursorScope): Cursors {
  let cursors: Cursors | undefined;
  const scoped = () => (cursors ??= createCursorCodec(keys, principal).scoped(scope));
  return { encode: (position) => scoped().encode(position), decode: (after) => scoped().decode(after) };
}
