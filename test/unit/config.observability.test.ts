// The operational variables of issue 8: names, defaults, validation messages.
import { ConfigError, loadConfig } from '../../src/config.js';

describe('operational configuration', () => {
  it('has production-minded defaults', () => {
    const config = loadConfig({ NODE_ENV: 'production', MLFLOW_TRACKING_URI: 'http://mlflow:5000' });
    expect(config.logLevel).toBe('info');
    expect(config.requestTimeoutMs).toBe(60_000);
    expect(config.circuitBreaker).toEqual({ threshold: 5, cooldownMs: 5_000 });
    expect(config.shutdownTimeoutMs).toBe(25_000);
    expect(config.tracing).toEqual({ endpoint: undefined, serviceName: 'mlflow-supergraph' });
    expect(config.subgraphUrls).toEqual({});
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      LOG_LEVEL: 'DEBUG',
      GRAPHQL_REQUEST_TIMEOUT_MS: '1500',
      UPSTREAM_CIRCUIT_THRESHOLD: '0',
      UPSTREAM_CIRCUIT_COOLDOWN_MS: '250',
      SHUTDOWN_TIMEOUT_MS: '0',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_SERVICE_NAME: 'graph-prod',
      SUBGRAPH_URL_TRACKING: 'http://tracking:4001/graphql/',
      REDIS_URL: 'rediss+cluster://a:6379,b:6379',
    });
    expect(config).toMatchObject({
      logLevel: 'debug',
      requestTimeoutMs: 1500,
      circuitBreaker: { threshold: 0, cooldownMs: 250 },
      shutdownTimeoutMs: 0,
      tracing: { endpoint: 'http://collector:4318/v1/traces', serviceName: 'graph-prod' },
      subgraphUrls: { tracking: 'http://tracking:4001/graphql' },
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing.endpoint,
    ).toBeUndefined();
  });

  it.each([
    [
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ],
    [{ GRAPHQL_REQUEST_TIMEOUT_MS: '0' }, 'GRAPHQL_REQUEST_TIMEOUT_MS must be an integer from 1 to 3600000, got "0"'],
    [{ UPSTREAM_CIRCUIT_COOLDOWN_MS: 'soon' }, 'UPSTREAM_CIRCUIT_COOLDOWN_MS must be an integer'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://c:4317' }, 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL'],
    [{ SUBGRAPH_URL_REGISTRY: 'registry:4002' }, 'SUBGRAPH_URL_REGISTRY must be an http(s) URL'],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
