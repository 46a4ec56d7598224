import DataLoader from 'dataloader';
import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import { asError, chunk, fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import { orNull } from '../../../upstream/http/UpstreamError.js';
import { runsByIdSearchParams } from '../../../upstream/mlflow/runsSearchParams.js';
import type { WireExperiment, WireRun } from '../../../upstream/mlflow/wire.js';
import type { BackendCapabilities } from '../../../upstream/profiles/BackendProfile.js';
import type { LoaderInputs } from '../../loaderInputs.js';

/** Run states that no longer change by themselves. */
const TERMINAL = new Set(['FINISHED', 'FAILED', 'KILLED']);

/**
 * Experiment ids per runs/search this layer plans: Databricks accepts at most 10, OSS MLflow has no limit, but a
 * small group keeps few experiments starved by the others' newer runs. The backend's own limit may be lower.
 */
export const SEARCH_MAX_EXPERIMENT_IDS = 10;
/** Run ids per `attributes.run_id IN (...)` filter: keeps the POST body and SQL IN-list modest. */
export const SEARCH_MAX_RUN_IDS = 100;

/** Experiment ids one planned runs/search names on this backend. */
export function experimentsPerSearch(capabilities: Pick<BackendCapabilities, 'maxExperimentIdsPerRunSearch'>): number {
  return Math.min(SEARCH_MAX_EXPERIMENT_IDS, capabilities.maxExperimentIdsPerRunSearch);
}

/** What the run loader is built from besides the request's members. */
export interface RunLoaderInputs extends LoaderInputs {
  readonly capabilities: Pick<BackendCapabilities, 'runFilter' | 'maxExperimentIdsPerRunSearch'>;
  /** Where the experiments listed to find unhinted runs go (the experiment loaders' memo and cache). */
  readonly primeExperiments: (experiments: readonly WireExperiment[]) => void;
}

/** Runs by id, and what the planner knows of the experiments they are in. */
export interface RunLoaders {
  runById: DataLoader<string, WireRun | null>;
  /** Experiment ids known for run ids (from searches), so runById can use runs/search. */
  runExperimentHints: Map<string, string>;
  /** Puts runs from a search into the memo so nested fields don't fetch them again. */
  primeRuns(runs: readonly WireRun[]): void;
}

/**
 * Runs by id, planned per batch: runs whose experiment is known come from one runs/search per 100 ids
 * (`attributes.run_id IN (...)`); runs asked for by id alone, on a backend that searches any number of experiments,
 * from one search over every experiment the caller can see; the rest from runs/get, one call each.
 */
export function createRunLoaders(inputs: RunLoaderInputs): RunLoaders {
  const { mlflow, cache, telemetry, options, capabilities, primeExperiments } = inputs;
  const runExperimentHints = new Map<string, string>();
  // `attributes.run_id IN (...)` needs a backend that honours runs/search filters (GitLab ignores them).
  const runIdSearch = capabilities.runFilter === 'full';
  // One search over every visible experiment: only where a search takes any number of them.
  const searchEverywhere = runIdSearch && capabilities.maxExperimentIdsPerRunSearch === Number.POSITIVE_INFINITY;
  const perSearch = experimentsPerSearch(capabilities);

  const runTtl = (run: WireRun) =>
    ttlSeconds(cachePolicy.run, cache.ttls, TERMINAL.has(run.info.status ?? '') ? 'runFinished' : 'runActive');

  const runById: RunLoaders['runById'] = new DataLoader(
    tracedBatch(telemetry, 'runById', (ids: readonly string[]) =>
      cache.load<WireRun>(cachePolicy.run.namespace, ids, fetchRuns, runTtl),
    ),
    options,
  );

  /** One runs/search for `runIds` among `experimentIds`; what it finds goes into `found` and the hints. */
  async function searchByIds(experimentIds: string[], runIds: string[], found: Map<string, WireRun | Error>) {
    const response = await mlflow.call('searchRuns', runsByIdSearchParams(experimentIds, runIds));
    for (const run of response.runs ?? []) {
      found.set(run.info.run_id, run);
      runExperimentHints.set(run.info.run_id, run.info.experiment_id);
    }
  }

  /** Ids of every experiment the caller can see (one search, cached per caller); undefined if there are too many. */
  async function visibleExperimentIds(): Promise<string[] | undefined> {
    const params = { max_results: 50_000, view_type: 'ALL' as const };
    const response = await cache.page('experiments', params, () => mlflow.call('searchExperiments', params));
    if (response.next_page_token) return undefined;
    primeExperiments(response.experiments ?? []);
    return (response.experiments ?? []).map((e) => e.experiment_id);
  }

  async function fetchRuns(ids: readonly string[]): Promise<(WireRun | null | Error)[]> {
    const found = new Map<string, WireRun | Error>();
    // Runs whose experiment we know: one runs/search per chunk (and per `perSearch` of their experiments).
    const hinted = runIdSearch ? ids.filter((id) => runExperimentHints.has(id)) : [];
    await Promise.all(
      chunk(hinted, SEARCH_MAX_RUN_IDS).map(async (runIds) => {
        const experimentIds = [...new Set(runIds.map((id) => runExperimentHints.get(id) as string))];
        try {
          for (const experimentChunk of chunk(experimentIds, perSearch))
            await searchByIds(experimentChunk, runIds, found);
        } catch (error) {
          for (const id of runIds) found.set(id, asError(error));
        }
      }),
    );
    // Runs asked for by id alone (ModelVersion.run, _entities): on open-source MLflow, one search over every
    // experiment the caller can see, instead of one runs/get per run.
    const unhinted = ids.filter((id) => !found.has(id));
    if (unhinted.length >= 2 && searchEverywhere) {
      try {
        const experimentIds = await visibleExperimentIds();
        if (experimentIds && experimentIds.length > 0)
          await Promise.all(
            chunk(unhinted, SEARCH_MAX_RUN_IDS).map((runIds) => searchByIds(experimentIds, runIds, found)),
          );
      } catch {
        // An optimization only: whatever it did not find is fetched one by one below.
      }
    }
    // The rest (and any the searches did not return): deduplicated runs/get, bounded.
    const rest = ids.filter((id) => !found.has(id));
    const fetched = await fanOut(rest, (id) => orNull(async () => (await mlflow.call('getRun', { run_id: id })).run));
    rest.forEach((id, index) => {
      const value = fetched[index];
      if (value !== null && value !== undefined) found.set(id, value);
    });
    return ids.map((id) => found.get(id) ?? null);
  }

  function primeRuns(runs: readonly WireRun[]): void {
    for (const run of runs) {
      runById.prime(run.info.run_id, run);
      runExperimentHints.set(run.info.run_id, run.info.experiment_id);
    }
  }

  return { runById, runExperimentHints, primeRuns };
}
