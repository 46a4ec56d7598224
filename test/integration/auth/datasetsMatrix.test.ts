// The authorization matrix for evaluation datasets (MLflow 3.4+), against the emulator in 3.11.1 mode behind
// basic-auth. MLflow 3.11.1's basic-auth checks none of the /api/3.0/mlflow/datasets endpoints (any signed-in user
// may read or write any dataset there), so every refusal below is the graph's own rule: a dataset is governed by
// every experiment it is linked to (CAN_READ on each to read it and its records, CAN_EDIT on each to write it, and
// CAN_EDIT on an experiment to link it in); a dataset linked to none is an administrator's only.
//
// Personas, on experiments the admin creates here: "ds-open" (everyone the server's default READ; bob EDIT),
// "ds-private" (carol NO_PERMISSIONS, bob EDIT, alice the default READ), "ds-locked" (bob READ only). The private
// dataset is linked to ds-open and ds-private: alice and bob read it, carol — who may read ds-open — must never see it.
// Twice: callers with their own credentials, and callers a trusted proxy vouches for while the graph calls MLflow as
// the admin (there the graph's checks are all that stands between a caller and the dataset).
import { graphql } from 'graphql';
import { createRequestContext } from '../../../src/context/createRequestContext.js';
import { createServices } from '../../../src/context/createServices.js';
import { createTrackingSchema } from '../../../src/subgraphs/tracking/schema.js';
import { CALLER_MODES, holds, PEOPLE, type Person } from '../../helpers/basicAuthPersonas.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { writeCalls } from '../../helpers/upstreamCalls.js';

/** Text only in the private dataset's records and name: any response holding it leaked the dataset. */
const SECRET = 'payroll-secret';

let checks = 0;

const leaks = (body: { data?: unknown; errors?: { message: string }[] }) => holds(SECRET, body);

afterAll(() => {
  console.log(`authorization matrix (evaluation datasets, MLflow 3 basic-auth): ${checks} checks, 0 leaks`);
});

describe.each(CALLER_MODES)('evaluation datasets behind MLflow 3 basic-auth: $mode', ({ env, headers }) => {
  let stack: Stack;
  const HEADERS = Object.fromEntries(PEOPLE.map((person) => [person, headers(person)])) as Record<
    Person,
    Record<string, string>
  >;
  let open: string;
  let privateExperiment: string;
  let locked: string;
  /** Linked to ds-open and ds-private. */
  let secret: string;
  /** Linked to no experiment at all. */
  let orphan: string;

  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', auth: true, mlflowVersion: '3.11.1' }, env });
    const made = await stack.query(
      `mutation {
        open: createExperiment(input: { name: "ds-open" }) { id }
        priv: createExperiment(input: { name: "ds-private" }) { id }
        locked: createExperiment(input: { name: "ds-locked" }) { id }
      }`,
      {},
      HEADERS.admin,
    );
    expect(made.errors).toBeUndefined();
    open = made.data.open.id;
    privateExperiment = made.data.priv.id;
    locked = made.data.locked.id;
    const grants = await stack.query(
      `mutation($open: ID!, $priv: ID!, $locked: ID!) {
        a: setExperimentPermission(experimentId: $priv, grantee: { name: "carol" }, level: NO_PERMISSIONS) { objectId }
        b: setExperimentPermission(experimentId: $priv, grantee: { name: "bob" }, level: CAN_EDIT) { objectId }
        c: setExperimentPermission(experimentId: $open, grantee: { name: "bob" }, level: CAN_EDIT) { objectId }
        d: setExperimentPermission(experimentId: $locked, grantee: { name: "bob" }, level: CAN_READ) { objectId }
      }`,
      { open, priv: privateExperiment, locked },
      HEADERS.admin,
    );
    expect(grants.errors).toBeUndefined();
    const datasets = await stack.query(
      `mutation($open: ID!, $priv: ID!) {
        secret: createEvaluationDataset(input: { name: "${SECRET}-set", experimentIds: [$open, $priv] }) { id }
        orphan: createEvaluationDataset(input: { name: "orphan-set", experimentIds: [$open] }) { id }
      }`,
      { open, priv: privateExperiment },
      HEADERS.admin,
    );
    expect(datasets.errors).toBeUndefined();
    secret = datasets.data.secret.id;
    orphan = datasets.data.orphan.id;
    const filled = await stack.query(
      `mutation($s: ID!, $o: ID!, $open: ID!) {
        upsertEvaluationDatasetRecords(id: $s, records: [{ inputs: { q: "${SECRET} salaries?" } },
          { inputs: { q: "bonus?" }, expectations: { a: "${SECRET}" } }]) { insertedCount }
        removeEvaluationDatasetExperiments(id: $o, experimentIds: [$open]) { id }
      }`,
      { s: secret, o: orphan, open },
      HEADERS.admin,
    );
    expect(filled.errors).toBeUndefined();
  });

  afterAll(async () => {
    await stack?.close();
  });

  const READERS_OF_SECRET: Person[] = ['admin', 'alice', 'bob'];

  describe.each(PEOPLE)('reads as %s', (person) => {
    it('evaluationDataset(id) of the dataset linked to a private experiment', async () => {
      const result = await stack.query(
        `query($id: ID!) { evaluationDataset(id: $id) { name records { nodes { inputs expectations } } } }`,
        { id: secret },
        HEADERS[person],
      );
      checks += 1;
      if (READERS_OF_SECRET.includes(person)) {
        expect(result.errors).toBeUndefined();
        expect(result.data.evaluationDataset.records.nodes).toHaveLength(2);
        return;
      }
      expect(result.data?.evaluationDataset ?? null).toBeNull();
      expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
      expect(leaks(result)).toBe(false);
    });

    it('Experiment.evaluationDatasets of an experiment they may read lists only datasets they may read', async () => {
      const result = await stack.query(
        `query($e: ID!) { experiment(id: $e) { evaluationDatasets { nodes { id name } } } }`,
        { e: open },
        HEADERS[person],
      );
      checks += 1;
      expect(result.errors).toBeUndefined();
      const ids = result.data.experiment.evaluationDatasets.nodes.map((d: any) => d.id);
      if (READERS_OF_SECRET.includes(person)) expect(ids).toContain(secret);
      else {
        expect(ids).not.toContain(secret);
        expect(leaks(result)).toBe(false);
      }
      // The orphan is linked to nothing, so no experiment lists it.
      expect(ids).not.toContain(orphan);
    });

    it('Query.evaluationDatasets over both experiments', async () => {
      const result = await stack.query(
        `query($e: [ID!]!) { evaluationDatasets(experimentIds: $e) { nodes { id } } }`,
        { e: [open, privateExperiment] },
        HEADERS[person],
      );
      checks += 1;
      expect(result.errors).toBeUndefined();
      const ids = result.data.evaluationDatasets.nodes.map((d: any) => d.id);
      expect(ids.includes(secret)).toBe(READERS_OF_SECRET.includes(person));
      expect(leaks(result) && !READERS_OF_SECRET.includes(person)).toBe(false);
    });

    it('the dataset linked to no experiment: the administrator only', async () => {
      const result = await stack.query(
        `query($id: ID!) { evaluationDataset(id: $id) { name experimentIds } }`,
        { id: orphan },
        HEADERS[person],
      );
      checks += 1;
      if (person === 'admin') {
        expect(result.errors).toBeUndefined();
        expect(result.data.evaluationDataset).toEqual({ name: 'orphan-set', experimentIds: [] });
      } else {
        expect(result.data?.evaluationDataset ?? null).toBeNull();
        expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
      }
    });
  });

  it('carol (NO_PERMISSIONS on ds-private) reads no dataset of that experiment, by any list', async () => {
    const result = await stack.query(
      `query($e: ID!) {
        evaluationDatasets(experimentIds: [$e]) { nodes { id } pageInfo { hasNextPage endCursor } }
        experiment(id: $e) { evaluationDatasets { nodes { id } } }
      }`,
      { e: privateExperiment },
      HEADERS.carol,
    );
    checks += 1;
    expect(result.data.evaluationDatasets).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect(result.data.experiment).toBeNull();
    expect(leaks(result)).toBe(false);
  });

  it('a cursor issued to bob is refused for carol, before any upstream call', async () => {
    const bob = await stack.query(
      `query($e: ID!) { evaluationDatasets(experimentIds: [$e], first: 1) { pageInfo { endCursor } } }`,
      { e: open },
      HEADERS.bob,
    );
    const cursor = bob.data.evaluationDatasets.pageInfo.endCursor;
    expect(typeof cursor).toBe('string');
    stack.emulator.resetCalls();
    const carol = await stack.query(
      `query($e: ID!, $after: String) { evaluationDatasets(experimentIds: [$e], first: 1, after: $after) { nodes { id } } }`,
      { e: open, after: cursor },
      HEADERS.carol,
    );
    checks += 1;
    expect(carol.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.emulator.callCount('POST /api/3.0/mlflow/datasets/search')).toBe(0);
  });

  describe('_entities sent directly to the tracking subgraph', () => {
    it.each(PEOPLE)('EvaluationDataset as %s', async (person) => {
      const services = createServices(stack.config, stack.emulator.url);
      const context = createRequestContext(services, HEADERS[person]);
      const result = await graphql({
        schema: createTrackingSchema(),
        source: `query($r: [_Any!]!) { _entities(representations: $r) { ... on EvaluationDataset { name } } }`,
        variableValues: {
          r: [
            { __typename: 'EvaluationDataset', id: secret },
            { __typename: 'EvaluationDataset', id: orphan },
          ],
        },
        contextValue: context,
      });
      await services.close();
      checks += 2;
      const data = (result.data?._entities ?? []) as any[];
      if (READERS_OF_SECRET.includes(person)) expect(data[0]?.name).toBe(`${SECRET}-set`);
      else {
        expect(data[0] ?? null).toBeNull();
        expect(JSON.stringify(result)).not.toContain(SECRET);
      }
      if (person === 'admin') expect(data[1]?.name).toBe('orphan-set');
      else expect(data[1] ?? null).toBeNull();
      if (person !== 'admin') expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    });
  });

  /** Writes on the private dataset, each with the MLflow route it would reach. */
  const WRITES: { name: string; query: string; upstream: string }[] = [
    {
      name: 'upsertEvaluationDatasetRecords',
      query: `mutation($id: ID!) { upsertEvaluationDatasetRecords(id: $id, records: [{ inputs: { q: "x" } }]) { insertedCount } }`,
      upstream: 'records',
    },
    {
      name: 'deleteEvaluationDatasetRecords',
      query: `mutation($id: ID!) { deleteEvaluationDatasetRecords(id: $id, recordIds: ["dr-1"]) { deletedCount } }`,
      upstream: 'records',
    },
    {
      name: 'setEvaluationDatasetTags',
      query: `mutation($id: ID!) { setEvaluationDatasetTags(id: $id, tags: [{ key: "k", value: "v" }]) { id } }`,
      upstream: 'tags',
    },
    {
      name: 'deleteEvaluationDatasetTag',
      query: `mutation($id: ID!) { deleteEvaluationDatasetTag(id: $id, key: "k") { id } }`,
      upstream: 'tags',
    },
    {
      name: 'removeEvaluationDatasetExperiments',
      query: `mutation($id: ID!) { removeEvaluationDatasetExperiments(id: $id, experimentIds: ["0"]) { id } }`,
      upstream: 'remove-experiments',
    },
    {
      name: 'addEvaluationDatasetExperiments',
      query: `mutation($id: ID!) { addEvaluationDatasetExperiments(id: $id, experimentIds: ["0"]) { id } }`,
      upstream: 'add-experiments',
    },
    {
      name: 'deleteEvaluationDataset',
      query: `mutation($id: ID!) { deleteEvaluationDataset(id: $id) { id } }`,
      upstream: 'DELETE',
    },
  ];

  describe.each(['alice', 'carol'] as Person[])('writes as %s (no CAN_EDIT on every linked experiment)', (person) => {
    it.each(WRITES.map((w) => [w.name, w]))('%s is refused before reaching MLflow', async (_, write) => {
      stack.emulator.resetCalls();
      const result = await stack.query(write.query, { id: secret }, HEADERS[person]);
      checks += 1;
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(writeCalls(stack.emulator.calls())).toEqual([]);
      expect(leaks(result)).toBe(false);
    });
  });

  it.each(['alice', 'bob', 'carol'] as Person[])(
    'the orphan (linked to none) cannot be written by %s: nothing reaches MLflow',
    async (person) => {
      stack.emulator.resetCalls();
      const result = await stack.query(
        `mutation($id: ID!, $e: ID!) { addEvaluationDatasetExperiments(id: $id, experimentIds: [$e]) { id } }`,
        { id: orphan, e: open },
        HEADERS[person],
      );
      checks += 1;
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(writeCalls(stack.emulator.calls())).toEqual([]);
    },
  );

  it('bob (CAN_EDIT on both links) may not link the dataset into ds-locked, where he only reads', async () => {
    stack.emulator.resetCalls();
    const result = await stack.query(
      `mutation($id: ID!, $e: ID!) { addEvaluationDatasetExperiments(id: $id, experimentIds: [$e]) { id } }`,
      { id: secret, e: locked },
      HEADERS.bob,
    );
    checks += 1;
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(writeCalls(stack.emulator.calls())).toEqual([]);
  });

  it('alice (the default READ on ds-open) may not create a dataset there; nothing is created', async () => {
    stack.emulator.resetCalls();
    const result = await stack.query(
      `mutation($e: ID!) { createEvaluationDataset(input: { name: "alice-set", experimentIds: [$e] }) { id } }`,
      { e: open },
      HEADERS.alice,
    );
    checks += 1;
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(writeCalls(stack.emulator.calls())).toEqual([]);
  });

  it('bob (CAN_EDIT on every link) writes: the refusals above are about permission, not breakage', async () => {
    const result = await stack.query(
      `mutation($id: ID!) { setEvaluationDatasetTags(id: $id, tags: [{ key: "audited", value: "yes" }]) { tag(key: "audited") } }`,
      { id: secret },
      HEADERS.bob,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.setEvaluationDatasetTags.tag).toBe('yes');
  });
});
