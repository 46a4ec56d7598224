import type { RequestContext } from '../context/RequestContext.js';
import { loaderOptions } from '../graphql/loaderOptions.js';
import type { MlflowClient } from '../upstream/mlflow/MlflowClient.js';

/**
 * What a subgraph's loader modules are built from: the members of one request they use, so each module takes
 * these (or fewer) rather than the whole context, and a unit test builds them without one.
 */
export interface LoaderInputs {
  /** This caller's MLflow client (their credentials, the request's call budget and time budget). */
  readonly mlflow: MlflowClient;
  /** The shared cache as this caller may use it. */
  readonly cache: RequestContext['cache'];
  /** Spans and batch-size metrics of each batch. */
  readonly telemetry: RequestContext['telemetry'];
  /** Spread into every DataLoader (batching and memo off only in the benchmark's naive variant). */
  readonly options: ReturnType<typeof loaderOptions>;
}

/** The inputs of a request's loaders, read from its context once, when its loaders are built. */
export function loaderInputs(context: RequestContext): LoaderInputs {
  return {
    mlflow: context.clients.mlflow,
    cache: context.cache,
    telemetry: context.telemetry,
    options: loaderOptions(context.services.config),
  };
}
