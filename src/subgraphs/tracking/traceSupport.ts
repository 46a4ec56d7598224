import type { RequestContext } from '../../context/RequestContext.js';
import type { MlflowEndpointName } from '../../upstream/mlflow/endpoints.js';
import { featureGates } from '../featureGates.js';

// Where traces exist: the backend profile's `traces` feature (MLflow >= 3.0 by the detected version, Databricks; not
// GitLab). Decided once per process (LearnedCapabilities), so a request normally pays nothing for it.

/** Refuses with UNSUPPORTED_BY_BACKEND, making no call, where the backend has no traces (`via`: the endpoint named). */
export function requireTraces(context: Pick<RequestContext, 'clients'>, via: MlflowEndpointName): Promise<void> {
  return context.clients.mlflow.requireFeature('traces', via);
}

/** Every trace field's gate: refused before its permission check and resolver where traces are absent. */
export const traceGates = featureGates('traces');
