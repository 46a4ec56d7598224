import { REQUEST_LINE_LIMIT, startEmulator, type Emulator } from '../src/index.js';
import { call, qs } from './httpClient.js';

// gunicorn refuses request lines over 4094 bytes before MLflow sees them. The federation layer must
// keep `run_id IN (...)` batches on GET endpoints under that limit; these tests pin the boundary.
describe('gunicorn request-line limit', () => {
  let emulator: Emulator;
  let runIds: string[];
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    runIds = [...emulator.store.tracking.runs.keys()].slice(0, 100);
  });
  afterAll(() => emulator.close());

  function searchPath(ids: readonly string[]): string {
    const filter = `run_id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
    return `/api/2.0/mlflow/model-versions/search${qs([
      ['filter', filter],
      ['max_results', 1000],
    ])}`;
  }

  it('passes a model-versions/search with 80 run ids', async () => {
    const path = searchPath(runIds.slice(0, 80));
    expect(`GET ${path} HTTP/1.1`.length).toBeLessThanOrEqual(REQUEST_LINE_LIMIT);
    const response = await call(emulator.url, path);
    expect(response.status).toBe(200);
    const returned = (response.json<{ model_versions?: Array<{ run_id: string }> }>().model_versions ?? []).map(
      (v) => v.run_id,
    );
    const wanted = new Set(runIds.slice(0, 80));
    const expected = [...emulator.store.registry.models.values()]
      .flatMap((model) => [...model.versions.values()])
      .filter((version) => !version.deleted && wanted.has(version.runId))
      .map((version) => version.runId);
    expect(expected.length).toBeGreaterThan(0);
    expect(returned.sort()).toEqual(expected.sort());
  });

  it("answers 100 run ids with gunicorn's HTML 400 and closes the connection", async () => {
    const path = searchPath(runIds);
    const lineLength = `GET ${path} HTTP/1.1`.length;
    expect(lineLength).toBeGreaterThan(REQUEST_LINE_LIMIT);
    const before = emulator.callCount('GET /api/2.0/mlflow/model-versions/search');
    const response = await call(emulator.url, path);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('connection')).toBe('close');
    expect(response.text.startsWith('<html>\n  <head>\n    <title>Bad Request</title>')).toBe(true);
    expect(response.text).toContain(`Request Line is too large (${lineLength} &gt; 4094)`);
    expect(emulator.callCount('GET /api/2.0/mlflow/model-versions/search')).toBe(before + 1);
  });

  it('lets a ~5 KB URL reach the check instead of failing in Node', async () => {
    const response = await call(
      emulator.url,
      `/api/2.0/mlflow/experiments/get?experiment_id=1&pad=${'x'.repeat(5000)}`,
    );
    expect(response.status).toBe(400);
    expect(response.text).toContain('Request Line is too large');
  });
});
