import { connectionOf, sealedEdge, type Connection, type CursorPosition } from './connection.js';
import type { Cursors } from './cursorCodec.js';

/** One upstream page. */
export interface UpstreamPage<T> {
  items: T[];
  nextToken: string | undefined;
}

/** What fillPage needs. */
export interface FillPageOptions<T> {
  size: number;
  position: CursorPosition;
  /** Seals each edge's cursor for this caller and this connection's query. */
  cursors: Cursors;
  /** Fetches the page that `pageToken` starts, with at most `maxResults` items. */
  fetch(pageToken: string | undefined, maxResults: number): Promise<UpstreamPage<T>>;
  /** Which items the caller may read (same order). */
  readable(items: readonly T[]): Promise<boolean[]>;
  /** Upper bound on upstream pages for one connection (a caller who may read almost nothing must not cost unboundedly). */
  maxPages?: number;
  /** Largest page the upstream serves. */
  maxResults?: number;
}

/**
 * A Relay page of `size` objects the caller may read, refilled from further upstream pages when the
 * permission check leaves some out (MLflow does not filter model-version searches by permission, and
 * Databricks filters after paging), so `first: 20` still gives 20 when 20 readable objects exist. Each edge's
 * cursor points into the upstream page it came from, so paging on never skips or repeats an object.
 */
export async function fillPage<T>(options: FillPageOptions<T>): Promise<Connection<T>> {
  const { size } = options;
  const maxPages = options.maxPages ?? 10;
  // Positions first, sealed edges at the end: the last edge's position may still change to the next token.
  const found: { node: T; position: CursorPosition }[] = [];
  let token = options.position.t;
  let skip = options.position.o;
  let hasNextPage = false;
  for (let pages = 0; pages < maxPages; pages += 1) {
    // A full page each time: when the check leaves items out, asking for just the missing few costs more calls.
    const want = Math.min(options.maxResults ?? Number.MAX_SAFE_INTEGER, skip + size);
    const { items, nextToken } = await options.fetch(token, want);
    const slice = items.slice(skip);
    const allowed = await options.readable(slice);
    let consumed = skip;
    for (let index = 0; index < slice.length; index += 1) {
      if (!allowed[index]) {
        consumed = skip + index + 1;
        continue;
      }
      if (found.length === size) {
        hasNextPage = true;
        break;
      }
      consumed = skip + index + 1;
      found.push({ node: slice[index] as T, position: { ...(token === undefined ? {} : { t: token }), o: consumed } });
    }
    if (hasNextPage) break;
    const pageDone = consumed >= skip + slice.length;
    if (found.length === size || !nextToken || !pageDone) {
      hasNextPage = hasNextPage || Boolean(nextToken) || !pageDone;
      // The last edge ends its upstream page: its cursor can be the next page's token (one call to go on).
      const last = found.at(-1);
      if (last && pageDone && nextToken) last.position = { t: nextToken, o: 0 };
      break;
    }
    token = nextToken;
    skip = 0;
    if (pages === maxPages - 1) hasNextPage = true;
  }
  return connectionOf(
    found.map(({ node, position }) => sealedEdge(node, position, options.cursors)),
    hasNextPage,
    options.cursors,
  );
}
