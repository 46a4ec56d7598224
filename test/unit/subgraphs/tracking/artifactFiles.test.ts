import { matchingFiles, planGlob, WALK_MAX_PAGES } from '../../../../src/subgraphs/tracking/artifactFiles.js';
import { ArtifactListings } from '../../../../src/subgraphs/tracking/loaders/artifacts.js';
import { fakeLoaderInputs } from '../fakeLoaderInputs.js';

const run = (id: string) => ({ kind: 'run' as const, id });

/** A tree of directories and files, listed two entries a page. */
function tree(paths: string[]) {
  return (name: string, params: Record<string, any>) => {
    expect(name).toBe('listArtifacts');
    const dir = params.path ?? '';
    const prefix = dir ? `${dir}/` : '';
    const entries = [
      ...new Set(
        paths.filter((p) => p.startsWith(prefix)).map((p) => prefix + (p.slice(prefix.length).split('/')[0] as string)),
      ),
    ].sort();
    const offset = Number(params.page_token ?? 0);
    const page = entries
      .slice(offset, offset + 2)
      .map((path) => ({ path, is_dir: !paths.includes(path), file_size: 1 }));
    return { files: page, ...(offset + 2 < entries.length ? { next_page_token: String(offset + 2) } : {}) };
  };
}

describe('Run.files: the glob walk', () => {
  const paths = [
    'metrics.json',
    'plots/a.png',
    'plots/b.jpg',
    'plots/c.png',
    'plots/deep/d.png',
    'plots/deep/deeper/e.png',
    'model/MLmodel',
    'model/model.pkl',
    'eval/report.png',
  ];

  it('plans from the fixed prefix', () => {
    expect(planGlob('plots/**/*.png')).toMatchObject({ prefix: 'plots', deep: true });
    expect(planGlob('plots/*.png')).toMatchObject({ prefix: 'plots', deep: false });
    expect(planGlob('model/MLmodel')).toMatchObject({ prefix: 'model', deep: false });
    expect(planGlob('**/MLmodel')).toMatchObject({ prefix: '', deep: true });
    expect(() => planGlob('../**')).toThrow(/Invalid artifact path/);
  });

  it('finds every match under the prefix, paging each directory, and lists nothing outside it', async () => {
    const { inputs, calls } = fakeLoaderInputs(tree(paths));
    const found = await matchingFiles(new ArtifactListings(inputs), run('r'), 'plots/**/*.png', 100);
    expect(found.map((f) => f.path)).toEqual([
      'plots/a.png',
      'plots/c.png',
      'plots/deep/d.png',
      'plots/deep/deeper/e.png',
    ]);
    expect(calls.every((c) => String(c.params.path).startsWith('plots'))).toBe(true);
    // plots has 4 entries (2 pages), deep 2 (1 page), deeper 1 (1 page).
    expect(calls).toHaveLength(4);
  });

  it('does not descend where a shallow glob cannot match', async () => {
    const { inputs, calls } = fakeLoaderInputs(tree(paths));
    const found = await matchingFiles(new ArtifactListings(inputs), run('r'), 'plots/*.{png,jpg}', 100);
    expect(found.map((f) => f.path)).toEqual(['plots/a.png', 'plots/b.jpg', 'plots/c.png']);
    expect(calls.map((c) => c.params.path)).toEqual(['plots', 'plots']);
  });

  it(`stops past ${WALK_MAX_PAGES} listing pages with BAD_USER_INPUT`, async () => {
    const wide = Array.from({ length: 60 }, (_, i) => `d${String(i).padStart(2, '0')}/f.png`);
    const { inputs, calls } = fakeLoaderInputs(tree(wide));
    await expect(matchingFiles(new ArtifactListings(inputs), run('r'), '**/*.png', 1000)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_MANY_LISTINGS' },
    });
    expect(calls.length).toBeLessThanOrEqual(WALK_MAX_PAGES);
  });
});
