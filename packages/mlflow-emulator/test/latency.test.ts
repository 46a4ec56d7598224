import { startEmulator, type Emulator } from '../src/index.js';
import { call } from './httpClient.js';

// Injected latency is a lower bound, which no load on the machine can break, so those assertions are exact.
// "No latency" cannot be a lower bound; it is asserted as "the median call is faster than the latency the
// same test injects" — relative to the knob's own setting, not an absolute budget a busy machine could miss
// (a loopback call takes a few milliseconds; the injected latencies are 150 and 200 ms).
async function timings(emulator: Emulator, path: string, times = 5): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    const response = await call(emulator.url, path);
    expect(response.status).toBe(200);
    out.push(performance.now() - started);
  }
  return out.sort((a, b) => a - b);
}

const median = (values: number[]): number => values[Math.floor(values.length / 2)] ?? Number.NaN;
const min = (values: number[]): number => values[0] ?? Number.NaN;

describe('latency knob', () => {
  let emulator: Emulator;
  afterEach(() => emulator.close());

  it('adds no latency by default', async () => {
    emulator = await startEmulator({ seed: 'demo' });
    await call(emulator.url, '/health');
    const unset = median(await timings(emulator, '/api/2.0/mlflow/experiments/get?experiment_id=1'));
    // The same endpoint with 150 ms set: the default must be clearly below what a latency setting adds.
    emulator.setLatency(150);
    const set = min(await timings(emulator, '/api/2.0/mlflow/experiments/get?experiment_id=1', 3));
    expect(set).toBeGreaterThanOrEqual(145);
    expect(unset).toBeLessThan(150);
  });

  it('applies latencyMs from the options and setLatency at run time', async () => {
    emulator = await startEmulator({ seed: 'empty', latencyMs: 150 });
    expect(min(await timings(emulator, '/health', 3))).toBeGreaterThanOrEqual(145);
    emulator.setLatency(0);
    expect(median(await timings(emulator, '/health'))).toBeLessThan(150);
    emulator.setLatency(200, 50);
    const slow = await timings(emulator, '/health', 3);
    expect(min(slow)).toBeGreaterThanOrEqual(195);
  });

  it('can slow down a single endpoint', async () => {
    emulator = await startEmulator({
      seed: 'empty',
      endpointLatency: { 'GET /api/2.0/mlflow/experiments/get': { latencyMs: 200 } },
    });
    expect(min(await timings(emulator, '/api/2.0/mlflow/experiments/get?experiment_id=0', 3))).toBeGreaterThanOrEqual(
      195,
    );
    expect(median(await timings(emulator, '/health'))).toBeLessThan(200);
    await call(emulator.url, '/__emulator/latency', {
      body: { latencyMs: 0, endpoint: 'GET /api/2.0/mlflow/experiments/get' },
    });
    expect(median(await timings(emulator, '/api/2.0/mlflow/experiments/get?experiment_id=0'))).toBeLessThan(200);
  });
});
