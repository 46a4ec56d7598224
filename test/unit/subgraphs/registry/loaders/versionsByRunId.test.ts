// Versions by run, on the two plans: `run_id IN` searches sized by the MLflow client, or GitLab's model listing.
import {
  createVersionsByRunIdLoader,
  runIdsPerSearch,
  RUN_IDS_PER_VERSION_SEARCH,
} from '../../../../../src/subgraphs/registry/loaders/versionsByRunId.js';
import type { WireModelVersion, WireRegisteredModel } from '../../../../../src/upstream/mlflow/wire.js';
import { fakeLoaderInputs, type Answer } from '../../fakeLoaderInputs.js';

const hexId = (n: number) => n.toString(16).padStart(32, '0').replace(/^0/, 'b');
/** A longer id (some MLflow-compatible backends issue them): fewer than RUN_IDS_PER_VERSION_SEARCH fill a line. */
const longId = (n: number) => n.toString(16).padStart(80, 'a');
const version = (name: string, number: number, runId: string): WireModelVersion => ({
  name,
  version: String(number),
  run_id: runId,
});

function setup(answer: Answer, versionsInModel: boolean, prefixUrl?: string) {
  const fake = fakeLoaderInputs(answer, prefixUrl ? { prefixUrl } : {});
  const primedModels: string[] = [];
  const primedVersions: string[] = [];
  const loader = createVersionsByRunIdLoader({
    ...fake.inputs,
    clients: { mlflow: fake.inputs.mlflow } as any,
    versionsInModel,
    primeModel: (model) => primedModels.push(model.name),
    primeVersions: (versions) => primedVersions.push(...versions.map((v) => `${v.name}/${v.version}`)),
  });
  return { ...fake, loader, primedModels, primedVersions };
}

describe('modelVersionsByRunId', () => {
  it("sizes the run_id IN searches by the tracking URI's full path, leaving room for a page token", async () => {
    const answer: Answer = () => ({ model_versions: [] });
    const callsFor = async (count: number, prefixUrl?: string) => {
      const { loader, calls } = setup(answer, false, prefixUrl);
      await Promise.all(Array.from({ length: count }, (_, i) => loader.load(longId(i))));
      return calls.length;
    };
    // 43 ids of 80 characters fit a bare 4094-byte line with a page token's room, 44 do not; a project path
    // before MLflow's takes one more id's room.
    const prefixed = 'http://gitlab.test/api/v4/projects/data-science%2Fchurn/ml/mlflow';
    expect([await callsFor(43), await callsFor(43, prefixed), await callsFor(44)]).toEqual([1, 2, 2]);
  });

  const idsPerCall = async (count: number) => {
    const { loader, calls } = setup(() => ({ model_versions: [] }), false);
    await Promise.all(Array.from({ length: count }, (_, i) => loader.load(hexId(i))));
    return calls.map((call) => [...String(call.params.filter).matchAll(/'([^']*)'/g)].length);
  };

  it('asks for at most RUN_IDS_PER_VERSION_SEARCH run ids per search, in searches alike in size', async () => {
    expect(RUN_IDS_PER_VERSION_SEARCH).toBe(60);
    expect(await idsPerCall(60)).toEqual([60]);
    expect(await idsPerCall(61)).toEqual([31, 30]);
    expect(await idsPerCall(150)).toEqual([50, 50, 50]);
    expect(await idsPerCall(480)).toEqual(Array(8).fill(60));
  });

  it('asks for more ids per search rather than send more searches than a batch sends at once (FAN_OUT)', async () => {
    // 500 ids in 60s would take 9 searches: the 9th would wait for one of the first 8 to answer.
    expect(await idsPerCall(500)).toEqual([...Array(7).fill(63), 59]);
    // 1000 ids in 8 searches would not fit a request line: the line decides (~90 per search), and it takes more.
    const calls = await idsPerCall(1000);
    expect(calls.length).toBeGreaterThan(8);
    expect(calls.reduce((sum, ids) => sum + ids, 0)).toBe(1000);
    expect(runIdsPerSearch(1000)).toBe(125);
  });

  it('lists the models once on GitLab (versions live in the models) and indexes their versions by run', async () => {
    const models: WireRegisteredModel[] = [
      { name: 'a', gitlab_versions: [version('a', 1, 'r1'), version('a', 2, 'r2')] },
      { name: 'b', gitlab_versions: [version('b', 1, 'r1')] },
    ] as WireRegisteredModel[];
    const pages: Answer = (name, params) => {
      if (name !== 'searchRegisteredModels') throw new Error(`unexpected call ${name}`);
      return params.page_token
        ? { registered_models: [models[1]] }
        : { registered_models: [models[0]], next_page_token: 'p2' };
    };
    const { loader, calls, primedModels, primedVersions } = setup(pages, true);
    const [r1, r2, r3] = await Promise.all(['r1', 'r2', 'r3'].map((id) => loader.load(id)));
    expect([r1, r2, r3].map((list) => (list ?? []).map((v) => `${v.name}/${v.version}`))).toEqual([
      ['a/1', 'b/1'],
      ['a/2'],
      [],
    ]);
    expect(calls.map((c) => c.params.page_token ?? null)).toEqual([null, 'p2']);
    expect(primedModels).toEqual(['a', 'b']);
    expect(primedVersions.sort()).toEqual(['a/1', 'a/2', 'b/1']);
  });

  describe('prefetch (an early start, for the runs another subgraph has just found)', () => {
    const runIds = Array.from({ length: 150 }, (_, i) => hexId(i));
    /** Versions of every third run; the filter's ids say which runs a search asked for. */
    const answer: Answer = (name, params) => {
      if (name !== 'searchModelVersions') throw new Error(`unexpected call ${name}`);
      const asked = [...String(params.filter).matchAll(/'([^']*)'/g)].map((m) => m[1] as string);
      return { model_versions: asked.filter((_, i) => i % 3 === 0).map((id, i) => version('m', i + 1, id)) };
    };

    it('makes the searches a batch of the same ids would, and the later loads read them without another call', async () => {
      const prefetching = setup(answer, false);
      await prefetching.loader.prefetch(runIds);
      expect(prefetching.calls).toHaveLength(3);
      // Answered, and gone from the shared cache: the loads can only have them from the loader's own memo.
      await new Promise((resolve) => setImmediate(resolve));
      prefetching.store.clear();
      const loaded = await Promise.all(runIds.map((id) => prefetching.loader.load(id)));
      expect(prefetching.calls).toHaveLength(3);

      const batched = setup(answer, false);
      const expected = await Promise.all(runIds.map((id) => batched.loader.load(id)));
      expect(loaded).toEqual(expected);
      expect(prefetching.calls.map((c) => c.params.filter)).toEqual(batched.calls.map((c) => c.params.filter));
      expect(loaded.flat().length).toBeGreaterThan(0);
      // A second offer of the same runs starts nothing more.
      await prefetching.loader.prefetch(runIds.slice(0, 10));
      expect(prefetching.calls).toHaveLength(3);
    });

    it('settles once its searches are sent, not when MLflow answers them', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const { loader, calls } = setup(async (name, params) => {
        await held;
        return answer(name, params);
      }, false);
      const sent = loader.prefetch(runIds);
      let answered = false;
      const loads = Promise.all(runIds.map((id) => loader.load(id))).then((lists) => {
        answered = true;
        return lists;
      });
      await sent;
      // Every search is out while MLflow has answered none ...
      expect(calls).toHaveLength(3);
      expect(answered).toBe(false);
      release();
      // ... and its answers reach the loads, which asked for nothing more (17 of each search's 50 runs have one).
      expect((await loads).flat().length).toBe(51);
      expect(calls).toHaveLength(3);
    });

    it("leaves a failed search's error for the loads of its runs, and never as an unhandled rejection", async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const { loader } = setup(() => {
          throw new Error('MLflow is down');
        }, false);
        await loader.prefetch(runIds);
        await expect(loader.load(runIds[0] as string)).rejects.toThrow('MLflow is down');
        // Runs nobody loads: their failed promises must be handled all the same.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('starts nothing on GitLab, where one listing of the models answers every run', async () => {
      const { loader, calls } = setup(() => ({ registered_models: [] }), true);
      await loader.prefetch(runIds);
      expect(calls).toHaveLength(0);
    });
  });
});
