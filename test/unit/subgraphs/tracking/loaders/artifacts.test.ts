import { ArtifactListings } from '../../../../../src/subgraphs/tracking/loaders/artifacts.js';

describe('ArtifactListings', () => {
  it('lists a run directory once per request however many fields ask, each directory on its own', async () => {
    const calls: unknown[] = [];
    const listings = new ArtifactListings({
      call: async (name: string, params: unknown) => {
        calls.push([name, params]);
        return { files: [{ path: 'model' }] };
      },
    } as any);
    const answers = await Promise.all([
      listings.list('r1'),
      listings.list('r1', ''),
      listings.list('r1', null),
      listings.list('r1', 'model'),
      listings.list('r2'),
    ]);
    expect(answers.every((a) => a.files?.[0]?.path === 'model')).toBe(true);
    expect(calls).toEqual([
      ['listArtifacts', { run_id: 'r1' }],
      ['listArtifacts', { run_id: 'r1', path: 'model' }],
      ['listArtifacts', { run_id: 'r2' }],
    ]);
  });
});
