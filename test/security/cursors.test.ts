// Relay cursors through the real stack (gateway + subgraphs + emulator): they reveal nothing (no MLflow page
// token, no offset, one length for every position), and a tampered, truncated, foreign or cross-query cursor is
// refused as BAD_USER_INPUT before anything is asked upstream. The basic-auth stack hides models and experiments
// from alice with NO_PERMISSIONS grants; MLflow's page tokens (and fillPage's skips) count those hidden rows. Replicas
// sharing MLFLOW_SUPERGRAPH_SECRET accept each other's cursors; another secret is another key.
import { ADMIN, ALICE, BOB, createPageToken } from '@mlflow-supergraph/mlflow-emulator';
import { mlflowRest } from '../integration/registry/seedRegistry.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { asUser } from '../helpers/auth.js';
import { type GraphQLResponse, postJson } from '../helpers/graphql.js';

const asAdmin = asUser(ADMIN);
const asAlice = asUser(ALICE);
const asBob = asUser(BOB);
const anonymous = {};

const EXPERIMENTS = 6;
const HIDDEN_EXPERIMENTS = [1, 4];
const RUNS = 7;
const MODELS = 12;
const HIDDEN_MODELS = [1, 2, 3, 7, 10];
const VERSIONS_OF_FIRST_MODEL = 5;
const modelName = (i: number) => `sec-model-${String(i).padStart(2, '0')}`;

/** One connection field under test: its query (variables `after`, and `experimentId` where used), where it sits, what it costs upstream. */
interface ConnectionSpec {
  name: string;
  query: string;
  connection(
    data: any,
  ): { edges: { cursor: string; node: any }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null;
  /** The emulator endpoint this field's own paging calls. */
  endpoint: string;
  key(node: any): string;
}

const page = (node: string) => `edges { cursor node { ${node} } } pageInfo { hasNextPage endCursor }`;

const SPECS: ConnectionSpec[] = [
  {
    name: 'Query.experiments',
    query: `query($after: String) { experiments(filter: "name LIKE 'sec-exp-%'", first: 2, after: $after) { ${page('id')} } }`,
    connection: (data) => data?.experiments,
    endpoint: 'POST /api/2.0/mlflow/experiments/search',
    key: (node) => node.id,
  },
  {
    name: 'Query.runs',
    query: `query($after: String, $experimentId: ID!) { runs(experimentIds: [$experimentId], first: 2, after: $after) { ${page('id')} } }`,
    connection: (data) => data?.runs,
    endpoint: 'POST /api/2.0/mlflow/runs/search',
    key: (node) => node.id,
  },
  {
    name: 'Experiment.runs',
    query: `query($after: String, $experimentId: ID!) { experiment(id: $experimentId) { runs(first: 2, after: $after) { ${page('id')} } } }`,
    connection: (data) => data?.experiment?.runs,
    endpoint: 'POST /api/2.0/mlflow/runs/search',
    key: (node) => node.id,
  },
  {
    name: 'Query.registeredModels',
    query: `query($after: String) { registeredModels(filter: "name LIKE 'sec-model-%'", first: 2, after: $after) { ${page('name')} } }`,
    connection: (data) => data?.registeredModels,
    endpoint: 'GET /api/2.0/mlflow/registered-models/search',
    key: (node) => node.name,
  },
  {
    name: 'Query.modelVersions',
    query: `query($after: String) { modelVersions(filter: "name LIKE 'sec-model-%'", first: 2, after: $after) { ${page('name version')} } }`,
    connection: (data) => data?.modelVersions,
    endpoint: 'GET /api/2.0/mlflow/model-versions/search',
    key: (node) => `${node.name}/${node.version}`,
  },
  {
    name: 'RegisteredModel.versions',
    query: `query($after: String) { registeredModel(name: "${modelName(0)}") { versions(first: 2, after: $after) { ${page('name version')} } } }`,
    connection: (data) => data?.registeredModel?.versions,
    endpoint: 'GET /api/2.0/mlflow/model-versions/search',
    key: (node) => `${node.name}/${node.version}`,
  },
];

/** Builds the experiments, runs, models and versions (and, with `auth`, the users and NO_PERMISSIONS grants). */
async function seed(stack: Stack, auth: boolean): Promise<string> {
  const rest = (path: string, body: unknown) => mlflowRest(stack.emulator.url, 'POST', path, body, auth ? asAdmin : {});
  if (auth)
    for (const user of [ALICE, BOB])
      await rest('/api/2.0/mlflow/users/create', { username: user.username, password: user.password });
  const experimentIds: string[] = [];
  for (let e = 0; e < EXPERIMENTS; e += 1)
    experimentIds.push((await rest('/api/2.0/mlflow/experiments/create', { name: `sec-exp-${e}` })).experiment_id);
  const experimentId = experimentIds[0] as string;
  for (let r = 0; r < RUNS; r += 1)
    await rest('/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
      start_time: 1_700_000_000_000 + r,
      run_name: `sec-run-${r}`,
    });
  for (let m = 0; m < MODELS; m += 1) {
    await rest('/api/2.0/mlflow/registered-models/create', { name: modelName(m) });
    for (let v = 0; v < (m === 0 ? VERSIONS_OF_FIRST_MODEL : 1); v += 1)
      await rest('/api/2.0/mlflow/model-versions/create', { name: modelName(m), source: `s3://sec/${m}/${v}` });
  }
  if (auth) {
    for (const m of HIDDEN_MODELS)
      await rest('/api/2.0/mlflow/registered-models/permissions/create', {
        name: modelName(m),
        username: ALICE.username,
        permission: 'NO_PERMISSIONS',
      });
    for (const e of HIDDEN_EXPERIMENTS)
      await rest('/api/2.0/mlflow/experiments/permissions/create', {
        experiment_id: experimentIds[e],
        username: ALICE.username,
        permission: 'NO_PERMISSIONS',
      });
  }
  return experimentId;
}

/** POSTs one operation and keeps the HTTP status beside the body. */
const post = (stack: Stack, query: string, variables: Record<string, unknown>, headers: Record<string, string>) =>
  postJson<GraphQLResponse<any>>(stack.gateway.graphqlUrl, { query, variables }, headers);

/** Every page of one connection as one caller, first: 2: the keys in order and every cursor handed out. */
async function pageAll(
  stack: Stack,
  spec: ConnectionSpec,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
) {
  const keys: string[] = [];
  const cursors: string[] = [];
  const endCursors: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 50; pages += 1) {
    const { body } = await post(stack, spec.query, { ...variables, after }, headers);
    expect(body.errors).toBeUndefined();
    const connection = spec.connection(body.data);
    if (!connection) throw new Error(`${spec.name}: no connection in ${JSON.stringify(body)}`);
    keys.push(...connection.edges.map((edge) => spec.key(edge.node)));
    cursors.push(...connection.edges.map((edge) => edge.cursor));
    if (connection.pageInfo.endCursor) endCursors.push(connection.pageInfo.endCursor);
    if (!connection.pageInfo.hasNextPage) return { keys, cursors: [...cursors, ...endCursors], endCursors };
    after = connection.pageInfo.endCursor;
  }
  throw new Error(`${spec.name}: more than 50 pages`);
}

/** Sends `after` and expects the cursor refused: BAD_USER_INPUT, HTTP 200 or 400, nothing asked of `spec.endpoint`. */
async function expectRefused(
  stack: Stack,
  spec: ConnectionSpec,
  variables: Record<string, unknown>,
  after: string,
  headers: Record<string, string>,
) {
  stack.coldStart();
  const { status, body } = await post(stack, spec.query, { ...variables, after }, headers);
  expect({ field: spec.name, status: [200, 400].includes(status) ? 'ok' : status }).toEqual({
    field: spec.name,
    status: 'ok',
  });
  expect({ field: spec.name, code: body.errors?.[0]?.extensions?.code }).toEqual({
    field: spec.name,
    code: 'BAD_USER_INPUT',
  });
  expect(body.errors?.[0]?.message).toMatch(/pageInfo\.endCursor or an edge of the same query/);
  expect(spec.connection(body.data) ?? null).toBeNull();
  expect({ field: spec.name, upstreamCalls: stack.emulator.callCount(spec.endpoint) }).toEqual({
    field: spec.name,
    upstreamCalls: 0,
  });
}

/** Sends `after` and expects the next page (the positive control of every refusal). */
async function expectAccepted(
  stack: Stack,
  spec: ConnectionSpec,
  variables: Record<string, unknown>,
  after: string,
  headers: Record<string, string>,
) {
  stack.coldStart();
  const { status, body } = await post(stack, spec.query, { ...variables, after }, headers);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(spec.connection(body.data)?.edges.length).toBeGreaterThan(0);
  expect(stack.emulator.callCount(spec.endpoint)).toBeGreaterThan(0);
}

/** The first end cursor a caller gets for a spec. */
async function firstEndCursor(
  stack: Stack,
  spec: ConnectionSpec,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<string> {
  const { body } = await post(stack, spec.query, { ...variables, after: null }, headers);
  const connection = spec.connection(body.data);
  expect(connection?.pageInfo.hasNextPage).toBe(true);
  return connection?.pageInfo.endCursor as string;
}

/** Flips one bit in the middle of a cursor's bytes. */
function flipped(cursor: string): string {
  const bytes = Buffer.from(cursor, 'base64url');
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] as number) ^ 0x01;
  return bytes.toString('base64url');
}

describe('cursors on a basic-auth MLflow where alice cannot read some models and experiments', () => {
  let stack: Stack;
  let variables: Record<string, unknown>;

  beforeAll(async () => {
    stack = await startStack({
      emulator: { seed: 'empty', auth: true },
      env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'mlflow-basic-auth' },
    });
    variables = { experimentId: await seed(stack, true) };
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('(a) hands out cursors that decode to nothing readable: no JSON, no page token, no offset', async () => {
    // Every token the emulator can have issued here (MLflow's: base64 of {"offset": N}).
    const tokens = Array.from({ length: 200 }, (_, offset) => createPageToken(offset));
    const all: string[] = [];
    for (const spec of SPECS)
      for (const caller of [asAlice, asBob]) all.push(...(await pageAll(stack, spec, variables, caller)).cursors);
    const decoded = all.map((cursor) => ({ cursor, bytes: Buffer.from(cursor, 'base64url') }));
    const parsesAsJson = decoded.filter(({ bytes }) => {
      try {
        JSON.parse(bytes.toString('utf8'));
        return true;
      } catch {
        return false;
      }
    });
    const withToken = decoded.filter(({ cursor, bytes }) =>
      tokens.some(
        (token) =>
          cursor.includes(token) ||
          cursor.includes(Buffer.from(token, 'base64').toString('base64url').replace(/=+$/, '')) ||
          bytes.includes(Buffer.from(token)),
      ),
    );
    const withOffsetText = decoded.filter(({ bytes }) => /offset|"o"\s*:|"t"\s*:/.test(bytes.toString('latin1')));
    expect({
      cursors: all.length > 60,
      parsesAsJson: parsesAsJson.length,
      withToken: withToken.length,
      withOffsetText: withOffsetText.length,
    }).toEqual({
      cursors: true,
      parsesAsJson: 0,
      withToken: 0,
      withOffsetText: 0,
    });
    expect(all.every((cursor) => /^[A-Za-z0-9_-]+$/.test(cursor))).toBe(true);
    // A fresh IV per cursor: the same position minted twice is two different strings. (The same request twice is
    // answered from the response cache, with the cursors it already holds: no IV is reused, nothing is minted; a
    // comment makes the second request another text, so it executes and mints again.)
    const spec = SPECS[0] as ConnectionSpec;
    const again = await firstEndCursor(stack, spec, variables, asAlice);
    expect(
      await firstEndCursor(stack, { ...spec, query: `${spec.query}\n# minted again` }, variables, asAlice),
    ).not.toBe(again);
  });

  it('(b) refuses a flipped byte, a truncated cursor and another query’s cursor, asking nothing upstream', async () => {
    for (const [index, spec] of SPECS.entries()) {
      const cursor = await firstEndCursor(stack, spec, variables, asAlice);
      await expectAccepted(stack, spec, variables, cursor, asAlice);
      await expectRefused(stack, spec, variables, flipped(cursor), asAlice);
      await expectRefused(stack, spec, variables, cursor.slice(0, -4), asAlice);
      await expectRefused(stack, spec, variables, cursor.slice(0, 30), asAlice);
      // Another field's cursor (the next spec's: experiments↔runs, models↔versions, …).
      const other = SPECS[(index + 1) % SPECS.length] as ConnectionSpec;
      await expectRefused(stack, spec, variables, await firstEndCursor(stack, other, variables, asAlice), asAlice);
    }
    // The same field with other arguments: a filter, an order, another experiment, another model.
    const [experiments, runs, experimentRuns, models, versions, modelVersionsOf] = SPECS as [
      ConnectionSpec,
      ConnectionSpec,
      ConnectionSpec,
      ConnectionSpec,
      ConnectionSpec,
      ConnectionSpec,
    ];
    const reshaped = (spec: ConnectionSpec, from: string, to: string): ConnectionSpec => ({
      ...spec,
      query: spec.query.replace(from, to),
    });
    const pairs: [ConnectionSpec, ConnectionSpec][] = [
      [experiments, reshaped(experiments, `first: 2`, `orderBy: ["name DESC"], first: 2`)],
      [experiments, reshaped(experiments, `'sec-exp-%'`, `'sec-%'`)],
      [runs, reshaped(runs, `first: 2`, `filter: "attributes.status = 'RUNNING'", first: 2`)],
      [experimentRuns, reshaped(experimentRuns, `first: 2`, `viewType: ALL, first: 2`)],
      [models, reshaped(models, `'sec-model-%'`, `'sec-model%'`)],
      [versions, reshaped(versions, `first: 2`, `orderBy: ["version_number DESC"], first: 2`)],
      [modelVersionsOf, reshaped(modelVersionsOf, `name: "${modelName(0)}"`, `name: "${modelName(4)}"`)],
    ];
    for (const [issued, asked] of pairs) {
      const cursor = await firstEndCursor(stack, issued, variables, asAlice);
      await expectRefused(stack, asked, variables, cursor, asAlice);
    }
  });

  it('(c) refuses alice’s cursors replayed by bob', async () => {
    for (const spec of SPECS) {
      const cursor = await firstEndCursor(stack, spec, variables, asAlice);
      await expectRefused(stack, spec, variables, cursor, asBob);
      await expectAccepted(stack, spec, variables, cursor, asAlice);
    }
  });

  it('(d) does not let alice count the rows hidden from her: one cursor length everywhere, every readable row once', async () => {
    const readableModels = Array.from({ length: MODELS }, (_, m) => m)
      .filter((m) => !HIDDEN_MODELS.includes(m))
      .map(modelName);
    const readableVersions = readableModels.flatMap((name) =>
      Array.from({ length: name === modelName(0) ? VERSIONS_OF_FIRST_MODEL : 1 }, (_, v) => `${name}/${v + 1}`),
    );
    const [experiments, , , models, versions] = SPECS as ConnectionSpec[] as [
      ConnectionSpec,
      ConnectionSpec,
      ConnectionSpec,
      ConnectionSpec,
      ConnectionSpec,
    ];

    const aliceModels = await pageAll(stack, models, variables, asAlice);
    const aliceVersions = await pageAll(stack, versions, variables, asAlice);
    const aliceExperiments = await pageAll(stack, experiments, variables, asAlice);
    const bobModels = await pageAll(stack, models, variables, asBob);
    expect(aliceModels.keys).toEqual(readableModels);
    expect([...aliceVersions.keys].sort()).toEqual([...readableVersions].sort());
    expect(new Set(aliceVersions.keys).size).toBe(aliceVersions.keys.length);
    expect(aliceExperiments.keys).toHaveLength(EXPERIMENTS - HIDDEN_EXPERIMENTS.length);
    expect(bobModels.keys).toHaveLength(MODELS);
    // Positions after 0, 1, 3 or 5 hidden rows, with or without an MLflow token: one length for all.
    const lengths = new Set(
      [...aliceModels.cursors, ...aliceVersions.cursors, ...aliceExperiments.cursors, ...bobModels.cursors].map(
        (cursor) => cursor.length,
      ),
    );
    expect(aliceModels.cursors.length).toBeGreaterThanOrEqual(readableModels.length);
    expect(lengths.size).toBe(1);

    // Every mid-page edge cursor resumes right after its edge, hidden rows before it or not.
    const { body } = await post(stack, models.query.replace('first: 2', 'first: 100'), { after: null }, asAlice);
    const edges = body.data.registeredModels.edges as { cursor: string; node: { name: string } }[];
    expect(edges.map((edge) => edge.node.name)).toEqual(readableModels);
    for (const [index, edge] of edges.entries()) {
      const rest = await post(stack, models.query.replace('first: 2', 'first: 100'), { after: edge.cursor }, asAlice);
      expect(rest.body.data.registeredModels.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(
        readableModels.slice(index + 1),
      );
    }
  });
});

describe('cursors on an MLflow without authentication (anonymous callers allowed)', () => {
  let stack: Stack;
  let variables: Record<string, unknown>;

  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'empty' } });
    variables = { experimentId: await seed(stack, false) };
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('(c) refuses a cursor replayed by an anonymous caller, or by another credential, and an anonymous one replayed with credentials', async () => {
    for (const spec of SPECS) {
      const alices = await firstEndCursor(stack, spec, variables, asAlice);
      await expectRefused(stack, spec, variables, alices, anonymous);
      await expectRefused(stack, spec, variables, alices, asBob);
      await expectAccepted(stack, spec, variables, alices, asAlice);
      const anonymousCursor = await firstEndCursor(stack, spec, variables, anonymous);
      await expectRefused(stack, spec, variables, anonymousCursor, asAlice);
      await expectAccepted(stack, spec, variables, anonymousCursor, anonymous);
    }
  });
});

describe('cursors across replicas', () => {
  const secret = (c: string) => c.repeat(40);
  let first: Stack;
  let sameSecret: Stack;
  let otherSecret: Stack;
  let variables: Record<string, unknown>;

  beforeAll(async () => {
    first = await startStack({ emulator: { seed: 'empty' }, env: { MLFLOW_SUPERGRAPH_SECRET: secret('a') } });
    variables = { experimentId: await seed(first, false) };
    sameSecret = await startStack({ sharedEmulator: first.emulator, env: { MLFLOW_SUPERGRAPH_SECRET: secret('a') } });
    otherSecret = await startStack({ sharedEmulator: first.emulator, env: { MLFLOW_SUPERGRAPH_SECRET: secret('b') } });
  });

  afterAll(async () => {
    await otherSecret?.close();
    await sameSecret?.close();
    await first?.close();
  });

  it('accepts a cursor on another replica with the same MLFLOW_SUPERGRAPH_SECRET and refuses it under another key', async () => {
    for (const spec of SPECS) {
      const cursor = await firstEndCursor(first, spec, variables, asAlice);
      await expectAccepted(sameSecret, spec, variables, cursor, asAlice);
      await expectRefused(otherSecret, spec, variables, cursor, asAlice);
    }
  });
});
