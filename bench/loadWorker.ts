// The benchmark's load generator, in a process of its own so its CPU is not the gateway's: autocannon for
// GraphQL (one POST per request), a closed loop of waterfalls for the REST variant. Answers over IPC.
import autocannon from 'autocannon';
import type { BenchData } from './benchData.js';
import { failStart, rssSampler, serveParent } from './ipc.js';
import { RestClient } from './RestClient.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';
import { percentile } from './stats.js';

/** A caller of a load run: requests rotate through several, as real traffic comes from many users. */
export interface Caller {
  username: string;
  authorization: string;
}

/** One load run's request. */
export type LoadJob = (
  | { kind: 'graphql'; url: string; body: string }
  | { kind: 'waterfall'; scenario: ScenarioName; baseUrl: string; data: BenchData }
) & {
  callers: Caller[];
  connections: number;
  durationS: number;
  /** When set: a burst of this many requests, all waited for, instead of a timed run (--quick: nothing to drain). */
  requests?: number | undefined;
};

/** What one load run measured. */
export interface LoadResult {
  /** Requests answered within the duration (HTTP 200 without GraphQL errors). */
  completed: number;
  /** Requests that failed: transport errors, timeouts, non-2xx, GraphQL `errors`. */
  failed: number;
  /** Of those, the ones refused by admission control (`RATE_LIMITED`, HTTP 503): explicit answers (bench/rss.ts). */
  rateLimited?: number;
  /** One failure's message, to say why. */
  failure?: string | undefined;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** Closed-loop requests longer than this count as failures (and the run waits for them no longer). */
const TIMEOUT_S = 60;

async function runGraphql(job: Extract<LoadJob, { kind: 'graphql' }>): Promise<LoadResult> {
  let graphqlErrors = 0;
  let rateLimited = 0;
  let failure: string | undefined;
  let next = 0;
  const result = await autocannon({
    url: job.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: job.body,
    connections: job.connections,
    duration: job.durationS,
    ...(job.requests ? { amount: job.requests } : {}),
    // Stop checks happen once per sample: sample often so short runs end on time.
    sampleInt: 100,
    timeout: TIMEOUT_S,
    requests: [
      {
        // Each request as the next caller: concurrent requests are different users' (no sharing in flight).
        setupRequest: (request: any) => ({
          ...request,
          headers: {
            ...request.headers,
            authorization: (job.callers[next++ % job.callers.length] as Caller).authorization,
          },
        }),
        // A 200 carrying GraphQL errors is a failure too (e.g. UPSTREAM_TIMEOUT under load).
        onResponse: (status: number, body: string) => {
          if (status !== 200 && body.includes('"RATE_LIMITED"')) rateLimited += 1;
          if (status === 200 && body.includes('"errors"')) {
            graphqlErrors += 1;
            failure ??= body.slice(0, 300);
          } else if (status !== 200) failure ??= `HTTP ${status}: ${body.slice(0, 200)}`;
        },
      },
    ],
  } as autocannon.Options);
  const completed2xx = result['2xx'] ?? 0;
  const completed = Math.max(0, completed2xx - graphqlErrors);
  const durationS = result.duration;
  return {
    completed,
    failed: result.errors + result.timeouts + result.non2xx + graphqlErrors,
    rateLimited,
    failure:
      failure ??
      (result.timeouts > 0
        ? `${result.timeouts} timed out after ${TIMEOUT_S} s`
        : result.errors > 0
          ? `${result.errors} connection errors`
          : undefined),
    durationS,
    rps: completed / durationS,
    p50Ms: completed > 0 ? result.latency.p50 : Number.NaN,
    p99Ms: completed > 0 ? result.latency.p99 : Number.NaN,
  };
}

async function runWaterfall(job: Extract<LoadJob, { kind: 'waterfall' }>): Promise<LoadResult> {
  const scenario = SCENARIOS.find((s) => s.name === job.scenario);
  if (!scenario) throw new Error(`unknown scenario ${job.scenario}`);
  const clients = job.callers.map((caller) => ({
    username: caller.username,
    api: new RestClient(job.baseUrl, caller.authorization),
  }));
  let next = 0;
  const latencies: number[] = [];
  let failed = 0;
  let failure: string | undefined;
  let started_ = 0;
  const started = performance.now();
  const deadline = job.requests ? Number.POSITIVE_INFINITY : started + job.durationS * 1000;
  const more = () => (job.requests ? started_++ < job.requests : performance.now() < deadline);
  const worker = async () => {
    while (more()) {
      const t0 = performance.now();
      const { api, username } = clients[next++ % clients.length] as { username: string; api: RestClient };
      try {
        await scenario.waterfall(api, job.data, username);
        // Counted like autocannon counts: answers received within the duration.
        if (performance.now() <= deadline) latencies.push(performance.now() - t0);
      } catch (error) {
        failed += 1;
        failure ??= (error as Error).message.slice(0, 300);
      }
    }
  };
  // Each worker finishes its last waterfall: the run drains itself, bounded by the client timeout.
  await Promise.race([
    Promise.all(Array.from({ length: job.connections }, worker)),
    new Promise((resolve) => setTimeout(resolve, (job.durationS + TIMEOUT_S) * 1000)),
  ]);
  const durationS = job.requests ? (performance.now() - started) / 1000 : job.durationS;
  return {
    completed: latencies.length,
    failed,
    failure,
    durationS,
    rps: latencies.length / durationS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function main(): void {
  const rss = rssSampler();
  const ready = serveParent(
    {
      load: (job: LoadJob) => (job.kind === 'graphql' ? runGraphql(job) : runWaterfall(job)),
      rss: () => rss.peakMiB(),
      rssReset: () => rss.reset(),
    },
    async () => undefined,
  );
  ready({ pid: process.pid });
}

try {
  main();
} catch (error) {
  failStart(error);
}
