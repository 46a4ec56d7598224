// Command-line options of `npm run bench`: the full size by default, `--quick` for CI.
import { parseArgs } from 'node:util';
import type { DataSize } from './benchData.js';
import type { ScenarioName } from './scenarios.js';

const SCENARIO_NAMES: readonly ScenarioName[] = ['dashboard', 'compare', 'registry', 'run'];

/** Everything one benchmark run is parameterized by. */
export interface BenchOptions {
  quick: boolean;
  size: DataSize;
  /** Requests per scenario and variant at concurrency 1 (interleaved). */
  iterations: number;
  /** Concurrency levels of the throughput runs. */
  concurrency: number[];
  /** Seconds per throughput run. */
  durationS: number;
  /** Instead of timed runs: a burst of this many requests per connection, all waited for (--quick: 1). */
  burst: number | undefined;
  /** Throughput runs per scenario, variant and concurrency (interleaved). */
  rounds: number;
  /** The naive variant's load runs (skipped by --quick: at 1000+ calls a request they take long to drain). */
  naiveLoad: boolean;
  latencyMs: number;
  itemMs: number;
  redisUrl: string;
  out: string;
  /** Scenarios to run (default all). */
  scenarios: ScenarioName[];
  /** The peer variant, Hive Gateway over our subgraphs as processes (default on; off under --quick unless --peer). */
  peer: boolean;
}

const HELP = `npm run bench -- [--quick] [--iterations n] [--duration s] [--rounds n] [--concurrency 16,64]
                    [--latency ms=5] [--item-ms ms=0.05] [--experiments n=10] [--runs n=50] [--out file]
                    [--scenarios dashboard,compare,registry,run] [--no-load] [--peer | --no-peer]
Needs Redis (REDIS_URL, default redis://127.0.0.1:6379). Writes a Markdown report to stdout and JSON to --out
(default bench/results/latest.json).`;

/** Reads argv and the environment. */
export function readOptions(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      iterations: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      concurrency: { type: 'string' },
      latency: { type: 'string' },
      'item-ms': { type: 'string' },
      experiments: { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string' },
      scenarios: { type: 'string' },
      'no-load': { type: 'boolean', default: false },
      peer: { type: 'boolean' },
      'no-peer': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const number = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  const quick = values.quick;
  const redisUrl = env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new Error(
      `the benchmark needs a single Redis node (redis:// or rediss://), got REDIS_URL=${redisUrl.replace(/\/\/[^@/]*@/, '//[REDACTED]@')}`,
    );
  const concurrency = values['no-load']
    ? []
    : (values.concurrency ?? '16,64').split(',').map((c) => number('concurrency', c.trim(), 16, 1, 256));
  const scenarios = (values.scenarios ?? SCENARIO_NAMES.join(','))
    .split(',')
    .map((name) => name.trim()) as ScenarioName[];
  for (const name of scenarios)
    if (!SCENARIO_NAMES.includes(name))
      throw new Error(`--scenarios takes ${SCENARIO_NAMES.join(', ')}, got "${name}"`);
  return {
    quick,
    // --quick keeps the dashboard's 10 experiments but 10 runs each: a call per experiment or per run would
    // still show (and break the ≤ 25 calls budget), and the load runs drain in seconds.
    size: {
      experiments: number('experiments', values.experiments, 10, 1, 100),
      runsPerExperiment: number('runs', values.runs, quick ? 10 : 50, 10, 1000),
      paramsPerRun: 8,
      steps: 100,
      models: 20,
      versionsPerModel: 5,
      compareRuns: 20,
      // As many callers as the highest concurrency: requests in flight (nearly) never share a caller
      // (--quick: 16, fewer to warm up).
      users: Math.max(1, quick ? Math.min(16, Math.max(0, ...concurrency)) : Math.max(0, ...concurrency)),
    },
    iterations: number('iterations', values.iterations, quick ? 3 : 40, 1, 10_000),
    concurrency,
    durationS: number('duration', values.duration, 5, 0.2, 600),
    // --quick: each connection sends one request and the run waits for them all (no abandoned work to drain).
    burst: quick && values.duration === undefined ? 1 : undefined,
    rounds: number('rounds', values.rounds, quick ? 1 : 2, 1, 100),
    naiveLoad: !quick,
    latencyMs: number('latency', values.latency, 5, 0, 10_000),
    itemMs: number('item-ms', values['item-ms'], 0.05, 0, 1_000),
    redisUrl,
    out: values.out ?? 'bench/results/latest.json',
    scenarios,
    peer: !values['no-peer'] && (values.peer ?? !quick),
  };
}
