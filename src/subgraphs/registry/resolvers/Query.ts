import { pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { fillPage } from '../../../graphql/fillPage.js';
import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import {
  searchModels,
  searchVersions,
  SEARCH_MODELS_MAX_RESULTS,
  SEARCH_VERSIONS_MAX_RESULTS,
} from '../loaders/search.js';
import type { QueryResolvers } from '../resolvers.generated.js';
import { assertVersion } from '../toModels.js';

/** Root query fields of the registry subgraph. */
export const Query: QueryResolvers = {
  registeredModel: (_, { name }, context) => context.loaders.get(registryLoaders).registeredModelByName.load(name),

  async registeredModels(_, { filter, orderBy, first, after }, context) {
    const auth = context.authorizer;
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'Query.registeredModels',
      args: { filter: filter || null, orderBy: orderBy ?? [] },
    });
    return fillPage({
      size: pageSize(first),
      position: cursors.decode(after),
      cursors,
      maxResults: SEARCH_MODELS_MAX_RESULTS,
      async fetch(pageToken, maxResults) {
        const response = await searchModels(context, {
          max_results: maxResults,
          ...(pageToken ? { page_token: pageToken } : {}),
          ...(filter ? { filter } : {}),
          ...(orderBy?.length ? { order_by: [...orderBy] } : {}),
        });
        const models = response.registered_models ?? [];
        context.loaders.get(registryLoaders).primeModels(models);
        return { items: models, nextToken: response.next_page_token || undefined };
      },
      readable: (models) =>
        Promise.all(models.map((m) => auth.allows({ kind: 'registeredModel', name: m.name }, 'CAN_READ'))),
    });
  },

  modelVersion: (_, { name, version }, context) =>
    context.loaders.get(registryLoaders).modelVersion.load({ name, version: assertVersion(version) }),

  modelVersionByAlias: (_, { name, alias }, context) =>
    context.loaders.get(registryLoaders).modelVersionByAlias.load({ name, alias }),

  async modelVersions(_, { filter, orderBy, first, after }, context) {
    // MLflow does not filter model-version searches by permission: pages are refilled past what the
    // caller may not read, so `first: N` still gives N.
    const auth = context.authorizer;
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'Query.modelVersions',
      args: { filter: filter || null, orderBy: orderBy ?? [] },
    });
    return fillPage({
      size: pageSize(first),
      position: cursors.decode(after),
      cursors,
      maxResults: SEARCH_VERSIONS_MAX_RESULTS,
      async fetch(pageToken, maxResults) {
        const response = await searchVersions(context, {
          max_results: maxResults,
          ...(pageToken ? { page_token: pageToken } : {}),
          ...(filter ? { filter } : {}),
          ...(orderBy?.length ? { order_by: [...orderBy] } : {}),
        });
        const versions = response.model_versions ?? [];
        context.loaders.get(registryLoaders).primeVersions(versions);
        return { items: versions, nextToken: response.next_page_token || undefined };
      },
      readable: (versions) =>
        Promise.all(versions.map((v) => auth.allows({ kind: 'registeredModel', name: v.name }, 'CAN_READ'))),
    });
  },
};
