// The typed client end to end: regenerate it, type-check the example against it, then run every client
// operation against the demo gateway (emulator seeded with `demo`) and check real results, typed errors, the
// APQ exchange, and the example service that promotes the best model version to `champion`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, parse, type DocumentNode } from 'graphql';
import * as clientModule from '@mlflow-supergraph/client';
import {
  compareRunMetricHistories,
  createClient,
  GetModelVersionByAliasDocument,
  GetRunWithMetricsDocument,
  listExperimentRuns,
  ListExperimentRunsDocument,
  FinalizeLoggedModelDocument,
  GetLoggedModelDocument,
  CreateAssessmentDocument,
  TraceBrowserDocument,
  metricNumber,
  ModelLineageDocument,
  ModelVersionsWithRunMetricsDocument,
  MyExperimentPermissionDocument,
  MyModelPermissionDocument,
  permissionLevels,
  permits,
  persistedDocument,
  PromoteModelVersionDocument,
  SupergraphRequestError,
  SupergraphTransportError,
  ViewerDocument,
  type SupergraphClient,
} from '@mlflow-supergraph/client';
import {
  initialExplorerHeaders,
  initialSandboxOperation,
  initialSandboxVariables,
} from '../../src/gateway/landingPage.js';
import { projectRoot } from '../../src/gateway/supergraphConfig.js';
import {
  ADMIN,
  ALICE,
  DEMO_LOGGED_MODELS,
  GENAI_DEMO_EXPERIMENT,
  MLFLOW3_VERSION,
} from '@mlflow-supergraph/mlflow-emulator';
import { startStack, type Stack } from '../helpers/startStack.js';
import { recordingFetch, runBin, type RecordedRequest } from './clientHarness.js';
import { asUser } from '../helpers/auth.js';
import { freePort } from '../helpers/listen.js';

const generatedDir = join(projectRoot, 'packages/client/src/generated');
const manifest = JSON.parse(readFileSync(join(generatedDir, 'persisted-documents.json'), 'utf8')) as Record<
  string,
  string
>;
/** Operation names the manifest registers, i.e. every client operation. */
const manifestOperations = Object.values(manifest).map((text) => {
  const operation = parse(text).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operation?.kind === Kind.OPERATION_DEFINITION ? operation.name?.value : undefined;
});

let stack: Stack;
let client: SupergraphClient;
let requests: RecordedRequest[];
let recorder: ReturnType<typeof recordingFetch>;

beforeAll(async () => {
  stack = await startStack();
  recorder = recordingFetch();
  requests = recorder.requests;
  client = createClient({ url: stack.gateway.graphqlUrl, fetch: recorder.fetch });
});

afterAll(async () => {
  await stack?.close();
});

/** A raw GraphQL call that does not go through the client (the independent oracle). */
async function raw<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await stack.query<T>(query, variables);
  expect(response.errors).toBeUndefined();
  return response.data as T;
}

describe('generated code', () => {
  it('regenerates exactly the committed documents and manifest from packages/client/src/operations', async () => {
    const out = mkdtempSync(join(tmpdir(), 'client-codegen-'));
    try {
      const configPath = join(out, 'codegen.client.ts');
      writeFileSync(
        configPath,
        `import config from ${JSON.stringify(pathToFileURL(join(projectRoot, 'codegen.ts')).href)};\n` +
          `export default { overwrite: true, emitLegacyCommonJSImports: false, generates: { ${JSON.stringify(join(out, 'generated') + '/')}: config.generates['packages/client/src/generated/'] } };\n`,
      );
      const result = await runBin('graphql-codegen', ['--config', configPath, '--silent']);
      expect(result).toMatchObject({ code: 0 });
      const files = readdirSync(join(out, 'generated')).sort();
      expect(files).toEqual(readdirSync(generatedDir).sort());
      expect(files).toEqual(expect.arrayContaining(['graphql.ts', 'persisted-documents.json']));
      for (const file of files)
        expect(readFileSync(join(out, 'generated', file), 'utf8')).toBe(readFileSync(join(generatedDir, file), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('type-checks the example and the client type assertions (tsc --noEmit, importing @mlflow-supergraph/client)', async () => {
    const result = await runBin('tsc', ['--noEmit', '-p', 'examples/tsconfig.json']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('sends each document as the manifest holds it: same text, same sha256', () => {
    const documents = Object.entries(clientModule).filter(([name]) => /^[A-Z]\w*Document$/.test(name)) as [
      string,
      DocumentNode & { __meta__?: { hash?: string } },
    ][];
    expect(documents.map(([name]) => name.replace(/Document$/, '')).sort()).toEqual([...manifestOperations].sort());
    for (const [, document] of documents) {
      const persisted = persistedDocument(document);
      expect(document.__meta__?.hash).toBe(`sha256:${persisted.sha256Hash}`);
      expect(manifest[`sha256:${persisted.sha256Hash}`]).toBe(persisted.text);
    }
  });
});

describe('every client operation against the demo gateway', () => {
  const fraud = { experimentId: '1', name: 'fraud-detection', model: 'fraud-detector' };

  it('Viewer: the demo has no permission service, so the anonymous caller may read and write', async () => {
    const { viewer } = await client.request(ViewerDocument);
    expect(viewer).toEqual({
      id: null,
      username: null,
      authKind: 'ANONYMOUS',
      scopes: ['read', 'write'],
      isAdmin: false,
      permissionBackend: 'none',
    });
  });

  it('ListExperimentRuns: pages through every active run of an experiment, each page at most `first` long', async () => {
    const oracle = await raw<{ runs: { nodes: { id: string }[] } }>(
      `{ runs(experimentIds: ["${fraud.experimentId}"], first: 1000) { nodes { id } } }`,
    );
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of listExperimentRuns(client, {
      experimentId: fraud.experimentId,
      first: 15,
      orderBy: ['attributes.start_time DESC'],
    })) {
      pages.push(page.length);
      for (const run of page) {
        expect(run.experimentId).toBe(fraud.experimentId);
        expect(run.metrics.map((m) => m.key)).toEqual(expect.arrayContaining(['loss', 'accuracy']));
        ids.push(run.id);
      }
    }
    expect(oracle.runs.nodes.length).toBeGreaterThan(30);
    expect(new Set(ids)).toEqual(new Set(oracle.runs.nodes.map((r) => r.id)));
    expect(ids).toHaveLength(new Set(ids).size);
    expect(pages.slice(0, -1).every((size) => size === 15)).toBe(true);
    expect(pages.length).toBe(Math.ceil(oracle.runs.nodes.length / 15));

    const first = await client.request(ListExperimentRunsDocument, { experimentId: fraud.experimentId, first: 2 });
    expect(first.experiment?.name).toBe(fraud.name);
    expect(first.experiment?.runs?.pageInfo.hasNextPage).toBe(true);
  });

  it("GetRunWithMetrics: a run with params, latest metrics, tags, its experiment and the caller's permission", async () => {
    const oracle = await raw<{
      runs: { nodes: { id: string; params: { key: string; value: string }[]; metric: { value: number } }[] };
    }>(
      `{ runs(experimentIds: ["${fraud.experimentId}"], first: 1, filter: "attributes.status = 'FINISHED'") { nodes { id params { key value } metric(key: "accuracy") { value } } } }`,
    );
    const expected = oracle.runs.nodes[0]!;
    const { run } = await client.request(GetRunWithMetricsDocument, { id: expected.id });
    expect(run).not.toBeNull();
    expect(run!.id).toBe(expected.id);
    expect(run!.status).toBe('FINISHED');
    expect(run!.experiment).toEqual({ id: fraud.experimentId, name: fraud.name });
    expect(run!.params).toEqual(expect.arrayContaining(expected.params));
    expect(run!.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(metricNumber(run!.metrics.find((m) => m.key === 'accuracy')!.value)).toBe(expected.metric.value);
    expect(permissionLevels).toContain(run!.viewerPermission);
    expect(run!.viewerPermission).toBe('CAN_MANAGE');

    expect(await client.request(GetRunWithMetricsDocument, { id: '0'.repeat(32) })).toEqual({ run: null });
  });

  it("CompareRunMetricHistories: several runs' full series of one metric, in the order asked", async () => {
    const oracle = await raw<{ runs: { nodes: { id: string }[] } }>(
      `{ runs(experimentIds: ["${fraud.experimentId}"], first: 3, filter: "attributes.status = 'FINISHED'") { nodes { id } } }`,
    );
    const runIds = oracle.runs.nodes.map((r) => r.id).reverse();
    expect(runIds).toHaveLength(3);
    stack.coldStart();
    // The demo's fraud-detection runs log `loss` at steps 0..199: under maxPoints, so every point comes back.
    const series = await compareRunMetricHistories(client, {
      experimentIds: [fraud.experimentId],
      runIds,
      metricKey: 'loss',
      maxPoints: 500,
    });
    expect(series.map((s) => s.id)).toEqual(runIds);
    for (const run of series) {
      // Nullable since a failed history must not null its run; here it must be there.
      const history = run.metricHistory ?? [];
      expect(run.metricHistory).not.toBeNull();
      expect(history.map((point) => point.step)).toEqual(Array.from({ length: 200 }, (_, step) => step));
      expect(
        history.every((point) => typeof metricNumber(point.value) === 'number' && typeof point.timestamp === 'string'),
      ).toBe(true);
    }
    // The three series came from one bulk upstream call, not one per run.
    const calls = stack.emulator.calls();
    expect(calls['GET /api/2.0/mlflow/metrics/get-history-bulk-interval'] ?? 0).toBe(1);
    expect(calls['GET /api/2.0/mlflow/metrics/get-history'] ?? 0).toBe(0);
  });

  it("ModelVersionsWithRunMetrics: every version of a model with its run's metrics, in one request", async () => {
    const { registeredModel } = await client.request(ModelVersionsWithRunMetricsDocument, { name: fraud.model });
    expect(registeredModel?.name).toBe(fraud.model);
    expect(registeredModel?.aliases).toEqual(
      expect.arrayContaining([
        { alias: 'champion', version: '4' },
        { alias: 'challenger', version: '5' },
      ]),
    );
    const versions = registeredModel!.versions!.nodes;
    expect(versions.map((v) => v.version).sort()).toEqual(['1', '2', '3', '4', '5']);
    for (const version of versions) {
      expect(version.status).toBe('READY');
      expect(version.run?.id).toBe(version.runId);
      expect(version.run?.metrics.some((m) => m.key === 'accuracy')).toBe(true);
    }
  });

  it('GetModelVersionByAlias and PromoteModelVersion: move an alias, then read it back', async () => {
    const before = await client.request(GetModelVersionByAliasDocument, { name: fraud.model, alias: 'champion' });
    expect(before.modelVersionByAlias).toMatchObject({
      name: fraud.model,
      version: '4',
      status: 'READY',
      aliases: expect.arrayContaining(['champion']),
    });
    expect(before.modelVersionByAlias?.downloadUri).toBeTruthy();

    const promoted = await client.request(PromoteModelVersionDocument, {
      name: fraud.model,
      alias: 'shadow',
      version: '3',
    });
    expect(promoted.setRegisteredModelAlias).toMatchObject({
      name: fraud.model,
      version: '3',
      aliases: expect.arrayContaining(['shadow']),
    });
    expect(promoted.setRegisteredModelAlias.registeredModel?.aliases).toEqual(
      expect.arrayContaining([{ alias: 'shadow', version: '3' }]),
    );

    const after = await client.request(GetModelVersionByAliasDocument, { name: fraud.model, alias: 'shadow' });
    expect(after.modelVersionByAlias?.version).toBe('3');
    expect(await client.request(GetModelVersionByAliasDocument, { name: fraud.model, alias: 'no-such-alias' })).toEqual(
      { modelVersionByAlias: null },
    );
  });

  it('MyExperimentPermission and MyModelPermission: what the caller may do', async () => {
    const experiment = await client.request(MyExperimentPermissionDocument, { id: fraud.experimentId });
    expect(experiment.experiment).toEqual({ id: fraud.experimentId, name: fraud.name, viewerPermission: 'CAN_MANAGE' });
    const model = await client.request(MyModelPermissionDocument, { name: fraud.model });
    expect(model.registeredModel).toEqual({ name: fraud.model, viewerPermission: 'CAN_MANAGE' });
    expect(permits(model.registeredModel!.viewerPermission, 'CAN_EDIT')).toBe(true);
    expect(permits('CAN_READ', 'CAN_EDIT')).toBe(false);
  });

  it('ModelLineage, GetLoggedModel and FinalizeLoggedModel: MLflow 3 logged models (the mlflow3 demo)', async () => {
    const mlflow3 = await startStack({ emulator: { seed: 'demo', mlflowVersion: MLFLOW3_VERSION } });
    try {
      const client3 = createClient({ url: mlflow3.gateway.graphqlUrl, fetch: recorder.fetch });
      const fraud3 = await mlflow3.query(`{ experimentByName(name: "fraud-detection") { id } }`);
      const { experiment } = await client3.request(ModelLineageDocument, {
        experimentId: fraud3.data.experimentByName.id,
        first: 50,
      });
      const models = experiment!.runs!.nodes.flatMap((run) => run.loggedModels ?? []);
      const registered = models.filter((m) => (m.registeredVersions ?? []).length > 0);
      expect(registered.length).toBeGreaterThan(0);
      const plan = DEMO_LOGGED_MODELS.find((m) => m.modelId === registered[0]!.id)!;
      expect(registered[0]!.registeredVersions).toEqual([
        { name: plan.registeredAs!.name, version: String(plan.registeredAs!.version), status: 'READY' },
      ]);
      const { loggedModel } = await client3.request(GetLoggedModelDocument, { id: plan.modelId });
      expect(loggedModel).toMatchObject({ id: plan.modelId, name: plan.name, status: 'READY' });
      expect(loggedModel!.metrics.some((m) => m.datasetName)).toBe(true);
      const candidate = DEMO_LOGGED_MODELS.find((m) => m.status === 'LOGGED_MODEL_UPLOAD_FAILED')!;
      const { finalizeLoggedModel } = await client3.request(FinalizeLoggedModelDocument, {
        id: candidate.modelId,
        status: 'READY',
      });
      expect(finalizeLoggedModel.status).toBe('READY');
    } finally {
      await mlflow3.close();
    }
  });

  it('TraceBrowser and CreateAssessment: MLflow 3 traces with spans and assessments (the mlflow3 demo)', async () => {
    const mlflow3 = await startStack({ emulator: { seed: 'demo', mlflowVersion: MLFLOW3_VERSION } });
    try {
      const client3 = createClient({ url: mlflow3.gateway.graphqlUrl, fetch: recorder.fetch });
      const genai = await mlflow3.query(`{ experimentByName(name: "${GENAI_DEMO_EXPERIMENT}") { id } }`);
      const { experiment } = await client3.request(TraceBrowserDocument, {
        experimentId: genai.data.experimentByName.id,
        first: 2,
      });
      const traces = experiment!.traces!.nodes;
      expect(traces).toHaveLength(2);
      expect(traces.every((t) => (t.spans ?? []).length > 0)).toBe(true);
      const { createAssessment } = await client3.request(CreateAssessmentDocument, {
        input: { traceId: traces[0]!.id, name: 'helpful', kind: 'FEEDBACK', value: true, source: { type: 'HUMAN' } },
      });
      expect(createAssessment).toMatchObject({ name: 'helpful', kind: 'FEEDBACK', value: true });
    } finally {
      await mlflow3.close();
    }
  });

  it('ran every operation of the manifest, each answered with HTTP 200', () => {
    expect(new Set(requests.map((r) => r.operationName))).toEqual(new Set(manifestOperations));
    expect(requests.every((r) => r.status === 200)).toBe(true);
  });
});

describe('automatic persisted queries', () => {
  it("runs the client's operations by hash alone from the first request (the gateway knows its manifest)", async () => {
    stack.coldStart(); // empties the shared cache
    const recorder = recordingFetch();
    const apq = createClient({ url: stack.gateway.graphqlUrl, fetch: recorder.fetch });
    await apq.request(MyModelPermissionDocument, { name: 'churn-model' });
    expect(recorder.requests).toEqual([
      {
        operationName: 'MyModelPermission',
        hasQuery: false,
        sha256Hash: persistedDocument(MyModelPermissionDocument).sha256Hash,
        status: 200,
      },
    ]);
  });

  it("sends an unknown operation's hash alone, the text once when asked, then the hash alone again", async () => {
    stack.coldStart(); // empties the shared cache, where APQ registrations live
    const recorder = recordingFetch();
    const apq = createClient({ url: stack.gateway.graphqlUrl, fetch: recorder.fetch });
    // A document of the service's own (not in the manifest), typed by hand.
    const ExperimentNames = parse(
      'query ExperimentNames($first: Int!) { experiments(first: $first) { nodes { name } } }',
    ) as TypedDocumentNode<{ experiments: { nodes: { name: string }[] } }, { first: number }>;
    const { sha256Hash } = persistedDocument(ExperimentNames);
    expect((await apq.request(ExperimentNames, { first: 2 })).experiments.nodes).toHaveLength(2);
    expect((await apq.request(ExperimentNames, { first: 3 })).experiments.nodes).toHaveLength(3);
    expect(recorder.requests).toEqual([
      { operationName: 'ExperimentNames', hasQuery: false, sha256Hash, status: 200 }, // PERSISTED_QUERY_NOT_FOUND
      { operationName: 'ExperimentNames', hasQuery: true, sha256Hash, status: 200 },
      { operationName: 'ExperimentNames', hasQuery: false, sha256Hash, status: 200 },
    ]);
  });

  it('always sends the text with persistedQueries: text', async () => {
    const recorder = recordingFetch();
    const text = createClient({ url: stack.gateway.graphqlUrl, fetch: recorder.fetch, persistedQueries: 'text' });
    expect((await text.request(ViewerDocument)).viewer.authKind).toBe('ANONYMOUS');
    expect(recorder.requests).toEqual([
      { operationName: 'Viewer', hasQuery: true, sha256Hash: undefined, status: 200 },
    ]);
  });
});

describe('typed errors', () => {
  it('throws SupergraphRequestError with the closed-set code, and execute() returns the errors instead', async () => {
    const error = await client
      .request(ListExperimentRunsDocument, { experimentId: '1', first: 1001 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupergraphRequestError);
    const request = error as SupergraphRequestError;
    expect(request.code).toBe('BAD_USER_INPUT');
    expect(request.has('BAD_USER_INPUT')).toBe(true);
    expect(request.operationName).toBe('ListExperimentRuns');
    expect(request.errors[0]?.message).toMatch(/first must be an integer from 1 to 1000, got 1001/);
    expect(request.errors[0]?.path).toEqual(['experiment', 'runs']);

    const result = await client.execute(ListExperimentRunsDocument, { experimentId: '1', first: 1001 });
    expect(result.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('reports a missing experiment as NOT_FOUND from listExperimentRuns', async () => {
    const pages = listExperimentRuns(client, { experimentId: '999999' });
    await expect(pages.next()).rejects.toMatchObject({ name: 'SupergraphRequestError', code: 'NOT_FOUND' });
  });

  it('throws SupergraphTransportError when nothing GraphQL answers', async () => {
    const port = await freePort();
    const down = createClient({ url: `http://127.0.0.1:${port}/graphql`, timeoutMs: 5_000 });
    await expect(down.request(ViewerDocument)).rejects.toBeInstanceOf(SupergraphTransportError);

    const wrongPath = createClient({ url: `${stack.gateway.url}/not-graphql` });
    await expect(wrongPath.request(ViewerDocument)).rejects.toMatchObject({
      name: 'SupergraphTransportError',
      status: 404,
    });
  });

  it('rejects a URL with credentials and a token given twice', () => {
    expect(() => createClient({ url: 'http://user:secret@127.0.0.1:4000/graphql' })).toThrow(
      /must not contain credentials/,
    );
    expect(() =>
      createClient({ url: 'http://127.0.0.1:4000/graphql', token: 't', headers: { Authorization: 'Bearer u' } }),
    ).toThrow(/either token or an authorization header/);
    expect(() => createClient({ url: '/graphql' })).toThrow(/absolute http\(s\) URL/);
  });

  it('carries UNAUTHENTICATED and FORBIDDEN from a gateway in front of MLflow basic-auth, and sends the credentials given', async () => {
    const secured = await startStack({
      emulator: { auth: true },
      env: { MLFLOW_SUPERGRAPH_PERMISSIONS: 'mlflow-basic-auth' },
    });
    try {
      const anonymous = createClient({ url: secured.gateway.graphqlUrl });
      await expect(anonymous.request(MyModelPermissionDocument, { name: 'fraud-detector' })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });

      const admin = createClient({
        url: secured.gateway.graphqlUrl,
        headers: () => asUser(ADMIN),
      });
      expect((await admin.request(ViewerDocument)).viewer).toMatchObject({
        username: ADMIN.username,
        authKind: 'BASIC',
        isAdmin: true,
      });

      const alice = createClient({
        url: secured.gateway.graphqlUrl,
        headers: asUser(ALICE),
      });
      const forbidden = await alice.execute(PromoteModelVersionDocument, {
        name: 'demand-forecaster',
        alias: 'champion',
        version: '1',
      });
      expect(forbidden.errors?.map((e) => e.extensions.code)).toContain('FORBIDDEN');
      expect(
        (await admin.request(GetModelVersionByAliasDocument, { name: 'demand-forecaster', alias: 'champion' }))
          .modelVersionByAlias?.version,
      ).toBe('2');
    } finally {
      await secured.close();
    }
  });
});

describe("the landing page's initial operation", () => {
  it("runs on the demo without errors and shows data from all three subgraphs, with the explorer's initial headers", async () => {
    const response = await stack.query<any>(initialSandboxOperation, initialSandboxVariables, {
      ...initialExplorerHeaders,
    });
    expect(response.errors).toBeUndefined();
    const data = response.data;
    expect(data.viewer.authKind).toBe('ANONYMOUS');
    expect(data.experiments.nodes.length).toBeGreaterThan(0);
    expect(data.experiments.nodes[0].viewerPermission).toBe('CAN_MANAGE');
    expect(data.experiments.nodes.some((e: any) => e.runs.nodes.some((r: any) => r.modelVersions.length > 0))).toBe(
      true,
    );
    expect(data.registeredModels.nodes.map((m: any) => m.name)).toContain('fraud-detector');
  });
});

describe('the example service (examples/promote-champion.ts)', () => {
  it('moves `champion` to the version whose run has the best accuracy, and leaves it there on a second run', async () => {
    const { registeredModel } = await raw<any>(
      `{ registeredModel(name: "fraud-detector") { versions(first: 100) { nodes { version run { metric(key: "accuracy") { value } } } } } }`,
    );
    const ranked = (registeredModel.versions.nodes as { version: string; run: { metric: { value: number } } }[]).sort(
      (a, b) => b.run.metric.value - a.run.metric.value,
    );
    const best = ranked[0]!.version;
    const worst = ranked.at(-1)!.version;
    expect(best).not.toBe(worst);
    await raw(
      `mutation { setRegisteredModelAlias(name: "fraud-detector", alias: "champion", version: "${worst}") { version } }`,
    );

    const env = { MLFLOW_SUPERGRAPH_URL: stack.gateway.graphqlUrl };
    const first = await runBin(
      'tsx',
      ['examples/promote-champion.ts', '--model', 'fraud-detector', '--metric', 'accuracy'],
      env,
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      model: 'fraud-detector',
      alias: 'champion',
      metric: 'accuracy',
      version: best,
      previousVersion: worst,
      value: ranked[0]!.run.metric.value,
      runId: expect.stringMatching(/^[0-9a-f]{32}$/),
      changed: true,
    });
    const champion = await raw<any>(`{ modelVersionByAlias(name: "fraud-detector", alias: "champion") { version } }`);
    expect(champion.modelVersionByAlias.version).toBe(best);

    const second = await runBin('tsx', ['examples/promote-champion.ts', '--model', 'fraud-detector'], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ version: best, previousVersion: best, changed: false });
  });

  it('--help prints its usage and touches nothing; with no arguments it refuses to write (exit 2, no request)', async () => {
    const env = { MLFLOW_SUPERGRAPH_URL: stack.gateway.graphqlUrl };
    const before = await raw<any>('{ registeredModel(name: "fraud-detector") { aliases { alias version } } }');
    stack.emulator.resetCalls();
    const help = await runBin('tsx', ['examples/promote-champion.ts', '--help'], env);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: promote-champion --model <name>/);
    const bare = await runBin('tsx', ['examples/promote-champion.ts'], env);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^promote-champion: --model is required; nothing was changed\./);
    expect(bare.stderr).toContain('Usage: promote-champion');
    expect(stack.emulator.calls()).toEqual({});
    expect(await raw<any>('{ registeredModel(name: "fraud-detector") { aliases { alias version } } }')).toEqual(before);
  });

  it('fails with a clear message and exit code 1 when the model does not exist', async () => {
    const result = await runBin('tsx', ['examples/promote-champion.ts', '--model', 'no-such-model'], {
      MLFLOW_SUPERGRAPH_URL: stack.gateway.graphqlUrl,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Registered model "no-such-model" does not exist/);
  });
});
