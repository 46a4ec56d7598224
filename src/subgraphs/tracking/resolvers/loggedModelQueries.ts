import { BadUserInputError } from '../../../errors/SupergraphError.js';
import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import type { WireDatasetRef, WireLoggedModelOrderBy } from '../../../upstream/mlflow/wire.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { DatasetRefInput, LoggedModelOrderBy, QueryResolvers } from '../resolvers.generated.js';

/** The GraphQL sort keys as MLflow's structured `order_by`. */
function wireOrderBy(orderBy: readonly LoggedModelOrderBy[]): WireLoggedModelOrderBy[] {
  return orderBy.map((key) => ({
    field_name: key.field,
    ascending: key.ascending ?? true,
    ...(key.datasetName ? { dataset_name: key.datasetName } : {}),
    ...(key.datasetDigest ? { dataset_digest: key.datasetDigest } : {}),
  }));
}

/** The GraphQL dataset references as MLflow's `datasets`. */
function wireDatasets(datasets: readonly DatasetRefInput[]): WireDatasetRef[] {
  return datasets.map((d) => ({ dataset_name: d.name, ...(d.digest ? { dataset_digest: d.digest } : {}) }));
}

/** Root fields over MLflow 3's logged models. */
export const loggedModelQueries: Pick<QueryResolvers, 'loggedModel' | 'loggedModels'> = {
  async loggedModel(_, { id }, context) {
    await context.clients.mlflow.requireFeature('loggedModels', 'getLoggedModel');
    return context.loaders.get(trackingLoaders).loggedModelById.load(id);
  },

  async loggedModels(_, { experimentIds, filter, orderBy, datasets, first, after }, context) {
    await context.clients.mlflow.requireFeature('loggedModels', 'searchLoggedModels');
    if (experimentIds.length === 0) throw new BadUserInputError('experimentIds must name at least one experiment');
    const size = pageSize(first);
    const order = wireOrderBy(orderBy ?? []);
    const sets = wireDatasets(datasets ?? []);
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'Query.loggedModels',
      args: { experimentIds, filter: filter || null, orderBy: order, datasets: sets },
    });
    const position = cursors.decode(after);
    // Search only the experiments the caller may read (as Query.runs): every model returned is readable, pages
    // stay full, and a hidden experiment's models never cost a call.
    const auth = context.authorizer;
    const allowed = await Promise.all(experimentIds.map((id) => auth.allows({ kind: 'experiment', id }, 'CAN_READ')));
    const readable = experimentIds.filter((_, index) => allowed[index]);
    if (readable.length === 0) return buildConnection([], size, position, undefined, cursors);
    const params = {
      experiment_ids: readable,
      max_results: position.o + size,
      ...(filter ? { filter } : {}),
      ...(order.length ? { order_by: order } : {}),
      ...(sets.length ? { datasets: sets } : {}),
      ...(position.t ? { page_token: position.t } : {}),
    };
    const response = await context.cache.page('loggedModels', params, () =>
      context.clients.mlflow.call('searchLoggedModels', params),
    );
    const models = (response.models ?? []).slice(position.o);
    context.loaders.get(trackingLoaders).primeLoggedModels(models);
    return buildConnection(models, size, position, response.next_page_token || undefined, cursors);
  },
};
