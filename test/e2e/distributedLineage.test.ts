// MLflow 3's lineage in distributed mode: the fields one subgraph requires from another (a version's source and run
// for its logged model; a logged model's experiment, run and tags for its versions and its viewerPermission) travel
// between subgraph servers over signed HTTP, and the answer is the in-process one.
import { loadConfig } from '../../src/config.js';
import { DEMO_LOGGED_MODELS, MLFLOW3_VERSION, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { startDistributed, type DistributedStack } from '../helpers/startDistributed.js';
import { postGraphQL } from '../helpers/graphql.js';

describe('MLflow 3 lineage across subgraph servers', () => {
  let emulator: Emulator;
  let distributed: DistributedStack | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', mlflowVersion: MLFLOW3_VERSION });
    const config = loadConfig({
      NODE_ENV: 'test',
      MLFLOW_TRACKING_URI: emulator.url,
      MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: 'y'.repeat(48),
    });
    distributed = await startDistributed(config, emulator.url);
  });
  afterAll(async () => {
    await distributed?.close();
    await emulator?.close();
  });

  it('links versions to their logged models and back, with the models’ permission, over HTTP', async () => {
    const plan = DEMO_LOGGED_MODELS.find((m) => m.registeredAs?.name === 'fraud-detector')!;
    const result = await postGraphQL(
      distributed!.gateway.graphqlUrl,
      `query($name: String!, $id: ID!) {
        registeredModel(name: $name) { versions(first: 20) { nodes { version loggedModel { id name viewerPermission } } } }
        loggedModel(id: $id) { name registeredVersions { name version run { id } } sourceRunId }
      }`,
      { name: 'fraud-detector', id: plan.modelId },
    );
    expect(result.errors).toBeUndefined();
    const linked = result.data.registeredModel.versions.nodes.find(
      (v: { version: string }) => v.version === String(plan.registeredAs!.version),
    );
    expect(linked.loggedModel).toEqual({ id: plan.modelId, name: plan.name, viewerPermission: 'CAN_MANAGE' });
    expect(result.data.loggedModel.registeredVersions).toEqual([
      {
        name: 'fraud-detector',
        version: String(plan.registeredAs!.version),
        run: { id: result.data.loggedModel.sourceRunId },
      },
    ]);
  });
});
