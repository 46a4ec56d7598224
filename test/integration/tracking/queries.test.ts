import { startStack, type Stack } from '../../helpers/startStack.js';

// Through the gateway (all subgraphs in-process) against the MLflow emulator with its demo seed.
describe('tracking through the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.emulator.resetCalls());

  it('answers the README dashboard query with demo data', async () => {
    const result = await stack.query(
      `{ experiments(first: 5) { nodes { id name runs(first: 5) { nodes { id status params { key value } metrics { key value } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const experiments = result.data.experiments.nodes;
    expect(experiments.length).toBeGreaterThan(1);
    const runs = experiments.flatMap((e: any) => e.runs.nodes);
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.some((r: any) => r.params.length > 0 && r.metrics.length > 0)).toBe(true);
    expect(['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'SCHEDULED']).toContain(runs[0].status);
  });

  it('returns null for a missing run, with no error', async () => {
    const result = await stack.query(
      `{ run(id: "00000000000000000000000000000000") { id } notARunId: run(id: "not-a-run-id") { id } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ run: null, notARunId: null });
  });

  it('returns null for a missing experiment by id or name', async () => {
    const result = await stack.query(
      `{ experiment(id: "987654321") { id } experimentByName(name: "no-such-experiment") { id } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ experiment: null, experimentByName: null });
  });

  it("maps a malformed runs filter to BAD_USER_INPUT with MLflow's message", async () => {
    const experiments = (await stack.query(`{ experiments(first: 1) { nodes { id } } }`)).data.experiments.nodes;
    const result = await stack.query(
      `query($ids: [ID!]!) { runs(experimentIds: $ids, filter: "metrics.loss >>> 2") { nodes { id } } }`,
      { ids: [experiments[0].id] },
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.mlflowErrorCode).toBe('INVALID_PARAMETER_VALUE');
    expect(result.errors?.[0]?.message).toContain("Invalid comparator '>>>'");
  });

  it("maps MLflow's 500 for a bad experiments filter to BAD_USER_INPUT, not an outage", async () => {
    const result = await stack.query(`{ experiments(filter: "name ~~ 'x'") { nodes { id } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain("Invalid comparator '~~'");
  });

  it('rejects a bad page size and a forged cursor as BAD_USER_INPUT without calling MLflow', async () => {
    const result = await stack.query(`{ a: experiments(first: 0) { nodes { id } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await stack.query(`{ experiments(first: 2, after: "bm90LWEtY3Vyc29y") { nodes { id } } }`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/experiments/search')).toBe(0);
  });

  it('pages through experiments and runs with Relay cursors, without overlap', async () => {
    const page1 = (await stack.query(`{ experiments(first: 2) { nodes { id } pageInfo { hasNextPage endCursor } } }`))
      .data.experiments;
    expect(page1.nodes).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (
      await stack.query(`query($after: String) { experiments(first: 2, after: $after) { nodes { id } } }`, {
        after: page1.pageInfo.endCursor,
      })
    ).data.experiments;
    const ids1 = page1.nodes.map((n: any) => n.id);
    expect(page2.nodes.length).toBeGreaterThan(0);
    for (const node of page2.nodes) expect(ids1).not.toContain(node.id);

    const experimentId = ids1[0];
    const runs1 = (
      await stack.query(
        `query($id: ID!) { experiment(id: $id) { runs(first: 3) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
        { id: experimentId },
      )
    ).data.experiment.runs;
    expect(runs1.edges).toHaveLength(3);
    expect(runs1.pageInfo.hasNextPage).toBe(true);
    const runs2 = (
      await stack.query(
        `query($id: ID!, $after: String) { experiment(id: $id) { runs(first: 3, after: $after) { nodes { id } } } }`,
        { id: experimentId, after: runs1.pageInfo.endCursor },
      )
    ).data.experiment.runs;
    const all = (
      await stack.query(`query($id: ID!) { experiment(id: $id) { runs(first: 6) { nodes { id } } } }`, {
        id: experimentId,
      })
    ).data.experiment.runs.nodes.map((n: any) => n.id);
    expect([...runs1.edges.map((e: any) => e.node.id), ...runs2.nodes.map((n: any) => n.id)]).toEqual(all);
    // A mid-page edge cursor resumes right after that edge.
    const fromSecond = (
      await stack.query(
        `query($id: ID!, $after: String) { experiment(id: $id) { runs(first: 2, after: $after) { nodes { id } } } }`,
        { id: experimentId, after: runs1.edges[1].cursor },
      )
    ).data.experiment.runs.nodes.map((n: any) => n.id);
    expect(fromSecond).toEqual(all.slice(2, 4));
  });

  it('serializes timestamps as ISO-8601', async () => {
    const result = await stack.query(
      `{ experiments(first: 1) { nodes { creationTime runs(first: 1) { nodes { startTime } } } } }`,
    );
    const experiment = result.data.experiments.nodes[0];
    expect(experiment.creationTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(experiment.runs.nodes[0].startTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});

describe('metricHistory sampling', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('returns at most maxPoints steps, first and last kept', async () => {
    const full = (
      await stack.query(
        `{ experiments(first: 1) { nodes { runs(first: 1) { nodes { id metricHistory(key: "loss") { step } } } } } }`,
      )
    ).data.experiments.nodes[0].runs.nodes[0];
    expect(full.metricHistory.length).toBeGreaterThan(60);
    const sampled = (
      await stack.query(`query($id: ID!) { run(id: $id) { metricHistory(key: "loss", maxPoints: 50) { step } } }`, {
        id: full.id,
      })
    ).data.run.metricHistory;
    const steps = sampled.map((m: { step: number }) => m.step);
    expect(new Set(steps).size).toBeLessThanOrEqual(50);
    expect(steps[0]).toBe(full.metricHistory[0].step);
    expect(steps.at(-1)).toBe(full.metricHistory.at(-1).step);
  });
});

describe('partial results', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('loses only the runs of experiments when runs/search fails, not the experiments', async () => {
    stack.coldStart();
    stack.emulator.setFaults([
      { endpoint: 'POST /api/2.0/mlflow/runs/search', status: 500, message: 'database is locked' },
    ]);
    const result = await stack.query(`{ experiments(first: 2) { nodes { name runs(first: 2) { nodes { id } } } } }`);
    stack.emulator.clearFaults();
    expect(result.data.experiments.nodes).toHaveLength(2);
    for (const experiment of result.data.experiments.nodes) {
      expect(typeof experiment.name).toBe('string');
      expect(experiment.runs).toBeNull();
    }
    expect(result.errors?.every((e) => e.extensions?.code === 'UPSTREAM_UNAVAILABLE')).toBe(true);
    expect(JSON.stringify(result.errors)).not.toContain('database is locked');
  });
});
