// A focused look at cold requests of one scenario (default: the dashboard): the bench's upstream (emulator +
// recording proxy, a process of its own) and one cold gateway per variant here, one request at a time, the variants
// and the REST waterfall interleaved (each round starts with another), so a loaded machine slows them alike. Prints
// each variant's p50, its median CPU per request in this process (the gateway's work plus the client's fetch) and,
// for every variant after the first, the median of its paired latency ratios to the first. The answers of all
// variants are checked to be byte-identical first. --profile writes a CPU profile of the measured requests only
// (not start-up or warm-up; the upstream's process is not in it): open it in Chrome DevTools.
//
//   NODE_ENV=production npx tsx bench/coldProfile.ts [--variants compiled,interpreted] [--requests 60]
//                                                    [--item-ms 0.05] [--profile /tmp/cold.cpuprofile | --processes]
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { createCache } from '../src/cache/createCache.js';
import { createServices } from '../src/context/createServices.js';
import { startGateway, type GatewayServerOptions } from '../src/gateway/startGateway.js';
import { deleteKeysWithPrefix } from '../test/helpers/redis.js';
import { benchGatewayConfig } from './benchGatewayConfig.js';
import { ColdCache } from './ColdCache.js';
import type { ColdGatewayArgument, ColdGatewayReady } from './coldGateway.js';
import { startHelper } from './ipc.js';
import { basicAuthorization, RestClient } from './RestClient.js';
import { SCENARIOS } from './scenarios.js';
import { percentile, round } from './stats.js';
import type { UpstreamReady } from './upstream.js';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '60' },
    'item-ms': { type: 'string', default: '0.05' },
    scenario: { type: 'string', default: 'dashboard' },
    /** Writes a CPU profile of the measured requests only (not start-up or warm-up) to this file. */
    profile: { type: 'string' },
    variants: { type: 'string', default: 'compiled' },
    /**
     * Each variant's gateway in a process of its own (bench/coldGateway.ts), the client here: no variant pays for
     * sharing a process with another, and work a gateway does after its answer is sent is not charged to the
     * client's latency. CPU per request is then the gateway process's own.
     */
    processes: { type: 'boolean', default: false },
  },
});
if (values.processes && values.profile) throw new Error('--profile profiles this process: not with --processes');
const requests = Number(values.requests);
const scenario = SCENARIOS.find((s) => s.name === values.scenario);
if (!scenario) throw new Error(`no scenario ${values.scenario}`);
const redisUrl = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
const prefix = `mlflow-supergraph-coldprofile:${process.pid}:`;

const upstream = await startHelper<UpstreamReady>('bench/upstream.ts', {
  size: {
    experiments: 10,
    runsPerExperiment: 50,
    paramsPerRun: 8,
    steps: 100,
    models: 20,
    versionsPerModel: 5,
    compareRuns: 20,
    users: 1,
  },
  latencyMs: 5,
  itemMs: Number(values['item-ms']),
});
const { proxyUrl, data } = upstream.ready;
const [user] = data.users;
if (!user) throw new Error('no bench user');
const authorization = basicAuthorization(user.username, user.password);
const config = benchGatewayConfig(proxyUrl, redisUrl, prefix, { LOG_LEVEL: 'error' });
/** Gateways to compare, each on the same upstream and Redis, requests interleaved (`--variants a,b`). */
const VARIANTS: Record<string, Partial<GatewayServerOptions>> = {
  compiled: { subgraphExecution: 'compiled' },
  /** The same as compiled, for an A/A pair: a second gateway in one process is slower (see bench/run.ts). */
  compiled2: { subgraphExecution: 'compiled' },
  interpreted: { subgraphExecution: 'interpreted' },
  /** Compiled subgraph operations, the answer shaped by @apollo/gateway's own computeResponse. */
  'gateway-shaping': { subgraphExecution: 'compiled', responseShaping: 'gateway' },
  /** Compiled, without the early follow-up fetches between subgraphs (usePrefetch). */
  'no-prefetch': { subgraphExecution: 'compiled', prefetch: false },
};
const names = values.variants.split(',').map((name) => name.trim());
for (const name of names) if (!VARIANTS[name]) throw new Error(`--variants takes ${Object.keys(VARIANTS).join(', ')}`);
const gateways: { name: string; url: string; cpuMs?: () => Promise<number>; close(): Promise<void> }[] = [];
for (const name of names) {
  if (values.processes) {
    const helper = await startHelper<ColdGatewayReady>('bench/coldGateway.ts', {
      proxyUrl,
      redisUrl,
      prefix,
      options: VARIANTS[name] ?? {},
    } satisfies ColdGatewayArgument);
    gateways.push({
      name,
      url: helper.ready.url,
      cpuMs: () => helper.request<number>('cpu'),
      close: () => helper.close(),
    });
    continue;
  }
  const services = createServices(config, proxyUrl, {
    cache: new ColdCache(createCache({ redisUrl, keyPrefix: prefix })),
  });
  const gateway = await startGateway({ config, services, port: 0, ...VARIANTS[name] });
  gateways.push({
    name,
    url: gateway.graphqlUrl,
    close: async () => {
      await gateway.close({ timeoutMs: 2_000 });
      await services.close();
    },
  });
}
const rest = new RestClient(proxyUrl, authorization);
const body = JSON.stringify({ query: scenario.query, variables: scenario.variables(data) });

/**
 * One cold request: its latency and the CPU meanwhile: this process's (the gateway's, plus the client's fetch), or
 * with --processes the gateway process's own.
 */
async function cold(gateway: (typeof gateways)[number]): Promise<{ ms: number; cpuMs: number; text: string }> {
  const { url } = gateway;
  const gatewayCpu = await gateway.cpuMs?.();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body,
  });
  const text = await response.text();
  const answer = JSON.parse(text) as { errors?: unknown };
  if (answer.errors) throw new Error(JSON.stringify(answer.errors).slice(0, 500));
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  if (gatewayCpu !== undefined) return { ms, cpuMs: (await gateway.cpuMs!()) - gatewayCpu, text };
  return { ms, cpuMs: (used.user + used.system) / 1000, text };
}

async function waterfall(): Promise<number> {
  const t0 = performance.now();
  await scenario!.waterfall(rest, data, user!.username);
  return performance.now() - t0;
}

try {
  for (let i = 0; i < 5; i += 1) {
    const texts = new Set<string>();
    for (const gateway of gateways) texts.add((await cold(gateway)).text);
    if (texts.size !== 1) throw new Error('the variants answered differently');
    await waterfall();
  }
  const waterfallMs: number[] = [];
  const samples = new Map(gateways.map((g) => [g.name, [] as { ms: number; cpuMs: number }[]]));
  const session = values.profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
  }
  // Each round runs the waterfall and every gateway once, starting with another one each time.
  const order = [undefined, ...gateways];
  for (let i = 0; i < requests; i += 1) {
    for (let j = 0; j < order.length; j += 1) {
      const gateway = order[(i + j) % order.length];
      if (gateway) {
        const { ms, cpuMs } = await cold(gateway);
        samples.get(gateway.name)!.push({ ms, cpuMs });
      } else waterfallMs.push(await waterfall());
    }
  }
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(values.profile as string, JSON.stringify(profile));
    session.disconnect();
  }
  const waterfallP50 = percentile(waterfallMs, 50);
  const [first] = gateways;
  const report = gateways.map(({ name }) => {
    const list = samples.get(name)!;
    const p50 = percentile(
      list.map((x) => x.ms),
      50,
    );
    const paired = list.map((x, k) => x.ms / samples.get(first!.name)![k]!.ms);
    return {
      variant: name,
      p50: round(p50),
      cpuMs: round(
        percentile(
          list.map((x) => x.cpuMs),
          50,
        ),
      ),
      vsWaterfall: round(p50 / waterfallP50),
      ...(name === first!.name ? {} : { pairedVsFirst: round(percentile(paired, 50)) }),
    };
  });
  console.log(JSON.stringify({ scenario: scenario.name, requests, waterfallP50: round(waterfallP50), report }));
} finally {
  for (const gateway of gateways) await gateway.close();
  await upstream.close();
  // The cold variant still writes what it fetched: remove this run's keys.
  await deleteKeysWithPrefix(redisUrl, prefix);
}
