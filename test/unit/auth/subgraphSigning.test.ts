import { signSubgraphRequest, verifySubgraphRequest } from '../../../src/auth/subgraphSigning.js';
import type { Principal } from '../../../src/context/Principal.js';

const secret = 'a'.repeat(64);
const alice: Principal = { id: 'user:alice', username: 'alice', email: undefined, groups: [], kind: 'basic', authorization: 'Basic YWxpY2U6cHc=', scopes: ['read', 'write'] };
const query = '{ _entities(representations: $r) { __typename } }';
const variables = { r: [{ __typename: 'Run', id: '1' }] };

function headersFor(principal: Principal, now = Date.now()) {
  return { ...signSubgraphRequest(secret, principal, query, variables, now), authorization: principal.authorization };
}

describe('subgraph request signing', () => {
  it('accepts a request signed by the gateway and returns its caller', () => {
    const principal = verifySubgraphRequest(secret, headersFor(alice), query, variables, new Map());
    expect(principal).toMatchObject({ id: 'user:alice', username: 'alice', kind: 'basic', scopes: ['read', 'write'], authorization: alice.authorization });
  });

  it('carries a proxy caller\'s e-mail and groups, and refuses them swapped', () => {
    const proxied: Principal = { id: 'email:bob@example.com', username: undefined, email: 'bob@example.com', groups: ['users', 'supply-readers'], kind: 'proxy', authorization: 'Bearer svc', scopes: ['read'] };
    const headers = headersFor(proxied);
    expect(verifySubgraphRequest(secret, headers, query, variables)).toEqual({ ...proxied });
    const forwarded = JSON.parse(Buffer.from((headers as Record<string, string>)['x-supergraph-identity'] ?? '', 'base64url').toString('utf8'));
    for (const swapped of [{ ...forwarded, email: 'admin@example.com' }, { ...forwarded, groups: ['admins'] }, { ...forwarded, groups: [] }]) {
      const identity = Buffer.from(JSON.stringify(swapped)).toString('base64url');
      expect(() => verifySubgraphRequest(secret, { ...headers, 'x-supergraph-identity': identity }, query, variables)).toThrow('does not match');
    }
  });

  it('refuses an unsigned request', () => {
    expect(() => verifySubgraphRequest(secret, { authorization: alice.authorization }, query, variables)).toThrow('not signed');
  });

  it('refuses a tampered identity, credential, query or variables', () => {
    const headers = headersFor(alice);
    const otherIdentity = Buffer.from(JSON.stringify({ id: 'user:admin', username: 'admin', kind: 'basic', scopes: ['read', 'write'] })).toString('base64url');
    expect(() => verifySubgraphRequest(secret, { ...headers, 'x-supergraph-identity': otherIdentity }, query, variables)).toThrow('does not match');
    expect(() => verifySubgraphRequest(secret, { ...headers, authorization: 'Basic YWRtaW46cHc=' }, query, variables)).toThrow('does not match');
    expect(() => verifySubgraphRequest(secret, headers, `${query} `, variables)).toThrow('does not match');
    expect(() => verifySubgraphRequest(secret, headers, query, { r: [] })).toThrow('does not match');
    expect(() => verifySubgraphRequest('b'.repeat(64), headers, query, variables)).toThrow('does not match');
  });

  it('refuses a stale timestamp and a replayed signature', () => {
    const stale = headersFor(alice, Date.now() - 60_000);
    expect(() => verifySubgraphRequest(secret, stale, query, variables)).toThrow('outside the allowed window');
    const seen = new Map<string, number>();
    const headers = headersFor(alice);
    verifySubgraphRequest(secret, headers, query, variables, seen);
    expect(() => verifySubgraphRequest(secret, headers, query, variables, seen)).toThrow('already used');
  });
});
