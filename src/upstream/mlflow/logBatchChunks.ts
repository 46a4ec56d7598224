// How a log-batch is split over calls, as MLflow's own client splits it (MlflowClient.log_batch, MLflow 2.x and
// 3.x alike): the server refuses a call over its limits, so a larger batch is several calls, one after another.
import type { WireMetric, WireParam, WireTag } from './wire.js';

/** Metrics one log-batch call may carry (MLflow's MAX_METRICS_PER_BATCH). */
export const MAX_METRICS_PER_BATCH = 1000;
/** Params, and separately tags, one call may carry (MAX_PARAMS_TAGS_PER_BATCH). */
export const MAX_PARAMS_TAGS_PER_BATCH = 100;
/** Metrics, params and tags together one call may carry (MAX_ENTITIES_PER_BATCH). */
export const MAX_ENTITIES_PER_BATCH = 1000;

/** What one log-batch call carries. */
export interface LogBatchChunk {
  metrics: WireMetric[];
  params: WireParam[];
  tags: WireTag[];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The calls a batch takes, in the order MLflow's client sends them: params and tags 100 at a time side by side,
 * each call topped up with metrics to 1000 entities; then the remaining metrics 1000 at a time. Order within each
 * kind is kept (MLflow applies a batch's entries in order). An empty batch takes no call.
 */
export function logBatchChunks(
  metrics: readonly WireMetric[],
  params: readonly WireParam[],
  tags: readonly WireTag[],
): LogBatchChunk[] {
  const out: LogBatchChunk[] = [];
  const paramChunks = chunks(params, MAX_PARAMS_TAGS_PER_BATCH);
  const tagChunks = chunks(tags, MAX_PARAMS_TAGS_PER_BATCH);
  let rest = [...metrics];
  for (let i = 0; i < Math.max(paramChunks.length, tagChunks.length); i += 1) {
    const chunkParams = paramChunks[i] ?? [];
    const chunkTags = tagChunks[i] ?? [];
    const room = Math.max(
      0,
      Math.min(MAX_ENTITIES_PER_BATCH - chunkParams.length - chunkTags.length, MAX_METRICS_PER_BATCH),
    );
    out.push({ metrics: rest.slice(0, room), params: chunkParams, tags: chunkTags });
    rest = rest.slice(room);
  }
  for (const chunkMetrics of chunks(rest, MAX_METRICS_PER_BATCH))
    out.push({ metrics: chunkMetrics, params: [], tags: [] });
  return out;
}
