// Databricks splits stage rights: a user with CAN_MANAGE_STAGING_VERSIONS on a model may move its versions
// between None, Staging and Archived, and is refused anything that touches Production — by the graph, before
// any write reaches Databricks. The model's ACL shows the direct grant and the inherited workspace entry.
import { DATABRICKS_ALICE, DATABRICKS_CAROL } from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { asBearer } from '../../helpers/auth.js';

const MODEL = 'churn-model'; // demo: v1 Archived, v2 Production, v3 None
const TRANSITION = 'POST /api/2.0/mlflow/model-versions/transition-stage';
const carol = asBearer(DATABRICKS_CAROL.token);
const alice = asBearer(DATABRICKS_ALICE.token);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    emulator: { seed: 'demo', databricks: true },
    env: { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' },
  });
  const model = stack.emulator.store.registry.models.get(MODEL);
  if (!model) throw new Error(`demo seed has no ${MODEL}`);
  stack.emulator.store.databricks.grant(
    'registered-models',
    model.id,
    { kind: 'user', name: DATABRICKS_CAROL.userName },
    'CAN_MANAGE_STAGING_VERSIONS',
  );
});

afterAll(() => stack.close());

const transition = (version: string, stage: string) =>
  stack.query(
    `mutation($v: String!, $s: ModelVersionStage!) { transitionModelVersionStage(name: "${MODEL}", version: $v, stage: $s) { version stage } }`,
    { v: version, s: stage },
    carol,
  );

describe('CAN_MANAGE_STAGING_VERSIONS on Databricks', () => {
  it('reports the level as the caller’s viewerPermission', async () => {
    const result = await stack.query(`{ registeredModel(name: "${MODEL}") { viewerPermission } }`, {}, carol);
    expect(result.errors).toBeUndefined();
    expect(result.data.registeredModel.viewerPermission).toBe('CAN_MANAGE_STAGING_VERSIONS');
  });

  it('moves a version to Staging', async () => {
    stack.emulator.resetCalls();
    const result = await transition('3', 'STAGING');
    expect(result.errors).toBeUndefined();
    expect(result.data.transitionModelVersionStage).toEqual({ version: '3', stage: 'STAGING' });
    expect(stack.emulator.callCount(TRANSITION)).toBe(1);
    const after = await stack.query(`{ modelVersion(name: "${MODEL}", version: "3") { stage } }`, {}, alice);
    expect(after.data.modelVersion.stage).toBe('STAGING');
  });

  it('is refused Production, before any write reaches Databricks', async () => {
    stack.emulator.resetCalls();
    const result = await transition('3', 'PRODUCTION');
    expect(result.data?.transitionModelVersionStage ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.errors?.[0]?.message).toMatch(/CAN_MANAGE_PRODUCTION_VERSIONS/);
    expect(stack.emulator.callCount(TRANSITION)).toBe(0);
  });

  it('is refused moving the Production version out of Production', async () => {
    stack.emulator.resetCalls();
    const result = await transition('2', 'ARCHIVED');
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(stack.emulator.callCount(TRANSITION)).toBe(0);
    const after = await stack.query(`{ modelVersion(name: "${MODEL}", version: "2") { stage } }`, {}, alice);
    expect(after.data.modelVersion.stage).toBe('PRODUCTION');
  });

  it('shows the direct grant and the inherited workspace entry in the model’s ACL', async () => {
    const result = await stack.query(
      `{ registeredModel(name: "${MODEL}") { permissions { entries { grantee { kind name } level inherited inheritedFrom } } } }`,
      {},
      alice,
    );
    expect(result.errors).toBeUndefined();
    const entries = result.data.registeredModel.permissions.entries;
    expect(entries).toEqual(
      expect.arrayContaining([
        {
          grantee: { kind: 'USER', name: DATABRICKS_CAROL.userName },
          level: 'CAN_MANAGE_STAGING_VERSIONS',
          inherited: false,
          inheritedFrom: null,
        },
        {
          grantee: { kind: 'GROUP', name: 'admins' },
          level: 'CAN_MANAGE',
          inherited: true,
          inheritedFrom: expect.stringContaining('registered-models'),
        },
      ]),
    );
  });
});
