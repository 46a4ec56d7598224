// Evaluation datasets (MLflow 3.4+) through the gateway on the emulator in 3.11.1 mode: the demo's dataset, a whole
// write round trip read back after each write, records paged with cursors, client mistakes refused before any call
// (MLflow would answer some with an HTML 500), and a 2.12.2 server where every dataset field is UNSUPPORTED_BY_BACKEND
// without a single upstream call.
import { ALICE, DEMO_DATASET_NAME, DEMO_DATASET_RECORDS } from '@mlflow-supergraph/mlflow-emulator';
import { asUser } from '../../helpers/auth.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { writeCallCount } from '../../helpers/upstreamCalls.js';

const DATASETS = '/api/3.0/mlflow/datasets';

describe('evaluation datasets on MLflow 3.11.1', () => {
  let stack: Stack;
  let experimentId: string;
  let otherExperimentId: string;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', mlflowVersion: '3.11.1' } });
    const created = await stack.query(`mutation {
      a: createExperiment(input: { name: "eval-a" }) { id }
      b: createExperiment(input: { name: "eval-b" }) { id }
    }`);
    expect(created.errors).toBeUndefined();
    experimentId = created.data.a.id;
    otherExperimentId = created.data.b.id;
  });
  afterAll(() => stack.close());

  it("lists the demo's dataset on the GenAI experiment, with its records decoded", async () => {
    const result = await stack.query(`{
      experimentByName(name: "genai-support-assistant") {
        evaluationDatasets { nodes { name tag(key: "owner") profile experimentIds
          records { nodes { inputs expectations outputs tags { key value } } } } }
      }
      backend { capabilities { evaluationDatasets } unsupported }
    }`);
    expect(result.errors).toBeUndefined();
    const [dataset] = result.data.experimentByName.evaluationDatasets.nodes;
    expect(dataset).toMatchObject({ name: DEMO_DATASET_NAME, tag: 'support-team', profile: { num_records: 3 } });
    expect(
      dataset.records.nodes.map((r: any) => r.inputs).sort((a: any, b: any) => a.question.localeCompare(b.question)),
    ).toEqual(DEMO_DATASET_RECORDS.map((r) => r.inputs).sort((a, b) => a.question.localeCompare(b.question)));
    expect(dataset.records.nodes.every((r: any) => r.outputs === null)).toBe(true);
    expect(result.data.backend.capabilities.evaluationDatasets).toBe(true);
    expect(result.data.backend.unsupported.filter((c: string) => c.includes('EvaluationDataset'))).toEqual([]);
  });

  it('creates, upserts, pages, tags, links, deletes records and deletes the dataset, each write read back', async () => {
    const created = await stack.query(
      `mutation($e: ID!) { createEvaluationDataset(input: { name: "qa", experimentIds: [$e],
        tags: [{ key: "team", value: "ml" }] }) { id name tags { key value } experimentIds experiments { name } } }`,
      { e: experimentId },
    );
    expect(created.errors).toBeUndefined();
    const dataset = created.data.createEvaluationDataset;
    expect(dataset).toMatchObject({
      name: 'qa',
      tags: [{ key: 'team', value: 'ml' }],
      experimentIds: [experimentId],
      experiments: [{ name: 'eval-a' }],
    });
    expect(dataset.id).toMatch(/^d-[0-9a-f]{32}$/);
    const id = dataset.id as string;

    stack.emulator.resetCalls();
    const upserted = await stack.query(
      `mutation($id: ID!, $records: [EvaluationDatasetRecordInput!]!) {
        upsertEvaluationDatasetRecords(id: $id, records: $records) { insertedCount updatedCount dataset { profile } }
      }`,
      {
        id,
        records: [
          { inputs: { q: 'one' }, expectations: { a: 1 }, tags: [{ key: 'level', value: 'easy' }] },
          { inputs: { q: 'two' }, expectations: { a: 2 }, outputs: { said: 'two!' } },
          { inputs: { q: 'three' }, expectations: { a: 3 } },
        ],
      },
    );
    expect(upserted.errors).toBeUndefined();
    expect(upserted.data.upsertEvaluationDatasetRecords).toEqual({
      insertedCount: 3,
      updatedCount: 0,
      dataset: { profile: { num_records: 3 } },
    });
    // One write, sent once, as one JSON-encoded body.
    expect(stack.emulator.callCount(`POST ${DATASETS}/${id}/records`)).toBe(1);

    const again = await stack.query(
      `mutation($id: ID!) { upsertEvaluationDatasetRecords(id: $id,
        records: [{ inputs: { q: "one" }, expectations: { a: 10 } }]) { insertedCount updatedCount } }`,
      { id },
    );
    expect(again.data.upsertEvaluationDatasetRecords).toEqual({ insertedCount: 0, updatedCount: 1 });

    // Two pages of records: the first page's end cursor continues exactly where it stopped.
    const page = `query($id: ID!, $after: String) { evaluationDataset(id: $id) {
      records(first: 2, after: $after) { nodes { id inputs expectations outputs tags { key value } }
        pageInfo { hasNextPage endCursor } } } }`;
    const first = await stack.query(page, { id });
    expect(first.errors).toBeUndefined();
    const one = first.data.evaluationDataset.records;
    expect(one.nodes).toHaveLength(2);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const second = await stack.query(page, { id, after: one.pageInfo.endCursor });
    expect(second.errors).toBeUndefined();
    const two = second.data.evaluationDataset.records;
    expect(two.nodes).toHaveLength(1);
    expect(two.pageInfo.hasNextPage).toBe(false);
    const all = [...one.nodes, ...two.nodes];
    expect(new Set(all.map((r: any) => r.id)).size).toBe(3);
    expect(all.find((r: any) => r.inputs.q === 'one')).toMatchObject({
      expectations: { a: 10 },
      tags: [{ key: 'level', value: 'easy' }],
    });
    expect(all.find((r: any) => r.inputs.q === 'two').outputs).toEqual({ said: 'two!' });

    const tagged = await stack.query(
      `mutation($id: ID!) {
        setEvaluationDatasetTags(id: $id, tags: [{ key: "version", value: "2" }]) { tag(key: "version") }
      }`,
      { id },
    );
    expect(tagged.data.setEvaluationDatasetTags.tag).toBe('2');
    const untagged = await stack.query(
      `mutation($id: ID!) { deleteEvaluationDatasetTag(id: $id, key: "team") { tags { key } } }`,
      { id },
    );
    expect(untagged.data.deleteEvaluationDatasetTag.tags).toEqual([{ key: 'version' }]);

    const linked = await stack.query(
      `mutation($id: ID!, $e: ID!) { addEvaluationDatasetExperiments(id: $id, experimentIds: [$e]) { experimentIds } }`,
      { id, e: otherExperimentId },
    );
    expect(linked.errors).toBeUndefined();
    expect([...linked.data.addEvaluationDatasetExperiments.experimentIds].sort()).toEqual(
      [experimentId, otherExperimentId].sort(),
    );
    const listed = await stack.query(`query($e: ID!) { evaluationDatasets(experimentIds: [$e]) { nodes { id } } }`, {
      e: otherExperimentId,
    });
    expect(listed.data.evaluationDatasets.nodes).toEqual([{ id }]);
    const unlinked = await stack.query(
      `mutation($id: ID!, $e: ID!) { removeEvaluationDatasetExperiments(id: $id, experimentIds: [$e]) { experimentIds } }`,
      { id, e: otherExperimentId },
    );
    expect(unlinked.data.removeEvaluationDatasetExperiments.experimentIds).toEqual([experimentId]);
    const relisted = await stack.query(`query($e: ID!) { evaluationDatasets(experimentIds: [$e]) { nodes { id } } }`, {
      e: otherExperimentId,
    });
    expect(relisted.data.evaluationDatasets.nodes).toEqual([]);

    const recordId = all.find((r: any) => r.inputs.q === 'three').id;
    const removed = await stack.query(
      `mutation($id: ID!, $r: ID!) { deleteEvaluationDatasetRecords(id: $id, recordIds: [$r]) {
        deletedCount dataset { records { nodes { id } } } } }`,
      { id, r: recordId },
    );
    expect(removed.errors).toBeUndefined();
    expect(removed.data.deleteEvaluationDatasetRecords.deletedCount).toBe(1);
    expect(removed.data.deleteEvaluationDatasetRecords.dataset.records.nodes).toHaveLength(2);

    const deleted = await stack.query(`mutation($id: ID!) { deleteEvaluationDataset(id: $id) { id name } }`, { id });
    expect(deleted.data.deleteEvaluationDataset).toEqual({ id, name: 'qa' });
    const gone = await stack.query(`query($id: ID!) { evaluationDataset(id: $id) { id } }`, { id });
    expect(gone.errors).toBeUndefined();
    expect(gone.data.evaluationDataset).toBeNull();
  });

  it('a cursor from one dataset’s records is refused on another’s', async () => {
    const made = await stack.query(
      `mutation($e: ID!) {
        a: createEvaluationDataset(input: { name: "c1", experimentIds: [$e] }) { id }
        b: createEvaluationDataset(input: { name: "c2", experimentIds: [$e] }) { id }
      }`,
      { e: experimentId },
    );
    const { a, b } = made.data;
    await stack.query(
      `mutation($id: ID!) { upsertEvaluationDatasetRecords(id: $id, records: [{ inputs: { x: 1 } }, { inputs: { x: 2 } }]) { insertedCount } }`,
      { id: a.id },
    );
    const page = await stack.query(
      `query($id: ID!) { evaluationDataset(id: $id) { records(first: 1) { pageInfo { endCursor } } } }`,
      { id: a.id },
    );
    const cursor = page.data.evaluationDataset.records.pageInfo.endCursor;
    stack.emulator.resetCalls();
    const other = await stack.query(
      `query($id: ID!, $after: String) { evaluationDataset(id: $id) { records(first: 1, after: $after) { nodes { id } } } }`,
      { id: b.id, after: cursor },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.emulator.callCount(`GET ${DATASETS}/${b.id}/records`)).toBe(0);
  });

  describe('client mistakes are BAD_USER_INPUT with no upstream call', () => {
    let id: string;
    beforeAll(async () => {
      const made = await stack.query(
        `mutation($e: ID!) { createEvaluationDataset(input: { name: "bad-input", experimentIds: [$e] }) { id } }`,
        { e: experimentId },
      );
      id = made.data.createEvaluationDataset.id;
    });

    it.each([
      ['inputs not an object', { records: [{ inputs: 'What is MLflow?' }] }],
      ['inputs an array', { records: [{ inputs: ['q'] }] }],
      ['inputs empty', { records: [{ inputs: {} }] }],
      ['expectations not an object', { records: [{ inputs: { q: 1 }, expectations: [1, 2] }] }],
      ['outputs not an object', { records: [{ inputs: { q: 1 }, outputs: 'x' }] }],
      ['no records', { records: [] }],
      [
        'a tag key twice',
        {
          records: [
            {
              inputs: { q: 1 },
              tags: [
                { key: 'k', value: '1' },
                { key: 'k', value: '2' },
              ],
            },
          ],
        },
      ],
    ])('upsert with %s', async (_, variables) => {
      stack.emulator.resetCalls();
      const result = await stack.query(
        `mutation($id: ID!, $records: [EvaluationDatasetRecordInput!]!) {
          upsertEvaluationDatasetRecords(id: $id, records: $records) { insertedCount } }`,
        { id, ...variables },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(stack.emulator.totalCalls()).toBe(0);
    });

    it.each([
      [
        'createEvaluationDataset without experiments',
        `mutation { createEvaluationDataset(input: { name: "x", experimentIds: [] }) { id } }`,
      ],
      [
        'createEvaluationDataset with an empty name',
        `mutation { createEvaluationDataset(input: { name: " ", experimentIds: ["1"] }) { id } }`,
      ],
      ['setEvaluationDatasetTags without tags', `mutation { setEvaluationDatasetTags(id: "ID", tags: []) { id } }`],
      [
        'deleteEvaluationDatasetRecords without ids',
        `mutation { deleteEvaluationDatasetRecords(id: "ID", recordIds: []) { deletedCount } }`,
      ],
      [
        'addEvaluationDatasetExperiments without ids',
        `mutation { addEvaluationDatasetExperiments(id: "ID", experimentIds: []) { id } }`,
      ],
      ['evaluationDatasets without experiments', `{ evaluationDatasets(experimentIds: []) { nodes { id } } }`],
      ['records(first: 0)', `{ evaluationDataset(id: "ID") { records(first: 0) { nodes { id } } } }`],
    ])('%s', async (_, query) => {
      stack.emulator.resetCalls();
      const result = await stack.query(query.replace('"ID"', JSON.stringify(id)));
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      // records(first: 0) reads the dataset first (the field is nested): no records call, no write.
      if (query.includes('records(first: 0)'))
        expect(stack.emulator.callCount(`GET ${DATASETS}/${id}/records`)).toBe(0);
      else expect(stack.emulator.totalCalls()).toBe(0);
      expect(writeCallCount(stack.emulator)).toBe(0);
    });
  });

  it('an unknown dataset: null to read, NOT_FOUND to write (and nothing written)', async () => {
    const read = await stack.query(`{ evaluationDataset(id: "d-00000000000000000000000000000000") { id } }`);
    expect(read.errors).toBeUndefined();
    expect(read.data.evaluationDataset).toBeNull();
    stack.emulator.resetCalls();
    const write = await stack.query(
      `mutation { setEvaluationDatasetTags(id: "d-00000000000000000000000000000000", tags: [{ key: "k", value: "v" }]) { id } }`,
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(writeCallCount(stack.emulator)).toBe(0);
  });
});

// Behind basic-auth too: there a permission check is itself a call (users/get), so the refusal must come first.
describe.each([
  ['without auth', false, {}],
  ['behind basic-auth', true, asUser(ALICE)],
])('evaluation datasets on MLflow 2.12.2 %s', (_, auth, headers) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', auth } });
    // The version probe is made at start-up; what follows must cost nothing.
    await stack.query(`{ backend { version } }`, {}, headers);
  });
  afterAll(() => stack.close());

  it('Query.backend says so', async () => {
    const result = await stack.query(`{ backend { capabilities { evaluationDatasets } unsupported } }`, {}, headers);
    expect(result.data.backend.capabilities.evaluationDatasets).toBe(false);
    expect(result.data.backend.unsupported).toEqual(
      expect.arrayContaining([
        'Query.evaluationDataset',
        'Query.evaluationDatasets',
        'Experiment.evaluationDatasets',
        'Mutation.createEvaluationDataset',
        'Mutation.upsertEvaluationDatasetRecords',
        'Mutation.deleteEvaluationDataset',
      ]),
    );
  });

  it.each([
    ['evaluationDataset', `{ evaluationDataset(id: "d-1") { id } }`],
    ['evaluationDatasets', `{ evaluationDatasets(experimentIds: ["1"]) { nodes { id } } }`],
    ['experiment.evaluationDatasets', `{ experiment(id: "1") { evaluationDatasets { nodes { id } } } }`],
    [
      'createEvaluationDataset',
      `mutation { createEvaluationDataset(input: { name: "x", experimentIds: ["1"] }) { id } }`,
    ],
    // Bad input too: the backend's answer comes first.
    [
      'upsertEvaluationDatasetRecords',
      `mutation { upsertEvaluationDatasetRecords(id: "d-1", records: [{ inputs: "bad" }]) { insertedCount } }`,
    ],
    [
      'deleteEvaluationDatasetRecords',
      `mutation { deleteEvaluationDatasetRecords(id: "d-1", recordIds: ["dr-1"]) { deletedCount } }`,
    ],
    [
      'setEvaluationDatasetTags',
      `mutation { setEvaluationDatasetTags(id: "d-1", tags: [{ key: "k", value: "v" }]) { id } }`,
    ],
    ['deleteEvaluationDatasetTag', `mutation { deleteEvaluationDatasetTag(id: "d-1", key: "k") { id } }`],
    [
      'addEvaluationDatasetExperiments',
      `mutation { addEvaluationDatasetExperiments(id: "d-1", experimentIds: ["1"]) { id } }`,
    ],
    [
      'removeEvaluationDatasetExperiments',
      `mutation { removeEvaluationDatasetExperiments(id: "d-1", experimentIds: ["1"]) { id } }`,
    ],
    ['deleteEvaluationDataset', `mutation { deleteEvaluationDataset(id: "d-1") { id } }`],
  ])('%s answers UNSUPPORTED_BY_BACKEND with no upstream call', async (path, query) => {
    stack.emulator.resetCalls();
    const result = await stack.query(query, {}, headers);
    const error = result.errors?.find((e) => (e.path ?? []).join('.') === path);
    expect(error?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(error?.message).toContain('MLflow 3.4');
    // experiment(id:) reads the experiment itself; nothing else.
    if (path.startsWith('experiment.'))
      expect(Object.keys(stack.emulator.calls())).toEqual(['GET /api/2.0/mlflow/experiments/get']);
    else expect(stack.emulator.totalCalls()).toBe(0);
  });
});
