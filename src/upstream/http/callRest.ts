import type { Got, Response } from 'got';
import type { Endpoint } from './endpoint.js';
import { redactText } from './redact.js';
import { fillPath, MAX_REQUEST_LINE_BYTES, requestLineLength, requestPath, toSearchParams } from './requestLine.js';
import { UpstreamError } from './UpstreamError.js';

/** Per-call options: the caller's credentials and tracing headers. */
export interface RestCallOptions {
  /** Forwarded verbatim as the `Authorization` header (Bearer or Basic). Never logged. */
  authorization?: string;
  headers?: Record<string, string>;
  /** Retries for idempotent endpoints (writes never retry). */
  retries?: number;
  /**
   * Epoch milliseconds by which the whole GraphQL request must be done. An attempt is not started after it
   * (UPSTREAM_TIMEOUT without calling), and an attempt in flight is cut off when it passes.
   */
  deadline?: number;
  /**
   * Told of the bytes of each answer as they arrive; answering false cuts the call off (a `callBudget` failure,
   * limit `upstreamBytes`, `max` the budget): the request's memory bound, whatever the data holds.
   */
  received?: (bytes: number) => { within: true } | { within: false; max: number };
}

/** Observes every upstream call (for per-request counters and metrics). */
export type CallObserver = (event: {
  upstream: string;
  route: string;
  status: number | undefined;
  ms: number;
  failure?: string;
}) => void;

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** MLflow answers JSON errors as `{error_code, message}`; basic-auth answers plain text; gunicorn, HTML. */
function errorFromResponse(upstream: string, endpoint: Endpoint, response: Response<string>): UpstreamError {
  return errorFromAnswer(
    upstream,
    endpoint.route,
    response.statusCode,
    response.headers['content-type'],
    response.body,
  );
}

/**
 * The UpstreamError for a non-2xx answer of `route`, from its status, content type and (the start of) its body:
 * MLflow's `error_code` and message when it sent its JSON error, else the status with no upstream text.
 */
export function errorFromAnswer(
  upstream: string,
  route: string,
  statusCode: number,
  contentTypeHeader: string | undefined,
  answer: string | undefined,
): UpstreamError {
  const body = answer ?? '';
  let errorCode: string | undefined;
  let message: string | undefined;
  const contentType = String(contentTypeHeader ?? '');
  if (contentType.includes('json') || body.startsWith('{')) {
    try {
      const parsed = JSON.parse(body) as {
        error_code?: unknown;
        message?: unknown;
        error?: unknown;
        error_description?: unknown;
      };
      if (typeof parsed.error_code === 'string') errorCode = parsed.error_code;
      // OAuth-style codes (GitLab's `insufficient_scope`) stand where MLflow puts error_code.
      else if (
        typeof parsed.error === 'string' &&
        typeof parsed.error_description === 'string' &&
        /^[a-z_]+$/.test(parsed.error)
      )
        errorCode = parsed.error;
      // MLflow says `message`; GitLab also answers `{"message": [..]}`, `{"error": "404 Not Found"}` and OAuth's
      // `{"error": "insufficient_scope", "error_description": "..."}`.
      if (typeof parsed.message === 'string') message = parsed.message;
      else if (Array.isArray(parsed.message) && parsed.message.every((m) => typeof m === 'string'))
        message = parsed.message.join('; ');
      else if (typeof parsed.error_description === 'string') message = parsed.error_description;
      else if (typeof parsed.error === 'string') message = parsed.error;
    } catch {
      // fall through to the status text
    }
  }
  if (message === undefined) {
    const isHtml = contentType.includes('html') && body.trimStart().startsWith('<');
    message = isHtml || body.length === 0 ? `${upstream} answered HTTP ${statusCode}` : body.slice(0, 500);
  }
  return new UpstreamError({
    upstream,
    endpoint: route,
    failure: 'http',
    status: statusCode,
    ...(errorCode === undefined ? {} : { errorCode }),
    message: redactText(message),
  });
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ETIMEDOUT' || (error as { name?: unknown }).name === 'TimeoutError';
}

/**
 * Calls one endpoint and returns its parsed JSON body, or throws an {@link UpstreamError}. Only idempotent
 * endpoints are retried (on network failures, timeouts and 429/502/503/504); a write is sent at most once.
 */
export async function callRest(
  http: Got,
  upstream: string,
  endpoint: Endpoint,
  params: Record<string, unknown>,
  options: RestCallOptions = {},
  observe?: CallObserver,
): Promise<unknown> {
  const { path, rest } = fillPath(endpoint.path, params);
  if (endpoint.method === 'GET') refuseLongRequestLine(http, upstream, endpoint, params, observe);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.authorization) headers.authorization = options.authorization;
  // MLflow's DELETE handlers read a JSON body too (registered-models/delete, delete-tag, alias).
  const hasBody = endpoint.method !== 'GET';
  const attempts = endpoint.idempotent ? 1 + (options.retries ?? 2) : 1;

  let lastError: UpstreamError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const remaining = options.deadline === undefined ? undefined : options.deadline - Date.now();
    if (remaining !== undefined && remaining <= 0) {
      // The request's time budget is spent: a retry or a late call would only make the client wait longer.
      observe?.({ upstream, route: endpoint.route, status: undefined, ms: 0, failure: 'budget' });
      throw budgetExhausted(upstream, endpoint, lastError);
    }
    const started = performance.now();
    let response: Response<string>;
    let overBytes: number | undefined;
    try {
      const request = http(path, {
        method: endpoint.method,
        headers,
        ...(endpoint.method === 'GET' ? { searchParams: toSearchParams(rest) } : {}),
        ...(hasBody ? { json: rest } : {}),
        // got merges this with the instance's connect/response timeouts: whichever fires first wins.
        ...(remaining === undefined ? {} : { timeout: { request: Math.ceil(remaining) } }),
      });
      if (options.received) {
        const { received } = options;
        let seen = 0;
        request.on('downloadProgress', ({ transferred }: { transferred: number }) => {
          const verdict = received(transferred - seen);
          seen = transferred;
          if (!verdict.within && overBytes === undefined) {
            overBytes = verdict.max;
            request.cancel();
          }
        });
      }
      response = await request;
    } catch (cause) {
      if (overBytes !== undefined) {
        observe?.({
          upstream,
          route: endpoint.route,
          status: undefined,
          ms: performance.now() - started,
          failure: 'byte_budget',
        });
        throw new UpstreamError({
          upstream,
          endpoint: endpoint.route,
          failure: 'callBudget',
          limit: 'upstreamBytes',
          max: overBytes,
          message: `This request received its budget of ${overBytes} bytes from ${upstream}; ${endpoint.route} was cut off: ask for fewer objects or smaller pages`,
        });
      }
      const timeout = isTimeout(cause);
      const outOfBudget = timeout && options.deadline !== undefined && Date.now() >= options.deadline - 1;
      lastError = outOfBudget
        ? budgetExhausted(upstream, endpoint, undefined, cause)
        : new UpstreamError({
            upstream,
            endpoint: endpoint.route,
            failure: timeout ? 'timeout' : 'network',
            message: timeout
              ? `${upstream} did not answer ${endpoint.route} in time`
              : `${upstream} is unreachable (${(cause as { code?: string }).code ?? 'network error'})`,
            cause,
          });
      observe?.({
        upstream,
        route: endpoint.route,
        status: undefined,
        ms: performance.now() - started,
        failure: outOfBudget ? 'budget' : lastError.failure,
      });
      if (outOfBudget) throw lastError;
      if (attempt < attempts) {
        await delay(attempt);
        continue;
      }
      throw lastError;
    }
    const ms = performance.now() - started;
    if (response.statusCode >= 200 && response.statusCode < 300) {
      const body = response.body ?? '';
      let parsed: unknown = {};
      try {
        if (body.trim() !== '') parsed = JSON.parse(body) as unknown;
      } catch (cause) {
        observe?.({ upstream, route: endpoint.route, status: response.statusCode, ms, failure: 'malformed' });
        lastError = new UpstreamError({
          upstream,
          endpoint: endpoint.route,
          failure: 'malformed',
          status: response.statusCode,
          message: `${upstream} sent a response that is not JSON`,
          cause,
        });
        if (attempt < attempts) {
          await delay(attempt);
          continue;
        }
        throw lastError;
      }
      observe?.({ upstream, route: endpoint.route, status: response.statusCode, ms });
      return parsed;
    }
    observe?.({ upstream, route: endpoint.route, status: response.statusCode, ms, failure: 'http' });
    lastError = errorFromResponse(upstream, endpoint, response);
    if (attempt < attempts && RETRYABLE_STATUS.has(response.statusCode)) {
      await delay(attempt);
      continue;
    }
    throw lastError;
  }
  throw lastError ?? new Error('callRest: no attempt was made');
}

/**
 * Refuses, before sending, a GET whose request line would exceed gunicorn's limit: a real MLflow answers it with
 * an HTML 400, so sending it only costs a call (and a long name or filter is the caller's input, not an outage).
 */
function refuseLongRequestLine(
  http: Got,
  upstream: string,
  endpoint: Endpoint,
  params: Record<string, unknown>,
  observe?: CallObserver,
): void {
  const length = requestLineLength(requestPath(http, endpoint), params);
  if (length <= MAX_REQUEST_LINE_BYTES) return;
  observe?.({ upstream, route: endpoint.route, status: undefined, ms: 0, failure: 'refused' });
  throw requestLineRefusal(upstream, endpoint, length);
}

/** The refusal of a GET that would need a `length`-byte request line: BAD_USER_INPUT, nothing sent. */
export function requestLineRefusal(upstream: string, endpoint: Endpoint, length: number): UpstreamError {
  return new UpstreamError({
    upstream,
    endpoint: endpoint.route,
    failure: 'refused',
    message: `The arguments are too long for ${upstream}: ${endpoint.route} would need a ${length}-byte request line, over the ${MAX_REQUEST_LINE_BYTES}-byte limit of its web server`,
  });
}

/** UPSTREAM_TIMEOUT for a call the request's time budget did not leave room for. */
function budgetExhausted(
  upstream: string,
  endpoint: Endpoint,
  previous: UpstreamError | undefined,
  cause?: unknown,
): UpstreamError {
  // After a failed attempt the client learns more from that failure than from "no time left to retry".
  if (previous) return previous;
  return new UpstreamError({
    upstream,
    endpoint: endpoint.route,
    failure: 'timeout',
    message: `The request's time budget ran out before ${upstream} answered ${endpoint.route}`,
    ...(cause === undefined ? {} : { cause }),
  });
}

function delay(attempt: number): Promise<void> {
  // Short, jittered backoff: the query is waiting on us.
  return new Promise((resolve) => setTimeout(resolve, 25 * attempt + Math.random() * 25));
}
