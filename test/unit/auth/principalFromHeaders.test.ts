import { principalFromHeaders } from '../../../src/auth/principalFromHeaders.js';
import { loadConfig } from '../../../src/config.js';
import { asBearer, basicAuth } from '../../helpers/auth.js';

describe('principalFromHeaders', () => {
  const config = loadConfig({});

  it('passes Basic and Bearer credentials through, with a non-secret id', () => {
    const user = principalFromHeaders({ authorization: basicAuth('alice', 'pw') }, config);
    expect(user).toMatchObject({ id: 'user:alice', username: 'alice', kind: 'basic', scopes: ['read', 'write'] });
    const token = principalFromHeaders(asBearer('dapi-secret-token'), config);
    expect(token.kind).toBe('bearer');
    expect(token.id).toMatch(/^token:[0-9a-f]{16}$/);
    expect(token.id).not.toContain('secret');
  });

  it('ignores identity headers from clients unless the proxy is trusted', () => {
    expect(principalFromHeaders({ 'x-forwarded-user': 'admin' }, config).kind).toBe('anonymous');
    const trusted = loadConfig({
      MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true',
      MLFLOW_TRACKING_USERNAME: 'svc',
      MLFLOW_TRACKING_PASSWORD: 'pw',
    });
    const viaProxy = principalFromHeaders({ 'x-forwarded-user': 'bob', 'x-forwarded-scopes': 'read' }, trusted);
    expect(viaProxy).toMatchObject({
      id: 'user:bob',
      kind: 'proxy',
      scopes: ['read'],
      authorization: basicAuth('svc', 'pw'),
    });
  });

  it('takes e-mail and groups from a trusted proxy only; an e-mail alone identifies the caller', () => {
    const trusted = loadConfig({ MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true', MLFLOW_TRACKING_TOKEN: 'svc-token' });
    const both = principalFromHeaders(
      {
        'x-forwarded-user': 'bob',
        'x-forwarded-email': 'bob@example.com',
        'x-forwarded-groups': 'users, ml-admins,users',
      },
      trusted,
    );
    expect(both).toMatchObject({
      id: 'user:bob',
      username: 'bob',
      email: 'bob@example.com',
      groups: ['users', 'ml-admins'],
      kind: 'proxy',
      authorization: 'Bearer svc-token',
    });
    const emailOnly = principalFromHeaders({ 'x-forwarded-email': 'carol@example.com' }, trusted);
    expect(emailOnly).toMatchObject({
      id: 'email:carol@example.com',
      username: undefined,
      email: 'carol@example.com',
      groups: [],
      kind: 'proxy',
    });
    // Groups without anyone to belong to identify nobody.
    expect(principalFromHeaders({ 'x-forwarded-groups': 'admins' }, trusted).kind).toBe('anonymous');
    // A malformed or list-valued address is no identity (never guessed at).
    expect(principalFromHeaders({ 'x-forwarded-email': 'not-an-email' }, trusted).kind).toBe('anonymous');
    expect(principalFromHeaders({ 'x-forwarded-email': 'a@example.com, b@example.com' }, trusted).kind).toBe(
      'anonymous',
    );
  });

  it('ignores a client-sent x-forwarded-email (and groups) without the trusted-proxy setting', () => {
    const spoofed = principalFromHeaders(
      { 'x-forwarded-email': 'admin@example.com', 'x-forwarded-groups': 'admins' },
      config,
    );
    expect(spoofed).toMatchObject({ kind: 'anonymous', email: undefined, groups: [] });
    const withCredentials = principalFromHeaders(
      {
        authorization: basicAuth('carol', 'pw'),
        'x-forwarded-email': 'admin@example.com',
        'x-forwarded-groups': 'admins',
      },
      config,
    );
    expect(withCredentials).toMatchObject({
      id: 'user:carol',
      username: 'carol',
      email: undefined,
      groups: [],
      kind: 'basic',
    });
  });

  it('makes configured principals read-only (by user name or e-mail)', () => {
    const byEmail = loadConfig({
      MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true',
      MLFLOW_SUPERGRAPH_READ_ONLY_PRINCIPALS: 'viewer@example.com',
    });
    expect(principalFromHeaders({ 'x-forwarded-email': 'viewer@example.com' }, byEmail).scopes).toEqual(['read']);
  });

  it('makes configured principals read-only', () => {
    const readOnly = loadConfig({ MLFLOW_SUPERGRAPH_READ_ONLY_PRINCIPALS: 'bob' });
    expect(principalFromHeaders({ authorization: basicAuth('bob', 'pw') }, readOnly).scopes).toEqual(['read']);
    expect(principalFromHeaders({ authorization: basicAuth('alice', 'pw') }, readOnly).scopes).toEqual([
      'read',
      'write',
    ]);
  });

  it('treats malformed credentials as anonymous (the backend decides)', () => {
    expect(principalFromHeaders({ authorization: 'Basic !!!' }, config).kind).toBe('anonymous');
    expect(principalFromHeaders({ authorization: 'Digest x' }, config).kind).toBe('anonymous');
  });
});
