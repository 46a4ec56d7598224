import { ArtifactListings } from '../../../../../src/subgraphs/tracking/loaders/artifacts.js';
import { fakeLoaderInputs } from '../../fakeLoaderInputs.js';

const run = (id: string) => ({ kind: 'run' as const, id });

describe('ArtifactListings', () => {
  it('lists a page once per request however many fields ask, each directory and page on its own', async () => {
    const { inputs, calls, nextRequest } = fakeLoaderInputs(() => ({ files: [{ path: 'model', is_dir: true }] }));
    const listings = new ArtifactListings(inputs);
    const answers = await Promise.all([
      listings.page(run('r1'), ''),
      listings.page(run('r1'), ''),
      listings.page(run('r1'), 'model'),
      listings.page(run('r1'), 'model', 'tok'),
      listings.page(run('r2'), ''),
    ]);
    expect(answers.every((a) => a.files?.[0]?.path === 'model')).toBe(true);
    expect(calls.map((c) => c.params)).toEqual([
      { run_id: 'r1' },
      { run_id: 'r1', path: 'model' },
      { run_id: 'r1', path: 'model', page_token: 'tok' },
      { run_id: 'r2' },
    ]);
    // The next request finds the pages in the shared cache (cachePolicy.artifactListing).
    const next = nextRequest();
    await new ArtifactListings(next.inputs).page(run('r1'), 'model', 'tok');
    expect(next.calls).toEqual([]);
  });
});
