import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import { rootKey, type ArtifactRoot } from '../../../upstream/artifacts/ArtifactRoot.js';
import type { MlflowApi } from '../../../upstream/mlflow/MlflowApi.js';
import type { LoaderInputs } from '../../loaderInputs.js';

/** One artifacts/list answer: a page of one directory. */
export type ArtifactListing = MlflowApi['listArtifacts']['response'];

/**
 * Artifact listings of one request, by root, directory and page token: a run reached through two parents lists
 * once, and a page read by `Run.files` serves `Run.artifacts` too. Pages are kept in the shared cache as entities
 * (cachePolicy.artifactListing): they are read only on a run whose permission was checked for this caller. A memo,
 * not a DataLoader: MLflow lists one directory per call, so there is nothing to batch.
 */
export class ArtifactListings {
  readonly #pages = new Map<string, Promise<ArtifactListing>>();

  constructor(private readonly inputs: Pick<LoaderInputs, 'mlflow' | 'cache'>) {}

  /** The page of `path` (the root when empty) starting at `pageToken` (the first when absent), fetched once per request. */
  page(root: ArtifactRoot, path: string, pageToken?: string): Promise<ArtifactListing> {
    const id = JSON.stringify([rootKey(root), path, pageToken ?? '']);
    let page = this.#pages.get(id);
    if (!page) {
      page = this.#cached(root, path, pageToken, id);
      this.#pages.set(id, page);
    }
    return page;
  }

  async #cached(root: ArtifactRoot, path: string, pageToken: string | undefined, id: string): Promise<ArtifactListing> {
    const { cache } = this.inputs;
    const [page] = await cache.load<ArtifactListing>(
      cachePolicy.artifactListing.namespace,
      [id],
      async () => [await this.#fetch(root, path, pageToken)],
      () => ttlSeconds(cachePolicy.artifactListing, cache.ttls),
    );
    if (page instanceof Error) throw page;
    return page ?? {};
  }

  #fetch(root: ArtifactRoot, path: string, pageToken: string | undefined): Promise<ArtifactListing> {
    switch (root.kind) {
      case 'run':
        return this.inputs.mlflow.call('listArtifacts', {
          run_id: root.id,
          ...(path ? { path } : {}),
          ...(pageToken ? { page_token: pageToken } : {}),
        });
      case 'loggedModel':
        return this.inputs.mlflow.call('listLoggedModelArtifacts', {
          model_id: root.id,
          ...(path ? { artifact_directory_path: path } : {}),
          ...(pageToken ? { page_token: pageToken } : {}),
        });
    }
  }
}
