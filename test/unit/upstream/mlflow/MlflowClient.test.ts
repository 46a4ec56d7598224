// The MLflow client's gate on MLflow 3 features: a server whose version lacks one is refused before anything is
// sent; a server that reports no version is tried once, and a missing route teaches the process for good.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorCodeOf } from '../../../../src/errors/toGraphQLError.js';
import { createHttpInstance } from '../../../../src/upstream/http/createHttpInstance.js';
import { createLimiter } from '../../../../src/upstream/http/createLimiter.js';
import { MlflowClient } from '../../../../src/upstream/mlflow/MlflowClient.js';
import { backendProfile } from '../../../../src/upstream/profiles/BackendProfile.js';
import type { FeatureEvidence } from '../../../../src/upstream/profiles/backendFeatures.js';
import { LearnedCapabilities } from '../../../../src/upstream/profiles/LearnedCapabilities.js';
import type { BackendKind } from '../../../../src/config/backendConfig.js';
import { closeServer, listenOnLoopback } from '../../../helpers/listen.js';

const FLASK_404 = '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n';
const MODEL = {
  model: { info: { model_id: 'm-1', experiment_id: '1', name: 'm', status: 'LOGGED_MODEL_READY' }, data: {} },
};

/** A fake MLflow: 2.x has no logged-model routes (Flask's HTML 404); 3.x serves m-1 and a JSON 404 otherwise. */
function fakeMlflow(major: 2 | 3) {
  const calls: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    calls.push(`${request.method} ${request.url?.split('?')[0]}`);
    request.resume();
    request.on('end', () => {
      const url = request.url ?? '';
      if (url.includes('/logged-models')) {
        if (major === 2) {
          response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(FLASK_404);
        } else if (url.endsWith('/m-1')) {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(MODEL));
        } else {
          const body = { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Logged model not found.' };
          response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        }
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, calls };
}

describe('MlflowClient: MLflow 3 features', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => closeServer(s))));

  /** A client of `kind` against a fake MLflow `major`, whose detection reports `evidence` (counted). */
  async function setUp(kind: BackendKind, major: 2 | 3, evidence: FeatureEvidence | undefined) {
    const fake = fakeMlflow(major);
    servers.push(fake.server);
    const { url } = await listenOnLoopback(fake.server);
    const probes = { count: 0 };
    const log: string[] = [];
    const profile = backendProfile(kind);
    const learned = new LearnedCapabilities(
      profile,
      (_fields, message) => log.push(message),
      evidence === undefined
        ? undefined
        : async () => {
            probes.count += 1;
            return evidence;
          },
    );
    const client = () =>
      new MlflowClient(
        {
          http: createHttpInstance({ baseUrl: url, connectTimeoutMs: 1000, responseTimeoutMs: 1000, maxSockets: 2 }),
          limiter: createLimiter(2),
          retries: 0,
        },
        profile,
        learned,
      );
    return { calls: fake.calls, probes, log, learned, client };
  }

  async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
    try {
      await promise;
    } catch (error) {
      return { code: errorCodeOf(error), message: (error as Error).message };
    }
    throw new Error('expected the call to fail');
  }

  it('refuses logged-model calls to an MLflow older than 3.0 without sending them', async () => {
    const { calls, learned, client } = await setUp('mlflow', 2, { version: '2.12.2', serverInfo: undefined });
    const refused = await failure(client().call('getLoggedModel', { model_id: 'm-1' }));
    expect(refused.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(refused.message).toBe(
      'Logged models (MLflow 3) (GET /api/2.0/mlflow/logged-models/{model_id}) is not supported by the mlflow backend: the server is older than MLflow 3.0',
    );
    // A metric for a model would be logged to the run only by a 2.x server: refused too, not half-done.
    const metric = { run_id: 'r', key: 'k', value: 1, timestamp: 1, model_id: 'm-1' };
    expect((await failure(client().call('logMetric', metric))).code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(calls).toEqual([]);
    // The same metric without a model is an ordinary 2.x call.
    await client().call('logMetric', { run_id: 'r', key: 'k', value: 1, timestamp: 1 });
    expect(calls).toEqual(['POST /api/2.0/mlflow/runs/log-metric']);
    expect(learned.features()).toEqual({
      loggedModels: 'no',
      prompts: 'no',
      evaluationDatasets: 'no',
      webhooks: 'no',
      traces: 'no',
    });
    await expect(client().requireFeature('loggedModels', 'searchLoggedModels')).rejects.toMatchObject({
      failure: 'unsupported',
    });
  });

  it('refuses webhook calls to an MLflow 3 older than 3.3, naming the version they need, without sending them', async () => {
    const { calls, client } = await setUp('mlflow', 3, { version: '3.2.0', serverInfo: undefined });
    const refused = await failure(client().call('listWebhooks', {}));
    expect(refused.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(refused.message).toBe(
      'Webhooks (MLflow 3.3) (GET /api/2.0/mlflow/webhooks) is not supported by the mlflow backend: the server is older than MLflow 3.3',
    );
    expect(calls).toEqual([]);
  });

  it('sends them to MLflow 3, by its version or by its server-info alone; detection runs once', async () => {
    const byVersion = await setUp('mlflow', 3, { version: '3.11.1', serverInfo: undefined });
    const first = await byVersion.client().call('getLoggedModel', { model_id: 'm-1' });
    expect(first.model.info.model_id).toBe('m-1');
    await byVersion.client().call('getLoggedModel', { model_id: 'm-1' });
    expect(byVersion.calls).toEqual(['GET /api/2.0/mlflow/logged-models/m-1', 'GET /api/2.0/mlflow/logged-models/m-1']);
    expect(byVersion.probes.count).toBe(1);
    await expect(byVersion.client().requireFeature('loggedModels', 'searchLoggedModels')).resolves.toBeUndefined();

    const byInfo = await setUp('mlflow', 3, { version: undefined, serverInfo: { store_type: 'SqlStore' } });
    await byInfo.client().call('getLoggedModel', { model_id: 'm-1' });
    expect(byInfo.calls).toHaveLength(1);
  });

  it('with no version reported, tries a logged-model route once and learns from a missing one', async () => {
    const { calls, log, learned, client } = await setUp('mlflow', 2, { version: undefined, serverInfo: undefined });
    const metric = { run_id: 'r', key: 'k', value: 1, timestamp: 1, dataset_name: 'eval' };
    // Arguments an older server would drop silently are not tried.
    const dropped = await failure(client().call('logMetric', metric));
    expect(dropped).toMatchObject({ code: 'UNSUPPORTED_BY_BACKEND' });
    expect(dropped.message).toMatch(/reports no version/);
    expect(calls).toEqual([]);
    const tried = await failure(client().call('getLoggedModel', { model_id: 'm-1' }));
    expect(tried.code).toBe('UNSUPPORTED_BY_BACKEND');
    expect(tried.message).toMatch(/the server has no such route$/);
    expect(calls).toEqual(['GET /api/2.0/mlflow/logged-models/m-1']);
    expect(learned.feature('loggedModels')).toBe('no');
    expect(log).toEqual([expect.stringMatching(/does not serve loggedModels .*HTTP 404/)]);
    // Learned for good: nothing more is sent.
    await failure(client().call('searchLoggedModels', { experiment_ids: ['1'] }));
    expect(calls).toHaveLength(1);
  });

  it('with no version reported, takes a JSON 404 as MLflow 3 saying "no such model", not as a missing route', async () => {
    const { calls, learned, client } = await setUp('mlflow', 3, { version: undefined, serverInfo: undefined });
    expect((await failure(client().call('getLoggedModel', { model_id: 'm-2' }))).code).toBe('NOT_FOUND');
    expect(learned.feature('loggedModels')).toBe('unknown');
    expect((await client().call('getLoggedModel', { model_id: 'm-1' })).model.info.model_id).toBe('m-1');
    expect(calls).toHaveLength(2);
  });

  it('serves them on Databricks as declared, and refuses them on GitLab from its profile alone', async () => {
    const databricks = await setUp('databricks', 3, undefined);
    await databricks.client().call('getLoggedModel', { model_id: 'm-1' });
    expect(databricks.calls).toHaveLength(1);
    const gitlab = await setUp('gitlab', 3, undefined);
    const refused = await failure(gitlab.client().call('getLoggedModel', { model_id: 'm-1' }));
    expect(refused.code).toBe('UNSUPPORTED_BY_BACKEND');
    const metric = { run_id: 'r', metrics: [{ key: 'k', value: 1, timestamp: 1, model_id: 'm-1' }] };
    expect((await failure(gitlab.client().call('logBatch', metric))).code).toBe('UNSUPPORTED_BY_BACKEND');
    await expect(gitlab.client().requireFeature('loggedModels', 'searchLoggedModels')).rejects.toMatchObject({
      failure: 'unsupported',
    });
    expect(gitlab.calls).toEqual([]);
  });
});
