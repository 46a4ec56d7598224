import DataLoader from 'dataloader';
import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import { fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import { orNull } from '../../../upstream/http/UpstreamError.js';
import type { WireExperiment } from '../../../upstream/mlflow/wire.js';
import type { LoaderInputs } from '../../loaderInputs.js';

/** Experiments by id and by name, and the way search results enter both. */
export interface ExperimentLoaders {
  experimentById: DataLoader<string, WireExperiment | null>;
  experimentByName: DataLoader<string, WireExperiment | null>;
  /** Puts experiments from a search into both memos and the shared cache, so nested fields don't fetch them again. */
  primeExperiments(experiments: readonly WireExperiment[]): void;
}

/**
 * Experiments by id (experiments/get) and by name (experiments/get-by-name). MLflow has no batch endpoint for
 * either: each batch reads the shared cache first, then fans the missing keys out (deduplicated, bounded).
 */
export function createExperimentLoaders({ mlflow, cache, telemetry, options }: LoaderInputs): ExperimentLoaders {
  /** A batch fetch of the keys the cache lacks, one call each; a missing experiment is null. */
  const eachOf =
    (get: (key: string) => Promise<{ experiment: WireExperiment }>) =>
    (missing: readonly string[]): Promise<(WireExperiment | null | Error)[]> =>
      fanOut(missing, (key) => orNull(async () => (await get(key)).experiment));

  const experimentById: ExperimentLoaders['experimentById'] = new DataLoader(
    tracedBatch(telemetry, 'experimentById', (ids) =>
      cache.load<WireExperiment>(
        cachePolicy.experiment.namespace,
        ids,
        eachOf((id) => mlflow.call('getExperiment', { experiment_id: id })),
        () => ttlSeconds(cachePolicy.experiment, cache.ttls),
      ),
    ),
    options,
  );

  const experimentByName: ExperimentLoaders['experimentByName'] = new DataLoader(
    tracedBatch(telemetry, 'experimentByName', async (names) => {
      // Cached by name like by id; renames, deletes and restores invalidate both names (Mutation.ts).
      const found = await cache.load<WireExperiment>(
        cachePolicy.experimentByName.namespace,
        names,
        eachOf((name) => mlflow.call('getExperimentByName', { experiment_name: name })),
        () => ttlSeconds(cachePolicy.experimentByName, cache.ttls),
      );
      for (const experiment of found)
        if (experiment && !(experiment instanceof Error)) experimentById.prime(experiment.experiment_id, experiment);
      return found;
    }),
    options,
  );

  function primeExperiments(experiments: readonly WireExperiment[]): void {
    // Into the shared cache too (one pipelined write): a warm request then needs no experiments/get.
    void cache.prime(
      cachePolicy.experiment.namespace,
      experiments.map((e) => ({ id: e.experiment_id, value: e })),
      ttlSeconds(cachePolicy.experiment, cache.ttls),
    );
    for (const experiment of experiments) {
      experimentById.prime(experiment.experiment_id, experiment);
      experimentByName.prime(experiment.name, experiment);
    }
  }

  return { experimentById, experimentByName, primeExperiments };
}
