// MLflow 3 lineage on the emulator in 3.11.1 mode: experiment → runs → logged models → registered versions → the
// version's run, in one query whose upstream cost does not grow with the number of runs, models and versions.
import { startStack, type Stack } from '../../helpers/startStack.js';

const LINEAGE = `query Lineage($experimentId: ID!) {
  experiment(id: $experimentId) {
    name
    runs(first: 50) {
      nodes {
        id
        loggedModels {
          id name status modelType
          metrics { key value datasetName }
          registeredVersions { name version source run { id name } loggedModel { id } }
        }
      }
    }
  }
}`;

/** Creates an experiment with `size` runs, each having logged a model registered as a version of one model. */
async function seedLineage(
  stack: Stack,
  size: number,
): Promise<{ experimentId: string; runIds: string[]; modelName: string }> {
  const tag = `${size}-${Math.random().toString(36).slice(2, 8)}`;
  const experiment = await stack.query(`mutation($n: String!) { createExperiment(input: { name: $n }) { id } }`, {
    n: `lineage-${tag}`,
  });
  const experimentId: string = experiment.data.createExperiment.id;
  const registered = await stack.query(
    `mutation($n: String!) { createRegisteredModel(input: { name: $n }) { name } }`,
    {
      n: `lineage-model-${tag}`,
    },
  );
  expect(registered.errors).toBeUndefined();
  const runIds: string[] = [];
  for (let i = 0; i < size; i += 1) {
    const run = await stack.query(
      `mutation($e: ID!, $n: String!) { createRun(input: { experimentId: $e, name: $n }) { id } }`,
      { e: experimentId, n: `train-${i}` },
    );
    const runId: string = run.data.createRun.id;
    runIds.push(runId);
    const created = await stack.query(
      `mutation($e: ID!, $r: ID!, $n: String!) {
        createLoggedModel(input: { experimentId: $e, sourceRunId: $r, name: $n, modelType: "Classifier", params: [{ key: "depth", value: "4" }] }) { id status }
      }`,
      { e: experimentId, r: runId, n: `clf-${i}` },
    );
    expect(created.errors).toBeUndefined();
    const modelId: string = created.data.createLoggedModel.id;
    const logged = await stack.query(
      `mutation($r: ID!, $m: ID!) { logMetric(runId: $r, metric: { key: "accuracy", value: 0.9, modelId: $m, datasetName: "eval", datasetDigest: "d1" }) { id } }`,
      { r: runId, m: modelId },
    );
    expect(logged.errors).toBeUndefined();
    const final = await stack.query(`mutation($m: ID!) { finalizeLoggedModel(id: $m, status: READY) { status } }`, {
      m: modelId,
    });
    expect(final.data.finalizeLoggedModel.status).toBe('READY');
    const version = await stack.query(
      `mutation($n: String!, $s: String!) { createModelVersion(input: { name: $n, source: $s }) { version runId } }`,
      { n: `lineage-model-${tag}`, s: `models:/${modelId}` },
    );
    expect(version.errors).toBeUndefined();
    // MLflow 3 copies the model's source run onto the version.
    expect(version.data.createModelVersion.runId).toBe(runId);
  }
  return { experimentId, runIds, modelName: `lineage-model-${tag}` };
}

/** From the registry side: a page of versions, each with the logged model it was registered from. */
const VERSIONS = `query Versions($name: String!) {
  registeredModel(name: $name) {
    versions(first: 50) { nodes { version loggedModel { id name sourceRun { id } } } }
  }
}`;

describe('MLflow 3 lineage: experiment → runs → logged models → registered versions → run', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'empty', mlflowVersion: '3.11.1' } });
  });
  afterAll(() => stack.close());

  async function lineageCost(size: number) {
    const { experimentId, runIds, modelName } = await seedLineage(stack, size);
    stack.coldStart();
    const result = await stack.query(LINEAGE, { experimentId });
    expect(result.errors).toBeUndefined();
    const lineage = { calls: stack.emulator.calls(), total: stack.emulator.totalCalls() };
    stack.coldStart();
    const versions = await stack.query(VERSIONS, { name: modelName });
    expect(versions.errors).toBeUndefined();
    return {
      result,
      ...lineage,
      runIds,
      versions: versions.data.registeredModel.versions.nodes,
      versionCalls: stack.emulator.calls(),
    };
  }

  it('answers the whole lineage, each version linked back to its run and its logged model', async () => {
    const { result, runIds } = await lineageCost(3);
    const runs = result.data.experiment.runs.nodes;
    expect(runs.map((r: { id: string }) => r.id).sort()).toEqual([...runIds].sort());
    for (const run of runs) {
      expect(run.loggedModels).toHaveLength(1);
      const [model] = run.loggedModels;
      expect(model).toMatchObject({ status: 'READY', modelType: 'Classifier' });
      expect(model.metrics).toEqual([{ key: 'accuracy', value: 0.9, datasetName: 'eval' }]);
      expect(model.registeredVersions).toHaveLength(1);
      const [version] = model.registeredVersions;
      expect(version.source).toBe(`models:/${model.id}`);
      expect(version.run.id).toBe(run.id);
      expect(version.loggedModel.id).toBe(model.id);
    }
  });

  it('costs the same number of upstream calls for 2 runs as for 8', async () => {
    const small = await lineageCost(2);
    const large = await lineageCost(8);
    expect(large.result.data.experiment.runs.nodes).toHaveLength(8);
    console.log(`lineage query: ${small.total} upstream calls for 2 runs, ${large.total} for 8`, large.calls);
    expect(large.calls).toEqual(small.calls);
  });

  it('finds a page of versions’ logged models at the same cost for 2 versions as for 8', async () => {
    const small = await lineageCost(2);
    const large = await lineageCost(8);
    expect(large.versions).toHaveLength(8);
    for (const version of large.versions) expect(version.loggedModel.id).toMatch(/^m-/);
    console.log(`versions → logged models: ${JSON.stringify(large.versionCalls)}`);
    expect(large.versionCalls).toEqual(small.versionCalls);
  });
});
