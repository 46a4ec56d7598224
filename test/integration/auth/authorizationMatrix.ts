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

const PRIVATE_EXPERIMENT = 'demand-forecasting';
const PRIVATE_MODEL = 'demand-forecaster';
type Person = 'admin' | 'alice' | 'bob' | 'carol';
const PEOPLE: Person[] = ['admin', 'alice', 'bob', 'carol'];

interface Ids {
  experimentId: string;
  runId: string;
  versionRunId: string;
}

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
      stack = await startStack({ emulator: options.emulator, env });
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
        text.includes(ids.runId)
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
    const writes: {
      name: string;
      query: string;
      vars: () => Record<string, unknown>;
      upstream: string;
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
    ];

    describe.each(['alice', 'bob', 'carol'] as Person[])('writes as %s', (person) => {
      it.each(writes.map((w) => [w.name, w]))('%s is refused before reaching MLflow', async (_, write) => {
        stack.emulator.resetCalls();
        const result = await stack.query(write.query, write.vars(), as(person));
        matrixSize += 1;
        expect(write.allowed).not.toContain(person);
        expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(stack.emulator.callCount(write.upstream)).toBe(0);
        // Nor any other write: only reads (GETs and read-only search POSTs) may have reached MLflow.
        expect(writeCalls(stack.emulator.calls())).toEqual([]);
      });
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
            // Models and versions by name or number are read fresh (no cache row): such answers are never kept.
            const readFresh = ['registeredModel(name)', 'modelVersion', 'modelVersionByAlias'].includes(path.name);
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
      }
      expect(levels).toEqual(options.levels);
      matrixSize += READERS.length;
    });
  });
}
