// Distributed mode as real processes, for the memory and peer benchmarks: each subgraph a `main.js subgraph` process
// of its own on port 0, and our gateway as one more `main.js --distributed` process, so the RSS read from /proc is
// one gateway's alone (the in-process bench runs three gateways in one process). They run the production build
// (`npm run build`, dist/main.js, as the image's ENTRYPOINT does): under tsx a process carries the compiler too.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { collectJsonLines } from '../test/helpers/jsonLines.js';

/** A running `dist/main.js`. */
export interface MainProcess {
  readonly child: ChildProcess;
  /** Its /graphql URL, from its start-up log line. */
  readonly graphqlUrl: string;
  readonly exited: Promise<void>;
}

/** Compiles src/ to dist/ (`npm run build`), so the processes run what the image runs. */
export function buildDist(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}

/** Starts `node dist/main.js <args>`; resolves once `component` logs its URL. */
async function spawnBuilt(
  args: readonly string[],
  env: Record<string, string>,
  component: string,
): Promise<MainProcess> {
  const { NODE_OPTIONS: nodeOptions = '', ...rest } = env;
  const child = spawn(process.execPath, ['dist/main.js', ...args], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...rest, NODE_OPTIONS: nodeOptions },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = collectJsonLines(child.stdout);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = lines.find((line) => line.component === component && typeof line.url === 'string');
    if (ready) {
      // Per-request log lines keep coming: read and drop them, as a log shipper would.
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      return { child, graphqlUrl: ready.url as string, exited };
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`dist/main.js ${args.join(' ')} did not start: ${JSON.stringify(lines.slice(-5))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The subgraphs of supergraph.yaml, in start order. */
export const SUBGRAPHS = ['tracking', 'registry', 'permissions'] as const;

/** What the processes share. */
export interface DistributedOptions {
  /** MLflow (the bench's recording proxy). */
  trackingUri: string;
  redisUrl: string;
  /** Key prefix of this run in Redis (deleted by the caller). */
  redisPrefix: string;
  /** Extra environment for every process (TTLs, limits). */
  env?: Record<string, string>;
}

/** Three subgraph processes. */
export interface SubgraphProcesses {
  readonly urls: Record<(typeof SUBGRAPHS)[number], string>;
  /** Their process ids, for /proc. */
  readonly pids: Record<(typeof SUBGRAPHS)[number], number>;
  /** Shared by our gateway and the subgraphs (our signing). */
  readonly secret: string;
  /** Shared by Hive Gateway and the subgraphs (Hive's `hmacSignature`, which the subgraphs accept too). */
  readonly hiveSecret: string;
  /** Environment every process of this stack starts with. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** Stops a spawned main with SIGTERM (its drain), then SIGKILL if it lingers. */
export async function stopMain(main: MainProcess, timeoutMs = 15_000): Promise<void> {
  if (main.child.exitCode !== null || main.child.signalCode !== null) return;
  main.child.kill('SIGTERM');
  const timer = setTimeout(() => main.child.kill('SIGKILL'), timeoutMs);
  await main.exited;
  clearTimeout(timer);
}

/** Starts the three subgraph servers, each its own process. */
export async function startSubgraphProcesses(options: DistributedOptions): Promise<SubgraphProcesses> {
  const secret = randomBytes(32).toString('hex');
  const hiveSecret = randomBytes(32).toString('hex');
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    // Info: the start-up line that carries the URL is one (production's level too).
    LOG_LEVEL: 'info',
    MLFLOW_TRACKING_URI: options.trackingUri,
    MLFLOW_SUPERGRAPH_PERMISSIONS: 'mlflow-basic-auth',
    MLFLOW_SUPERGRAPH_SUBGRAPH_SECRET: secret,
    // One key for every process: a cursor made by one subgraph opens at another.
    MLFLOW_SUPERGRAPH_SECRET: randomBytes(32).toString('hex'),
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.redisPrefix,
    OTEL_SDK_DISABLED: 'true',
    APOLLO_TELEMETRY_DISABLED: 'true',
    ...options.env,
  };
  const started: MainProcess[] = [];
  try {
    const urls = {} as Record<(typeof SUBGRAPHS)[number], string>;
    const pids = {} as Record<(typeof SUBGRAPHS)[number], number>;
    for (const name of SUBGRAPHS) {
      const main = await spawnBuilt(
        ['subgraph', name, '--port', '0'],
        { ...env, MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET: hiveSecret },
        `subgraph:${name}`,
      );
      started.push(main);
      urls[name] = main.graphqlUrl;
      pids[name] = main.child.pid as number;
    }
    return {
      urls,
      pids,
      secret,
      hiveSecret,
      env,
      async close() {
        await Promise.all(started.map((main) => stopMain(main)));
      },
    };
  } catch (error) {
    await Promise.all(started.map((main) => stopMain(main)));
    throw error;
  }
}

/**
 * Starts our gateway as its own process (`main.js --distributed`), calling `subgraphs`; with `singleProcess`, as
 * `npm start` runs it instead (its subgraphs in its own process; `subgraphs` gives only the shared settings).
 */
export async function startGatewayProcess(
  subgraphs: SubgraphProcesses,
  env: Record<string, string> = {},
  singleProcess = false,
): Promise<MainProcess> {
  return spawnBuilt(
    singleProcess ? [] : ['--distributed'],
    {
      ...subgraphs.env,
      SUBGRAPH_URL_TRACKING: subgraphs.urls.tracking,
      SUBGRAPH_URL_REGISTRY: subgraphs.urls.registry,
      SUBGRAPH_URL_PERMISSIONS: subgraphs.urls.permissions,
      GRAPHQL_SANDBOX: 'false',
      GRAPHQL_INTROSPECTION: 'false',
      ...env,
    },
    'gateway',
  );
}

/** A process's resident memory now and its peak so far (VmRSS, VmHWM), in MiB; NaN once it is gone. */
export function processRss(pid: number): { rssMiB: number; peakMiB: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rssMiB: Number.NaN, peakMiB: Number.NaN };
  }
  const kib = (name: string) => Number(/(\d+)/.exec(status.split('\n').find((l) => l.startsWith(name)) ?? '')?.[1]);
  return { rssMiB: Math.round(kib('VmRSS:') / 1024), peakMiB: Math.round(kib('VmHWM:') / 1024) };
}
