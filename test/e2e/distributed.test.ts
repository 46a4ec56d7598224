// Distributed mode: each subgraph on its own port, the gateway calling them over HTTP with signed requests.
import { signSubgraphRequest } from '../../src/auth/subgraphSigning.js';
import { loadConfig } from '../../src/config.js';
import { ADMIN, ALICE, CAROL, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import type { RunningGateway } from '../../src/gateway/startGateway.js';
import type { SubgraphName } from '../../src/subgraphs/loadSchema.js';
import type { RunningSubgraph } from '../../src/subgraphs/startSubgraph.js';
import { startDistributed, type DistributedStack } from '../helpers/startDistributed.js';
import { asUser, basicAuth, basicPrincipal } from '../helpers/auth.js';
import { postGraphQL } from '../helpers/graphql.js';

const SECRET = 'x'.repeat(48);

describe('distributed mode with signed subgraph requests', () => {
  let emulator: Emulator;
  let gateway: RunningGateway;
  const subgraphs = new Map<SubgraphName, RunningSubgraph>();
  let distributed: DistributedStack | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', auth: true });
    const config = loadConfig({
      NODE_ENV: 'test',
      MLFLOW_TRACKING_URI: emulator.url,
      MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: SECRET,
    });
    distributed = await startDistributed(config, emulator.url);
    gateway = distributed.gateway;
    for (const [name, subgraph] of distributed.subgraphs) subgraphs.set(name, subgraph);
  });
  afterAll(async () => {
    await distributed?.close();
    await emulator?.close();
  });

  it('answers a query that spans all three subgraphs', async () => {
    const result = await postGraphQL(
      gateway.graphqlUrl,
      `{ registeredModel(name: "fraud-detector") { name viewerPermission versions(first: 2) { nodes { version run { id experiment { name viewerPermission } } } } } viewer { username } }`,
      {},
      asUser(ALICE),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer.username).toBe('alice');
    expect(result.data.registeredModel.viewerPermission).toBe('CAN_MANAGE');
    expect(result.data.registeredModel.versions.nodes[0].run.experiment.name).toBe('fraud-detection');
  });

  it('keeps authorization in distributed mode (carol cannot read the private model)', async () => {
    const result = await postGraphQL(
      gateway.graphqlUrl,
      `{ registeredModel(name: "demand-forecaster") { name } }`,
      {},
      asUser(CAROL),
    );
    expect(result.data?.registeredModel ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  const entitiesQuery = `query($r: [_Any!]!) { _entities(representations: $r) { ... on RegisteredModel { name description } } }`;
  const variables = { r: [{ __typename: 'RegisteredModel', name: 'demand-forecaster' }] };
  const admin = basicAuth(ADMIN.username, ADMIN.password);

  it('rejects an unsigned request sent straight to a subgraph', async () => {
    const response = await fetch((subgraphs.get('registry') as RunningSubgraph).url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: admin },
      body: JSON.stringify({ query: entitiesQuery, variables }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a tampered or replayed request', async () => {
    const url = (subgraphs.get('registry') as RunningSubgraph).url;
    const carol = basicPrincipal(CAROL.username, CAROL.password);
    const signed = signSubgraphRequest(SECRET, 'registry', carol, entitiesQuery, variables);
    const send = (headers: Record<string, string>, vars: unknown = variables) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: entitiesQuery, variables: vars }),
      });
    // Carol's signed identity with the admin's credentials swapped in.
    expect((await send({ ...signed, authorization: admin })).status).toBe(401);
    // Signed for other variables.
    expect(
      (
        await send(
          { ...signed, authorization: carol.authorization },
          { r: [{ __typename: 'RegisteredModel', name: 'fraud-detector' }] },
        )
      ).status,
    ).toBe(401);
    // Signed with another secret.
    expect(
      (
        await send({
          ...signSubgraphRequest('y'.repeat(48), 'registry', carol, entitiesQuery, variables),
          authorization: carol.authorization,
        })
      ).status,
    ).toBe(401);
    // The genuine request is answered once (and carol is still refused the private model)...
    const genuine = await send({ ...signed, authorization: carol.authorization });
    expect(genuine.status).toBe(200);
    const body = (await genuine.json()) as {
      data: { _entities: unknown[] };
      errors: { extensions: { code: string } }[];
    };
    expect(body.data._entities[0]).toBeNull();
    expect(body.errors[0]?.extensions.code).toBe('FORBIDDEN');
    // ...and not twice.
    expect((await send({ ...signed, authorization: carol.authorization })).status).toBe(401);
  });
});
