// Trust between processes (distributed mode): a signed gateway→subgraph request is good for one subgraph and one
// use across every replica sharing Redis, and a replica that cannot reach Redis refuses instead of accepting.
import { createServer, type Server, type Socket } from 'node:net';
import { signSubgraphRequest } from '../../src/auth/subgraphSigning.js';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/context/createServices.js';
import type { Services } from '../../src/context/Services.js';
import { ALICE, startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { subgraphSchemaFactories } from '../../src/gateway/subgraphSchemas.js';
import { createTelemetry } from '../../src/observability/Telemetry.js';
import type { SubgraphName } from '../../src/subgraphs/loadSchema.js';
import { startSubgraph, type RunningSubgraph } from '../../src/subgraphs/startSubgraph.js';
import { startDistributed, type DistributedStack } from '../helpers/startDistributed.js';
import { asUser, basicPrincipal } from '../helpers/auth.js';
import { postGraphQL, postJson } from '../helpers/graphql.js';
import { freePort, closeServer, listenOnLoopback } from '../helpers/listen.js';
import { redisNamespace } from '../helpers/redis.js';

const SECRET = 'p'.repeat(48);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const alice = basicPrincipal('alice', 'pw', ['read']);
const query = 'query Probe { __typename }';

interface Replica {
  subgraph: RunningSubgraph;
  services: Services;
  lines: string[];
}

const started: Replica[] = [];

async function replica(name: SubgraphName, env: Record<string, string>, waitForRedis = true): Promise<Replica> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    MLFLOW_TRACKING_URI: 'http://127.0.0.1:9',
    MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: SECRET,
    ...env,
  });
  const lines: string[] = [];
  const telemetry = createTelemetry(config, { logDestination: { write: (line: string) => void lines.push(line) } });
  const services = createServices(config, 'http://127.0.0.1:9', { telemetry });
  if (waitForRedis) expect(await services.cache.kv.whenReady?.(5_000)).toBe(true);
  const factory = subgraphSchemaFactories[name];
  if (!factory) throw new Error(`no schema for ${name}`);
  const running = { subgraph: await startSubgraph(name, factory(), services, 0), services, lines };
  started.push(running);
  return running;
}

async function send(
  target: Replica,
  headers: Record<string, string>,
): Promise<{ status: number; code: string | undefined; data: unknown }> {
  const { status, body } = await postJson<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>(
    target.subgraph.url,
    { query },
    { authorization: alice.authorization as string, ...headers },
  );
  return { status, code: body.errors?.[0]?.extensions?.code, data: body.data ?? null };
}

/**
 * A Redis that connects (it answers the client's INFO ready check) and then never answers a command: the
 * "times out" case, which a closed port cannot show (there the client is never ready).
 */
async function hangingRedis(): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk) => {
      // ioredis's handshake: CLIENT SETINFO (answered OK) and the INFO ready check; every other command hangs.
      for (const command of chunk.toString('utf8').split('*').slice(1)) {
        const words = command
          .split('\r\n')
          .filter((_, index) => index % 2 === 0)
          .slice(1)
          .map((word) => word.toUpperCase());
        if (words[0] === 'CLIENT') socket.write('+OK\r\n');
        if (words[0] === 'INFO') {
          const info = '# Server\r\nredis_version:7.0.0\r\nloading:0\r\n';
          socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
        }
      }
    });
  });
  const { port } = await listenOnLoopback(server);
  return { url: `redis://127.0.0.1:${port}`, server, sockets };
}

afterAll(async () => {
  for (const { subgraph, services } of started) {
    await subgraph.close({ timeoutMs: 1_000 });
    await services.close();
  }
});

describe('signed subgraph requests across replicas (shared Redis)', () => {
  const redis = redisNamespace('protocol', REDIS_URL);
  let trackingA: Replica;
  let trackingB: Replica;
  let registry: Replica;

  beforeAll(async () => {
    const env = redis.env;
    trackingA = await replica('tracking', env);
    trackingB = await replica('tracking', env);
    registry = await replica('registry', env);
  });
  afterAll(async () => {
    if (trackingA) await redis.deleteKeys(); // the nonces the replicas stored
  });

  it('accepts a signed request once, then refuses it at the other replica and at the same one', async () => {
    const signed = signSubgraphRequest(SECRET, 'tracking', alice, query, undefined);
    expect(await send(trackingA, signed)).toEqual({ status: 200, code: undefined, data: { __typename: 'Query' } });
    expect(await send(trackingB, signed)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', data: null });
    expect(await send(trackingA, signed)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', data: null });
  });

  it('refuses a request signed for registry when it is sent to tracking', async () => {
    const forRegistry = signSubgraphRequest(SECRET, 'registry', alice, query, undefined);
    expect(await send(trackingA, forRegistry)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', data: null });
    // The refusal claimed nothing: the genuine recipient still answers it, once.
    expect(await send(registry, forRegistry)).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    expect(await send(registry, forRegistry)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('a replica that cannot reach Redis fails closed', () => {
  it('refuses a genuine signed request when Redis is unreachable (closed port), with a log line', async () => {
    const down = await replica(
      'tracking',
      { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, REDIS_KEY_PREFIX: 'h-protocol-down:' },
      false,
    );
    const signed = signSubgraphRequest(SECRET, 'tracking', alice, query, undefined);
    expect(await send(down, signed)).toEqual({ status: 503, code: 'UPSTREAM_UNAVAILABLE', data: null });
    expect(down.lines.some((line) => line.includes('failing closed'))).toBe(true);
  });

  it('refuses a genuine signed request when Redis connects but stops answering (timeout)', async () => {
    const hanging = await hangingRedis();
    try {
      const slow = await replica('tracking', {
        REDIS_URL: hanging.url,
        REDIS_KEY_PREFIX: 'h-protocol-hang:',
        REDIS_COMMAND_TIMEOUT_MS: '100',
      });
      const signed = signSubgraphRequest(SECRET, 'tracking', alice, query, undefined);
      expect(await send(slow, signed)).toEqual({ status: 503, code: 'UPSTREAM_UNAVAILABLE', data: null });
    } finally {
      for (const socket of hanging.sockets) socket.destroy();
      await closeServer(hanging.server);
    }
  });
});

describe('the gateway maps a subgraph that fails closed to UPSTREAM_UNAVAILABLE', () => {
  let emulator: Emulator;
  let distributed: DistributedStack | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 'demo', auth: true });
    const config = loadConfig({
      NODE_ENV: 'test',
      MLFLOW_TRACKING_URI: emulator.url,
      MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: SECRET,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    distributed = await startDistributed(config, emulator.url);
  });
  afterAll(async () => {
    await distributed?.close();
    await emulator?.close();
  });

  it('answers the client with UPSTREAM_UNAVAILABLE, never data and never INTERNAL_SERVER_ERROR', async () => {
    const result = await postGraphQL(
      (distributed as DistributedStack).gateway.graphqlUrl,
      '{ viewer { username } }',
      {},
      asUser(ALICE),
    );
    expect(result.data?.viewer ?? null).toBeNull();
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
  });
});
