// runById's planner against a recording MLflow: which calls each batch makes, by what the loader knows.
import { cachePolicy } from '../../../../../src/cache/cachePolicy.js';
import { createRunLoaders, SEARCH_MAX_RUN_IDS } from '../../../../../src/subgraphs/tracking/loaders/runs.js';
import type { BackendKind } from '../../../../../src/config/backendConfig.js';
import { backendProfile } from '../../../../../src/upstream/profiles/BackendProfile.js';
import type { WireExperiment, WireRun } from '../../../../../src/upstream/mlflow/wire.js';
import { fakeLoaderInputs, type Answer } from '../../fakeLoaderInputs.js';
import { experiment, idsInFilter, mlflowDown, run, trackingStore } from './fakeTracking.js';

function setup(runs: WireRun[], experiments: WireExperiment[] = [], kind: BackendKind = 'mlflow') {
  return setupWith(trackingStore(runs, experiments), kind);
}

function setupWith(answer: Answer, kind: BackendKind = 'mlflow') {
  const fake = fakeLoaderInputs(answer, { kind, ttls: { runFinished: 300, runActive: 5 } });
  const primed: WireExperiment[] = [];
  const loaders = createRunLoaders({
    ...fake.inputs,
    capabilities: backendProfile(kind).capabilities,
    primeExperiments: (list) => primed.push(...list),
  });
  return { ...fake, loaders, primed };
}

const names = (calls: { name: string }[]) => calls.map((c) => c.name);

describe('runById', () => {
  it('finds runs of known experiments with one runs/search (attributes.run_id IN), values in key order', async () => {
    const runs = [run('r1', 'e1'), run('r2', 'e2'), run('r3', 'e1')];
    const { loaders, calls } = setup(runs);
    for (const r of runs) loaders.runExperimentHints.set(r.info.run_id, r.info.experiment_id);
    const found = await Promise.all(['r3', 'r1', 'r2', 'missing'].map((id) => loaders.runById.load(id)));
    expect(found.map((r) => r?.info.run_id ?? null)).toEqual(['r3', 'r1', 'r2', null]);
    // The unknown id is asked alone: runs/get, not a search over every experiment.
    expect(names(calls)).toEqual(['searchRuns', 'getRun']);
    expect(calls[0]?.params).toEqual({
      experiment_ids: ['e1', 'e2'],
      filter: "attributes.run_id IN ('r3', 'r1', 'r2')",
      run_view_type: 'ALL',
      max_results: 3,
    });
  });

  it(`searches at most ${SEARCH_MAX_RUN_IDS} run ids at once`, async () => {
    const runs = Array.from({ length: 250 }, (_, i) => run(`r${i}`, 'e1'));
    const { loaders, calls } = setup(runs);
    for (const r of runs) loaders.runExperimentHints.set(r.info.run_id, 'e1');
    await Promise.all(runs.map((r) => loaders.runById.load(r.info.run_id)));
    expect(calls.map((c) => idsInFilter(c.params.filter).length)).toEqual([100, 100, 50]);
  });

  it("splits a search's experiments where the backend takes few (Databricks: 10)", async () => {
    const runs = Array.from({ length: 12 }, (_, i) => run(`r${i}`, `e${i}`));
    const { loaders, calls } = setup(runs, [], 'databricks');
    for (const r of runs) loaders.runExperimentHints.set(r.info.run_id, r.info.experiment_id);
    await Promise.all(runs.map((r) => loaders.runById.load(r.info.run_id)));
    expect(calls.map((c) => [c.name, c.params.experiment_ids.length])).toEqual([
      ['searchRuns', 10],
      ['searchRuns', 2],
    ]);
  });

  it('finds runs asked for by id alone with one search over every visible experiment (open-source MLflow)', async () => {
    const runs = [run('r1', 'e1'), run('r2', 'e2')];
    const { loaders, calls, primed } = setup(runs, [experiment('e1'), experiment('e2')]);
    await expect(Promise.all(['r1', 'r2'].map((id) => loaders.runById.load(id)))).resolves.toEqual(runs);
    expect(names(calls)).toEqual(['searchExperiments', 'searchRuns']);
    expect(calls[1]?.params.experiment_ids).toEqual(['e1', 'e2']);
    expect(primed.map((e) => e.experiment_id)).toEqual(['e1', 'e2']);
    expect(loaders.runExperimentHints.get('r2')).toBe('e2');
  });

  it.each([
    ['databricks', 'searches at most 10 experiments'],
    ['gitlab', 'ignores runs/search filters'],
  ] as const)('uses runs/get for runs asked for by id alone on %s (it %s)', async (kind, _why) => {
    const runs = [run('r1', 'e1'), run('r2', 'e2')];
    const { loaders, calls } = setup(runs, [experiment('e1'), experiment('e2')], kind);
    if (kind === 'gitlab') for (const r of runs) loaders.runExperimentHints.set(r.info.run_id, r.info.experiment_id);
    await Promise.all(['r1', 'r2'].map((id) => loaders.runById.load(id)));
    expect(names(calls)).toEqual(['getRun', 'getRun']);
  });

  it("answers a failed search's ids with its error, each, without trying them one by one", async () => {
    const { loaders, calls } = setupWith(mlflowDown);
    loaders.runExperimentHints.set('r1', 'e1').set('r2', 'e2');
    const settled = await Promise.allSettled(['r1', 'r2'].map((id) => loaders.runById.load(id)));
    expect(settled.map((s) => s.status === 'rejected' && (s.reason as Error).message)).toEqual([
      'MLflow is down',
      'MLflow is down',
    ]);
    expect(names(calls)).toEqual(['searchRuns']);
  });

  it('keeps runs in the shared cache for their state: a finished run long, a running one briefly', async () => {
    const runs = [run('done', 'e1', 'FINISHED'), run('live', 'e1', 'RUNNING')];
    const { loaders, store, nextRequest } = setup(runs);
    await Promise.all(['done', 'live'].map((id) => loaders.runById.load(id)));
    const ttlOf = (id: string) =>
      store.writes.find((w) => w.key.includes(`{${cachePolicy.run.namespace}}`) && w.key.endsWith(`:${id}`))
        ?.ttlSeconds;
    expect([ttlOf('done'), ttlOf('live')]).toEqual([300, 5]);
    // The next request of the caller finds them there.
    const next = nextRequest();
    const again = createRunLoaders({
      ...next.inputs,
      capabilities: backendProfile('mlflow').capabilities,
      primeExperiments: () => undefined,
    });
    await Promise.all(['done', 'live'].map((id) => again.runById.load(id)));
    expect(next.calls).toEqual([]);
  });

  it('primes runs from a search, with their experiments, so loading them costs nothing', async () => {
    const { loaders, calls } = setup([]);
    loaders.primeRuns([run('r9', 'e4')]);
    await expect(loaders.runById.load('r9')).resolves.toMatchObject({ info: { run_id: 'r9' } });
    expect(calls).toEqual([]);
    expect(loaders.runExperimentHints.get('r9')).toBe('e4');
  });
});
