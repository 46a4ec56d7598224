// Identity headers from a trusted proxy (x-forwarded-user, x-forwarded-email, x-forwarded-groups) with a
// backend other than the custom permission service: MLflow basic-auth, the service's credentials upstream.
// Every proxy user carries the same service credentials, so what is cached per caller must be keyed by the
// identity the proxy vouched for; and without the trusted-proxy setting those headers mean nothing.
import { ADMIN, BOB, CAROL } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { basicAuth } from '../../helpers/auth.js';

const PRIVATE = 'demand-forecasting';
const readPrivate = `query($n: String!) { experimentByName(name: $n) { name } viewer { id username } }`;

describe('trusted proxy in front of MLflow basic-auth', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      emulator: { auth: true },
      env: {
        MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true',
        MLFLOW_TRACKING_USERNAME: ADMIN.username,
        MLFLOW_TRACKING_PASSWORD: ADMIN.password,
        CACHE_TTL_PERMISSION: '60',
      },
    });
  });
  afterAll(() => stack.close());

  it('never serves one proxy user the permission profile cached for another', async () => {
    const bob = await stack.query(
      readPrivate,
      { n: PRIVATE },
      { 'x-forwarded-user': BOB.username, 'x-forwarded-email': 'bob@example.com' },
    );
    expect(bob.errors).toBeUndefined();
    expect(bob.data.experimentByName.name).toBe(PRIVATE);
    // Right after, within the permission TTL, with the same service credentials upstream.
    const carol = await stack.query(readPrivate, { n: PRIVATE }, { 'x-forwarded-user': CAROL.username });
    expect(carol.data?.experimentByName ?? null).toBeNull();
    expect(carol.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(carol.data?.viewer).toEqual({ id: 'user:carol', username: 'carol' });
  });

  it('a caller named by e-mail alone has no basic-auth user name: UNAUTHENTICATED, not someone else', async () => {
    const result = await stack.query(readPrivate, { n: PRIVATE }, { 'x-forwarded-email': 'bob@example.com' });
    expect(result.data?.experimentByName ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('identity headers without the trusted-proxy setting', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ emulator: { auth: true } });
  });
  afterAll(() => stack.close());

  it('ignores a client-sent x-forwarded-email, x-forwarded-user and x-forwarded-groups', async () => {
    const spoof = {
      'x-forwarded-user': ADMIN.username,
      'x-forwarded-email': 'admin@example.com',
      'x-forwarded-groups': 'admins',
    };
    const carol = await stack.query(
      readPrivate,
      { n: PRIVATE },
      { authorization: basicAuth(CAROL.username, CAROL.password), ...spoof },
    );
    expect(carol.data?.viewer).toEqual({ id: 'user:carol', username: 'carol' });
    expect(carol.data?.experimentByName ?? null).toBeNull();
    expect(carol.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const nobody = await stack.query(`{ viewer { id authKind } }`, {}, spoof);
    expect(nobody.data?.viewer).toEqual({ id: null, authKind: 'ANONYMOUS' });
    const refused = await stack.query(`{ experiments(first: 1) { nodes { name } } }`, {}, spoof);
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});
