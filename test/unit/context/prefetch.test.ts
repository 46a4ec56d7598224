// The request's follow-ups: an offer starts only what the gateway armed, settles once those starts have, and never
// fails the subgraph that offers.
import { definePrefetch, RequestPrefetch } from '../../../src/context/prefetch.js';

interface Context {
  name: string;
}

function recorder() {
  const started: { source: string; context: string; ids: readonly string[] }[] = [];
  const token = (source: string, target: string, start?: (ids: readonly string[]) => Promise<void>) =>
    definePrefetch<Context>(source, target, async (context, ids) => {
      started.push({ source, context: context.name, ids });
      await start?.(ids);
    });
  return { started, token };
}

describe('RequestPrefetch', () => {
  it('starts nothing until the gateway arms it (a subgraph server never does)', async () => {
    const { started } = recorder();
    const prefetch = new RequestPrefetch<Context>({ name: 'request' });
    await prefetch.offer('Experiment.runs', ['r1']);
    expect(started).toEqual([]);
  });

  it('starts the armed follow-ups of the offered source only, with the request context and the ids', async () => {
    const { started, token } = recorder();
    const prefetch = new RequestPrefetch<Context>({ name: 'request' });
    prefetch.arm([token('Experiment.runs', 'Run.modelVersions'), token('Query.runs', 'Run.modelVersions')]);
    await prefetch.offer('Experiment.runs', ['r1', 'r2']);
    await prefetch.offer('Experiment.runs', []);
    expect(started).toEqual([{ source: 'Experiment.runs', context: 'request', ids: ['r1', 'r2'] }]);
  });

  it('settles only once every start has (its calls are on their way)', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { token } = recorder();
    const prefetch = new RequestPrefetch<Context>({ name: 'request' });
    prefetch.arm([token('Experiment.runs', 'Run.modelVersions', () => held)]);
    let settled = false;
    const offered = prefetch.offer('Experiment.runs', ['r1']).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    await offered;
    expect(settled).toBe(true);
  });

  it('never fails the offering subgraph: a start that throws or rejects is left to the later fetch', async () => {
    const prefetch = new RequestPrefetch<Context>({ name: 'request' });
    prefetch.arm([
      definePrefetch<Context>('Experiment.runs', 'Run.modelVersions', () => {
        throw new Error('thrown');
      }),
      definePrefetch<Context>('Experiment.runs', 'Run.other', () => Promise.reject(new Error('rejected'))),
    ]);
    await expect(prefetch.offer('Experiment.runs', ['r1'])).resolves.toBeUndefined();
  });
});
