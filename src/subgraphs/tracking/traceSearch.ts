import type { RequestContext } from '../../context/RequestContext.js';
import { buildConnection, pageSize, type Connection } from '../../graphql/connection.js';
import { connectionCursors } from '../../graphql/cursorCodec.js';
import type { MlflowApi } from '../../upstream/mlflow/MlflowApi.js';
import type { WireTraceInfo } from '../../upstream/mlflow/wire.js';
import { trackingLoaders } from './loaders/createTrackingLoaders.js';

/** What one trace connection lists: which experiments, MLflow's filter (the parent's part and the caller's), order. */
export interface TraceSearch {
  /** `Type.field` the cursors are bound to (`Experiment.traces`). */
  readonly field: string;
  /** The experiments to search (already the readable ones). */
  readonly experimentIds: readonly string[];
  /** A clause the parent adds (`attributes.run_id = '…'`), joined to the caller's filter with AND. */
  readonly scope?: string;
  /** What names the parent in the cursor's scope (its id), so a cursor of one run's traces fails on another's. */
  readonly parent?: string;
  readonly filter?: string | null | undefined;
  readonly orderBy?: readonly string[] | null | undefined;
  readonly first?: number | null | undefined;
  readonly after?: string | null | undefined;
}

/** A value inside a single-quoted clause of MLflow's filter grammar. */
export function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * One page of traces over traces/search (MLflow's filter grammar passes through: its 400 for a bad filter is the
 * caller's BAD_USER_INPUT), with sealed cursors bound to the caller, the field, the parent and the arguments. The
 * page is kept per caller under the `traces` search generation, which every trace write through this layer replaces;
 * the traces it returns are primed, so their spans and checks need no further info read.
 */
export async function searchTraces(context: RequestContext, search: TraceSearch): Promise<Connection<WireTraceInfo>> {
  const size = pageSize(search.first);
  const filter = [search.scope, search.filter?.trim() || undefined].filter(Boolean).join(' AND ');
  const orderBy = search.orderBy ?? [];
  const cursors = connectionCursors(context.services.keys, context.principal, {
    field: search.field,
    args: {
      parent: search.parent ?? null,
      experimentIds: [...search.experimentIds],
      filter: search.filter || null,
      orderBy: [...orderBy],
    },
  });
  const position = cursors.decode(search.after);
  if (search.experimentIds.length === 0) return buildConnection([], size, position, undefined, cursors);
  const params: MlflowApi['searchTraces']['params'] = {
    locations: search.experimentIds.map((id) => ({
      type: 'MLFLOW_EXPERIMENT' as const,
      mlflow_experiment: { experiment_id: id },
    })),
    max_results: position.o + size,
    ...(filter ? { filter } : {}),
    ...(orderBy.length ? { order_by: [...orderBy] } : {}),
    ...(position.t ? { page_token: position.t } : {}),
  };
  const response = await context.cache.page('traces', params, () =>
    context.clients.mlflow.call('searchTraces', params),
  );
  const traces = (response.traces ?? []).slice(position.o);
  context.loaders.get(trackingLoaders).primeTraces(traces);
  return buildConnection(traces, size, position, response.next_page_token || undefined, cursors);
}
