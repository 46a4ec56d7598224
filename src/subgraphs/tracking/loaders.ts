import DataLoader from 'dataloader';
import { loaderOptions } from '../../graphql/loaderOptions.js';
import { tracedBatch } from '../../observability/traceBatch.js';
import { asError, chunk, fanOut } from '../../graphql/fanOut.js';
import type { Got } from 'got';
import { chunkByRequestLine, encodedLength, requestPath } from '../../upstream/http/requestLine.js';
import { mlflowEndpoints } from '../../upstream/mlflow/endpoints.js';
import type { RequestContext } from '../../context/RequestContext.js';
import { defineLoaders } from '../../context/defineLoaders.js';
import { orNull } from '../../upstream/http/UpstreamError.js';
import type { MlflowApi } from '../../upstream/mlflow/MlflowApi.js';
import type { MlflowClient } from '../../upstream/mlflow/MlflowClient.js';
import type { WireExperiment, WireMetric, WireRun, WireViewType } from '../../upstream/mlflow/wire.js';
import { errorCodeOf } from '../../errors/toGraphQLError.js';

/** Run states that no longer change by themselves. */
const TERMINAL = new Set(['FINISHED', 'FAILED', 'KILLED']);
import { sampleSteps } from './sampleSteps.js';

/** MLflow's bulk-interval endpoint takes at most 100 runs per call. */
export const BULK_INTERVAL_MAX_RUNS = 100;
/**
 * Experiments per combined first-page runs/search: Databricks accepts at most 10, OSS MLflow has no limit, but
 * a small group keeps few experiments starved by the others' newer runs. The backend's own limit may be lower.
 */
export const SEARCH_MAX_EXPERIMENT_IDS = 10;
/**
 * Rows one combined first-page search may return. MLflow's cost grows with the rows it returns (~1.4 ms a run
 * on a 2.12 SQLite store, DESIGN §1), so 500 runs in one call take far longer than ten 50-run calls made in
 * parallel: first pages are combined only while the combined page stays this small.
 */
export const SEARCH_MAX_COMBINED_ROWS = 100;
/** Run ids per `attributes.run_id IN (...)` filter: keeps the POST body and SQL IN-list modest. */
export const SEARCH_MAX_RUN_IDS = 100;

/** Quotes a value for MLflow's filter grammar. */
export function quoteFilterValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Arguments of a page of runs for one experiment (Experiment.runs). */
export interface RunsPageArgs {
  filter?: string | null | undefined;
  orderBy?: readonly string[] | null | undefined;
  viewType: WireViewType;
  size: number;
}

/** A first page of runs of one experiment, with `hasMore` when the experiment has more runs. */
export interface RunsPage {
  runs: WireRun[];
  hasMore: boolean;
}

/** Key of a metric-history request for one run. */
export interface HistoryKey {
  runId: string;
  key: string;
  startStep?: number | undefined;
  endStep?: number | undefined;
  maxPoints: number;
  /** The run's latest point of this metric (`timestamp/step/value`): changes when a point is logged. */
  version?: string | undefined;
  /** The run is in a terminal state: its history is (nearly) immutable and cached longer. */
  finished?: boolean | undefined;
}

/** The per-request DataLoaders of the tracking subgraph. */
export interface TrackingLoaders {
  experimentById: DataLoader<string, WireExperiment | null>;
  experimentByName: DataLoader<string, WireExperiment | null>;
  runById: DataLoader<string, WireRun | null>;
  /** Experiment → the first page of its runs, batched into one runs/search across experiments. */
  firstRunsPage: DataLoader<{ experimentId: string; args: RunsPageArgs }, RunsPage, string>;
  metricHistory: DataLoader<HistoryKey, WireMetric[], string>;
  /** Experiment ids known for run ids (from searches), so runById can use runs/search. */
  runExperimentHints: Map<string, string>;
  /** Puts runs from a search into the memo so nested fields don't fetch them again. */
  primeRuns(runs: readonly WireRun[]): void;
  /** Same for experiments. */
  primeExperiments(experiments: readonly WireExperiment[]): void;
  /** Artifact listings by run id and path (a run reached through two parents lists once). */
  artifactListings: Map<string, Promise<MlflowApi['listArtifacts']['response']>>;
}

/** Creates the loaders for one request. Never shared between requests (they memoize per caller). */
export function createTrackingLoaders(context: RequestContext): TrackingLoaders {
  const { mlflow } = context.clients;
  const { cache, telemetry } = context;
  const { mlflowHttp, profile, config, learned } = context.services;
  const options = loaderOptions(config);
  const runExperimentHints = new Map<string, string>();
  const capabilities = profile.capabilities;
  const experimentsPerSearch = Math.min(SEARCH_MAX_EXPERIMENT_IDS, capabilities.maxExperimentIdsPerRunSearch);
  // `attributes.run_id IN (...)` needs a backend that honours runs/search filters (GitLab ignores them).
  const runIdSearch = capabilities.runFilter === 'full';

  const experimentById: TrackingLoaders['experimentById'] = new DataLoader(
    tracedBatch(telemetry, 'experimentById', (ids) =>
      // No batch endpoint exists for experiments: shared cache first, then deduplicated and fanned out.
      cache.load<WireExperiment>(
        'experiment',
        ids,
        (missing) =>
          fanOut(missing, (id) =>
            orNull(async () => (await mlflow.call('getExperiment', { experiment_id: id })).experiment),
          ),
        () => cache.ttls.experiment,
      ),
    ),
    options,
  );

  const experimentByName: TrackingLoaders['experimentByName'] = new DataLoader(
    tracedBatch(telemetry, 'experimentByName', async (names) => {
      // Cached by name like by id; renames, deletes and restores invalidate both names (Mutation.ts).
      const found = await cache.load<WireExperiment>(
        'experimentByName',
        names,
        (missing) =>
          fanOut(missing, (name) =>
            orNull(async () => (await mlflow.call('getExperimentByName', { experiment_name: name })).experiment),
          ),
        () => cache.ttls.experiment,
      );
      for (const experiment of found)
        if (experiment && !(experiment instanceof Error)) experimentById.prime(experiment.experiment_id, experiment);
      return found;
    }),
    options,
  );

  const runById: TrackingLoaders['runById'] = new DataLoader(
    tracedBatch(telemetry, 'runById', (ids: readonly string[]) => cache.load<WireRun>('run', ids, fetchRuns, runTtl)),
    options,
  );

  function runTtl(run: WireRun): number {
    return TERMINAL.has(run.info.status ?? '') ? cache.ttls.runFinished : cache.ttls.runActive;
  }

  /** Ids of every experiment the caller can see (one search, cached per caller); undefined if there are too many. */
  async function visibleExperimentIds(): Promise<string[] | undefined> {
    const params = { max_results: 50_000, view_type: 'ALL' as const };
    const response = await cache.page('experiments', params, () => mlflow.call('searchExperiments', params));
    if (response.next_page_token) return undefined;
    primeExperiments(response.experiments ?? []);
    return (response.experiments ?? []).map((e) => e.experiment_id);
  }

  async function searchUnhinted(runIds: readonly string[], found: Map<string, WireRun | Error>): Promise<void> {
    try {
      const experimentIds = await visibleExperimentIds();
      if (!experimentIds || experimentIds.length === 0) return;
      await Promise.all(
        chunk(runIds, SEARCH_MAX_RUN_IDS).map(async (chunkIds) => {
          const filter = `attributes.run_id IN (${chunkIds.map(quoteFilterValue).join(', ')})`;
          const response = await mlflow.call('searchRuns', {
            experiment_ids: experimentIds,
            filter,
            run_view_type: 'ALL',
            max_results: chunkIds.length,
          });
          for (const run of response.runs ?? []) {
            found.set(run.info.run_id, run);
            runExperimentHints.set(run.info.run_id, run.info.experiment_id);
          }
        }),
      );
    } catch {
      // An optimization only: whatever it did not find is fetched one by one below.
    }
  }

  async function fetchRuns(ids: readonly string[]): Promise<(WireRun | null | Error)[]> {
    const found = new Map<string, WireRun | Error>();
    // Runs whose experiment we know: one runs/search per chunk with `attributes.run_id IN (...)`.
    const hinted = runIdSearch ? ids.filter((id) => runExperimentHints.has(id)) : [];
    const byExperimentChunk = chunk(hinted, SEARCH_MAX_RUN_IDS);
    await Promise.all(
      byExperimentChunk.map(async (runIds) => {
        const experimentIds = [...new Set(runIds.map((id) => runExperimentHints.get(id) as string))];
        try {
          for (const experimentChunk of chunk(experimentIds, experimentsPerSearch)) {
            const filter = `attributes.run_id IN (${runIds.map(quoteFilterValue).join(', ')})`;
            const response = await mlflow.call('searchRuns', {
              experiment_ids: experimentChunk,
              filter,
              run_view_type: 'ALL',
              max_results: runIds.length,
            });
            for (const run of response.runs ?? []) found.set(run.info.run_id, run);
          }
        } catch (error) {
          for (const id of runIds) found.set(id, asError(error));
        }
      }),
    );
    // Runs asked for by id alone (ModelVersion.run, _entities): on open-source MLflow, one search over every
    // experiment the caller can see, `attributes.run_id IN (...)`, instead of one runs/get per run.
    const unhinted = ids.filter((id) => !found.has(id));
    // Needs one search over every visible experiment: only where a search takes any number of them.
    if (unhinted.length >= 2 && runIdSearch && capabilities.maxExperimentIdsPerRunSearch === Number.POSITIVE_INFINITY)
      await searchUnhinted(unhinted, found);
    // The rest (and any the searches did not return): deduplicated runs/get, bounded.
    const rest = ids.filter((id) => !found.has(id));
    const fetched = await fanOut(rest, (id) => orNull(async () => (await mlflow.call('getRun', { run_id: id })).run));
    rest.forEach((id, index) => {
      const value = fetched[index];
      if (value !== null && value !== undefined) found.set(id, value);
    });
    return ids.map((id) => found.get(id) ?? null);
  }

  const firstRunsPage: TrackingLoaders['firstRunsPage'] = new DataLoader(
    tracedBatch(telemetry, 'firstRunsPage', async (keys: readonly { experimentId: string; args: RunsPageArgs }[]) => {
      // Group experiments asking for the same page shape; one runs/search per group (chunked to 10 ids)
      // returns first × n runs, split per experiment. An experiment that got fewer than it asked for while
      // the combined result was cut short is fetched on its own (correct, at one extra call).
      const groups = new Map<string, { args: RunsPageArgs; experimentIds: string[] }>();
      for (const { experimentId, args } of keys) {
        const signature = JSON.stringify(args);
        const group = groups.get(signature) ?? { args, experimentIds: [] };
        if (!group.experimentIds.includes(experimentId)) group.experimentIds.push(experimentId);
        groups.set(signature, group);
      }
      const pages = new Map<string, RunsPage | Error>();
      const pageKey = (experimentId: string, args: RunsPageArgs) => `${experimentId}\u0000${JSON.stringify(args)}`;
      const searchFor = async (experimentIds: string[], args: RunsPageArgs, maxResults: number) => {
        const params = {
          experiment_ids: experimentIds,
          ...(args.filter ? { filter: args.filter } : {}),
          ...(args.orderBy?.length ? { order_by: [...args.orderBy] } : {}),
          run_view_type: args.viewType,
          max_results: maxResults,
        };
        return cache.page('runs', params, () => mlflow.call('searchRuns', params));
      };

      await Promise.all(
        [...groups.values()].flatMap(({ args, experimentIds }) =>
          chunk(
            experimentIds,
            Math.max(1, Math.min(experimentsPerSearch, Math.floor(SEARCH_MAX_COMBINED_ROWS / (args.size + 1)))),
          ).map(async (ids) => {
            try {
              // One more than asked for, per experiment, tells whether each has a next page.
              const want = args.size + 1;
              const response = await searchFor(ids, args, Math.min(50_000, want * ids.length));
              const truncated = Boolean(response.next_page_token);
              const byExperiment = new Map<string, WireRun[]>(ids.map((id) => [id, []]));
              for (const run of response.runs ?? []) byExperiment.get(run.info.experiment_id)?.push(run);
              const starved: string[] = [];
              for (const id of ids) {
                const runs = byExperiment.get(id) ?? [];
                if (runs.length >= want || !truncated)
                  pages.set(pageKey(id, args), { runs: runs.slice(0, args.size), hasMore: runs.length > args.size });
                else starved.push(id);
              }
              await Promise.all(
                starved.map(async (id) => {
                  try {
                    const own = await searchFor([id], args, want);
                    const runs = own.runs ?? [];
                    pages.set(pageKey(id, args), {
                      runs: runs.slice(0, args.size),
                      hasMore: runs.length > args.size || Boolean(own.next_page_token),
                    });
                  } catch (error) {
                    pages.set(pageKey(id, args), asError(error));
                  }
                }),
              );
            } catch (error) {
              for (const id of ids) pages.set(pageKey(id, args), asError(error));
            }
          }),
        ),
      );
      return keys.map(({ experimentId, args }) => {
        const page = pages.get(pageKey(experimentId, args));
        if (page && !(page instanceof Error)) primeRuns(page.runs);
        return page ?? new Error(`no page for experiment ${experimentId}`);
      });
    }),
    {
      ...options,
      cacheKeyFn: ({ experimentId, args }) => `${experimentId}\u0000${JSON.stringify(args)}`,
    },
  );

  const metricHistory: TrackingLoaders['metricHistory'] = new DataLoader(
    tracedBatch(telemetry, 'metricHistory', async (keys: readonly HistoryKey[]) => {
      // The cache id carries the run's latest value of the metric: logging a new point changes it, so a
      // history cached before the write is never read after it.
      const byId = new Map(keys.map((key) => [historyCacheId(key), key]));
      const cached = await cache.load<WireMetric[]>(
        'metricHistory',
        [...byId.keys()],
        (missingIds) => fetchHistories(missingIds.map((id) => byId.get(id) as HistoryKey)),
        (_, id) => (byId.get(id)?.finished ? cache.ttls.metricHistoryFinished : cache.ttls.metricHistoryActive),
      );
      const values = new Map([...byId.keys()].map((id, index) => [id, cached[index]]));
      return keys.map((key) => values.get(historyCacheId(key)) ?? []);
    }),
    { ...options, cacheKeyFn: historyCacheKey },
  );

  async function fetchHistories(keys: readonly HistoryKey[]): Promise<(WireMetric[] | Error)[]> {
    {
      const results = new Map<string, WireMetric[] | Error>();
      const groups = new Map<string, HistoryKey[]>();
      for (const key of keys) {
        const signature = JSON.stringify([key.key, key.startStep, key.endStep, key.maxPoints]);
        groups.set(signature, [...(groups.get(signature) ?? []), key]);
      }
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const first = group[0] as HistoryKey;
          const runIds = [...new Set(group.map((k) => k.runId))];
          let perRun = runIds;
          if (learned.bulkInterval) {
            perRun = [];
            await Promise.all(
              bulkIntervalChunks(mlflowHttp, runIds, first).map(async (ids) => {
                try {
                  const response = await mlflow.call('getMetricHistoryBulkInterval', {
                    run_ids: ids,
                    metric_key: first.key,
                    ...stepRange(first),
                    // MLflow returns max_results sampled steps plus the last one: ask for one fewer, so
                    // the sample stays evenly spaced within maxPoints (capSteps is only a safety net).
                    max_results: Math.max(1, first.maxPoints - 1),
                  });
                  const byRun = new Map<string, WireMetric[]>(ids.map((id) => [id, []]));
                  for (const metric of response.metrics ?? [])
                    if (metric.run_id) byRun.get(metric.run_id)?.push(metric);
                  for (const [id, metrics] of byRun)
                    results.set(historyCacheKey({ ...first, runId: id }), capSteps(metrics, first.maxPoints));
                } catch (error) {
                  if (errorCodeOf(error) === 'UNSUPPORTED_BY_BACKEND') {
                    // Databricks and GitLab lack the bulk endpoint: remember, and fall back per run.
                    learned.bulkIntervalUnavailable(asError(error).message);
                    perRun.push(...ids);
                  } else {
                    for (const id of ids) results.set(historyCacheKey({ ...first, runId: id }), asError(error));
                  }
                }
              }),
            );
          }
          const fetched = await fanOut(perRun, (runId) => fullHistory(mlflow, runId, first));
          perRun.forEach((runId, index) =>
            results.set(historyCacheKey({ ...first, runId }), fetched[index] as WireMetric[] | Error),
          );
        }),
      );
      return keys.map((key) => results.get(historyCacheKey(key)) ?? []);
    }
  }

  function primeRuns(runs: readonly WireRun[]) {
    for (const run of runs) {
      runById.prime(run.info.run_id, run);
      runExperimentHints.set(run.info.run_id, run.info.experiment_id);
    }
  }

  function primeExperiments(experiments: readonly WireExperiment[]) {
    // Into the shared cache too (one pipelined write): a warm request then needs no experiments/get.
    void cache.prime(
      'experiment',
      experiments.map((e) => ({ id: e.experiment_id, value: e })),
      cache.ttls.experiment,
    );
    for (const experiment of experiments) {
      experimentById.prime(experiment.experiment_id, experiment);
      experimentByName.prime(experiment.name, experiment);
    }
  }

  return {
    experimentById,
    experimentByName,
    runById,
    firstRunsPage,
    metricHistory,
    runExperimentHints,
    primeRuns,
    primeExperiments,
    artifactListings: new Map(),
  };
}

/**
 * MLflow's bulk-interval sampling returns `max_results` sampled steps plus the last step (up to one more
 * than asked). The field promises at most `maxPoints` steps: drop the sampled step just before the last.
 */
function capSteps(metrics: WireMetric[], maxPoints: number): WireMetric[] {
  const steps = [...new Set(metrics.map((m) => Number(m.step ?? 0)))].sort((a, b) => a - b);
  if (steps.length <= maxPoints) return metrics;
  const drop = new Set(steps.slice(maxPoints - 1, -1));
  return metrics.filter((m) => !drop.has(Number(m.step ?? 0)));
}

/** MLflow takes both bounds or neither: a missing one is filled with the widest value. */
function stepRange(key: HistoryKey): { start_step?: number; end_step?: number } {
  if (key.startStep === undefined && key.endStep === undefined) return {};
  return { start_step: key.startStep ?? 0, end_step: key.endStep ?? Number.MAX_SAFE_INTEGER };
}

/** Run ids per bulk-interval call: at most 100, and a GET request line within gunicorn's limit. */
function bulkIntervalChunks(http: Got, runIds: readonly string[], key: HistoryKey): string[][] {
  const params = new URLSearchParams({ metric_key: key.key, max_results: String(key.maxPoints) });
  for (const [name, value] of Object.entries(stepRange(key))) params.set(name, String(value));
  const fixed = `GET ${requestPath(http, mlflowEndpoints.getMetricHistoryBulkInterval)}?${params.toString()} HTTP/1.1`
    .length;
  const perId = encodedLength('run_ids') + 2; // "run_ids=" and the "&" before it
  return chunkByRequestLine(runIds, fixed, (id) => perId + encodedLength(id)).flatMap((ids) =>
    chunk(ids, BULK_INTERVAL_MAX_RUNS),
  );
}

function historyCacheKey(key: HistoryKey): string {
  return JSON.stringify([key.runId, key.key, key.startStep, key.endStep, key.maxPoints]);
}

/** All of one run's history through metrics/get-history (paged), filtered and sampled like bulk-interval. */
async function fullHistory(mlflow: MlflowClient, runId: string, key: HistoryKey): Promise<WireMetric[]> {
  const all: WireMetric[] = [];
  let pageToken: string | undefined;
  do {
    const response = await mlflow.call('getMetricHistory', {
      run_id: runId,
      metric_key: key.key,
      max_results: 25_000,
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    all.push(...(response.metrics ?? []));
    pageToken = response.next_page_token || undefined;
  } while (pageToken);
  const inRange = all
    .filter(
      (m) =>
        (key.startStep === undefined || Number(m.step ?? 0) >= key.startStep) &&
        (key.endStep === undefined || Number(m.step ?? 0) <= key.endStep),
    )
    .map((m) => ({ ...m, run_id: runId }));
  return sampleSteps(inRange, key.maxPoints);
}

/** Cache id of a history: the request, plus the run's latest point of that metric (its version). */
function historyCacheId(key: HistoryKey): string {
  return `${historyCacheKey(key)}@${key.version ?? ''}`;
}

/** The tracking subgraph's loaders: `context.loaders.get(trackingLoaders)` (built on first use in a request). */
export const trackingLoaders = defineLoaders('tracking', createTrackingLoaders);
