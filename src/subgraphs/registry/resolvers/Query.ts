import { authorizer } from '../../../auth/authorizer.js';
import { pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { fillPage } from '../../../graphql/fillPage.js';
import {
  registryLoaders,
  searchModels,
  searchVersions,
  SEARCH_MODELS_MAX_RESULTS,
  SEARCH_VERSIONS_MAX_RESULTS,
} from '../loaders.js';
import type { QueryResolvers } from '../resolvers.generated.js';
import { assertVersion } from '../toModels.js';

/** Root query fields of the registry subgraph. */
export const Query: QueryResolvers = {
  registeredModel: (_, { name }, context) => registryLoaders(context).registeredModelByName.load(name),

  async registeredModels(_, { filter, orderBy, first, after }, context) {
    const auth = authorizer(context);
    const cursors = connectionCursors(context, {
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
        registryLoaders(context).primeModels(models);
        return { items: models, nextToken: response.next_page_token || undefined };
      },
      readable: (models) =>
        Promise.all(models.map((m) => auth.allows({ kind: 'registeredModel', name: m.name }, 'CAN_READ'))),
    });
  },

  modelVersion: (_, { name, version }, context) =>
    registryLoaders(context).modelVersion.load({ name, version: assertVersion(version) }),

  modelVersionByAlias: (_, { name, alias }, context) =>
    registryLoaders(context).modelVersionByAlias.load({ name, alias }),

  async modelVersions(_, { filter, orderBy, first, after }, context) {
    // MLflow does not filter model-version searches by permission: pages are refilled past what the
    // caller may not read, so `first: N` still gives N.
    const auth = authorizer(context);
    const cursors = connectionCursors(context, {
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
        registryLoaders(context).primeVersions(versions);
        return { items: versions, nextToken: response.next_page_token || undefined };
      },
      readable: (versions) =>
        Promise.all(versions.map((v) => auth.allows({ kind: 'registeredModel', name: v.name }, 'CAN_READ'))),
    });
  },
};
