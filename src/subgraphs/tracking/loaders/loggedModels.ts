import DataLoader from 'dataloader';
import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import { chunk, fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import { orNull } from '../../../upstream/http/UpstreamError.js';
import type { WireLoggedModel } from '../../../upstream/mlflow/wire.js';
import type { BackendCapabilities } from '../../../upstream/profiles/BackendProfile.js';
import type { LoaderInputs } from '../../loaderInputs.js';
import { experimentsPerSearch } from './runs.js';

/**
 * Models one logged-models/search page asks for. MLflow 3.11.1's default is 100 and it enforces no maximum
 * (SqlAlchemyStore.search_logged_models); a larger page finds a batch's models in fewer calls.
 */
export const LOGGED_MODEL_SEARCH_PAGE = 1000;
/** Pages one batch reads per group of experiments before fetching what it has not found one by one. */
export const LOGGED_MODEL_SEARCH_MAX_PAGES = 3;

/** What the logged-model loader is built from besides the request's members. */
export interface LoggedModelLoaderInputs extends LoaderInputs {
  readonly capabilities: Pick<BackendCapabilities, 'maxExperimentIdsPerRunSearch'>;
}

/** Logged models by id, and what the planner knows of the experiments they are in. */
export interface LoggedModelLoaders {
  loggedModelById: DataLoader<string, WireLoggedModel | null>;
  /**
   * Experiment ids known for model ids before they are loaded (a run's outputs are in the run's experiment; a
   * version's model is in its run's experiment), so a batch can search those experiments instead of one get each.
   */
  loggedModelHints: Map<string, string>;
  /** Puts models from a search or a write into the memo so nested fields don't fetch them again. */
  primeLoggedModels(models: readonly WireLoggedModel[]): void;
}

/**
 * Logged models by id. MLflow 3 has no batch get and its logged-model filter takes one `model_id = '…'` per
 * comparison, joined by AND only (mlflow/utils/search_logged_model_utils.py): ids cannot be listed in one filter.
 * So a batch with two or more ids whose experiments are known reads those experiments' models with one
 * logged-models/search (pages of 1000, at most 3) per group of experiments and keeps the ones asked for: the cost
 * follows the experiments, not the number of models. Ids not found that way (unknown experiment, a model beyond
 * the pages read, a deleted one) come from logged-models/get, deduplicated, with bounded concurrency.
 */
export function createLoggedModelLoaders(inputs: LoggedModelLoaderInputs): LoggedModelLoaders {
  const { mlflow, cache, telemetry, options, capabilities } = inputs;
  const loggedModelHints = new Map<string, string>();
  const perSearch = experimentsPerSearch(capabilities);
  const ttl = () => ttlSeconds(cachePolicy.loggedModel, cache.ttls);

  /** Reads `experimentIds`' models until every id in `wanted` is found or the page bound is reached. */
  async function searchExperiments(experimentIds: string[], wanted: Set<string>, found: Map<string, WireLoggedModel>) {
    let pageToken: string | undefined;
    for (let page = 0; page < LOGGED_MODEL_SEARCH_MAX_PAGES; page += 1) {
      const response = await mlflow.call('searchLoggedModels', {
        experiment_ids: experimentIds,
        max_results: LOGGED_MODEL_SEARCH_PAGE,
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      for (const model of response.models ?? []) {
        if (wanted.delete(model.info.model_id)) found.set(model.info.model_id, model);
      }
      pageToken = response.next_page_token || undefined;
      if (wanted.size === 0 || !pageToken) return;
    }
  }

  async function fetchModels(ids: readonly string[]): Promise<(WireLoggedModel | null | Error)[]> {
    const found = new Map<string, WireLoggedModel>();
    const hinted = ids.filter((id) => loggedModelHints.has(id));
    if (hinted.length >= 2) {
      const experiments = [...new Set(hinted.map((id) => loggedModelHints.get(id) as string))];
      await Promise.all(
        chunk(experiments, perSearch).map(async (group) => {
          const inGroup = new Set(group);
          const wanted = new Set(hinted.filter((id) => inGroup.has(loggedModelHints.get(id) as string)));
          try {
            await searchExperiments(group, wanted, found);
          } catch {
            // An optimization only: what it did not find is fetched one by one below (and fails there, per id).
          }
        }),
      );
    }
    const rest = ids.filter((id) => !found.has(id));
    const fetched = await fanOut(rest, (id) =>
      orNull(async () => (await mlflow.call('getLoggedModel', { model_id: id })).model),
    );
    const byId = new Map<string, WireLoggedModel | null | Error>(found);
    rest.forEach((id, index) => byId.set(id, fetched[index] ?? null));
    return ids.map((id) => byId.get(id) ?? null);
  }

  const loggedModelById: LoggedModelLoaders['loggedModelById'] = new DataLoader(
    tracedBatch(telemetry, 'loggedModelById', (ids: readonly string[]) =>
      cache.load<WireLoggedModel>(cachePolicy.loggedModel.namespace, ids, fetchModels, ttl),
    ),
    options,
  );

  function primeLoggedModels(models: readonly WireLoggedModel[]): void {
    for (const model of models) {
      loggedModelById.prime(model.info.model_id, model);
      loggedModelHints.set(model.info.model_id, model.info.experiment_id);
    }
  }

  return { loggedModelById, loggedModelHints, primeLoggedModels };
}
