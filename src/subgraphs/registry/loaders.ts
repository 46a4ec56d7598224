import DataLoader from 'dataloader';
import { loaderOptions } from '../../graphql/loaderOptions.js';
import { tracedBatch } from '../../observability/traceBatch.js';
import { fanOut } from '../../graphql/fanOut.js';
import type { MlflowApi } from '../../upstream/mlflow/MlflowApi.js';
import type { RequestContext } from '../../context/RequestContext.js';
import { defineLoaders } from '../../context/defineLoaders.js';
import type { CursorPosition } from '../../graphql/connection.js';
import type { WireActivity } from '../../upstream/databricks/wire.js';
import { isNotFound, orNull, UpstreamError } from '../../upstream/http/UpstreamError.js';
import { requestPath } from '../../upstream/http/requestLine.js';
import { mlflowEndpoints } from '../../upstream/mlflow/endpoints.js';
import type { WireModelVersion, WireRegisteredModel } from '../../upstream/mlflow/wire.js';
import { registryDatabricks } from './databricks.js';
import { chunkRunIdsByRequestLine, equalsFilter, runIdInFilter, survivesRunIdInList } from './filters.js';

/** The most versions one model-versions/search returns (Databricks' threshold; MLflow OSS allows more). */
export const SEARCH_VERSIONS_MAX_RESULTS = 10_000;
/** The most models one registered-models/search returns (MLflow and Databricks). */
export const SEARCH_MODELS_MAX_RESULTS = 1_000;
/** Registries with at most this many versions are listed in one search when many models' versions are asked for. */
export const ALL_VERSIONS_AT_ONCE = 1_000;
/** Order of a model's versions in `RegisteredModel.versions`: newest first. */
export const VERSIONS_ORDER = ['version_number DESC'];
/** Room kept in a chunked GET for a page token, should a chunk's answer need more than one page. */
const PAGE_TOKEN_ALLOWANCE = `page_token=${'x'.repeat(96)}`;

/**
 * MLflow 2.x answers an unknown alias with 400 INVALID_PARAMETER_VALUE "Registered model alias nope not
 * found." (corpus seq 140) rather than 404: that is "not found", not bad input.
 */
export function isAliasNotFound(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    error.errorCode === 'INVALID_PARAMETER_VALUE' &&
    /alias .* not found/i.test(error.message)
  );
}

/** A model version's key. */
export interface VersionKey {
  name: string;
  version: string;
}

/** An alias lookup's key. */
export interface AliasKey {
  name: string;
  alias: string;
}

/** The first page of one model's versions. */
export interface VersionsPageKey {
  name: string;
  size: number;
}

/** Versions of one model from a position, and MLflow's next page token. */
export interface VersionsPage {
  items: WireModelVersion[];
  nextToken: string | undefined;
}

const versionKey = ({ name, version }: VersionKey) => `${name}\u0000${version}`;

/**
 * One page of a model's versions, newest first, from `position`. Names MLflow cannot quote are searched
 * with a wider LIKE pattern; those results are narrowed to the exact name and paged by offset alone.
 */
export async function searchVersionsOfModel(
  context: RegistrySearchContext,
  name: string,
  size: number,
  position: CursorPosition,
): Promise<VersionsPage> {
  const { filter, superset } = equalsFilter('name', name);
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

/** What a registry search uses of the request: the caller's cache and MLflow client. */
export type RegistrySearchContext = Pick<RequestContext, 'cache' | 'clients'>;

/**
 * One model-versions/search through the shared cache: pages are kept per caller (what a search returns
 * depends on who asks) and every registry write makes them stale at once (invalidate.ts bumps the kind).
 */
export function searchVersions(
  context: RegistrySearchContext,
  params: MlflowApi['searchModelVersions']['params'],
): Promise<MlflowApi['searchModelVersions']['response']> {
  return context.cache.page('modelVersions', params, () => context.clients.mlflow.call('searchModelVersions', params));
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
async function searchAllVersions(context: RegistrySearchContext, filter: string): Promise<WireModelVersion[]> {
  const all: WireModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const response = await searchVersions(context, { filter, ...(pageToken ? { page_token: pageToken } : {}) });
    all.push(...(response.model_versions ?? []));
    pageToken = response.next_page_token || undefined;
  } while (pageToken);
  return all;
}

/** The per-request DataLoaders of the registry subgraph. */
export interface RegistryLoaders {
  registeredModelByName: DataLoader<string, WireRegisteredModel | null>;
  modelVersion: DataLoader<VersionKey, WireModelVersion | null, string>;
  modelVersionByAlias: DataLoader<AliasKey, WireModelVersion | null, string>;
  /** Run id → every version registered from it: one `run_id IN (...)` search per request-line-sized chunk. */
  modelVersionsByRunId: DataLoader<string, WireModelVersion[]>;
  /** Model → the first page of its versions (one search per model: the grammar has no `name IN`). */
  firstVersionsPage: DataLoader<VersionsPageKey, VersionsPage, string>;
  downloadUri: DataLoader<VersionKey, string, string>;
  /** Databricks only: open transition requests of a version. */
  transitionRequests: DataLoader<VersionKey, WireActivity[], string>;
  /** Puts models from a search into the memo (and the versions they embed). */
  primeModels(models: readonly WireRegisteredModel[]): void;
  /** Puts versions from a search into the memo. */
  primeVersions(versions: readonly WireModelVersion[]): void;
}

/** Creates the loaders for one request. Never shared between requests (they memoize per caller). */
export function createRegistryLoaders(context: RequestContext): RegistryLoaders {
  const { mlflow } = context.clients;
  const { telemetry } = context;
  const { profile, mlflowHttp, config } = context.services;
  const options = loaderOptions(config);

  const registeredModelByName: RegistryLoaders['registeredModelByName'] = new DataLoader(
    // No batch endpoint for models by name: deduplicated (DataLoader) and fanned out with a bound.
    tracedBatch(telemetry, 'registeredModelByName', (names: readonly string[]) =>
      fanOut(names, (name) => orNull(async () => (await mlflow.call('getRegisteredModel', { name })).registered_model)),
    ),
    options,
  );

  const modelVersion: RegistryLoaders['modelVersion'] = new DataLoader(
    tracedBatch(telemetry, 'modelVersion', (keys: readonly VersionKey[]) =>
      fanOut(keys, (key) =>
        orNull(
          async () => (await mlflow.call('getModelVersion', { name: key.name, version: key.version })).model_version,
        ),
      ),
    ),
    { ...options, cacheKeyFn: versionKey },
  );

  const modelVersionByAlias: RegistryLoaders['modelVersionByAlias'] = new DataLoader(
    (keys) =>
      fanOut(keys, async ({ name, alias }) => {
        const found = await orNull(
          async () => (await mlflow.call('getModelVersionByAlias', { name, alias })).model_version,
          (error) => isNotFound(error) || isAliasNotFound(error),
        );
        if (found) modelVersion.prime({ name: found.name, version: found.version }, found);
        return found;
      }),
    { ...options, cacheKeyFn: ({ name, alias }) => `${name}\u0000${alias}` },
  );

  const modelVersionsByRunId: RegistryLoaders['modelVersionsByRunId'] = new DataLoader(
    tracedBatch(telemetry, 'modelVersionsByRunId', async (runIds: readonly string[]) => {
      if (profile.capabilities.versionsInModel) return versionsByRunFromModels(runIds);
      const unique = [...new Set(runIds)];
      const found = new Map<string, WireModelVersion[] | Error>(unique.map((id) => [id, []]));
      // Ids MLflow keeps in an IN list go in request-line-sized chunks; the others one by one with `=`.
      const listed = unique.filter(survivesRunIdInList);
      const searches = [
        ...chunkRunIdsByRequestLine(
          listed,
          requestPath(mlflowHttp, mlflowEndpoints.searchModelVersions),
          PAGE_TOKEN_ALLOWANCE,
        ).map((ids) => ({ ids, filter: runIdInFilter(ids), superset: false })),
        ...unique.filter((id) => !survivesRunIdInList(id)).map((id) => ({ ids: [id], ...equalsFilter('run_id', id) })),
      ];
      const answers = await fanOut(searches, (search) => searchAllVersions(context, search.filter));
      searches.forEach((search, index) => {
        const answer = answers[index] as WireModelVersion[] | Error;
        if (answer instanceof Error) {
          for (const id of search.ids) found.set(id, answer);
          return;
        }
        primeVersions(answer);
        for (const version of answer) {
          const list = version.run_id === undefined ? undefined : found.get(version.run_id);
          if (Array.isArray(list) && (!search.superset || search.ids.includes(version.run_id as string)))
            list.push(version);
        }
      });
      return runIds.map((id) => found.get(id) ?? []);
    }),
    options,
  );

  /**
   * GitLab has no model-version search, but every model lists all its versions: one registered-models search
   * (paged) indexes the versions of the whole project by run, however many runs ask.
   */
  async function versionsByRunFromModels(runIds: readonly string[]): Promise<WireModelVersion[][]> {
    const byRun = new Map<string, WireModelVersion[]>();
    let pageToken: string | undefined;
    do {
      const params = { max_results: SEARCH_MODELS_MAX_RESULTS, ...(pageToken ? { page_token: pageToken } : {}) };
      const response = await searchModels(context, params);
      for (const model of response.registered_models ?? []) {
        registeredModelByName.prime(model.name, model);
        for (const version of model.gitlab_versions ?? []) {
          if (version.run_id) byRun.set(version.run_id, [...(byRun.get(version.run_id) ?? []), version]);
        }
      }
      pageToken = response.next_page_token || undefined;
    } while (pageToken);
    for (const versions of byRun.values()) primeVersions(versions);
    return runIds.map((id) => byRun.get(id) ?? []);
  }

  const firstVersionsPage: RegistryLoaders['firstVersionsPage'] = new DataLoader(
    tracedBatch(telemetry, 'firstVersionsPage', async (keys: readonly VersionsPageKey[]) => {
      // MLflow's grammar has no `name IN (...)` for versions, so the versions of 20 models would be 20
      // searches. A registry small enough to list in one page is listed once and split by model instead.
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
        const page = await searchVersionsOfModel(context, name, size, { o: 0 });
        primeVersions(page.items);
        return page;
      });
    }),
    { ...options, cacheKeyFn: ({ name, size }) => `${name}\u0000${size}` },
  );

  /** Every version of every model, by model, when they fit one search page; undefined when they do not. */
  async function allVersionsIfFew(): Promise<Map<string, WireModelVersion[]> | undefined> {
    try {
      const response = await searchVersions(context, { max_results: ALL_VERSIONS_AT_ONCE, order_by: VERSIONS_ORDER });
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

  const downloadUri: RegistryLoaders['downloadUri'] = new DataLoader(
    (keys) =>
      fanOut(
        keys,
        async (key) =>
          (await mlflow.call('getModelVersionDownloadUri', { name: key.name, version: key.version })).artifact_uri,
      ),
    { ...options, cacheKeyFn: versionKey },
  );

  const transitionRequests: RegistryLoaders['transitionRequests'] = new DataLoader(
    async (keys) => {
      const databricks = registryDatabricks(profile, context.clients, 'ModelVersion.transitionRequests');
      return fanOut(
        keys,
        async (key) =>
          (await databricks.call('listTransitionRequests', { name: key.name, version: key.version })).requests ?? [],
      );
    },
    { ...options, cacheKeyFn: versionKey },
  );

  function primeVersions(versions: readonly WireModelVersion[]) {
    for (const version of versions) modelVersion.prime({ name: version.name, version: version.version }, version);
  }

  function primeModels(models: readonly WireRegisteredModel[]) {
    for (const model of models) {
      registeredModelByName.prime(model.name, model);
      primeVersions(model.latest_versions ?? []);
    }
  }

  return {
    registeredModelByName,
    modelVersion,
    modelVersionByAlias,
    modelVersionsByRunId,
    firstVersionsPage,
    downloadUri,
    transitionRequests,
    primeModels,
    primeVersions,
  };
}

/** The registry subgraph's loaders: `context.loaders.get(registryLoaders)` (built on first use in a request). */
export const registryLoaders = defineLoaders('registry', createRegistryLoaders);
