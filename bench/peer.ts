// The benchmark's peer: Hive Gateway (bench/hiveGateway.ts) in a process of its own in front of the same subgraph
// processes as our distributed gateway, signing with Hive's standard HMAC scheme.
import { spawn } from 'node:child_process';
import { collectJsonLines } from '../test/helpers/jsonLines.js';
import { buildDist, processRss, startSubgraphProcesses, type SubgraphProcesses } from './distributed.js';
import type { HiveGatewayOptions } from './hiveGateway.js';

/** A running Hive Gateway process. */
export interface PeerGateway {
  readonly pid: number;
  readonly graphqlUrl: string;
  close(): Promise<void>;
}

/** Starts Hive Gateway over `subgraphs`; resolves once it listens. */
export async function startPeerGateway(
  subgraphs: Pick<SubgraphProcesses, 'urls' | 'hiveSecret'>,
  options: { nodeOptions?: string; env?: Record<string, string>; planner?: 'rust' | 'js'; sign?: boolean } = {},
): Promise<PeerGateway> {
  const argument: HiveGatewayOptions = {
    urls: subgraphs.urls,
    planner: options.planner ?? 'rust',
    ...(options.sign === false ? {} : { hmacSecret: subgraphs.hiveSecret }),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/hiveGateway.ts', JSON.stringify(argument)], {
    env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: options.nodeOptions ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = collectJsonLines(child.stdout);
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url) {
    url = lines.find((line) => typeof line.url === 'string')?.url as string | undefined;
    if (url) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Hive Gateway did not start: ${JSON.stringify(lines)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  return {
    pid: child.pid as number,
    graphqlUrl: url,
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The bench's fifth variant: subgraph processes of its own (warm Redis, like the warm variant) and Hive in front. */
export interface PeerVariant {
  readonly graphqlUrl: string;
  /** Hive Gateway's peak RSS so far (MiB): the process doing this variant's gateway work. */
  peakRssMiB(): number;
  close(): Promise<void>;
}

/** Builds dist/, starts the three subgraphs as processes against `trackingUri`, and Hive Gateway over them. */
export async function startPeerVariant(options: {
  trackingUri: string;
  redisUrl: string;
  redisPrefix: string;
  env: Record<string, string>;
}): Promise<PeerVariant> {
  buildDist();
  const subgraphs = await startSubgraphProcesses({ ...options });
  try {
    const peer = await startPeerGateway(subgraphs);
    return {
      graphqlUrl: peer.graphqlUrl,
      peakRssMiB: () => processRss(peer.pid).peakMiB,
      async close() {
        await peer.close();
        await subgraphs.close();
      },
    };
  } catch (error) {
    await subgraphs.close();
    throw error;
  }
}
