import DataLoader from 'dataloader';
import { fanOut } from '../../../graphql/fanOut.js';
import { tracedBatch } from '../../../observability/traceBatch.js';
import { orNull } from '../../../upstream/http/UpstreamError.js';
import type { WireRun } from '../../../upstream/mlflow/wire.js';
import type { LoaderInputs } from '../../loaderInputs.js';

/** Runs as runs/get answers them (with the logged models they used), by run id. */
export type RunInputsLoader = DataLoader<string, WireRun | null>;

/**
 * Runs by id from runs/get only, for the logged models a run used: MLflow 3.11.1's runs/search leaves
 * `inputs.model_inputs` out (corpus 3.11.1 seq 91 against seq 88), so a run that came from a search cannot say
 * which models it used. No batch form exists: deduplicated, with bounded concurrency; kept in the request's memo.
 */
export function createRunInputsLoader({ mlflow, telemetry, options }: LoaderInputs): RunInputsLoader {
  return new DataLoader(
    tracedBatch(telemetry, 'runInputs', (ids: readonly string[]) =>
      fanOut(ids, (id) => orNull(async () => (await mlflow.call('getRun', { run_id: id })).run)),
    ),
    options,
  );
}
