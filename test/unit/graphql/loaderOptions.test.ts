import { loadConfig } from '../../../src/config.js';
import { loaderOptions } from '../../../src/graphql/loaderOptions.js';
import { startStack, type Stack } from '../../helpers/startStack.js';

// MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS exists only for the benchmark's naive variant: it must really turn
// batching, the per-request memo and the shared cache off, or the benchmark's comparison means nothing.
const withConfig = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

describe('loaderOptions', () => {
  it('leaves DataLoader batching and memoizing on by default', () => {
    expect(loaderOptions(withConfig({}))).toEqual({});
  });

  it('gives every loader batches of one and no memo under MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS=true', () => {
    expect(loaderOptions(withConfig({ MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS: 'true' }))).toEqual({
      maxBatchSize: 1,
      cache: false,
    });
  });
});

describe('the naive switch against the emulator', () => {
  const query = `{ experiments(first: 3) { nodes { runs(first: 5) { nodes { id experiment { name } modelVersions { name version } } } } } }`;
  let batched: Stack;
  let naive: Stack;
  beforeAll(async () => {
    batched = await startStack();
    naive = await startStack({ sharedEmulator: batched.emulator, env: { MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS: 'true' } });
  });
  afterAll(async () => {
    await naive.close();
    await batched.close();
  });

  async function cost(stack: Stack): Promise<{ total: number; calls: Record<string, number>; data: unknown }> {
    stack.emulator.resetCalls();
    const result = await stack.query(query);
    expect(result.errors).toBeUndefined();
    return { total: stack.emulator.totalCalls(), calls: stack.emulator.calls(), data: result.data };
  }

  it('costs one upstream call per object instead of one per level, for the same answer', async () => {
    batched.coldStart();
    const cold = await cost(batched);
    const first = await cost(naive);
    expect(first.data).toEqual(cold.data);
    const runs = (first.data as any).experiments.nodes.flatMap((e: any) => e.runs.nodes).length;
    expect(runs).toBe(15);
    // Batched: one model-versions search for all 15 runs. Naive: one per run.
    expect(cold.calls['GET /api/2.0/mlflow/model-versions/search']).toBe(1);
    expect(first.calls['GET /api/2.0/mlflow/model-versions/search']).toBe(runs);
    expect(first.total).toBeGreaterThan(cold.total + runs - 1);
  });

  it('shares nothing between requests: the second naive request costs as much as the first', async () => {
    const first = await cost(naive);
    const second = await cost(naive);
    expect(second.total).toBe(first.total);
    const warm = await cost(batched);
    expect(warm.total).toBeLessThan(second.total);
  });
});
