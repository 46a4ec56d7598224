// Replays recorded MLflow exchanges against the emulator and compares the answers.
//
// Comparison rules:
//  - status codes must be equal, and so must Content-Type and WWW-Authenticate;
//  - JSON bodies are compared as parsed JSON after masking the paths the recording marks volatile
//    (ids, timestamps, names with the recording tag, SQL-flavoured messages); a volatile key must
//    still be present on both sides, only its value is ignored;
//  - text and HTML bodies (basic-auth 401/403, Werkzeug 404/405 pages, /health, /version) are
//    compared as exact text, binary ones (OTLP protobuf, recorded as `response_body_base64`) byte for byte.
// Ids differ between the recording and the emulator, so every id a response reveals (run ids,
// experiment ids, user ids; in MLflow 3 also `m-…` logged models, `tr-…` traces, `a-…` assessments,
// `d-…` datasets, webhook UUIDs) is remembered recorded → actual, and later requests have recorded ids
// replaced by actual ones (in paths, query values, headers and bodies, inside filter strings and sources too).
// Ids inside JSON-encoded strings (MLflow 3's dataset records) are learnt too.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { isDeepStrictEqual } from 'node:util';

/** One recorded exchange (one line of the corpus). */
export interface Exchange {
  readonly seq: number;
  readonly name: string;
  readonly server: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>> | null;
  readonly request_content_type: string | null;
  readonly request_body: unknown;
  /** MLflow 3 corpus: extra request headers (OTLP's `x-mlflow-experiment-id`; a webhook delivery's headers). */
  readonly request_headers?: Readonly<Record<string, string>>;
  /** MLflow 3 corpus: the exact bytes of a binary body (OTLP protobuf); `request_body` then describes them. */
  readonly request_body_base64?: string;
  readonly auth_user: string | null;
  readonly auth_password: string | null;
  readonly status: number;
  readonly response_content_type: string | null;
  readonly response_www_authenticate: string | null;
  readonly response_body: unknown;
  /** MLflow 3 corpus: the exact bytes of a binary response (OTLP protobuf); `response_body` is then null. */
  readonly response_body_base64?: string;
  readonly volatile: readonly string[];
  readonly note?: string;
}

/** What the emulator answered. */
export interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly wwwAuthenticate: string | undefined;
  readonly text: string;
  /** The body's bytes (binary answers are compared byte for byte). */
  readonly bytes: Buffer;
}

/** Sends one request with node:http, so no header is added behind our back. */
export function send(baseUrl: string, request: ReplayRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers: request.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const auth = res.headers['www-authenticate'];
          const bytes = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            wwwAuthenticate: Array.isArray(auth) ? auth[0] : auth,
            text: bytes.toString('utf8'),
            bytes,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** One request to replay. */
export interface ReplayRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

/** Keys whose short (numeric) values are ids: mapped only under these keys. */
const ID_KEYS = new Set(['run_id', 'run_uuid', 'experiment_id', 'user_id', 'id']);
/**
 * Ids unique enough to be replaced anywhere in a string: 32 hex digits, optionally behind a short prefix
 * (`m-`, `tr-`, `a-`, `d-`, `iss-`), or a UUID (webhooks).
 */
const LONG_ID = /^(?:[a-z]{1,4}-)?[0-9a-f]{32}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Any key naming an id (`model_id`, `source_run_id`, `trace_id`, `webhook_id`, ...): long ids are learnt under these. */
function isIdKey(key: string): boolean {
  return ID_KEYS.has(key) || key.endsWith('_id');
}
/** Request headers whose value is an id, and the key it is an id of. */
const ID_HEADERS: Readonly<Record<string, string>> = { 'x-mlflow-experiment-id': 'experiment_id' };

/** Recorded → actual ids, learnt from responses as the replay goes. */
export class IdMap {
  private readonly long = new Map<string, string>();
  private readonly short = new Map<string, string>();

  /** Walks a recorded and an actual body in parallel and remembers ids that differ. */
  learn(recorded: unknown, actual: unknown): void {
    // MLflow 3 sends some lists as JSON-encoded strings (a dataset's records): their ids are learnt the same way.
    const recordedJson = parseJsonText(recorded);
    const actualJson = parseJsonText(actual);
    if (recordedJson !== undefined && actualJson !== undefined) {
      this.learn(recordedJson, actualJson);
      return;
    }
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      recorded.forEach((item, index) => this.learn(item, actual[index]));
      return;
    }
    if (!isObject(recorded) || !isObject(actual)) return;
    for (const [key, value] of Object.entries(recorded)) {
      const other = actual[key];
      if (
        isIdKey(key) &&
        (typeof value === 'string' || typeof value === 'number') &&
        value !== '' &&
        other !== undefined &&
        other !== null
      ) {
        const from = String(value);
        const to = String(other);
        if (from === to) continue;
        // The first pairing wins: it comes from the answer that created the object, while a later list may hold
        // the same objects in another order (MLflow 3 orders some lists by id, and ids differ on both sides).
        if (LONG_ID.test(from)) {
          if (!this.long.has(from)) this.long.set(from, to);
        } else if (ID_KEYS.has(key) && !this.short.has(from)) this.short.set(from, to);
      } else {
        this.learn(value, other);
      }
    }
  }

  /** Replaces recorded run ids inside any string. */
  text(value: string): string {
    let out = value;
    for (const [from, to] of this.long) if (out.includes(from)) out = out.split(from).join(to);
    return out;
  }

  /** Replaces recorded ids in a JSON value (long ids anywhere, short ids under id keys only). */
  json(value: unknown, key?: string): unknown {
    if (typeof value === 'string') {
      const mapped = key !== undefined && ID_KEYS.has(key) ? this.short.get(value) : undefined;
      return mapped ?? this.text(value);
    }
    if (typeof value === 'number' && key !== undefined && ID_KEYS.has(key)) {
      const mapped = this.short.get(String(value));
      return mapped === undefined ? value : Number(mapped);
    }
    if (Array.isArray(value)) {
      const itemKey = key === 'experiment_ids' ? 'experiment_id' : key === 'run_ids' ? 'run_id' : undefined;
      return value.map((item) => this.json(item, itemKey));
    }
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.json(v, k)]));
    return value;
  }
}

/** The JSON array or object a string encodes, else undefined. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type Segment = string | number;

/**
 * `$.response_body.a.b[0].c` → `['a', 'b', 0, 'c']`, `$.response_body.tags["mlflow.x"]` → `['tags', 'mlflow.x']`
 * (null for paths outside the response body).
 */
export function responsePath(path: string): Segment[] | null {
  const prefix = '$.response_body';
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  const segments: Segment[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(rest)) !== null) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(`"${match[3]}"`) as string);
  }
  return segments;
}

const MASK = '<volatile>';

/** Replaces the value at a path with a mask when the path exists (returns whether it did). */
export function maskPath(root: unknown, segments: readonly Segment[]): boolean {
  if (segments.length === 0) return false;
  let node: unknown = root;
  for (let i = 0; i < segments.length - 1; i += 1) {
    const segment = segments[i] as Segment;
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isObject(node) && typeof segment === 'string') node = node[segment];
    else return false;
  }
  const last = segments[segments.length - 1] as Segment;
  if (Array.isArray(node) && typeof last === 'number' && last < node.length) {
    node[last] = MASK;
    return true;
  }
  if (isObject(node) && typeof last === 'string' && last in node) {
    node[last] = MASK;
    return true;
  }
  return false;
}

/** The HTTP request to replay for an exchange, with recorded ids mapped to actual ones. */
export function buildRequest(exchange: Exchange, ids: IdMap): ReplayRequest {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(exchange.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      query.append(key, String(ids.json(item, key)));
    }
  }
  const search = query.toString();
  const headers: Record<string, string> = {};
  if (exchange.request_content_type) headers['Content-Type'] = exchange.request_content_type;
  for (const [name, value] of Object.entries(exchange.request_headers ?? {})) {
    headers[name] = String(ids.json(value, ID_HEADERS[name.toLowerCase()] ?? name));
  }
  if (exchange.auth_user !== null) {
    headers['Authorization'] =
      `Basic ${Buffer.from(`${exchange.auth_user}:${exchange.auth_password ?? ''}`).toString('base64')}`;
  }
  let body: string | Buffer | undefined;
  if (exchange.request_body_base64 !== undefined) body = Buffer.from(exchange.request_body_base64, 'base64');
  else if (typeof exchange.request_body === 'string') body = ids.text(exchange.request_body);
  else if (exchange.request_body !== null && exchange.request_body !== undefined)
    body = JSON.stringify(ids.json(exchange.request_body));
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  return {
    method: exchange.method,
    path: ids.text(exchange.path) + (search ? `?${search}` : ''),
    headers,
    ...(body !== undefined ? { body } : {}),
  };
}

/** The differences between a recorded exchange and the emulator's answer (empty when they match). */
export function compare(exchange: Exchange, answer: Answer, ids: IdMap): string[] {
  const problems: string[] = [];
  if (answer.status !== exchange.status) problems.push(`status ${answer.status}, recorded ${exchange.status}`);
  if ((answer.contentType ?? null) !== exchange.response_content_type) {
    problems.push(`content-type ${String(answer.contentType)}, recorded ${String(exchange.response_content_type)}`);
  }
  if ((answer.wwwAuthenticate ?? null) !== exchange.response_www_authenticate) {
    problems.push(
      `www-authenticate ${String(answer.wwwAuthenticate)}, recorded ${String(exchange.response_www_authenticate)}`,
    );
  }
  if (exchange.response_body_base64 !== undefined) {
    const actual = answer.bytes.toString('base64');
    if (actual !== exchange.response_body_base64)
      problems.push(`body bytes ${actual}, recorded ${exchange.response_body_base64} (base64)`);
    return problems;
  }
  const recordedBody = exchange.response_body;
  if (typeof recordedBody === 'string') {
    if (answer.text !== recordedBody)
      problems.push(`body ${JSON.stringify(answer.text)}, recorded ${JSON.stringify(recordedBody)}`);
    return problems;
  }
  let actual: unknown;
  try {
    actual = JSON.parse(answer.text);
  } catch {
    problems.push(`body is not JSON: ${answer.text.slice(0, 200)}`);
    return problems;
  }
  // A JSON round trip (not structuredClone) keeps both sides' objects in this realm for isDeepStrictEqual.
  const expected = ids.json(JSON.parse(JSON.stringify(recordedBody)) as unknown);
  for (const path of exchange.volatile) {
    const segments = responsePath(path);
    if (!segments || segments.length === 0) continue;
    if (maskPath(expected, segments)) maskPath(actual, segments);
  }
  if (isObject(expected) && isObject(actual) && expected['error_code'] !== actual['error_code']) {
    problems.push(`error_code ${String(actual['error_code'])}, recorded ${String(expected['error_code'])}`);
  }
  if (!isDeepStrictEqual(actual, expected)) {
    problems.push(
      `body ${JSON.stringify(actual).slice(0, 1500)}\n      recorded ${JSON.stringify(expected).slice(0, 1500)}`,
    );
  }
  return problems;
}

/** The exchanges of one corpus file (one JSON object a line). */
export function readCorpusFile(file: string): Exchange[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Exchange);
}

/** Sends one exchange to an emulator, learns the ids its answer reveals, and returns the differences. */
export async function replayExchange(baseUrl: string, exchange: Exchange, ids: IdMap): Promise<string[]> {
  const answer = await send(baseUrl, buildRequest(exchange, ids));
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = null;
  }
  if (answer.status === exchange.status) ids.learn(exchange.response_body, body);
  return compare(exchange, answer, ids);
}
