// npm run bench: the cost of the headline queries, cold and warm, against the emulator with MLflow-like
// latency. Reports upstream calls (the cost that matters most), latency and memory, as ratios measured
// in one run (machines here are noisy: compare within a run, not across runs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { MemoryCache } from '../src/cache/MemoryCache.js';
import { loadConfig } from '../src/config.js';
import { createServices } from '../src/context/createServices.js';
import { startEmulator } from '../src/emulator/index.js';
import { startGateway } from '../src/gateway/startGateway.js';
import { postGraphQL } from '../test/helpers/startStack.js';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 10);
// A real MLflow 2.12 (SQLite) answers runs/get in ~7-10 ms and a 100-run search in ~150 ms (DESIGN §1).
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 10);

const QUERIES: Record<string, { query: string; naive: (data: any) => number }> = {
  dashboard: {
    query: `{ experiments(first: 10) { nodes { name runs(first: 20) { nodes { id experiment { name } metricHistory(key: "loss") { step value } } } } } }`,
    // One resolver per object, as MLflow's own GraphQL does it: a search, a runs search per experiment,
    // and per run one experiments/get and one get-history.
    naive: (d) => {
      const runs = d.experiments.nodes.flatMap((e: any) => e.runs.nodes).length;
      return 1 + d.experiments.nodes.length + 2 * runs;
    },
  },
  modelsToRuns: {
    query: `{ registeredModels(first: 20) { nodes { name versions(first: 10) { nodes { version aliases run { id experiment { name } metrics { key value } } } } } } }`,
    naive: (d) => {
      const versions = d.registeredModels.nodes.flatMap((m: any) => m.versions.nodes).length;
      return 1 + d.registeredModels.nodes.length + 2 * versions;
    },
  },
  runsToVersions: {
    query: `{ experiments(first: 3) { nodes { runs(first: 50) { nodes { id modelVersions { name version } } } } } }`,
    naive: (d) => {
      const runs = d.experiments.nodes.flatMap((e: any) => e.runs.nodes).length;
      return 1 + d.experiments.nodes.length + runs;
    },
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main() {
  const emulator = await startEmulator({ seed: 'demo', latencyMs: LATENCY_MS, jitterMs: 2 });
  const config = loadConfig({ NODE_ENV: 'production', MLFLOW_TRACKING_URI: emulator.url, GRAPHQL_SANDBOX: 'false' });
  const cache = new MemoryCache();
  const services = createServices(config, emulator.url, { cache });
  const gateway = await startGateway({ config, services, port: 0 });
  const results: Record<string, unknown> = {};
  const rssStart = process.memoryUsage().rss;

  for (const [name, { query, naive }] of Object.entries(QUERIES)) {
    const cold: number[] = [];
    const warm: number[] = [];
    let coldCalls = 0;
    let warmCalls = 0;
    let naiveCalls = 0;
    for (let i = 0; i < ITERATIONS; i += 1) {
      cache.clear();
      emulator.resetCalls();
      let started = performance.now();
      const response = await postGraphQL(gateway.graphqlUrl, query);
      cold.push(performance.now() - started);
      if (response.errors) throw new Error(`${name}: ${JSON.stringify(response.errors)}`);
      coldCalls = emulator.totalCalls();
      naiveCalls = naive(response.data);
      emulator.resetCalls();
      started = performance.now();
      await postGraphQL(gateway.graphqlUrl, query);
      warm.push(performance.now() - started);
      warmCalls = emulator.totalCalls();
    }
    results[name] = {
      upstreamCallsCold: coldCalls,
      upstreamCallsWarm: warmCalls,
      upstreamCallsOnePerObject: naiveCalls,
      callsRatioVsOnePerObject: +(naiveCalls / coldCalls).toFixed(1),
      coldMedianMs: +median(cold).toFixed(1),
      warmMedianMs: +median(warm).toFixed(1),
      coldOverWarm: +(median(cold) / median(warm)).toFixed(2),
    };
  }
  const rssEnd = process.memoryUsage().rss;
  await gateway.close();
  await services.close();
  await emulator.close();
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    iterations: ITERATIONS,
    upstreamLatencyMs: LATENCY_MS,
    results,
    rssMiB: { start: Math.round(rssStart / 2 ** 20), end: Math.round(rssEnd / 2 ** 20) },
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', JSON.stringify(report, null, 2));
  console.table(results);
  console.log(`RSS ${report.rssMiB.start} MiB → ${report.rssMiB.end} MiB; upstream latency ${LATENCY_MS} ms; ${ITERATIONS} iterations; bench/results/latest.json`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
