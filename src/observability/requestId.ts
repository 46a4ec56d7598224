import { randomUUID } from 'node:crypto';

// The request id is what ties one request's log line, spans, upstream calls and response header together: it is
// accepted (or made) once, where the HTTP request comes in, and the request context is built with the same id.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane token (letters, digits, `._:-`, ≤128), else a new UUID. */
export function acceptRequestId(incoming: string | string[] | undefined): string {
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  return candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
