import type { RequestContext } from '../../../context/RequestContext.js';
import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { fillPage } from '../../../graphql/fillPage.js';
import { decodeJsonText, decodeRecords, decodeTagText } from '../../../upstream/mlflow/datasetJson.js';
import { tagPairs } from '../../../upstream/mlflow/tagPairs.js';
import type { WireEvaluationDataset } from '../../../upstream/mlflow/wire.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type {
  EvaluationDatasetRecordResolvers,
  EvaluationDatasetResolvers,
  ExperimentResolvers,
} from '../resolvers.generated.js';
import { nonEmpty } from '../toModels.js';

/**
 * Which of `datasets` the caller may read: CAN_READ on every experiment each is linked to (a dataset linked to none:
 * an administrator only). The links cost one experiment-ids call per dataset, fanned out and cached.
 */
export async function readableDatasets(
  context: RequestContext,
  datasets: readonly WireEvaluationDataset[],
): Promise<boolean[]> {
  const loaders = context.loaders.get(trackingLoaders);
  return Promise.all(
    datasets.map(async (dataset) => {
      const experimentIds = await loaders.evaluationDatasetExperiments.load(dataset.dataset_id);
      // A dataset deleted between the search and this read is left out.
      if (!experimentIds) return false;
      return context.authorizer.allowsEvery(
        experimentIds.map((id) => ({ kind: 'experiment', id })),
        'CAN_READ',
      );
    }),
  );
}

/**
 * One page of datasets/search over `experimentIds`, with only the datasets the caller may read, refilled from later
 * pages so `first: 20` still gives 20 (MLflow's basic-auth filters nothing here: a dataset linked to a readable
 * experiment may be linked to a hidden one too).
 */
export function searchReadableDatasets(
  context: RequestContext,
  args: {
    field: string;
    experimentIds: string[];
    filter: string | null | undefined;
    orderBy: readonly string[] | null | undefined;
    first: number | null | undefined;
    after: string | null | undefined;
  },
) {
  const size = pageSize(args.first);
  const orderBy = [...(args.orderBy ?? [])];
  const cursors = connectionCursors(context.services.keys, context.principal, {
    field: args.field,
    args: { experimentIds: args.experimentIds, filter: args.filter || null, orderBy },
  });
  const loaders = context.loaders.get(trackingLoaders);
  return fillPage({
    size,
    position: cursors.decode(args.after),
    cursors,
    maxResults: 1000,
    async fetch(pageToken, maxResults) {
      const params = {
        experiment_ids: args.experimentIds,
        max_results: maxResults,
        ...(args.filter ? { filter_string: args.filter } : {}),
        ...(orderBy.length ? { order_by: orderBy } : {}),
        ...(pageToken ? { page_token: pageToken } : {}),
      };
      const response = await context.cache.page('evaluationDatasets', params, () =>
        context.clients.mlflow.call('searchEvaluationDatasets', params),
      );
      const datasets = response.datasets ?? [];
      loaders.primeEvaluationDatasets(datasets);
      return { items: datasets, nextToken: response.next_page_token || undefined };
    },
    readable: (datasets) => readableDatasets(context, datasets),
  });
}

/** Fields of EvaluationDataset (MLflow 3), backed by MLflow's dataset object. */
export const EvaluationDataset: EvaluationDatasetResolvers = {
  // _entities: refused (no call) where the backend has no datasets; the type-level rule then checks every link.
  async __resolveReference(reference, context) {
    await context.clients.mlflow.requireFeature('evaluationDatasets', 'getEvaluationDataset');
    return context.loaders.get(trackingLoaders).evaluationDatasetById.load(reference.id);
  },
  id: (dataset) => dataset.dataset_id,
  name: (dataset) => dataset.name,
  digest: (dataset) => nonEmpty(dataset.digest),
  schema: (dataset) => decodeJsonText(dataset.schema) ?? null,
  profile: (dataset) => decodeJsonText(dataset.profile) ?? null,
  tags: (dataset) => decodeTagText(dataset.tags),
  tag: (dataset, { key }) => decodeTagText(dataset.tags).find((tag) => tag.key === key)?.value ?? null,
  createdTime: (dataset) => dataset.created_time ?? null,
  lastUpdateTime: (dataset) => dataset.last_update_time ?? null,
  createdBy: (dataset) => nonEmpty(dataset.created_by),
  lastUpdatedBy: (dataset) => nonEmpty(dataset.last_updated_by),
  // Already loaded by the type-level permission check on this dataset: the memo answers.
  experimentIds: async (dataset, _, context) =>
    (await context.loaders.get(trackingLoaders).evaluationDatasetExperiments.load(dataset.dataset_id)) ?? [],
  async experiments(dataset, _, context) {
    const loaders = context.loaders.get(trackingLoaders);
    const ids = (await loaders.evaluationDatasetExperiments.load(dataset.dataset_id)) ?? [];
    const experiments = await Promise.all(ids.map((id) => loaders.experimentById.load(id)));
    // A linked experiment that was deleted for good is left out (MLflow keeps the link).
    return experiments.filter((experiment) => experiment !== null);
  },
  async records(dataset, { first, after }, context) {
    const size = pageSize(first, 1000, 100);
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'EvaluationDataset.records',
      args: { datasetId: dataset.dataset_id },
    });
    const position = cursors.decode(after);
    const params = {
      dataset_id: dataset.dataset_id,
      max_results: position.o + size,
      ...(position.t ? { page_token: position.t } : {}),
    };
    const response = await context.cache.page('evaluationDatasets', { records: params }, () =>
      context.clients.mlflow.call('getDatasetRecords', params),
    );
    const records = decodeRecords(response.records).slice(position.o);
    return buildConnection(records, size, position, response.next_page_token || undefined, cursors);
  },
};

/** Fields of EvaluationDatasetRecord, decoded from MLflow's JSON-encoded records. */
export const EvaluationDatasetRecord: EvaluationDatasetRecordResolvers = {
  id: (record) => record.dataset_record_id,
  inputs: (record) => record.inputs ?? {},
  expectations: (record) => record.expectations ?? null,
  // MLflow 3.11.1 answers `outputs: {}` for a record without any (corpus seq 208): that is "none".
  outputs: (record) =>
    record.outputs && typeof record.outputs === 'object' && Object.keys(record.outputs).length > 0
      ? record.outputs
      : null,
  source: (record) => record.source ?? null,
  tags: (record) => tagPairs(record.tags),
  createdTime: (record) => record.created_time ?? null,
  lastUpdateTime: (record) => record.last_update_time ?? null,
};

/** Experiment.evaluationDatasets: the datasets linked to the experiment that the caller may read. */
export const experimentEvaluationDatasets: Pick<ExperimentResolvers, 'evaluationDatasets'> = {
  evaluationDatasets: (experiment, { filter, orderBy, first, after }, context) =>
    searchReadableDatasets(context, {
      field: 'Experiment.evaluationDatasets',
      experimentIds: [experiment.experiment_id],
      filter,
      orderBy,
      first,
      after,
    }),
};
