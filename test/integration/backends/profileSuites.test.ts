// The tracking, registry and authorization flows a frontend relies on, run against every backend profile in
// the emulator: the same queries must give the same shapes everywhere, writes must be read back in the next
// request, and a reader or outsider must be refused before anything reaches the backend.
import type { Stack } from '../../helpers/startStack.js';
import { behindProxy, PROFILES, type DemoIds, useProfile, writeCalls } from './profiles.js';

// Each profile twice: callers with their own credentials, and callers a trusted proxy vouches for.
describe.each([...PROFILES, ...PROFILES.filter((p) => !p.permissionRules).map(behindProxy)])(
  'profile $name',
  (profile) => {
    let stack: Stack;
    let ids: DemoIds;
    useProfile(profile, (started, found) => {
      stack = started;
      ids = found;
    });

    const ok = async (query: string, variables: Record<string, unknown> = {}, headers = profile.writer) => {
      const result = await stack.query(query, variables, headers);
      expect(result.errors).toBeUndefined();
      return result.data;
    };

    describe('tracking', () => {
      it('lists experiments and reads one by id and by name', async () => {
        const data = await ok(
          `{ experiments(first: 50) { nodes { id name } } experiment(id: "${ids.experimentId}") { name } byName: experimentByName(name: "fraud-detection") { id } }`,
        );
        expect(data.experiments.nodes.map((e: { name: string }) => e.name)).toContain('fraud-detection');
        expect(data.experiment.name).toBe('fraud-detection');
        expect(data.byName.id).toBe(ids.experimentId);
      });

      it('pages an experiment’s runs with params, latest metrics and a metric history', async () => {
        const data = await ok(
          `{ experiment(id: "${ids.experimentId}") { runs(first: 3) { nodes { id status params { key value } metrics { key value } } pageInfo { hasNextPage } } } }`,
        );
        const runs = data.experiment.runs.nodes;
        expect(runs).toHaveLength(3);
        expect(data.experiment.runs.pageInfo.hasNextPage).toBe(true);
        const withMetric = runs.find((r: { metrics: unknown[] }) => r.metrics.length > 0);
        expect(withMetric).toBeDefined();
        const key = withMetric.metrics[0].key;
        const history = await ok(
          `{ run(id: "${withMetric.id}") { id experiment { name } metricHistory(key: "${key}") { step value } } }`,
        );
        expect(history.run.experiment.name).toBe('fraud-detection');
        expect(history.run.metricHistory.length).toBeGreaterThan(0);
      });

      it('a run id that does not exist is null without an error', async () => {
        const data = await ok(`{ run(id: "0123456789abcdef0123456789abcdef") { id } }`);
        expect(data.run).toBeNull();
      });

      it('writes a run and reads it back in the next request', async () => {
        const created = await ok(
          `mutation($e: ID!) { createRun(input: { experimentId: $e, name: "profile-run" }) { id status } }`,
          { e: ids.experimentId },
        );
        const runId = created.createRun.id;
        await ok(
          `mutation($r: ID!) { logBatch(runId: $r, metrics: [{ key: "loss", value: 0.25, step: 1, timestamp: 1700000000000 }], params: [{ key: "lr", value: "0.01" }], tags: [{ key: "suite", value: "profiles" }]) { id } }`,
          { r: runId },
        );
        await ok(`mutation($r: ID!) { updateRun(id: $r, input: { status: FINISHED }) { id } }`, { r: runId });
        const read = await ok(
          `{ run(id: "${runId}") { status params { key value } metrics { key value step } tag(key: "suite") } }`,
        );
        expect(read.run.status).toBe('FINISHED');
        expect(read.run.params).toEqual([{ key: 'lr', value: '0.01' }]);
        expect(read.run.metrics).toEqual([{ key: 'loss', value: 0.25, step: 1 }]);
        expect(read.run.tag).toBe('profiles');
      });
    });

    describe('registry', () => {
      it('lists models and follows a version to its run', async () => {
        const data = await ok(
          `{ registeredModels(first: 50) { nodes { name } } modelVersion(name: "${ids.modelName}", version: "${ids.version}") { version status run { id } } }`,
        );
        expect(data.registeredModels.nodes.map((m: { name: string }) => m.name)).toContain('fraud-detector');
        expect(data.modelVersion.version).toBe(ids.version);
        expect(data.modelVersion.run?.id).toMatch(/^[\w-]+$/);
      });

      it('registers a model and at once a version of it (the creator’s new grant is not waited for)', async () => {
        const name = `profile-model-${profile.kind.toLowerCase()}`;
        await ok(
          `mutation($n: String!) { createRegisteredModel(input: { name: $n, description: "from the profile suite" }) { name } }`,
          { n: name },
        );
        const created = await ok(
          `mutation($n: String!) { createModelVersion(input: { name: $n, source: "models:/profile" }) { version } }`,
          { n: name },
        );
        const version = created.createModelVersion.version;
        const read = await ok(
          `{ registeredModel(name: "${name}") { description latestVersions { version } version(version: "${version}") { version } } }`,
        );
        expect(read.registeredModel.description).toBe('from the profile suite');
        expect(read.registeredModel.version.version).toBe(version);
        expect(read.registeredModel.latestVersions.map((v: { version: string }) => v.version)).toContain(version);
      });
    });

    describe('authorization', () => {
      it('a reader reads but every kind of write is refused before it reaches the backend', async () => {
        const reads = await stack.query(
          `{ experiment(id: "${ids.experimentId}") { name } run(id: "${ids.runId}") { id } }`,
          {},
          profile.reader,
        );
        expect(reads.errors).toBeUndefined();
        expect(reads.data.experiment.name).toBe('fraud-detection');
        expect(reads.data.run.id).toBe(ids.runId);
        const writes = [
          `mutation { createRun(input: { experimentId: "${ids.experimentId}" }) { id } }`,
          `mutation { setRunTag(runId: "${ids.runId}", tag: { key: "k", value: "v" }) { id } }`,
          `mutation { logBatch(runId: "${ids.runId}", metrics: [{ key: "x", value: 1, timestamp: 1700000000000 }]) { id } }`,
          // churn-model: readable by every reader persona, editable by none of them (Databricks' bob may edit fraud-detector).
          `mutation { updateRegisteredModel(name: "churn-model", description: "nope") { name } }`,
          `mutation { deleteRun(id: "${ids.runId}") { id } }`,
        ];
        for (const write of writes) {
          stack.emulator.resetCalls();
          const result = await stack.query(write, {}, profile.reader);
          expect([write, result.errors?.[0]?.extensions?.code]).toEqual([write, 'FORBIDDEN']);
          expect([write, writeCalls(stack)]).toEqual([write, 0]);
        }
      });

      it('an outsider sees nothing of what they may not read', async () => {
        const result = await stack.query(`{ experiments(first: 50) { nodes { name } } }`, {}, profile.outsider);
        const names: string[] = result.data?.experiments?.nodes?.map((e: { name: string }) => e.name) ?? [];
        const direct = await stack.query(
          `{ experimentByName(name: "demand-forecasting") { name } }`,
          {},
          profile.outsider,
        );
        if (profile.permissionService === 'none') {
          // (Behind a proxy too: without a permission service the backend decides, and it sees the service's credentials.)
          // Without auth there is nothing private: everyone reads the demo's "private" experiment.
          expect(names).toContain('demand-forecasting');
          expect(direct.data.experimentByName.name).toBe('demand-forecasting');
        } else {
          // The demo's private experiment: nobody but its owner and explicit grantees.
          expect(names).not.toContain('demand-forecasting');
          expect(direct.data?.experimentByName ?? null).toBeNull();
        }
      });
    });
  },
);
