import { ALICE } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asUser } from '../../helpers/auth.js';

// A read-only credential (like GitLab's read_api) may query but never write: refused before any upstream call.
describe('read-only credentials', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { auth: true }, env: { MLFLOW_SUPERGRAPH_READ_ONLY_PRINCIPALS: 'alice' } });
  });
  afterAll(() => stack.close());
  const alice = asUser(ALICE);

  it('reads normally and reports the read scope only', async () => {
    const result = await stack.query(
      `{ viewer { username scopes } experiments(first: 2) { nodes { name } } }`,
      {},
      alice,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer).toEqual({ username: 'alice', scopes: ['read'] });
    expect(result.data.experiments.nodes).toHaveLength(2);
  });

  it('refuses every kind of mutation before anything is sent upstream', async () => {
    const experiment = (
      await stack.query(
        `{ experimentByName(name: "fraud-detection") { id runs(first: 1) { nodes { id } } } }`,
        {},
        alice,
      )
    ).data.experimentByName;
    stack.emulator.resetCalls();
    const mutations = [
      `mutation { createExperiment(input: { name: "ro-test" }) { id } }`,
      `mutation { setExperimentTag(experimentId: "${experiment.id}", tag: { key: "a", value: "b" }) { id } }`,
      `mutation { logParam(runId: "${experiment.runs.nodes[0].id}", param: { key: "a", value: "b" }) { id } }`,
      `mutation { setRegisteredModelAlias(name: "fraud-detector", alias: "x", version: "1") { name } }`,
      `mutation { setExperimentPermission(experimentId: "${experiment.id}", grantee: { name: "bob" }, level: CAN_READ) { objectId } }`,
    ];
    for (const mutation of mutations) {
      const result = await stack.query(mutation, {}, alice);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.message).toMatch(/read-only/);
    }
    expect(stack.emulator.totalCalls()).toBe(0);
  });
});
