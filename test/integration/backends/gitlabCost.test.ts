// What GitLab's API shape costs, counted at the emulator: versions come with their model, so a model's versions
// cost no call and the versions of many runs one registered-models search; runs are searched one experiment at
// a time and histories fetched per run (GitLab has neither multi-experiment searches nor bulk histories).
import { GITLAB_MAINTAINER } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asBearer } from '../../helpers/auth.js';

let stack: Stack;
const maintainer = asBearer(GITLAB_MAINTAINER.token);
beforeAll(async () => {
  stack = await startStack({ emulator: { seed: 'demo', gitlab: true } });
  await stack.query(`{ viewer { scopes } }`, {}, maintainer); // the caller's token and role, cached from here on
});
afterAll(() => stack.close());

const mlflowCalls = () =>
  Object.entries(stack.emulator.calls()).filter(([endpoint]) => endpoint.includes('/api/2.0/mlflow/'));
const count = (endpoint: string) => stack.emulator.callCount(endpoint);

describe('GitLab upstream cost', () => {
  it('the versions of 20 runs: one registered-models search', async () => {
    const runs = await stack.query(
      `{ experimentByName(name: "fraud-detection") { runs(first: 20) { nodes { id } } } }`,
      {},
      maintainer,
    );
    const ids: string[] = runs.data.experimentByName.runs.nodes.map((r: { id: string }) => r.id);
    expect(ids).toHaveLength(20);
    stack.coldStart();
    const result = await stack.query(
      `{ a: run(id: "${ids[0]}") { modelVersions { version } } ${ids
        .slice(1)
        .map((id, i) => `r${i}: run(id: "${id}") { modelVersions { version } }`)
        .join(' ')} }`,
      {},
      maintainer,
    );
    expect(result.errors).toBeUndefined();
    expect(count('GET /api/2.0/mlflow/registered-models/search')).toBe(1);
    expect(count('GET /api/2.0/mlflow/runs/get')).toBe(20);
  });

  it('a model with its versions and their runs: no version search, one runs/get per version', async () => {
    stack.coldStart();
    const result = await stack.query(
      `{ registeredModel(name: "fraud-detector") { versions(first: 10) { nodes { version run { id status } } } } }`,
      {},
      maintainer,
    );
    expect(result.errors).toBeUndefined();
    const versions = result.data.registeredModel.versions.nodes;
    expect(versions.length).toBeGreaterThan(1);
    expect(count('GET /api/2.0/mlflow/registered-models/get')).toBe(1);
    expect(count('GET /api/2.0/mlflow/runs/get')).toBe(versions.length);
    expect(mlflowCalls().reduce((sum, [, n]) => sum + n, 0)).toBe(1 + versions.length);
  });

  it('a dashboard of 5 experiments × 5 runs with a loss curve: one search per experiment, one history per run', async () => {
    stack.coldStart();
    const result = await stack.query(
      `{ experiments(first: 5) { nodes { name runs(first: 5) { nodes { id metricHistory(key: "loss") { step } } } } } }`,
      {},
      maintainer,
    );
    expect(result.errors).toBeUndefined();
    const experiments = result.data.experiments.nodes;
    const runs = experiments.flatMap((e: { runs: { nodes: unknown[] } }) => e.runs.nodes).length;
    expect(count('GET /api/2.0/mlflow/experiments/list')).toBe(1);
    expect(count('POST /api/2.0/mlflow/runs/search')).toBe(experiments.length);
    expect(count('GET /api/2.0/mlflow/metrics/get-history')).toBeGreaterThanOrEqual(runs);
    expect(count('GET /api/2.0/mlflow/metrics/get-history-bulk-interval')).toBe(0);
    console.log(
      `GitLab dashboard: ${experiments.length} experiments, ${runs} runs → ${JSON.stringify(Object.fromEntries(mlflowCalls()))}`,
    );
  });
});
