// Attack class: fetching artifact bytes one may not read through the gateway's download route. The figure it
// protects: every refusal below is answered with zero artifact bytes read upstream (no get-artifact call) — a path
// that climbs out of the run, a URL altered, expired or issued to someone else, one caller hogging downloads, a
// download past the request's call budget, a grant revoked after the URL was issued.
import http from 'node:http';
import { ADMIN, BOB, CAROL, addSyntheticArtifact, type RunRecord } from '@mlflow-supergraph/mlflow-emulator';
import { signArtifactUrl } from '../../src/auth/artifactUrls.js';
import { callerIdentity } from '../../src/auth/callerIdentity.js';
import { principalFromHeaders } from '../../src/auth/principalFromHeaders.js';
import { deriveServerKeys } from '../../src/auth/serverKeys.js';
import { asUser, basicAuth } from '../helpers/auth.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { waitFor } from '../helpers/waitFor.js';

const SECRET = 'artifact-download-security-secret-0123456789';
const keys = deriveServerKeys(SECRET);
const GET_ARTIFACT = 'GET /get-artifact';

function privateRun(stack: Stack): RunRecord {
  const id = stack.emulator.store.tracking.getExperimentByName('demand-forecasting')?.experimentId;
  const run = [...stack.emulator.store.tracking.runs.values()].find(
    (r) => r.experimentId === id && r.status === 'FINISHED',
  );
  if (!run) throw new Error('no finished run in the private experiment');
  return run;
}

/** A request with the path exactly as given: fetch() would resolve `..` and `%2e%2e` before sending. */
function raw(stack: Stack, path: string, headers: Record<string, string>): Promise<{ status: number; code?: string }> {
  const { hostname, port } = new URL(stack.gateway.url);
  return new Promise((resolve, reject) => {
    const request = http.get({ host: hostname, port, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          code: text.startsWith('{') ? JSON.parse(text).error?.code : undefined,
        }),
      );
    });
    request.on('error', reject);
  });
}

async function get(stack: Stack, url: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(url, stack.gateway.url), { headers });
  const text = await response.text();
  return { status: response.status, text, code: text.startsWith('{') ? JSON.parse(text).error?.code : undefined };
}

/** A URL as the gateway would sign it for `headers`' caller. */
function mint(
  stack: Stack,
  run: RunRecord,
  headers: Record<string, string>,
  overrides: { path?: string; expires?: number } = {},
) {
  return signArtifactUrl(keys, callerIdentity(principalFromHeaders(headers, stack.config)), {
    root: { kind: 'run', id: run.runId },
    experimentId: run.experimentId,
    path: overrides.path ?? 'model/MLmodel',
    expires: overrides.expires ?? Math.floor(Date.now() / 1000) + 60,
  });
}

/** Runs `test` against a second gateway on `stack`'s emulator (same secret) configured with `env`, counters zeroed. */
async function besides(stack: Stack, env: Record<string, string>, test: (other: Stack) => Promise<void>) {
  const other = await startStack({
    sharedEmulator: stack.emulator,
    emulator: { auth: true },
    env: { MLFLOW_SUPERGRAPH_SECRET: SECRET, ...env },
  });
  try {
    stack.emulator.resetCalls();
    await test(other);
  } finally {
    await other.close();
  }
}

describe('artifact downloads: refusals (basic-auth MLflow)', () => {
  let stack: Stack;
  let run: RunRecord;
  let bobsUrl: string;
  beforeAll(async () => {
    stack = await startStack({ emulator: { auth: true }, env: { MLFLOW_SUPERGRAPH_SECRET: SECRET } });
    run = privateRun(stack);
    const result = await stack.query(
      `query($id: ID!) { run(id: $id) { files(glob: "model/MLmodel", first: 1) { downloadUrl } } }`,
      { id: run.runId },
      asUser(BOB),
    );
    expect(result.errors).toBeUndefined();
    bobsUrl = result.data.run.files[0].downloadUrl;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.coldStart());

  it('serves the URL to the caller it was issued to', async () => {
    const got = await get(stack, bobsUrl, asUser(BOB));
    expect(got.status).toBe(200);
    expect(got.text).toContain(`run_id: ${run.runId}`);
    expect(stack.emulator.callCount(GET_ARTIFACT)).toBe(1);
  });

  it.each([
    ['..', `../../../../etc/passwd`],
    ['%2e%2e', `%2e%2e/%2e%2e/etc/passwd`],
    ['%252e%252e (double-encoded)', `%252e%252e/%252e%252e/etc/passwd`],
    ['%2f inside a segment', `model%2f..%2f..%2fsecret`],
    ['backslashes', `model%5c..%5c..%5csecret`],
    ['an absolute path', `%2fetc%2fpasswd`],
    ['an empty segment', `model//MLmodel`],
    ['NUL', `model/MLmodel%00.png`],
  ])('refuses a path with %s with 400, before any upstream call', async (_, path) => {
    const query = new URL(bobsUrl, 'http://x').search;
    const got = await raw(stack, `/artifacts/v1/run/${run.runId}/${path}${query}`, asUser(BOB));
    expect([got.status, got.code]).toEqual([400, 'BAD_USER_INPUT']);
    expect(stack.emulator.totalCalls()).toBe(0);
  });

  it.each([
    ['another file', (u: string) => u.replace('model/MLmodel', 'model/conda.yaml')],
    ['another run', (u: string) => u.replace(run.runId, 'f'.repeat(32))],
    ['another experiment', (u: string) => u.replace(/experiment=\d+/, 'experiment=1')],
    ['a later expiry', (u: string) => u.replace(/expires=\d+/, 'expires=99999999999')],
    ['a flipped signature', (u: string) => u.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`)],
    ['no signature', (u: string) => u.replace(/&sig=[^&]+/, '')],
  ])('refuses a URL altered to name %s with 403, before any upstream call', async (_, tamper) => {
    const got = await get(stack, tamper(bobsUrl), asUser(BOB));
    expect([got.status, got.code]).toEqual([403, 'FORBIDDEN']);
    expect(stack.emulator.totalCalls()).toBe(0);
  });

  it('refuses an expired URL, with or without credentials', async () => {
    const expired = mint(stack, run, asUser(BOB), { expires: Math.floor(Date.now() / 1000) - 1 });
    for (const headers of [asUser(BOB), {}]) {
      const got = await get(stack, expired, headers);
      expect([got.status, got.text]).toEqual([403, expect.stringContaining('expired')]);
    }
    expect(stack.emulator.totalCalls()).toBe(0);
  });

  it("refuses another caller's URL (403) even where that caller could read the file", async () => {
    const admin = await get(stack, bobsUrl, asUser(ADMIN));
    const carol = await get(stack, bobsUrl, asUser(CAROL));
    expect([admin.status, carol.status]).toEqual([403, 403]);
    expect(admin.text).toContain('another caller');
    expect(stack.emulator.totalCalls()).toBe(0);
  });

  it('re-checks the run as the caller: a grant revoked after the URL was issued stops the download', async () => {
    stack.emulator.store.auth.updateExperimentPermission(run.experimentId, BOB.username, 'NO_PERMISSIONS');
    try {
      const got = await get(stack, bobsUrl, asUser(BOB));
      expect([got.status, got.code]).toEqual([403, 'FORBIDDEN']);
      expect(stack.emulator.callCount(GET_ARTIFACT)).toBe(0);
    } finally {
      stack.emulator.store.auth.updateExperimentPermission(run.experimentId, BOB.username, 'READ');
    }
  });

  it('without credentials, uses the URL as a capability: upstream, MLflow still wants credentials it was not given', async () => {
    // No service credentials here: the anonymous fetch reaches MLflow, whose basic-auth refuses it.
    const got = await get(stack, bobsUrl);
    expect([got.status, got.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(got.text).not.toContain(run.runId);
  });

  it('counts the download in the per-request upstream-call budget', async () => {
    await besides(stack, { GRAPHQL_MAX_UPSTREAM_CALLS: '1' }, async (tight) => {
      const got = await get(tight, mint(tight, run, asUser(BOB)), asUser(BOB));
      expect([got.status, got.code]).toEqual([429, 'QUERY_TOO_COMPLEX']);
      expect(stack.emulator.callCount(GET_ARTIFACT)).toBe(0);
    });
  });
});

describe('artifact downloads: capability URLs and per-caller slots', () => {
  let stack: Stack;
  let run: RunRecord;
  beforeAll(async () => {
    stack = await startStack({
      emulator: { auth: true },
      env: {
        MLFLOW_SUPERGRAPH_SECRET: SECRET,
        // The gateway's own credentials upstream, for URLs fetched without any (an <img src>).
        MLFLOW_TRACKING_USERNAME: ADMIN.username,
        MLFLOW_TRACKING_PASSWORD: ADMIN.password,
        ARTIFACT_DOWNLOADS_PER_CALLER: '1',
      },
    });
    run = privateRun(stack);
    addSyntheticArtifact(run, 'big/blob.bin', 64 * 1024 * 1024);
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.coldStart());

  it('serves a URL fetched with no credentials until it expires (an <img src>), never to other credentials', async () => {
    const url = mint(stack, run, asUser(BOB));
    const img = await get(stack, url);
    expect(img.status).toBe(200);
    expect(img.text).toContain(`run_id: ${run.runId}`);
    expect((await get(stack, url, { authorization: basicAuth(CAROL.username, CAROL.password) })).status).toBe(403);
  });

  it('refuses a credential-less fetch with ARTIFACT_URL_WITHOUT_CREDENTIALS=false (401, no call)', async () => {
    await besides(stack, { ARTIFACT_URL_WITHOUT_CREDENTIALS: 'false' }, async (strict) => {
      const got = await get(strict, mint(strict, run, asUser(BOB)));
      expect([got.status, got.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(stack.emulator.totalCalls()).toBe(0);
    });
  });

  it('holds one caller to ARTIFACT_DOWNLOADS_PER_CALLER downloads at once (429), others unaffected', async () => {
    const url = mint(stack, run, asUser(BOB), { path: 'big/blob.bin' });
    const first = new AbortController();
    // Headers arrive; the body is left unread, so the download stays in flight (backpressure holds it there).
    const streaming = await fetch(new URL(url, stack.gateway.url), { headers: asUser(BOB), signal: first.signal });
    expect(streaming.status).toBe(200);
    const second = await get(stack, mint(stack, run, asUser(BOB)), asUser(BOB));
    expect([second.status, second.code]).toEqual([429, 'RATE_LIMITED']);
    const admin = await get(stack, mint(stack, run, asUser(ADMIN)), asUser(ADMIN));
    expect(admin.status).toBe(200);
    first.abort();
    await waitFor(
      async () => (await get(stack, mint(stack, run, asUser(BOB)), asUser(BOB))).status === 200,
      5_000,
      () => "bob's slot to be released once his first download was abandoned",
    );
  });
});
