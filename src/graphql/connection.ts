import { BadUserInputError } from '../errors/SupergraphError.js';

/**
 * Relay cursors over MLflow page tokens. A cursor names a position as "the page that `t` starts, after
 * skipping `o` items"; the end cursor of a page is simply MLflow's next_page_token with o = 0, so the usual
 * `after: endCursor` costs one upstream call. Tokens are opaque (Databricks' are not offsets), so an
 * edge cursor in the middle of a page is resumed by re-reading that page and skipping.
 */
export interface CursorPosition {
  /** MLflow page token of the page this position is in; undefined for the first page. */
  t?: string;
  /** Items of that page to skip. */
  o: number;
}

/** Encodes a position as an opaque cursor string. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Decodes `after`; a cursor this graph did not issue is a BAD_USER_INPUT error. */
export function decodeCursor(cursor: string | null | undefined): CursorPosition {
  if (cursor === null || cursor === undefined || cursor === '') return { o: 0 };
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object') {
      const { t, o } = parsed as { t?: unknown; o?: unknown };
      if ((t === undefined || typeof t === 'string') && typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= 50_000) {
        return t === undefined ? { o } : { t, o };
      }
    }
  } catch {
    // fall through
  }
  throw new BadUserInputError(`Invalid cursor "${cursor.slice(0, 64)}": pass a cursor from pageInfo.endCursor or an edge`);
}

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
 * next_page_token. When the page had more items than `size`, the connection ends mid-page.
 */
export function buildConnection<T>(items: readonly T[], size: number, position: CursorPosition, nextToken: string | undefined): Connection<T> {
  const page = items.slice(0, size);
  const moreInPage = items.length > size;
  const edges = page.map((node, index) => {
    const isLast = index === page.length - 1;
    const cursor =
      isLast && !moreInPage && nextToken
        ? encodeCursor({ t: nextToken, o: 0 })
        : encodeCursor({ ...(position.t === undefined ? {} : { t: position.t }), o: position.o + index + 1 });
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
      endCursor: edges.at(-1)?.cursor ?? (nextToken ? encodeCursor({ t: nextToken, o: 0 }) : null),
    },
  };
}
