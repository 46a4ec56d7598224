// Experiment.permissions and RegisteredModel.permissions on MLflow's basic-auth: the real grants of every user where
// the server can list its users (MLflow 3's users/list, an administrator's), the caller's own entry elsewhere. The
// cost is one users/list and one users/get per other user per request, whatever the number of objects asked about.
import { ADMIN, ALICE, SEED_USERS } from '@mlflow-supergraph/mlflow-emulator';
import { asUser } from '../../helpers/auth.js';
import { startStack, type Stack } from '../../helpers/startStack.js';

const ACL = `permissions { complete defaultLevel entries { grantee { name } level inherited } }`;

describe('on MLflow 3 (users/list)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', auth: true, mlflowVersion: '3.11.1' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows an administrator every grant of the private experiment, with the default level', async () => {
    const result = await stack.query(`{ experimentByName(name: "demand-forecasting") { ${ACL} } }`, {}, asUser(ADMIN));
    expect(result.errors).toBeUndefined();
    const acl = result.data.experimentByName.permissions;
    expect(acl.complete).toBe(true);
    expect(acl.defaultLevel).toBe('CAN_READ');
    expect(acl.entries).toEqual(
      expect.arrayContaining([
        { grantee: { name: 'admin' }, level: 'CAN_MANAGE', inherited: true },
        { grantee: { name: 'carol' }, level: 'NO_PERMISSIONS', inherited: false },
      ]),
    );
  });

  it.each([1, 6])('costs 1 users/list + one users/get per user for %i experiment(s)', async (count) => {
    stack.coldStart();
    const result = await stack.query(
      `query($n: Int!) { experiments(first: $n) { nodes { id ${ACL} } } }`,
      { n: count },
      asUser(ADMIN),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.experiments.nodes).toHaveLength(count);
    expect(result.data.experiments.nodes.every((e: any) => e.permissions.complete)).toBe(true);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/users/list')).toBe(1);
    // The admin's own profile (their permission checks) and each of the other seed users once.
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/users/get')).toBe(1 + SEED_USERS.length);
    console.log(
      `object grants: ${count} experiments → ${stack.emulator.callCount('GET /api/2.0/mlflow/users/list')} users/list + ${stack.emulator.callCount('GET /api/2.0/mlflow/users/get')} users/get`,
    );
  });

  it('shows a manager who is no administrator her own entry, without asking for the user list', async () => {
    stack.emulator.resetCalls();
    const result = await stack.query(`{ experimentByName(name: "fraud-detection") { ${ACL} } }`, {}, asUser(ALICE));
    expect(result.errors).toBeUndefined();
    expect(result.data.experimentByName.permissions).toEqual({
      complete: false,
      defaultLevel: 'CAN_READ',
      entries: [{ grantee: { name: 'alice' }, level: 'CAN_MANAGE', inherited: false }],
    });
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/users/list')).toBe(0);
  });

  it('shows each grant in the answer of the mutation that made it, even after a list was read in the request', async () => {
    const result = await stack.query(
      `mutation {
        first: setExperimentPermission(experimentId: "0", grantee: { name: "bob" }, level: CAN_EDIT) { complete entries { grantee { name } level } }
        second: setExperimentPermission(experimentId: "0", grantee: { name: "carol" }, level: CAN_READ) { complete entries { grantee { name } level } }
      }`,
      {},
      asUser(ADMIN),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.first.complete).toBe(true);
    expect(result.data.first.entries).toContainEqual({ grantee: { name: 'bob' }, level: 'CAN_EDIT' });
    expect(result.data.second.entries).toEqual(
      expect.arrayContaining([
        { grantee: { name: 'bob' }, level: 'CAN_EDIT' },
        { grantee: { name: 'carol' }, level: 'CAN_READ' },
      ]),
    );
  });
});

describe('on MLflow 2.x (no users/list)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', auth: true } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers the caller’s own entry, learning once per process that the server has no user list', async () => {
    for (const round of [1, 2]) {
      stack.emulator.resetCalls();
      const result = await stack.query(
        `{ experimentByName(name: "demand-forecasting") { ${ACL} } }`,
        {},
        asUser(ADMIN),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.experimentByName.permissions).toEqual({
        complete: false,
        defaultLevel: 'CAN_READ',
        entries: [{ grantee: { name: 'admin' }, level: 'CAN_MANAGE', inherited: false }],
      });
      expect(stack.emulator.callCount('GET /api/2.0/mlflow/users/list')).toBe(round === 1 ? 1 : 0);
    }
  });
});
