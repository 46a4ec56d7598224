// The first-page combiner against a recording MLflow: which runs/search calls a batch of Experiment.runs makes.
import type { BackendKind } from '../../../../../src/config/backendConfig.js';
import {
  createFirstRunsPageLoader,
  type RunsPageArgs,
} from '../../../../../src/subgraphs/tracking/loaders/firstRunsPage.js';
import { backendProfile } from '../../../../../src/upstream/profiles/BackendProfile.js';
import type { WireRun } from '../../../../../src/upstream/mlflow/wire.js';
import { fakeLoaderInputs, type Answer } from '../../fakeLoaderInputs.js';
import { mlflowDown, run, trackingStore } from './fakeTracking.js';

function setup(runs: WireRun[], kind: BackendKind = 'mlflow') {
  return setupWith(trackingStore(runs), kind);
}

function setupWith(answer: Answer, kind: BackendKind = 'mlflow') {
  const fake = fakeLoaderInputs(answer, { kind });
  const primed: string[] = [];
  const loader = createFirstRunsPageLoader({
    ...fake.inputs,
    capabilities: backendProfile(kind).capabilities,
    primeRuns: (list) => primed.push(...list.map((r) => r.info.run_id)),
  });
  return { ...fake, loader, primed };
}

const args = (size: number, filter?: string): RunsPageArgs => ({
  size,
  viewType: 'ACTIVE_ONLY',
  filter: filter ?? null,
});
/** `count` runs of each experiment, interleaved as a newest-first search across them returns them. */
const runsOf = (experiments: string[], count: number) =>
  Array.from({ length: count }, (_, i) => experiments.map((e) => run(`${e}-r${i}`, e))).flat();

describe('firstRunsPage', () => {
  it('asks one runs/search for the first pages of several experiments, one more run each to tell hasMore', async () => {
    const { loader, calls, primed } = setup(runsOf(['a', 'b', 'c'], 3));
    const pages = await Promise.all(
      ['a', 'b', 'c'].map((experimentId) => loader.load({ experimentId, args: args(2) })),
    );
    expect(calls.map((c) => c.params)).toEqual([
      { experiment_ids: ['a', 'b', 'c'], run_view_type: 'ACTIVE_ONLY', max_results: 9 },
    ]);
    expect(pages.map((p) => [p.runs.map((r) => r.info.run_id), p.hasMore])).toEqual([
      [['a-r0', 'a-r1'], true],
      [['b-r0', 'b-r1'], true],
      [['c-r0', 'c-r1'], true],
    ]);
    expect(primed).toHaveLength(6);
  });

  it('fetches an experiment on its own when the combined page was cut short before reaching it', async () => {
    // Experiment a has many newer runs: a search over a and b returns only a's, and says there is more.
    const runs = [...Array.from({ length: 10 }, (_, i) => run(`a-r${i}`, 'a')), run('b-r0', 'b')];
    const { loader, calls } = setup(runs);
    const [, b] = await Promise.all(['a', 'b'].map((experimentId) => loader.load({ experimentId, args: args(2) })));
    expect(calls.map((c) => [c.params.experiment_ids, c.params.max_results])).toEqual([
      [['a', 'b'], 6],
      [['b'], 3],
    ]);
    expect(b).toEqual({ runs: [run('b-r0', 'b')], hasMore: false });
  });

  it('searches separately for different page shapes, and keeps each combined page within 100 rows', async () => {
    const { loader, calls } = setup([]);
    await Promise.all([
      ...['a', 'b', 'c'].map((experimentId) => loader.load({ experimentId, args: args(49) })),
      loader.load({ experimentId: 'a', args: args(10, "params.lr = '0.1'") }),
    ]);
    // 50 rows per experiment: two experiments a search; the filtered page is a group of its own.
    expect(calls.map((c) => [c.params.experiment_ids, c.params.filter])).toEqual([
      [['a', 'b'], undefined],
      [['c'], undefined],
      [['a'], "params.lr = '0.1'"],
    ]);
  });

  it('names at most as many experiments as the backend takes in one search (GitLab: 1)', async () => {
    const { loader, calls } = setup([], 'gitlab');
    await Promise.all(['a', 'b'].map((experimentId) => loader.load({ experimentId, args: args(2) })));
    expect(calls.map((c) => c.params.experiment_ids)).toEqual([['a'], ['b']]);
  });

  it("answers each experiment of a failed search with that search's error", async () => {
    const { loader, calls } = setupWith(mlflowDown);
    const settled = await Promise.allSettled(
      ['a', 'b'].map((experimentId) => loader.load({ experimentId, args: args(2) })),
    );
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toHaveLength(1);
  });
});
