import { DATABRICKS_ADMIN } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asBearer } from '../../helpers/auth.js';

describe('tracking on the Databricks backend', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { databricks: true }, env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' } });
  });
  afterAll(() => stack.close());
  const admin = asBearer(DATABRICKS_ADMIN.token);

  it('refuses a runs search over more than 10 experiments before calling Databricks', async () => {
    stack.emulator.resetCalls();
    const ids = Array.from({ length: 11 }, (_, i) => String(i));
    const result = await stack.query(
      `query($e: [ID!]!) { runs(experimentIds: $e) { nodes { id } } }`,
      { e: ids },
      admin,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/at most 10 experiments/);
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/runs/search')).toBe(0);
  });

  it('serves a dashboard to a Databricks token, with Databricks ACLs deciding', async () => {
    const result = await stack.query(
      `{ viewer { permissionBackend } experiments(first: 3) { nodes { name runs(first: 2) { nodes { id metricHistory(key: "loss") { step } } } } } }`,
      {},
      admin,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer.permissionBackend).toBe('databricks');
    expect(result.data.experiments.nodes.length).toBe(3);
  });
});
