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

/** A Relay connection as resolvers return it. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * Builds a connection from one upstream page. `items` are what the page returned after skipping; `token`
 * is the page token that was requested; `skipped` how many items of it were skipped; `nextToken` MLflow's
 * next_page_token. When the page had more items than `size`, the connection ends mid-page. `cursors` seals
 * every cursor for this caller and this connection's query.
 */
export function buildConnection<T>(items: readonly T[], size: number, position: CursorPosition, nextToken: string | undefined, cursors: Cursors): Connection<T> {
  const page = items.slice(0, size);
  const moreInPage = items.length > size;
  const edges = page.map((node, index) => {
    const isLast = index === page.length - 1;
    const cursor =
      isLast && !moreInPage && nextToken
        ? cursors.encode({ t: nextToken, o: 0 })
        : cursors.encode({ ...(position.t === undefined ? {} : { t: position.t }), o: position.o + index + 1 });
    return { cursor, node };
  });
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: moreInPage || Boolean(nextToken),
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      // An empty page can still have a next token (MLflow pages by offset over filtered rows).
      endCursor: edges.at(-1)?.cursor ?? (nextToken ? cursors.encode({ t: nextToken, o: 0 }) : null),
    },
  };
}
