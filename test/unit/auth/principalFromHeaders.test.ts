import { principalFromHeaders } from '../../../src/auth/principalFromHeaders.js';
import { loadConfig } from '../../../src/config.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('principalFromHeaders', () => {
  const config = loadConfig({});

  it('passes Basic and Bearer credentials through, with a non-secret id', () => {
    const user = principalFromHeaders({ authorization: basic('alice', 'pw') }, config);
    expect(user).toMatchObject({ id: 'user:alice', username: 'alice', kind: 'basic', scopes: ['read', 'write'] });
    const token = principalFromHeaders({ authorization: 'Bearer dapi-secret-token' }, config);
    expect(token.kind).toBe('bearer');
    expect(token.id).toMatch(/^token:[0-9a-f]{16}$/);
    expect(token.id).not.toContain('secret');
  });

  it('ignores identity headers from clients unless the proxy is trusted', () => {
    expect(principalFromHeaders({ 'x-forwarded-user': 'admin' }, config).kind).toBe('anonymous');
    const trusted = loadConfig({ MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true', MLFLOW_TRACKING_USERNAME: 'svc', MLFLOW_TRACKING_PASSWORD: 'pw' });
    const viaProxy = principalFromHeaders({ 'x-forwarded-user': 'bob', 'x-forwarded-scopes': 'read' }, trusted);
    expect(viaProxy).toMatchObject({ id: 'user:bob', kind: 'proxy', scopes: ['read'], authorization: basic('svc', 'pw') });
  });

  it('makes configured principals read-only', () => {
    const readOnly = loadConfig({ MLFLOW_SUPERGRAPH_READ_ONLY_PRINCIPALS: 'bob' });
    expect(principalFromHeaders({ authorization: basic('bob', 'pw') }, readOnly).scopes).toEqual(['read']);
    expect(principalFromHeaders({ authorization: basic('alice', 'pw') }, readOnly).scopes).toEqual(['read', 'write']);
  });

  it('treats malformed credentials as anonymous (the backend decides)', () => {
    expect(principalFromHeaders({ authorization: 'Basic !!!' }, config).kind).toBe('anonymous');
    expect(principalFromHeaders({ authorization: 'Digest x' }, config).kind).toBe('anonymous');
  });
});
