import type { MlflowApi } from '../../../upstream/mlflow/MlflowApi.js';
import type { MlflowClient } from '../../../upstream/mlflow/MlflowClient.js';

/** One artifacts/list answer. */
export type ArtifactListing = MlflowApi['listArtifacts']['response'];

/**
 * Artifact listings of one request, by run id and path: a run reached through two parents lists once. A memo,
 * not a DataLoader: MLflow lists one directory per call, so there is nothing to batch.
 */
export class ArtifactListings {
  readonly #listings = new Map<string, Promise<ArtifactListing>>();

  constructor(private readonly mlflow: Pick<MlflowClient, 'call'>) {}

  /** The listing of `path` (the artifact root when empty) in run `runId`, fetched once per request. */
  list(runId: string, path?: string | null): Promise<ArtifactListing> {
    const key = JSON.stringify([runId, path ?? '']);
    let listing = this.#listings.get(key);
    if (!listing) {
      listing = this.mlflow.call('listArtifacts', { run_id: runId, ...(path ? { path } : {}) });
      this.#listings.set(key, listing);
    }
    return listing;
  }
}
