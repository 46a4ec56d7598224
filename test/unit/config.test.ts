import { applyTelemetryDefault, ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('defaults to the demo backend on port 4000 with no variables', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.trackingUri).toBeUndefined();
    expect(config.backend).toBe('mlflow');
    expect(config.authMode).toBe('passthrough');
    expect(config.introspection).toBe(true);
    expect(config.sandbox).toBe(true);
    expect(config.apolloTelemetry).toBe(false);
  });

  it('turns introspection and Sandbox off in production unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).sandbox).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).introspection).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer from 0 to 65535, got "abc"/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ MLFLOW_TRACKING_URI: 'not a url' }, /MLFLOW_TRACKING_URI must be an http\(s\) URL/],
    [{ MLFLOW_TRACKING_URI: 'ftp://x' }, /MLFLOW_TRACKING_URI must be an http\(s\) URL/],
    [{ MLFLOW_TRACKING_USERNAME: 'u' }, /must be set together/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must start with redis:\/\//],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be development, production or test/],
    [{ GRAPHQL_SANDBOX: 'maybe' }, /GRAPHQL_SANDBOX must be true or false/],
    [{ MLFLOW_TRACKING_URI: 'databricks' }, /needs DATABRICKS_HOST/],
    [{ MLFLOW_SUPERGRAPH_AUTH_MODE: 'service' }, /needs MLFLOW_TRACKING_TOKEN/],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => loadConfig(env as Record<string, string>)).toThrow(message);
  });

  it('never echoes credentials embedded in a URL', () => {
    let message = '';
    try {
      loadConfig({ MLFLOW_TRACKING_URI: 'http://user:secret@host:5000' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/must not contain credentials/);
    expect(message).not.toContain('secret');
  });

  it('detects the backend from the variables MLflow and Databricks clients use', () => {
    expect(loadConfig({ DATABRICKS_HOST: 'https://x.cloud.databricks.com', DATABRICKS_TOKEN: 'dapi1' }).backend).toBe(
      'databricks',
    );
    expect(loadConfig({ MLFLOW_TRACKING_URI: 'https://gitlab.example/api/v4/projects/7/ml/mlflow' }).backend).toBe(
      'gitlab',
    );
    expect(loadConfig({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000' }).backend).toBe('mlflow');
  });

  it('builds service credentials from a token or username/password', () => {
    expect(loadConfig({ MLFLOW_TRACKING_TOKEN: 't0k' }).serviceAuthorization).toBe('Bearer t0k');
    expect(loadConfig({ MLFLOW_TRACKING_USERNAME: 'a', MLFLOW_TRACKING_PASSWORD: 'b' }).serviceAuthorization).toBe(
      `Basic ${Buffer.from('a:b').toString('base64')}`,
    );
  });

  it('parses CACHE_TTL_* settings, and ignores those that set nothing with a warning naming them', () => {
    const config = loadConfig({
      CACHE_TTL_RUN_FINISHED: '600',
      CACHE_TTL_PARAMS: '3600',
      CACHE_TTL_RUN_FINSHED: 'soon',
      CACHE_TTL_MODEL_VERSION: '',
    });
    expect(config.cacheTtls).toEqual({ runFinished: 600 });
    expect(config.warnings).toEqual([
      expect.stringMatching(
        /^CACHE_TTL_PARAMS is not a cache TTL setting \(known: CACHE_TTL_RUN_FINISHED, .*\): ignored$/,
      ),
      expect.stringMatching(/^CACHE_TTL_RUN_FINSHED is not a cache TTL setting/),
    ]);
    expect(loadConfig({}).warnings).toEqual([]);
  });

  it('disables Apollo telemetry unless the operator opts in', () => {
    const env: Record<string, string | undefined> = {};
    applyTelemetryDefault(loadConfig({}), env);
    expect(env.APOLLO_TELEMETRY_DISABLED).toBe('true');
    const optedIn: Record<string, string | undefined> = {};
    applyTelemetryDefault(loadConfig({ MLFLOW_SUPERGRAPH_APOLLO_TELEMETRY: 'true' }), optedIn);
    expect(optedIn.APOLLO_TELEMETRY_DISABLED).toBeUndefined();
  });

  it('reads admission control, off with GRAPHQL_MAX_CONCURRENT=0, and refuses a bad value naming it', () => {
    expect(loadConfig({}).admission).toEqual({ slots: 32, costPerSlot: 100_000, maxQueued: 256, maxWaitMs: 20_000 });
    expect(loadConfig({ GRAPHQL_MAX_CONCURRENT: '0' }).admission).toBeUndefined();
    expect(loadConfig({ GRAPHQL_MAX_QUEUED: '0', GRAPHQL_COST_PER_SLOT: '5' }).admission).toMatchObject({
      maxQueued: 0,
      costPerSlot: 5,
    });
    expect(() => loadConfig({ GRAPHQL_COST_PER_SLOT: '0' })).toThrow(/GRAPHQL_COST_PER_SLOT/);
    expect(() => loadConfig({ GRAPHQL_QUEUE_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
  });

  it('takes a Hive Gateway signing secret only when it is long enough', () => {
    expect(loadConfig({ MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET: 'k'.repeat(32) }).hiveHmacSecret).toBe('k'.repeat(32));
    expect(() => loadConfig({ MLFLOW_SUPERGRAPH_HIVE_HMAC_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });
});
