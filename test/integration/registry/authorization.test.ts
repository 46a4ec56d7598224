// The registry's authorization directives, enforced in the registry subgraph, against the emulator serving
// as `mlflow server --app-name basic-auth` (default permission READ).
import { ADMIN, ALICE, BOB } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { mlflowRest } from './seedRegistry.js';
import { asUser } from '../../helpers/auth.js';

let stack: Stack;
const asAdmin = asUser(ADMIN);
const asBob = asUser(BOB);
const asAlice = asUser(ALICE);

beforeAll(async () => {
  stack = await startStack({
    emulator: { seed: 'empty', auth: true },
    env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'mlflow-basic-auth' },
  });
  const rest = (method: string, path: string, body: unknown) =>
    mlflowRest(stack.emulator.url, method, path, body, asAdmin);
  for (const user of [ALICE, BOB])
    await rest('POST', '/api/2.0/mlflow/users/create', { username: user.username, password: user.password });
  for (const name of ['authz-open', 'authz-private']) {
    await rest('POST', '/api/2.0/mlflow/registered-models/create', { name });
    await rest('POST', '/api/2.0/mlflow/model-versions/create', { name, source: `s3://authz/${name}` });
  }
  await rest('POST', '/api/2.0/mlflow/registered-models/permissions/create', {
    name: 'authz-private',
    username: BOB.username,
    permission: 'NO_PERMISSIONS',
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('registry authorization', () => {
  it('asks anonymous callers to authenticate', async () => {
    const response = await stack.query(`{ registeredModel(name: "authz-open") { name } }`);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('omits models a caller may not read from lists, and answers null + FORBIDDEN for one asked by name', async () => {
    const list = await stack.query(`{ registeredModels(filter: "name LIKE 'authz-%'") { nodes { name } } }`, {}, asBob);
    expect(list.errors).toBeUndefined();
    expect(list.data.registeredModels.nodes).toEqual([{ name: 'authz-open' }]);

    const one = await stack.query(
      `{ open: registeredModel(name: "authz-open") { name } private: registeredModel(name: "authz-private") { name } }`,
      {},
      asBob,
    );
    expect(one.data).toEqual({ open: { name: 'authz-open' }, private: null });
    expect(one.errors?.[0]).toMatchObject({ path: ['private'], extensions: { code: 'FORBIDDEN' } });

    const version = await stack.query(`{ modelVersions(filter: "name LIKE 'authz-%'") { nodes { name } } }`, {}, asBob);
    expect(version.data.modelVersions.nodes).toEqual([{ name: 'authz-open' }]);
  });

  it('lets a permitted caller read the same objects', async () => {
    const response = await stack.query(
      `{ registeredModel(name: "authz-private") { name versions { nodes { version } } } }`,
      {},
      asAlice,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.registeredModel).toEqual({ name: 'authz-private', versions: { nodes: [{ version: '1' }] } });
  });

  it('refuses a write below the required level before anything is sent upstream', async () => {
    stack.emulator.resetCalls();
    const response = await stack.query(
      `mutation { setRegisteredModelTag(name: "authz-open", tag: { key: "k", value: "v" }) { name } }`,
      {},
      asBob,
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/registered-models/set-tag')).toBe(0);
  });
});
