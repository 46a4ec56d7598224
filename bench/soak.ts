// Soak test: steady load on the demo for minutes, to catch leaks, latency drift and rare errors.
//
//   npm run soak                                  # 2 minutes at 50 requests/s
//   npm run soak -- --duration 600 --rps 100      # longer, harder
//   npm run soak -- --url http://127.0.0.1:4000/graphql --duration 60   # against a gateway you started
//
// By default it starts the MLflow emulator here (with MLflow-like latency) and the real server as a child
// process (`node --import tsx src/main.ts`, as `npm start` runs it), so the RSS reported is the server's alone
// (scraped from its /metrics). Traffic goes to loopback only. Every loop is bounded by --duration and a
// request cap; the script stops by itself and exits 1 if any request failed.
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startEmulator, type Emulator } from '@mlflow-supergraph/mlflow-emulator';
import { serverMemory, startServer } from './serverProcess.js';

interface Options {
  durationS: number;
  rps: number;
  concurrency: number;
  intervalS: number;
  latencyMs: number;
  url: string | undefined;
  writeShare: number;
  /** V8 old-space limit of the server child in MiB (as NODE_OPTIONS=--max-old-space-size in the manifests). */
  heapMb: number | undefined;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '120' },
      rps: { type: 'string', default: '50' },
      concurrency: { type: 'string', default: '32' },
      interval: { type: 'string', default: '10' },
      latency: { type: 'string', default: '8' },
      writes: { type: 'string', default: '0.05' },
      url: { type: 'string' },
      heap: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'npm run soak -- [--duration s=120] [--rps n=50] [--concurrency n=32] [--interval s=10] [--latency ms=8] [--writes share=0.05] [--heap MiB] [--url http://127.0.0.1:PORT/graphql]',
    );
    process.exit(0);
  }
  const number = (name: string, raw: string | undefined, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  const url = values.url;
  if (url !== undefined) {
    const host = new URL(url).hostname;
    // Load tests target this machine only.
    if (!(host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host)))
      throw new Error(`--url must point at a loopback address, got ${host}`);
  }
  return {
    durationS: number('duration', values.duration, 1, 3600),
    rps: number('rps', values.rps, 1, 2000),
    concurrency: number('concurrency', values.concurrency, 1, 1024),
    intervalS: number('interval', values.interval, 1, 600),
    latencyMs: number('latency', values.latency, 0, 10_000),
    writeShare: number('writes', values.writes, 0, 1),
    heapMb: values.heap === undefined ? undefined : number('heap', values.heap, 64, 65_536),
    url,
  };
}

/** The read mix: what dashboards, run pages and model pages ask for. */
const READS: { name: string; query: string; variables?: () => Record<string, unknown> }[] = [
  {
    name: 'Dashboard',
    query: `query Dashboard { experiments(first: 5) { nodes { id name runs(first: 10) { nodes { id status metrics { key value } } } } } }`,
  },
  {
    name: 'LossCurves',
    query: `query LossCurves($id: ID!) { experiment(id: $id) { runs(first: 20) { nodes { id metricHistory(key: "loss", maxPoints: 100) { step value } } } } }`,
    variables: () => ({ id: String(1 + Math.floor(Math.random() * 5)) }),
  },
  {
    name: 'RunPage',
    query: `query RunPage($id: ID!) { run(id: $id) { id name status params { key value } metrics { key value } tags { key value } experiment { name } modelVersions { name version } } }`,
    variables: () => ({ id: pick(runIds) }),
  },
  {
    name: 'Models',
    query: `query Models { registeredModels(first: 10) { nodes { name versions(first: 3) { nodes { version stage run { id status } } } } } }`,
  },
  {
    name: 'ByName',
    query: `query ByName($name: String!) { experimentByName(name: $name) { id name tags { key value } } }`,
    variables: () => ({
      name: pick(['fraud-detection', 'churn-prediction', 'image-classification-resnet', 'llm-finetune-summarization']),
    }),
  },
];
const WRITE = {
  name: 'TagRun',
  query: `mutation TagRun($id: ID!, $value: String!) { setRunTag(runId: $id, tag: { key: "soak", value: $value }) { id } }`,
};

let runIds: string[] = [];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  if (body.errors) throw new Error(`${body.errors[0]?.extensions?.code}: ${body.errors[0]?.message}`);
  return body.data;
}

async function main(): Promise<void> {
  const options = readOptions();
  let emulator: Emulator | undefined;
  let child: ChildProcess | undefined;
  let url = options.url;
  if (!url) {
    emulator = await startEmulator({ seed: 'demo', latencyMs: options.latencyMs, jitterMs: options.latencyMs / 2 });
    ({ child, url } = await startServer(emulator.url, { heapMb: options.heapMb }));
  }
  const graphqlUrl = url;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await emulator?.close();
  };

  try {
    const bootMemory = await serverMemory(graphqlUrl);
    const seed = await post(graphqlUrl, `{ experiments(first: 5) { nodes { runs(first: 20) { nodes { id } } } } }`);
    runIds = seed.experiments.nodes.flatMap((e: any) => e.runs.nodes.map((r: any) => r.id));
    console.log(
      `soak: ${options.rps} req/s for ${options.durationS} s against ${graphqlUrl} (≤${options.concurrency} in flight, ${Math.round(options.writeShare * 100)}% writes${emulator ? `, emulator latency ${options.latencyMs}±${options.latencyMs / 2} ms` : ''}${options.heapMb ? `, server heap limit ${options.heapMb} MiB` : ''})`,
    );
    console.log(
      `server RSS at start: ${bootMemory ? `${bootMemory.rssMb.toFixed(1)} MiB (heap ${bootMemory.heapMb.toFixed(1)} MiB)` : 'n/a'}`,
    );
    console.log('   t(s)   served  errors  skipped   rps   p50(ms)  p99(ms)  RSS(MiB)  heap(MiB)  upstream/s');

    const all: number[] = [];
    let window: number[] = [];
    let served = 0;
    let errors = 0;
    let skipped = 0;
    let inFlight = 0;
    const errorSamples = new Map<string, number>();
    const started = performance.now();
    const endAt = started + options.durationS * 1000;
    const maxRequests = Math.ceil(options.rps * options.durationS * 1.1) + 10;
    let issued = 0;
    let lastReport = started;
    let lastServed = 0;
    let lastUpstream = emulator?.totalCalls() ?? 0;
    let firstMemory: { rssMb: number; heapMb: number } | undefined;
    let lastMemory: { rssMb: number; heapMb: number } | undefined;

    const one = async () => {
      inFlight += 1;
      const write = Math.random() < options.writeShare;
      const read = pick(READS);
      const operation = write ? WRITE : read;
      const variables = write ? { id: pick(runIds), value: String(issued % 7) } : read.variables?.();
      const t0 = performance.now();
      try {
        await post(graphqlUrl, operation.query, variables);
        const ms = performance.now() - t0;
        all.push(ms);
        window.push(ms);
        served += 1;
      } catch (error) {
        errors += 1;
        const key = `${operation.name}: ${(error as Error).message.slice(0, 120)}`;
        errorSamples.set(key, (errorSamples.get(key) ?? 0) + 1);
      } finally {
        inFlight -= 1;
      }
    };

    const gapMs = 1000 / options.rps;
    let next = performance.now();
    const pending = new Set<Promise<void>>();
    // Open loop: requests start on schedule whether or not earlier ones finished (up to --concurrency).
    while (performance.now() < endAt && issued < maxRequests) {
      const now = performance.now();
      if (now >= next) {
        next += gapMs;
        issued += 1;
        if (inFlight >= options.concurrency) skipped += 1;
        else {
          const promise = one();
          pending.add(promise);
          void promise.finally(() => pending.delete(promise));
        }
      }
      if (now - lastReport >= options.intervalS * 1000) {
        const memory = await serverMemory(graphqlUrl);
        firstMemory ??= memory;
        lastMemory = memory ?? lastMemory;
        const sorted = window.sort((a, b) => a - b);
        const seconds = (now - lastReport) / 1000;
        const upstream = emulator?.totalCalls() ?? 0;
        console.log(
          [
            ((now - started) / 1000).toFixed(0).padStart(7),
            String(served).padStart(8),
            String(errors).padStart(7),
            String(skipped).padStart(8),
            ((served - lastServed) / seconds).toFixed(1).padStart(6),
            percentile(sorted, 50).toFixed(1).padStart(9),
            percentile(sorted, 99).toFixed(1).padStart(8),
            (memory ? memory.rssMb.toFixed(1) : 'n/a').padStart(9),
            (memory ? memory.heapMb.toFixed(1) : 'n/a').padStart(10),
            (emulator ? ((upstream - lastUpstream) / seconds).toFixed(1) : 'n/a').padStart(11),
          ].join(' '),
        );
        window = [];
        lastReport = now;
        lastServed = served;
        lastUpstream = upstream;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(next - performance.now(), 5))));
    }
    await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, 35_000))]);
    const endMemory = (await serverMemory(graphqlUrl)) ?? lastMemory;
    const sorted = all.sort((a, b) => a - b);
    const elapsedS = (performance.now() - started) / 1000;
    console.log('');
    console.log(
      `requests served: ${served} in ${elapsedS.toFixed(1)} s (${(served / elapsedS).toFixed(1)}/s); errors: ${errors}; skipped (over --concurrency): ${skipped}`,
    );
    console.log(
      `latency ms: p50 ${percentile(sorted, 50).toFixed(1)}, p95 ${percentile(sorted, 95).toFixed(1)}, p99 ${percentile(sorted, 99).toFixed(1)}, max ${(sorted.at(-1) ?? 0).toFixed(1)}`,
    );
    const format = (memory: { rssMb: number; heapMb: number } | undefined) =>
      memory ? `${memory.rssMb.toFixed(1)} MiB (heap ${memory.heapMb.toFixed(1)} MiB)` : 'n/a';
    console.log(
      `server RSS: at start ${format(bootMemory)}, after first interval ${format(firstMemory)}, at end ${format(endMemory)}`,
    );
    if (emulator)
      console.log(
        `upstream calls: ${emulator.totalCalls()} (${(emulator.totalCalls() / Math.max(1, served)).toFixed(2)} per request)`,
      );
    for (const [message, count] of errorSamples) console.log(`  error ×${count}: ${message}`);
    process.exitCode = errors === 0 ? 0 : 1;
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(`soak failed: ${(error as Error).message}`);
  process.exit(1);
});
