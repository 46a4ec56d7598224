import { ConfigError, loadConfig } from '../../src/config.js';

const base = { MLFLOW_SUPERGRAPH_TRUSTED_PROXY: 'true' };

describe('configuration of a custom permission service (MLFLOW_SUPERGRAPH_PERMISSIONS=http)', () => {
  it('reads the URL, token, batching, batch size and timeout', () => {
    const config = loadConfig({
      ...base,
      MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
      MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'https://authz.internal/v1/check',
      MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TOKEN: 'tok',
      MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH: 'true',
      MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH_MAX: '25',
      MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_TIMEOUT_MS: '800',
    });
    expect(config.permissions).toBe('http');
    expect(config.permissionService).toEqual({
      url: 'https://authz.internal/v1/check',
      token: 'tok',
      batch: true,
      batchMax: 25,
      timeoutMs: 800,
    });
  });

  it('defaults: no batching, 100 per batch, 5 s; `auto` with a URL means http', () => {
    const config = loadConfig({ ...base, MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'http://127.0.0.1:8181/check' });
    expect(config.permissions).toBe('http');
    expect(config.permissionService).toEqual({
      url: 'http://127.0.0.1:8181/check',
      token: undefined,
      batch: false,
      batchMax: 100,
      timeoutMs: 5000,
    });
    expect(loadConfig({}).permissionService).toBeUndefined();
  });

  it.each([
    [{ MLFLOW_SUPERGRAPH_PERMISSIONS: 'http' }, /needs MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL/],
    [
      { MLFLOW_SUPERGRAPH_PERMISSIONS: 'http', MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'ftp://authz/check' },
      /must be an http\(s\) URL/,
    ],
    [
      { MLFLOW_SUPERGRAPH_PERMISSIONS: 'http', MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'not a url' },
      /must be an http\(s\) URL/,
    ],
    [
      { MLFLOW_SUPERGRAPH_PERMISSIONS: 'http', MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'https://u:p@authz/check' },
      /must not contain credentials/,
    ],
    [
      {
        MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
        MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'https://authz/check?token=abc',
      },
      /must not contain credentials or a query string/,
    ],
    [
      { MLFLOW_SUPERGRAPH_PERMISSIONS: 'none', MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'https://authz/check' },
      /is set but MLFLOW_SUPERGRAPH_PERMISSIONS is none/,
    ],
    [
      {
        MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
        MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'https://authz/check',
        MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_BATCH_MAX: '0',
      },
      /BATCH_MAX must be an integer from 1 to 1000/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('needs a trusted proxy (the service decides for the user the proxy names), and never echoes a credential', () => {
    expect(() =>
      loadConfig({
        MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
        MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'https://authz/check',
      }),
    ).toThrow(/needs MLFLOW_SUPERGRAPH_TRUSTED_PROXY=true/);
    try {
      loadConfig({
        ...base,
        MLFLOW_SUPERGRAPH_PERMISSIONS: 'http',
        MLFLOW_SUPERGRAPH_PERMISSION_SERVICE_URL: 'https://svc:hunter2@authz/check',
      });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});
