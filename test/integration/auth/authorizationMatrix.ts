// The authorization matrix, shared by the basic-auth and Databricks suites: every persona × every path to
// each object type, against the emulator's demo seed. "demand-forecasting" (experiment) and
// "demand-forecaster" (model) are private: carol has no access, bob may read, alice reads (basic-auth's
// default READ) or not at all (Databricks, where private means no group grant), the admin does everything.
// A denied object must never appear in a response: not its name, not its id, on any path.
import { graphql } from 'graphql';
import { createRequestContext } from '../../../src/context/createRequestContext.js';
import { createServices } from '../../../src/context/createServices.js';
import type { EmulatorOptions } from '@mlflow-supergraph/mlflow-emulator';
import { createRegistrySchema } from '../../../src/subgraphs/registry/schema.js';
import { createTrackingSchema } from '../../../src/subgraphs/tracking/schema.js';
import { startStack, type Stack } from '../../helpers/startStack.js';
import { basicAuth } from '../../helpers/auth.js';
import { countSubgraphExecutions, type SubgraphExecutions } from '../../helpers/subgraphExecutions.js';
import { writeCalls } from '../../helpers/upstreamCalls.js';
import { signArtifactUrl } from '../../../src/auth/artifactUrls.js';
import { callerIdentity } from '../../../src/auth/callerIdentity.js';
import { principalFromHeaders } from '../../../src/auth/principalFromHeaders.js';
import { deriveServerKeys } from '../../../src/auth/serverKeys.js';

/** The matrix stack's secret, so a test can sign a download URL as the gateway would (auth/artifactUrls.ts). */
const MATRIX_SECRET = 'matrix-secret-for-artifact-urls-0123456789';

const PRIVATE_EXPERIMENT = 'demand-forecasting';
const PRIVATE_MODEL = 'demand-forecaster';
type Person = 'admin' | 'alice' | 'bob' | 'carol';
const PEOPLE: Person[] = ['admin', 'alice', 'bob', 'carol'];

interface Ids {
  experimentId: string;
  runId: string;
  versionRunId: string;
  /** MLflow 3: a logged model of the private experiment (made by its run), registered as a version of a public model. */
  loggedModelId?: string;
}

/** A public demo model: a version of it is registered from the private logged model (a path into private data). */
const PUBLIC_MODEL = 'fraud-detector';

/** What differs between permission backends. */
export interface MatrixOptions {
  name: string;
  emulator: EmulatorOptions;
  /** Gateway configuration beyond the emulator's URL (a function: read when the stack starts). */
  env?: Record<string, string> | (() => Record<string, string>);
  /** The Authorization header of each persona, or the headers that identify them (a trusted proxy's). */
  credentials: Record<Person, string | Record<string, string>>;
  /** Headers of a caller whose credentials are wrong (default: a wrong password or token for bob). */
  wrongCredentials?: Record<string, string>;
  /** False when the backend cannot list ACLs: the admin gets UNSUPPORTED_BY_BACKEND, the others FORBIDDEN. */
  aclSupported?: boolean;
  /** Who may read the private objects. */
  readers: Person[];
  /** Each reader's viewerPermission on the private experiment. */
  levels: Partial<Record<Person, string>>;
  /** Upstream route of setExperimentPermission (refused before it is reached). */
  grantRoute: string;
  /** The emulator serves MLflow 3 (`emulator.mlflowVersion` 3.x): logged-model paths and writes join the matrix. */
  mlflow3?: boolean;
}

/** Declares the whole matrix for one backend. */
export function describeAuthorizationMatrix(options: MatrixOptions): void {
  describe(`authorization matrix: ${options.name}`, () => {
    let stack: Stack;
    let ids: Ids;
    let matrixSize = 0;
    const READERS = options.readers;
    const as = (person: Person): Record<string, string> => {
      const credentials = options.credentials[person];
      return typeof credentials === 'string' ? { authorization: credentials } : credentials;
    };
    const aclSupported = options.aclSupported ?? true;

    beforeAll(async () => {
      // Permission answers and search pages outlive the suite: the kept-answer case below checks who is served
      // what was kept, so nothing may age out under it (no test here changes a grant).
      const env = {
        CACHE_TTL_PERMISSION: '600',
        CACHE_TTL_SEARCH_PAGE: '600',
        ...(typeof options.env === 'function' ? options.env() : options.env),
      };
      stack = await startStack({
        emulator: options.emulator,
        env: { MLFLOW_SUPERGRAPH_SECRET: MATRIX_SECRET, ...env },
      });
      const admin = await stack.query(
        `query($name: String!, $model: String!) { experimentByName(name: $name) { id runs(first: 1) { nodes { id } } } modelVersion(name: $model, version: "2") { run { id } } }`,
        { name: PRIVATE_EXPERIMENT, model: PRIVATE_MODEL },
        as('admin'),
      );
      expect(admin.errors).toBeUndefined();
      ids = {
        experimentId: admin.data.experimentByName.id,
        runId: admin.data.experimentByName.runs.nodes[0].id,
        versionRunId: admin.data.modelVersion.run.id,
      };
      if (options.mlflow3) {
        // A logged model made by the private run, and a version of a public model registered from it.
        const made = await stack.query(
          `mutation($e: ID!, $r: ID!) { createLoggedModel(input: { experimentId: $e, sourceRunId: $r, name: "private-agent", tags: [{ key: "k", value: "v" }] }) { id } }`,
          { e: ids.experimentId, r: ids.runId },
          as('admin'),
        );
        expect(made.errors).toBeUndefined();
        ids.loggedModelId = made.data.createLoggedModel.id;
        const version = await stack.query(
          `mutation($n: String!, $s: String!) { createModelVersion(input: { name: $n, source: $s }) { version } }`,
          { n: PUBLIC_MODEL, s: `models:/${ids.loggedModelId}` },
          as('admin'),
        );
        expect(version.errors).toBeUndefined();
      }
    });
    afterAll(async () => {
      console.log(`authorization matrix (${options.name}): ${matrixSize} checks, 0 leaks`);
      await stack.close();
    });

    function mentionsPrivate(body: unknown): boolean {
      // Data and error messages alike (an error must not reveal the id of an object the caller cannot read).
      const text = JSON.stringify({
        data: (body as { data?: unknown }).data ?? null,
        errors: ((body as { errors?: { message: string }[] }).errors ?? []).map((e) => e.message),
      });
      return (
        text.includes(PRIVATE_EXPERIMENT) ||
        text.includes(PRIVATE_MODEL) ||
        text.includes(`"${ids.experimentId}"`) ||
        text.includes(ids.runId) ||
        (ids.loggedModelId !== undefined && text.includes(ids.loggedModelId))
      );
    }

    // Each read path: a query, and how to tell the private object came back.
    const readPaths: {
      name: string;
      query: string;
      vars: () => Record<string, unknown>;
      found: (data: any) => boolean;
      single: boolean;
    }[] = [
      {
        name: 'experiment(id)',
        query: `query($id: ID!) { experiment(id: $id) { id name } }`,
        vars: () => ({ id: ids.experimentId }),
        found: (d) => d?.experiment?.name === PRIVATE_EXPERIMENT,
        single: true,
      },
      {
        name: 'experimentByName',
        query: `query($n: String!) { experimentByName(name: $n) { id name } }`,
        vars: () => ({ n: PRIVATE_EXPERIMENT }),
        found: (d) => d?.experimentByName?.name === PRIVATE_EXPERIMENT,
        single: true,
      },
      {
        name: 'experiments list',
        query: `{ experiments(first: 50) { nodes { id name } } }`,
        vars: () => ({}),
        found: (d) => d?.experiments?.nodes?.some((e: any) => e.name === PRIVATE_EXPERIMENT),
        single: false,
      },
      {
        name: 'run(id)',
        query: `query($id: ID!) { run(id: $id) { id name } }`,
        vars: () => ({ id: ids.runId }),
        found: (d) => d?.run?.id === ids.runId,
        single: true,
      },
      {
        name: 'Run.experiment (nested)',
        query: `query($id: ID!) { run(id: $id) { experiment { name } } }`,
        vars: () => ({ id: ids.runId }),
        found: (d) => d?.run?.experiment?.name === PRIVATE_EXPERIMENT,
        single: true,
      },
      {
        name: 'runs(experimentIds)',
        query: `query($e: [ID!]!) { runs(experimentIds: $e, first: 5) { nodes { id } } }`,
        vars: () => ({ e: [ids.experimentId] }),
        found: (d) => (d?.runs?.nodes?.length ?? 0) > 0,
        single: false,
      },
      {
        name: 'registeredModel(name)',
        query: `query($n: String!) { registeredModel(name: $n) { name } }`,
        vars: () => ({ n: PRIVATE_MODEL }),
        found: (d) => d?.registeredModel?.name === PRIVATE_MODEL,
        single: true,
      },
      {
        name: 'registeredModels list',
        query: `{ registeredModels(first: 50) { nodes { name } } }`,
        vars: () => ({}),
        found: (d) => d?.registeredModels?.nodes?.some((m: any) => m.name === PRIVATE_MODEL),
        single: false,
      },
      {
        name: 'modelVersion',
        query: `query($n: String!) { modelVersion(name: $n, version: "1") { name version } }`,
        vars: () => ({ n: PRIVATE_MODEL }),
        found: (d) => d?.modelVersion?.name === PRIVATE_MODEL,
        single: true,
      },
      {
        name: 'modelVersionByAlias',
        query: `query($n: String!) { modelVersionByAlias(name: $n, alias: "champion") { name } }`,
        vars: () => ({ n: PRIVATE_MODEL }),
        found: (d) => d?.modelVersionByAlias?.name === PRIVATE_MODEL,
        single: true,
      },
      {
        name: 'modelVersions search',
        query: `query($f: String!) { modelVersions(filter: $f, first: 20) { nodes { name } } }`,
        vars: () => ({ f: `name = '${PRIVATE_MODEL}'` }),
        found: (d) => (d?.modelVersions?.nodes?.length ?? 0) > 0,
        single: false,
      },
      {
        name: 'Run.modelVersions (nested)',
        query: `query($id: ID!) { run(id: $id) { modelVersions { name } } }`,
        vars: () => ({ id: ids.versionRunId }),
        found: (d) => d?.run?.modelVersions?.some((v: any) => v.name === PRIVATE_MODEL),
        single: true,
      },
      {
        name: 'ModelVersion.run (nested)',
        query: `{ registeredModels(first: 50) { nodes { name versions(first: 10) { nodes { run { id experiment { name } } } } } } }`,
        vars: () => ({}),
        found: (d) => JSON.stringify(d ?? null).includes(PRIVATE_EXPERIMENT),
        single: false,
      },
      ...(options.mlflow3
        ? [
            {
              name: 'loggedModel(id)',
              query: `query($id: ID!) { loggedModel(id: $id) { id name } }`,
              vars: () => ({ id: ids.loggedModelId }),
              found: (d: any) => d?.loggedModel?.name === 'private-agent',
              single: true,
            },
            {
              name: 'loggedModels(experimentIds)',
              query: `query($e: [ID!]!) { loggedModels(experimentIds: $e, first: 5) { nodes { id } } }`,
              vars: () => ({ e: [ids.experimentId] }),
              found: (d: any) => (d?.loggedModels?.nodes?.length ?? 0) > 0,
              single: false,
            },
            {
              name: 'Run.loggedModels (nested)',
              query: `query($id: ID!) { run(id: $id) { loggedModels { id } } }`,
              vars: () => ({ id: ids.runId }),
              found: (d: any) => d?.run?.loggedModels?.some((m: any) => m.id === ids.loggedModelId),
              single: true,
            },
            {
              // The version is public; the logged model it was registered from is not.
              name: 'ModelVersion.loggedModel (nested)',
              query: `query($n: String!) { registeredModel(name: $n) { versions(first: 50) { nodes { version loggedModel { id name sourceRun { id } } } } } }`,
              vars: () => ({ n: PUBLIC_MODEL }),
              found: (d: any) => JSON.stringify(d ?? null).includes('private-agent'),
              single: false,
            },
          ]
        : []),
      {
        name: 'Run.artifacts',
        query: `query($id: ID!) { run(id: $id) { artifacts(first: 10) { nodes { path } } } }`,
        vars: () => ({ id: ids.runId }),
        found: (d) => (d?.run?.artifacts?.nodes?.length ?? 0) > 0,
        single: true,
      },
      {
        name: 'Run.files (glob, download URLs)',
        query: `query($id: ID!) { run(id: $id) { files(glob: "**/MLmodel", first: 5) { path downloadUrl } } }`,
        vars: () => ({ id: ids.runId }),
        found: (d) => (d?.run?.files?.length ?? 0) > 0,
        single: true,
      },
      {
        name: 'Experiment.permissions (ACL)',
        query: `query($id: ID!) { experiment(id: $id) { permissions { entries { level } } } }`,
        vars: () => ({ id: ids.experimentId }),
        found: (d) => Boolean(d?.experiment?.permissions),
        single: true,
      },
    ];

    describe.each(PEOPLE)('as %s', (person) => {
      it.each(readPaths.map((p) => [p.name, p]))('%s', async (_, path) => {
        const result = await stack.query(path.query, path.vars(), as(person));
        matrixSize += 1;
        // Only managers see the ACL; everyone but carol reads the private objects.
        const allowed = path.name.includes('ACL') ? person === 'admin' && aclSupported : READERS.includes(person);
        if (path.name.includes('ACL') && !aclSupported) {
          // Refused for what the caller lacks first (FORBIDDEN), then for what the backend lacks.
          expect(path.found(result.data)).toBeFalsy();
          expect(result.errors?.map((e) => e.extensions?.code)).toContain(
            person === 'admin' ? 'UNSUPPORTED_BY_BACKEND' : 'FORBIDDEN',
          );
        } else if (allowed) {
          expect(path.found(result.data)).toBe(true);
        } else {
          expect(path.found(result.data)).toBeFalsy();
          // (Paths whose arguments name the private object may echo that name; its id must still not appear.)
          if (!path.name.includes('ACL') && !path.name.includes('nested')) {
            const echoesName =
              path.name === 'experimentByName' ||
              path.name.startsWith('registeredModel(') ||
              path.name.startsWith('modelVersion');
            if (echoesName) expect(JSON.stringify(result.errors ?? [])).not.toContain(`"${ids.experimentId}"`);
            else expect(mentionsPrivate(result)).toBe(false);
          }
          if (path.single && !path.name.includes('nested') && !path.name.includes('ACL')) {
            const codes = (result.errors ?? []).map((e) => e.extensions?.code);
            expect(codes).toContain('FORBIDDEN');
          }
        }
      });
    });

    // Writes: refused before anything is sent upstream when the caller lacks the level.
    const loggedModelWrite = (name: string, args: string, upstream: () => string) => ({
      name,
      query: `mutation($id: ID!) { ${name}(id: $id${args}) { id } }`,
      vars: () => ({ id: ids.loggedModelId }),
      upstream,
      allowed: ['admin'] as Person[],
    });
    const writes: {
      name: string;
      query: string;
      vars: () => Record<string, unknown>;
      /** The route the write would call (a function where it names an object made in beforeAll). */
      upstream: string | (() => string);
      allowed: Person[];
    }[] = [
      {
        name: 'updateExperiment',
        query: `mutation($id: ID!) { updateExperiment(id: $id, name: "demand-forecasting") { id } }`,
        vars: () => ({ id: ids.experimentId }),
        upstream: 'POST /api/2.0/mlflow/experiments/update',
        allowed: ['admin'],
      },
      {
        name: 'setExperimentTag',
        query: `mutation($id: ID!) { setExperimentTag(experimentId: $id, tag: { key: "k", value: "v" }) { id } }`,
        vars: () => ({ id: ids.experimentId }),
        upstream: 'POST /api/2.0/mlflow/experiments/set-experiment-tag',
        allowed: ['admin'],
      },
      {
        name: 'createRun',
        query: `mutation($id: ID!) { createRun(input: { experimentId: $id }) { id } }`,
        vars: () => ({ id: ids.experimentId }),
        upstream: 'POST /api/2.0/mlflow/runs/create',
        allowed: ['admin'],
      },
      {
        name: 'setRunTag',
        query: `mutation($id: ID!) { setRunTag(runId: $id, tag: { key: "k", value: "v" }) { id } }`,
        vars: () => ({ id: ids.runId }),
        upstream: 'POST /api/2.0/mlflow/runs/set-tag',
        allowed: ['admin'],
      },
      {
        name: 'logBatch',
        query: `mutation($id: ID!) { logBatch(runId: $id, tags: [{ key: "k", value: "v" }]) { id } }`,
        vars: () => ({ id: ids.runId }),
        upstream: 'POST /api/2.0/mlflow/runs/log-batch',
        allowed: ['admin'],
      },
      {
        name: 'setRegisteredModelTag',
        query: `mutation($n: String!) { setRegisteredModelTag(name: $n, tag: { key: "k", value: "v" }) { name } }`,
        vars: () => ({ n: PRIVATE_MODEL }),
        upstream: 'POST /api/2.0/mlflow/registered-models/set-tag',
        allowed: ['admin'],
      },
      {
        name: 'setExperimentPermission',
        query: `mutation($id: ID!) { setExperimentPermission(experimentId: $id, grantee: { name: "carol" }, level: CAN_MANAGE) { objectId } }`,
        vars: () => ({ id: ids.experimentId }),
        upstream: options.grantRoute,
        allowed: [],
      },
      ...(options.mlflow3
        ? [
            {
              name: 'createLoggedModel',
              query: `mutation($id: ID!) { createLoggedModel(input: { experimentId: $id, name: "intruder" }) { id } }`,
              vars: () => ({ id: ids.experimentId }),
              upstream: 'POST /api/2.0/mlflow/logged-models',
              allowed: ['admin'] as Person[],
            },
            loggedModelWrite(
              'finalizeLoggedModel',
              ', status: READY',
              () => `PATCH /api/2.0/mlflow/logged-models/${ids.loggedModelId}`,
            ),
            loggedModelWrite(
              'setLoggedModelTags',
              ', tags: [{ key: "k", value: "x" }]',
              () => `PATCH /api/2.0/mlflow/logged-models/${ids.loggedModelId}/tags`,
            ),
            loggedModelWrite(
              'deleteLoggedModelTag',
              ', key: "k"',
              () => `DELETE /api/2.0/mlflow/logged-models/${ids.loggedModelId}/tags/k`,
            ),
            loggedModelWrite(
              'logLoggedModelParams',
              ', params: [{ key: "p", value: "1" }]',
              () => `POST /api/2.0/mlflow/logged-models/${ids.loggedModelId}/params`,
            ),
            loggedModelWrite(
              'deleteLoggedModel',
              '',
              () => `DELETE /api/2.0/mlflow/logged-models/${ids.loggedModelId}`,
            ),
          ]
        : []),
    ];

    describe.each(['alice', 'bob', 'carol'] as Person[])('writes as %s', (person) => {
      it.each(writes.map((w) => [w.name, w]))('%s is refused before reaching MLflow', async (_, write) => {
        stack.emulator.resetCalls();
        const result = await stack.query(write.query, write.vars(), as(person));
        matrixSize += 1;
        expect(write.allowed).not.toContain(person);
        expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(stack.emulator.callCount(typeof write.upstream === 'string' ? write.upstream : write.upstream())).toBe(
          0,
        );
        // Nor any other write: only reads (GETs and read-only search POSTs) may have reached MLflow.
        expect(writeCalls(stack.emulator.calls())).toEqual([]);
      });
    });

    if (options.mlflow3)
      it('refuses writes that reach a private logged model or run from a place the caller may edit', async () => {
        // bob reads the private experiment but may not edit it; he manages an experiment and run of his own, so only
        // the private model or run named stops him (a caller who cannot even read it is stopped by the read).
        const own = await stack.query(
          `mutation($n: String!) { createExperiment(input: { name: $n }) { id } }`,
          { n: `bob-${Math.random().toString(36).slice(2, 8)}` },
          as('bob'),
        );
        expect(own.errors).toBeUndefined();
        const run = await stack.query(
          `mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }`,
          { e: own.data.createExperiment.id },
          as('bob'),
        );
        expect(run.errors).toBeUndefined();
        stack.emulator.resetCalls();
        const metric = await stack.query(
          `mutation($r: ID!, $m: ID!) { logMetric(runId: $r, metric: { key: "x", value: 1, modelId: $m }) { id } }`,
          { r: run.data.createRun.id, m: ids.loggedModelId },
          as('bob'),
        );
        expect(metric.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const batch = await stack.query(
          `mutation($r: ID!, $m: ID!) { logBatch(runId: $r, metrics: [{ key: "x", value: 1 }, { key: "y", value: 2, modelId: $m }]) { id } }`,
          { r: run.data.createRun.id, m: ids.loggedModelId },
          as('bob'),
        );
        expect(batch.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const output = await stack.query(
          `mutation($e: ID!, $r: ID!) { createLoggedModel(input: { experimentId: $e, sourceRunId: $r }) { id } }`,
          { e: own.data.createExperiment.id, r: ids.runId },
          as('bob'),
        );
        expect(output.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(mentionsPrivate(metric) || mentionsPrivate(batch) || mentionsPrivate(output)).toBe(false);
        expect(writeCalls(stack.emulator.calls())).toEqual([]);
        matrixSize += 3;
      });

    it('lets the admin write (the refusals above are about permission, not breakage)', async () => {
      const result = await stack.query(
        `mutation($id: ID!) { setRunTag(runId: $id, tag: { key: "audited", value: "yes" }) { tag(key: "audited") } }`,
        { id: ids.runId },
        as('admin'),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.setRunTag.tag).toBe('yes');
    });

    it('refuses anonymous callers with UNAUTHENTICATED and wrong passwords too', async () => {
      const anonymous = await stack.query(`{ experiments(first: 5) { nodes { name } } }`);
      expect(anonymous.data?.experiments ?? null).toBeNull();
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const bob = options.credentials.bob;
      const wrongHeaders = options.wrongCredentials ?? {
        authorization:
          typeof bob === 'string' && bob.startsWith('Basic')
            ? basicAuth('bob', 'not-his-password')
            : 'Bearer dapi-not-a-token',
      };
      const wrong = await stack.query(`{ experiments(first: 5) { nodes { name } } }`, {}, wrongHeaders);
      expect(wrong.data?.experiments ?? null).toBeNull();
      expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      matrixSize += 2;
    });

    it('never serves a kept whole answer to another persona (response cache)', async () => {
      // Every reader's answer on every read path is kept (asked until the answer comes without executing: a
      // permission service asked fresh leaves the first answer unkept); then each persona who may not read the
      // private objects, and an anonymous caller, send the very same requests.
      const executions: SubgraphExecutions = countSubgraphExecutions();
      try {
        for (const path of readPaths.filter((p) => !p.name.includes('ACL'))) {
          for (const person of READERS) {
            let kept = false;
            for (let attempt = 0; attempt < 3 && !kept; attempt += 1) {
              executions.reset();
              expect(path.found((await stack.query(path.query, path.vars(), as(person))).data)).toBe(true);
              kept = executions.count === 0;
            }
            // Models and versions by name or number are read fresh (no cache row): such answers are never kept
            // (ModelVersion.loggedModel starts from a version by number).
            const readFresh = [
              'registeredModel(name)',
              'modelVersion',
              'modelVersionByAlias',
              'ModelVersion.loggedModel (nested)',
            ].includes(path.name);
            expect([path.name, person, kept]).toEqual([path.name, person, !readFresh]);
          }
          for (const person of PEOPLE.filter((p) => !READERS.includes(p))) {
            const result = await stack.query(path.query, path.vars(), as(person));
            matrixSize += 1;
            expect([path.name, person, Boolean(path.found(result.data))]).toEqual([path.name, person, false]);
            if (!path.name.includes('nested') && !path.name.startsWith('experimentByName'))
              expect([path.name, person, mentionsPrivate(result)]).toEqual([path.name, person, false]);
          }
          const anonymous = await stack.query(path.query, path.vars());
          matrixSize += 1;
          expect([path.name, 'anonymous', Boolean(path.found(anonymous.data))]).toEqual([
            path.name,
            'anonymous',
            false,
          ]);
        }
      } finally {
        executions.stop();
      }
    });

    it('never serves a cached object to a caller who may not read it (warm cache)', async () => {
      // bob warms the shared cache with the private run; carol asks for the same run right after.
      const warm = await stack.query(
        `query($id: ID!) { run(id: $id) { id metricHistory(key: "loss") { value } } }`,
        { id: ids.runId },
        as('bob'),
      );
      expect(warm.data.run.id).toBe(ids.runId);
      const carol = await stack.query(
        `query($id: ID!) { run(id: $id) { id metricHistory(key: "loss") { value } } }`,
        { id: ids.runId },
        as('carol'),
      );
      expect(carol.data?.run ?? null).toBeNull();
      expect(carol.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      matrixSize += 1;
    });

    describe('_entities sent directly to a subgraph (bypassing the gateway)', () => {
      const entities = async (
        schema: ReturnType<typeof createTrackingSchema>,
        person: Person,
        representations: unknown[],
        selection: string,
      ) => {
        const config = stack.config;
        const services = createServices(config, stack.emulator.url);
        const context = createRequestContext(services, as(person));
        const result = await graphql({
          schema,
          source: `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`,
          variableValues: { r: representations },
          contextValue: context,
        });
        await services.close();
        return result;
      };

      it.each(PEOPLE)('tracking: Experiment and Run as %s', async (person) => {
        const result = await entities(
          createTrackingSchema(),
          person,
          [
            { __typename: 'Experiment', id: ids.experimentId },
            { __typename: 'Run', id: ids.runId },
          ],
          `... on Experiment { name } ... on Run { runName: name experimentId }`,
        );
        matrixSize += 2;
        const data = result.data?._entities as any[];
        if (READERS.includes(person)) {
          expect(result.errors).toBeUndefined();
          expect(data[0]?.name).toBe(PRIVATE_EXPERIMENT);
          expect(data[1]?.experimentId).toBe(ids.experimentId);
        } else {
          expect(data?.[0] ?? null).toBeNull();
          expect(data?.[1] ?? null).toBeNull();
          expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
        }
      });

      it.each(PEOPLE)('registry: RegisteredModel and ModelVersion as %s', async (person) => {
        const result = await entities(
          createRegistrySchema(),
          person,
          [
            { __typename: 'RegisteredModel', name: PRIVATE_MODEL },
            { __typename: 'ModelVersion', name: PRIVATE_MODEL, version: '1' },
          ],
          `... on RegisteredModel { description } ... on ModelVersion { source }`,
        );
        matrixSize += 2;
        const data = result.data?._entities as any[];
        if (READERS.includes(person)) {
          expect(typeof data[0]?.description).toBe('string');
          expect(typeof data[1]?.source).toBe('string');
        } else {
          expect(data?.[0] ?? null).toBeNull();
          expect(data?.[1] ?? null).toBeNull();
          expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
        }
      });

      if (options.mlflow3)
        it.each(PEOPLE)('tracking LoggedModel and registry LoggedModel.registeredVersions as %s', async (person) => {
          const tracking = await entities(
            createTrackingSchema(),
            person,
            [{ __typename: 'LoggedModel', id: ids.loggedModelId }],
            `... on LoggedModel { name }`,
          );
          // The registry gets the fields it requires from the tracking subgraph; here, forged by the caller.
          const registry = await entities(
            createRegistrySchema(),
            person,
            [
              {
                __typename: 'LoggedModel',
                id: ids.loggedModelId,
                experimentId: ids.experimentId,
                sourceRunId: ids.runId,
                artifactLocation: null,
                tags: [],
              },
            ],
            `... on LoggedModel { registeredVersions { name version } }`,
          );
          matrixSize += 2;
          for (const result of [tracking, registry]) {
            const data = result.data?._entities as any[] | undefined;
            if (READERS.includes(person)) {
              expect(result.errors).toBeUndefined();
              expect(data?.[0]).toBeTruthy();
            } else {
              expect(data?.[0] ?? null).toBeNull();
              expect(result.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
              expect(mentionsPrivate({ data: result.data, errors: result.errors })).toBe(false);
            }
          }
        });
    });

    describe('artifact downloads (the gateway re-checks the run, as the caller)', () => {
      const fetchAs = async (url: string, person: Person) => {
        const response = await fetch(new URL(url, stack.gateway.url), { headers: as(person) });
        return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
      };
      const urlOf = async (person: Person): Promise<string> => {
        const result = await stack.query(
          `query($id: ID!) { run(id: $id) { files(glob: "model/MLmodel", first: 1) { downloadUrl } } }`,
          { id: ids.runId },
          as(person),
        );
        expect(result.errors).toBeUndefined();
        return result.data.run.files[0].downloadUrl;
      };
      /** Everything that reads artifact bytes upstream, on every backend the matrix runs. */
      const byteCalls = () =>
        Object.entries(stack.emulator.calls())
          .filter(([route]) => /get-artifact|credentials-for-read|presigned/.test(route))
          .reduce((sum, [, count]) => sum + count, 0);

      it.each(READERS)('%s downloads the private run’s MLmodel with their own URL', async (person) => {
        const got = await fetchAs(await urlOf(person), person);
        matrixSize += 1;
        expect(got.status).toBe(200);
        expect(got.body.toString('utf8')).toContain(`run_id: ${ids.runId}`);
      });

      it.each(PEOPLE.filter((p) => !READERS.includes(p)))(
        '%s (NO_PERMISSIONS) is refused a URL signed for them, and a reader’s URL, before any byte is read',
        async (person) => {
          const keys = deriveServerKeys(MATRIX_SECRET);
          const own = signArtifactUrl(keys, callerIdentity(principalFromHeaders(as(person), stack.config)), {
            root: { kind: 'run', id: ids.runId },
            experimentId: ids.experimentId,
            path: 'model/MLmodel',
            expires: Math.floor(Date.now() / 1000) + 60,
          });
          const reader = await urlOf(READERS[READERS.length - 1] as Person);
          stack.emulator.resetCalls();
          const mine = await fetchAs(own, person);
          const theirs = await fetchAs(reader, person);
          matrixSize += 2;
          expect([mine.status, theirs.status]).toEqual([403, 403]);
          expect(mine.body.toString('utf8')).not.toContain(ids.runId);
          expect(byteCalls()).toBe(0);
        },
      );
    });

    it('tells each caller their own level (viewerPermission)', async () => {
      const levels: Record<string, string> = {};
      for (const person of READERS) {
        const result = await stack.query(
          `query($id: ID!, $run: ID!, $model: String!) { experiment(id: $id) { viewerPermission } run(id: $run) { viewerPermission } registeredModel(name: $model) { viewerPermission version(version: "1") { viewerPermission } } }`,
          { id: ids.experimentId, run: ids.runId, model: PRIVATE_MODEL },
          as(person),
        );
        expect(result.errors).toBeUndefined();
        levels[person] = result.data.experiment.viewerPermission;
        // A run has its experiment's level (through @requires experimentId), a version its model's.
        expect(result.data.run.viewerPermission).toBe(levels[person]);
        expect(result.data.registeredModel.version.viewerPermission).toBe(result.data.registeredModel.viewerPermission);
        if (options.mlflow3) {
          // A logged model has its experiment's level (through @requires experimentId).
          const model = await stack.query(
            `query($id: ID!) { loggedModel(id: $id) { viewerPermission } }`,
            { id: ids.loggedModelId },
            as(person),
          );
          expect(model.errors).toBeUndefined();
          expect(model.data.loggedModel.viewerPermission).toBe(levels[person]);
        }
      }
      expect(levels).toEqual(options.levels);
      matrixSize += READERS.length;
    });
  });
}
