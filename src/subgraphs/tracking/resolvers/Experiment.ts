import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { runsSearchParams } from '../../../upstream/mlflow/runsSearchParams.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import { experimentEvaluationDatasets } from './EvaluationDataset.js';
import type { ExperimentResolvers } from '../resolvers.generated.js';
import { lifecycleStage, tagList, tagValue, wireViewType } from '../toModels.js';
import { experimentTraces } from './traceQueries.js';

/** Fields of Experiment, backed by MLflow's experiment object. */
export const Experiment: ExperimentResolvers = {
  // _entities: another subgraph (permissions, registry) refers to an experiment by id.
  __resolveReference: (reference, context) => context.loaders.get(trackingLoaders).experimentById.load(reference.id),
  id: (experiment) => experiment.experiment_id,
  name: (experiment) => experiment.name,
  artifactLocation: (experiment) => experiment.artifact_location ?? null,
  lifecycleStage: (experiment) => lifecycleStage(experiment.lifecycle_stage),
  creationTime: (experiment) => experiment.creation_time ?? null,
  lastUpdateTime: (experiment) => experiment.last_update_time ?? null,
  tags: (experiment) => tagList(experiment.tags),
  tag: (experiment, { key }) => tagValue(experiment.tags, key),
  ...experimentEvaluationDatasets,

  async runs(experiment, { filter, orderBy, viewType, first, after }, context) {
    const size = pageSize(first);
    const args = { filter: filter ?? null, orderBy: orderBy ?? null, viewType: wireViewType(viewType), size };
    const loaders = context.loaders.get(trackingLoaders);
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'Experiment.runs',
      args: {
        experimentId: experiment.experiment_id,
        filter: filter || null,
        orderBy: orderBy ?? [],
        viewType: args.viewType,
      },
    });
    if (!after) {
      // First pages of many experiments are fetched together (one runs/search per 10 experiments).
      const page = await loaders.firstRunsPage.load({ experimentId: experiment.experiment_id, args });
      const connection = buildConnection(page.runs, size, { o: 0 }, undefined, cursors);
      connection.pageInfo.hasNextPage = page.hasMore;
      return connection;
    }
    const position = cursors.decode(after);
    const params = runsSearchParams({
      ...args,
      experimentIds: [experiment.experiment_id],
      maxResults: position.o + size,
      pageToken: position.t,
    });
    const response = await context.cache.page('runs', params, () => context.clients.mlflow.call('searchRuns', params));
    const runs = (response.runs ?? []).slice(position.o);
    loaders.primeRuns(runs);
    return buildConnection(runs, size, position, response.next_page_token || undefined, cursors);
  },

  traces: experimentTraces,
};
