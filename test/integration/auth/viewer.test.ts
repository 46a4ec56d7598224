// `viewer` tells the truth about who is calling: a name only for credentials the backend accepted, the name and
// e-mail the backend knows (SCIM Me on Databricks, /user on GitLab), and no `write` scope for anonymous callers.
import { ALICE, DATABRICKS_BOB, GITLAB_OUTSIDER, GITLAB_REPORTER } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asBearer, asUser, basicAuth } from '../../helpers/auth.js';

const VIEWER = `{ viewer { id username email authKind scopes } }`;

describe('viewer on MLflow basic-auth', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', auth: true } });
  });
  afterAll(() => stack.close());

  it('a wrong password is UNAUTHENTICATED, never the name from the Basic header', async () => {
    const result = await stack.query(VIEWER, {}, { authorization: basicAuth(ALICE.username, 'not-her-password') });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(result)).not.toContain('alice');
  });

  it('the right password names the user, verified by one profile fetch that the permission checks reuse', async () => {
    stack.coldStart();
    const headers = asUser(ALICE);
    const result = await stack.query(
      `{ viewer { id username authKind scopes } experimentByName(name: "fraud-detection") { viewerPermission } }`,
      {},
      headers,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer).toEqual({
      id: 'user:alice',
      username: 'alice',
      authKind: 'BASIC',
      scopes: ['read', 'write'],
    });
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/users/get')).toBe(1);
    // Cached for this caller's credentials: the next request verifies nothing again.
    await stack.query(VIEWER, {}, headers);
    expect(stack.emulator.callCount('GET /api/2.0/mlflow/users/get')).toBe(1);
  });

  it('anonymous callers have no write scope and cannot write', async () => {
    const result = await stack.query(VIEWER);
    expect(result.data.viewer).toEqual({
      id: null,
      username: null,
      email: null,
      authKind: 'ANONYMOUS',
      scopes: ['read'],
    });
    stack.emulator.resetCalls();
    const write = await stack.query(`mutation { createExperiment(input: { name: "anonymous-write" }) { id } }`);
    expect(write.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(stack.emulator.callCount('POST /api/2.0/mlflow/experiments/create')).toBe(0);
  });
});

describe('viewer on an open MLflow (no auth, no permission service)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'empty' } });
  });
  afterAll(() => stack.close());

  it('anonymous callers may write, as the server lets anyone', async () => {
    const result = await stack.query(`{ viewer { authKind scopes } }`);
    expect(result.data.viewer).toEqual({ authKind: 'ANONYMOUS', scopes: ['read', 'write'] });
    const write = await stack.query(`mutation { createExperiment(input: { name: "open-write" }) { name } }`);
    expect(write.errors).toBeUndefined();
    expect(write.data.createExperiment.name).toBe('open-write');
  });
});

describe('viewer on Databricks', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      emulator: { seed: 'demo', databricks: true },
      env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' },
    });
  });
  afterAll(() => stack.close());

  it('names the token owner and e-mail from SCIM Me', async () => {
    const result = await stack.query(VIEWER, {}, asBearer(DATABRICKS_BOB.token));
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer).toMatchObject({
      username: DATABRICKS_BOB.userName,
      email: DATABRICKS_BOB.userName,
      authKind: 'BEARER',
    });
  });

  it('a token Databricks rejects is UNAUTHENTICATED', async () => {
    const result = await stack.query(VIEWER, {}, asBearer('dapi-not-a-token'));
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('viewer on GitLab', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', gitlab: true } });
  });
  afterAll(() => stack.close());

  it('names the token owner and e-mail from /user', async () => {
    const result = await stack.query(VIEWER, {}, asBearer(GITLAB_REPORTER.token));
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer).toMatchObject({
      username: GITLAB_REPORTER.username,
      email: GITLAB_REPORTER.email,
      authKind: 'BEARER',
    });
  });

  it("works for a non-member of a private project (only the project's data is refused)", async () => {
    const result = await stack.query(
      `{ viewer { username email scopes isAdmin permissionBackend } }`,
      {},
      asBearer(GITLAB_OUTSIDER.token),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer).toEqual({
      username: GITLAB_OUTSIDER.username,
      email: GITLAB_OUTSIDER.email,
      scopes: ['read', 'write'],
      isAdmin: false,
      permissionBackend: 'gitlab',
    });
    const data = await stack.query(
      `{ experimentByName(name: "fraud-detection") { id } }`,
      {},
      asBearer(GITLAB_OUTSIDER.token),
    );
    expect(data.data).toEqual({ experimentByName: null });
  });

  it('a token GitLab rejects is UNAUTHENTICATED', async () => {
    const result = await stack.query(VIEWER, {}, asBearer('glpat-not-a-token'));
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
