// The experiment loaders against a recording MLflow: one call per missing key, memos and the shared cache primed.
import { cachePolicy } from '../../../../../src/cache/cachePolicy.js';
import { createExperimentLoaders } from '../../../../../src/subgraphs/tracking/loaders/experiments.js';
import { fakeLoaderInputs } from '../../fakeLoaderInputs.js';
import { experiment, trackingStore } from './fakeTracking.js';

const store = trackingStore([], [experiment('1'), experiment('2')]);

describe('experiment loaders', () => {
  it('fetches each missing experiment once, answers null for one that does not exist', async () => {
    const { inputs, calls } = fakeLoaderInputs(store);
    const { experimentById } = createExperimentLoaders(inputs);
    const found = await Promise.all(['1', '2', '1', '404'].map((id) => experimentById.load(id)));
    expect(found.map((e) => e?.name ?? null)).toEqual(['exp-1', 'exp-2', 'exp-1', null]);
    expect(calls.map((c) => c.params.experiment_id).sort()).toEqual(['1', '2', '404']);
  });

  it('primes the by-id memo from a lookup by name', async () => {
    const { inputs, calls } = fakeLoaderInputs(store);
    const loaders = createExperimentLoaders(inputs);
    await loaders.experimentByName.load('exp-2');
    await loaders.experimentById.load('2');
    expect(calls.map((c) => c.name)).toEqual(['getExperimentByName']);
  });

  it("keeps searched experiments in the shared cache under the experiment row's namespace and lifetime", async () => {
    const fake = fakeLoaderInputs(store, { ttls: { experiment: 42 } });
    createExperimentLoaders(fake.inputs).primeExperiments([experiment('1')]);
    const next = fake.nextRequest();
    const loaders = createExperimentLoaders(next.inputs);
    await expect(loaders.experimentById.load('1')).resolves.toMatchObject({ name: 'exp-1' });
    expect(next.calls).toEqual([]);
    expect(
      fake.store.writes.map((w) => [w.key.includes(`{${cachePolicy.experiment.namespace}}`), w.ttlSeconds]),
    ).toEqual([[true, 42]]);
  });
});
