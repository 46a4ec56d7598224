import { startStack, type Stack } from '../../helpers/startStack.js';

describe('tracking writes through the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'empty' } });
  });
  afterAll(() => stack.close());

  async function createRun(): Promise<{ experimentId: string; runId: string }> {
    const name = `exp-${Math.random().toString(36).slice(2)}`;
    const experiment = await stack.query(
      `mutation($name: String!) { createExperiment(input: { name: $name, tags: [{ key: "team", value: "ml" }] }) { id name tags { key value } } }`,
      { name },
    );
    expect(experiment.errors).toBeUndefined();
    expect(experiment.data.createExperiment.name).toBe(name);
    const experimentId = experiment.data.createExperiment.id;
    const run = await stack.query(
      `mutation($id: ID!) { createRun(input: { experimentId: $id, name: "r1", startTime: "2024-01-01T00:00:00.000Z" }) { id name status startTime experimentId } }`,
      { id: experimentId },
    );
    expect(run.errors).toBeUndefined();
    expect(run.data.createRun).toMatchObject({
      name: 'r1',
      status: 'RUNNING',
      startTime: '2024-01-01T00:00:00.000Z',
      experimentId,
    });
    return { experimentId, runId: run.data.createRun.id };
  }

  it('reads its own writes in the next request', async () => {
    const { runId } = await createRun();
    const logged = await stack.query(
      `mutation($id: ID!) { logBatch(runId: $id, metrics: [{ key: "loss", value: 0.5, step: 1 }, { key: "loss", value: 0.25, step: 2 }], params: [{ key: "lr", value: "0.01" }], tags: [{ key: "phase", value: "train" }]) { id } }`,
      { id: runId },
    );
    expect(logged.errors).toBeUndefined();
    const read = await stack.query(
      `query($id: ID!) { run(id: $id) { params { key value } metric(key: "loss") { value step } tag(key: "phase") metricHistory(key: "loss") { step value } } }`,
      { id: runId },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data.run.params).toEqual([{ key: 'lr', value: '0.01' }]);
    expect(read.data.run.metric).toEqual({ value: 0.25, step: 2 });
    expect(read.data.run.tag).toBe('train');
    expect(read.data.run.metricHistory).toEqual([
      { step: 1, value: 0.5 },
      { step: 2, value: 0.25 },
    ]);
  });

  it("ends a run marked FINISHED without an endTime now, as MLflow's client does", async () => {
    const { runId } = await createRun();
    const before = Date.now();
    const ended = await stack.query(
      `mutation($id: ID!) { updateRun(id: $id, input: { status: FINISHED }) { status endTime } }`,
      { id: runId },
    );
    expect(ended.errors).toBeUndefined();
    expect(ended.data.updateRun.status).toBe('FINISHED');
    expect(Date.parse(ended.data.updateRun.endTime)).toBeGreaterThanOrEqual(before);
    // A given endTime is kept.
    const explicit = await stack.query(
      `mutation($id: ID!) { updateRun(id: $id, input: { status: KILLED, endTime: "2024-01-02T00:00:00.000Z" }) { endTime } }`,
      { id: runId },
    );
    expect(explicit.data.updateRun.endTime).toBe('2024-01-02T00:00:00.000Z');
  });

  it('round-trips NaN and ±Infinity explicitly, never as null', async () => {
    const { runId } = await createRun();
    const result = await stack.query(
      `mutation($id: ID!) { logBatch(runId: $id, metrics: [{ key: "weird", value: "NaN", step: 0 }, { key: "weird", value: "Infinity", step: 1 }, { key: "weird", value: "-Infinity", step: 2 }]) { metricHistory(key: "weird") { step value } } }`,
      { id: runId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.logBatch.metricHistory).toEqual([
      { step: 0, value: 'NaN' },
      { step: 1, value: 'Infinity' },
      { step: 2, value: '-Infinity' },
    ]);
  });

  it('refuses to change a param (MLflow params are write-once) with BAD_USER_INPUT', async () => {
    const { runId } = await createRun();
    await stack.query(`mutation($id: ID!) { logParam(runId: $id, param: { key: "k", value: "1" }) { id } }`, {
      id: runId,
    });
    const again = await stack.query(
      `mutation($id: ID!) { logParam(runId: $id, param: { key: "k", value: "2" }) { id } }`,
      { id: runId },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.extensions?.mlflowErrorCode).toBe('INVALID_PARAMETER_VALUE');
  });

  it('maps a duplicate experiment name to CONFLICT', async () => {
    const name = `dup-${Math.random().toString(36).slice(2)}`;
    await stack.query(`mutation($name: String!) { createExperiment(input: { name: $name }) { id } }`, { name });
    const again = await stack.query(`mutation($name: String!) { createExperiment(input: { name: $name }) { id } }`, {
      name,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(again.errors?.[0]?.extensions?.mlflowErrorCode).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('deletes and restores runs and experiments, and updates a run', async () => {
    const { experimentId, runId } = await createRun();
    const updated = await stack.query(
      `mutation($id: ID!) { updateRun(id: $id, input: { status: FINISHED, endTime: 1704067200000, name: "renamed" }) { status endTime name } }`,
      { id: runId },
    );
    expect(updated.data.updateRun).toEqual({
      status: 'FINISHED',
      endTime: '2024-01-01T00:00:00.000Z',
      name: 'renamed',
    });
    expect(
      (await stack.query(`mutation($id: ID!) { deleteRun(id: $id) { lifecycleStage } }`, { id: runId })).data.deleteRun
        .lifecycleStage,
    ).toBe('DELETED');
    expect(
      (await stack.query(`mutation($id: ID!) { restoreRun(id: $id) { lifecycleStage } }`, { id: runId })).data
        .restoreRun.lifecycleStage,
    ).toBe('ACTIVE');
    expect(
      (await stack.query(`mutation($id: ID!) { deleteExperiment(id: $id) { lifecycleStage } }`, { id: experimentId }))
        .data.deleteExperiment.lifecycleStage,
    ).toBe('DELETED');
    const deleted = await stack.query(`{ experiments(viewType: DELETED_ONLY) { nodes { id } } }`);
    expect(deleted.data.experiments.nodes.map((n: any) => n.id)).toContain(experimentId);
    expect(
      (await stack.query(`mutation($id: ID!) { restoreExperiment(id: $id) { lifecycleStage } }`, { id: experimentId }))
        .data.restoreExperiment.lifecycleStage,
    ).toBe('ACTIVE');
  });

  it('sends each write exactly once', async () => {
    const { runId } = await createRun();
    stack.emulator.resetCalls();
    await stack.query(`mutation($id: ID!) { setRunTag(runId: $id, tag: { key: "a", value: "b" }) { tag(key: "a") } }`, {
      id: runId,
    });
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/runs/set-tag')).toBe(1);
  });
});
