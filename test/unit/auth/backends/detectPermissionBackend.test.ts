// A permission service that was asked for, or that `auto` picks for the backend, and cannot be built stops start-up
// with a ConfigError: it never degrades to "no permission service" (every caller unchecked).
import got from 'got';
import { ConfigError, loadConfig } from '../../../../src/config.js';
import { createPermissionBackend } from '../../../../src/auth/backends/detectPermissionBackend.js';
import type { PermissionBackend } from '../../../../src/auth/PermissionBackend.js';

const http = got.extend({ prefixUrl: 'http://127.0.0.1:9/' });
const config = (env: Record<string, string>) =>
  loadConfig({ NODE_ENV: 'test', MLFLOW_TRACKING_URI: 'http://127.0.0.1:9', ...env });
const fake = (kind: PermissionBackend['kind']) => ({ kind }) as PermissionBackend;

describe('createPermissionBackend', () => {
  it.each([
    ['databricks', { MLFLOW_SUPERGRAPH_PERMISSIONS: 'databricks' }],
    ['gitlab', { MLFLOW_SUPERGRAPH_PERMISSIONS: 'gitlab' }],
    ['databricks', { MLFLOW_SUPERGRAPH_BACKEND: 'databricks' }],
    ['gitlab', { MLFLOW_SUPERGRAPH_BACKEND: 'gitlab' }],
  ])('without a %s factory, %j is a ConfigError, not "no permissions"', (name, env) => {
    expect(() => createPermissionBackend(config(env), http, {})).toThrow(ConfigError);
    expect(() => createPermissionBackend(config(env), http, {})).toThrow(
      new RegExp(`${name} permission service cannot be built`),
    );
  });

  it('a factory that throws propagates as a ConfigError naming the cause', () => {
    const throwing = () => {
      throw new TypeError('Invalid URL');
    };
    let caught: unknown;
    try {
      createPermissionBackend(config({ MLFLOW_SUPERGRAPH_BACKEND: 'gitlab' }), http, { gitlab: throwing });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(/gitlab permission service cannot be built: Invalid URL/);
    expect((caught as Error & { cause?: unknown }).cause).toBeInstanceOf(TypeError);
  });

  it('a factory that throws a ConfigError keeps its own message', () => {
    const gitlab = () => {
      throw new ConfigError(
        'MLFLOW_SUPERGRAPH_BACKEND=gitlab needs MLFLOW_TRACKING_URI=https://<gitlab>/api/v4/projects/<id>/ml/mlflow',
      );
    };
    expect(() => createPermissionBackend(config({ MLFLOW_SUPERGRAPH_BACKEND: 'gitlab' }), http, { gitlab })).toThrow(
      /needs MLFLOW_TRACKING_URI=/,
    );
  });

  it('builds the chosen service when its factory works', () => {
    expect(
      createPermissionBackend(config({ MLFLOW_SUPERGRAPH_BACKEND: 'databricks' }), http, {
        databricks: () => fake('databricks'),
      }).kind,
    ).toBe('databricks');
    expect(
      createPermissionBackend(config({ MLFLOW_SUPERGRAPH_PERMISSIONS: 'gitlab' }), http, {
        gitlab: () => fake('gitlab'),
      }).kind,
    ).toBe('gitlab');
    // MLflow itself: detected at run time, no factory needed.
    expect(createPermissionBackend(config({}), http, {}).kind).toBe('none');
  });
});
