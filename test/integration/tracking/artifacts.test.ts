// Run.artifacts, Run.files and Artifact.downloadUrl / text end to end: the gateway over the demo emulator, counting
// the emulator's calls. Downloads go through the gateway's /artifacts route and are compared byte for byte with the
// bytes the emulator serves.
import {
  artifactBody,
  artifactSettings,
  bodyBytes,
  startEmulator,
  type RunRecord,
} from '@mlflow-supergraph/mlflow-emulator';
import { loadConfig } from '../../../src/config.js';
import { postGraphQL } from '../../helpers/graphql.js';
import { startDistributed } from '../../helpers/startDistributed.js';
import { startStack, type Stack } from '../../helpers/startStack.js';

const LIST = 'GET /api/2.0/mlflow/artifacts/list';
const GET_ARTIFACT = 'GET /get-artifact';

function finishedRun(stack: Stack): RunRecord {
  const run = [...stack.emulator.store.tracking.runs.values()].find(
    (r) => r.status === 'FINISHED' && r.lifecycleStage === 'active',
  );
  if (!run) throw new Error('no finished run in the demo seed');
  return run;
}

function expected(run: RunRecord, path: string): Promise<Buffer> {
  const record = run.artifacts.find((r) => r.path === path);
  if (!record) throw new Error(`no ${path} in run ${run.runId}`);
  return bodyBytes(artifactBody(run, record));
}

async function download(stack: Stack, url: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(url, stack.gateway.url), { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe('run artifacts through the graph (MLflow)', () => {
  let stack: Stack;
  let run: RunRecord;
  beforeAll(async () => {
    stack = await startStack();
    run = finishedRun(stack);
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.coldStart();
    artifactSettings(stack.emulator.store).pageSize = undefined;
  });

  it('lists a directory as a connection with sizes and directory flags, one call', async () => {
    const result = await stack.query(
      `query($id: ID!) { run(id: $id) { artifacts { nodes { path name isDir fileSize } pageInfo { hasNextPage } } } }`,
      { id: run.runId },
    );
    expect(result.errors).toBeUndefined();
    const nodes = result.data.run.artifacts.nodes;
    expect(nodes.map((n: any) => [n.path, n.isDir])).toEqual([
      ['eval', true],
      ['metrics.json', false],
      ['model', true],
      ['plots', true],
    ]);
    expect(nodes[1]).toMatchObject({ name: 'metrics.json', fileSize: (await expected(run, 'metrics.json')).length });
    expect(result.data.run.artifacts.pageInfo.hasNextPage).toBe(false);
    expect(stack.emulator.callCount(LIST)).toBe(1);
  });

  it('pages past the first MLflow page (page size lowered to 2), one call a page, cursors resuming mid-page', async () => {
    artifactSettings(stack.emulator.store).pageSize = 2;
    const all = run.artifacts
      .filter((a) => a.path.startsWith('model/'))
      .map((a) => a.path)
      .sort();
    expect(all.length).toBeGreaterThan(4);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const result: any = await stack.query(
        `query($id: ID!, $after: String) { run(id: $id) { artifacts(path: "model", first: 3, after: $after) { edges { cursor node { path } } pageInfo { hasNextPage endCursor } } } }`,
        { id: run.runId, after },
      );
      expect(result.errors).toBeUndefined();
      const connection = result.data.run.artifacts;
      // A page never spans two MLflow pages: at most 2 here although 3 were asked for.
      expect(connection.edges.length).toBeLessThanOrEqual(2);
      seen.push(...connection.edges.map((e: any) => e.node.path));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
    expect(stack.emulator.callCount(LIST)).toBe(pages);

    // first: 1 ends mid-page; its cursor resumes on the same MLflow page (memoized: no second call for it).
    stack.coldStart();
    const one: any = await stack.query(
      `query($id: ID!) { run(id: $id) { artifacts(path: "model", first: 1) { edges { cursor node { path } } pageInfo { hasNextPage } } } }`,
      { id: run.runId },
    );
    expect(one.data.run.artifacts.edges.map((e: any) => e.node.path)).toEqual([all[0]]);
    const next: any = await stack.query(
      `query($id: ID!, $after: String) { run(id: $id) { artifacts(path: "model", first: 1, after: $after) { nodes { path } } } }`,
      { id: run.runId, after: one.data.run.artifacts.edges[0].cursor },
    );
    expect(next.data.run.artifacts.nodes.map((n: any) => n.path)).toEqual([all[1]]);
    // The second request found the first page in the shared cache.
    expect(stack.emulator.callCount(LIST)).toBe(1);
  });

  it('lists a run once per request, however many parents reach it (memoized), and caches it for the next', async () => {
    const query = `query($id: ID!, $e: [ID!]!) { a: run(id: $id) { artifacts { nodes { path } } } b: run(id: $id) { files(glob: "*.json") { path } } c: runs(experimentIds: $e, first: 50) { nodes { id artifacts { nodes { path } } } } }`;
    const result = await stack.query(query, { id: run.runId, e: [run.experimentId] });
    expect(result.errors).toBeUndefined();
    const again = result.data.c.nodes.find((n: any) => n.id === run.runId);
    expect(again.artifacts).toEqual(result.data.a.artifacts);
    expect(result.data.b.files.map((f: any) => f.path)).toEqual(['metrics.json']);
    const runs = result.data.c.nodes.length;
    // One listing of the root per run, the run reached three ways counted once.
    expect(stack.emulator.callCount(LIST)).toBe(runs);
    stack.emulator.resetCalls();
    await stack.query(query, { id: run.runId, e: [run.experimentId] });
    expect(stack.emulator.callCount(LIST)).toBe(0);
  });

  it('finds files by glob, recursively, with download URLs that give the bytes', async () => {
    const result = await stack.query(
      `query($id: ID!) { run(id: $id) { files(glob: "**/*.{png,csv}") { path name fileSize downloadUrl } } }`,
      { id: run.runId },
    );
    expect(result.errors).toBeUndefined();
    const files = result.data.run.files;
    expect(files.map((f: any) => f.path)).toEqual([
      'eval/predictions.csv',
      'plots/confusion_matrix.png',
      'plots/loss_curve.png',
    ]);
    // Root, then eval, model and plots: four listings, nothing else.
    expect(stack.emulator.callCount(LIST)).toBe(4);
    expect(stack.emulator.callCount(GET_ARTIFACT)).toBe(0);
    for (const file of files) {
      expect(file.downloadUrl).toMatch(/^\/artifacts\/v1\/run\//);
      const got = await download(stack, file.downloadUrl);
      expect(got.status).toBe(200);
      expect(got.body.equals(await expected(run, file.path))).toBe(true);
      expect(Number(got.headers.get('content-length'))).toBe(file.fileSize);
    }
    expect(stack.emulator.callCount(GET_ARTIFACT)).toBe(files.length);
  });

  it('downloads every demo artifact byte for byte, with type, length and disposition', async () => {
    const result = await stack.query(`query($id: ID!) { run(id: $id) { files(glob: "**") { path downloadUrl } } }`, {
      id: run.runId,
    });
    expect(result.errors).toBeUndefined();
    const files = result.data.run.files;
    const paths = run.artifacts
      .filter((a) => !a.isDir)
      .map((a) => a.path)
      .sort();
    expect(files.map((f: any) => f.path)).toEqual(paths);
    for (const file of files) {
      const got = await download(stack, file.downloadUrl);
      expect([file.path, got.status]).toEqual([file.path, 200]);
      expect([file.path, got.body.equals(await expected(run, file.path))]).toEqual([file.path, true]);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('content-security-policy')).toContain('sandbox');
      expect(got.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    }
    const png = files.find((f: any) => f.path === 'plots/loss_curve.png');
    const image = await download(stack, png.downloadUrl);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-disposition')).toMatch(/^inline; filename="loss_curve.png"/);
    const model = await download(stack, files.find((f: any) => f.path === 'model/MLmodel').downloadUrl);
    expect(model.headers.get('content-disposition')).toMatch(/^attachment; filename="MLmodel"/);
  });

  it('passes range requests and validators through (206, 304)', async () => {
    const result = await stack.query(
      `query($id: ID!) { run(id: $id) { files(glob: "model/MLmodel") { downloadUrl } } }`,
      { id: run.runId },
    );
    const url = result.data.run.files[0].downloadUrl;
    const whole = await expected(run, 'model/MLmodel');
    const part = await download(stack, url, { range: 'bytes=5-24' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 5-24/${whole.length}`);
    expect(part.body.equals(whole.subarray(5, 25))).toBe(true);
    const etag = part.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const notModified = await download(stack, url, { 'if-none-match': etag });
    expect([notModified.status, notModified.body.length]).toEqual([304, 0]);
    const head = await fetch(new URL(url, stack.gateway.url), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(whole.length)]);
  });

  it('returns small text files inline, bounded, and says why it will not', async () => {
    const result = await stack.query(
      `query($id: ID!) { run(id: $id) {
        mlmodel: files(glob: "model/MLmodel", first: 1) { text }
        csv: files(glob: "eval/*.csv", first: 1) { text(maxBytes: 100000) }
        png: files(glob: "plots/loss_curve.png", first: 1) { text(maxBytes: 1000000) }
        small: files(glob: "model/MLmodel", first: 1) { text(maxBytes: 10) }
        dir: artifacts(first: 10) { nodes { path text downloadUrl } }
      } }`,
      { id: run.runId },
    );
    expect(result.errors?.some((e: any) => e.extensions.code === 'QUERY_TOO_COMPLEX')).toBe(false);
    expect(result.data.run.mlmodel[0].text).toBe((await expected(run, 'model/MLmodel')).toString('utf8'));
    expect(result.data.run.csv[0].text.split('\n')[0]).toBe('id,label,prediction,probability');
    const reasons = Object.fromEntries(
      (result.errors ?? []).map((e: any) => [e.path.slice(0, 2).join('.'), [e.extensions.code, e.extensions.reason]]),
    );
    expect(reasons).toEqual({
      'run.png': ['BAD_USER_INPUT', 'BINARY'],
      'run.small': ['BAD_USER_INPUT', 'TOO_LARGE'],
    });
    // Directories have neither; the oversized file was refused from its listed size, with no call.
    expect(result.data.run.dir.nodes.find((n: any) => n.path === 'model')).toEqual({
      path: 'model',
      text: null,
      downloadUrl: null,
    });
    const metrics = result.data.run.dir.nodes.find((n: any) => n.path === 'metrics.json');
    expect(JSON.parse(metrics.text)).toHaveProperty('accuracy');
    // MLmodel, the CSV, the PNG and metrics.json: one call each; none for `small`.
    expect(stack.emulator.callCount(GET_ARTIFACT)).toBe(4);
  });

  it('bounds maxBytes (ARTIFACT_TEXT_MAX_BYTES) and refuses traversal before any call', async () => {
    const result = await stack.query(
      `query($id: ID!) { run(id: $id) {
        big: files(glob: "model/MLmodel", first: 1) { text(maxBytes: 2000000) }
        up: artifacts(path: "../../etc") { nodes { path } }
        encoded: artifacts(path: "model/%2e%2e/%2e%2e") { nodes { path } }
        glob: files(glob: "../**") { path }
      } }`,
      { id: run.runId },
    );
    const codes = (result.errors ?? []).map((e: any) => [e.path.join('.'), e.extensions.code]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['run.big.0.text', 'BAD_USER_INPUT'],
        ['run.up', 'BAD_USER_INPUT'],
        ['run.encoded', 'BAD_USER_INPUT'],
        ['run.glob', 'BAD_USER_INPUT'],
      ]),
    );
    expect(stack.emulator.callCount(GET_ARTIFACT)).toBe(0);
    // Only the `big` field's own glob listed (model/); the refused ones sent nothing.
    expect(stack.emulator.callCount(LIST)).toBe(1);
  });
});

describe('artifact downloads on an MLflow without --serve-artifacts', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { MLFLOW_SERVE_ARTIFACTS: 'false' } });
  });
  afterAll(() => stack.close());

  it('lists artifacts but answers UNSUPPORTED_BY_BACKEND, with the reason and no call, for bytes', async () => {
    const run = finishedRun(stack);
    stack.coldStart();
    const result = await stack.query(
      `query($id: ID!) { run(id: $id) { files(glob: "model/MLmodel") { path downloadUrl text } } backend { capabilities { artifacts artifactDownloads } unsupported } }`,
      { id: run.runId },
    );
    expect(result.data.run.files[0].path).toBe('model/MLmodel');
    const errors = (result.errors ?? []).map((e: any) => [e.path.join('.'), e.extensions.code]);
    expect(errors).toEqual([
      ['run.files.0.downloadUrl', 'UNSUPPORTED_BY_BACKEND'],
      ['run.files.0.text', 'UNSUPPORTED_BY_BACKEND'],
    ]);
    expect(result.errors?.[0]?.message).toContain('--serve-artifacts');
    expect(result.data.backend.capabilities).toEqual({ artifacts: true, artifactDownloads: false });
    expect(result.data.backend.unsupported).toEqual(expect.arrayContaining(['Artifact.downloadUrl', 'Artifact.text']));
    expect(stack.emulator.callCount(GET_ARTIFACT)).toBe(0);
  });
});

describe('run artifacts on Databricks (credentials-for-read, presigned storage URLs)', () => {
  let stack: Stack;
  const BOB = { authorization: 'Bearer dapi-bob' };
  beforeAll(async () => {
    stack = await startStack({ emulator: { databricks: true }, env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.coldStart());

  it('streams each file from its presigned URL (never with the caller’s token), with ranges and text', async () => {
    const run = finishedRun(stack);
    const result = await stack.query(
      `query($id: ID!) { run(id: $id) { files(glob: "**/*.{png,csv}", first: 10) { path downloadUrl } mlmodel: files(glob: "model/MLmodel", first: 1) { text } } }`,
      { id: run.runId },
      BOB,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.run.mlmodel[0].text).toContain(`run_id: ${run.runId}`);
    for (const file of result.data.run.files) {
      // The storage emulator answers 400 to a request that carries an Authorization header besides its signature.
      const got = await download(stack, file.downloadUrl, BOB);
      expect([file.path, got.status]).toEqual([file.path, 200]);
      expect(got.body.equals(await expected(run, file.path))).toBe(true);
    }
    const png = result.data.run.files.find((f: any) => f.path === 'plots/loss_curve.png');
    const head = await download(stack, png.downloadUrl, { ...BOB, range: 'bytes=0-7' });
    expect([head.status, head.body.toString('hex')]).toEqual([206, '89504e470d0a1a0a']);
    const credentials = 'POST /api/2.0/mlflow/artifacts/credentials-for-read';
    // One presigned URL per file read: 1 for the text, 3 downloads, 1 range request.
    expect(stack.emulator.callCount(credentials)).toBe(1 + result.data.run.files.length + 1);
  });
});

describe('download URLs in distributed mode', () => {
  it('are signed by the tracking subgraph server and served by the gateway when they share MLFLOW_SUPERGRAPH_SECRET', async () => {
    const emulator = await startEmulator({ seed: 'demo' });
    const config = loadConfig({
      NODE_ENV: 'test',
      MLFLOW_TRACKING_URI: emulator.url,
      MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: 's'.repeat(40),
      MLFLOW_SUPERGRAPH_SECRET: 'k'.repeat(40),
    });
    const distributed = await startDistributed(config, emulator.url);
    try {
      const run = [...emulator.store.tracking.runs.values()].find((r) => r.status === 'FINISHED') as RunRecord;
      const result = await postGraphQL(
        distributed.gateway.graphqlUrl,
        `query($id: ID!) { run(id: $id) { files(glob: "model/MLmodel", first: 1) { downloadUrl } } }`,
        { id: run.runId },
      );
      expect(result.errors).toBeUndefined();
      const response = await fetch(new URL(result.data.run.files[0].downloadUrl, distributed.gateway.url));
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(await expected(run, 'model/MLmodel'))).toBe(true);
    } finally {
      await distributed.close();
      await emulator.close();
    }
  });
});
