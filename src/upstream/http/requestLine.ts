import type { Got } from 'got';
import type { Endpoint } from './endpoint.js';

// What a call's HTTP request line is (`GET <path>?<query> HTTP/1.1`), as got sends it, and how to split a list of
// ids over as few GETs as fit one. callRest sends with these helpers, so what is measured here is what is sent.

/**
 * gunicorn's default `limit_request_line`: a real MLflow answers a longer GET request line
 * (`GET <path>?<query> HTTP/1.1`) with an HTML 400 before MLflow sees it. Long id lists must be chunked
 * by encoded bytes, not only by count (measured: 100 run ids in one GET fail, 80 pass).
 */
export const MAX_REQUEST_LINE_BYTES = 4094;

/** The full request path of an endpoint on this got instance (with the tracking URI's path prefix). */
export function requestPath(http: Got, endpoint: Endpoint): string {
  const prefix = String(http.defaults.options.prefixUrl ?? '');
  const base = prefix ? new URL(prefix).pathname.replace(/\/+$/, '') : '';
  return `${base}${endpoint.path}`;
}

/** Fills `{name}` placeholders from params and returns the path plus the params left for query or body. */
export function fillPath(
  path: string,
  params: Record<string, unknown>,
): { path: string; rest: Record<string, unknown> } {
  const rest = { ...params };
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`callRest: expected a value for path parameter "${name}" in ${path}, got ${String(value)}`);
    }
    return encodeURIComponent(String(value));
  });
  return { path: filled.replace(/^\//, ''), rest };
}

/** GET parameters as MLflow's Flask handlers read them: arrays as repeated keys, undefined dropped. */
export function toSearchParams(params: Record<string, unknown>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
    else search.append(key, String(value));
  }
  return search;
}

/**
 * Length of the request line of a GET to `path` (the full request path, `{name}` placeholders filled from
 * `params`) with `params` as its query, as got sends it.
 */
export function requestLineLength(path: string, params: object): number {
  const { path: filled, rest } = fillPath(path, params as Record<string, unknown>);
  const query = toSearchParams(rest).toString();
  return `GET /${filled}${query ? `?${query}` : ''} HTTP/1.1`.length;
}

/** How {@link chunkByRequestLine} splits. */
export interface ChunkOptions {
  /** Items one chunk may hold whatever their length (an endpoint's own limit: bulk-interval takes 100 runs). */
  maxPerChunk?: number;
  /** Request-line bytes a chunk's GET may take. */
  limit?: number;
  /** The error when one item alone needs `length` bytes, over the limit (a RangeError unless given). */
  tooLong?: (length: number) => Error;
}

/**
 * Splits `items` into the fewest runs of consecutive items (order kept) whose GET to `path`, sent with
 * `paramsFor(run)`, has a request line within the limit. Each run is the longest that fits, found by measuring
 * the real encoded line, so `paramsFor` is all a caller says: which parameters a run of items is sent with
 * (include any parameter a later page of the same call adds, e.g. a page token, so that page fits too).
 * Assumes a longer run never has a shorter line, as holds for an IN list or a repeated parameter.
 */
export function chunkByRequestLine<T>(
  path: string,
  items: readonly T[],
  paramsFor: (run: readonly T[]) => object,
  { maxPerChunk = Number.POSITIVE_INFINITY, limit = MAX_REQUEST_LINE_BYTES, tooLong }: ChunkOptions = {},
): T[][] {
  if (!(maxPerChunk >= 1)) throw new RangeError(`chunkByRequestLine: expected maxPerChunk >= 1, got ${maxPerChunk}`);
  const lineOf = (start: number, count: number) =>
    requestLineLength(path, paramsFor(items.slice(start, start + count)));
  const chunks: T[][] = [];
  // The previous run's length: ids of one kind are alike, so the next run is usually as long, and two measurements
  // (that length fits, one more does not) settle it instead of a whole gallop (500 run ids: 22 lines, not 77).
  let previous = 0;
  for (let start = 0; start < items.length;) {
    const most = Math.min(maxPerChunk, items.length - start);
    // Invariant: a run of `fits` items fits (0: not known yet), a run of `over` does not (most + 1: none measured).
    let fits = 0;
    let over = most + 1;
    if (previous > 0) {
      const guess = Math.min(previous, most);
      if (lineOf(start, guess) <= limit) fits = guess;
      else over = guess;
    }
    if (fits === 0) {
      const single = lineOf(start, 1);
      if (single > limit) {
        throw (
          tooLong?.(single) ??
          new RangeError(
            `chunkByRequestLine: one item needs a ${single}-byte request line, over the ${limit}-byte limit`,
          )
        );
      }
      fits = 1;
    }
    // Gallop up (fits + 1, + 2, + 4, …) to a run that does not fit, then bisect: a few measurements per chunk,
    // none much longer than the chunk itself, however long the list.
    for (let step = 1; fits + step < over && fits + step <= most; step *= 2) {
      if (lineOf(start, fits + step) > limit) {
        over = fits + step;
        break;
      }
      fits += step;
    }
    if (over > most && fits < most) {
      if (lineOf(start, most) <= limit) fits = most;
      else over = most;
    }
    while (over - fits > 1) {
      const middle = Math.floor((fits + over) / 2);
      if (lineOf(start, middle) <= limit) fits = middle;
      else over = middle;
    }
    chunks.push(items.slice(start, start + fits));
    start += fits;
    previous = fits;
  }
  return chunks;
}
