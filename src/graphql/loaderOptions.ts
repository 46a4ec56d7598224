import type { Options } from 'dataloader';
import type { Config } from '../config.js';

/** No batching and no per-request memo, so every `load` is its own upstream call, as a one-resolver-per-object graph. */
const NAIVE = Object.freeze({ maxBatchSize: 1, cache: false });

/**
 * Options spread into every DataLoader of a request. Empty (DataLoader's batching and memo) unless
 * MLFLOW_SUPERGRAPH_NAIVE_RESOLVERS is on, a switch that exists only so the benchmark can measure what the
 * batching saves (bench/run.ts, the "naive" variant). Never turn it on in a deployment.
 */
export function loaderOptions(
  config: Pick<Config, 'naiveResolvers'>,
): Pick<Options<unknown, unknown>, 'maxBatchSize' | 'cache'> {
  return config.naiveResolvers ? NAIVE : {};
}
