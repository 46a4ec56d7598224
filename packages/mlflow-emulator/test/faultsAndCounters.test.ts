import { startEmulator, type Emulator } from '../src/index.js';
import { call } from './httpClient.js';

const SEARCH = 'POST /api/2.0/mlflow/runs/search';
const GET_EXPERIMENT = 'GET /api/2.0/mlflow/experiments/get';

describe('call counters', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  it('counts per "METHOD /path", without the query string, and not the control API', async () => {
    await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1');
    await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=2');
    await call(emulator.url, '/api/2.0/mlflow/runs/search', { body: { experiment_ids: ['1'], max_results: 1 } });
    await call(emulator.url, '/api/2.0/mlflow/no-such-endpoint');
    const control = await call(emulator.url, '/__emulator/calls');
    expect(control.json()).toEqual({
      [GET_EXPERIMENT]: 2,
      [SEARCH]: 1,
      'GET /api/2.0/mlflow/no-such-endpoint': 1,
    });
    expect(emulator.callCount(GET_EXPERIMENT)).toBe(2);
    expect(emulator.callCount('GET /api/2.0/mlflow/runs/get')).toBe(0);
    expect(emulator.totalCalls()).toBe(4);
    expect(emulator.calls()).toEqual(control.json());
  });

  it('resets only the counters with {"calls": true}, everything with an empty body', async () => {
    await call(emulator.url, '/api/2.0/mlflow/experiments/create', { body: { name: 'made-in-test' } });
    expect(emulator.store.tracking.getExperimentByName('made-in-test')).toBeDefined();
    await call(emulator.url, '/__emulator/reset', { body: { calls: true } });
    expect(emulator.totalCalls()).toBe(0);
    expect(emulator.store.tracking.getExperimentByName('made-in-test')).toBeDefined();
    await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1');
    await call(emulator.url, '/__emulator/reset', { method: 'POST' });
    expect(emulator.totalCalls()).toBe(0);
    expect(emulator.store.tracking.getExperimentByName('made-in-test')).toBeUndefined();
    expect(emulator.store.tracking.getExperimentByName('fraud-detection')).toBeDefined();
  });
});

describe('fault injection', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  it('answers MLflow-shaped errors for the next N calls of one endpoint, and counts them', async () => {
    emulator.setFaults([{ endpoint: SEARCH, status: 503, count: 2 }]);
    const search = (): Promise<{ status: number; text: string }> =>
      call(emulator.url, '/api/2.0/mlflow/runs/search', { body: { experiment_ids: ['1'], max_results: 1 } });
    const first = await search();
    expect(first.status).toBe(503);
    expect(JSON.parse(first.text)).toEqual({
      error_code: 'TEMPORARILY_UNAVAILABLE',
      message: 'Injected fault: HTTP 503',
    });
    expect((await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1')).status).toBe(200);
    expect((await search()).status).toBe(503);
    expect((await search()).status).toBe(200);
    expect(emulator.callCount(SEARCH)).toBe(3);
  });

  it('uses the given error code and message', async () => {
    emulator.setFaults([{ status: 429, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }]);
    const response = await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1');
    expect(response.status).toBe(429);
    expect(response.json()).toEqual({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' });
    emulator.clearFaults();
    expect((await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1')).status).toBe(200);
  });

  it('resets the connection', async () => {
    emulator.setFaults([{ kind: 'reset', count: 1 }]);
    await expect(call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1')).rejects.toThrow();
    expect(emulator.callCount(GET_EXPERIMENT)).toBe(1);
    expect((await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1')).status).toBe(200);
  });

  it('sends a malformed JSON body', async () => {
    emulator.setFaults([{ kind: 'malformed', count: 1 }]);
    const response = await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(() => response.json()).toThrow(SyntaxError);
  });

  it('hangs past a client timeout, or answers late with hangMs', async () => {
    emulator.setFaults([{ kind: 'hang', count: 1 }]);
    await expect(
      call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1', { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    emulator.setFaults([{ kind: 'hang', hangMs: 150, count: 1 }]);
    const started = performance.now();
    const response = await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1');
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('applies a rate to roughly that fraction of calls', async () => {
    emulator.setFaults([{ status: 500, rate: 0.3 }]);
    let failed = 0;
    for (let i = 0; i < 200; i += 1) {
      const response = await call(emulator.url, '/health');
      if (response.status === 500) failed += 1;
    }
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(90);
  });

  it('is configured through POST /__emulator/faults and cleared with {"clear": true}', async () => {
    const set = await call(emulator.url, '/__emulator/faults', {
      body: { endpoint: GET_EXPERIMENT, status: 500, count: 1 },
    });
    expect(set.json()).toEqual({ faults: [{ endpoint: GET_EXPERIMENT, status: 500, count: 1 }] });
    const failed = await call(emulator.url, '/api/2.0/mlflow/experiments/get?experiment_id=1');
    expect(failed.json()).toEqual({ error_code: 'INTERNAL_ERROR', message: 'Injected fault: HTTP 500' });
    await call(emulator.url, '/__emulator/faults', { body: { status: 502 } });
    await call(emulator.url, '/__emulator/faults', { body: { clear: true } });
    expect((await call(emulator.url, '/health')).status).toBe(200);
    const bad = await call(emulator.url, '/__emulator/faults', { body: { kind: 'explode' } });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ error: 'expected kind to be one of status, hang, reset, malformed, got explode' });
  });

  it('rejects invalid fault specs from the programmatic API', () => {
    expect(() => emulator.setFaults([{ rate: 2 }])).toThrow('expected rate between 0 and 1, got 2');
    expect(() => emulator.setFaults([{ endpoint: 'runs/search' }])).toThrow(/expected endpoint like/);
  });
});
