// Cache traffic for redisFaults.test.ts, run as a plain Node process. Inside Jest the test file's `process` is a
// sandbox copy whose 'unhandledRejection' listeners never fire; here the listener is on the real process, which
// is also where an unhandled rejection would crash a production gateway. Talks to the test over IPC.
import { RedisCache } from '../../../src/cache/RedisCache.js';

/** Periodic progress sent to the test. */
export interface TrafficStatus {
  type: 'status';
  healthy: boolean;
  calls: number;
  hits: number;
  errors: number;
}

/** Final report sent after the test says stop. */
export interface TrafficReport {
  type: 'report';
  probeSeen: boolean;
  unhandled: string[];
  failures: string[];
  calls: number;
  slowestMs: number;
  outageReads: number;
  outageHits: number;
  finalRoundTrip: boolean;
  logs: string[];
}

const url = process.argv[2];
if (!url || !process.send) {
  throw new Error('usage: node --import tsx faultTraffic.ts <redis-url> (with an IPC channel)');
}
const send = (message: TrafficStatus | TrafficReport) => process.send?.(message);

const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  // Prove the listener works before relying on "it saw nothing".
  void Promise.reject(new Error('probe'));
  await sleep(10);
  const probeSeen = unhandled.length === 1 && (unhandled[0] ?? '').includes('probe');
  unhandled.length = 0;

  const logs: string[] = [];
  const cache = new RedisCache({
    url: url as string,
    keyPrefix: 'faults:',
    commandTimeoutMs: 100,
    connectTimeoutMs: 500,
    maxReconnectDelayMs: 200,
    logger: { warn: (message) => logs.push(`warn ${message}`), info: (message) => logs.push(`info ${message}`) },
  });

  let running = true;
  let calls = 0;
  let slowestMs = 0;
  let outageReads = 0;
  let outageHits = 0;
  const failures: string[] = [];
  const reporter = setInterval(() => {
    send({ type: 'status', healthy: cache.isHealthy(), calls, hits: cache.stats.hits, errors: cache.stats.errors });
  }, 20);

  const traffic = (async () => {
    for (let i = 0; running; i += 1) {
      const began = performance.now();
      const healthy = cache.isHealthy();
      try {
        const [, value, many] = await Promise.all([
          cache.set(`k${i}`, `v${i}`, 60),
          cache.get(`k${i - 1}`),
          cache.getMany([`k${i - 2}`, `k${i - 3}`]),
          cache.setMany([{ key: `m${i}`, value: 'x', ttlSeconds: 60 }]),
          cache.delete([`m${i - 1}`]),
        ]);
        if (!healthy) {
          const reads = [value, ...many];
          outageReads += reads.length;
          outageHits += reads.filter((read) => read !== undefined).length;
        }
      } catch (error) {
        failures.push(String(error));
      }
      calls += 5;
      slowestMs = Math.max(slowestMs, performance.now() - began);
      await sleep(5);
    }
  })();

  process.on('message', (message: unknown) => {
    if ((message as { type?: unknown }).type !== 'stop') return;
    void (async () => {
      running = false;
      await traffic;
      clearInterval(reporter);
      await cache.set('final', 'yes', 60);
      const finalRoundTrip = (await cache.get('final')) === 'yes';
      await cache.close();
      await sleep(50); // let any late rejection surface before reporting
      send({
        type: 'report',
        probeSeen,
        unhandled,
        failures,
        calls,
        slowestMs,
        outageReads,
        outageHits,
        finalRoundTrip,
        logs,
      });
      process.disconnect();
    })();
  });
}

void main();
