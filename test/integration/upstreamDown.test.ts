// MLflow unreachable from the start (the permission probe cannot run either): clear codes, no crash.
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/context/createServices.js';
import { startGateway, type RunningGateway } from '../../src/gateway/startGateway.js';
import { MemoryCache } from '../../src/cache/MemoryCache.js';
import type { Services } from '../../src/context/Services.js';
import { postGraphQL } from '../helpers/graphql.js';

describe('MLflow down at start-up', () => {
  let gateway: RunningGateway;
  let services: Services;
  beforeAll(async () => {
    // Port 1 on loopback: connection refused, at once.
    const config = loadConfig({
      NODE_ENV: 'test',
      MLFLOW_TRACKING_URI: 'http://127.0.0.1:1',
      UPSTREAM_CONNECT_TIMEOUT_MS: '500',
    });
    services = createServices(config, 'http://127.0.0.1:1', { cache: new MemoryCache() });
    gateway = await startGateway({ config, services, port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('answers UPSTREAM_UNAVAILABLE, not a masked internal error', async () => {
    const result = await postGraphQL(gateway.graphqlUrl, `{ experiments(first: 2) { nodes { name } } }`);
    expect(result.data?.experiments ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(result.errors?.[0]?.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
