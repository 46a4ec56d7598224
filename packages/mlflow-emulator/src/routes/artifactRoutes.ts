// Artifact bytes, as the servers behind the graph serve them (the listing is trackingRoutes' artifacts/list, paged
// here). These routes write to the socket themselves, because the router's handlers answer whole strings and a
// download must stream (a 200 MB artifact never sits in memory), so EmulatorServer hands them the raw response
// before routing:
// - MLflow: `GET /get-artifact?path=&run_uuid=` (handlers.get_artifact_handler → Flask's send_file: Content-Length,
//   ETag, Last-Modified, single byte ranges, If-None-Match; `Content-Disposition: attachment`, nosniff). Basic-auth
//   checks it as MLflow's validate_can_read_run_artifact does: read permission on the run's experiment.
// - Databricks: `POST /api/2.0/mlflow/artifacts/credentials-for-read {run_id, path: [..]}` answers presigned URLs on
//   this emulator (`/presigned/...`, standing in for S3); those serve bytes to whoever holds the URL until it
//   expires, and refuse a request that also carries an Authorization header, as S3 does ("only one auth mechanism").
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { EmulatorStore } from '../EmulatorStore.js';
import { MlflowError, RawResponse } from '../MlflowError.js';
import { createPageToken, parsePageToken } from '../pageToken.js';
import type { ArtifactRecord, RunRecord } from '../records.js';
import type { EmulatorRequest, Route, RouteContext } from '../router.js';
import { validateArtifactPath } from '../validation.js';
import { fileInfoJson, type Json } from '../wireJson.js';
import {
  artifactBody,
  bodySize,
  bodyStream,
  fileRecord,
  mimeType,
  type ArtifactBody,
} from '../artifacts/artifactContent.js';
import { basicAuthBefore } from './basicAuth.js';
import { databricksBefore } from './databricks.js';

/** How a store's artifacts are listed. */
export interface ArtifactSettings {
  /**
   * Entries per artifacts/list page; undefined: OSS MLflow's behaviour (everything in one answer), or 1000 in
   * Databricks mode (the page size Databricks lists with). Tests lower it to make the graph page.
   */
  pageSize: number | undefined;
}

const settingsByStore = new WeakMap<EmulatorStore, ArtifactSettings>();

/** The artifact settings of a store (a fresh store, after reset(), starts from the defaults). */
export function artifactSettings(store: EmulatorStore): ArtifactSettings {
  let settings = settingsByStore.get(store);
  if (!settings) settingsByStore.set(store, (settings = { pageSize: undefined }));
  return settings;
}

/** Databricks' artifacts/list page size. */
const DATABRICKS_PAGE_SIZE = 1000;

/** The size artifacts/list reports: the bytes a download gives (made from the run), else the recorded size. */
function listedSize(run: RunRecord, record: ArtifactRecord): number | undefined {
  return record.isDir ? undefined : bodySize(artifactBody(run, record));
}

/** One artifacts/list answer: `files` of `path`, paged by `page_token` when the store pages listings. */
export function artifactListing(
  context: RouteContext,
  run: RunRecord,
  path: string,
  pageToken: string | undefined,
): Json {
  const all = context.store.tracking.listArtifacts(run, path);
  const pageSize =
    artifactSettings(context.store).pageSize ?? (context.settings.databricks ? DATABRICKS_PAGE_SIZE : undefined);
  const offset = pageSize === undefined ? 0 : parsePageToken(pageToken);
  const page = pageSize === undefined ? all : all.slice(offset, offset + pageSize);
  const json: Json = { root_uri: run.artifactUri };
  if (page.length > 0)
    json['files'] = page.map((record) => fileInfoJson({ ...record, fileSize: listedSize(run, record) }));
  if (pageSize !== undefined && offset + pageSize < all.length)
    json['next_page_token'] = createPageToken(offset + pageSize);
  return json;
}

/** Permission tables key on MLflow's request names: reading a run's artifact needs what listing them needs. */
const READ_RUN_ARTIFACT: Route = {
  operation: 'ListArtifacts',
  path: '/get-artifact',
  methods: ['GET'],
  handler: () => ({}),
};

/** This process's presigned-URL key (a real store's signing key is as unknown to the gateway). */
const PRESIGN_KEY = randomBytes(32);
/** How long a presigned URL works (Databricks' are valid for minutes). */
const PRESIGNED_TTL_MS = 15 * 60 * 1000;

interface Presigned {
  readonly runId: string;
  readonly path: string;
  readonly expires: number;
}

function presign(claims: Presigned): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const signature = createHmac('sha256', PRESIGN_KEY).update(payload).digest('base64url');
  return `${payload}.${signature}`;
}

function openPresigned(token: string): Presigned | undefined {
  const [payload = '', signature = ''] = token.split('.');
  const expected = createHmac('sha256', PRESIGN_KEY).update(payload).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Presigned;
}

/** An S3-style XML error. */
function s3Error(status: number, code: string, message: string): RawResponse {
  return new RawResponse(
    status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    'application/xml',
  );
}

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

type ByteRange = { start: number; end: number } | 'unsatisfiable' | undefined;

/** A single `bytes=` range against `size` (several ranges, or a malformed header: undefined, the whole file). */
function parseRange(header: string | undefined, size: number): ByteRange {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Sends a file the way Werkzeug's conditional send_file (and S3) do: validators, one byte range, HEAD. */
async function sendFile(
  request: EmulatorRequest,
  res: ServerResponse,
  run: RunRecord,
  record: ArtifactRecord,
  headers: Record<string, string>,
): Promise<void> {
  const body: ArtifactBody = artifactBody(run, record);
  const size = bodySize(body);
  const etag = `"${createHash('sha256').update(`${run.runId}/${record.path}/${size}`).digest('hex').slice(0, 32)}"`;
  const common = {
    ...headers,
    ETag: etag,
    'Last-Modified': httpDate(run.endTime ?? run.startTime),
    'Accept-Ranges': 'bytes',
  };
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    res.writeHead(304, common).end();
    return;
  }
  const ifRange = request.headers['if-range'];
  const range = ifRange === undefined || ifRange === etag ? parseRange(request.headers.range, size) : undefined;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' }).end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  res.writeHead(range ? 206 : 200, {
    ...common,
    'Content-Length': String(Math.max(0, end - start + 1)),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (request.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  // Backpressure: pipeline reads the generated body only as fast as the socket drains.
  await pipeline(bodyStream(body, start, end), res).catch(() => res.destroy());
}

function errorJson(error: MlflowError): RawResponse {
  return new RawResponse(
    error.status,
    `{"error_code": ${JSON.stringify(error.errorCode)}, "message": ${JSON.stringify(error.message)}}`,
    'application/json',
  );
}

function write(res: ServerResponse, reply: RawResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(reply.status, { 'Content-Type': reply.contentType, ...reply.headers }).end(reply.body);
}

/** `GET /get-artifact`: one file of a run, with the run's read permission. */
async function getArtifact(request: EmulatorRequest, res: ServerResponse, context: RouteContext): Promise<void> {
  if (context.settings.auth) basicAuthBefore(request, READ_RUN_ARTIFACT, context);
  const runId = request.query.get('run_id') ?? request.query.get('run_uuid') ?? '';
  const rawPath = request.query.get('path');
  // Flask's `request.args["path"]`: a KeyError, which Werkzeug answers as 400.
  if (rawPath === null) throw new MlflowError('BAD_REQUEST', "Missing value for required parameter 'path'.");
  const path = validateArtifactPath(rawPath);
  const run = context.store.tracking.getRun(runId);
  const record = fileRecord(run, path);
  if (!record) throw MlflowError.notFound(`No artifact found at '${path}' in run ${runId}`);
  const name = path.slice(path.lastIndexOf('/') + 1);
  await sendFile(request, res, run, record, {
    'Content-Type': mimeType(path),
    'Content-Disposition': `attachment; filename=${name}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
}

/** `credentials-for-read`: a presigned URL per requested path (Databricks' ArtifactCredentialInfo). */
function credentialsForRead(request: EmulatorRequest, res: ServerResponse, context: RouteContext): void {
  databricksBefore(request, READ_RUN_ARTIFACT, context);
  let runId = request.query.get('run_id') ?? '';
  let paths = request.query.getAll('path');
  if (request.method === 'POST') {
    const json = JSON.parse(request.body.toString('utf8') || '{}') as { run_id?: unknown; path?: unknown };
    runId = String(json.run_id ?? '');
    paths = Array.isArray(json.path) ? json.path.map(String) : json.path === undefined ? [] : [String(json.path)];
  }
  if (!runId) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'.");
  const run = context.store.tracking.getRun(runId);
  const host = request.headers.host ?? '127.0.0.1';
  const infos = paths.map((raw) => {
    const path = validateArtifactPath(raw);
    const token = presign({ runId: run.runId, path, expires: Date.now() + PRESIGNED_TTL_MS });
    return {
      run_id: run.runId,
      path,
      signed_uri: `http://${host}/presigned/${token}`,
      type: 'AWS_PRESIGNED_URL',
      // A header the storage request must carry (Azure's SAS reads need x-ms-version): the gateway must send it.
      headers: [{ name: 'x-emulator-storage-version', value: '2024-01-01' }],
    };
  });
  write(res, new RawResponse(200, JSON.stringify({ credential_infos: infos }), 'application/json'));
}

/** `GET /presigned/<token>`: storage serving a presigned URL (no other credentials accepted). */
async function presigned(request: EmulatorRequest, res: ServerResponse, context: RouteContext): Promise<void> {
  if (request.headers.authorization !== undefined)
    throw s3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter');
  if (request.headers['x-emulator-storage-version'] !== '2024-01-01')
    throw s3Error(400, 'MissingRequiredHeader', 'The request is missing a header the credential requires');
  const claims = openPresigned(request.path.slice('/presigned/'.length));
  if (!claims) throw s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match');
  if (claims.expires < Date.now()) throw s3Error(403, 'AccessDenied', 'Request has expired');
  const run = context.store.tracking.runs.get(claims.runId);
  const record = run && fileRecord(run, claims.path);
  if (!run || !record) throw s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  await sendFile(request, res, run, record, { 'Content-Type': mimeType(claims.path) });
}

/**
 * Answers the artifact byte routes; false for any other request (routed as usual). Errors are answered as the
 * server would answer them (MLflow's JSON, basic-auth's pages, S3's XML).
 */
export async function serveArtifactRequest(
  request: EmulatorRequest,
  res: ServerResponse,
  context: RouteContext,
): Promise<boolean> {
  if (context.settings.gitlab) return false;
  const reading = request.method === 'GET' || request.method === 'HEAD';
  let serve: (() => Promise<void> | void) | undefined;
  if (!context.settings.databricks && reading && request.path === '/get-artifact')
    serve = () => getArtifact(request, res, context);
  else if (context.settings.databricks && request.path === '/api/2.0/mlflow/artifacts/credentials-for-read')
    serve = () => credentialsForRead(request, res, context);
  else if (context.settings.databricks && reading && request.path.startsWith('/presigned/'))
    serve = () => presigned(request, res, context);
  if (!serve) return false;
  try {
    await serve();
  } catch (error) {
    if (error instanceof RawResponse) write(res, error);
    else if (error instanceof MlflowError) write(res, errorJson(error));
    else throw error;
  }
  return true;
}
