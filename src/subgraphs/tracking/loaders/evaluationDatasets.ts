import DataLoader from 'dataloader';
import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import { fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import { orNull } from '../../../upstream/http/UpstreamError.js';
import type { WireEvaluationDataset } from '../../../upstream/mlflow/wire.js';
import type { LoaderInputs } from '../../loaderInputs.js';

/** MLflow 3 evaluation datasets by id, and the experiments each is linked to (what governs it). */
export interface EvaluationDatasetLoaders {
  evaluationDatasetById: DataLoader<string, WireEvaluationDataset | null>;
  /**
   * The ids of the experiments a dataset is linked to, or null when the dataset does not exist. MLflow returns
   * them from datasets/{id}/experiment-ids only (datasets/get and datasets/search leave them out, corpus 3.11.1
   * seq 203, 215), so every permission decision on a dataset costs this call once per dataset (then cached).
   */
  evaluationDatasetExperiments: DataLoader<string, string[] | null>;
  /** Puts datasets from a search or a write into the memo, so nested fields don't fetch them again. */
  primeEvaluationDatasets(datasets: readonly WireEvaluationDataset[]): void;
  /** Drops a dataset (and its links) from this request's memo after a write. */
  forgetEvaluationDataset(id: string): void;
}

/**
 * Evaluation datasets (datasets/get) and their experiment links (datasets/{id}/experiment-ids). MLflow has no batch
 * form of either: each batch reads the shared cache first, then fans the missing ids out (deduplicated, bounded).
 */
export function createEvaluationDatasetLoaders({
  mlflow,
  cache,
  telemetry,
  options,
}: LoaderInputs): EvaluationDatasetLoaders {
  const ttl = () => ttlSeconds(cachePolicy.evaluationDataset, cache.ttls);

  const evaluationDatasetById: EvaluationDatasetLoaders['evaluationDatasetById'] = new DataLoader(
    tracedBatch(telemetry, 'evaluationDatasetById', (ids: readonly string[]) =>
      cache.load<WireEvaluationDataset>(
        cachePolicy.evaluationDataset.namespace,
        ids,
        (missing) =>
          fanOut(missing, (id) =>
            orNull(async () => (await mlflow.call('getEvaluationDataset', { dataset_id: id })).dataset),
          ),
        ttl,
      ),
    ),
    options,
  );

  const evaluationDatasetExperiments: EvaluationDatasetLoaders['evaluationDatasetExperiments'] = new DataLoader(
    tracedBatch(telemetry, 'evaluationDatasetExperiments', (ids: readonly string[]) =>
      cache.load<string[]>(
        cachePolicy.evaluationDatasetExperiments.namespace,
        ids,
        (missing) =>
          fanOut(missing, (id) =>
            orNull(async () =>
              // An absent list is MLflow's way of saying "linked to none" (proto3 omits empty repeated fields).
              ((await mlflow.call('getDatasetExperimentIds', { dataset_id: id })).experiment_ids ?? []).map(String),
            ),
          ),
        ttl,
      ),
    ),
    options,
  );

  function primeEvaluationDatasets(datasets: readonly WireEvaluationDataset[]): void {
    for (const dataset of datasets) {
      evaluationDatasetById.clear(dataset.dataset_id).prime(dataset.dataset_id, dataset);
      // Only datasets/create answers with its links; the rest come from experiment-ids.
      if (dataset.experiment_ids)
        evaluationDatasetExperiments
          .clear(dataset.dataset_id)
          .prime(dataset.dataset_id, dataset.experiment_ids.map(String));
    }
  }

  function forgetEvaluationDataset(id: string): void {
    evaluationDatasetById.clear(id);
    evaluationDatasetExperiments.clear(id);
  }

  return { evaluationDatasetById, evaluationDatasetExperiments, primeEvaluationDatasets, forgetEvaluationDataset };
}
