// Redis dies in the middle of a stream of gateway queries and comes back: every query is answered, and
// caching resumes. A redis-server of its own on a free port, killed and restarted on the same port.
import { startStack, type Stack } from '../../helpers/startStack.js';
import { freePort } from '../../helpers/listen.js';
import { waitFor } from '../../helpers/waitFor.js';
import { startRedisServer, type RedisServer } from './redisServer.js';

const QUERY = `{ experiments(first: 3) { nodes { name runs(first: 5) { nodes { id metrics { key value } } } } } }`;

describe('gateway survives Redis going away and coming back', () => {
  let redis: RedisServer;
  let stack: Stack;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer({ port });
    stack = await startStack({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.kill().catch(() => undefined);
  });

  it('answers every query while Redis is killed and restarted, then caches again', async () => {
    const expected = await stack.query(QUERY);
    expect(expected.errors).toBeUndefined();
    const answers: unknown[] = [];
    for (let i = 0; i < 10; i += 1) answers.push(await stack.query(QUERY));
    await redis.kill();
    for (let i = 0; i < 10; i += 1) answers.push(await stack.query(QUERY));
    // While Redis is down the queries go upstream, and are still right.
    stack.emulator.resetCalls();
    answers.push(await stack.query(QUERY));
    expect(stack.emulator.totalCalls()).toBeGreaterThan(0);

    redis = await startRedisServer({ port });
    // Caching resumes: a query followed by the same one costs nothing upstream.
    await waitFor(
      async () => {
        await stack.query(QUERY);
        stack.emulator.resetCalls();
        answers.push(await stack.query(QUERY));
        return stack.emulator.totalCalls() === 0;
      },
      10_000,
      () => 'caching did not resume after Redis came back',
    );
    for (const answer of answers) expect(answer).toEqual(expected);
  });
});
