// npm run bench:rss: peak RSS of ONE gateway process under concurrent dashboards, in distributed mode (the gateway
// alone in its process; the three subgraphs, the upstream and the load generator each in theirs), read from
// /proc (VmHWM), so the figure is what a pod's memory limit sees.
//
//   npm run bench:rss                              # c=64 dashboards for 20 s against our gateway
//   npm run bench:rss -- --gateway hive            # the same against Hive Gateway (bench/peer.ts)
//   npm run bench:rss -- --single-process          # our gateway with its subgraphs in its process, as `npm start`
//   npm run bench:rss -- --heap 384 --env GRAPHQL_MAX_CONCURRENT=0   # admission control off ("before")
//   npm run bench:rss -- --heap-snapshot           # also writes a heap snapshot of the gateway near its peak
//
// The data and upstream are the main bench's (bench/upstream.ts: 10 experiments × 50 runs, the recording proxy's
// latency); subgraphs use Redis with hour-long TTLs (warm), so the gateway is the bottleneck. A request answered
// RATE_LIMITED (admission control) is counted apart from failures. JSON to bench/results/rss.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { deleteKeysWithPrefix } from '../test/helpers/redis.js';
import { buildDist, processRss, startGatewayProcess, startSubgraphProcesses, stopMain } from './distributed.js';
import { startHelper, type Helper } from './ipc.js';
import type { Caller, LoadJob, LoadResult } from './loadWorker.js';
import { startPeerGateway } from './peer.js';
import { LONG_TTLS } from './benchGatewayConfig.js';
import { basicAuthorization, inParallel } from './RestClient.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';
import type { UpstreamReady } from './upstream.js';

const HELP = `npm run bench:rss -- [--gateway ours|hive] [--single-process] [--concurrency n=64] [--duration s=20] [--scenario dashboard]
                        [--heap MiB] [--env NAME=VALUE ...] [--heap-snapshot] [--runs n=50] [--out file]`;

interface RssOptions {
  gateway: 'ours' | 'hive';
  /** Our gateway as `npm start` runs it (subgraphs in its process), instead of distributed. */
  singleProcess: boolean;
  concurrency: number;
  durationS: number;
  scenario: ScenarioName;
  heapMiB: number | undefined;
  env: Record<string, string>;
  heapSnapshot: boolean;
  runsPerExperiment: number;
  out: string;
  redisUrl: string;
}

function readOptions(argv = process.argv.slice(2)): RssOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      gateway: { type: 'string', default: 'ours' },
      'single-process': { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '64' },
      duration: { type: 'string', default: '20' },
      scenario: { type: 'string', default: 'dashboard' },
      heap: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      'heap-snapshot': { type: 'boolean', default: false },
      runs: { type: 'string', default: '50' },
      out: { type: 'string', default: 'bench/results/rss.json' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const number = (name: string, raw: string, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  if (values.gateway !== 'ours' && values.gateway !== 'hive')
    throw new Error(`--gateway takes ours or hive, got "${values.gateway}"`);
  const scenario = values.scenario as ScenarioName;
  if (!SCENARIOS.some((s) => s.name === scenario))
    throw new Error(`--scenario takes ${SCENARIOS.map((s) => s.name).join(', ')}, got "${scenario}"`);
  const env: Record<string, string> = {};
  for (const pair of values.env) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
    if (!match) throw new Error(`--env takes NAME=VALUE, got "${pair}"`);
    env[match[1] as string] = match[2] as string;
  }
  return {
    gateway: values.gateway,
    singleProcess: values['single-process'],
    concurrency: number('concurrency', values.concurrency, 1, 256),
    durationS: number('duration', values.duration, 1, 600),
    scenario,
    heapMiB: values.heap === undefined ? undefined : number('heap', values.heap, 64, 65_536),
    env,
    heapSnapshot: values['heap-snapshot'],
    runsPerExperiment: number('runs', values.runs, 10, 1000),
    out: values.out,
    redisUrl: process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
  };
}

/** What one `bench:rss` run reports. */
export interface RssReport {
  date: string;
  gateway: 'ours' | 'hive';
  singleProcess: boolean;
  scenario: ScenarioName;
  concurrency: number;
  durationS: number;
  heapMiB: number | null;
  env: Record<string, string>;
  /** The gateway process's RSS once started, before any request (MiB). */
  rssIdleMiB: number;
  /** Its RSS once warm, before the load run (MiB). */
  rssBeforeMiB: number;
  /** Its peak RSS (VmHWM) over the whole run, warm-up included (MiB). */
  peakRssMiB: number;
  load: LoadResult;
  /** Bytes of one answer (the same for every caller). */
  answerBytes: number;
  /** Each subgraph process's peak RSS over the run (MiB), for sizing their pods. */
  subgraphPeakRssMiB: Record<string, number>;
}

async function main(): Promise<void> {
  const options = readOptions();
  const scenario = SCENARIOS.find((s) => s.name === options.scenario) ?? SCENARIOS[0];
  if (!scenario) throw new Error('no scenario');
  const log = (message: string) => console.error(`[bench:rss] ${message}`);
  const prefix = `mlflow-supergraph-bench-rss:${process.pid}-${Date.now()}:`;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    log('building dist/ (the processes run the production build) and the data set');
    buildDist();
    const upstream: Helper<UpstreamReady> = await startHelper('bench/upstream.ts', {
      size: {
        experiments: 10,
        runsPerExperiment: options.runsPerExperiment,
        paramsPerRun: 8,
        steps: 100,
        models: 20,
        versionsPerModel: 5,
        compareRuns: 20,
        users: options.concurrency,
      },
      latencyMs: 5,
      itemMs: 0.05,
    });
    cleanups.push(() => upstream.close());
    const { proxyUrl, data } = upstream.ready;
    const callers: Caller[] = data.users.map((user) => ({
      username: user.username,
      authorization: basicAuthorization(user.username, user.password),
    }));
    log('starting the subgraph processes');
    const subgraphs = await startSubgraphProcesses({
      trackingUri: proxyUrl,
      redisUrl: options.redisUrl,
      redisPrefix: prefix,
      // A subgraph's replay check waits on Redis; under c=64 its event loop is busy for longer than the 1 s
      // default, which would refuse signed requests (503) for reasons of the bench machine, not of the gateway.
      env: { ...LONG_TTLS, REDIS_COMMAND_TIMEOUT_MS: process.env.REDIS_COMMAND_TIMEOUT_MS ?? '10000' },
    });
    cleanups.push(() => subgraphs.close());
    const heapFlags = [
      ...(options.heapMiB ? [`--max-old-space-size=${options.heapMiB}`] : []),
      ...(options.heapSnapshot ? ['--heapsnapshot-signal=SIGUSR2'] : []),
    ].join(' ');
    let gateway: { pid: number; graphqlUrl: string };
    if (options.gateway === 'ours') {
      const main = await startGatewayProcess(
        subgraphs,
        { NODE_OPTIONS: heapFlags, ...options.env },
        options.singleProcess,
      );
      cleanups.unshift(() => stopMain(main));
      gateway = { pid: main.child.pid as number, graphqlUrl: main.graphqlUrl };
    } else {
      const peer = await startPeerGateway(subgraphs, { nodeOptions: heapFlags, env: options.env });
      cleanups.unshift(() => peer.close());
      gateway = peer;
    }
    const idle = processRss(gateway.pid);
    log(`gateway pid ${gateway.pid} at ${gateway.graphqlUrl}: RSS ${idle.rssMiB} MiB idle`);

    // Warm: every caller once (search pages are cached per caller), checking the answer.
    const body = JSON.stringify({ query: scenario.query, variables: scenario.variables(data) });
    let answerBytes = 0;
    await inParallel(callers, 4, async (caller) => {
      const response = await fetch(gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: caller.authorization },
        body,
      });
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"'))
        throw new Error(`warm-up as ${caller.username}: HTTP ${response.status} ${text.slice(0, 300)}`);
      answerBytes = text.length;
    });
    const before = processRss(gateway.pid);
    log(
      `warm: RSS ${before.rssMiB} MiB (peak so far ${before.peakMiB} MiB); load c=${options.concurrency} for ${options.durationS} s`,
    );

    const load: Helper<{ pid: number }> = await startHelper('bench/loadWorker.ts', {});
    cleanups.unshift(() => load.close());
    let snapshotTaken = false;
    let sampledPeak = before.rssMiB;
    const sampler = setInterval(() => {
      const now = processRss(gateway.pid).rssMiB;
      sampledPeak = Math.max(sampledPeak, now);
      // A snapshot once the load has built up (halfway), written by the gateway itself (--heapsnapshot-signal).
      if (options.heapSnapshot && !snapshotTaken && performance.now() - loadStarted > (options.durationS * 1000) / 2) {
        snapshotTaken = true;
        process.kill(gateway.pid, 'SIGUSR2');
        log(`heap snapshot requested at RSS ${now} MiB (written to the gateway's working directory)`);
      }
    }, 100);
    const loadStarted = performance.now();
    const job: LoadJob = {
      kind: 'graphql',
      url: gateway.graphqlUrl,
      body,
      callers,
      connections: options.concurrency,
      durationS: options.durationS,
    };
    const result = await load.request<LoadResult>('load', job, (options.durationS + 180) * 1000);
    clearInterval(sampler);
    const after = processRss(gateway.pid);
    const report: RssReport = {
      date: new Date().toISOString(),
      gateway: options.gateway,
      singleProcess: options.singleProcess,
      scenario: scenario.name,
      concurrency: options.concurrency,
      durationS: options.durationS,
      heapMiB: options.heapMiB ?? null,
      env: options.env,
      rssIdleMiB: idle.rssMiB,
      rssBeforeMiB: before.rssMiB,
      peakRssMiB: Math.max(after.peakMiB, sampledPeak),
      load: result,
      answerBytes,
      subgraphPeakRssMiB: Object.fromEntries(
        Object.entries(subgraphs.pids).map(([name, pid]) => [name, processRss(pid).peakMiB]),
      ),
    };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `| ${options.gateway}${options.singleProcess ? ' (single process)' : ''} | ${scenario.name} | c=${options.concurrency} | heap ${options.heapMiB ?? 'default'} | ${
        Object.entries(options.env)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ') || '—'
      } | RSS idle ${idle.rssMiB}, warm ${before.rssMiB} MiB | peak ${report.peakRssMiB} MiB | ${result.completed} ok, ${result.rateLimited ?? 0} RATE_LIMITED, ${result.failed - (result.rateLimited ?? 0)} failed otherwise | ${result.rps.toFixed(1)} req/s | p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms |`,
    );
    log(`subgraph peak RSS (MiB): ${JSON.stringify(report.subgraphPeakRssMiB)}`);
    if (result.failed > (result.rateLimited ?? 0)) log(`failures, e.g. ${result.failure}`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(String(error)));
    await deleteKeysWithPrefix(options.redisUrl, prefix).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
