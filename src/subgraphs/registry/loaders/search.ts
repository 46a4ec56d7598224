import type { RequestContext } from '../../../context/RequestContext.js';
import type { CursorPosition } from '../../../graphql/connection.js';
import type { MlflowApi } from '../../../upstream/mlflow/MlflowApi.js';
import type { WireModelVersion } from '../../../upstream/mlflow/wire.js';
import { equalsFilter } from '../filters.js';
import { PROMPTS_ONLY } from '../prompts.js';

/** The most versions one model-versions/search returns (Databricks' threshold; MLflow OSS allows more). */
export const SEARCH_VERSIONS_MAX_RESULTS = 10_000;
/** The most models one registered-models/search returns (MLflow and Databricks). */
export const SEARCH_MODELS_MAX_RESULTS = 1_000;
/** Order of a model's versions in `RegisteredModel.versions`: newest first. */
export const VERSIONS_ORDER = ['version_number DESC'];

/**
 * Whose versions a search is after: a registered model's, or a prompt's. MLflow >= 3 leaves prompt versions out of
 * every search that does not ask for them by their tag (corpus seq 146), so a prompt's versions are searched with it.
 */
export type VersionScope = 'models' | 'prompts';

/** `filter` narrowed to the scope's versions (prompts: AND the prompt tag). */
export function scopedFilter(filter: string | undefined, scope: VersionScope): string | undefined {
  if (scope === 'models') return filter;
  return filter ? `${filter} AND ${PROMPTS_ONLY}` : PROMPTS_ONLY;
}

/** What a registry search uses of the request: the caller's cache and MLflow client. */
export type RegistrySearchContext = Pick<RequestContext, 'cache' | 'clients'>;

/** Versions of one model from a position, and MLflow's next page token. */
export interface VersionsPage {
  items: WireModelVersion[];
  nextToken: string | undefined;
}

/**
 * One model-versions/search through the shared cache: pages are kept per caller (what a search returns
 * depends on who asks) and every registry write makes them stale at once (invalidate.ts bumps the kind).
 * `onSent` is told when the cache has missed and the search is handed to MLflow (a prefetch waits for that).
 */
export function searchVersions(
  context: RegistrySearchContext,
  params: MlflowApi['searchModelVersions']['params'],
  onSent?: () => void,
): Promise<MlflowApi['searchModelVersions']['response']> {
  return context.cache.page('modelVersions', params, () => {
    onSent?.();
    return context.clients.mlflow.call('searchModelVersions', params);
  });
}

/** One registered-models/search through the shared cache (see {@link searchVersions}). */
export function searchModels(
  context: RegistrySearchContext,
  params: MlflowApi['searchRegisteredModels']['params'],
): Promise<MlflowApi['searchRegisteredModels']['response']> {
  return context.cache.page('registeredModels', params, () =>
    context.clients.mlflow.call('searchRegisteredModels', params),
  );
}

/** Every page of one model-versions/search (most answers fit one page). */
export async function searchAllVersions(
  context: RegistrySearchContext,
  filter: string,
  onSent?: () => void,
): Promise<WireModelVersion[]> {
  const all: WireModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const response = await searchVersions(context, { filter, ...(pageToken ? { page_token: pageToken } : {}) }, onSent);
    all.push(...(response.model_versions ?? []));
    pageToken = response.next_page_token || undefined;
  } while (pageToken);
  return all;
}

/**
 * One page of a model's (or a prompt's) versions, newest first, from `position`. Names MLflow cannot quote are searched
 * with a wider LIKE pattern; those results are narrowed to the exact name and paged by offset alone.
 */
export async function searchVersionsOfModel(
  context: RegistrySearchContext,
  name: string,
  size: number,
  position: CursorPosition,
  scope: VersionScope = 'models',
): Promise<VersionsPage> {
  const equals = equalsFilter('name', name);
  const { superset } = equals;
  const filter = scopedFilter(equals.filter, scope) as string;
  if (superset) {
    const response = await searchVersions(context, {
      filter,
      order_by: VERSIONS_ORDER,
      max_results: SEARCH_VERSIONS_MAX_RESULTS,
    });
    return {
      items: (response.model_versions ?? []).filter((v) => v.name === name).slice(position.o),
      nextToken: undefined,
    };
  }
  const response = await searchVersions(context, {
    filter,
    order_by: VERSIONS_ORDER,
    max_results: Math.min(SEARCH_VERSIONS_MAX_RESULTS, position.o + size),
    ...(position.t ? { page_token: position.t } : {}),
  });
  return { items: (response.model_versions ?? []).slice(position.o), nextToken: response.next_page_token || undefined };
}
