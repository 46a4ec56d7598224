import type { ScopedTelemetry } from './Telemetry.js';
import { REQUEST_ID_ATTRIBUTE, withSpan } from './tracing.js';

/**
 * The optional DataLoader hook: wrap a batch function's body in it to get a span per batch (child of the
 * field that triggered it, parent of the upstream calls it makes) and the `dataloader_batch_size` histogram.
 *
 * ```ts
 * new DataLoader((ids) => traceBatch(context.telemetry, 'runById', ids.length, () => fetchRuns(ids)))
 * ```
 */
export function traceBatch<T>(
  telemetry: ScopedTelemetry | undefined,
  loader: string,
  size: number,
  run: () => Promise<T>,
): Promise<T> {
  // Loaders built by hand in unit tests carry no telemetry: then the batch just runs.
  if (!telemetry) return run();
  telemetry.metrics.observeBatch(loader, size);
  return withSpan(
    `dataloader ${loader}`,
    {
      attributes: {
        [REQUEST_ID_ATTRIBUTE]: telemetry.requestId,
        'dataloader.name': loader,
        'dataloader.batch_size': size,
      },
    },
    run,
  );
}

/** Wraps a DataLoader batch function so every batch is measured (size) and traced (span) under `loader`. */
export function tracedBatch<K, V>(
  telemetry: ScopedTelemetry | undefined,
  loader: string,
  batch: (keys: readonly K[]) => Promise<V>,
): (keys: readonly K[]) => Promise<V> {
  return (keys) => traceBatch(telemetry, loader, keys.length, () => batch(keys));
}
