import { startStack, type Stack } from '../../helpers/startStack.js';

// The cost that matters most: upstream calls per query. They must grow with the query's depth, not with the
// number of experiments, runs or points.
describe('tracking upstream call budget', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const dashboard = (runsPerExperiment: number) =>
    `{ experiments(first: 10) { nodes { runs(first: ${runsPerExperiment}) { nodes { experiment { name } metricHistory(key: "loss") { step value } } } } } }`;

  async function measure(query: string) {
    stack.coldStart();
    const result = await stack.query(query);
    expect(result.errors).toBeUndefined();
    return { result, calls: stack.emulator.calls(), total: stack.emulator.totalCalls() };
  }

  it('keeps the dashboard query bounded, independent of the number of runs', async () => {
    const small = await measure(dashboard(2));
    const large = await measure(dashboard(20));
    const experiments = large.result.data.experiments.nodes;
    const runs = experiments.flatMap((e: any) => e.runs.nodes);
    expect(runs.length).toBeGreaterThan(40);
    expect(runs.every((r: any) => typeof r.experiment.name === 'string')).toBe(true);
    expect(runs.some((r: any) => r.metricHistory.length > 10)).toBe(true);

    // Experiments came from the search: Run.experiment costs nothing. Runs came from one search per 10
    // experiments: no runs/get. Histories: one bulk-interval call per 100 runs.
    expect(large.calls['GET /api/2.0/mlflow/experiments/get'] ?? 0).toBe(0);
    expect(large.calls['GET /api/2.0/mlflow/runs/get'] ?? 0).toBe(0);
    expect(large.calls['GET /api/2.0/mlflow/metrics/get-history'] ?? 0).toBe(0);
    // At most 100 runs per call, fewer when 100 ids would overflow gunicorn's 4094-byte request line.
    expect(large.calls['GET /api/2.0/mlflow/metrics/get-history-bulk-interval']).toBeGreaterThanOrEqual(
      Math.ceil(runs.length / 100),
    );
    expect(large.calls['GET /api/2.0/mlflow/metrics/get-history-bulk-interval']).toBeLessThanOrEqual(
      Math.ceil(runs.length / 90),
    );
    expect(large.calls['POST /api/2.0/mlflow/experiments/search']).toBe(1);
    // One combined runs/search, plus one per experiment only when the combined page starved it.
    expect(large.calls['POST /api/2.0/mlflow/runs/search']).toBeLessThanOrEqual(1 + experiments.length);
    // 10x the runs must not mean more calls, beyond one history call per 100 runs.
    expect(large.total).toBeLessThanOrEqual(small.total + Math.ceil(runs.length / 90));
    console.log(
      `dashboard query: ${runs.length} runs in ${experiments.length} experiments → ${large.total} upstream calls (${JSON.stringify(large.calls)}); with 2 runs each → ${small.total}`,
    );
  });

  it('deduplicates experiments reached through many runs', async () => {
    const experiment = (await stack.query(`{ experiments(first: 1) { nodes { id } } }`)).data.experiments.nodes[0];
    stack.coldStart();
    const runs = await stack.query(
      `query($ids: [ID!]!) { runs(experimentIds: $ids, first: 30) { nodes { id experiment { id name } } } }`,
      { ids: [experiment.id] },
    );
    expect(runs.errors).toBeUndefined();
    expect(runs.data.runs.nodes.length).toBeGreaterThan(5);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/experiments/get')).toBe(1);
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/runs/search')).toBe(1);
  });

  it('loads runs asked for by id with one search, not one runs/get each', async () => {
    const ids = (
      await stack.query(`{ experiments(first: 2) { nodes { runs(first: 3) { nodes { id } } } } }`)
    ).data.experiments.nodes.flatMap((e: any) => e.runs.nodes.map((r: any) => r.id));
    expect(ids.length).toBe(6);
    stack.coldStart();
    const query = `{ ${ids.map((id: string, i: number) => `a${i}: run(id: "${id}") { id experiment { name } } b${i}: run(id: "${id}") { name }`).join(' ')} }`;
    const result = await stack.query(query);
    expect(result.errors).toBeUndefined();
    expect(ids.map((_: string, i: number) => result.data[`a${i}`].id)).toEqual(ids);
    expect(stack.emulator.calls()).toEqual({
      'POST /api/2.0/mlflow/experiments/search': 1,
      'POST /api/2.0/mlflow/runs/search': 1,
    });
  });

  it('loads a single run by id with one runs/get', async () => {
    const id = (await stack.query(`{ experiments(first: 1) { nodes { runs(first: 1) { nodes { id } } } } }`)).data
      .experiments.nodes[0].runs.nodes[0].id;
    stack.coldStart();
    expect((await stack.query(`{ run(id: "${id}") { id } }`)).data.run.id).toBe(id);
    expect(stack.emulator.calls()).toEqual({ 'GET /api/2.0/mlflow/runs/get': 1 });
  });
});

describe('metric histories on a backend without bulk-interval', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('falls back to one get-history per run, with the same answer', async () => {
    const query = `{ experiments(first: 1) { nodes { runs(first: 4) { nodes { id metricHistory(key: "loss") { step value } } } } } }`;
    stack.coldStart();
    const bulk = await stack.query(query);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/metrics/get-history-bulk-interval')).toBe(1);

    // Databricks and GitLab answer the bulk endpoint with "no such endpoint".
    stack.emulator.setFaults([
      {
        endpoint: 'GET /api/2.0/mlflow/metrics/get-history-bulk-interval',
        status: 404,
        errorCode: 'ENDPOINT_NOT_FOUND',
        message: 'no such endpoint',
      },
    ]);
    stack.coldStart();
    const perRun = await stack.query(query);
    expect(perRun).toEqual(bulk);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/metrics/get-history')).toBe(4);
    // Learned once: the next request does not try the bulk endpoint again.
    stack.coldStart();
    await stack.query(query);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/metrics/get-history-bulk-interval')).toBe(0);
    stack.emulator.clearFaults();
  });
});
