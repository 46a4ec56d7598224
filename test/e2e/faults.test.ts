// The faults real upstreams produce, injected into the MLflow emulator, seen through the gateway: 5xx bursts,
// hangs past the timeout, reset connections, malformed JSON, an outage (circuit breaker), a spent request
// budget. Each must fail only the fields that depend on the faulty call, with the right code; writes must never
// be sent twice; the process must survive; answers must be right again as soon as the fault ends (the first
// request after it, or the breaker's one probe after its cooldown); and /metrics must show what happened.
// No assertion is a wall-clock budget a loaded machine could miss: what a timing stood for is counted instead.
import net from 'node:net';
import { startStack, type Stack } from '../helpers/startStack.js';
import { type GraphQLResponse } from '../helpers/graphql.js';
import { closeServer, listenOnLoopback } from '../helpers/listen.js';

const BULK = 'GET /api/2.0/mlflow/metrics/get-history-bulk-interval';
const RUNS_GET = 'GET /api/2.0/mlflow/runs/get';
const EXPERIMENTS_GET = 'GET /api/2.0/mlflow/experiments/get';
const MODEL_VERSIONS_SEARCH = 'GET /api/2.0/mlflow/model-versions/search';
const LOG_BATCH = 'POST /api/2.0/mlflow/runs/log-batch';

/** Every error's path starts with `prefix` and carries `code`; there is at least one. */
function expectErrorsOnlyAt(result: GraphQLResponse<unknown>, prefix: (string | number)[], code: string): void {
  expect(result.errors?.length ?? 0).toBeGreaterThan(0);
  for (const error of result.errors ?? []) {
    expect(error.path?.slice(0, prefix.length)).toEqual(prefix);
    expect(error.extensions?.code).toBe(code);
  }
}

/**
 * Repeats `attempt` until it passes; returns how many attempts that took (1: recovered at once). The 20 s is
 * only a guard for a failing run, never a budget.
 */
async function attemptsToRecover(attempt: () => Promise<boolean>, guardMs = 20_000): Promise<number> {
  const started = performance.now();
  for (let attempts = 1; ; attempts += 1) {
    if (await attempt()) return attempts;
    if (performance.now() - started > guardMs)
      throw new Error(`not recovered after ${attempts} attempts (${guardMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A TCP proxy that counts the connections opened through it; `in front of` says where it forwards them. */
async function countingProxy(): Promise<{
  inFrontOf(uri: string): string;
  connections(): number;
  close(): Promise<void>;
}> {
  let connections = 0;
  let target = new URL('http://127.0.0.1:1');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections += 1;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  const { port } = await listenOnLoopback(server);
  return {
    inFrontOf(uri) {
      target = new URL(uri);
      return `http://127.0.0.1:${port}${target.pathname === '/' ? '' : target.pathname}`;
    },
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}

/** Sum of the samples of `name` whose labels include all of `labels`, from Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) total += Number(match[3]);
  }
  return total;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

describe('upstream faults through the gateway', () => {
  let stack: Stack;
  let runId: string;
  let experimentId: string;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        UPSTREAM_TIMEOUT_MS: '300',
        GRAPHQL_REQUEST_TIMEOUT_MS: '10000',
        // High enough that one faulty endpoint never trips it here; the breaker has its own suite below.
        UPSTREAM_CIRCUIT_THRESHOLD: '20',
      },
    });
    const found = await stack.query(
      `{ experiments(first: 1) { nodes { id runs(first: 5, filter: "attributes.status = 'FINISHED'") { nodes { id metrics { key } } } } } }`,
    );
    expect(found.errors).toBeUndefined();
    const experiment = found.data.experiments.nodes[0];
    experimentId = experiment.id;
    runId = experiment.runs.nodes.find((run: any) => run.metrics.some((metric: any) => metric.key === 'loss')).id;
  });
  afterEach(() => stack.emulator.clearFaults());
  afterAll(() => stack.close());

  const threeBranches = `query Branches($run: ID!, $experiment: ID!) {
    withHistory: run(id: $run) { id metricHistory(key: "loss") { step value } }
    plain: run(id: $run) { id name params { key value } metrics { key value } }
    experiment(id: $experiment) { id name }
  }`;

  it('absorbs a 503 burst shorter than the retries of a read: no error, three calls', async () => {
    stack.coldStart();
    stack.emulator.setFaults([{ endpoint: BULK, kind: 'status', status: 503, count: 2 }]);
    const result = await stack.query(threeBranches, { run: runId, experiment: experimentId });
    expect(result.errors).toBeUndefined();
    expect(result.data.withHistory.metricHistory.length).toBeGreaterThan(10);
    expect(stack.emulator.callCount(BULK)).toBe(3);
  });

  it('fails only the metricHistory branch with UPSTREAM_UNAVAILABLE while bulk-interval answers 503, and recovers at once', async () => {
    stack.coldStart();
    stack.emulator.setFaults([{ endpoint: BULK, kind: 'status', status: 503 }]);
    const result = await stack.query(threeBranches, { run: runId, experiment: experimentId });
    expectErrorsOnlyAt(result, ['withHistory', 'metricHistory'], 'UPSTREAM_UNAVAILABLE');
    expect(result.errors?.[0]?.extensions?.upstreamStatus).toBe(503);
    // metricHistory is nullable: only it is lost; its Run and the other branches are whole.
    expect(result.data.withHistory).toEqual({ id: runId, metricHistory: null });
    expect(result.data.plain.id).toBe(runId);
    expect(result.data.plain.metrics.length).toBeGreaterThan(0);
    expect(result.data.experiment.id).toBe(experimentId);
    expect(stack.emulator.callCount(BULK)).toBe(3); // a read: first try + 2 retries, no more

    // Nothing of the fault outlives it (no cached error, no open circuit): the very next request is whole.
    stack.emulator.clearFaults();
    const attempts = await attemptsToRecover(async () => {
      const again = await stack.query(threeBranches, { run: runId, experiment: experimentId });
      return again.errors === undefined && again.data.withHistory.metricHistory.length > 10;
    });
    expect(attempts).toBe(1);
  });

  it('maps a 500 to UPSTREAM_UNAVAILABLE on the experiment only, without retrying it', async () => {
    stack.coldStart();
    stack.emulator.setFaults([{ endpoint: EXPERIMENTS_GET, kind: 'status', status: 500 }]);
    const result = await stack.query(
      `query($run: ID!, $experiment: ID!) { experiment(id: $experiment) { id name } run(id: $run) { id name } }`,
      { run: runId, experiment: experimentId },
    );
    expectErrorsOnlyAt(result, ['experiment'], 'UPSTREAM_UNAVAILABLE');
    expect(result.errors?.[0]?.message).not.toContain('Injected'); // the upstream's own text is not echoed
    expect(result.data.experiment).toBeNull();
    expect(result.data.run.id).toBe(runId);
    // 500 is not a transient status: retrying it would only multiply the load on a broken server.
    expect(stack.emulator.callCount(EXPERIMENTS_GET)).toBe(1);
  });

  it('times out a hanging bulk-interval with UPSTREAM_TIMEOUT on metricHistory only, within the bound', async () => {
    stack.coldStart();
    stack.emulator.setFaults([{ endpoint: BULK, kind: 'hang' }]);
    const started = performance.now();
    const result = await stack.query(threeBranches, { run: runId, experiment: experimentId });
    const elapsed = performance.now() - started;
    expectErrorsOnlyAt(result, ['withHistory', 'metricHistory'], 'UPSTREAM_TIMEOUT');
    expect(result.data.plain.metrics.length).toBeGreaterThan(0);
    expect(result.data.experiment.name).toEqual(expect.any(String));
    // Three attempts, so each hung one was ended by the 300 ms timeout (a hung attempt never ends by itself).
    expect(stack.emulator.callCount(BULK)).toBe(3);
    // Each timeout was honoured (a lower bound, which load cannot break). The ceiling is only a guard, 10 × the
    // three attempts and still short of the 10 s request timeout that would end a truly hung request.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 300 - 10);
    expect(elapsed).toBeLessThan(10 * 3 * 300);

    stack.emulator.clearFaults();
    const attempts = await attemptsToRecover(
      async () => (await stack.query(threeBranches, { run: runId, experiment: experimentId })).errors === undefined,
    );
    expect(attempts).toBe(1);
  });

  it('fails the run with UPSTREAM_UNAVAILABLE when MLflow resets runs/get connections, and leaves the experiment alone', async () => {
    stack.coldStart();
    stack.emulator.setFaults([{ endpoint: RUNS_GET, kind: 'reset' }]);
    const result = await stack.query(
      `query($run: ID!, $experiment: ID!) { run(id: $run) { id name } experiment(id: $experiment) { id name } }`,
      { run: runId, experiment: experimentId },
    );
    expectErrorsOnlyAt(result, ['run'], 'UPSTREAM_UNAVAILABLE');
    expect(result.data.run).toBeNull();
    expect(result.data.experiment.id).toBe(experimentId);
    expect(stack.emulator.callCount(RUNS_GET)).toBe(3);

    stack.emulator.clearFaults();
    const attempts = await attemptsToRecover(async () => {
      const again = await stack.query(`query($run: ID!) { run(id: $run) { id name } }`, { run: runId });
      return again.errors === undefined && again.data.run?.id === runId;
    });
    expect(attempts).toBe(1);
  });

  it('treats malformed JSON from model-versions/search as UPSTREAM_UNAVAILABLE on Run.modelVersions only', async () => {
    stack.coldStart();
    stack.emulator.setFaults([{ endpoint: MODEL_VERSIONS_SEARCH, kind: 'malformed' }]);
    const result = await stack.query(
      `query($run: ID!) { withModels: run(id: $run) { id modelVersions { version } } plain: run(id: $run) { id name } }`,
      { run: runId },
    );
    expectErrorsOnlyAt(result, ['withModels', 'modelVersions'], 'UPSTREAM_UNAVAILABLE');
    expect(result.data.plain.id).toBe(runId);
    expect(stack.emulator.callCount(MODEL_VERSIONS_SEARCH)).toBe(3);

    stack.emulator.clearFaults();
    const attempts = await attemptsToRecover(
      async () =>
        (await stack.query(`query($run: ID!) { run(id: $run) { modelVersions { version } } }`, { run: runId }))
          .errors === undefined,
    );
    expect(attempts).toBe(1);
  });

  it("keeps one subgraph's failure out of another's answer (registry down, tracking fine)", async () => {
    stack.coldStart();
    stack.emulator.setFaults([
      { endpoint: 'GET /api/2.0/mlflow/registered-models/get', kind: 'status', status: 503 },
      { endpoint: 'GET /api/2.0/mlflow/registered-models/search', kind: 'status', status: 503 },
    ]);
    const result = await stack.query(
      `{ registeredModel(name: "fraud-detector") { name } experiments(first: 2) { nodes { id name } } }`,
    );
    expectErrorsOnlyAt(result, ['registeredModel'], 'UPSTREAM_UNAVAILABLE');
    expect(result.data.registeredModel).toBeNull();
    expect(result.data.experiments.nodes).toHaveLength(2);
  });

  describe('writes are sent at most once', () => {
    const logBatch = `mutation($run: ID!, $value: MetricValue!) { logBatch(runId: $run, metrics: [{ key: "fault_probe", value: $value, step: 1 }]) { id } }`;

    it.each([
      ['a 503', { kind: 'status' as const, status: 503 }, 'UPSTREAM_UNAVAILABLE'],
      ['a reset connection', { kind: 'reset' as const }, 'UPSTREAM_UNAVAILABLE'],
      ['a hang past the timeout', { kind: 'hang' as const }, 'UPSTREAM_TIMEOUT'],
    ])('answers %s on runs/log-batch with one call and the right code', async (_name, fault, code) => {
      stack.coldStart();
      stack.emulator.setFaults([{ endpoint: LOG_BATCH, ...fault }]);
      const result = await stack.query(logBatch, { run: runId, value: 0.5 });
      expectErrorsOnlyAt(result, ['logBatch'], code);
      expect(stack.emulator.callCount(LOG_BATCH)).toBe(1);
    });

    it('does not repeat a write whose answer came too late', async () => {
      stack.coldStart();
      // MLflow answers after 600 ms; we gave up at 300 ms without knowing whether the write landed (a real
      // gunicorn worker finishes it anyway). A retry could log the value twice, so there is none.
      stack.emulator.setFaults([{ endpoint: LOG_BATCH, kind: 'hang', hangMs: 600 }]);
      const value = 0.123456;
      const result = await stack.query(logBatch, { run: runId, value });
      expectErrorsOnlyAt(result, ['logBatch'], 'UPSTREAM_TIMEOUT');
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(stack.emulator.callCount(LOG_BATCH)).toBe(1);
      stack.coldStart();
      const history = await stack.query(
        `query($run: ID!) { run(id: $run) { metricHistory(key: "fault_probe") { value } } }`,
        { run: runId },
      );
      expect(history.errors).toBeUndefined();
      expect(history.data.run.metricHistory.filter((point: any) => point.value === value).length).toBeLessThanOrEqual(
        1,
      );
    });
  });

  it('stays alive and correct after all of it', async () => {
    const health = await fetch(`${stack.gateway.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${stack.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    const result = await stack.query(threeBranches, { run: runId, experiment: experimentId });
    expect(result.errors).toBeUndefined();
    expect(unhandled).toEqual([]);
  });

  it('shows the faults in /metrics', async () => {
    const response = await fetch(`${stack.gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const upstream = (labels: Record<string, string>) =>
      sample(text, 'mlflow_supergraph_upstream_requests_total', { upstream: 'MLflow', ...labels });
    const errors = (labels: Record<string, string>) =>
      sample(text, 'mlflow_supergraph_upstream_errors_total', { upstream: 'MLflow', ...labels });
    expect(upstream({ endpoint: BULK, status: '503' })).toBeGreaterThanOrEqual(5); // 2 absorbed + 3 failed
    expect(upstream({ endpoint: EXPERIMENTS_GET, status: '500' })).toBe(1);
    expect(upstream({ endpoint: BULK, status: 'timeout' })).toBeGreaterThanOrEqual(3);
    expect(upstream({ endpoint: RUNS_GET, status: 'network' })).toBeGreaterThanOrEqual(3);
    expect(errors({ endpoint: BULK, kind: 'server_error' })).toBeGreaterThanOrEqual(5);
    expect(errors({ endpoint: BULK, kind: 'timeout' })).toBeGreaterThanOrEqual(3);
    expect(errors({ endpoint: RUNS_GET, kind: 'network' })).toBeGreaterThanOrEqual(3);
    expect(errors({ endpoint: MODEL_VERSIONS_SEARCH, kind: 'malformed' })).toBe(3);
    expect(errors({ endpoint: LOG_BATCH })).toBeGreaterThanOrEqual(3);
    expect(upstream({ endpoint: LOG_BATCH })).toBe(4); // one attempt per mutation, never a retry
    expect(
      sample(text, 'mlflow_supergraph_graphql_errors_total', { code: 'UPSTREAM_UNAVAILABLE' }),
    ).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'mlflow_supergraph_graphql_errors_total', { code: 'UPSTREAM_TIMEOUT' })).toBeGreaterThanOrEqual(
      3,
    );
    expect(
      sample(text, 'mlflow_supergraph_graphql_requests_total', { operation: 'Branches', outcome: 'partial' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'mlflow_supergraph_graphql_requests_total', { operation: 'Branches', outcome: 'success' }),
    ).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'mlflow_supergraph_cache_hits_total', { backend: 'memory' })).toBeGreaterThan(0);
    expect(sample(text, 'mlflow_supergraph_upstream_circuit_state', { upstream: 'MLflow' })).toBe(0);
  });
});

describe('circuit breaker while MLflow is down', () => {
  let stack: Stack;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  beforeAll(async () => {
    // MLflow is reached through a proxy that counts connections: an open circuit must not even try to connect.
    proxy = await countingProxy();
    stack = await startStack({
      env: { UPSTREAM_TIMEOUT_MS: '300', UPSTREAM_CIRCUIT_THRESHOLD: '3', UPSTREAM_CIRCUIT_COOLDOWN_MS: '400' },
      trackingUri: (emulator) => proxy.inFrontOf(emulator.trackingUri),
    });
  });
  afterAll(async () => {
    await stack.close();
    await proxy.close();
  });

  const query = `{ experiment(id: "1") { id name } }`;

  it('fails fast with UPSTREAM_UNAVAILABLE once open, reports not ready, and closes again after the outage', async () => {
    stack.emulator.setFaults([{ kind: 'reset' }]);
    let beforeOpening = 0;
    for (let i = 0; i < 3; i += 1) {
      stack.coldStart();
      beforeOpening = performance.now();
      const result = await stack.query(query);
      expectErrorsOnlyAt(result, ['experiment'], 'UPSTREAM_UNAVAILABLE');
    }
    // Open: it fails fast, which is to say no call reaches MLflow and not even a connection is attempted, so
    // the answer waits for nothing (counted at the emulator and at the proxy, not timed).
    stack.coldStart();
    const connections = proxy.connections();
    const fast = await stack.query(query);
    expectErrorsOnlyAt(fast, ['experiment'], 'UPSTREAM_UNAVAILABLE');
    expect(fast.errors?.[0]?.message).toMatch(/paused/);
    expect(stack.emulator.totalCalls()).toBe(0);
    expect(proxy.connections()).toBe(connections);

    const ready = await fetch(`${stack.gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    const report = await ready.json();
    expect(report.checks.upstream.ok).toBe(false);
    expect(report.checks.upstream.circuit).toBe('open');

    // The outage ends: after the cooldown one probe goes through and closes the circuit. Requests meanwhile
    // fail fast without calling MLflow, so by the first whole answer MLflow has seen exactly that one probe.
    stack.emulator.clearFaults();
    stack.emulator.resetCalls();
    await attemptsToRecover(async () => {
      const again = await stack.query(query);
      return again.errors === undefined && again.data.experiment?.id === '1';
    });
    expect(stack.emulator.totalCalls()).toBe(1);
    // Not before the 400 ms cooldown (a lower bound, which load cannot break).
    expect(performance.now() - beforeOpening).toBeGreaterThanOrEqual(400);

    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(sample(text, 'mlflow_supergraph_upstream_circuit_opened_total', { upstream: 'MLflow' })).toBe(1);
    expect(sample(text, 'mlflow_supergraph_upstream_circuit_state', { upstream: 'MLflow' })).toBe(0);
    expect(sample(text, 'mlflow_supergraph_upstream_errors_total', { kind: 'circuit_open' })).toBeGreaterThanOrEqual(1);
  });

  it('opens on 503s from a proxy in front of MLflow too, but not on 4xx answers', async () => {
    stack.emulator.setFaults([
      { endpoint: EXPERIMENTS_GET, kind: 'status', status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' },
    ]);
    for (let i = 0; i < 5; i += 1) {
      stack.coldStart();
      const result = await stack.query(query);
      expect(result.errors).toBeUndefined(); // a missing experiment is null, not an error, and not an outage
      expect(result.data.experiment).toBeNull();
    }
    expect(stack.emulator.callCount(EXPERIMENTS_GET)).toBe(1); // each coldStart zeroes the counter
    stack.emulator.setFaults([{ kind: 'status', status: 503 }]);
    for (let i = 0; i < 3; i += 1) {
      stack.coldStart();
      await stack.query(query);
    }
    stack.coldStart();
    const fast = await stack.query(query);
    expect(fast.errors?.[0]?.message).toMatch(/paused/);
    expect(stack.emulator.totalCalls()).toBe(0);
    stack.emulator.clearFaults();
    await attemptsToRecover(async () => (await stack.query(query)).data?.experiment?.id === '1');
  });
});

describe('per-request time budget', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      emulator: { endpointLatency: { [EXPERIMENTS_GET]: { latencyMs: 300 } } },
      // One upstream slot: the experiments/get calls (no batch form exists) queue behind each other, so the
      // budget runs out in the middle of the query.
      env: { GRAPHQL_REQUEST_TIMEOUT_MS: '450', UPSTREAM_TIMEOUT_MS: '5000', UPSTREAM_CONCURRENCY: '1' },
    });
  });
  afterAll(() => stack.close());

  it('answers what fit in the budget and fails the rest fast with UPSTREAM_TIMEOUT, without calling MLflow for it', async () => {
    const ids = ['1', '2', '3', '4'];
    stack.coldStart();
    const started = performance.now();
    const result = await stack.query(`{ ${ids.map((id) => `e${id}: experiment(id: "${id}") { id name }`).join(' ')} }`);
    const elapsed = performance.now() - started;
    const answered = ids.filter((id) => result.data?.[`e${id}`]?.id === id);
    const failed = (result.errors ?? []).map((error) => error.path?.[0]);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(answered.length + failed.length).toBe(4);
    for (const error of result.errors ?? []) expect(error.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    // Without the budget: 4 × 300 ms in sequence. With it: the budget ends the request, which is counted: a
    // third call would start at 600 ms, past the 450 ms budget, so at most two were ever sent. The elapsed
    // time is only a guard, 10 × the budget.
    expect(elapsed).toBeLessThan(10 * 450);
    // Calls whose turn came after the budget were never sent.
    expect(stack.emulator.callCount(EXPERIMENTS_GET)).toBeLessThan(4);
    expect(stack.emulator.callCount(EXPERIMENTS_GET)).toBeLessThanOrEqual(2);
    // The next request has a budget of its own.
    stack.emulator.setLatency(0);
    const next = await stack.query(`{ experiment(id: "1") { id } }`);
    expect(next.errors).toBeUndefined();
  });
});
