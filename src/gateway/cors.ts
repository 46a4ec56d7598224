import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers a browser may send cross-origin: credentials, JSON, Apollo's CSRF headers, a request id, tracing. */
export const corsAllowedHeaders = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-request-id',
  'apollographql-client-name',
  'apollographql-client-version',
  'traceparent',
  'tracestate',
] as const;

/** How long a browser may reuse a preflight answer (Chromium caps it at 2 h, Firefox at 24 h). */
export const corsMaxAgeSeconds = 600;

/** Response headers a cross-origin page may read (the rest of the CORS-safelisted ones it reads anyway). */
const EXPOSED_HEADERS = 'x-request-id';

/** One CORS_ORIGINS entry, compiled: `*`, `scheme://host:*` (any port) or an exact origin. */
type OriginRule = { any: true } | { any: false; scheme: string; hostname: string; port: string | '*' };

function compile(entry: string): OriginRule {
  if (entry === '*') return { any: true };
  const anyPort = entry.endsWith(':*');
  const url = new URL(anyPort ? entry.slice(0, -2) : entry);
  return { any: false, scheme: url.protocol, hostname: url.hostname, port: anyPort ? '*' : url.port };
}

/**
 * The gateway's CORS policy (CORS_ORIGINS): which browser origins may call GraphQL cross-origin, with credentials.
 * An allowed origin is echoed (never `*`, which browsers refuse with credentials) on the preflight and on the
 * actual response; any other origin gets no CORS headers, so the browser keeps the answer from the page.
 * Same-origin requests (the Sandbox/GraphiQL page this process serves) are always allowed. CORS only relaxes
 * what a browser may read: Apollo's CSRF prevention still refuses simple cross-site requests on its own.
 */
export class CorsPolicy {
  readonly #rules: readonly OriginRule[];

  /** `origins`: validated CORS_ORIGINS entries (src/config/corsOrigins.ts checks their form and refuses `*` in production). */
  constructor(origins: readonly string[]) {
    this.#rules = origins.map(compile);
  }

  /** Whether `origin` (the request's Origin header) may call; `host` is the request's Host header. */
  allows(origin: string, host: string | undefined): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // `null` (file:, sandboxed frames) and anything malformed
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin.toLowerCase()) return false;
    // Same origin (scheme aside: behind a TLS-terminating proxy the page is https and this server plain http).
    if (host !== undefined && url.host === host.toLowerCase()) return true;
    return this.#rules.some(
      (rule) =>
        rule.any ||
        (rule.scheme === url.protocol &&
          rule.hostname === url.hostname &&
          (rule.port === '*' || rule.port === url.port)),
    );
  }

  /**
   * Applies the policy to one GraphQL request: answers a preflight (204 with the CORS headers, or 403 without
   * any for an origin not allowed) and returns true; otherwise adds the headers an allowed origin needs to the
   * response about to be written and returns false (the request goes on to GraphQL).
   */
  apply(request: IncomingMessage, response: ServerResponse): boolean {
    const origin = request.headers.origin;
    const preflight =
      request.method === 'OPTIONS' &&
      origin !== undefined &&
      request.headers['access-control-request-method'] !== undefined;
    // Caches must key on Origin: the same URL answers with and without CORS headers.
    response.setHeader(
      'vary',
      preflight ? 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' : 'Origin',
    );
    const allowed = origin !== undefined && this.allows(origin, request.headers.host);
    if (allowed) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-allow-credentials', 'true');
    }
    if (!preflight) {
      if (allowed) response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      return false;
    }
    if (!allowed) {
      response
        .writeHead(403, { 'content-type': 'application/json' })
        .end('{"error":"origin not allowed: add it to CORS_ORIGINS"}');
      return true;
    }
    response
      .writeHead(204, {
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': corsAllowedHeaders.join(', '),
        'access-control-max-age': String(corsMaxAgeSeconds),
        'content-length': '0',
      })
      .end();
    return true;
  }
}
