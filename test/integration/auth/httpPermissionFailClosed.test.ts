// The custom permission service fails closed: whatever goes wrong with it (down, 503, a hang past the timeout,
// broken JSON, an answer without "allowed", an unknown level, a batch of the wrong length, a refused token),
// the object is denied with UPSTREAM_UNAVAILABLE or UPSTREAM_TIMEOUT, no write reaches MLflow, nothing failed
// is cached, and neither the service token nor MLflow's credentials appear in a response or a log line.
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { loadConfig } from '../../../src/config.js';
import { createServices } from '../../../src/context/createServices.js';
import type { Services } from '../../../src/context/Services.js';
import { startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { startGateway, type RunningGateway } from '../../../src/gateway/startGateway.js';
import { createTelemetry } from '../../../src/observability/Telemetry.js';
import {
  startPermissionService,
  type FailureMode,
  type FakePermissionService,
} from '../../helpers/startPermissionService.js';
import { postGraphQL } from '../../helpers/graphql.js';
import { freePort } from '../../helpers/listen.js';
import { writeCalls } from '../../helpers/upstreamCalls.js';

const PERMISSION_TOKEN = 'perm-svc-secret-9b7e21';
const MLFLOW_TOKEN = 'mlflow-svc-secret-c3d4a8';

interface Running {
  emulator: Emulator;
  services: Services;
  gateway: RunningGateway;
  lines: string[];
}

async function startGatewayFor(emulator: Emulator, serviceUrl: string, batch: boolean): Promise<Running> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'trace',
    MLFLOW_TRACKING_URI: emulator.url,
    MLFLOW_TRACKING_TOKEN: MLFLOW_TOKEN,
    MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true',
    MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: serviceUrl,
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN: PERMISSION_TOKEN,
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH: String(batch),
    MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TIMEOUT_MS: '300',
    // Each failure mode on its own: no circuit breaker carrying one mode's outage into the next.
    UPSTREAM_CIRCUIT_THRESHOLD: '0',
  });
  const lines: string[] = [];
  const telemetry = createTelemetry(config, { logDestination: { write: (line: string) => void lines.push(line) } });
  const services = createServices(config, emulator.url, { cache: new MemoryCache(), telemetry });
  const gateway = await startGateway({ config, services, port: 0 });
  return { emulator, services, gateway, lines };
}

/** The emulator's calls that change something (its counters are "METHOD /path"). */
const writes = (emulator: Emulator): string[] => writeCalls(emulator.calls());

const CASES: { mode: FailureMode; code: string; batch?: boolean }[] = [
  { mode: '503', code: 'UPSTREAM_UNAVAILABLE' },
  { mode: 'hang', code: 'UPSTREAM_TIMEOUT' },
  { mode: 'malformed-json', code: 'UPSTREAM_UNAVAILABLE' },
  { mode: 'missing-allowed', code: 'UPSTREAM_UNAVAILABLE' },
  { mode: 'unknown-level', code: 'UPSTREAM_UNAVAILABLE' },
  { mode: '401', code: 'UPSTREAM_UNAVAILABLE' },
  { mode: 'wrong-length', code: 'UPSTREAM_UNAVAILABLE', batch: true },
  { mode: 'missing-allowed', code: 'UPSTREAM_UNAVAILABLE', batch: true },
  { mode: '503', code: 'UPSTREAM_UNAVAILABLE', batch: true },
];

describe('custom permission service fails closed', () => {
  let emulator: Emulator;
  let service: FakePermissionService;
  const running: Running[] = [];
  let single: Running;
  let batched: Running;
  const responses: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo' });
    // Everyone the tests send may manage everything: any refusal below comes from the failure, not a rule.
    service = await startPermissionService({ rules: {}, batch: true, token: PERMISSION_TOKEN });
    single = await startGatewayFor(emulator, service.url, false);
    batched = await startGatewayFor(emulator, service.url, true);
    running.push(single, batched);
  });
  afterAll(async () => {
    for (const r of running) {
      await r.gateway.close();
      await r.services.close();
    }
    await service.close();
    await emulator.close();
  });
  afterEach(() => service.fail('none'));

  let caller = 0;
  /** A fresh principal per case, so no answer cached by an earlier case can stand in for the service. */
  function freshCaller(): Record<string, string> {
    caller += 1;
    const email = `case-${caller}@example.com`;
    service.rules = { ...service.rules, [email]: { default: 'CAN_MANAGE', admin: true } };
    return { 'x-forwarded-email': email };
  }
  async function ask(target: Running, query: string, headers: Record<string, string>) {
    const result = await postGraphQL(target.gateway.graphqlUrl, query, {}, headers);
    responses.push(JSON.stringify(result));
    return result;
  }

  it.each(CASES.map((c) => [`${c.mode}${c.batch ? ' (batch)' : ''}`, c]))(
    '%s: reads and writes are denied, nothing is written, nothing failed is cached',
    async (_, { mode, code, batch }) => {
      const target = batch ? batched : single;
      const who = freshCaller();
      service.fail(mode);
      emulator.resetCalls();

      const one = await ask(target, `{ experiment(id: "1") { id name } }`, who);
      expect(one.data?.experiment ?? null).toBeNull();
      expect(one.errors?.map((e) => e.extensions?.code)).toEqual([code]);

      const list = await ask(target, `{ experiments(first: 5) { nodes { id name } } }`, who);
      expect(list.data?.experiments ?? null).toBeNull();
      expect(list.errors?.[0]?.extensions?.code).toBe(code);

      const nested = await ask(
        target,
        `{ registeredModel(name: "fraud-detector") { name versions(first: 2) { nodes { version run { id experiment { name } } } } } }`,
        who,
      );
      expect(nested.data?.registeredModel ?? null).toBeNull();
      expect(nested.errors?.[0]?.extensions?.code).toBe(code);

      const write = await ask(
        target,
        `mutation { setExperimentTag(experimentId: "1", tag: { key: "k", value: "v" }) { id } }`,
        who,
      );
      expect(write.data?.setExperimentTag ?? null).toBeNull();
      expect(write.errors?.[0]?.extensions?.code).toBe(code);
      expect(writes(emulator)).toEqual([]);

      // Back up: the same caller is answered at once (the failures were not cached).
      service.fail('none');
      const recovered = await ask(
        target,
        `{ experiment(id: "1") { name viewerPermission } viewer { id isAdmin } }`,
        who,
      );
      expect(recovered.errors).toBeUndefined();
      expect(recovered.data.experiment).toEqual({ name: 'fraud-detection', viewerPermission: 'CAN_MANAGE' });
      expect(recovered.data.viewer.isAdmin).toBe(true);
    },
  );

  it('denies everything while the service is down (connection refused)', async () => {
    const port = await freePort();
    const down = await startGatewayFor(emulator, `http://127.0.0.1:${port}/v1/check`, true);
    running.push(down);
    emulator.resetCalls();
    const who = { 'x-forwarded-email': 'admin@example.com' };
    const read = await ask(
      down,
      `{ experiment(id: "1") { name } runs(experimentIds: ["1"], first: 2) { nodes { id } } }`,
      who,
    );
    expect(read.data?.experiment ?? null).toBeNull();
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);
    const write = await ask(down, `mutation { createRun(input: { experimentId: "1" }) { id } }`, who);
    expect(write.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(writes(emulator)).toEqual([]);
    const viewer = await ask(down, `{ viewer { id isAdmin } }`, who);
    expect(viewer.data?.viewer ?? null).toBeNull();
    expect(viewer.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it("never shows the service token or MLflow's credentials in a response or a log line", () => {
    const logs = running.flatMap((r) => r.lines).join('\n');
    expect(responses.length).toBeGreaterThan(30);
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [PERMISSION_TOKEN, MLFLOW_TOKEN]) {
      expect(responses.join('\n')).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    // Nor the service's URL (it is configuration, not something a client should learn).
    expect(responses.join('\n')).not.toContain(service.url);
    console.log(
      `fail-closed: ${responses.length} responses and ${running.flatMap((r) => r.lines).length} log lines, 0 leaks`,
    );
  });
});
