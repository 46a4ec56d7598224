import type { RequestContext } from '../../context/RequestContext.js';
import type { MlflowEndpointName } from '../../upstream/mlflow/endpoints.js';
import { featureGates } from '../featureGates.js';

// Where prompts exist: the backend profile's `prompts` feature (MLflow >= 3.0 by the detected version; not on
// Databricks, whose prompts live in Unity Catalog's own API, nor on GitLab). Decided once per process
// (LearnedCapabilities), so a request normally pays nothing for it.

/** Refuses with UNSUPPORTED_BY_BACKEND, making no call, where the backend has no prompt registry (`via`: the endpoint named). */
export function requirePrompts(context: Pick<RequestContext, 'clients'>, via: MlflowEndpointName): Promise<void> {
  return context.clients.mlflow.requireFeature('prompts', via);
}

/** The prompt root fields' gates: each refused before its permission check and resolver where prompts are absent. */
export const promptGates = featureGates('prompts');
