import { buildConnection, pageSize } from '../../../src/graphql/connection.js';
import { CursorCodec } from '../../../src/graphql/cursorCodec.js';

// Cursors are sealed (cursorCodec.test.ts covers that); here they are opened with the same codec and scope.
const cursors = new CursorCodec(Buffer.alloc(32, 7), 'credential:Basic dGVzdDp0ZXN0').scoped({
  field: 'Test.list',
  args: {},
});
const decodeCursor = (cursor: string | null | undefined) => cursors.decode(cursor);

describe('Relay connections over MLflow page tokens', () => {
  it('ends a full page with a cursor that is the next page token', () => {
    const connection = buildConnection(['a', 'b'], 2, { o: 0 }, 'tok2', cursors);
    expect(connection.nodes).toEqual(['a', 'b']);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(connection.pageInfo.endCursor)).toEqual({ t: 'tok2', o: 0 });
    expect(decodeCursor(connection.edges[0]?.cursor)).toEqual({ o: 1 });
  });

  it('has no next page without a token', () => {
    const connection = buildConnection(['a'], 5, { o: 0 }, undefined, cursors);
    expect(connection.pageInfo.hasNextPage).toBe(false);
    expect(connection.pageInfo.hasPreviousPage).toBe(false);
  });

  it('continues inside a page after a mid-page cursor', () => {
    const connection = buildConnection(['c', 'd', 'e'], 2, { t: 'tok', o: 2 }, undefined, cursors);
    expect(connection.nodes).toEqual(['c', 'd']);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(connection.pageInfo.endCursor)).toEqual({ t: 'tok', o: 4 });
  });

  it('rejects a cursor it did not issue with BAD_USER_INPUT', () => {
    // What a caller could forge: the readable cursor format this graph used to issue.
    const forged = Buffer.from(JSON.stringify({ o: -1 })).toString('base64url');
    expect(() => decodeCursor('garbage!')).toThrow(/Invalid cursor/);
    let caught: unknown;
    try {
      decodeCursor(forged);
    } catch (error) {
      caught = error;
    }
    expect((caught as { extensions: { code: string } }).extensions.code).toBe('BAD_USER_INPUT');
    expect(() => decodeCursor(forged)).toThrow(/Invalid cursor/);
  });

  it("seals a cursor only when it is read, once, and pageInfo shares the edges' strings", () => {
    let seals = 0;
    const counting = {
      encode: (position: Parameters<typeof cursors.encode>[0]) => ((seals += 1), cursors.encode(position)),
      decode: cursors.decode,
    };
    const connection = buildConnection(
      Array.from({ length: 1001 }, (_, i) => i),
      1000,
      { o: 0 },
      undefined,
      counting,
    );
    expect(connection.nodes).toHaveLength(1000);
    expect(seals).toBe(0);
    const end = connection.pageInfo.endCursor;
    expect(seals).toBe(1);
    expect(connection.edges[999]?.cursor).toBe(end);
    expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor);
    expect(seals).toBe(2);
    expect(decodeCursor(end)).toEqual({ o: 1000 });
    // An empty page with a next token still ends with a cursor to it.
    expect(decodeCursor(buildConnection([], 5, { o: 0 }, 'tok9', counting).pageInfo.endCursor)).toEqual({
      t: 'tok9',
      o: 0,
    });
  });

  it('bounds page sizes', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(1000)).toBe(1000);
    expect(() => pageSize(0)).toThrow(/from 1 to 1000/);
    expect(() => pageSize(1001)).toThrow(/from 1 to 1000/);
  });
});
