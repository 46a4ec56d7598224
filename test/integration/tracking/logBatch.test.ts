// logBatch over MLflow's per-call limits: split as MLflow's client splits it, sent one call after another, never
// retried; when a call fails the error says which calls landed and nothing after it is sent.
import { startStack, type Stack } from '../../helpers/startStack.js';

const LOG_BATCH = 'POST /api/2.0/mlflow/runs/log-batch';

describe('logBatch beyond one call', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'empty' } });
  });
  afterAll(() => stack.close());

  async function createRun(): Promise<string> {
    const experiment = await stack.query(`mutation($n: String!) { createExperiment(input: { name: $n }) { id } }`, {
      n: `batch-${Math.random().toString(36).slice(2)}`,
    });
    const run = await stack.query(`mutation($id: ID!) { createRun(input: { experimentId: $id }) { id } }`, {
      id: experiment.data.createExperiment.id,
    });
    return run.data.createRun.id;
  }

  const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `m${i}`, value: i, step: 0 }));
  const params = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `p${i}`, value: String(i) }));
  const LOG = `mutation($id: ID!, $metrics: [MetricInput!], $params: [ParamInput!], $tags: [TagInput!]) {
    logBatch(runId: $id, metrics: $metrics, params: $params, tags: $tags) { metrics { key } params { key } tags { key } }
  }`;

  it('logs 2500 metrics, 250 params and 30 tags in the three calls MLflow’s client would make', async () => {
    const id = await createRun();
    stack.emulator.resetCalls();
    const tags = Array.from({ length: 30 }, (_, i) => ({ key: `t${i}`, value: 'v' }));
    const result = await stack.query(LOG, { id, metrics: metrics(2500), params: params(250), tags });
    expect(result.errors).toBeUndefined();
    expect(stack.emulator.callCount(LOG_BATCH)).toBe(3);
    expect(result.data.logBatch.metrics).toHaveLength(2500);
    expect(result.data.logBatch.params).toHaveLength(250);
    expect(result.data.logBatch.tags.filter((t: { key: string }) => t.key.startsWith('t'))).toHaveLength(30);
  });

  it('stops at the failed call, says which calls landed, sends nothing after it and retries nothing', async () => {
    const id = await createRun();
    // The second call re-logs p5 with another value: MLflow refuses that call (params are write-once).
    const changed = params(150).map((p, i) => (i === 120 ? { key: 'p5', value: 'other' } : p));
    stack.emulator.resetCalls();
    const result = await stack.query(LOG, { id, metrics: metrics(2500), params: changed });
    expect(stack.emulator.callCount(LOG_BATCH)).toBe(2);
    const error = result.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', landedCalls: 1, totalCalls: 3 });
    expect(error?.message).toMatch(
      /\(logBatch of run \w+: call 2 of 3 failed; calls 1 to 1 of 3 had landed \(900 metrics, 100 params, 0 tags\); nothing after it was sent\)$/,
    );
    // What landed is what the next read shows.
    const read = await stack.query(`query($id: ID!) { run(id: $id) { metrics { key } params { key } } }`, { id });
    expect(read.data.run.metrics).toHaveLength(900);
    expect(read.data.run.params).toHaveLength(100);
  });
});
