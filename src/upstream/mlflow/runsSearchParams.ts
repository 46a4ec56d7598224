import type { MlflowApi } from './MlflowApi.js';
import type { WireViewType } from './wire.js';

// The one builder of runs/search bodies: Query.runs, Experiment.runs, the combined first pages and the lookup of
// runs by id all search through it, so equal searches have equal bodies (and share a cached page) and a rule about
// the body (an empty filter or sort order is left out) holds everywhere.

/** The params of runs/search. */
export type RunsSearchParams = MlflowApi['searchRuns']['params'];

/** One runs/search, in the graph's words (every field but the experiments is optional on the wire). */
export interface RunsSearch {
  experimentIds: readonly string[];
  /** MLflow's filter grammar; empty or absent searches every run. */
  filter?: string | null | undefined;
  /** `attribute [ASC|DESC]` terms; empty or absent is MLflow's default order (newest first). */
  orderBy?: readonly string[] | null | undefined;
  viewType: WireViewType;
  maxResults: number;
  /** MLflow's token of the page to continue from. */
  pageToken?: string | undefined;
}

/** The runs/search body for `search`; keys in one order, so equal searches serialize (and cache) alike. */
export function runsSearchParams({
  experimentIds,
  filter,
  orderBy,
  viewType,
  maxResults,
  pageToken,
}: RunsSearch): RunsSearchParams {
  return {
    experiment_ids: [...experimentIds],
    ...(filter ? { filter } : {}),
    ...(orderBy?.length ? { order_by: [...orderBy] } : {}),
    run_view_type: viewType,
    max_results: maxResults,
    ...(pageToken ? { page_token: pageToken } : {}),
  };
}

/** Quotes a value for MLflow's filter grammar (runs/search parses escapes inside quotes). */
export function quoteFilterValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The runs/search that finds runs by id among `experimentIds`: `attributes.run_id IN (...)`, every lifecycle stage
 * (a deleted run is still found by id, as runs/get finds it), one row per id.
 */
export function runsByIdSearchParams(experimentIds: readonly string[], runIds: readonly string[]): RunsSearchParams {
  return runsSearchParams({
    experimentIds,
    filter: `attributes.run_id IN (${runIds.map(quoteFilterValue).join(', ')})`,
    viewType: 'ALL',
    maxResults: runIds.length,
  });
}
