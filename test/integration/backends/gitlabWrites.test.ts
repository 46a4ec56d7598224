// Writes against GitLab's MLflow-compatible API: a role GitLab refuses is FORBIDDEN with the reason (GitLab's
// own answer is a 401), deletes (GitLab's are for good) answer the deleted object, a rename GitLab cannot apply
// is refused before the call, and ending a run without an end time sets it to now.
import { GITLAB_MAINTAINER, GITLAB_REPORTER } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asBearer } from '../../helpers/auth.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ emulator: { seed: 'demo', gitlab: true } });
});
afterAll(() => stack.close());

const maintainer = asBearer(GITLAB_MAINTAINER.token);
const writes = () =>
  Object.entries(stack.emulator.calls()).filter(
    ([endpoint, count]) => count > 0 && /^POST |^PATCH |^DELETE /.test(endpoint) && !/search/.test(endpoint),
  );

async function ok(query: string, variables?: Record<string, unknown>): Promise<any> {
  const result = await stack.query(query, variables, maintainer);
  expect(result.errors).toBeUndefined();
  return result.data;
}

async function newRun(): Promise<{ experimentId: string; runId: string }> {
  const name = `gl-${Math.random().toString(36).slice(2)}`;
  const experimentId = (
    await ok(`mutation($name: String!) { createExperiment(input: { name: $name }) { id } }`, { name })
  ).createExperiment.id;
  const runId = (
    await ok(`mutation($id: ID!) { createRun(input: { experimentId: $id }) { id } }`, { id: experimentId })
  ).createRun.id;
  return { experimentId, runId };
}

describe('a Reporter', () => {
  it.each([
    ['createExperiment', `mutation { createExperiment(input: { name: "reporter-exp" }) { id } }`],
    ['createRegisteredModel', `mutation { createRegisteredModel(input: { name: "reporter-model" }) { name } }`],
  ])('is refused %s as FORBIDDEN with the reason, before any write', async (field, query) => {
    stack.emulator.resetCalls();
    const result = await stack.query(query, {}, asBearer(GITLAB_REPORTER.token));
    expect(result.errors?.[0]).toMatchObject({ path: [field], extensions: { code: 'FORBIDDEN' } });
    expect(result.errors?.[0]?.message).toMatch(/Developer/);
    expect(writes()).toEqual([]);
  });
});

describe('deletes', () => {
  it('deleteRun answers the deleted run, not NOT_FOUND', async () => {
    const { runId } = await newRun();
    const result = await stack.query(
      `mutation($id: ID!) { deleteRun(id: $id) { id lifecycleStage } }`,
      { id: runId },
      maintainer,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.deleteRun).toEqual({ id: runId, lifecycleStage: 'DELETED' });
    const after = await stack.query(`query($id: ID!) { run(id: $id) { id } }`, { id: runId }, maintainer);
    expect(after.data.run).toBeNull();
  });

  it('deleteExperiment answers the deleted experiment, not NOT_FOUND', async () => {
    const { experimentId } = await newRun();
    const result = await stack.query(
      `mutation($id: ID!) { deleteExperiment(id: $id) { id lifecycleStage } }`,
      { id: experimentId },
      maintainer,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.deleteExperiment).toEqual({ id: experimentId, lifecycleStage: 'DELETED' });
  });

  it('deleteRegisteredModel answers the deleted name', async () => {
    await ok(`mutation { createRegisteredModel(input: { name: "gl-delete-me" }) { name } }`);
    expect(await ok(`mutation { deleteRegisteredModel(name: "gl-delete-me") { name } }`)).toEqual({
      deleteRegisteredModel: { name: 'gl-delete-me' },
    });
  });
});

describe('updateRun', () => {
  it('a rename GitLab cannot apply is UNSUPPORTED_BY_BACKEND, with no runs/update call', async () => {
    stack.emulator.resetCalls();
    const { runId } = await newRun();
    // The counters see writes (GitLab's count under MLflow's paths).
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/runs/create')).toBe(1);
    expect(writes().length).toBeGreaterThan(0);
    stack.emulator.resetCalls();
    const result = await stack.query(
      `mutation($id: ID!) { updateRun(id: $id, input: { name: "renamed" }) { name } }`,
      { id: runId },
      maintainer,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/runs/update')).toBe(0);
    expect(writes()).toEqual([]);
  });

  it('FINISHED without endTime ends the run now', async () => {
    const { runId } = await newRun();
    const before = Date.now();
    const result = await stack.query(
      `mutation($id: ID!) { updateRun(id: $id, input: { status: FINISHED }) { status endTime } }`,
      { id: runId },
      maintainer,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.updateRun.status).toBe('FINISHED');
    expect(Date.parse(result.data.updateRun.endTime)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  });
});
