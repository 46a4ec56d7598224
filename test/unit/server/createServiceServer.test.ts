// /healthz, /readyz and graceful shutdown of the gateway, against the real stack.
import { startStack, type Stack } from '../../helpers/startStack.js';
import { upstreamCalled } from '../../helpers/upstreamCalls.js';

async function readyz(stack: Stack): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.gateway.url}/readyz`);
  return { status: response.status, body: await response.json() };
}

/**
 * Polls until `check` holds (readiness reuses an upstream probe for 2 s). `ms` is only a guard for a failing
 * run, generous so that a loaded machine is never mistaken for a broken probe.
 */
async function eventually(ms: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('health endpoints', () => {
  it('is ready with MLflow reachable, and not ready (503) when MLflow is down, while staying alive', async () => {
    const stack = await startStack();
    try {
      const ready = await readyz(stack);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ready',
        checks: {
          schema: { ok: true },
          upstream: { ok: true, status: 200, circuit: 'closed' },
          cache: { ok: true, backend: 'memory' },
          accepting: { ok: true },
        },
      });
      // Probes are cheap for MLflow: one GET /health per probe interval, whatever the probe rate.
      stack.emulator.resetCalls();
      await Promise.all([readyz(stack), readyz(stack), readyz(stack)]);
      expect(stack.emulator.callCount('GET /health')).toBeLessThanOrEqual(1);

      stack.emulator.setFaults([{ endpoint: 'GET /health', kind: 'reset' }]);
      await eventually(20_000, async () => (await readyz(stack)).status === 503);
      const down = await readyz(stack);
      expect(down.body.status).toBe('not_ready');
      expect(down.body.checks.upstream.ok).toBe(false);
      const alive = await fetch(`${stack.gateway.url}/healthz`);
      expect(alive.status).toBe(200);
      expect(await alive.json()).toEqual({ status: 'ok' });

      stack.emulator.clearFaults();
      await eventually(20_000, async () => (await readyz(stack)).status === 200);
    } finally {
      await stack.close();
    }
  });

  it('is ready but degraded when only Redis is down', async () => {
    // Nothing listens on port 1: the cache serves misses and the service keeps answering, uncached.
    const stack = await startStack({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const ready = await readyz(stack);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.checks.cache).toEqual({ ok: false, backend: 'redis' });
      const result = await stack.query(`{ experiments(first: 1) { nodes { id } } }`);
      expect(result.errors).toBeUndefined();
      const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
      expect(metrics).toContain('mlflow_supergraph_cache_up{backend="redis"} 0');
      expect(metrics).toMatch(/mlflow_supergraph_cache_errors_total\{backend="redis"\} [1-9]/);
    } finally {
      await stack.close();
    }
  });

  it('answers only GET and HEAD on the operational endpoints, and 404 elsewhere', async () => {
    const stack = await startStack();
    try {
      expect((await fetch(`${stack.gateway.url}/metrics`, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${stack.gateway.url}/nope`)).status).toBe(404);
      expect((await fetch(`${stack.gateway.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    } finally {
      await stack.close();
    }
  });
});

/** Resolves once the request in flight has reached MLflow (its upstream call was received), whatever the load. */
const inFlightAtUpstream = (stack: Stack) => upstreamCalled(stack.emulator, 'experiments/search');

describe('graceful shutdown', () => {
  it('finishes in-flight requests and refuses new connections meanwhile', async () => {
    const stack = await startStack();
    stack.emulator.resetCalls();
    stack.emulator.setLatency(600);
    const inFlight = stack.query(`query Slow { experiments(first: 2) { nodes { id name } } }`);
    await inFlightAtUpstream(stack);
    // The bound is far beyond the request's 600 ms: a close that settles before it did not wait for the bound,
    // it returned because the request in flight had finished (the property; the bound is no budget).
    const boundMs = 20_000;
    const started = performance.now();
    const closing = stack.gateway.close({ timeoutMs: boundMs });
    // The listener is closed synchronously when the drain begins: nothing to wait for before trying it.
    await expect(fetch(`${stack.gateway.url}/healthz`)).rejects.toThrow();
    const result = await inFlight;
    expect(result.errors).toBeUndefined();
    expect(result.data.experiments.nodes).toHaveLength(2);
    await closing;
    expect(performance.now() - started).toBeLessThan(boundMs);
    await stack.emulator.close();
  });

  it('cuts requests that outlive the bound, and still stops', async () => {
    const stack = await startStack();
    stack.emulator.resetCalls();
    stack.emulator.setLatency(5_000);
    const inFlight = stack.query(`{ experiments(first: 2) { nodes { id } } }`).then(
      () => 'answered',
      () => 'cut',
    );
    await inFlightAtUpstream(stack);
    const started = performance.now();
    await stack.gateway.close({ timeoutMs: 300 });
    const elapsed = performance.now() - started;
    // The bound was honoured (a lower bound, which load cannot break) and the request cut, not answered at 5 s.
    // The upper bound is only a guard, 10 × the 300 ms bound and still short of the upstream's 5 s.
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3_000);
    expect(await inFlight).toBe('cut');
    await stack.emulator.close();
  });
});
