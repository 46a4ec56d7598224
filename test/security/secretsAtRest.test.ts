// Attack class: secrets at rest. Someone who can list Redis keys (a shared Redis, a backup, a monitoring tool) must
// not learn credentials from key names: per-caller cache and single-flight keys are HMACs under a server key, never
// a bare hash that an offline dictionary reverses. Figure protected: 0 of the candidate passwords confirmed from
// the key names, and no key name carries any part of a credential.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { callerIdentity } from '../../src/auth/callerIdentity.js';
import { principalFromHeaders } from '../../src/auth/principalFromHeaders.js';
import { loadConfig } from '../../src/config.js';
import { requireRedis, redisNamespace, sharedRedisUrl } from '../helpers/redis.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { basicAuth } from '../helpers/auth.js';

const PASSWORD = 'summer2026';
const CANDIDATES = ['password', '123456', 'letmein', 'summer2025', PASSWORD, 'winter2026'];

/** What an attacker computes for each guess: the bare (unkeyed) scope the cache used to put in key names. */
function bareScope(identity: string): string {
  const digest = createHash('sha256').update('mlflow-supergraph/cache-scope\0').update(identity, 'utf8').digest();
  return `p${digest.subarray(0, 16).toString('base64url')}`;
}

describe('per-caller cache keys in Redis', () => {
  const namespace = redisNamespace('secrets');
  const prefix = namespace.prefix;
  let stack: Stack;
  let redis: Redis;
  beforeAll(async () => {
    await requireRedis();
    // MLflow without auth: no permission service, so every entry is per caller (keyed by the credential).
    stack = await startStack({
      env: { ...namespace.env, MLFLOW_SUPERGRAPH_SECRET: 'r'.repeat(48) },
    });
    redis = new Redis(sharedRedisUrl);
  });
  afterAll(async () => {
    await stack?.close();
    if (redis) {
      await namespace.deleteKeys();
      await redis.quit();
    }
  });

  it('name no credential and confirm no guessed password offline', async () => {
    const authorization = basicAuth('alice', PASSWORD);
    const answer = await stack.query(
      `{ experiments(first: 3) { nodes { id name runs(first: 3) { nodes { id params { key } } } } } }`,
      {},
      { authorization },
    );
    expect(answer.errors).toBeUndefined();
    const keys = await redis.keys(`${prefix}*`);
    const scoped = keys.filter((key) => /:p[A-Za-z0-9_-]{22}:/.test(key));
    expect(scoped.length).toBeGreaterThan(0);

    const config = loadConfig({ NODE_ENV: 'test' });
    const confirmed = CANDIDATES.filter((guess) => {
      const identity = callerIdentity(principalFromHeaders({ authorization: basicAuth('alice', guess) }, config));
      return keys.some((key) => key.includes(bareScope(identity)));
    });
    expect(confirmed).toEqual([]);
    const base64 = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    for (const fragment of [PASSWORD, base64, authorization])
      expect(keys.filter((key) => key.includes(fragment))).toEqual([]);
  });
});
