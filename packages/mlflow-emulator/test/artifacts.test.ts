import { createHash } from 'node:crypto';
import {
  BOB,
  CAROL,
  DATABRICKS_BOB,
  DATABRICKS_CAROL,
  addSyntheticArtifact,
  artifactBody,
  artifactSettings,
  bodyBytes,
  startEmulator,
  type Emulator,
  type RunRecord,
} from '../src/index.js';
import { call, qs } from './httpClient.js';

function finishedRun(emulator: Emulator, experiment = 'fraud-detection'): RunRecord {
  const id = emulator.store.tracking.getExperimentByName(experiment)?.experimentId;
  const run = [...emulator.store.tracking.runs.values()].find((r) => r.experimentId === id && r.status === 'FINISHED');
  if (!run) throw new Error(`no finished run in ${experiment}`);
  return run;
}

async function bytesOf(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

function expected(run: RunRecord, path: string): Promise<Buffer> {
  const record = run.artifacts.find((r) => r.path === path);
  if (!record) throw new Error(`no ${path}`);
  return bodyBytes(artifactBody(run, record));
}

describe('artifact bytes (MLflow: get-artifact)', () => {
  let emulator: Emulator;
  let run: RunRecord;
  const url = (path: string, extra: [string, string][] = []) =>
    `${emulator.url}/get-artifact${qs([['path', path], ['run_uuid', run.runId], ...extra])}`;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    run = finishedRun(emulator);
  });
  afterAll(() => emulator.close());

  it('serves every file of a demo run with the size the listing reports, as send_file does', async () => {
    const files = run.artifacts.filter((r) => !r.isDir).map((r) => r.path);
    expect(files).toEqual(expect.arrayContaining(['plots/loss_curve.png', 'model/MLmodel', 'eval/predictions.csv']));
    const listed = new Map<string, number>();
    for (const dir of ['', 'model', 'plots', 'eval']) {
      const page = await call(
        emulator.url,
        `/api/2.0/mlflow/artifacts/list${qs([
          ['run_id', run.runId],
          ['path', dir],
        ])}`,
      );
      for (const file of page.json<{ files: { path: string; file_size?: number }[] }>().files)
        if (file.file_size !== undefined) listed.set(file.path, file.file_size);
    }
    for (const path of files) {
      const got = await bytesOf(url(path));
      expect(got.status).toBe(200);
      expect(got.body.equals(await expected(run, path))).toBe(true);
      expect(Number(got.headers.get('content-length'))).toBe(got.body.length);
      expect(listed.get(path)).toBe(got.body.length);
      expect(got.headers.get('content-disposition')).toBe(`attachment; filename=${path.split('/').pop()}`);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const png = await bytesOf(url('plots/loss_curve.png'));
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.body.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const mlmodel = (await bytesOf(url('model/MLmodel'))).body.toString('utf8');
    expect(mlmodel).toContain(`run_id: ${run.runId}`);
    expect(mlmodel).toContain('flavors:');
    const csv = (await bytesOf(url('eval/predictions.csv'))).body.toString('utf8');
    expect(csv.split('\n')[0]).toBe('id,label,prediction,probability');
  });

  it('answers one byte range (206), a suffix range, 416 past the end, and 304 for a matching ETag', async () => {
    const whole = await expected(run, 'model/MLmodel');
    const part = await bytesOf(url('model/MLmodel'), { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${whole.length}`);
    expect(part.body.equals(whole.subarray(10, 20))).toBe(true);
    const tail = await bytesOf(url('model/MLmodel'), { range: 'bytes=-5' });
    expect(tail.body.equals(whole.subarray(whole.length - 5))).toBe(true);
    expect((await bytesOf(url('model/MLmodel'), { range: `bytes=${whole.length}-` })).status).toBe(416);
    const etag = part.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    const cached = await bytesOf(url('model/MLmodel'), { 'if-none-match': etag });
    expect([cached.status, cached.body.length]).toEqual([304, 0]);
  });

  it('refuses unsafe paths (400), unknown files and runs (404), as MLflow', async () => {
    for (const path of ['../etc/passwd', '/etc/passwd', 'a/%2e%2e/b', 'a\\b'])
      expect(
        (
          await call(
            emulator.url,
            `/get-artifact${qs([
              ['path', path],
              ['run_uuid', run.runId],
            ])}`,
          )
        ).status,
      ).toBe(400);
    expect((await bytesOf(url('nope.txt'))).status).toBe(404);
    expect((await bytesOf(url('model'))).status).toBe(404);
    const unknown = await call(
      emulator.url,
      `/get-artifact${qs([
        ['path', 'a'],
        ['run_uuid', 'f'.repeat(32)],
      ])}`,
    );
    expect(unknown.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('pages artifacts/list when a page size is set (MLflow OSS lists everything at once)', async () => {
    const all = await call(
      emulator.url,
      `/api/2.0/mlflow/artifacts/list${qs([
        ['run_id', run.runId],
        ['path', 'model'],
      ])}`,
    );
    const files = all.json<{ files: { path: string }[]; next_page_token?: string }>();
    expect(files.next_page_token).toBeUndefined();
    artifactSettings(emulator.store).pageSize = 2;
    try {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await call(
          emulator.url,
          `/api/2.0/mlflow/artifacts/list${qs([['run_id', run.runId], ['path', 'model'], ...(token ? [['page_token', token] as [string, string]] : [])])}`,
        );
        const body = page.json<{ files: { path: string }[]; next_page_token?: string }>();
        expect(body.files.length).toBeLessThanOrEqual(2);
        seen.push(...body.files.map((f) => f.path));
        token = body.next_page_token;
        pages += 1;
      } while (token);
      expect(seen).toEqual(files.files.map((f) => f.path));
      expect(pages).toBe(Math.ceil(files.files.length / 2));
    } finally {
      artifactSettings(emulator.store).pageSize = undefined;
    }
  });

  it('streams a large synthetic artifact without holding it', async () => {
    const size = 12 * 1024 * 1024 + 7;
    addSyntheticArtifact(run, 'big/blob.bin', size);
    const response = await fetch(url('big/blob.bin'));
    const hash = createHash('sha256');
    let length = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      length += chunk.length;
    }
    expect(length).toBe(size);
    expect(hash.digest('hex')).toBe(
      createHash('sha256')
        .update(await expected(run, 'big/blob.bin'))
        .digest('hex'),
    );
  });
});

describe('artifact bytes behind basic-auth', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', auth: true });
  });
  afterAll(() => emulator.close());

  it("checks read permission on the run's experiment (validate_can_read_run_artifact)", async () => {
    const run = finishedRun(emulator, 'demand-forecasting');
    const path = `/get-artifact${qs([
      ['path', 'model/MLmodel'],
      ['run_uuid', run.runId],
    ])}`;
    expect((await call(emulator.url, path)).status).toBe(401);
    expect((await call(emulator.url, path, { basic: CAROL })).status).toBe(403);
    expect((await call(emulator.url, path, { basic: BOB })).status).toBe(200);
  });
});

describe('artifact bytes on Databricks (credentials-for-read and presigned URLs)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', databricks: true });
  });
  afterAll(() => emulator.close());

  const credentials = (runId: string, token: string) =>
    call(emulator.url, '/api/2.0/mlflow/artifacts/credentials-for-read', {
      bearer: token,
      body: { run_id: runId, path: ['plots/loss_curve.png'] },
    });

  it('hands presigned URLs to readers only, serving the bytes without (and refusing with) other credentials', async () => {
    const run = finishedRun(emulator, 'demand-forecasting');
    expect((await credentials(run.runId, DATABRICKS_CAROL.token)).status).toBe(403);
    const answer = await credentials(run.runId, DATABRICKS_BOB.token);
    expect(answer.status).toBe(200);
    const [info] = answer.json<{
      credential_infos: { signed_uri: string; headers: { name: string; value: string }[] }[];
    }>().credential_infos;
    const headers = Object.fromEntries((info?.headers ?? []).map((h) => [h.name, h.value]));
    const got = await bytesOf(info?.signed_uri ?? '', headers);
    expect(got.status).toBe(200);
    expect(got.body.equals(await expected(run, 'plots/loss_curve.png'))).toBe(true);
    const ranged = await bytesOf(info?.signed_uri ?? '', { ...headers, range: 'bytes=0-7' });
    expect([ranged.status, ranged.body.toString('hex')]).toEqual([206, '89504e470d0a1a0a']);
    expect((await bytesOf(info?.signed_uri ?? '', { ...headers, authorization: 'Bearer dapi-bob' })).status).toBe(400);
    expect((await bytesOf(info?.signed_uri ?? '')).status).toBe(400);
    expect((await bytesOf(`${info?.signed_uri ?? ''}x`, headers)).status).toBe(403);
  });

  it('pages artifacts/list at 1000 by default', () => {
    expect(artifactSettings(emulator.store).pageSize).toBeUndefined();
  });
});
