// Relay connections over MLflow page tokens. A position is "the page that token `t` starts, after skipping
// `o` items"; the end cursor of a page is simply MLflow's next_page_token with o = 0, so the usual
// `after: endCursor` costs one upstream call. Tokens are opaque (Databricks' are not offsets), so an edge
// cursor in the middle of a page is resumed by re-reading that page and skipping. Positions count rows the
// caller may not read, so they leave this module only sealed by a `Cursors` (see cursorCodec.ts).
import { BadUserInputError } from '../errors/SupergraphError.js';
import type { CursorPosition, Cursors } from './cursorCodec.js';

/** A position in a list (re-exported for loaders that page from one). */
export type { CursorPosition } from './cursorCodec.js';

/** Validates a page size argument. */
export function pageSize(first: number | null | undefined, max = 1000, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new BadUserInputError(`first must be an integer from 1 to ${max}, got ${String(first)}`);
  }
  return size;
}

/** One edge of a connection. */
export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A Relay connection as resolvers return it. */
export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * A value sealed the first time it is read. Sealing is an AES-GCM encryption (tens of microseconds): a
 * client that selects `nodes` and `endCursor` of a 1000-row page pays for one cursor, not a thousand.
 */
function lazySeal(cursors: Cursors, position: CursorPosition): () => string {
  let sealed: string | undefined;
  return () => (sealed ??= cursors.encode(position));
}

/** An edge whose cursor, naming `position`, is sealed only if it is read. */
export function sealedEdge<T>(node: T, position: CursorPosition, cursors: Cursors): Edge<T> {
  const cursor = lazySeal(cursors, position);
  return {
    node,
    get cursor() {
      return cursor();
    },
  };
}

/**
 * A connection over `edges`. Its start and end cursors are read from the first and last edge (the same
 * strings), or, for an empty page that still has a next page, `emptyEnd`'s cursor.
 */
export function connectionOf<T>(
  edges: Edge<T>[],
  hasNextPage: boolean,
  cursors: Cursors,
  emptyEnd?: CursorPosition,
): Connection<T> {
  const emptyEndCursor = emptyEnd ? lazySeal(cursors, emptyEnd) : () => null;
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? emptyEndCursor();
      },
    },
  };
}

/**
 * Builds a connection from one upstream page. `items` are what the page returned after skipping; `token`
 * is the page token that was requested; `skipped` how many items of it were skipped; `nextToken` MLflow's
 * next_page_token. When the page had more items than `size`, the connection ends mid-page. `cursors` seals
 * every cursor for this caller and this connection's query.
 */
export function buildConnection<T>(
  items: readonly T[],
  size: number,
  position: CursorPosition,
  nextToken: string | undefined,
  cursors: Cursors,
): Connection<T> {
  const page = items.slice(0, size);
  const moreInPage = items.length > size;
  const edges = page.map((node, index) => {
    const isLast = index === page.length - 1;
    const at: CursorPosition =
      isLast && !moreInPage && nextToken
        ? { t: nextToken, o: 0 }
        : { ...(position.t === undefined ? {} : { t: position.t }), o: position.o + index + 1 };
    return sealedEdge(node, at, cursors);
  });
  // An empty page can still have a next token (MLflow pages by offset over filtered rows).
  return connectionOf(edges, moreInPage || Boolean(nextToken), cursors, nextToken ? { t: nextToken, o: 0 } : undefined);
}
