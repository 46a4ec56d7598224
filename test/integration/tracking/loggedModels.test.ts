// Logged models (MLflow 3) through the gateway on the emulator in 3.11.1 mode: reads, pages, writes that read
// back, and the inputs MLflow would accept silently refused before any call.
import { DEMO_LOGGED_MODELS } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { writeCallCount } from '../../helpers/upstreamCalls.js';

describe('logged models', () => {
  let stack: Stack;
  let experimentId: string;
  let runId: string;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'empty', mlflowVersion: '3.11.1' } });
    const experiment = await stack.query(`mutation { createExperiment(input: { name: "agents" }) { id } }`);
    experimentId = experiment.data.createExperiment.id;
    const run = await stack.query(
      `mutation($e: ID!) { createRun(input: { experimentId: $e, name: "train" }) { id } }`,
      {
        e: experimentId,
      },
    );
    runId = run.data.createRun.id;
  });
  afterAll(() => stack.close());

  async function createModel(name: string, extra = ''): Promise<string> {
    const created = await stack.query(
      `mutation($e: ID!, $n: String!) { createLoggedModel(input: { experimentId: $e, name: $n ${extra} }) { id } }`,
      { e: experimentId, n: name },
    );
    expect(created.errors).toBeUndefined();
    return created.data.createLoggedModel.id;
  }

  it('creates a model as the output of its source run, and reads it back with every field', async () => {
    const result = await stack.query(
      `mutation($e: ID!, $r: ID!) {
        createLoggedModel(input: { experimentId: $e, sourceRunId: $r, name: "agent-a", modelType: "Agent", step: 3,
          params: [{ key: "temperature", value: "0.2" }], tags: [{ key: "stage", value: "dev" }] }) {
          id name modelUri status modelType sourceRunId sourceRun { id name } experiment { id name }
          artifactLocation creationTime params { key value } tag(key: "stage")
        }
      }`,
      { e: experimentId, r: runId },
    );
    expect(result.errors).toBeUndefined();
    const model = result.data.createLoggedModel;
    expect(model).toMatchObject({
      name: 'agent-a',
      modelUri: `models:/${model.id}`,
      status: 'PENDING',
      modelType: 'Agent',
      sourceRunId: runId,
      sourceRun: { id: runId, name: 'train' },
      experiment: { id: experimentId, name: 'agents' },
      params: [{ key: 'temperature', value: '0.2' }],
      tag: 'dev',
    });
    expect(model.id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.artifactLocation).toContain(`/models/${model.id}/artifacts`);
    const run = await stack.query(`query($r: ID!) { run(id: $r) { loggedModels { id } } }`, { r: runId });
    expect(run.data.run.loggedModels.map((m: { id: string }) => m.id)).toContain(model.id);
  });

  it('finalizes, tags, logs params and deletes, each answer showing the write', async () => {
    const id = await createModel('agent-b');
    const final = await stack.query(
      `mutation($m: ID!) { finalizeLoggedModel(id: $m, status: UPLOAD_FAILED) { status } }`,
      {
        m: id,
      },
    );
    expect(final.data.finalizeLoggedModel.status).toBe('UPLOAD_FAILED');
    const tagged = await stack.query(
      `mutation($m: ID!) { setLoggedModelTags(id: $m, tags: [{ key: "a", value: "1" }, { key: "b", value: "2" }]) { tags { key value } } }`,
      { m: id },
    );
    expect(tagged.data.setLoggedModelTags.tags).toEqual(
      expect.arrayContaining([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ]),
    );
    const untagged = await stack.query(
      `mutation($m: ID!) { deleteLoggedModelTag(id: $m, key: "a") { tag(key: "a") } }`,
      {
        m: id,
      },
    );
    expect(untagged.data.deleteLoggedModelTag.tag).toBeNull();
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
    stack.emulator.resetCalls();
    const logged = await stack.query(
      `mutation($m: ID!, $p: [ParamInput!]!) { logLoggedModelParams(id: $m, params: $p) { params { key } } }`,
      { m: id, p: params },
    );
    expect(logged.data.logLoggedModelParams.params).toHaveLength(150);
    expect(stack.emulator.callCount(`POST /api/2.0/mlflow/logged-models/${id}/params`)).toBe(2);
    const deleted = await stack.query(`mutation($m: ID!) { deleteLoggedModel(id: $m) { id name } }`, { m: id });
    expect(deleted.data.deleteLoggedModel).toEqual({ id, name: 'agent-b' });
    const gone = await stack.query(`query($m: ID!) { loggedModel(id: $m) { id } }`, { m: id });
    expect(gone.errors).toBeUndefined();
    expect(gone.data.loggedModel).toBeNull();
  });

  it('refuses a status other than READY or UPLOAD_FAILED before any call (MLflow would store UNSPECIFIED, 200)', async () => {
    const id = await createModel('agent-c');
    stack.emulator.resetCalls();
    for (const status of ['UNSPECIFIED', 'PENDING', 'BOGUS']) {
      const inline = await stack.query(
        `mutation($m: ID!) { finalizeLoggedModel(id: $m, status: ${status}) { status } }`,
        {
          m: id,
        },
      );
      expect(inline.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const variable = await stack.query(
        `mutation($m: ID!, $s: LoggedModelFinalStatus!) { finalizeLoggedModel(id: $m, status: $s) { status } }`,
        { m: id, s: status },
      );
      expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(stack.emulator.totalCalls()).toBe(0);
  });

  it('logs a metric for a model on a dataset, shown on the model and filtered by dataset', async () => {
    const id = await createModel('agent-d');
    const logged = await stack.query(
      `mutation($r: ID!, $m: ID!) {
        logBatch(runId: $r, metrics: [
          { key: "accuracy", value: 0.8, step: 1, modelId: $m, datasetName: "eval", datasetDigest: "d1" },
          { key: "accuracy", value: 0.7, step: 1, modelId: $m, datasetName: "test", datasetDigest: "d2" }
        ]) { id }
      }`,
      { r: runId, m: id },
    );
    expect(logged.errors).toBeUndefined();
    const read = await stack.query(
      `query($m: ID!) { loggedModel(id: $m) { all: metrics { key value datasetName datasetDigest runId step } eval: metrics(datasetName: "eval") { value } } }`,
      { m: id },
    );
    expect(read.data.loggedModel.all).toEqual(
      expect.arrayContaining([
        { key: 'accuracy', value: 0.8, datasetName: 'eval', datasetDigest: 'd1', runId, step: 1 },
        { key: 'accuracy', value: 0.7, datasetName: 'test', datasetDigest: 'd2', runId, step: 1 },
      ]),
    );
    expect(read.data.loggedModel.eval).toEqual([{ value: 0.8 }]);
  });

  it('pages through a search with opaque cursors, one search call per page', async () => {
    const other = await stack.query(`mutation { createExperiment(input: { name: "paged" }) { id } }`);
    const e = other.data.createExperiment.id;
    for (let i = 0; i < 5; i += 1)
      await stack.query(
        `mutation($e: ID!, $n: String!) { createLoggedModel(input: { experimentId: $e, name: $n }) { id } }`,
        {
          e,
          n: `paged-${i}`,
        },
      );
    const seen: string[] = [];
    let after: string | null = null;
    stack.coldStart();
    for (let page = 0; page < 3; page += 1) {
      const result: any = await stack.query(
        `query($e: ID!, $after: String) {
          loggedModels(experimentIds: [$e], orderBy: [{ field: "name" }], first: 2, after: $after) {
            nodes { name } pageInfo { hasNextPage endCursor }
          }
        }`,
        { e, after },
      );
      expect(result.errors).toBeUndefined();
      seen.push(...result.data.loggedModels.nodes.map((n: { name: string }) => n.name));
      after = result.data.loggedModels.pageInfo.endCursor;
      expect(after === null || !after.includes('offset')).toBe(true);
      if (!result.data.loggedModels.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual(['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4']);
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/logged-models/search')).toBe(3);
    expect(writeCallCount(stack.emulator)).toBe(0);
  });

  it('filters a search with MLflow’s grammar and restricts metrics to datasets', async () => {
    const result = await stack.query(
      `query($e: ID!) { byName: loggedModels(experimentIds: [$e], filter: "name = 'agent-a'") { nodes { name } }
        onEval: loggedModels(experimentIds: [$e], filter: "metrics.accuracy > 0.75", datasets: [{ name: "eval" }]) { nodes { name } } }`,
      { e: experimentId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.byName.nodes).toEqual([{ name: 'agent-a' }]);
    expect(result.data.onEval.nodes).toEqual([{ name: 'agent-d' }]);
  });
});

describe('logged models a run used (inputs), on the mlflow3 demo', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', mlflowVersion: '3.11.1' } });
  });
  afterAll(() => stack.close());

  it("lists the model a fine-tuning run started from among the run's inputModels", async () => {
    const [first, second] = DEMO_LOGGED_MODELS.filter((m) => m.registeredAs?.name === 'summarizer-t5');
    const model = await stack.query(
      `query($id: ID!) { loggedModel(id: $id) { sourceRun { id inputModels { id name } loggedModels { id } } } }`,
      {
        id: second!.modelId,
      },
    );
    expect(model.errors).toBeUndefined();
    const run = model.data.loggedModel.sourceRun;
    expect(run.inputModels).toEqual([{ id: first!.modelId, name: first!.name }]);
    expect(run.loggedModels.map((m: { id: string }) => m.id)).toContain(second!.modelId);
  });
});
