import { MlflowError } from '../src/MlflowError.js';
import { createPageToken, parsePageToken, pythonB64Decode } from '../src/pageToken.js';
import { startEmulator, type Emulator } from '../src/index.js';
import { call } from './httpClient.js';

function messageOf(token: string): string {
  try {
    parsePageToken(token);
  } catch (error) {
    if (error instanceof MlflowError) return error.message;
    throw error;
  }
  throw new Error(`expected ${token} to be rejected`);
}

describe('page tokens', () => {
  it('are base64 of {"offset": N} with json.dumps spacing', () => {
    expect(createPageToken(2)).toBe('eyJvZmZzZXQiOiAyfQ==');
    expect(Buffer.from(createPageToken(1000), 'base64').toString('utf8')).toBe('{"offset": 1000}');
    expect(parsePageToken(createPageToken(7))).toBe(7);
    expect(parsePageToken('')).toBe(0);
    expect(parsePageToken(undefined)).toBe(0);
  });

  it('decodes like Python b64decode (junk skipped, padding required)', () => {
    expect(Buffer.from(pythonB64Decode('eyJvZmZzZXQiOiAyfQ==') ?? []).toString('utf8')).toBe('{"offset": 2}');
    expect(pythonB64Decode('not-a-token')).toBeNull();
    expect(Buffer.from(pythonB64Decode('eyJv!!ZmZzZXQiOiAyfQ==') ?? []).toString('utf8')).toBe('{"offset": 2}');
  });

  it('rejects bad tokens with MLflow messages', () => {
    expect(messageOf('not-a-token')).toBe('Invalid page token, could not base64-decode');
    expect(messageOf(Buffer.from('hello').toString('base64'))).toBe("Invalid page token, decoded value=b'hello'");
    expect(messageOf(Buffer.from('{"offset": 0}').toString('base64'))).toBe(
      "Invalid page token, parsed value={'offset': 0}",
    );
    expect(messageOf(Buffer.from('{"offset": "x"}').toString('base64'))).toBe('Invalid page token, not stringable x');
  });
});

describe('paging through the HTTP API', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
  });
  afterAll(() => emulator.close());

  it('walks runs/search pages with next_page_token until a short page', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const response = await call(emulator.url, '/api/2.0/mlflow/runs/search', {
        body: { experiment_ids: ['1'], max_results: 7, ...(token ? { page_token: token } : {}) },
      });
      expect(response.status).toBe(200);
      const body = response.json<{ runs?: Array<{ info: { run_id: string } }>; next_page_token?: string }>();
      for (const run of body.runs ?? []) seen.push(run.info.run_id);
      token = body.next_page_token;
      pages += 1;
    } while (token);
    // 40 runs, one deleted: 39 active runs in pages of 7 (the last page is short, so no token).
    expect(seen).toHaveLength(39);
    expect(new Set(seen).size).toBe(39);
    expect(pages).toBe(6);
  });

  it('returns a token for a full experiments page and none past the end', async () => {
    const first = await call(emulator.url, '/api/2.0/mlflow/experiments/search', { body: { max_results: 3 } });
    const body = first.json<{ experiments: unknown[]; next_page_token: string }>();
    expect(body.experiments).toHaveLength(3);
    expect(Buffer.from(body.next_page_token, 'base64').toString('utf8')).toBe('{"offset": 3}');
    const second = await call(emulator.url, '/api/2.0/mlflow/experiments/search', {
      body: { max_results: 3, page_token: body.next_page_token },
    });
    // Default experiment + 5 active demo experiments = 6: the second page is full but final.
    expect(second.json<{ experiments: unknown[]; next_page_token?: string }>()).toEqual({
      experiments: expect.any(Array),
    });
    expect(second.json<{ experiments: unknown[] }>().experiments).toHaveLength(3);
  });
});
