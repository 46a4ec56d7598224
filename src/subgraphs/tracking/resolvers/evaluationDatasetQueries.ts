import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { QueryResolvers } from '../resolvers.generated.js';
import { searchReadableDatasets } from './EvaluationDataset.js';

// Root fields over MLflow 3's evaluation datasets. The feature and the arguments are checked by the field gates
// (evaluationDatasetGates.ts) before these run; the type-level rule checks every dataset they return.

/** Root fields over MLflow 3's evaluation datasets. */
export const evaluationDatasetQueries: Pick<QueryResolvers, 'evaluationDataset' | 'evaluationDatasets'> = {
  evaluationDataset: (_, { id }, context) => context.loaders.get(trackingLoaders).evaluationDatasetById.load(id),

  async evaluationDatasets(_, { experimentIds, filter, orderBy, first, after }, context) {
    // Search only the experiments the caller may read (as Query.runs): MLflow 3.11.1's basic-auth checks no dataset
    // endpoint, so a hidden experiment's datasets must not even be searched.
    const auth = context.authorizer;
    const allowed = await Promise.all(experimentIds.map((id) => auth.allows({ kind: 'experiment', id }, 'CAN_READ')));
    const readable = experimentIds.filter((_, index) => allowed[index]);
    if (readable.length === 0) {
      const cursors = connectionCursors(context.services.keys, context.principal, {
        field: 'Query.evaluationDatasets',
        args: { experimentIds, filter: filter || null, orderBy: [...(orderBy ?? [])] },
      });
      return buildConnection([], pageSize(first), cursors.decode(after), undefined, cursors);
    }
    // Cursors are bound to the experiments searched: one issued before a grant changed is refused (fails closed).
    return searchReadableDatasets(context, {
      field: 'Query.evaluationDatasets',
      experimentIds: readable,
      filter,
      orderBy,
      first,
      after,
    });
  },
};
