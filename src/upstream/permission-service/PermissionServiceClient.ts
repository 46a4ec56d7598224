import type { Got } from 'got';
import { PERMISSION_LEVELS, type PermissionLevel } from '../../auth/PermissionLevel.js';
import { createHttpInstance } from '../http/createHttpInstance.js';
import { endpoint, type Endpoint, type Route } from '../http/endpoint.js';
import { RestClient, type RestClientOptions } from '../http/RestClient.js';
import { UpstreamError } from '../http/UpstreamError.js';

// The wire contract of a custom permission service (README, "Custom permission service"). Field names are
// the contract's own (camelCase), not MLflow's.

/** What the graph asks permission for. `admin` has no object. */
export type WireAction = 'read' | 'write' | 'manage' | 'admin';

/** The kinds of object permissions are asked on. */
export type WireObjectType = 'experiment' | 'registered_model';

/** The caller, as the trusted proxy named them. `groups` is present only when the proxy sent some. */
export interface WirePrincipal {
  id: string;
  username: string | null;
  email: string | null;
  groups?: string[];
}

/** One question: may `principal` do `action` on the object? */
export interface WireCheck {
  principal: WirePrincipal;
  action: WireAction;
  objectType?: WireObjectType;
  objectId?: string;
}

/** One answer. `level`, when given, is the caller's level on the object (whatever the action asked). */
export interface WireAnswer {
  allowed: boolean;
  level?: PermissionLevel;
}

/** The service's API: one check per POST, or (when it accepts lists) many in one. */
export interface PermissionServiceApi {
  check: { params: WireCheck; response: unknown };
  checkBatch: { params: { checks: WireCheck[] }; response: unknown };
}

/** The name upstream errors and metrics carry. */
export const PERMISSION_SERVICE = 'Permission service';

/** The process-wide connection to one permission service URL: a got instance and its endpoint table. */
export interface PermissionServiceTransport {
  http: Got;
  endpoints: { readonly check: Endpoint; readonly checkBatch: Endpoint };
}

/**
 * One keep-alive got instance for the service at `url`. The POST goes to the URL's own path (got's prefixUrl
 * would add a trailing slash to it), and both are marked read-only: a check changes nothing, so retrying one
 * is safe.
 */
export function createPermissionServiceTransport(settings: {
  url: string;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxSockets: number;
}): PermissionServiceTransport {
  const url = new URL(settings.url);
  const http = createHttpInstance({
    baseUrl: url.origin,
    connectTimeoutMs: Math.min(settings.connectTimeoutMs, settings.timeoutMs),
    responseTimeoutMs: settings.timeoutMs,
    maxSockets: settings.maxSockets,
  });
  const route = `POST ${url.pathname}` as Route;
  return {
    http,
    endpoints: { check: endpoint(route, { readOnly: true }), checkBatch: endpoint(route, { readOnly: true }) },
  };
}

function malformed(message: string): UpstreamError {
  // The body itself is not echoed: whatever a broken service sends is not for the client to read.
  return new UpstreamError({
    upstream: PERMISSION_SERVICE,
    endpoint: 'check',
    failure: 'malformed',
    message: `${PERMISSION_SERVICE} sent a malformed answer: ${message}`,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Validates one answer: `allowed` must be a boolean; `level`, if present, one of the graph's level names. */
export function parseAnswer(value: unknown): WireAnswer {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(`expected {"allowed": boolean}, got ${describe(value)}`);
  const { allowed, level } = value as { allowed?: unknown; level?: unknown };
  if (typeof allowed !== 'boolean')
    throw malformed(
      `expected "allowed" to be true or false, got ${allowed === undefined ? 'no "allowed"' : describe(allowed)}`,
    );
  if (level === undefined || level === null) return { allowed };
  if (typeof level !== 'string' || !(PERMISSION_LEVELS as readonly string[]).includes(level)) {
    // An unknown level name (a newer scale, a typo) must not be guessed at: the check fails closed.
    throw malformed(
      `expected "level" to be one of ${PERMISSION_LEVELS.join(', ')}, got ${typeof level === 'string' ? `"${level.slice(0, 40)}"` : describe(level)}`,
    );
  }
  return { allowed, level: level as PermissionLevel };
}

/**
 * Typed access to the permission service for one request: the service's bearer token (never the caller's
 * or MLflow's credentials), the request id, the request's time budget, metrics and tracing.
 */
export class PermissionServiceClient {
  readonly #rest: RestClient<PermissionServiceApi>;

  constructor(transport: PermissionServiceTransport, options: Omit<RestClientOptions, 'http'>) {
    this.#rest = new RestClient<PermissionServiceApi>(PERMISSION_SERVICE, transport.endpoints, {
      ...options,
      http: transport.http,
    });
  }

  /** One check, one POST. */
  async check(check: WireCheck): Promise<WireAnswer> {
    return parseAnswer(await this.#rest.call('check', check));
  }

  /**
   * Many checks, one POST: `{"checks": [...]}` → `{"results": [...]}` in the same order. A malformed item
   * fails only its own check; a malformed envelope (no list, wrong length) fails them all.
   */
  async checkBatch(checks: readonly WireCheck[]): Promise<(WireAnswer | Error)[]> {
    const body = await this.#rest.call('checkBatch', { checks: [...checks] });
    const results = (body as { results?: unknown } | null)?.results;
    if (!Array.isArray(results))
      throw malformed(
        `expected {"results": [...]}, got ${describe(body)}${body && typeof body === 'object' && !Array.isArray(body) ? ' without a "results" list' : ''}`,
      );
    if (results.length !== checks.length)
      throw malformed(`expected ${checks.length} results (one per check, in order), got ${results.length}`);
    return results.map((result) => {
      try {
        return parseAnswer(result);
      } catch (error) {
        return error as Error;
      }
    });
  }
}
