// Run.files(glob:): the files under a run's artifacts whose path matches a glob, found by listing directories
// breadth-first from the glob's fixed prefix (`plots/**/*.png` starts at `plots`, `**/MLmodel` at the root).
// MLflow has no recursive listing, so each directory page is one call; the walk is bounded (WALK_MAX_PAGES pages a
// run, which is also what the gateway's estimate prices a deep glob at) and every call counts in the request's
// budget like any other. Matching is Node's own path.matchesGlob (`*`, `?`, `**`, `{a,b}`).
import { posix } from 'node:path';
import { BadUserInputError } from '../../errors/SupergraphError.js';
import { safeArtifactPath } from '../../upstream/artifacts/artifactPath.js';
import type { ArtifactRoot } from '../../upstream/artifacts/ArtifactRoot.js';
import type { WireFileInfo } from '../../upstream/mlflow/wire.js';
import type { ArtifactListings } from './loaders/artifacts.js';

/** Listing pages one walk may read (each an upstream call when not cached). */
export const WALK_MAX_PAGES = 25;

/** Characters that make a glob segment a pattern. */
const PATTERN = /[*?[{]/;

/** A glob's segments, the directory the walk starts in, and whether it may descend below it. */
export interface GlobPlan {
  readonly glob: string;
  readonly segments: readonly string[];
  readonly prefix: string;
  /** The glob reaches below its prefix's immediate entries (a pattern directory segment, or `**`). */
  readonly deep: boolean;
}

/** Plans the walk of `glob` (BAD_USER_INPUT for a path that is unsafe as a glob: `..`, absolute, ...). */
export function planGlob(glob: string): GlobPlan {
  const safe = safeArtifactPath(glob);
  const segments = safe.split('/');
  const firstPattern = segments.findIndex((segment) => PATTERN.test(segment));
  // An exact path's walk lists its parent directory.
  const fixed = firstPattern < 0 ? segments.length - 1 : firstPattern;
  return {
    glob: safe,
    segments,
    prefix: segments.slice(0, fixed).join('/'),
    deep: segments.slice(fixed, -1).length > 0 || segments.includes('**'),
  };
}

/** Whether files matching the plan can sit below `directory`. */
function mayHold(plan: GlobPlan, directory: string): boolean {
  const parts = directory.split('/');
  const star = plan.segments.indexOf('**');
  for (const [index, part] of parts.entries()) {
    if (star >= 0 && index >= star) return true;
    const pattern = plan.segments[index];
    if (pattern === undefined || !posix.matchesGlob(part, pattern)) return false;
  }
  return star >= 0 || parts.length < plan.segments.length;
}

/**
 * The first `first` files under `root` matching `glob`, sorted by path. Directories of one depth are listed
 * together; past WALK_MAX_PAGES pages the walk stops with BAD_USER_INPUT rather than answer part of the tree.
 */
export async function matchingFiles(
  listings: Pick<ArtifactListings, 'page'>,
  root: ArtifactRoot,
  glob: string,
  first: number,
): Promise<WireFileInfo[]> {
  const plan = planGlob(glob);
  const found: WireFileInfo[] = [];
  let pages = 0;
  const listDirectory = async (directory: string): Promise<string[]> => {
    const below: string[] = [];
    let token: string | undefined;
    do {
      if (pages >= WALK_MAX_PAGES)
        throw new BadUserInputError(
          `files(glob: "${plan.glob}") needs more than ${WALK_MAX_PAGES} artifact listings of this run: start the glob with a longer fixed directory`,
          { reason: 'TOO_MANY_LISTINGS', max: WALK_MAX_PAGES },
        );
      pages += 1;
      const page = await listings.page(root, directory, token);
      for (const file of page.files ?? []) {
        if (file.is_dir) {
          if (mayHold(plan, file.path)) below.push(file.path);
        } else if (posix.matchesGlob(file.path, plan.glob)) found.push(file);
      }
      token = page.next_page_token || undefined;
    } while (token && found.length < first);
    return below;
  };
  let level = [plan.prefix];
  while (level.length > 0 && found.length < first) level = (await Promise.all(level.map(listDirectory))).flat();
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).slice(0, first);
}
