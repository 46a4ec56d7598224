import { CursorCodec } from '../../../src/graphql/cursorCodec.js';
import { fillPage } from '../../../src/graphql/fillPage.js';

// Cursors are sealed (cursorCodec.test.ts covers that); here they are opened with the same codec and scope.
const cursors = new CursorCodec(Buffer.alloc(32, 7), 'credential:Basic dGVzdDp0ZXN0').scoped({
  field: 'Test.list',
  args: {},
});
const decodeCursor = (cursor: string | null | undefined) => cursors.decode(cursor);

// An upstream of 10 items in pages of at most 4, tokens "p4", "p8"; odd numbers are unreadable.
const ITEMS = Array.from({ length: 10 }, (_, i) => i);
function upstream(calls: { token: string | undefined; max: number }[]) {
  return async (token: string | undefined, maxResults: number) => {
    calls.push({ token, max: maxResults });
    const start = token ? Number(token.slice(1)) : 0;
    const size = Math.min(maxResults, 4);
    const items = ITEMS.slice(start, start + size);
    const next = start + size < ITEMS.length ? `p${start + size}` : undefined;
    return { items, nextToken: next };
  };
}
const evensOnly = async (items: readonly number[]) => items.map((n) => n % 2 === 0);

describe('fillPage', () => {
  it('refills from further pages so first: N gives N readable objects', async () => {
    const calls: { token: string | undefined; max: number }[] = [];
    const page = await fillPage({ size: 4, position: { o: 0 }, cursors, fetch: upstream(calls), readable: evensOnly });
    expect(page.nodes).toEqual([0, 2, 4, 6]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(calls.length).toBe(2);
  });

  it('continues exactly after the last edge, without skipping or repeating', async () => {
    const first = await fillPage({ size: 3, position: { o: 0 }, cursors, fetch: upstream([]), readable: evensOnly });
    expect(first.nodes).toEqual([0, 2, 4]);
    const second = await fillPage({
      size: 3,
      position: decodeCursor(first.pageInfo.endCursor),
      cursors,
      fetch: upstream([]),
      readable: evensOnly,
    });
    expect(second.nodes).toEqual([6, 8]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('stops after maxPages and says more may follow', async () => {
    const calls: { token: string | undefined; max: number }[] = [];
    const page = await fillPage({
      size: 5,
      position: { o: 0 },
      cursors,
      fetch: upstream(calls),
      readable: async (items) => items.map(() => false),
      maxPages: 2,
    });
    expect(page.nodes).toEqual([]);
    expect(calls.length).toBe(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('uses one upstream page when everything is readable', async () => {
    const calls: { token: string | undefined; max: number }[] = [];
    const page = await fillPage({
      size: 4,
      position: { o: 0 },
      cursors,
      fetch: upstream(calls),
      readable: async (items) => items.map(() => true),
    });
    expect(page.nodes).toEqual([0, 1, 2, 3]);
    expect(calls).toHaveLength(1);
    expect(decodeCursor(page.pageInfo.endCursor)).toEqual({ t: 'p4', o: 0 });
  });
});
