// Memory exhaustion by many large answers at once: the gateway holds at most GRAPHQL_MAX_CONCURRENT slots of
// operations (weighted by estimated cost) and GRAPHQL_MAX_QUEUED waiting; one more is answered RATE_LIMITED with
// HTTP 503 and Retry-After before any upstream call. Figures protected: answers executing at once (1 here), requests
// refused when under the bounds (0), queued requests lost at shutdown (0).
import http from 'node:http';
import { startStack, type Stack } from '../helpers/startStack.js';
import { closeServer, listenOnLoopback } from '../helpers/listen.js';
import { callsMatching } from '../helpers/upstreamCalls.js';
import { waitFor } from '../helpers/waitFor.js';

/**
 * In front of the emulator: forwards everything, except that while `hold()` is on, `experiments/search` calls wait
 * until `release()`. Requests stay in flight exactly as long as the test says, however slow the machine.
 */
function holdingProxy(target: () => string) {
  let held: (() => void)[] | undefined;
  let heldCount = 0;
  const server = http.createServer((request, response) => {
    const forward = () => {
      const upstream = http.request(
        new URL(request.url ?? '/', target()),
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(upstream);
    };
    if (held && request.url?.includes('experiments/search')) {
      heldCount += 1;
      held.push(forward);
    } else forward();
  });
  return {
    server,
    hold: () => (held = []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const forward of waiting) forward();
    },
    heldCount: () => heldCount,
  };
}

const QUERY = 'query Few { experiments(first: 2) { nodes { id name } } }';

/** One sample of the gateway's /metrics: `name{labels}` as exposed (e.g. `graphql_admission_queued{component="gateway"}`). */
async function metric(stack: Stack, sample: string): Promise<number> {
  const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`mlflow_supergraph_${sample} `));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

function post(stack: Stack, query = QUERY) {
  return fetch(stack.gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  }).then(async (response) => ({
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { data?: any; errors?: { message: string; extensions: { code: string } }[] },
  }));
}

describe('admission control', () => {
  let stack: Stack;
  let proxy: ReturnType<typeof holdingProxy>;
  let emulatorUrl = '';

  beforeEach(async () => {
    proxy = holdingProxy(() => emulatorUrl);
    const { url } = await listenOnLoopback(proxy.server as unknown as import('node:net').Server);
    stack = await startStack({
      env: { GRAPHQL_MAX_CONCURRENT: '1', GRAPHQL_MAX_QUEUED: '1', GRAPHQL_QUEUE_TIMEOUT_MS: '60000' },
      trackingUri: (emulator) => {
        emulatorUrl = emulator.url;
        return url;
      },
    });
  });
  afterEach(async () => {
    proxy.release();
    await stack?.close();
    proxy.server.closeAllConnections();
    await closeServer(proxy.server as unknown as import('node:net').Server);
  });

  /** One request executing (its upstream call held), one waiting in the queue. */
  async function fill() {
    proxy.hold();
    const executing = post(stack);
    await waitFor(
      () => proxy.heldCount() === 1,
      20_000,
      () => 'the first request to reach MLflow',
    );
    const queued = post(stack);
    await waitFor(
      async () => (await metric(stack, 'graphql_admission_queued{component="gateway"}')) === 1,
      20_000,
      () => 'one queued',
    );
    return { executing, queued };
  }

  it('answers RATE_LIMITED with HTTP 503 and Retry-After past the queue, before any upstream call', async () => {
    const { executing, queued } = await fill();
    const searches = callsMatching(stack.emulator, 'experiments/search');
    const refused = await post(stack);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('60');
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.map((e) => e.extensions.code)).toEqual(['RATE_LIMITED']);
    expect(refused.body.errors?.[0]?.message).toMatch(/at capacity/);
    // The queued one has not started: one execution at a time.
    expect(proxy.heldCount()).toBe(1);
    proxy.release();
    for (const answer of await Promise.all([executing, queued])) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.experiments.nodes).toHaveLength(2);
    }
    expect(callsMatching(stack.emulator, 'experiments/search')).toBe(searches + 1);
    expect(await metric(stack, 'graphql_admission_refused_total{reason="queueFull"}')).toBe(1);
  });

  it('answers every request while they stay within the bounds', async () => {
    const answers = [];
    // Sequential pairs: one executing, one queued at most.
    for (let i = 0; i < 6; i += 1) answers.push(...(await Promise.all([post(stack), post(stack)])));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(answers.filter((a) => a.body.errors)).toEqual([]);
    expect(await metric(stack, 'graphql_admission_slots_in_use{component="gateway"}')).toBe(0);
  });

  it('lets the queued requests run and answers them when the gateway shuts down', async () => {
    const { executing, queued } = await fill();
    // close() begins the drain before it first waits: from here on no new connection is taken, the queue is kept.
    const closing = stack.gateway.close({ timeoutMs: 60_000 });
    proxy.release();
    for (const answer of await Promise.all([executing, queued])) {
      expect(answer.status).toBe(200);
      expect(answer.body.data.experiments.nodes).toHaveLength(2);
    }
    await closing;
  });
});
