import type { RequestContext } from '../context/RequestContext.js';
import { REQUEST_ID_ATTRIBUTE, withSpan } from './tracing.js';

/**
 * The optional DataLoader hook: wrap a batch function's body in it to get a span per batch (child of the
 * field that triggered it, parent of the upstream calls it makes) and the `dataloader_batch_size` histogram.
 *
 * ```ts
 * new DataLoader((ids) => traceBatch(context, 'runById', ids.length, () => fetchRuns(ids)))
 * ```
 */
export function traceBatch<T>(
  context: RequestContext,
  loader: string,
  size: number,
  run: () => Promise<T>,
): Promise<T> {
  // Contexts built by hand in unit tests carry no telemetry: then the batch just runs.
  if (!context.services.telemetry) return run();
  context.services.telemetry.metrics.observeBatch(loader, size);
  return withSpan(
    `dataloader ${loader}`,
    {
      attributes: {
        [REQUEST_ID_ATTRIBUTE]: context.requestId,
        'dataloader.name': loader,
        'dataloader.batch_size': size,
      },
    },
    run,
  );
}

/** Wraps a DataLoader batch function so every batch is measured (size) and traced (span) under `loader`. */
export function tracedBatch<K, V>(
  context: RequestContext,
  loader: string,
  batch: (keys: readonly K[]) => Promise<V>,
): (keys: readonly K[]) => Promise<V> {
  return (keys) => traceBatch(context, loader, keys.length, () => batch(keys));
}
