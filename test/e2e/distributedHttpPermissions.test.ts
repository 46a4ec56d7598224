// Distributed mode with a custom permission service: the subgraph servers ask the service, so the caller's
// e-mail and groups must cross the gateway → subgraph hop inside the signed identity, and a request whose
// identity was swapped (another e-mail, extra groups) must be refused before the service is asked.
import { signSubgraphRequest } from '../../src/auth/subgraphSigning.js';
import { loadConfig } from '../../src/config.js';
import type { Principal } from '../../src/auth/Principal.js';
import { DEMO_EXPERIMENTS, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import type { RunningGateway } from '../../src/gateway/startGateway.js';
import type { SubgraphName } from '../../src/subgraphs/loadSchema.js';
import type { RunningSubgraph } from '../../src/subgraphs/startSubgraph.js';
import { startDistributed, type DistributedStack } from '../helpers/startDistributed.js';
import { startPermissionService, type FakePermissionService } from '../helpers/startPermissionService.js';
import { postGraphQL } from '../helpers/graphql.js';

const SECRET = 'z'.repeat(48);
const PRIVATE_ID = String(DEMO_EXPERIMENTS.findIndex((e) => e.name === 'demand-forecasting') + 1);

describe('distributed mode with a custom permission service', () => {
  let emulator: Emulator;
  let service: FakePermissionService;
  let gateway: RunningGateway;
  const subgraphs = new Map<SubgraphName, RunningSubgraph>();
  let distributed: DistributedStack | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    service = await startPermissionService({
      batch: true,
      rules: {
        'dana@example.com': { default: 'CAN_READ', experiments: { [PRIVATE_ID]: 'NO_PERMISSIONS' } },
        'group:forecasters': { experiments: { [PRIVATE_ID]: 'CAN_READ' } },
      },
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      MLFLOW_TRACKING_URI: emulator.url,
      MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: SECRET,
      MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true',
      MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
      MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: service.url,
      MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH: 'true',
    });
    distributed = await startDistributed(config, emulator.url);
    gateway = distributed.gateway;
    for (const [name, subgraph] of distributed.subgraphs) subgraphs.set(name, subgraph);
  });
  afterAll(async () => {
    await distributed?.close();
    await service?.close();
    await emulator?.close();
  });

  const query = `{ experiment(id: "${PRIVATE_ID}") { name } viewer { id } }`;

  it('the subgraphs ask the service with the e-mail and groups the proxy sent the gateway', async () => {
    service.resetCalls();
    const withGroup = await postGraphQL(
      gateway.graphqlUrl,
      query,
      {},
      { 'x-forwarded-email': 'dana@example.com', 'x-forwarded-groups': 'forecasters' },
    );
    expect(withGroup.errors).toBeUndefined();
    expect(withGroup.data.experiment.name).toBe('demand-forecasting');
    expect(withGroup.data.viewer.id).toBe('email:dana@example.com');
    expect(service.received().map((c) => c.principal)).toContainEqual({
      id: 'email:dana@example.com',
      username: null,
      email: 'dana@example.com',
      groups: ['forecasters'],
    });

    const withoutGroup = await postGraphQL(gateway.graphqlUrl, query, {}, { 'x-forwarded-email': 'dana@example.com' });
    expect(withoutGroup.data?.experiment ?? null).toBeNull();
    expect(withoutGroup.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a signed identity whose e-mail or groups were swapped, before asking the service', async () => {
    const url = (subgraphs.get('tracking') as RunningSubgraph).url;
    const dana: Principal = {
      id: 'email:dana@example.com',
      username: undefined,
      email: 'dana@example.com',
      groups: [],
      kind: 'proxy',
      authorization: undefined,
      scopes: ['read', 'write'],
    };
    const send = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: `{ experiment(id: "${PRIVATE_ID}") { name } }` }),
      });
    const signed = signSubgraphRequest(
      SECRET,
      'tracking',
      dana,
      `{ experiment(id: "${PRIVATE_ID}") { name } }`,
      undefined,
    );
    const identity = JSON.parse(Buffer.from(signed['x-supergraph-identity'] ?? '', 'base64url').toString('utf8'));
    service.resetCalls();
    for (const swapped of [
      { ...identity, groups: ['forecasters'] },
      { ...identity, email: 'admin@example.com' },
    ]) {
      const response = await send({
        ...signed,
        'x-supergraph-identity': Buffer.from(JSON.stringify(swapped)).toString('base64url'),
      });
      expect(response.status).toBe(401);
    }
    expect(service.calls()).toBe(0);
    // The genuine one is answered: dana without the group is refused (the service's answer, cached for her).
    const genuine = await send(signed);
    expect(genuine.status).toBe(200);
    const body = (await genuine.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
