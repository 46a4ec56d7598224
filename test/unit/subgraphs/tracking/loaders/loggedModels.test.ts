// loggedModelById's planner against a recording MLflow 3: which calls a batch makes, by what the loader knows.
import { cachePolicy } from '../../../../../src/cache/cachePolicy.js';
import {
  createLoggedModelLoaders,
  LOGGED_MODEL_SEARCH_MAX_PAGES,
  LOGGED_MODEL_SEARCH_PAGE,
} from '../../../../../src/subgraphs/tracking/loaders/loggedModels.js';
import { backendProfile } from '../../../../../src/upstream/profiles/BackendProfile.js';
import type { WireLoggedModel } from '../../../../../src/upstream/mlflow/wire.js';
import { fakeLoaderInputs } from '../../fakeLoaderInputs.js';
import { notFound } from './fakeTracking.js';

const model = (id: string, experimentId: string): WireLoggedModel => ({
  info: { model_id: id, experiment_id: experimentId, name: id, status: 'LOGGED_MODEL_READY' },
});

/** Answers logged-models/get and logged-models/search (pages of `max_results`, token = offset) as MLflow 3 does. */
function loggedModelStore(models: readonly WireLoggedModel[]) {
  return (name: string, params: Record<string, any>): unknown => {
    if (name === 'getLoggedModel') {
      const found = models.find((m) => m.info.model_id === params.model_id);
      if (!found) throw notFound(`Logged model with ID '${params.model_id}'`);
      return { model: found };
    }
    if (name === 'searchLoggedModels') {
      const inScope = models.filter((m) => params.experiment_ids.includes(m.info.experiment_id));
      const offset = Number(params.page_token ?? 0);
      const page = inScope.slice(offset, offset + params.max_results);
      const next = offset + params.max_results < inScope.length ? String(offset + params.max_results) : undefined;
      return { models: page, ...(next ? { next_page_token: next } : {}) };
    }
    throw new Error(`unexpected call ${name}`);
  };
}

function setup(models: WireLoggedModel[], kind: 'mlflow' | 'databricks' = 'mlflow') {
  const fake = fakeLoaderInputs(loggedModelStore(models), { kind, ttls: { loggedModel: 30 } });
  const loaders = createLoggedModelLoaders({ ...fake.inputs, capabilities: backendProfile(kind).capabilities });
  return { ...fake, loaders };
}

const names = (calls: { name: string }[]) => calls.map((c) => c.name);

describe('loggedModelById', () => {
  it('finds models of known experiments with one logged-models/search, values in key order', async () => {
    const models = [model('m1', 'e1'), model('m2', 'e2'), model('m3', 'e1'), model('other', 'e1')];
    const { loaders, calls } = setup(models);
    for (const id of ['m1', 'm2', 'm3', 'gone']) loaders.loggedModelHints.set(id, id === 'm2' ? 'e2' : 'e1');
    const found = await Promise.all(['m3', 'm1', 'm2', 'gone'].map((id) => loaders.loggedModelById.load(id)));
    expect(found.map((m) => m?.info.model_id ?? null)).toEqual(['m3', 'm1', 'm2', null]);
    // The deleted one is not in the search: asked once by id, and null.
    expect(names(calls)).toEqual(['searchLoggedModels', 'getLoggedModel']);
    expect(calls[0]?.params).toEqual({ experiment_ids: ['e1', 'e2'], max_results: LOGGED_MODEL_SEARCH_PAGE });
  });

  it('costs the same whatever the number of models asked for: one search for 3 or for 300', async () => {
    for (const count of [3, 300]) {
      const models = Array.from({ length: count }, (_, i) => model(`m${i}`, `e${i % 3}`));
      const { loaders, calls } = setup(models);
      for (const m of models) loaders.loggedModelHints.set(m.info.model_id, m.info.experiment_id);
      await Promise.all(models.map((m) => loaders.loggedModelById.load(m.info.model_id)));
      expect([count, names(calls)]).toEqual([count, ['searchLoggedModels']]);
    }
  });

  it(`reads at most ${LOGGED_MODEL_SEARCH_MAX_PAGES} pages, then gets what it has not found`, async () => {
    const filler = Array.from({ length: LOGGED_MODEL_SEARCH_PAGE * LOGGED_MODEL_SEARCH_MAX_PAGES }, (_, i) =>
      model(`f${i}`, 'e1'),
    );
    const models = [...filler, model('late1', 'e1'), model('late2', 'e1'), model('f0x', 'e1')];
    const { loaders, calls } = setup(models);
    for (const id of ['f1', 'late1', 'late2']) loaders.loggedModelHints.set(id, 'e1');
    const found = await Promise.all(['f1', 'late1', 'late2'].map((id) => loaders.loggedModelById.load(id)));
    expect(found.map((m) => m?.info.model_id)).toEqual(['f1', 'late1', 'late2']);
    expect(names(calls)).toEqual([
      ...Array(LOGGED_MODEL_SEARCH_MAX_PAGES).fill('searchLoggedModels'),
      'getLoggedModel',
      'getLoggedModel',
    ]);
  });

  it('stops paging once every model asked for is found', async () => {
    const models = Array.from({ length: LOGGED_MODEL_SEARCH_PAGE + 5 }, (_, i) => model(`m${i}`, 'e1'));
    const { loaders, calls } = setup(models);
    for (const id of ['m0', 'm1']) loaders.loggedModelHints.set(id, 'e1');
    await Promise.all(['m0', 'm1'].map((id) => loaders.loggedModelById.load(id)));
    expect(names(calls)).toEqual(['searchLoggedModels']);
  });

  it('gets a model asked for alone, or without a known experiment, by id (no search can name ids)', async () => {
    const { loaders, calls } = setup([model('m1', 'e1'), model('m2', 'e2')]);
    loaders.loggedModelHints.set('m1', 'e1');
    await Promise.all(['m1', 'm2'].map((id) => loaders.loggedModelById.load(id)));
    expect(calls).toEqual([
      { name: 'getLoggedModel', params: { model_id: 'm1' } },
      { name: 'getLoggedModel', params: { model_id: 'm2' } },
    ]);
  });

  it("splits a search's experiments where the backend takes few (Databricks: 10)", async () => {
    const models = Array.from({ length: 12 }, (_, i) => model(`m${i}`, `e${i}`));
    const { loaders, calls } = setup(models, 'databricks');
    for (const m of models) loaders.loggedModelHints.set(m.info.model_id, m.info.experiment_id);
    await Promise.all(models.map((m) => loaders.loggedModelById.load(m.info.model_id)));
    expect(calls.map((c) => [c.name, c.params.experiment_ids.length])).toEqual([
      ['searchLoggedModels', 10],
      ['searchLoggedModels', 2],
    ]);
  });

  it('serves the next request from the shared cache, and primes the memo and the hints from a search', async () => {
    const models = [model('m1', 'e1'), model('m2', 'e1')];
    const fake = setup(models);
    for (const id of ['m1', 'm2']) fake.loaders.loggedModelHints.set(id, 'e1');
    await Promise.all(['m1', 'm2'].map((id) => fake.loaders.loggedModelById.load(id)));
    expect(
      fake.store.writes.map((w) => [w.key.includes(`{${cachePolicy.loggedModel.namespace}}`), w.ttlSeconds]),
    ).toEqual([
      [true, 30],
      [true, 30],
    ]);
    const next = fake.nextRequest();
    const again = createLoggedModelLoaders({ ...next.inputs, capabilities: backendProfile('mlflow').capabilities });
    await Promise.all(['m1', 'm2'].map((id) => again.loggedModelById.load(id)));
    expect(next.calls).toEqual([]);

    const primed = setup([]);
    primed.loaders.primeLoggedModels([model('p1', 'e9')]);
    await expect(primed.loaders.loggedModelById.load('p1')).resolves.toMatchObject({ info: { model_id: 'p1' } });
    expect(primed.loaders.loggedModelHints.get('p1')).toBe('e9');
    expect(primed.calls).toEqual([]);
  });
});
