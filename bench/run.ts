// npm run bench: what the layer saves, side by side in one run so a noisy machine cannot flatter one variant.
//
//   npm run bench                 # the full size (about ten minutes on 2 cores)
//   npm run bench -- --quick      # the same data, few samples and short load runs (CI: well under a minute)
//
// Four scenarios (dashboard, run comparison, registry overview, one run) × five variants: naive resolvers
// (MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS: no batching, no memo, no shared cache), batched with a cold cache,
// batched with a warm Redis, a hand-written REST waterfall calling MLflow directly as a frontend would, and the
// peer: Hive Gateway over our subgraphs in distributed mode (bench/peer.ts; off under --quick unless --peer).
// Upstream is the emulator behind a recording proxy (bench/RecordingProxy.ts) that adds MLflow-like latency
// and records every call, in a process of its own; the load generator (autocannon) is another process; the
// gateways run here. Per request: upstream calls and sequential waves; at concurrency 1: p50/p95/p99; at
// 16 and 64: req/s and p99; peak RSS. Markdown to stdout, JSON to bench/results/latest.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'graphql';
import { Redis } from 'ioredis';
import { createCache } from '../src/cache/createCache.js';
import { createServices } from '../src/context/createServices.js';
import type { Services } from '../src/context/Services.js';
import { startGateway, type RunningGateway } from '../src/gateway/startGateway.js';
import { apiSchemaFromSupergraph } from '../src/gateway/apiSchema.js';
import { measureOperation } from '../src/gateway/measureOperation.js';
import { supergraphSdlPath } from '../src/gateway/supergraphConfig.js';
import { benchGatewayConfig, LONG_TTLS } from './benchGatewayConfig.js';
import { ColdCache } from './ColdCache.js';
import { rssSampler, startHelper, type Helper } from './ipc.js';
import type { Caller, LoadJob, LoadResult } from './loadWorker.js';
import { readOptions, type BenchOptions } from './options.js';
import { countSubgraphExecutions } from '../test/helpers/subgraphExecutions.js';
import {
  benchTargets,
  computeRatios,
  toMarkdown,
  VARIANTS,
  type BenchReport,
  type LoadFigures,
  type ScenarioResult,
  type VariantName,
  type VariantResult,
} from './report.js';
import { startPeerVariant, type PeerVariant } from './peer.js';
import { basicAuthorization, inParallel, RestClient } from './RestClient.js';
import { SCENARIOS, type Scenario, type ScenarioName, type Summary } from './scenarios.js';
import { countWaves, percentile, rotate, round, type UpstreamCall } from './stats.js';
import type { UpstreamReady } from './upstream.js';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';

interface GatewayVariant {
  gateway: RunningGateway;
  services: Services;
}

interface Sample {
  ms: number;
  calls: UpstreamCall[];
  /** Subgraph operations the gateway executed for it (none when the response cache answered). */
  executions: number;
}

/** Emptied between scenarios by the cold check; deleted at the end. */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  let rounds = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    rounds += 1;
  } while (cursor !== '0' && rounds < 100_000);
}

async function startVariantGateway(
  options: BenchOptions,
  proxyUrl: string,
  prefix: string,
  env: Record<string, string>,
  cache?: ColdCache,
): Promise<GatewayVariant> {
  const config = benchGatewayConfig(proxyUrl, options.redisUrl, prefix, env);
  const services = createServices(config, proxyUrl, cache ? { cache } : {});
  const gateway = await startGateway({ config, services, port: 0 });
  return { gateway, services };
}

async function postGraphql(
  url: string,
  authorization: string,
  scenario: Scenario,
  variables: Record<string, unknown>,
): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: scenario.query, variables }),
    signal: AbortSignal.timeout(120_000),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (response.status !== 200 || body.errors)
    throw new Error(`${scenario.name}: HTTP ${response.status} ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return body.data;
}

function spreadOf(values: readonly number[]) {
  return { median: percentile(values, 50), min: Math.min(...values), max: Math.max(...values) };
}

function byEndpoint(calls: readonly UpstreamCall[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const call of calls) {
    const key = `${call.method} ${call.path.replace('/api/2.0/mlflow/', '')}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function main(): Promise<void> {
  const options = readOptions();
  const scenarios_ = SCENARIOS.filter((s) => options.scenarios.includes(s.name));
  const startedAt = performance.now();
  const log = (message: string) =>
    console.error(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  const runPrefix = `mlflow-supergraph-bench:${process.pid}-${Date.now()}:`;
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis at ${options.redisUrl} is not reachable (${(error as Error).message}); start one or set REDIS_URL`,
      { cause: error },
    );
  }

  log(
    `building the data set (${options.size.experiments} experiments × ${options.size.runsPerExperiment} runs, ${options.size.models} models × ${options.size.versionsPerModel} versions)`,
  );
  const upstream: Helper<UpstreamReady> = await startHelper('bench/upstream.ts', {
    size: options.size,
    latencyMs: options.latencyMs,
    itemMs: options.itemMs,
  });
  const { proxyUrl, data } = upstream.ready;
  log(`upstream ready in ${upstream.ready.setupMs} ms at ${proxyUrl}`);
  // Concurrency 1 runs as the first caller; load runs rotate through all of them (see loadWorker.ts).
  const callers: Caller[] = data.users.map((user) => ({
    username: user.username,
    authorization: basicAuthorization(user.username, user.password),
  }));
  const [first] = callers as [Caller];
  const load: Helper<{ pid: number }> = await startHelper('bench/loadWorker.ts', {});

  const coldCache = new ColdCache(createCache({ redisUrl: options.redisUrl, keyPrefix: `${runPrefix}cold:` }));
  // The cold gateway is started first. Gateways in one process share V8's feedback for the operations they
  // compile alike (graphql-jit generates the same code for each), so the first one to run a query plan gets
  // monomorphic call sites and a later one does not: an A/A pair of cold gateways in one process measured the
  // second at 1.1× the first's latency and ~1.15× its CPU (bench/coldProfile.ts --variants compiled,compiled2).
  // A deployment runs one gateway per process, as the first one here; the warm variant executes nothing, and
  // naive is the baseline.
  const cold = await startVariantGateway(options, proxyUrl, `${runPrefix}cold:`, {}, coldCache);
  const warm = await startVariantGateway(options, proxyUrl, `${runPrefix}warm:`, {});
  const naive = await startVariantGateway(options, proxyUrl, `${runPrefix}naive:`, {
    MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS: 'true',
    GRAPHQL_MAX_UPSTREAM_CALLS: '100000',
  });
  const gateways: Record<Exclude<VariantName, 'waterfall' | 'peer'>, GatewayVariant> = { naive, cold, warm };
  // The fifth variant (bench/peer.ts): Hive Gateway over our subgraphs, each a process, warm like `warm`.
  const peer: PeerVariant | undefined = options.peer
    ? await startPeerVariant({
        trackingUri: proxyUrl,
        redisUrl: options.redisUrl,
        redisPrefix: `${runPrefix}peer:`,
        env: LONG_TTLS,
      })
    : undefined;
  const activeVariants = VARIANTS.filter((v) => v.name !== 'peer' || peer);
  const graphqlUrlOf = (variant: Exclude<VariantName, 'waterfall'>) =>
    variant === 'peer' ? (peer as PeerVariant).graphqlUrl : gateways[variant].gateway.graphqlUrl;
  const rest = new RestClient(proxyUrl, first.authorization);
  // One sampler per load run (reset at its start), one for the whole run.
  const rss = rssSampler();
  const rssOverall = rssSampler();

  /** One request of a variant; returns what it fetched. */
  const once = async (
    variant: VariantName,
    scenario: Scenario,
    caller: Caller = first,
  ): Promise<{ summary: Summary; data?: unknown }> => {
    if (variant === 'waterfall')
      return {
        summary: await scenario.waterfall(
          caller === first ? rest : new RestClient(proxyUrl, caller.authorization),
          data,
          caller.username,
        ),
      };
    const answer = await postGraphql(graphqlUrlOf(variant), caller.authorization, scenario, scenario.variables(data));
    return { summary: scenario.summarize(answer), data: answer };
  };
  // The gateways run in this process: what each request executed is counted here (one request at a time).
  const executions = countSubgraphExecutions();
  /** One recorded request: its latency, the upstream calls it caused and the subgraph operations it executed. */
  const measured = async (variant: VariantName, scenario: Scenario): Promise<Sample & { summary: Summary }> => {
    await upstream.request('record');
    executions.reset();
    const t0 = performance.now();
    const { summary } = await once(variant, scenario);
    const ms = performance.now() - t0;
    const executed = executions.count;
    const calls = await upstream.request<UpstreamCall[]>('collect');
    return { ms, calls, summary, executions: executed };
  };

  try {
    // 1. Untimed: every variant fetches the same data; the warm gateway is warmed; the cold method is checked.
    log('checking that every variant fetches the same data, warming the warm variant');
    const summaries = {} as Record<ScenarioName, Summary>;
    const coldCheck = {} as BenchReport['coldCheck'];
    for (const scenario of scenarios_) {
      const compared = ['naive', 'cold', 'warm', ...(peer ? ['peer'] : [])] as Exclude<VariantName, 'waterfall'>[];
      const answers = await Promise.all(compared.map((variant) => once(variant, scenario)));
      const reference = JSON.stringify(answers[0]?.data);
      answers.forEach((answer, index) => {
        if (JSON.stringify(answer.data) !== reference)
          throw new Error(`${scenario.name}: the ${compared[index]} variant answered differently from naive`);
      });
      const summary = (answers[0] as { summary: Summary }).summary;
      const waterfall = await once('waterfall', scenario);
      if (JSON.stringify(waterfall.summary) !== JSON.stringify(summary))
        throw new Error(
          `${scenario.name}: the REST waterfall fetched ${JSON.stringify(waterfall.summary)}, the gateway ${JSON.stringify(summary)}`,
        );
      summaries[scenario.name] = summary;
      // Cold by an emptied Redis (truly the first request) vs cold by discarded reads (what load runs use).
      await deleteKeys(redis, `${runPrefix}cold:`);
      coldCache.discardReads = false;
      const emptied = await measured('cold', scenario);
      coldCache.discardReads = true;
      const discarded = await measured('cold', scenario);
      coldCheck[scenario.name] = { emptiedRedis: emptied.calls.length, discardedReads: discarded.calls.length };
      // Search pages are cached per caller: warm the warm variant for every caller the load runs use.
      for (const warmed of peer ? (['warm', 'peer'] as const) : (['warm'] as const))
        await inParallel(callers, 4, async (caller) => {
          const answer = await once(warmed, scenario, caller);
          if (JSON.stringify(answer.summary) !== JSON.stringify(summary))
            throw new Error(`${scenario.name}: ${caller.username} sees other data than ${first.username}`);
        });
    }
    const rssAfterSetup = Math.round(process.memoryUsage().rss / 2 ** 20);

    // 2. Concurrency 1, interleaved: each iteration runs every variant once, starting with another one.
    log(`concurrency 1: ${options.iterations} interleaved requests per scenario and variant`);
    const samples = new Map<string, Sample[]>();
    for (let i = 0; i < options.iterations; i += 1) {
      for (const [s, scenario] of scenarios_.entries()) {
        for (const { name: variant } of rotate(activeVariants, i + s)) {
          const sample = await measured(variant, scenario);
          if (JSON.stringify(sample.summary) !== JSON.stringify(summaries[scenario.name]))
            throw new Error(`${scenario.name}/${variant}: answer changed during the run`);
          const key = `${scenario.name}/${variant}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
        }
      }
    }

    // 3. Load, interleaved the same way; after each run the gateway drains before the next starts.
    const loads = new Map<string, LoadResult & { upstreamCalls: number }>();
    const peaks = new Map<string, { peak: number; growth: number }>();
    const drain = async () => {
      let last = -1;
      const until = performance.now() + 180_000;
      while (performance.now() < until) {
        const { total, inFlight } = await upstream.request<{ total: number; inFlight: number }>('count');
        if (inFlight === 0 && total === last) break;
        last = total;
        await sleep(100);
      }
      // Abandoned requests may still be computing without calling upstream: a moment for them too.
      await sleep(options.quick ? 100 : 500);
    };
    for (const c of options.concurrency) {
      for (let round_ = 0; round_ < options.rounds; round_ += 1) {
        for (const [s, scenario] of scenarios_.entries()) {
          log(`load c=${c} round ${round_ + 1}/${options.rounds}: ${scenario.name}`);
          for (const { name: variant } of rotate(activeVariants, round_ + s)) {
            if (variant === 'naive' && !options.naiveLoad) continue;
            const job: LoadJob =
              variant === 'waterfall'
                ? {
                    kind: 'waterfall',
                    scenario: scenario.name,
                    baseUrl: proxyUrl,
                    callers,
                    data,
                    connections: c,
                    durationS: options.durationS,
                    requests: options.burst && options.burst * c,
                  }
                : {
                    kind: 'graphql',
                    url: graphqlUrlOf(variant),
                    body: JSON.stringify({ query: scenario.query, variables: scenario.variables(data) }),
                    callers,
                    connections: c,
                    durationS: options.durationS,
                    requests: options.burst && options.burst * c,
                  };
            coldCache.discardReads = true;
            const before = (await upstream.request<{ total: number }>('count')).total;
            const gatewayBase = rss.reset();
            const base = variant === 'waterfall' ? await load.request<number>('rssReset') : gatewayBase;
            const result = await load.request<LoadResult>('load', job, (options.durationS + 120) * 1000);
            if (result.failed > 0) log(`  ${variant}: ${result.failed} failed, e.g. ${result.failure}`);
            const peak = rss.peakMiB();
            await drain();
            const after = (await upstream.request<{ total: number }>('count')).total;
            // The gateway process does a GraphQL variant's work; the load generator does the waterfall's.
            // The peer's gateway work is done by Hive Gateway's own process.
            const variantPeak =
              variant === 'waterfall'
                ? await load.request<number>('rss')
                : variant === 'peer'
                  ? (peer as PeerVariant).peakRssMiB()
                  : peak;
            const cell = peaks.get(`${scenario.name}/${variant}`) ?? { peak: 0, growth: 0 };
            peaks.set(`${scenario.name}/${variant}`, {
              peak: Math.max(cell.peak, variantPeak),
              growth: Math.max(cell.growth, variantPeak - base),
            });
            const key = `${scenario.name}/${variant}/${c}`;
            const previous = loads.get(key);
            const upstreamCalls = after - before;
            loads.set(
              key,
              previous
                ? {
                    completed: previous.completed + result.completed,
                    failed: previous.failed + result.failed,
                    failure: previous.failure ?? result.failure,
                    durationS: previous.durationS + result.durationS,
                    rps: previous.rps + result.rps,
                    p50Ms: Math.max(previous.p50Ms, result.p50Ms),
                    p99Ms: Number.isNaN(previous.p99Ms)
                      ? result.p99Ms
                      : Number.isNaN(result.p99Ms)
                        ? previous.p99Ms
                        : Math.max(previous.p99Ms, result.p99Ms),
                    upstreamCalls: previous.upstreamCalls + upstreamCalls,
                  }
                : { ...result, upstreamCalls },
            );
          }
        }
      }
    }
    const loadGeneratorPeak = await load.request<number>('rss');

    // 4. The report.
    const scenarios = {} as Record<ScenarioName, ScenarioResult>;
    for (const scenario of scenarios_) {
      const variants = {} as Record<VariantName, VariantResult>;
      for (const { name: variant } of activeVariants) {
        const list = samples.get(`${scenario.name}/${variant}`) ?? [];
        const ms = list.map((x) => x.ms);
        const loadFigures: Record<string, LoadFigures | null> = {};
        for (const c of options.concurrency) {
          const figures = loads.get(`${scenario.name}/${variant}/${c}`);
          loadFigures[c] = figures
            ? {
                rps: round(figures.rps / options.rounds),
                p99Ms: round(figures.p99Ms),
                completed: figures.completed,
                failed: figures.failed,
                ...(figures.failure ? { failure: figures.failure } : {}),
                upstreamCallsPerAnswer: round(figures.upstreamCalls / Math.max(1, figures.completed)),
              }
            : null;
        }
        variants[variant] = {
          calls: spreadOf(list.map((x) => x.calls.length)),
          waves: spreadOf(list.map((x) => countWaves(x.calls))),
          executions: spreadOf(list.map((x) => x.executions)),
          byEndpoint: byEndpoint(list[0]?.calls ?? []),
          latencyMs: {
            p50: round(percentile(ms, 50)),
            p95: round(percentile(ms, 95)),
            p99: round(percentile(ms, 99)),
            samples: ms.length,
          },
          load: loadFigures,
          peakRssMiB: peaks.get(`${scenario.name}/${variant}`)?.peak ?? null,
          rssGrowthMiB: peaks.get(`${scenario.name}/${variant}`)?.growth ?? null,
        };
      }
      scenarios[scenario.name] = {
        title: scenario.title,
        depth: measureOperation(
          apiSchemaFromSupergraph(readFileSync(supergraphSdlPath, 'utf8')),
          parse(scenario.query),
          undefined,
          scenario.variables(data),
        ).depth,
        summary: summaries[scenario.name],
        variants,
      };
    }
    const ratios = Object.fromEntries(
      Object.entries(scenarios).map(([name, result]) => [name, computeRatios(result, options.concurrency)]),
    ) as BenchReport['ratios'];
    const report: BenchReport = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      quick: options.quick,
      settings: {
        latencyMs: options.latencyMs,
        itemMs: options.itemMs,
        iterations: options.iterations,
        concurrency: options.concurrency,
        durationS: options.durationS,
        burst: options.burst ?? null,
        rounds: options.rounds,
        naiveLoad: options.naiveLoad,
        size: options.size,
        upstreamConcurrency: gateways.cold.services.config.upstream.concurrency,
        cache: 'Redis (every TTL 3600 s)',
      },
      scenarios,
      ratios,
      targets: benchTargets(scenarios, { concurrency: options.concurrency, itemMs: options.itemMs }),
      coldCheck,
      rssMiB: {
        gatewayAfterSetup: rssAfterSetup,
        gatewayPeak: rssOverall.peakMiB(),
        upstreamPeak: await upstream.request<number>('rss'),
        loadGeneratorPeak,
      },
      durationS: round((performance.now() - startedAt) / 1000),
    };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(toMarkdown(report, options.concurrency));
    log(`JSON in ${options.out}`);
  } finally {
    executions.stop();
    for (const { gateway, services } of Object.values(gateways)) {
      await gateway.close({ timeoutMs: 5_000 }).catch(() => undefined);
      await services.close().catch(() => undefined);
    }
    await peer?.close().catch(() => undefined);
    await load.close();
    await upstream.close();
    await deleteKeys(redis, runPrefix).catch(() => undefined);
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
