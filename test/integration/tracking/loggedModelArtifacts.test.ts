// LoggedModel.artifacts end to end on the emulator in MLflow 3 mode behind basic-auth: the demo's models list their
// MLmodel through logged-models/{id}/artifacts/directories, and the signed downloadUrl streams the bytes the
// emulator serves at .../artifacts/files, byte for byte. The model's experiment governs both.
import { ADMIN, BOB, CAROL, DEMO_LOGGED_MODELS, MLFLOW3_VERSION } from '@mlflow-supergraph/mlflow-emulator';
import { asUser } from '../../helpers/auth.js';
import { startStack, type Stack } from '../../helpers/startStack.js';

const LIST = (id: string) => `GET /api/2.0/mlflow/logged-models/${id}/artifacts/directories`;
const FILES = (id: string) => `GET /api/2.0/mlflow/logged-models/${id}/artifacts/files`;

describe('logged model artifacts (MLflow 3)', () => {
  let stack: Stack;
  // demand-forecasting is the demo's private experiment: carol has NO_PERMISSIONS on it, bob explicit read.
  const model = DEMO_LOGGED_MODELS.find((m) => m.experiment === 'demand-forecasting');
  beforeAll(async () => {
    stack = await startStack({ emulator: { seed: 'demo', auth: true, mlflowVersion: MLFLOW3_VERSION } });
  });
  afterAll(() => stack.close());

  const QUERY = `query($id: ID!) { loggedModel(id: $id) {
    artifacts { nodes { path name isDir fileSize downloadUrl text } pageInfo { hasNextPage } }
  } }`;

  it('lists the model files and downloads MLmodel byte for byte through its signed URL', async () => {
    if (!model) throw new Error('no demo logged model in demand-forecasting');
    const expected = Buffer.from(stack.emulator.store.loggedModels.getLoggedModel(model.modelId).files.get('MLmodel')!);
    const result = await stack.query(QUERY, { id: model.modelId }, asUser(BOB));
    expect(result.errors).toBeUndefined();
    const { nodes, pageInfo } = result.data.loggedModel.artifacts;
    expect(pageInfo.hasNextPage).toBe(false);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ path: 'MLmodel', name: 'MLmodel', isDir: false, fileSize: expected.length });
    expect(nodes[0].text).toBe(expected.toString('utf8'));
    expect(nodes[0].downloadUrl).toContain(`/artifacts/v1/loggedModel/${model.modelId}/MLmodel`);
    const response = await fetch(new URL(nodes[0].downloadUrl, stack.gateway.url), { headers: asUser(BOB) });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(expected)).toBe(true);
    // One read for `text`, one for the download.
    expect(stack.emulator.callCount(FILES(model.modelId))).toBe(2);
    expect(stack.emulator.callCount(LIST(model.modelId))).toBe(1);
  });

  it('refuses a caller with NO_PERMISSIONS on the experiment, listing nothing', async () => {
    if (!model) throw new Error('no demo logged model in demand-forecasting');
    const result = await stack.query(QUERY, { id: model.modelId }, asUser(CAROL));
    expect(result.data?.loggedModel ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('re-checks the experiment when the URL is fetched: a caller revoked since gets a 403', async () => {
    if (!model) throw new Error('no demo logged model in demand-forecasting');
    const listed = await stack.query(QUERY, { id: model.modelId }, asUser(BOB));
    const url: string = listed.data.loggedModel.artifacts.nodes[0].downloadUrl;
    const experimentId = stack.emulator.store.tracking.getExperimentByName(model.experiment)!.experimentId;
    const revoked = await stack.query(
      `mutation($e: ID!) { setExperimentPermission(experimentId: $e, grantee: { name: "bob" }, level: NO_PERMISSIONS) { objectId } }`,
      { e: experimentId },
      asUser(ADMIN),
    );
    expect(revoked.errors).toBeUndefined();
    const before = stack.emulator.callCount(FILES(model.modelId));
    const response = await fetch(new URL(url, stack.gateway.url), { headers: asUser(BOB) });
    expect(response.status).toBe(403);
    // Refused by the gateway's own check of the signed experiment, before any upstream call.
    expect(stack.emulator.callCount(FILES(model.modelId))).toBe(before);
    expect((await response.arrayBuffer()).byteLength).toBeLessThan(1000);
  });
});
