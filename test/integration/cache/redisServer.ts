// Starts throwaway redis-server processes on loopback for the cache's integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../helpers/listen.js';
import { requireRedisServerBinary } from '../../helpers/redis.js';
import { waitFor } from '../../helpers/waitFor.js';

/** A running redis-server child. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL, as a crash would; resolves once the process has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: the socket stays open but nothing answers, like a hung or overloaded server. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
}

/** Starts `redis-server` without persistence (optionally as a one-node Cluster owning every slot). */
export async function startRedisServer(options: { port?: number; cluster?: boolean } = {}): Promise<RedisServer> {
  await requireRedisServerBinary();
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'cache-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.cluster) {
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'));
    args.push('--cluster-announce-ip', '127.0.0.1');
  }
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(
      async () => ping(port),
      5000,
      () => `redis-server on ${port} did not start:\n${output}`,
    );
    if (options.cluster) {
      const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
      await admin.connect();
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await waitFor(
        async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'),
        5000,
        () => 'cluster never reached cluster_state:ok',
      );
      admin.disconnect();
    }
  } catch (error) {
    await stop(child, exited);
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: async () => {
      await stop(child, exited);
      await rm(dir, { recursive: true, force: true });
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

async function ping(port: number): Promise<boolean> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    disconnectTimeout: 10, // see RedisCache: the default would keep Jest alive 2 s after a refused attempt
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGCONT'); // a stopped process still dies on SIGKILL, but resume it so its exit is prompt everywhere
    child.kill('SIGKILL');
  }
  await exited;
}
