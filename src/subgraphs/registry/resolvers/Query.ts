import { buildConnection, decodeCursor, pageSize } from '../../../graphql/connection.js';
import { registryLoaders, SEARCH_MODELS_MAX_RESULTS, SEARCH_VERSIONS_MAX_RESULTS } from '../loaders.js';
import type { QueryResolvers } from '../resolvers.generated.js';
import { assertVersion } from '../toModels.js';

/** Root query fields of the registry subgraph. */
export const Query: QueryResolvers = {
  registeredModel: (_, { name }, context) => registryLoaders(context).registeredModelByName.load(name),

  async registeredModels(_, { filter, orderBy, first, after }, context) {
    const size = pageSize(first);
    const position = decodeCursor(after);
    const response = await context.mlflow.call('searchRegisteredModels', {
      // Resuming mid-page re-reads the page and skips; capped at the backend's maximum, which can only make
      // this page shorter (its last cursor is then MLflow's next token, so nothing is skipped).
      max_results: Math.min(SEARCH_MODELS_MAX_RESULTS, position.o + size),
      ...(position.t ? { page_token: position.t } : {}),
      ...(filter ? { filter } : {}),
      ...(orderBy?.length ? { order_by: [...orderBy] } : {}),
    });
    const models = (response.registered_models ?? []).slice(position.o);
    registryLoaders(context).primeModels(models);
    return buildConnection(models, size, position, response.next_page_token || undefined);
  },

  modelVersion: (_, { name, version }, context) => registryLoaders(context).modelVersion.load({ name, version: assertVersion(version) }),

  modelVersionByAlias: (_, { name, alias }, context) => registryLoaders(context).modelVersionByAlias.load({ name, alias }),

  async modelVersions(_, { filter, orderBy, first, after }, context) {
    const size = pageSize(first);
    const position = decodeCursor(after);
    const response = await context.mlflow.call('searchModelVersions', {
      max_results: Math.min(SEARCH_VERSIONS_MAX_RESULTS, position.o + size),
      ...(position.t ? { page_token: position.t } : {}),
      ...(filter ? { filter } : {}),
      ...(orderBy?.length ? { order_by: [...orderBy] } : {}),
    });
    const versions = (response.model_versions ?? []).slice(position.o);
    registryLoaders(context).primeVersions(versions);
    return buildConnection(versions, size, position, response.next_page_token || undefined);
  },
};
