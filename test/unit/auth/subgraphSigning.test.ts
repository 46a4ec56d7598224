import {
  ReplayCheckUnavailableError,
  signSubgraphRequest,
  verifySubgraphRequest,
} from '../../../src/auth/subgraphSigning.js';
import { MemoryCache } from '../../../src/cache/MemoryCache.js';
import { NoopCache } from '../../../src/cache/NoopCache.js';
import type { Principal } from '../../../src/auth/Principal.js';
import { basicPrincipal } from '../../helpers/auth.js';

const secret = 'a'.repeat(64);
const alice = basicPrincipal('alice', 'pw');
const query = '{ _entities(representations: $r) { __typename } }';
const variables = { r: [{ __typename: 'Run', id: '1' }] };

function headersFor(principal: Principal, now = Date.now(), audience = 'tracking'): Record<string, string | undefined> {
  return {
    ...signSubgraphRequest(secret, audience, principal, query, variables, now),
    authorization: principal.authorization,
  };
}

describe('subgraph request signing', () => {
  it('accepts a request signed by the gateway and returns its caller', async () => {
    const principal = await verifySubgraphRequest(secret, 'tracking', headersFor(alice), query, variables, {
      nonces: new MemoryCache(),
    });
    expect(principal).toMatchObject({
      id: 'user:alice',
      username: 'alice',
      kind: 'basic',
      scopes: ['read', 'write'],
      authorization: alice.authorization,
    });
  });

  it("carries a proxy caller's e-mail and groups, and refuses them swapped", async () => {
    const proxied: Principal = {
      id: 'email:bob@example.com',
      username: undefined,
      email: 'bob@example.com',
      groups: ['users', 'supply-readers'],
      kind: 'proxy',
      authorization: 'Bearer svc',
      scopes: ['read'],
    };
    const headers = headersFor(proxied);
    await expect(verifySubgraphRequest(secret, 'tracking', headers, query, variables)).resolves.toEqual({ ...proxied });
    const forwarded = JSON.parse(
      Buffer.from((headers as Record<string, string>)['x-supergraph-identity'] ?? '', 'base64url').toString('utf8'),
    );
    for (const swapped of [
      { ...forwarded, email: 'admin@example.com' },
      { ...forwarded, groups: ['admins'] },
      { ...forwarded, groups: [] },
    ]) {
      const identity = Buffer.from(JSON.stringify(swapped)).toString('base64url');
      await expect(
        verifySubgraphRequest(secret, 'tracking', { ...headers, 'x-supergraph-identity': identity }, query, variables),
      ).rejects.toThrow('does not match');
    }
  });

  it('refuses an unsigned request', async () => {
    await expect(
      verifySubgraphRequest(secret, 'tracking', { authorization: alice.authorization }, query, variables),
    ).rejects.toThrow('not signed');
  });

  it('refuses a tampered identity, credential, query or variables', async () => {
    const headers = headersFor(alice);
    const otherIdentity = Buffer.from(
      JSON.stringify({ id: 'user:admin', username: 'admin', kind: 'basic', scopes: ['read', 'write'] }),
    ).toString('base64url');
    await expect(
      verifySubgraphRequest(
        secret,
        'tracking',
        { ...headers, 'x-supergraph-identity': otherIdentity },
        query,
        variables,
      ),
    ).rejects.toThrow('does not match');
    await expect(
      verifySubgraphRequest(secret, 'tracking', { ...headers, authorization: 'Basic YWRtaW46cHc=' }, query, variables),
    ).rejects.toThrow('does not match');
    await expect(verifySubgraphRequest(secret, 'tracking', headers, `${query} `, variables)).rejects.toThrow(
      'does not match',
    );
    await expect(verifySubgraphRequest(secret, 'tracking', headers, query, { r: [] })).rejects.toThrow(
      'does not match',
    );
    await expect(verifySubgraphRequest('b'.repeat(64), 'tracking', headers, query, variables)).rejects.toThrow(
      'does not match',
    );
  });

  it('refuses a request signed for another subgraph', async () => {
    const forRegistry = headersFor(alice, Date.now(), 'registry');
    await expect(verifySubgraphRequest(secret, 'tracking', forRegistry, query, variables)).rejects.toThrow(
      'does not match',
    );
    await expect(verifySubgraphRequest(secret, 'registry', forRegistry, query, variables)).resolves.toMatchObject({
      id: 'user:alice',
    });
  });

  it('refuses a stale timestamp and a replayed signature', async () => {
    const stale = headersFor(alice, Date.now() - 60_000);
    await expect(verifySubgraphRequest(secret, 'tracking', stale, query, variables)).rejects.toThrow(
      'outside the allowed window',
    );
    const nonces = new MemoryCache();
    const headers = headersFor(alice);
    await verifySubgraphRequest(secret, 'tracking', headers, query, variables, { nonces });
    await expect(verifySubgraphRequest(secret, 'tracking', headers, query, variables, { nonces })).rejects.toThrow(
      'already used',
    );
  });

  it('accepts the same request signed twice in the same millisecond (two callers, not a replay), each once', async () => {
    const nonces = new MemoryCache();
    const now = Date.now();
    const first = headersFor(alice, now);
    const second = headersFor(alice, now);
    expect(second['x-supergraph-signature']).not.toBe(first['x-supergraph-signature']);
    await expect(verifySubgraphRequest(secret, 'tracking', first, query, variables, { nonces })).resolves.toMatchObject(
      { id: 'user:alice' },
    );
    await expect(
      verifySubgraphRequest(secret, 'tracking', second, query, variables, { nonces }),
    ).resolves.toMatchObject({ id: 'user:alice' });
    await expect(verifySubgraphRequest(secret, 'tracking', second, query, variables, { nonces })).rejects.toThrow(
      'already used',
    );
    // The nonce is signed: a replay with a fresh nonce does not verify.
    await expect(
      verifySubgraphRequest(
        secret,
        'tracking',
        { ...first, 'x-supergraph-nonce': 'AAAAAAAAAAAAAAAAAAAAAA' },
        query,
        variables,
        { nonces },
      ),
    ).rejects.toThrow('does not match');
  });

  it('refuses a replay whose signature text was re-encoded (same MAC bytes, other base64url spelling)', async () => {
    const nonces = new MemoryCache();
    const headers = headersFor(alice);
    const signature = (headers as Record<string, string | undefined>)['x-supergraph-signature'] as string;
    await verifySubgraphRequest(secret, 'tracking', headers, query, variables, { nonces });
    // A 32-byte MAC is 43 base64url characters; the last carries 2 unused bits, and a trailing "=" is ignored too.
    const last = signature.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const flipped = signature.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] as string);
    for (const respelled of [`${signature}=`, flipped]) {
      expect(Buffer.from(respelled, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(true);
      await expect(
        verifySubgraphRequest(
          secret,
          'tracking',
          { ...headers, 'x-supergraph-signature': respelled },
          query,
          variables,
          { nonces },
        ),
      ).rejects.toThrow('already used');
    }
  });

  it('fails closed when the replay store cannot answer, and claims nothing for an invalid signature', async () => {
    await expect(
      verifySubgraphRequest(secret, 'tracking', headersFor(alice), query, variables, { nonces: new NoopCache() }),
    ).rejects.toBeInstanceOf(ReplayCheckUnavailableError);
    const nonces = new MemoryCache();
    await expect(
      verifySubgraphRequest(secret, 'registry', headersFor(alice), query, variables, { nonces }),
    ).rejects.toThrow('does not match');
    expect(nonces.size).toBe(0);
  });
});

describe('KeyValueCache.setIfAbsent (memory)', () => {
  it('stores once, reports the second claim, and frees the key when it expires', async () => {
    let now = 1_000;
    const cache = new MemoryCache({ now: () => now });
    expect(await cache.setIfAbsent('k', '1', 2)).toBe('stored');
    expect(await cache.setIfAbsent('k', '2', 2)).toBe('exists');
    expect(await cache.get('k')).toBe('1');
    now += 2_001;
    expect(await cache.setIfAbsent('k', '3', 2)).toBe('stored');
    expect(await cache.setIfAbsent('never', '1', 0)).toBe('unavailable');
  });
});
