import { deriveServerKeys } from '../../../src/auth/serverKeys.js';
import { anonymousPrincipal, type Principal } from '../../../src/auth/Principal.js';
import {
  CursorCodec,
  createCursorCodec,
  INVALID_CURSOR_MESSAGE,
  type CursorScope,
} from '../../../src/graphql/cursorCodec.js';

const KEY = Buffer.alloc(32, 1);
const ALICE = 'credential:Basic YWxpY2U6YWxpY2UtcHc=';
const EXPERIMENTS: CursorScope = {
  field: 'Query.experiments',
  args: { filter: "name LIKE 'a%'", orderBy: ['name'], viewType: 'ACTIVE_ONLY' },
};
// An MLflow page token (base64 of {"offset": 1234}).
const TOKEN = Buffer.from('{"offset": 1234}').toString('base64');

/** The BAD_USER_INPUT a refused cursor raises, or undefined when `decode` did not throw. */
function refusal(decode: () => unknown): { code?: string; message: string } | undefined {
  try {
    decode();
  } catch (error) {
    const { extensions, message } = error as { extensions?: { code?: string }; message: string };
    return { ...(extensions?.code ? { code: extensions.code } : {}), message };
  }
  return undefined;
}

const refused = { code: 'BAD_USER_INPUT', message: INVALID_CURSOR_MESSAGE };

describe('CursorCodec', () => {
  const alice = new CursorCodec(KEY, ALICE);

  it('round-trips positions with and without a page token', () => {
    for (const position of [
      { o: 0 },
      { o: 7 },
      { t: TOKEN, o: 0 },
      { t: TOKEN, o: 49_999 },
      { t: 'x'.repeat(600), o: 3 },
    ]) {
      expect(alice.decode(alice.encode(position, EXPERIMENTS), EXPERIMENTS)).toEqual(position);
    }
    expect(alice.decode(null, EXPERIMENTS)).toEqual({ o: 0 });
    expect(alice.decode('', EXPERIMENTS)).toEqual({ o: 0 });
  });

  it('is opaque: base64url, no token or offset inside, one length for every short position, fresh IV each time', () => {
    const cursors = [{ o: 1 }, { o: 49_999 }, { t: TOKEN, o: 0 }, { t: `${TOKEN}${TOKEN}`, o: 12 }].map((p) =>
      alice.encode(p, EXPERIMENTS),
    );
    for (const cursor of cursors) {
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const bytes = Buffer.from(cursor, 'base64url');
      expect(bytes.includes(Buffer.from(TOKEN))).toBe(false);
      expect(bytes.includes(Buffer.from('offset'))).toBe(false);
      expect(bytes.toString('latin1')).not.toMatch(/49999|1234/);
    }
    expect(new Set(cursors.map((c) => c.length))).toEqual(new Set([cursors[0]?.length]));
    expect(alice.encode({ o: 1 }, EXPERIMENTS)).not.toBe(alice.encode({ o: 1 }, EXPERIMENTS));
  });

  it('refuses a flipped byte anywhere, a truncated cursor, and a re-spelled one', () => {
    const cursor = alice.encode({ t: TOKEN, o: 5 }, EXPERIMENTS);
    const bytes = Buffer.from(cursor, 'base64url');
    let accepted = 0;
    for (let index = 0; index < bytes.length; index += 1) {
      const flipped = Buffer.from(bytes);
      flipped[index] = (flipped[index] as number) ^ 0x01;
      if (!refusal(() => alice.decode(flipped.toString('base64url'), EXPERIMENTS))) accepted += 1;
    }
    expect(accepted).toBe(0);
    expect(refusal(() => alice.decode(cursor.slice(0, -1), EXPERIMENTS))).toEqual(refused);
    expect(refusal(() => alice.decode(cursor.slice(0, 40), EXPERIMENTS))).toEqual(refused);
    expect(refusal(() => alice.decode(`${cursor}AAAA`, EXPERIMENTS))).toEqual(refused);
    expect(refusal(() => alice.decode('garbage!', EXPERIMENTS))).toEqual(refused);
    expect(refusal(() => alice.decode('A'.repeat(100_000), EXPERIMENTS))).toEqual(refused);
    // The readable format this graph used to issue is a forgery now.
    expect(
      refusal(() => alice.decode(Buffer.from(JSON.stringify({ t: TOKEN, o: 0 })).toString('base64url'), EXPERIMENTS)),
    ).toEqual(refused);
  });

  it('refuses a cursor sealed under another key', () => {
    const other = new CursorCodec(Buffer.alloc(32, 2), ALICE);
    expect(refusal(() => alice.decode(other.encode({ o: 3 }, EXPERIMENTS), EXPERIMENTS))).toEqual(refused);
  });

  it('binds a cursor to its caller', () => {
    const cursor = alice.encode({ t: TOKEN, o: 2 }, EXPERIMENTS);
    expect(new CursorCodec(KEY, ALICE).decode(cursor, EXPERIMENTS)).toEqual({ t: TOKEN, o: 2 });
    expect(
      refusal(() => new CursorCodec(KEY, 'credential:Basic Ym9iOmJvYi1wdw==').decode(cursor, EXPERIMENTS)),
    ).toEqual(refused);
    expect(refusal(() => new CursorCodec(KEY, 'anonymous').decode(cursor, EXPERIMENTS))).toEqual(refused);
  });

  it('binds a cursor to its field and the arguments that shape the list, not to how they are spelled', () => {
    const cursor = alice.encode({ o: 4 }, EXPERIMENTS);
    const otherScopes: CursorScope[] = [
      { field: 'Query.registeredModels', args: EXPERIMENTS.args },
      { field: 'Query.experiments', args: { ...EXPERIMENTS.args, filter: "name LIKE 'b%'" } },
      { field: 'Query.experiments', args: { ...EXPERIMENTS.args, orderBy: ['name DESC'] } },
      { field: 'Query.experiments', args: { ...EXPERIMENTS.args, viewType: 'ALL' } },
      { field: 'Query.experiments', args: { filter: "name LIKE 'a%'", orderBy: ['name'] } },
    ];
    for (const scope of otherScopes) expect(refusal(() => alice.decode(cursor, scope))).toEqual(refused);
    // Same arguments in another key order, and null members, are the same query.
    const respelled: CursorScope = {
      field: 'Query.experiments',
      args: { viewType: 'ACTIVE_ONLY', extra: null, orderBy: ['name'], filter: "name LIKE 'a%'" },
    };
    expect(alice.decode(cursor, respelled)).toEqual({ o: 4 });
  });

  it('scoped() seals and opens like encode/decode with that scope', () => {
    const cursors = alice.scoped(EXPERIMENTS);
    expect(alice.decode(cursors.encode({ t: TOKEN, o: 1 }), EXPERIMENTS)).toEqual({ t: TOKEN, o: 1 });
    expect(cursors.decode(alice.encode({ o: 9 }, EXPERIMENTS))).toEqual({ o: 9 });
  });

  it('derives its binding from the principal and the server keys (one secret, every replica)', () => {
    const bob: Principal = {
      ...anonymousPrincipal,
      id: 'bob',
      username: 'bob',
      kind: 'basic',
      authorization: 'Basic Ym9iOmJvYi1wdw==',
    };
    const replicaA = deriveServerKeys('shared-secret');
    const replicaB = deriveServerKeys('shared-secret');
    const cursor = createCursorCodec(replicaA, bob).encode({ o: 6 }, EXPERIMENTS);
    expect(createCursorCodec(replicaB, bob).decode(cursor, EXPERIMENTS)).toEqual({ o: 6 });
    expect(refusal(() => createCursorCodec(replicaB, anonymousPrincipal).decode(cursor, EXPERIMENTS))).toEqual(refused);
    expect(
      refusal(() => createCursorCodec(deriveServerKeys('another-secret'), bob).decode(cursor, EXPERIMENTS)),
    ).toEqual(refused);
    expect(refusal(() => createCursorCodec(deriveServerKeys(undefined), bob).decode(cursor, EXPERIMENTS))).toEqual(
      refused,
    );
  });
});
