import {
  GITLAB_DEVELOPER,
  GITLAB_GUEST,
  GITLAB_MAINTAINER,
  GITLAB_OUTSIDER,
  GITLAB_READER,
  GITLAB_REPORTER,
  gitlabMlflowEndpoints,
  startEmulator,
  type Emulator,
} from '../src/index.js';
import { GitlabMl } from '../src/GitlabMl.js';
import { call, qs, type CallOptions, type TestResponse } from './httpClient.js';

const MLFLOW = '/api/2.0/mlflow';
const SCOPE_403 = {
  error: 'insufficient_scope',
  error_description: 'The request requires higher privileges than provided by the access token.',
  scope: 'api',
};

interface RunJson {
  info: {
    run_id: string;
    experiment_id: string;
    run_name?: string;
    status: string;
    user_id: string;
    artifact_uri: string;
    lifecycle_stage: string;
  };
  data: {
    metrics: Array<{ key: string; value: number; timestamp: number; step?: number }>;
    params: Array<{ key: string; value: string }>;
    tags: Array<{ key: string; value: string }>;
  };
}
interface SearchRuns {
  runs: RunJson[];
  next_page_token: string | null;
}
interface VersionJson {
  name: string;
  version: string;
  run_id: string;
  aliases: string[];
  current_stage: string;
  tags: Array<{ key: string; value: string }>;
}

describe('GitLab mode', () => {
  let emulator: Emulator;
  /** Calls GitLab's MLflow API of project 7 (`path` under /api/2.0/mlflow) as a persona. */
  const mlflow = (
    path: string,
    token: string | undefined,
    options: CallOptions = {},
    project: string | number = 7,
  ): Promise<TestResponse> =>
    call(emulator.url, `/api/v4/projects/${project}/ml/mlflow${MLFLOW}${path}`, {
      ...options,
      headers: { ...(token ? { 'PRIVATE-TOKEN': token } : {}), ...options.headers },
    });
  const experimentId = (name: string): string => emulator.store.tracking.getExperimentByName(name)?.experimentId ?? '';

  beforeAll(async () => {
    emulator = await startEmulator({ gitlab: true, seed: 'demo' });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  describe('prefix and tracking URI', () => {
    it('serves MLflow under /api/v4/projects/:id/ml/mlflow and nowhere else', async () => {
      expect(emulator.trackingUri).toBe(`${emulator.url}/api/v4/projects/7/ml/mlflow`);
      const ok = await call(emulator.trackingUri, `${MLFLOW}/experiments/list`, {
        headers: { 'PRIVATE-TOKEN': GITLAB_DEVELOPER.token },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/json');

      const plain = await call(emulator.url, `${MLFLOW}/experiments/list`, {
        headers: { 'PRIVATE-TOKEN': GITLAB_DEVELOPER.token },
      });
      expect(plain.status).toBe(404);
      expect(plain.json()).toEqual({ error: '404 Not Found' });
    });

    it('answers 404 Project Not Found for another project id, and accepts the URL-encoded path', async () => {
      const other = await mlflow('/experiments/list', GITLAB_DEVELOPER.token, {}, 8);
      expect(other.status).toBe(404);
      expect(other.json()).toEqual({ message: '404 Project Not Found' });
      const byPath = await mlflow('/experiments/list', GITLAB_DEVELOPER.token, {}, 'ml-platform%2Fmlflow-demo');
      expect(byPath.status).toBe(200);
    });

    it('takes the project id from the options', async () => {
      const custom = await startEmulator({ gitlab: true, seed: 'empty', gitlabProjectId: 42 });
      try {
        expect(custom.trackingUri).toBe(`${custom.url}/api/v4/projects/42/ml/mlflow`);
        const ok = await call(custom.trackingUri, `${MLFLOW}/experiments/list`, { bearer: GITLAB_DEVELOPER.token });
        expect(ok.json()).toEqual({ experiments: [] });
        const seven = await call(custom.url, `/api/v4/projects/7/ml/mlflow${MLFLOW}/experiments/list`, {
          bearer: GITLAB_DEVELOPER.token,
        });
        expect(seven.json()).toEqual({ message: '404 Project Not Found' });
      } finally {
        await custom.close();
      }
    });

    it('keeps url as the tracking URI in the other modes', async () => {
      const open = await startEmulator();
      try {
        expect(open.trackingUri).toBe(open.url);
      } finally {
        await open.close();
      }
    });
  });

  describe('authentication', () => {
    it('accepts PRIVATE-TOKEN and Authorization: Bearer', async () => {
      const id = experimentId('fraud-detection');
      expect((await mlflow(`/experiments/get${qs([['experiment_id', id]])}`, GITLAB_DEVELOPER.token)).status).toBe(200);
      const bearer = await call(emulator.trackingUri, `${MLFLOW}/experiments/get${qs([['experiment_id', id]])}`, {
        bearer: GITLAB_DEVELOPER.token,
      });
      expect(bearer.status).toBe(200);
      expect(bearer.json<{ experiment: { name: string } }>().experiment.name).toBe('fraud-detection');
    });

    it('answers 401 without a token or with an unknown one', async () => {
      for (const token of [undefined, 'glpat-nope']) {
        const response = await mlflow('/experiments/list', token);
        expect(response.status).toBe(401);
        expect(response.json()).toEqual({ message: '401 Unauthorized' });
      }
    });

    it('refuses a read_api token on every POST with 403 insufficient_scope, and lets it GET', async () => {
      const search = await mlflow('/runs/search', GITLAB_READER.token, {
        body: { experiment_ids: [experimentId('fraud-detection')] },
      });
      expect(search.status).toBe(403);
      expect(search.json()).toEqual(SCOPE_403);
      expect(search.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      for (const path of ['/experiments/search', '/experiments/create', '/registered-models/get-latest-versions']) {
        const response = await mlflow(path, GITLAB_READER.token, { body: { name: 'x' } });
        expect([path, response.status]).toEqual([path, 403]);
      }
      // The scope check comes before the project and the route's parameters.
      expect((await mlflow('/runs/search', GITLAB_READER.token, { body: {} }, 99)).json()).toEqual(SCOPE_403);

      const get = await mlflow(
        `/experiments/get${qs([['experiment_id', experimentId('fraud-detection')]])}`,
        GITLAB_READER.token,
      );
      expect(get.status).toBe(200);
      expect((await mlflow('/experiments/list', GITLAB_READER.token)).status).toBe(200);
      expect((await mlflow(`/registered-models/search`, GITLAB_READER.token)).status).toBe(200);
    });
  });

  describe('project roles', () => {
    it('hides the private project from a non-member (404 Project Not Found)', async () => {
      const read = await mlflow('/experiments/list', GITLAB_OUTSIDER.token);
      expect(read.status).toBe(404);
      expect(read.json()).toEqual({ message: '404 Project Not Found' });
      const project = await call(emulator.url, '/api/v4/projects/7', { bearer: GITLAB_OUTSIDER.token });
      expect(project.status).toBe(404);
    });

    it("answers 401 to a reporter's (or guest's) write and lets them read", async () => {
      for (const persona of [GITLAB_REPORTER, GITLAB_GUEST]) {
        const create = await mlflow('/runs/create', persona.token, {
          body: { experiment_id: experimentId('fraud-detection') },
        });
        expect(create.status).toBe(401);
        expect(create.json()).toEqual({ message: '401 Unauthorized' });
        const model = await mlflow('/registered-models/create', persona.token, { body: { name: 'reporter-model' } });
        expect(model.status).toBe(401);
        expect((await mlflow('/experiments/list', persona.token)).status).toBe(200);
        expect((await mlflow(`/registered-models/get${qs([['name', 'fraud-detector']])}`, persona.token)).status).toBe(
          200,
        );
      }
    });

    it('treats experiments/search and runs/search as writes (POST) but get-latest-versions as a read', async () => {
      expect((await mlflow('/experiments/search', GITLAB_REPORTER.token, { body: {} })).status).toBe(401);
      expect((await mlflow('/runs/search', GITLAB_REPORTER.token, { body: { experiment_ids: ['1'] } })).status).toBe(
        401,
      );
      const latest = await mlflow('/registered-models/get-latest-versions', GITLAB_REPORTER.token, {
        body: { name: 'fraud-detector' },
      });
      expect(latest.status).toBe(200);
    });

    it('answers 404 Not Found to a non-member of an internal project, and lets anyone read a public one', async () => {
      const internal = await startEmulator({ gitlab: true, seed: 'empty', gitlabProjectVisibility: 'internal' });
      const open = await startEmulator({ gitlab: true, seed: 'empty', gitlabProjectVisibility: 'public' });
      try {
        const hidden = await call(internal.trackingUri, `${MLFLOW}/experiments/list`, {
          bearer: GITLAB_OUTSIDER.token,
        });
        expect(hidden.status).toBe(404);
        expect(hidden.json()).toEqual({ message: '404 Not Found' });
        const project = await call(internal.url, '/api/v4/projects/7', { bearer: GITLAB_OUTSIDER.token });
        expect(project.json<{ permissions: unknown }>().permissions).toEqual({
          project_access: null,
          group_access: null,
        });

        expect(
          (await call(open.trackingUri, `${MLFLOW}/experiments/list`, { bearer: GITLAB_OUTSIDER.token })).status,
        ).toBe(200);
        const write = await call(open.trackingUri, `${MLFLOW}/experiments/create`, {
          bearer: GITLAB_OUTSIDER.token,
          body: { name: 'x' },
        });
        expect(write.status).toBe(401);
      } finally {
        await internal.close();
        await open.close();
      }
    });
  });

  describe('endpoint subset', () => {
    it('defines exactly the endpoints of GitLab’s source', () => {
      expect(gitlabMlflowEndpoints().sort()).toEqual(
        [
          'GET /api/2.0/mlflow/experiments/get',
          'GET /api/2.0/mlflow/experiments/get-by-name',
          'GET /api/2.0/mlflow/experiments/list',
          'POST /api/2.0/mlflow/experiments/search',
          'POST /api/2.0/mlflow/experiments/create',
          'POST /api/2.0/mlflow/experiments/set-experiment-tag',
          'POST /api/2.0/mlflow/experiments/delete',
          'POST /api/2.0/mlflow/runs/create',
          'GET /api/2.0/mlflow/runs/get',
          'POST /api/2.0/mlflow/runs/search',
          'POST /api/2.0/mlflow/runs/update',
          'POST /api/2.0/mlflow/runs/log-metric',
          'POST /api/2.0/mlflow/runs/log-parameter',
          'POST /api/2.0/mlflow/runs/set-tag',
          'POST /api/2.0/mlflow/runs/log-batch',
          'POST /api/2.0/mlflow/runs/delete',
          'GET /api/2.0/mlflow/metrics/get-history',
          'POST /api/2.0/mlflow/registered-models/create',
          'GET /api/2.0/mlflow/registered-models/get',
          'PATCH /api/2.0/mlflow/registered-models/update',
          'POST /api/2.0/mlflow/registered-models/get-latest-versions',
          'DELETE /api/2.0/mlflow/registered-models/delete',
          'GET /api/2.0/mlflow/registered-models/search',
          'GET /api/2.0/mlflow/registered-models/alias',
          'POST /api/2.0/mlflow/model-versions/create',
          'GET /api/2.0/mlflow/model-versions/get-download-uri',
          'GET /api/2.0/mlflow/model-versions/get',
          'PATCH /api/2.0/mlflow/model-versions/update',
        ].sort(),
      );
    });

    it("answers Grape's 404 for every other MLflow endpoint, before authentication", async () => {
      const absent: Array<[string, string]> = [
        ['GET', '/metrics/get-history-bulk-interval'],
        ['POST', '/runs/restore'],
        ['POST', '/runs/delete-tag'],
        ['POST', '/runs/log-inputs'],
        ['POST', '/experiments/update'],
        ['POST', '/experiments/restore'],
        ['GET', '/model-versions/search'],
        ['DELETE', '/model-versions/delete'],
        ['POST', '/model-versions/transition-stage'],
        ['POST', '/model-versions/set-tag'],
        ['POST', '/registered-models/rename'],
        ['POST', '/registered-models/set-tag'],
        ['GET', '/artifacts/list'],
      ];
      for (const [method, path] of absent) {
        for (const token of [GITLAB_DEVELOPER.token, undefined]) {
          const response = await mlflow(path, token, { method, ...(method === 'GET' ? {} : { body: {} }) });
          expect([method, path, response.status, response.json()]).toEqual([
            method,
            path,
            404,
            { error: '404 Not Found' },
          ]);
        }
      }
    });

    it('answers 405 for a known path with another method (alias set/delete, GET search)', async () => {
      const setAlias = await mlflow('/registered-models/alias', GITLAB_DEVELOPER.token, {
        body: { name: 'fraud-detector', alias: 'x', version: '1' },
      });
      expect(setAlias.status).toBe(405);
      expect(setAlias.json()).toEqual({ error: '405 Not Allowed' });
      expect((await mlflow('/registered-models/alias', GITLAB_DEVELOPER.token, { method: 'DELETE' })).status).toBe(405);
      expect((await mlflow('/experiments/search', GITLAB_DEVELOPER.token)).status).toBe(405);
    });
  });

  describe('searches', () => {
    it('ignores filter on experiments/search and on runs/search', async () => {
      const all = await mlflow('/experiments/search', GITLAB_DEVELOPER.token, { body: {} });
      const filtered = await mlflow('/experiments/search', GITLAB_DEVELOPER.token, {
        body: { filter: "name = 'nope'" },
      });
      expect(filtered.status).toBe(200);
      expect(filtered.json()).toEqual(all.json());
      expect(all.json<{ experiments: unknown[] }>().experiments).toHaveLength(10);

      const id = experimentId('churn-prediction');
      const runs = await mlflow('/runs/search', GITLAB_DEVELOPER.token, { body: { experiment_ids: [id] } });
      const runsFiltered = await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
        body: { experiment_ids: [id], filter: "metrics.accuracy > 2 and attributes.status = 'FAILED'" },
      });
      expect(runsFiltered.json()).toEqual(runs.json());
    });

    it('searches only the first of experiment_ids', async () => {
      const first = experimentId('churn-prediction');
      const second = experimentId('fraud-detection');
      const response = await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
        body: { experiment_ids: [first, second] },
      });
      const body = response.json<SearchRuns>();
      expect(body.runs).toHaveLength(30);
      expect(new Set(body.runs.map((run) => run.info.experiment_id))).toEqual(new Set([first]));

      const none = await mlflow('/runs/search', GITLAB_DEVELOPER.token, { body: { experiment_ids: [] } });
      expect(none.status).toBe(404);
      expect(none.json()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
      const missing = await mlflow('/runs/search', GITLAB_DEVELOPER.token, { body: {} });
      expect(missing.status).toBe(400);
      expect(missing.json()).toEqual({ error: 'experiment_ids is missing' });
    });

    it('pages with opaque keyset tokens until next_page_token is null', async () => {
      const id = experimentId('fraud-detection');
      const seen: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const response = await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
          body: { experiment_ids: [id], max_results: 7, ...(token ? { page_token: token } : {}) },
        });
        const body = response.json<SearchRuns>();
        expect(body).toHaveProperty('next_page_token');
        seen.push(...body.runs.map((run) => run.info.run_id));
        token = body.next_page_token;
        if (token) expect(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).toMatchObject({ _kd: 'n' });
        pages += 1;
      } while (token && pages < 20);
      expect(pages).toBe(6);
      expect(seen).toHaveLength(39); // 40 seeded runs, one was deleted (GitLab has no soft delete)
      expect(new Set(seen).size).toBe(39);

      const broken = await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
        body: { experiment_ids: [id], page_token: 'not-a-cursor' },
      });
      expect(broken.status).toBe(500);
    });

    it('defaults max_results to 200 and caps it at 1000', async () => {
      const ml = new GitlabMl(emulator.store);
      const experiment = emulator.store.tracking.getExperimentByName('churn-prediction');
      if (!experiment) throw new Error('expected the demo experiment churn-prediction');
      for (let i = 0; i < 1100; i += 1)
        ml.createCandidate(experiment, { startTime: i, userId: GITLAB_DEVELOPER.userId });
      const byDefault = await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
        body: { experiment_ids: [experiment.experimentId] },
      });
      expect(byDefault.json<SearchRuns>().runs).toHaveLength(200);
      const capped = await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
        body: { experiment_ids: [experiment.experimentId], max_results: 5000 },
      });
      expect(capped.json<SearchRuns>().runs).toHaveLength(1000);
      expect(capped.json<SearchRuns>().next_page_token).toEqual(expect.any(String));
    });

    it('orders runs by created_at, name or a metric (runs without the metric drop out)', async () => {
      const id = experimentId('churn-prediction');
      const fresh = await mlflow('/runs/create', GITLAB_DEVELOPER.token, {
        body: { experiment_id: id, run_name: 'aaa-no-metrics' },
      });
      const freshId = fresh.json<{ run: RunJson }>().run.info.run_id;
      const search = async (orderBy: string): Promise<RunJson[]> =>
        (
          await mlflow('/runs/search', GITLAB_DEVELOPER.token, { body: { experiment_ids: [id], order_by: orderBy } })
        ).json<SearchRuns>().runs;

      const newest = await search('created_at DESC');
      expect(newest[0]?.info.run_id).toBe(freshId);
      expect((await search('created_at'))[0]?.info.run_id).toBe(freshId); // no direction means DESC for runs
      expect((await search('created_at ASC'))[0]?.info.run_id).not.toBe(freshId);
      const byName = (await search('name ASC')).map((run) => run.info.run_name ?? '');
      expect(byName).toEqual([...byName].sort());
      const byAccuracy = await search('metrics.accuracy DESC');
      expect(byAccuracy).toHaveLength(30);
      expect(byAccuracy.map((run) => run.info.run_id)).not.toContain(freshId);
      const values = byAccuracy.map((run) => run.data.metrics.find((metric) => metric.key === 'accuracy')?.value ?? 0);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      // Unsupported columns (params, attributes) fall back to created_at, keeping the direction.
      expect((await search('params.max_depth DESC'))[0]?.info.run_id).toBe(freshId);
      expect((await search('attributes.start_time ASC')).map((run) => run.info.run_id)).toEqual(
        (await search('created_at ASC')).map((run) => run.info.run_id),
      );
    });

    it('filters registered models only by name (a substring match) and refuses other filters', async () => {
      const byName = await mlflow(
        `/registered-models/search${qs([['filter', "name='fraud'"]])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(
        byName.json<{ registered_models: Array<{ name: string }> }>().registered_models.map((model) => model.name),
      ).toEqual(['fraud-detector']);
      const bad = await mlflow(
        `/registered-models/search${qs([['filter', "tags.team = 'risk'"]])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(bad.status).toBe(400);
      expect(bad.json()).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Invalid attribute key specified. Valid keys are '{'name'}'",
      });
      const all = await mlflow('/registered-models/search', GITLAB_DEVELOPER.token);
      const names = all.json<{ registered_models: Array<{ name: string }>; next_page_token: null }>();
      expect(names.registered_models.map((model) => model.name)).toEqual([
        'churn-model',
        'demand-forecaster',
        'fraud-detector',
        'resnet50-classifier',
        'summarizer-t5',
      ]);
      expect(names.next_page_token).toBeNull();
    });
  });

  describe('candidates and model versions', () => {
    it('creates the [model]<name> experiment with the model, and a candidate per version', async () => {
      const model = await mlflow('/registered-models/create', GITLAB_DEVELOPER.token, {
        body: { name: 'ranker', description: 'Ranks.' },
      });
      expect(model.status).toBe(200);
      expect(model.json()).toMatchObject({
        registered_model: {
          name: 'ranker',
          description: 'Ranks.',
          user_id: String(GITLAB_DEVELOPER.userId),
          latest_versions: [],
        },
      });
      const experiment = await mlflow(
        `/experiments/get-by-name${qs([['experiment_name', '[model]ranker']])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(experiment.status).toBe(200);
      const modelExperimentId = experiment.json<{ experiment: { experiment_id: string } }>().experiment.experiment_id;
      expect(modelExperimentId).toMatch(/^\d+$/);

      const noneYet = await mlflow('/registered-models/get-latest-versions', GITLAB_DEVELOPER.token, {
        body: { name: 'ranker' },
      });
      expect(noneYet.json()).toEqual({ model_versions: [null] });

      const someRun = (
        await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
          body: { experiment_ids: [experimentId('fraud-detection')], max_results: 1 },
        })
      ).json<SearchRuns>().runs[0]?.info.run_id;
      const v1 = await mlflow('/model-versions/create', GITLAB_DEVELOPER.token, {
        body: { name: 'ranker', run_id: someRun, source: 's3://x' },
      });
      expect(v1.status).toBe(200);
      const version1 = v1.json<{ model_version: VersionJson }>().model_version;
      expect(version1.aliases).toEqual(['1.0.0']);
      expect(version1.version).toMatch(/^\d+$/); // GitLab's numeric version id, not the semver
      expect(version1.current_stage).toBe('development');
      expect(version1.run_id).not.toBe(someRun); // run_id is ignored: the version is its own candidate
      const candidate = await mlflow(`/runs/get${qs([['run_id', version1.run_id]])}`, GITLAB_DEVELOPER.token);
      expect(candidate.json<{ run: RunJson }>().run.info).toMatchObject({
        experiment_id: modelExperimentId,
        status: 'RUNNING',
      });
      expect(candidate.json<{ run: RunJson }>().run.info.artifact_uri).toContain(
        `/packages/ml_models/${version1.version}/files/`,
      );

      const v2 = (await mlflow('/model-versions/create', GITLAB_DEVELOPER.token, { body: { name: 'ranker' } })).json<{
        model_version: VersionJson;
      }>().model_version;
      expect(v2.aliases).toEqual(['2.0.0']);
      const custom = await mlflow('/model-versions/create', GITLAB_DEVELOPER.token, {
        body: { name: 'ranker', tags: [{ key: 'gitlab.version', value: '2.3.1' }] },
      });
      expect(custom.json<{ model_version: VersionJson }>().model_version).toMatchObject({
        aliases: ['2.3.1'],
        tags: [{ key: 'gitlab.version', value: '2.3.1' }],
      });
      // Auto-increment bumps the major of the highest semver and keeps the rest.
      const v4 = (await mlflow('/model-versions/create', GITLAB_DEVELOPER.token, { body: { name: 'ranker' } })).json<{
        model_version: VersionJson;
      }>().model_version;
      expect(v4.aliases).toEqual(['3.3.1']);
      const invalid = await mlflow('/model-versions/create', GITLAB_DEVELOPER.token, {
        body: { name: 'ranker', tags: [{ key: 'gitlab.version', value: 'v5' }] },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.json()).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: ['Version must be semantic version'],
      });

      const candidates = await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
        body: { experiment_ids: [modelExperimentId] },
      });
      expect(
        candidates
          .json<SearchRuns>()
          .runs.map((run) => run.info.run_id)
          .sort(),
      ).toEqual(
        [
          version1.run_id,
          v2.run_id,
          v4.run_id,
          custom.json<{ model_version: VersionJson }>().model_version.run_id,
        ].sort(),
      );

      const latest = await mlflow('/registered-models/get-latest-versions', GITLAB_DEVELOPER.token, {
        body: { name: 'ranker', stages: ['Production'] },
      });
      expect(latest.json<{ model_versions: VersionJson[] }>().model_versions.map((version) => version.aliases)).toEqual(
        [['3.3.1']],
      );
      const deleteExperiment = await mlflow('/experiments/delete', GITLAB_DEVELOPER.token, {
        body: { experiment_id: modelExperimentId },
      });
      expect(deleteExperiment.status).toBe(400);
      expect(deleteExperiment.json()).toEqual({ message: 'Cannot delete an experiment associated to a model' });
    });

    it('looks versions up by semver, answers with the numeric id, and builds download URIs from the id', async () => {
      const get = await mlflow(
        `/model-versions/get${qs([
          ['name', 'fraud-detector'],
          ['version', '4.0.0'],
        ])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(get.status).toBe(200);
      const version = get.json<{ model_version: VersionJson }>().model_version;
      expect(version.aliases).toEqual(['4.0.0']);
      const byId = await mlflow(
        `/model-versions/get${qs([
          ['name', 'fraud-detector'],
          ['version', version.version],
        ])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(byId.status).toBe(404);
      const alias = await mlflow(
        `/registered-models/alias${qs([
          ['name', 'fraud-detector'],
          ['alias', '4.0.0'],
        ])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(alias.json<{ model_version: VersionJson }>().model_version.version).toBe(version.version);
      const uri = await mlflow(
        `/model-versions/get-download-uri${qs([
          ['name', 'fraud-detector'],
          ['version', version.version],
        ])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(uri.json()).toEqual({ artifact_uri: `mlflow-artifacts:/${version.version}` });
      const semverUri = await mlflow(
        `/model-versions/get-download-uri${qs([
          ['name', 'fraud-detector'],
          ['version', '4.0.0'],
        ])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(semverUri.json()).toEqual({ error: 'version is invalid' });

      const update = await mlflow('/model-versions/update', GITLAB_DEVELOPER.token, {
        method: 'PATCH',
        body: { name: 'fraud-detector', version: '4.0.0', description: 'champion' },
      });
      expect(update.json()).toMatchObject({ model_version: { description: 'champion', aliases: ['4.0.0'] } });
      const noDescription = await mlflow('/model-versions/update', GITLAB_DEVELOPER.token, {
        method: 'PATCH',
        body: { name: 'fraud-detector', version: '4.0.0' },
      });
      expect(noDescription.json()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: null });
      const unknown = await mlflow('/model-versions/update', GITLAB_DEVELOPER.token, {
        method: 'PATCH',
        body: { name: 'fraud-detector', version: '9.9.9', description: 'x' },
      });
      expect(unknown.json()).toEqual({ error_code: 'UPDATE_FAILED' });
    });

    it('maps the demo registry onto semver versions and model experiments', async () => {
      const model = await mlflow(`/registered-models/get${qs([['name', 'fraud-detector']])}`, GITLAB_READER.token);
      const body = model.json<{ registered_model: { latest_versions: VersionJson[]; creation_timestamp: number } }>()
        .registered_model;
      expect(body.latest_versions.map((version) => version.aliases[0])).toEqual([
        '1.0.0',
        '2.0.0',
        '3.0.0',
        '4.0.0',
        '5.0.0',
      ]);
      expect(body.creation_timestamp).toBeLessThan(10_000_000_000); // seconds, not milliseconds
      const candidate = await mlflow(
        `/runs/get${qs([['run_id', body.latest_versions[0]?.run_id ?? '']])}`,
        GITLAB_READER.token,
      );
      expect(candidate.json<{ run: RunJson }>().run.info.experiment_id).toBe(experimentId('[model]fraud-detector'));
    });
  });

  describe('GitLab semantics of runs', () => {
    it('never overwrites a tag or param, skips duplicates in log-batch, and omits a missing step', async () => {
      const created = await mlflow('/runs/create', GITLAB_DEVELOPER.token, {
        body: {
          experiment_id: experimentId('fraud-detection'),
          start_time: 1700000000000,
          tags: [{ key: 'team', value: 'risk' }],
        },
      });
      const run = created.json<{ run: RunJson }>().run;
      expect(run.info.run_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-[a-z]+-\d+$/);
      expect(run.info.user_id).toBe(String(GITLAB_DEVELOPER.userId));
      expect(run.data).toEqual({ metrics: [], params: [], tags: [{ key: 'team', value: 'risk' }] });
      const runId = run.info.run_id;

      const again = await mlflow('/runs/set-tag', GITLAB_DEVELOPER.token, {
        body: { run_id: runId, key: 'team', value: 'growth' },
      });
      expect(again.status).toBe(400);
      expect(again.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(
        (
          await mlflow('/runs/log-parameter', GITLAB_DEVELOPER.token, {
            body: { run_id: runId, key: 'lr', value: '0.1' },
          })
        ).json(),
      ).toEqual({});
      expect(
        (
          await mlflow('/runs/log-parameter', GITLAB_DEVELOPER.token, {
            body: { run_id: runId, key: 'lr', value: '0.1' },
          })
        ).status,
      ).toBe(400);
      const batch = await mlflow('/runs/log-batch', GITLAB_DEVELOPER.token, {
        body: {
          run_id: runId,
          params: [
            { key: 'lr', value: '0.5' },
            { key: 'depth', value: '3' },
            { key: 'depth', value: '4' },
          ],
          tags: [{ key: 'team', value: 'x' }],
          metrics: [
            { key: 'loss', value: 0.5, timestamp: 10 },
            { key: 'loss', value: 0.4, timestamp: 20, step: 1 },
          ],
        },
      });
      expect(batch.json()).toEqual({});
      const got = (await mlflow(`/runs/get${qs([['run_id', runId]])}`, GITLAB_DEVELOPER.token)).json<{ run: RunJson }>()
        .run;
      expect(got.data.params).toEqual([
        { key: 'lr', value: '0.1' },
        { key: 'depth', value: '3' },
      ]);
      expect(got.data.tags).toEqual([{ key: 'team', value: 'risk' }]);
      expect(got.data.metrics).toEqual([{ key: 'loss', value: 0.4, timestamp: 20, step: 1 }]);

      const history = await mlflow(
        `/metrics/get-history${qs([
          ['run_id', runId],
          ['metric_key', 'loss'],
        ])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(history.json()).toEqual({
        metrics: [
          { key: 'loss', value: 0.5, timestamp: 10 },
          { key: 'loss', value: 0.4, timestamp: 20, step: 1 },
        ],
        next_page_token: null,
      });
      const unknownRun = await mlflow(
        `/metrics/get-history${qs([
          ['run_id', 'nope'],
          ['metric_key', 'loss'],
        ])}`,
        GITLAB_DEVELOPER.token,
      );
      expect(unknownRun.json()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('validates parameters the way Grape does, after the role checks', async () => {
      const missing = await mlflow('/runs/log-metric', GITLAB_DEVELOPER.token, { body: { run_id: 'x' } });
      expect(missing.status).toBe(400);
      expect(missing.json()).toEqual({ error: 'key is missing, value is missing, timestamp is missing' });
      const status = await mlflow('/runs/update', GITLAB_DEVELOPER.token, { body: { run_id: 'x', status: 'BOGUS' } });
      expect(status.json()).toEqual({ error: 'status does not have a valid value' });
      const notANumber = await mlflow('/runs/create', GITLAB_DEVELOPER.token, { body: { experiment_id: 'abc' } });
      expect(notANumber.json()).toEqual({ error: 'experiment_id is invalid' });
      // MLflow clients send order_by as a list; GitLab declares a string.
      const list = await mlflow('/runs/search', GITLAB_DEVELOPER.token, {
        body: { experiment_ids: ['1'], order_by: ['metrics.accuracy DESC'] },
      });
      expect(list.json()).toEqual({ error: 'order_by is invalid' });
      // A reporter never reaches validation.
      expect((await mlflow('/runs/log-metric', GITLAB_REPORTER.token, { body: {} })).status).toBe(401);
    });

    it('hard-deletes runs and experiments', async () => {
      const id = experimentId('llm-finetune-summarization');
      const runs = (
        await mlflow('/runs/search', GITLAB_MAINTAINER.token, { body: { experiment_ids: [id] } })
      ).json<SearchRuns>().runs;
      const runId = runs[0]?.info.run_id ?? '';
      expect((await mlflow('/runs/delete', GITLAB_MAINTAINER.token, { body: { run_id: runId } })).json()).toEqual({});
      expect((await mlflow(`/runs/get${qs([['run_id', runId]])}`, GITLAB_MAINTAINER.token)).status).toBe(404);
      expect(
        (await mlflow('/experiments/delete', GITLAB_MAINTAINER.token, { body: { experiment_id: id } })).json(),
      ).toEqual({});
      const gone = await mlflow(`/experiments/get${qs([['experiment_id', id]])}`, GITLAB_MAINTAINER.token);
      expect(gone.json()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    });
  });

  describe('identity endpoints', () => {
    it('tells the caller who they are, with a read_api token too', async () => {
      const user = await call(emulator.url, '/api/v4/user', { bearer: GITLAB_READER.token });
      expect(user.json()).toMatchObject({
        id: GITLAB_READER.userId,
        username: 'bob',
        name: 'Bob',
        email: 'bob@example.com',
      });
      const token = await call(emulator.url, '/api/v4/personal_access_tokens/self', {
        headers: { 'PRIVATE-TOKEN': GITLAB_READER.token },
      });
      expect(token.json()).toMatchObject({
        id: GITLAB_READER.tokenId,
        name: GITLAB_READER.tokenName,
        scopes: ['read_api'],
        active: true,
        user_id: GITLAB_READER.userId,
      });
      expect(token.json()).toHaveProperty('expires_at');
      const project = await call(emulator.url, '/api/v4/projects/7', { bearer: GITLAB_READER.token });
      expect(project.json()).toMatchObject({
        id: 7,
        path_with_namespace: 'ml-platform/mlflow-demo',
        visibility: 'private',
        permissions: { project_access: { access_level: 30 }, group_access: null },
      });
      const guest = await call(emulator.url, '/api/v4/projects/ml-platform%2Fmlflow-demo', {
        bearer: GITLAB_GUEST.token,
      });
      expect(guest.json<{ permissions: unknown }>().permissions).toEqual({
        project_access: { access_level: 10, notification_level: 3 },
        group_access: null,
      });
      const version = await call(emulator.url, '/api/v4/version', { bearer: GITLAB_READER.token });
      expect(version.json()).toMatchObject({ version: '17.9.0-ee', revision: expect.any(String) });
    });

    it('needs a valid token (a private project is simply not found without one)', async () => {
      for (const path of ['/api/v4/user', '/api/v4/personal_access_tokens/self', '/api/v4/version']) {
        const response = await call(emulator.url, path);
        expect([path, response.status, response.json()]).toEqual([path, 401, { message: '401 Unauthorized' }]);
      }
      expect((await call(emulator.url, '/api/v4/projects/7')).json()).toEqual({ message: '404 Project Not Found' });
      expect((await call(emulator.url, '/api/v4/version', { bearer: 'glpat-nope' })).status).toBe(401);
      expect((await call(emulator.url, '/api/v4/projects/7/issues', { bearer: GITLAB_DEVELOPER.token })).status).toBe(
        404,
      );
    });
  });

  describe('counters', () => {
    it('count MLflow calls without the GitLab prefix and other calls by their path', async () => {
      const id = experimentId('fraud-detection');
      await mlflow('/runs/search', GITLAB_DEVELOPER.token, { body: { experiment_ids: [id] } });
      await mlflow('/runs/search', GITLAB_READER.token, { body: { experiment_ids: [id] } }); // refused, still counted
      await mlflow(`/experiments/get${qs([['experiment_id', id]])}`, GITLAB_DEVELOPER.token);
      await call(emulator.url, '/api/v4/personal_access_tokens/self', { bearer: GITLAB_DEVELOPER.token });
      expect(emulator.callCount('POST /api/2.0/mlflow/runs/search')).toBe(2);
      expect(emulator.callCount('GET /api/2.0/mlflow/experiments/get')).toBe(1);
      expect(emulator.callCount('GET /api/v4/personal_access_tokens/self')).toBe(1);
      expect(Object.keys(emulator.calls()).filter((key) => key.includes('/ml/mlflow'))).toEqual([]);
    });

    it('apply faults and latency by the same endpoint names', async () => {
      emulator.setFaults([{ endpoint: 'GET /api/2.0/mlflow/experiments/list', kind: 'status', status: 503, count: 1 }]);
      expect((await mlflow('/experiments/list', GITLAB_DEVELOPER.token)).status).toBe(503);
      expect((await mlflow('/experiments/list', GITLAB_DEVELOPER.token)).status).toBe(200);
    });
  });

  describe('seeds', () => {
    it('holds no Default experiment, no deleted experiments or runs, and numeric experiment ids', async () => {
      const list = (await mlflow('/experiments/list', GITLAB_DEVELOPER.token)).json<{
        experiments: Array<{ experiment_id: string; name: string }>;
      }>().experiments;
      const names = list.map((experiment) => experiment.name);
      expect(names).not.toContain('Default');
      expect(names).not.toContain('legacy-baseline');
      expect(names).toEqual(
        expect.arrayContaining(['fraud-detection', '[model]fraud-detector', '[model]summarizer-t5']),
      );
      for (const experiment of list) expect(experiment.experiment_id).toMatch(/^[1-9]\d*$/);

      const empty = await startEmulator({ gitlab: true, seed: 'empty' });
      try {
        const none = await call(empty.trackingUri, `${MLFLOW}/experiments/list`, { bearer: GITLAB_DEVELOPER.token });
        expect(none.json()).toEqual({ experiments: [] });
        const created = await call(empty.trackingUri, `${MLFLOW}/experiments/create`, {
          bearer: GITLAB_DEVELOPER.token,
          body: { name: 'first' },
        });
        expect(created.json()).toEqual({ experiment_id: '1' });
        const twice = await call(empty.trackingUri, `${MLFLOW}/experiments/create`, {
          bearer: GITLAB_DEVELOPER.token,
          body: { name: 'first' },
        });
        expect(twice.json()).toEqual({ error_code: 'RESOURCE_ALREADY_EXISTS' });
      } finally {
        await empty.close();
      }
    });
  });
});
