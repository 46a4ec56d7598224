import DataLoader from 'dataloader';
import { cachePolicy, ttlSeconds } from '../../../cache/cachePolicy.js';
import { errorCodeOf } from '../../../errors/toGraphQLError.js';
import { asError, fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import type { WireMetric } from '../../../upstream/mlflow/wire.js';
import type { LearnedCapabilities } from '../../../upstream/profiles/LearnedCapabilities.js';
import type { LoaderInputs } from '../../loaderInputs.js';
import { fullHistory, type HistoryRequest } from './fullHistory.js';

/** MLflow's bulk-interval endpoint takes at most 100 runs per call. */
export const BULK_INTERVAL_MAX_RUNS = 100;

/** Key of a metric-history request for one run. */
export interface HistoryKey extends HistoryRequest {
  runId: string;
  /** The run's latest point of this metric (`timestamp/step/value`): changes when a point is logged. */
  version?: string | undefined;
  /** The run is in a terminal state: its history is (nearly) immutable and cached longer. */
  finished?: boolean | undefined;
}

/** One run's history of one metric, sampled to at most `maxPoints` steps. */
export type MetricHistoryLoader = DataLoader<HistoryKey, WireMetric[], string>;

/** What the history loader is built from besides the request's members. */
export interface MetricHistoryInputs extends LoaderInputs {
  /** Whether bulk-interval is served; told when it turns out not to be. */
  readonly learned: Pick<LearnedCapabilities, 'bulkInterval' | 'bulkIntervalUnavailable'>;
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
function stepRange(key: HistoryRequest): { start_step?: number; end_step?: number } {
  if (key.startStep === undefined && key.endStep === undefined) return {};
  return { start_step: key.startStep ?? 0, end_step: key.endStep ?? Number.MAX_SAFE_INTEGER };
}

/** The request a history answers (the memo key): the run and the sampling arguments. */
function historyCacheKey(key: HistoryKey): string {
  return JSON.stringify([key.runId, key.key, key.startStep, key.endStep, key.maxPoints]);
}

/** Cache id of a history: the request, plus the run's latest point of that metric (its version). */
function historyCacheId(key: HistoryKey): string {
  return `${historyCacheKey(key)}@${key.version ?? ''}`;
}

/**
 * Metric histories of many runs: runs asking for the same metric and sampling share bulk-interval calls (at most
 * 100 runs, and a GET request line that fits, per call); where the backend lacks bulk-interval, each run's whole
 * history comes from metrics/get-history and is sampled here alike.
 */
export function createMetricHistoryLoader(inputs: MetricHistoryInputs): MetricHistoryLoader {
  const { mlflow, cache, telemetry, options, learned } = inputs;

  /** Histories of `runIds` for `first`'s metric and sampling, into `results`; answers the runs it must leave. */
  async function bulkHistories(runIds: string[], first: HistoryKey, results: Map<string, WireMetric[] | Error>) {
    const perRun: string[] = [];
    const paramsFor = (ids: readonly string[]) => ({
      run_ids: [...ids],
      metric_key: first.key,
      ...stepRange(first),
      // MLflow returns max_results sampled steps plus the last one: ask for one fewer, so the sample stays
      // evenly spaced within maxPoints (capSteps is only a safety net).
      max_results: Math.max(1, first.maxPoints - 1),
    });
    const chunks = mlflow.chunksThatFit('getMetricHistoryBulkInterval', runIds, paramsFor, BULK_INTERVAL_MAX_RUNS);
    await Promise.all(
      chunks.map(async (ids) => {
        try {
          const response = await mlflow.call('getMetricHistoryBulkInterval', paramsFor(ids));
          const byRun = new Map<string, WireMetric[]>(ids.map((id) => [id, []]));
          for (const metric of response.metrics ?? []) if (metric.run_id) byRun.get(metric.run_id)?.push(metric);
          for (const [id, metrics] of byRun)
            results.set(historyCacheKey({ ...first, runId: id }), capSteps(metrics, first.maxPoints));
        } catch (error) {
          if (errorCodeOf(error) !== 'UNSUPPORTED_BY_BACKEND') {
            for (const id of ids) results.set(historyCacheKey({ ...first, runId: id }), asError(error));
            return;
          }
          // Databricks and GitLab lack the bulk endpoint: remember, and fall back per run.
          learned.bulkIntervalUnavailable(asError(error).message);
          perRun.push(...ids);
        }
      }),
    );
    return perRun;
  }

  async function fetchHistories(keys: readonly HistoryKey[]): Promise<(WireMetric[] | Error)[]> {
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
        const perRun = learned.bulkInterval ? await bulkHistories(runIds, first, results) : runIds;
        const fetched = await fanOut(perRun, (runId) => fullHistory(mlflow, runId, first));
        perRun.forEach((runId, index) =>
          results.set(historyCacheKey({ ...first, runId }), fetched[index] as WireMetric[] | Error),
        );
      }),
    );
    return keys.map((key) => results.get(historyCacheKey(key)) ?? []);
  }

  return new DataLoader(
    tracedBatch(telemetry, 'metricHistory', async (keys: readonly HistoryKey[]) => {
      // The cache id carries the run's latest value of the metric: logging a new point changes it, so a
      // history cached before the write is never read after it.
      const byId = new Map(keys.map((key) => [historyCacheId(key), key]));
      const cached = await cache.load<WireMetric[]>(
        cachePolicy.metricHistory.namespace,
        [...byId.keys()],
        (missingIds) => fetchHistories(missingIds.map((id) => byId.get(id) as HistoryKey)),
        (_, id) =>
          ttlSeconds(
            cachePolicy.metricHistory,
            cache.ttls,
            byId.get(id)?.finished ? 'metricHistoryFinished' : 'metricHistoryActive',
          ),
      );
      const values = new Map([...byId.keys()].map((id, index) => [id, cached[index]]));
      return keys.map((key) => values.get(historyCacheId(key)) ?? []);
    }),
    { ...options, cacheKeyFn: historyCacheKey },
  );
}
