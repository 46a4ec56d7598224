// Artifact bytes from the backend, as a stream: never a whole file in memory. Which request fetches them is the
// backend profile's `artifactBytes`:
// - MLflow: `GET /get-artifact?path=&run_uuid=` (mlflow/server/handlers.py get_artifact_handler), the run's store as
//   the tracking server exposes it; with `--serve-artifacts` it resolves `mlflow-artifacts:` roots itself. Chosen
//   over the proxy route (`/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>`) because it answers
//   through Flask's send_file (Content-Length, ETag, Last-Modified, byte ranges, 304), where the proxy streams a
//   generator without any of them; basic-auth checks both the same way (read permission on the run's experiment).
// - Databricks: `credentials-for-read` hands out a presigned URL of the workspace's storage, fetched without the
//   caller's credentials (the signature is the credential; sending a token would leak it to the storage).
// Each open counts one call against the request's budget (the presigned URL's issue is a second one), and is
// refused while the backend's circuit is open. Failures are UpstreamErrors, mapped by src/errors like any call's.
import type { Got } from 'got';
import type { Readable } from 'node:stream';
import type { CallObserver } from '../http/callRest.js';
import { errorFromAnswer } from '../http/callRest.js';
import type { CircuitBreaker } from '../http/CircuitBreaker.js';
import type { RestClientOptions } from '../http/RestClient.js';
import { UpstreamError } from '../http/UpstreamError.js';
import type { BackendProfile } from '../profiles/BackendProfile.js';
import { safeArtifactPath } from './artifactPath.js';
import type { ArtifactLocation } from './ArtifactRoot.js';
import { readPrefix } from './readPrefix.js';

/** Conditional and range headers a client sent, passed upstream as they came. */
export interface ArtifactRequestHeaders {
  readonly range?: string | undefined;
  readonly ifRange?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
}

/** What the upstream answered: 200, 206, 304 or 416, the headers worth passing on (lower-case), the body. */
export interface ArtifactStream {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}

/** Where a presigned URL of one file comes from (Databricks' credentials-for-read), and the headers it needs. */
export type Presigner = (runId: string, path: string) => Promise<{ url: string; headers: Record<string, string> }>;

/** What an ArtifactClient is built from: the download pool, the backend, and one request's caller and budgets. */
export interface ArtifactClientOptions {
  /** The downloads' own got instance (own sockets: a long download never holds a slot API calls need). */
  readonly http: Got;
  /** MLflow's base URL (the tracking URI). */
  readonly trackingUri: string;
  readonly profile: BackendProfile;
  /** Issues presigned URLs (Databricks), with this request's clients. */
  readonly presign: Presigner;
  /** The caller's `Authorization`, sent to MLflow only (never to presigned storage). */
  readonly authorization?: string | undefined;
  readonly headers?: Record<string, string> | undefined;
  readonly counter?: RestClientOptions['counter'];
  readonly breaker?: CircuitBreaker | undefined;
  readonly observe?: CallObserver | undefined;
}

/** Response headers passed on to the client. */
const PASSED_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified'];

/** Statuses that carry the answer (the rest are errors). */
const ANSWERS = new Set([200, 206, 304, 416]);

/** Error text read from a failed answer: enough for MLflow's JSON error, never a whole page. */
const ERROR_BODY_BYTES = 4096;

const GET_ARTIFACT_ROUTE = 'GET /get-artifact';
const PRESIGNED_ROUTE = 'GET presigned URL';
const LOGGED_MODEL_FILE_ROUTE = 'GET /api/2.0/mlflow/logged-models/{model_id}/artifacts/files';

/** The start of a failed answer (MLflow's JSON error); a broken one says no more than its status. */
async function errorText(body: Readable, max: number): Promise<string> {
  const prefix = await readPrefix(body, max).catch(() => ({ bytes: Buffer.alloc(0) }));
  return prefix.bytes.toString('utf8');
}

/** Headers a storage credential may ask for: names only, never ones that carry another credential. */
function storageHeaders(headers: Record<string, string>): Record<string, string> {
  const refused = new Set([
    'authorization',
    'cookie',
    'host',
    'connection',
    'transfer-encoding',
    'proxy-authorization',
  ]);
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => /^[A-Za-z0-9-]+$/.test(name) && !refused.has(name.toLowerCase())),
  );
}

/**
 * Why `profile`'s backend serves no artifact bytes (an `unsupported` UpstreamError: UNSUPPORTED_BY_BACKEND with the
 * reason), or undefined when it does. Asked before anything is signed or sent.
 */
export function artifactBytesRefusal(profile: BackendProfile): UpstreamError | undefined {
  const support = profile.capabilities.artifactBytes;
  if (support.via !== 'none') return undefined;
  return new UpstreamError({
    upstream: 'MLflow',
    endpoint: 'artifact bytes',
    failure: 'unsupported',
    backend: profile.kind,
    message: `Artifact downloads are not supported by the ${profile.kind} backend: ${support.reason}`,
  });
}

/** Reads artifact bytes of one request's caller. */
export class ArtifactClient {
  constructor(private readonly options: ArtifactClientOptions) {}

  /**
   * Opens `path` under `location`, passing the client's range and validators upstream. Refused before any call:
   * a backend without artifact bytes (UNSUPPORTED_BY_BACKEND, with the reason), an unsafe path (BAD_USER_INPUT),
   * a request past its call budget. The stream is the caller's to consume or destroy.
   */
  async open(
    location: ArtifactLocation,
    path: string,
    conditional: ArtifactRequestHeaders = {},
    signal?: AbortSignal,
  ): Promise<ArtifactStream> {
    const { profile, counter, breaker } = this.options;
    const support = profile.capabilities.artifactBytes;
    const refused = artifactBytesRefusal(profile);
    if (refused || support.via === 'none') throw refused;
    const safe = safeArtifactPath(path);
    const target =
      support.via === 'presigned' ? await this.#presigned(location, safe) : this.#getArtifact(location, safe);
    if (counter?.max !== undefined && counter.calls >= counter.max)
      throw new UpstreamError({
        upstream: target.upstream,
        endpoint: target.route,
        failure: 'callBudget',
        limit: 'upstreamCalls',
        max: counter.max,
        message: `This request reached its budget of ${counter.max} upstream calls; ${target.route} was not called`,
      });
    if (counter) counter.calls += 1;
    if (breaker?.state === 'open')
      throw new UpstreamError({
        upstream: target.upstream,
        endpoint: target.route,
        failure: 'network',
        message: `${target.upstream} is unavailable: it failed repeatedly, so calls are paused`,
      });
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...target.headers };
    if (conditional.range) headers.range = conditional.range;
    if (conditional.ifRange) headers['if-range'] = conditional.ifRange;
    if (conditional.ifNoneMatch) headers['if-none-match'] = conditional.ifNoneMatch;
    if (conditional.ifModifiedSince) headers['if-modified-since'] = conditional.ifModifiedSince;
    const started = performance.now();
    const body = this.options.http.stream(target.url, { headers, ...(signal ? { signal } : {}) });
    let status: number;
    let answer: Record<string, string | string[] | undefined>;
    try {
      ({ statusCode: status, headers: answer } = await new Promise<{
        statusCode: number;
        headers: Record<string, string | string[] | undefined>;
      }>((resolve, reject) => {
        body.once('response', resolve);
        body.once('error', reject);
      }));
    } catch (cause) {
      body.destroy();
      const timeout = (cause as { code?: string }).code === 'ETIMEDOUT';
      this.options.observe?.({
        upstream: target.upstream,
        route: target.route,
        status: undefined,
        ms: performance.now() - started,
        failure: timeout ? 'timeout' : 'network',
      });
      throw new UpstreamError({
        upstream: target.upstream,
        endpoint: target.route,
        failure: timeout ? 'timeout' : 'network',
        message: timeout
          ? `${target.upstream} did not answer ${target.route} in time`
          : `${target.upstream} is unreachable (${(cause as { code?: string }).code ?? 'network error'})`,
        cause,
      });
    }
    const ms = performance.now() - started;
    if (!ANSWERS.has(status)) {
      this.options.observe?.({ upstream: target.upstream, route: target.route, status, ms, failure: 'http' });
      const contentType = answer['content-type'];
      throw errorFromAnswer(
        target.upstream,
        target.route,
        status,
        Array.isArray(contentType) ? contentType[0] : contentType,
        await errorText(body, ERROR_BODY_BYTES),
      );
    }
    this.options.observe?.({ upstream: target.upstream, route: target.route, status, ms });
    const passed: Record<string, string> = {};
    for (const name of PASSED_HEADERS) {
      const value = answer[name];
      if (typeof value === 'string') passed[name] = value;
    }
    return { status, headers: passed, body };
  }

  /** MLflow's get-artifact, with the caller's credentials. */
  #getArtifact(location: ArtifactLocation, path: string) {
    const { root } = location;
    const base = this.options.trackingUri.replace(/\/+$/, '');
    const auth = this.options.authorization;
    const headers = { ...this.options.headers, ...(auth ? { authorization: auth } : {}) };
    switch (root.kind) {
      case 'run': {
        const url = new URL(`${base}/get-artifact`);
        url.searchParams.set('path', path);
        url.searchParams.set('run_uuid', root.id);
        return { upstream: 'MLflow', route: GET_ARTIFACT_ROUTE, url: url.toString(), headers };
      }
      case 'loggedModel': {
        // MLflow 3 serves a logged model's files under its own path (checked against the model's experiment).
        const url = new URL(`${base}/api/2.0/mlflow/logged-models/${encodeURIComponent(root.id)}/artifacts/files`);
        url.searchParams.set('artifact_file_path', path);
        return { upstream: 'MLflow', route: LOGGED_MODEL_FILE_ROUTE, url: url.toString(), headers };
      }
    }
  }

  /** A presigned URL (one more call), fetched with the storage's headers only. */
  async #presigned(location: ArtifactLocation, path: string) {
    const { root } = location;
    switch (root.kind) {
      case 'run': {
        const signed = await this.options.presign(root.id, path);
        const url = new URL(signed.url);
        if (url.protocol !== 'https:' && url.protocol !== 'http:')
          throw new UpstreamError({
            upstream: 'Databricks',
            endpoint: 'POST /api/2.0/mlflow/artifacts/credentials-for-read',
            failure: 'malformed',
            message: 'Databricks answered a presigned URL that is not http(s)',
          });
        return {
          upstream: 'artifact storage',
          route: PRESIGNED_ROUTE,
          url: url.toString(),
          headers: storageHeaders(signed.headers),
        };
      }
      case 'loggedModel':
        // Databricks presigns a logged model's files through another endpoint, not wired here yet.
        throw new UpstreamError({
          upstream: 'Databricks',
          endpoint: 'artifact bytes',
          failure: 'unsupported',
          message: "This backend's logged-model files cannot be downloaded through the graph yet",
        });
    }
  }
}
