import { ALICE } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asUser } from '../../helpers/auth.js';

// A basic-auth server whose permission API is gone (MLflow >= 3.13 moved to RBAC): the graph says so with
// UNSUPPORTED_BY_BACKEND and serves nothing it cannot authorize.
describe('permission API missing on the server', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { auth: true } });
    stack.emulator.setFaults([
      { endpoint: 'GET /api/2.0/mlflow/users/get', status: 404, errorCode: 'ENDPOINT_NOT_FOUND', message: 'Not found' },
    ]);
  });
  afterAll(() => stack.close());

  it('fails closed with UNSUPPORTED_BY_BACKEND', async () => {
    const result = await stack.query(`{ experimentByName(name: "fraud-detection") { name } }`, {}, asUser(ALICE));
    expect(result.data?.experimentByName ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(result.errors?.[0]?.message).toMatch(/RBAC/);
  });
});
