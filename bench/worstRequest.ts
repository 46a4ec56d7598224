// The worst single request within the default operation limits, against an emulator seeded large, sent to a
// gateway run as production runs it (NODE_ENV=production, deploy/k8s/config.yaml's --max-old-space-size=384):
// prints each request's upstream calls, latency, answer size and the gateway's RSS growth, and whether the
// gateway still answers afterwards. `npx tsx bench/worstRequest.ts [--runs 1000] [--steps 1000] [--params 20]`
// `--concurrent n` sends n copies of each request at once (the gateway's admission control decides how many run
// together; `--env GRAPHQL_MAX_CONCURRENT=0` turns it off to compare).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from '@mlflow-supergraph/mlflow-emulator';
import { spawnMain } from '../test/helpers/spawnMain.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    steps: { type: 'string', default: '1000' },
    params: { type: 'string', default: '20' },
    heap: { type: 'string', default: '384' },
    cost: { type: 'string', default: '1000000' },
    concurrent: { type: 'string', default: '1' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const CONCURRENT = Number(values.concurrent);
const EXTRA_ENV = Object.fromEntries(values.env.map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]));
/** The gateway's GRAPHQL_MAX_COST default: the requests below are built to just fit it. */
const MAX_COST = Number(values.cost);
const RUNS = Number(values.runs);
const STEPS = Number(values.steps);
const PARAMS = Number(values.params);

const emulator = await startEmulator({ seed: 'empty' });
const api = async (path: string, body: unknown) => {
  const response = await fetch(`${emulator.trackingUri}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as any;
};
const { experiment_id: experimentId } = await api('experiments/create', { name: 'worst-case' });
for (let r = 0; r < RUNS; r += 1) {
  const { run } = await api('runs/create', { experiment_id: experimentId, start_time: 1_700_000_000_000 + r });
  const params = Array.from({ length: PARAMS }, (_, p) => ({
    key: `param_${p}`,
    value: `${r}-${p}-`.padEnd(100, 'x'),
  }));
  const tags = Array.from({ length: 10 }, (_, t) => ({ key: `tag_${t}`, value: `${t}`.padEnd(50, 't') }));
  await api('runs/log-batch', { run_id: run.info.run_id, params, tags });
  for (let from = 0; from < STEPS; from += 1000) {
    const metrics = Array.from({ length: Math.min(1000, STEPS - from) }, (_, i) => ({
      key: 'loss',
      value: 1 / (from + i + 1),
      timestamp: 1_700_000_000_000 + from + i,
      step: from + i,
    }));
    await api('runs/log-batch', { run_id: run.info.run_id, metrics });
  }
  await api('runs/update', { run_id: run.info.run_id, status: 'FINISHED', end_time: 1_700_000_100_000 });
}

const gateway = await spawnMain([], {
  NODE_ENV: 'production',
  NODE_OPTIONS: `--max-old-space-size=${values.heap}`,
  GRAPHQL_MAX_COST: String(MAX_COST),
  MLFLOW_TRACKING_URI: emulator.trackingUri,
  LOG_LEVEL: 'info',
  ...EXTRA_ENV,
});
// One log line per request would pile up in this process: read and drop them.
gateway.lines.length = 0;
gateway.child.stdout?.removeAllListeners('data');
gateway.child.stdout?.resume();
const pid = gateway.child.pid as number;
let stderrTail = '';
gateway.child.stderr?.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-400)));
const rssMiB = () => {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rss: NaN, peak: NaN }; // the gateway is gone
  }
  const kib = (name: string) =>
    Number(/\d+/.exec(status.split('\n').find((line) => line.startsWith(name)) ?? '0')?.[0] ?? 0);
  return { rss: Math.round(kib('VmRSS:') / 1024), peak: Math.round(kib('VmHWM:') / 1024) };
};

const ids = [experimentId];
/** Points per run that the cost bound lets through (a run counts 100). */
const POINTS = Math.min(2500, Math.floor((MAX_COST - RUNS * 100 - 1) / RUNS));
// As many aliases as the cost bound lets through (a run counts 100 objects).
const ALIASES = Math.max(1, Math.floor(MAX_COST / (RUNS * 100 + RUNS * 31 + 1)));

const history = `query ($e: [ID!]!) { runs(experimentIds: $e, first: ${RUNS}) { nodes { id metricHistory(key: "loss", maxPoints: ${POINTS}) { step value timestamp } } } }`;
const aliases = `query ($e: [ID!]!) { ${Array.from({ length: ALIASES }, (_, i) => `r${i}: runs(experimentIds: $e, first: ${RUNS}, filter: "params.param_0 != 'x${i}'") { nodes { id name params { key value } tags { key value } metrics { key value } } }`).join(' ')} }`;
// The most upstream calls: one listing per run, up to GRAPHQL_MAX_UPSTREAM_CALLS (search + permission + runs).
// The largest answer that passes every bound on this data: two pages of every run with what a run carries.
const fits = `query ($e: [ID!]!) { ${Array.from({ length: 2 }, (_, i) => `r${i}: runs(experimentIds: $e, first: ${RUNS}, filter: "params.param_0 != 'y${i}'") { nodes { id name params { key value } tags { key value } metrics { key value } } }`).join(' ')} }`;
const artifacts = `query ($e: [ID!]!) { runs(experimentIds: $e, first: 298) { nodes { id artifacts { nodes { path } } } } }`;
const small = '{ experiments(first: 5) { nodes { id name } } }';

async function sendOne(query: string): Promise<{ status: number; bytes: number; summary: string }> {
  try {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { e: ids } }),
    });
    const text = await response.text();
    const body = JSON.parse(text);
    return {
      status: response.status,
      bytes: text.length,
      summary: body.errors
        ? JSON.stringify({ code: body.errors[0].extensions?.code, limit: body.errors[0].extensions?.limit })
        : 'ok',
    };
  } catch (error) {
    return { status: 0, bytes: 0, summary: `failed: ${(error as Error).message}` };
  }
}

async function send(name: string, query: string, copies = CONCURRENT) {
  emulator.resetCalls();
  const before = rssMiB();
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: copies }, () => sendOne(query)));
  const status = answers[0]?.status ?? 0;
  const bytes = Math.max(...answers.map((a) => a.bytes));
  // By outcome: how many copies got each answer (ok, RATE_LIMITED, QUERY_TOO_COMPLEX/upstreamBytes, …).
  const outcomes: Record<string, number> = {};
  for (const answer of answers)
    outcomes[`${answer.status} ${answer.summary}`] = (outcomes[`${answer.status} ${answer.summary}`] ?? 0) + 1;
  const summary = copies === 1 ? (answers[0]?.summary ?? '') : JSON.stringify(outcomes);
  const ms = Math.round(performance.now() - started);
  const after = rssMiB();
  const alive = !Number.isNaN(after.rss);
  console.log(
    JSON.stringify({
      name,
      copies,
      status,
      ms,
      bytes,
      upstreamCalls: emulator.totalCalls(),
      rssBeforeMiB: before.rss,
      rssAfterMiB: after.rss,
      peakRssMiB: after.peak,
      alive,
      summary,
    }),
  );
}

console.log(JSON.stringify({ seeded: { runs: RUNS, steps: STEPS, params: PARAMS }, heapMiB: Number(values.heap) }));
await send('baseline', small, 1);
await send(`${RUNS} runs × metricHistory (${POINTS} points each)`, history);
await send(`${ALIASES} aliases × ${RUNS} runs with params, tags, metrics`, aliases);
await send(`2 aliases × ${RUNS} runs with params, tags, metrics (fits the byte bounds)`, fits);
await send('298 runs × artifacts (300 calls estimated)', artifacts);
await send('after: a small query', small, 1);
if (stderrTail) console.log(JSON.stringify({ gatewayStderr: stderrTail }));
gateway.child.kill('SIGTERM');
await emulator.close();
