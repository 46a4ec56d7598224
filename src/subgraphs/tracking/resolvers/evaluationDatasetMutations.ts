import { cachePolicy } from '../../../cache/cachePolicy.js';
import type { RequestContext } from '../../../context/RequestContext.js';
import { NotFoundError } from '../../../errors/SupergraphError.js';
import { encodeRecords, encodeTags } from '../../../upstream/mlflow/datasetJson.js';
import { isMissingRoute } from '../../../upstream/mlflow/MlflowClient.js';
import { featureRefusal } from '../../../upstream/profiles/unsupportedCall.js';
import type { WireEvaluationDataset } from '../../../upstream/mlflow/wire.js';
import { recordsToUpsert } from '../evaluationDatasetGates.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { MutationResolvers } from '../resolvers.generated.js';

// MLflow 3 evaluation-dataset writes. Each is sent once (callRest never retries a write). The rule (schema: the
// `dataset:` argument of @hasPermission) is CAN_EDIT on every experiment the dataset is linked to, checked before
// anything is written; MLflow 3.11.1's basic-auth checks none of these endpoints, so the graph's check is the only
// one. What a write changed is dropped from the shared cache and the request's memo, and the `evaluationDatasets`
// generation is bumped, so the answer, the next request and every cached search or records page show the write.

const experiments = (ids: readonly string[]) => ids.map((id) => ({ kind: 'experiment' as const, id }));

/** Drops what a write to dataset `id` made stale: the dataset, its links and every dataset search or records page. */
async function forgetDataset(context: RequestContext, id: string): Promise<void> {
  await Promise.all([
    context.cache.invalidate(cachePolicy.evaluationDataset.namespace, [id]),
    context.cache.invalidate(cachePolicy.evaluationDatasetExperiments.namespace, [id]),
    context.cache.bump('evaluationDatasets'),
  ]);
  context.loaders.get(trackingLoaders).forgetEvaluationDataset(id);
}

/** The dataset read fresh after a write whose answer does not carry it. */
async function freshDataset(context: RequestContext, id: string): Promise<WireEvaluationDataset> {
  await forgetDataset(context, id);
  const dataset = await context.loaders.get(trackingLoaders).evaluationDatasetById.load(id);
  if (!dataset) throw new NotFoundError(`Evaluation dataset ${id} does not exist`);
  return dataset;
}

/** A write's answer that carries the dataset: it is the fresh state (its links are read again when asked). */
async function answered(context: RequestContext, dataset: WireEvaluationDataset): Promise<WireEvaluationDataset> {
  await forgetDataset(context, dataset.dataset_id);
  context.loaders.get(trackingLoaders).primeEvaluationDatasets([dataset]);
  return dataset;
}

/** Writes of MLflow 3's evaluation datasets. */
export const evaluationDatasetMutations: Pick<
  MutationResolvers,
  | 'createEvaluationDataset'
  | 'upsertEvaluationDatasetRecords'
  | 'deleteEvaluationDatasetRecords'
  | 'setEvaluationDatasetTags'
  | 'deleteEvaluationDatasetTag'
  | 'addEvaluationDatasetExperiments'
  | 'removeEvaluationDatasetExperiments'
  | 'deleteEvaluationDataset'
> = {
  async createEvaluationDataset(_, { input }, context) {
    // CAN_EDIT on every experiment named (the dataset is governed by them from now on); refused before the write.
    const experimentIds = [...new Set(input.experimentIds)];
    await context.authorizer.requireEvery(experiments(experimentIds), 'CAN_EDIT');
    const { dataset } = await context.clients.mlflow.call('createEvaluationDataset', {
      name: input.name,
      experiment_ids: experimentIds,
      ...(input.tags?.length ? { tags: encodeTags(input.tags) } : {}),
    });
    await context.cache.bump('evaluationDatasets');
    context.loaders.get(trackingLoaders).primeEvaluationDatasets([{ experiment_ids: experimentIds, ...dataset }]);
    return dataset;
  },

  async upsertEvaluationDatasetRecords(_, { id, records }, context) {
    // Checked already by the field gate (nothing sent for a bad record); this is what it accepted.
    const wire = recordsToUpsert(records);
    let answer: { inserted_count?: number; updated_count?: number };
    try {
      answer = await context.clients.mlflow.call('upsertDatasetRecords', {
        dataset_id: id,
        records: encodeRecords(wire),
      });
    } catch (error) {
      // A failed upsert may still have written some records: forget what is kept of the dataset either way.
      await forgetDataset(context, id);
      throw error;
    }
    // freshDataset forgets, then reads the dataset again: once, not a second time after the answer is built.
    return {
      insertedCount: answer.inserted_count ?? 0,
      updatedCount: answer.updated_count ?? 0,
      dataset: await freshDataset(context, id),
    };
  },

  async deleteEvaluationDatasetRecords(_, { id, recordIds }, context) {
    let deleted: number;
    try {
      const answer = await context.clients.mlflow.call('deleteDatasetRecords', {
        dataset_id: id,
        dataset_record_ids: [...recordIds],
      });
      deleted = answer.deleted_count ?? 0;
    } catch (error) {
      // MLflow 3.4 to 3.9 serve datasets but not this route (it came with 3.10, mlflow/mlflow#19690).
      if (isMissingRoute(error))
        throw featureRefusal(
          'deleteDatasetRecords',
          'evaluationDatasets',
          context.services.profile.kind,
          'deleting records needs MLflow 3.10 or later',
        );
      throw error;
    }
    return { deletedCount: deleted, dataset: await freshDataset(context, id) };
  },

  async setEvaluationDatasetTags(_, { id, tags }, context) {
    await context.clients.mlflow.call('setDatasetTags', { dataset_id: id, tags: encodeTags(tags) });
    return freshDataset(context, id);
  },

  async deleteEvaluationDatasetTag(_, { id, key }, context) {
    await context.clients.mlflow.call('deleteDatasetTag', { dataset_id: id, key });
    return freshDataset(context, id);
  },

  async addEvaluationDatasetExperiments(_, { id, experimentIds }, context) {
    // Linking puts the dataset under more experiments' rule: CAN_EDIT on each added one too (the directive checked
    // the current links), so nobody links a dataset into an experiment they may not write.
    await context.authorizer.requireEvery(experiments(experimentIds), 'CAN_EDIT');
    const { dataset } = await context.clients.mlflow.call('addDatasetToExperiments', {
      dataset_id: id,
      experiment_ids: [...experimentIds],
    });
    return answered(context, dataset);
  },

  async removeEvaluationDatasetExperiments(_, { id, experimentIds }, context) {
    const { dataset } = await context.clients.mlflow.call('removeDatasetFromExperiments', {
      dataset_id: id,
      experiment_ids: [...experimentIds],
    });
    return answered(context, dataset);
  },

  async deleteEvaluationDataset(_, { id }, context) {
    // Read before (the permission check loaded its links; this is one get): a deleted dataset cannot be read.
    const loaders = context.loaders.get(trackingLoaders);
    const [before, links] = await Promise.all([
      loaders.evaluationDatasetById.load(id),
      loaders.evaluationDatasetExperiments.load(id),
    ]);
    if (!before || !links) throw new NotFoundError(`Evaluation dataset ${id} does not exist`);
    await context.clients.mlflow.call('deleteEvaluationDataset', { dataset_id: id });
    await forgetDataset(context, id);
    // The answer is the dataset as it was, governed by the links it had (this request's memo only).
    loaders.primeEvaluationDatasets([{ ...before, experiment_ids: links }]);
    return before;
  },
};
