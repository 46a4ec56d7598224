import {
  startEmulator,
  artifactBody,
  bodyBytes,
  type Emulator,
  type RunRecord,
} from '@mlflow-supergraph/mlflow-emulator';
import { ArtifactClient, type ArtifactClientOptions } from '../../../../src/upstream/artifacts/ArtifactClient.js';
import { createDownloadHttp } from '../../../../src/upstream/artifacts/createDownloadHttp.js';
import { readPrefix } from '../../../../src/upstream/artifacts/readPrefix.js';
import { UpstreamError } from '../../../../src/upstream/http/UpstreamError.js';
import { backendProfile } from '../../../../src/upstream/profiles/BackendProfile.js';

const http = createDownloadHttp({ maxSockets: 4, connectTimeoutMs: 2000, idleTimeoutMs: 5000 });

async function all(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('ArtifactClient on MLflow (get-artifact)', () => {
  let emulator: Emulator;
  let run: RunRecord;
  let counter: { calls: number; max?: number };
  const client = (overrides: Partial<ArtifactClientOptions> = {}) =>
    new ArtifactClient({
      http,
      trackingUri: emulator.url,
      profile: backendProfile('mlflow'),
      presign: () => Promise.reject(new Error('not on MLflow')),
      counter,
      ...overrides,
    });
  const location = () => ({
    root: { kind: 'run' as const, id: run.runId },
    experimentId: run.experimentId,
    artifactUri: run.artifactUri,
  });
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    run = [...emulator.store.tracking.runs.values()].find((r) => r.status === 'FINISHED')!;
  });
  beforeEach(() => {
    counter = { calls: 0, max: 10 };
    emulator.resetCalls();
  });
  afterAll(() => emulator.close());

  it('streams a file with its headers, one counted call', async () => {
    const answer = await client().open(location(), 'model/MLmodel');
    expect(answer.status).toBe(200);
    const bytes = await all(answer.body);
    const record = run.artifacts.find((r) => r.path === 'model/MLmodel')!;
    expect(bytes.equals(await bodyBytes(artifactBody(run, record)))).toBe(true);
    expect(answer.headers['content-length']).toBe(String(bytes.length));
    expect(answer.headers.etag).toMatch(/^"/);
    expect(counter.calls).toBe(1);
    expect(emulator.callCount('GET /get-artifact')).toBe(1);
  });

  it('passes a range upstream', async () => {
    const answer = await client().open(location(), 'plots/loss_curve.png', { range: 'bytes=0-7' });
    expect(answer.status).toBe(206);
    expect((await all(answer.body)).toString('hex')).toBe('89504e470d0a1a0a');
  });

  it('maps a missing file to MLflow’s error, reading at most a few KiB of it', async () => {
    const error = await client()
      .open(location(), 'nope.bin')
      .catch((e: unknown) => e as UpstreamError);
    expect(error).toBeInstanceOf(UpstreamError);
    expect([(error as UpstreamError).status, (error as UpstreamError).errorCode]).toEqual([
      404,
      'RESOURCE_DOES_NOT_EXIST',
    ]);
  });

  it('refuses, with no call, unsafe paths, a spent budget and a backend without artifact bytes', async () => {
    const unsafe = await client()
      .open(location(), '../x')
      .catch((e: unknown) => e as UpstreamError);
    expect((unsafe as UpstreamError).failure).toBe('refused');
    counter.calls = 10;
    const spent = await client()
      .open(location(), 'model/MLmodel')
      .catch((e: unknown) => e as UpstreamError);
    expect((spent as UpstreamError).failure).toBe('callBudget');
    const gitlab = await client({ profile: backendProfile('gitlab') })
      .open(location(), 'model/MLmodel')
      .catch((e: unknown) => e as UpstreamError);
    expect((gitlab as UpstreamError).failure).toBe('unsupported');
    const noServe = await client({ profile: backendProfile('mlflow', { serveArtifacts: false }) })
      .open(location(), 'model/MLmodel')
      .catch((e: unknown) => e as UpstreamError);
    expect((noServe as UpstreamError).message).toContain('--serve-artifacts');
    expect(emulator.totalCalls()).toBe(0);
  });

  it('reads a bounded prefix and drops the rest', async () => {
    const answer = await client().open(location(), 'model/model.pkl');
    const prefix = await readPrefix(answer.body, 100);
    expect(prefix.bytes.length).toBe(100);
    expect(prefix.truncated).toBe(true);
    expect(answer.body.destroyed).toBe(true);
  });
});
