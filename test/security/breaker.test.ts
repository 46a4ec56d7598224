// The MLflow circuit breaker is shared by every caller of the process: one caller's input must never open it.
// A GET whose request line gunicorn would refuse is refused here first (BAD_USER_INPUT, nothing sent); MLflow's
// 500 for a bad filter, and a 504 for a search whose cost the caller chose, do not count as an outage.
import { MemoryCache } from '../../src/cache/MemoryCache.js';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/context/createServices.js';
import type { Services } from '../../src/context/Services.js';
import { startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { startGateway, type RunningGateway } from '../../src/gateway/startGateway.js';
import { postJson } from '../helpers/graphql.js';

describe('one caller cannot open the shared circuit breaker', () => {
  let emulator: Emulator;
  let services: Services;
  let gateway: RunningGateway;
  const post = (query: string, variables?: Record<string, unknown>) =>
    postJson(gateway.graphqlUrl, { query, variables });

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    const config = loadConfig({
      NODE_ENV: 'test',
      MLFLOW_TRACKING_URI: emulator.trackingUri,
      UPSTREAM_CIRCUIT_THRESHOLD: '5',
    });
    services = createServices(config, emulator.trackingUri, { cache: new MemoryCache() });
    gateway = await startGateway({ config, services, port: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await services.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.clearFaults();
    emulator.resetCalls();
  });

  it('refuses a GET over gunicorn’s 4094-byte request line as BAD_USER_INPUT, with no call', async () => {
    const { status, body } = await post('query ($name: String!) { registeredModel(name: $name) { name } }', {
      name: 'm'.repeat(5000),
    });
    expect(status).toBe(200);
    expect(body.data.registeredModel).toBeNull();
    expect(body.errors[0].extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(body.errors[0].message).toMatch(/request line/);
    expect(emulator.totalCalls()).toBe(0);
  });

  it('20 hostile requests leave the breaker closed and another caller served', async () => {
    // A proxy in front of MLflow cuts off the caller's expensive searches (504).
    emulator.setFaults([{ endpoint: 'POST /api/2.0/mlflow/runs/search', status: 504 }]);
    const hostile = [
      ...Array.from({ length: 7 }, (_, i) =>
        post('query ($name: String!) { registeredModel(name: $name) { name } }', { name: `${i}`.repeat(5000) }),
      ),
      ...Array.from({ length: 6 }, (_, i) => post(`{ experiments(filter: "name ~~ 'x${i}'") { nodes { id } } }`)),
      ...Array.from({ length: 7 }, (_, i) =>
        post(`{ runs(experimentIds: ["1"], filter: "params.p${i} LIKE '%%%%%%%%'") { nodes { id } } }`),
      ),
    ];
    const answers = await Promise.all(hostile);
    for (const { body } of answers) {
      expect(body.errors?.length).toBeGreaterThan(0);
      for (const error of body.errors)
        expect(['BAD_USER_INPUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE']).toContain(error.extensions.code);
    }
    // Each failure mode was really exercised: the 504s reached the emulator, the long names did not.
    expect(emulator.callCount('POST /api/2.0/mlflow/runs/search')).toBeGreaterThanOrEqual(7);
    expect(emulator.callCount('GET /api/2.0/mlflow/registered-models/get')).toBe(0);
    expect(services.mlflowBreaker.state).toBe('closed');
    expect(services.mlflowBreaker.opened).toBe(0);

    emulator.clearFaults();
    const other = await post('{ experiments(first: 2) { nodes { id name } } }');
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.experiments.nodes).toHaveLength(2);
  });

  it('still opens for a real outage (unfiltered calls failing with 503)', async () => {
    emulator.setFaults([{ status: 503 }]);
    for (let i = 0; i < 5; i += 1) await post(`{ experiment(id: "${900 + i}") { id } }`);
    expect(services.mlflowBreaker.opened).toBe(1);
  });
});
