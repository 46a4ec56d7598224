/** HTTP verbs the upstream REST APIs use. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A route row of an endpoint table: `"VERB /path"`, where `{name}` in the path is filled from params. */
export type Route = `${HttpMethod} /${string}`;

/** One upstream endpoint, parsed from its table row. */
export interface Endpoint {
  readonly route: Route;
  readonly method: HttpMethod;
  readonly path: string;
  /** Safe to retry: a GET, or a POST that only reads (runs/search). Writes are never retried. */
  readonly idempotent: boolean;
}

/** Parses a `"VERB /path"` row; `readOnly` marks POSTs that only read (search endpoints) as retryable. */
export function endpoint(route: Route, options: { readOnly?: boolean } = {}): Endpoint {
  const space = route.indexOf(' ');
  const method = route.slice(0, space) as HttpMethod;
  const path = route.slice(space + 1);
  return { route, method, path, idempotent: method === 'GET' || options.readOnly === true };
}

/**
 * `true` when two key sets are equal, else `never`: `const _check: SameKeys<EndpointName, keyof Api> = true` fails
 * to compile when an endpoint table and its typed API drift apart (a row without types, or types without a row).
 */
export type SameKeys<A extends PropertyKey, B extends PropertyKey> = [A] extends [B]
  ? [B] extends [A]
    ? true
    : never
  : never;
