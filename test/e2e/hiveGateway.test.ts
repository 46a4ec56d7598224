// The supergraph unchanged under another engine: Hive Gateway (from npm, with Hive Router's Rust query planner), in
// a process of its own, in front of our subgraph servers, signing every subgraph request with its standard
// `hmacSignature` plugin. Our subgraphs accept that signature (MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET) and refuse a
// missing or wrong one; the answer matches our own gateway's.
import { ADMIN, ALICE, CAROL, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { hiveSignature, HIVE_SIGNATURE_EXTENSION } from '../../src/auth/hiveSignature.js';
import { loadConfig } from '../../src/config.js';
import { startPeerGateway, type PeerGateway } from '../../bench/peer.js';
import { asUser, basicAuth } from '../helpers/auth.js';
import { postGraphQL, postJson } from '../helpers/graphql.js';
import { startDistributed, type DistributedStack } from '../helpers/startDistributed.js';

const SECRET = 'x'.repeat(48);
const HIVE_SECRET = 'h'.repeat(48);
const ENV = {
  NODE_ENV: 'test',
  MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: SECRET,
  MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET: HIVE_SECRET,
  // Identity headers would be believed from our gateway: a Hive-signed request must not get that far.
  MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true',
};

const SPANNING = `{
  registeredModel(name: "fraud-detector") {
    name viewerPermission
    versions(first: 2) { nodes { version run { id experiment { name viewerPermission } } } }
  }
  viewer { username }
}`;

describe('Hive Gateway in front of our subgraphs', () => {
  let emulator: Emulator;
  let distributed: DistributedStack;
  let hive: PeerGateway;
  let wrongSecret: PeerGateway;
  const urls = {} as Record<'tracking' | 'registry' | 'permissions', string>;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', auth: true });
    distributed = await startDistributed(loadConfig({ ...ENV, MLFLOW_TRACKING_URI: emulator.url }), emulator.url);
    for (const [name, subgraph] of distributed.subgraphs) urls[name as keyof typeof urls] = subgraph.url;
    [hive, wrongSecret] = await Promise.all([
      startPeerGateway({ urls, hiveSecret: HIVE_SECRET }),
      startPeerGateway({ urls, hiveSecret: 'w'.repeat(48) }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([hive?.close(), wrongSecret?.close()]);
    await distributed?.close();
    await emulator?.close();
  });

  it('answers a query spanning all three subgraphs as our gateway does, authorization included', async () => {
    const [theirs, ours] = await Promise.all([
      postGraphQL(hive.graphqlUrl, SPANNING, {}, asUser(ALICE)),
      postGraphQL(distributed.gateway.graphqlUrl, SPANNING, {}, asUser(ALICE)),
    ]);
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data.viewer.username).toBe('alice');
    expect(theirs.data.registeredModel.versions.nodes[0].run.experiment.name).toBe('fraud-detection');
    expect(ours.errors).toBeUndefined();
    expect(theirs.data).toEqual(ours.data);
    // Carol may not read this model, through Hive as through us.
    const carol = await postGraphQL(
      hive.graphqlUrl,
      `{ registeredModel(name: "demand-forecaster") { name } }`,
      {},
      asUser(CAROL),
    );
    expect(carol.data?.registeredModel ?? null).toBeNull();
  });

  it('refuses what a gateway with the wrong secret signed', async () => {
    const result = await postGraphQL(wrongSecret.graphqlUrl, SPANNING, {}, asUser(ALICE));
    expect(result.data?.registeredModel ?? null).toBeNull();
    expect(result.errors?.length).toBeGreaterThan(0);
  });

  const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on RegisteredModel { name description } } }`;
  const variables = { r: [{ __typename: 'RegisteredModel', name: 'demand-forecaster' }] };
  const admin = { authorization: basicAuth(ADMIN.username, ADMIN.password) };

  it.each([
    ['missing', {}],
    ['made with another secret', { [HIVE_SIGNATURE_EXTENSION]: hiveSignature('w'.repeat(48), entities, variables) }],
    ['for other variables', { [HIVE_SIGNATURE_EXTENSION]: hiveSignature(HIVE_SECRET, entities, {}) }],
  ])('refuses a request straight to a subgraph whose Hive signature is %s (401)', async (_case, extensions) => {
    const { status, body } = await postJson(urls.registry, { query: entities, variables, extensions }, admin);
    expect(status).toBe(401);
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('takes the caller of a Hive-signed request from its credentials, never from identity headers', async () => {
    const query = '{ viewer { username } }';
    const signed = { query, extensions: { [HIVE_SIGNATURE_EXTENSION]: hiveSignature(HIVE_SECRET, query) } };
    const proxied = await postJson(urls.permissions, signed, { 'x-forwarded-user': ADMIN.username });
    expect(proxied.status).toBe(200);
    expect(proxied.body.data.viewer.username ?? null).toBeNull();
    const credentialed = await postJson(urls.permissions, signed, asUser(ALICE));
    expect(credentialed.body.data.viewer.username).toBe('alice');
  });
});
