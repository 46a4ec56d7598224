import DataLoader from 'dataloader';
import { fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import type { WireModelVersion } from '../../../upstream/mlflow/wire.js';
import type { LoaderInputs } from '../../loaderInputs.js';
import {
  type RegistrySearchContext,
  scopedFilter,
  searchVersions,
  searchVersionsOfModel,
  type VersionScope,
  VERSIONS_ORDER,
  type VersionsPage,
} from './search.js';

/** Registries with at most this many versions are listed in one search when many models' versions are asked for. */
export const ALL_VERSIONS_AT_ONCE = 1_000;

/** The first page of one model's versions. */
export interface VersionsPageKey {
  name: string;
  size: number;
}

/** Model → the first page of its versions. */
export type FirstVersionsPageLoader = DataLoader<VersionsPageKey, VersionsPage, string>;

/** What the loader is built from besides the request's members. */
export interface FirstVersionsPageInputs extends LoaderInputs, RegistrySearchContext {
  /** Where every version found goes (the by-number memo). */
  readonly primeVersions: (versions: readonly WireModelVersion[]) => void;
  /** Registered models' versions, or prompts' (each has a loader of its own). */
  readonly scope: VersionScope;
}

/**
 * First pages of many models' versions. MLflow's grammar has no `name IN (...)` for versions, so the versions of
 * 20 models would be 20 searches: a registry small enough to list in one page is listed once and split by model
 * instead; a larger one gets one `name =` search per model.
 */
export function createFirstVersionsPageLoader(inputs: FirstVersionsPageInputs): FirstVersionsPageLoader {
  const { telemetry, options, primeVersions, scope } = inputs;
  const all = scopedFilter(undefined, scope);

  /** Every version of every model, by model, when they fit one search page; undefined when they do not. */
  async function allVersionsIfFew(): Promise<Map<string, WireModelVersion[]> | undefined> {
    try {
      const response = await searchVersions(inputs, {
        max_results: ALL_VERSIONS_AT_ONCE,
        order_by: VERSIONS_ORDER,
        ...(all ? { filter: all } : {}),
      });
      if (response.next_page_token) return undefined;
      const byModel = new Map<string, WireModelVersion[]>();
      for (const version of response.model_versions ?? [])
        byModel.set(version.name, [...(byModel.get(version.name) ?? []), version]);
      primeVersions(response.model_versions ?? []);
      return byModel;
    } catch {
      return undefined; // an optimization only: fall back to one search per model
    }
  }

  return new DataLoader(
    tracedBatch(
      telemetry,
      scope === 'prompts' ? 'firstPromptVersionsPage' : 'firstVersionsPage',
      async (keys: readonly VersionsPageKey[]) => {
        if (new Set(keys.map((k) => k.name)).size >= 2) {
          const everything = await allVersionsIfFew();
          if (everything) {
            return keys.map(({ name }) => ({
              items: (everything.get(name) ?? []).sort((a, b) => Number(b.version) - Number(a.version)),
              nextToken: undefined,
            }));
          }
        }
        return fanOut(keys, async ({ name, size }) => {
          const page = await searchVersionsOfModel(inputs, name, size, { o: 0 }, scope);
          primeVersions(page.items);
          return page;
        });
      },
    ),
    { ...options, cacheKeyFn: ({ name, size }) => `${name}\u0000${size}` },
  );
}
