import type { RequestContext } from '../../../context/RequestContext.js';
import { pageSize, type Connection } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { fillPage, type UpstreamPage } from '../../../graphql/fillPage.js';
import type { MlflowApi } from '../../../upstream/mlflow/MlflowApi.js';
import {
  searchModels,
  searchVersions,
  SEARCH_MODELS_MAX_RESULTS,
  SEARCH_VERSIONS_MAX_RESULTS,
} from '../loaders/search.js';
import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import type { QueryRegisteredModelsArgs, QueryResolvers } from '../resolvers.generated.js';
import { loadPrompt } from '../loadPrompt.js';
import { isPromptModel, isPromptVersion, promptsFilter, refusePromptClause } from '../prompts.js';
import { assertVersion } from '../toModels.js';

/** The parameters both registry searches take (registered-models/search and model-versions/search alike). */
type SearchParams = MlflowApi['searchRegisteredModels']['params'] & MlflowApi['searchModelVersions']['params'];

/** One registry search: the upstream call, where its answer lists the items, and how they enter the request's memo. */
interface RegistrySearch<R, T> {
  readonly search: (params: SearchParams) => Promise<R & { next_page_token?: string }>;
  readonly items: (response: R) => T[];
  readonly prime: (items: T[]) => void;
  /** The filter sent upstream (the caller's, or the caller's with the graph's own condition). */
  readonly filter: string | undefined;
  /**
   * Which items belong in this list whatever the caller may read: prompts are kept out of registered models and their
   * versions (MLflow 2.x lists them with everything else), and only prompts go in `prompts`.
   */
  readonly belongs: (item: T) => boolean;
}

/**
 * A registry search as a page of what the caller may read, each item checked as its model (a version inherits its
 * model's permission). MLflow does not filter model-version searches by permission, so pages are refilled past
 * what the caller may not read (or what does not belong in the list), and `first: N` still gives N.
 */
function registrySearch<R, T extends { name: string }>(
  context: RequestContext,
  field: 'Query.registeredModels' | 'Query.modelVersions' | 'Query.prompts',
  { filter, orderBy, first, after }: QueryRegisteredModelsArgs,
  maxResults: number,
  { search, items, prime, filter: upstreamFilter, belongs }: RegistrySearch<R, T>,
): Promise<Connection<T>> {
  const auth = context.authorizer;
  const cursors = connectionCursors(context.services.keys, context.principal, {
    field,
    args: { filter: filter || null, orderBy: orderBy ?? [] },
  });
  return fillPage({
    size: pageSize(first),
    position: cursors.decode(after),
    cursors,
    maxResults,
    async fetch(pageToken, pageMax): Promise<UpstreamPage<T>> {
      const response = await search({
        max_results: pageMax,
        ...(pageToken ? { page_token: pageToken } : {}),
        ...(upstreamFilter ? { filter: upstreamFilter } : {}),
        ...(orderBy?.length ? { order_by: [...orderBy] } : {}),
      });
      const found = items(response);
      prime(found);
      return { items: found, nextToken: response.next_page_token || undefined };
    },
    readable: (found) =>
      Promise.all(
        found.map(
          async (item) =>
            belongs(item) && (await auth.allows({ kind: 'registeredModel', name: item.name }, 'CAN_READ')),
        ),
      ),
  });
}

/** Root query fields of the registry subgraph. */
export const Query: QueryResolvers = {
  registeredModel: (_, { name }, context) => context.loaders.get(registryLoaders).registeredModelByName.load(name),

  registeredModels: (_, args, context) => {
    refusePromptClause(args.filter, 'registeredModels');
    return registrySearch(context, 'Query.registeredModels', args, SEARCH_MODELS_MAX_RESULTS, {
      search: (params) => searchModels(context, params),
      items: (response) => response.registered_models ?? [],
      prime: (models) => context.loaders.get(registryLoaders).primeModels(models),
      // MLflow 3 leaves prompts out of a search whose filter does not name their tag; the graph never names it
      // (older servers would compare it literally) and leaves out whatever prompt an older server lists.
      filter: args.filter || undefined,
      belongs: (model) => !isPromptModel(model),
    });
  },

  modelVersion: (_, { name, version }, context) =>
    context.loaders.get(registryLoaders).modelVersion.load({ name, version: assertVersion(version) }),

  modelVersionByAlias: (_, { name, alias }, context) =>
    context.loaders.get(registryLoaders).modelVersionByAlias.load({ name, alias }),

  modelVersions: (_, args, context) => {
    refusePromptClause(args.filter, 'modelVersions');
    return registrySearch(context, 'Query.modelVersions', args, SEARCH_VERSIONS_MAX_RESULTS, {
      search: (params) => searchVersions(context, params),
      items: (response) => response.model_versions ?? [],
      prime: (versions) => context.loaders.get(registryLoaders).primeVersions(versions),
      filter: args.filter || undefined,
      belongs: (version) => !isPromptVersion(version),
    });
  },

  // Refused where the backend has no prompt registry by the schema's gate (promptSupport.ts), before this runs.
  prompts: (_, args, context) =>
    registrySearch(context, 'Query.prompts', args, SEARCH_MODELS_MAX_RESULTS, {
      search: (params) => searchModels(context, params),
      items: (response) => response.registered_models ?? [],
      prime: (models) => context.loaders.get(registryLoaders).primeModels(models),
      filter: promptsFilter(args.filter),
      belongs: (model) => isPromptModel(model),
    }),

  prompt: (_, { name }, context) => loadPrompt(context, name),
};
