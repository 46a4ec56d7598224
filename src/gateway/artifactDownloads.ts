// The gateway's download route, `GET|HEAD /artifacts/v1/...`: serves the signed URLs `Artifact.downloadUrl` hands
// out (auth/artifactUrls.ts). In order, and refusing at the first failure:
// 1. the URL's shape and path (traversal refused, 400), signature (403), expiry (403), and the fetch's credentials
//    against the caller it was issued to (403; none at all: the URL is a capability, see the README's security model);
// 2. a download slot: ARTIFACT_DOWNLOADS_PER_CALLER per caller (per client address without credentials), 429, and
//    ARTIFACT_MAX_DOWNLOADS for the process, 503;
// 3. the run's permission again, as the caller, through the request's authorizer (403), with the request's upstream
//    call budget and circuit breaker like any GraphQL request;
// 4. the bytes, streamed from MLflow or the presigned storage URL with backpressure (pipeline: the upstream is read as
//    fast as the client drains, so memory stays flat whatever the size), range and validators passed through.
// Nothing is sent upstream before step 3. Errors answer `{"error": {"code", "message"}}` with the closed set's codes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ARTIFACT_URL_PREFIX, verifyArtifactUrl } from '../auth/artifactUrls.js';
import { callerIdentity } from '../auth/callerIdentity.js';
import { principalFromHeaders } from '../auth/principalFromHeaders.js';
import { anonymousPrincipal, type Principal } from '../auth/Principal.js';
import { scopeId } from '../auth/serverKeys.js';
import { createRequestContext } from '../context/createRequestContext.js';
import type { Services } from '../context/Services.js';
import type { ErrorCode } from '../errors/ErrorCode.js';
import { errorCodeOf, toGraphQLError } from '../errors/toGraphQLError.js';
import { artifactName } from '../upstream/artifacts/artifactPath.js';
import type { CorsPolicy } from './cors.js';
import { DownloadSlots } from './downloadSlots.js';

/** HTTP status of each error code on this route. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 429,
  UNSUPPORTED_BY_BACKEND: 501,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_TIMEOUT: 504,
};

/** Types a browser may render in place (an image opened in a tab); everything else downloads as an attachment. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

function refuse(response: ServerResponse, status: number, code: ErrorCode, message: string, headers = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    .end(JSON.stringify({ error: { code, message } }));
}

function codeOfStatus(status: number): ErrorCode {
  return status === 400
    ? 'BAD_USER_INPUT'
    : status === 401
      ? 'UNAUTHENTICATED'
      : status === 404
        ? 'NOT_FOUND'
        : 'FORBIDDEN';
}

/** `inline`/`attachment` with the file's name, RFC 6266: an ASCII fallback and the UTF-8 name. */
function disposition(path: string, contentType: string | undefined): string {
  const name = artifactName(path);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${INLINE_TYPES.has(type) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The download route of one gateway. */
export interface ArtifactDownloads {
  /** Serves `path` when it is an artifact URL (true), else leaves the request alone (false). */
  serve(path: string, request: IncomingMessage, response: ServerResponse): boolean;
  /** The slots in use (tests wait on it). */
  readonly slots: DownloadSlots;
}

/** The download route over `services` (the gateway's), with the gateway's CORS policy for cross-origin fetch(). */
export function artifactDownloads(services: Services, cors?: Pick<CorsPolicy, 'apply'>): ArtifactDownloads {
  const { config, keys } = services;
  const slots = new DownloadSlots(config.artifacts.downloadsPerCaller, config.artifacts.maxDownloads);
  // Without credentials the URL is the capability: upstream, the service's credentials if configured, else none.
  const bearer: Principal = config.serviceAuthorization
    ? { ...anonymousPrincipal, id: 'service', kind: 'service', authorization: config.serviceAuthorization }
    : anonymousPrincipal;

  async function download(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      refuse(response, 405, 'BAD_USER_INPUT', 'Artifact URLs answer GET and HEAD', { allow: 'GET, HEAD' });
      return;
    }
    const caller = principalFromHeaders(request.headers, config);
    const identity = caller.kind === 'anonymous' ? undefined : callerIdentity(caller);
    const now = Date.now();
    const verdict = verifyArtifactUrl(keys, request.url ?? '', {
      identity,
      now,
      withoutCredentials: config.artifacts.urlWithoutCredentials,
    });
    if (!verdict.ok) {
      refuse(response, verdict.status, codeOfStatus(verdict.status), verdict.reason);
      return;
    }
    const slotKey =
      identity === undefined ? `address:${request.socket.remoteAddress ?? ''}` : `caller:${scopeId(keys, identity)}`;
    const release = slots.take(slotKey);
    if (release === 'caller' || release === 'process') {
      if (release === 'caller')
        refuse(response, 429, 'RATE_LIMITED', 'Too many downloads in flight for this caller: retry shortly', {
          'retry-after': '1',
        });
      else
        refuse(response, 503, 'UPSTREAM_UNAVAILABLE', 'Too many downloads in flight: retry shortly', {
          'retry-after': '1',
        });
      return;
    }
    const aborted = new AbortController();
    response.once('close', () => {
      release();
      if (!response.writableFinished) aborted.abort();
    });
    const { claims } = verdict;
    const context = createRequestContext(services, request.headers, verdict.as === 'bearer' ? bearer : caller);
    try {
      // The run's permission now, as this caller (a grant revoked since the URL was issued stops it here).
      if (verdict.as === 'caller') {
        await context.authorizer.requireKnownCaller();
        await context.authorizer.require({ kind: 'experiment', id: claims.experimentId }, 'CAN_READ');
      }
      const answer = await context.clients.artifacts.open(
        { root: claims.root, experimentId: claims.experimentId },
        claims.path,
        {
          range: header(request, 'range'),
          ifRange: header(request, 'if-range'),
          ifNoneMatch: header(request, 'if-none-match'),
          ifModifiedSince: header(request, 'if-modified-since'),
        },
        aborted.signal,
      );
      response.writeHead(answer.status, {
        ...answer.headers,
        'content-disposition': disposition(claims.path, answer.headers['content-type']),
        // The bytes are the run's, not this gateway's: never sniffed, never run as a page of its origin.
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': `private, max-age=${Math.max(0, claims.expires - Math.floor(now / 1000))}`,
        'x-request-id': context.requestId,
      });
      if (request.method === 'HEAD' || answer.status === 304 || answer.status === 416) {
        answer.body.destroy();
        response.end();
        return;
      }
      await pipeline(answer.body, response);
    } catch (error) {
      if (response.headersSent || aborted.signal.aborted) {
        // The client left, or the upstream broke mid-file: the connection is cut (a short body is never "complete").
        response.destroy();
        return;
      }
      const code = errorCodeOf(error);
      refuse(response, STATUS[code] ?? 500, code, toGraphQLError(error).message, { 'x-request-id': context.requestId });
    }
  }

  return {
    slots,
    serve(path, request, response) {
      if (!path.startsWith(ARTIFACT_URL_PREFIX)) return false;
      if (cors?.apply(request, response)) return true;
      // One line per download, as GraphQL requests have theirs (never the URL: it is a capability while it lives).
      const started = performance.now();
      response.once('close', () =>
        services.telemetry.logger.info(
          {
            component: 'artifacts',
            status: response.statusCode,
            ms: Math.round(performance.now() - started),
            complete: response.writableFinished,
          },
          'artifact download',
        ),
      );
      download(request, response).catch((error: unknown) => {
        services.telemetry.logger.error(
          { component: 'artifacts', err: { name: (error as Error).name } },
          'artifact download failed',
        );
        refuse(response, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      });
      return true;
    },
  };
}
