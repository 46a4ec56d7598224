import type { Got } from 'got';
import type { Endpoint } from './endpoint.js';

/**
 * gunicorn's default `limit_request_line`: a real MLflow answers a longer GET request line
 * (`GET <path>?<query> HTTP/1.1`) with an HTML 400 before MLflow sees it. Long id lists must be chunked
 * by encoded bytes, not only by count (measured: 100 run ids in one GET fail, 80 pass).
 */
export const MAX_REQUEST_LINE_BYTES = 4094;

/** Length of `value` once form-urlencoded, as got/URLSearchParams sends a GET parameter. */
export function encodedLength(value: string): number {
  return new URLSearchParams({ x: value }).toString().length - 2;
}

/** The full request path of an endpoint on this got instance (with the tracking URI's path prefix). */
export function requestPath(http: Got, endpoint: Endpoint): string {
  const prefix = String(http.defaults.options.prefixUrl ?? '');
  const base = prefix ? new URL(prefix).pathname.replace(/\/+$/, '') : '';
  return `${base}${endpoint.path}`;
}

/**
 * Splits `items` into groups whose request line stays within `limit`: `fixed` is the length of the line
 * without any item, `cost(item, isFirst)` what one item adds. Order is kept.
 */
export function chunkByRequestLine<T>(
  items: readonly T[],
  fixed: number,
  cost: (item: T, isFirst: boolean) => number,
  limit = MAX_REQUEST_LINE_BYTES,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = fixed;
  for (const item of items) {
    let added = cost(item, current.length === 0);
    if (current.length > 0 && size + added > limit) {
      chunks.push(current);
      current = [];
      size = fixed;
      added = cost(item, true);
    }
    if (size + added > limit)
      throw new RangeError(
        `chunkByRequestLine: one item needs ${fixed + added} bytes, over the ${limit}-byte request line`,
      );
    size += added;
    current.push(item);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
