import type { RequestContext } from '../../context/RequestContext.js';
import type { FieldGate } from '../../graphql/fieldGates.js';
import { FEATURE_FIELDS } from '../../graphql/unsupportedCoordinates.js';
import type { MlflowEndpointName } from '../../upstream/mlflow/endpoints.js';

// Where traces exist: the backend profile's `traces` feature (MLflow >= 3.0 by the detected version, Databricks; not
// GitLab). Decided once per process (LearnedCapabilities), so a request normally pays nothing for it.

/** Refuses with UNSUPPORTED_BY_BACKEND, making no call, where the backend has no traces (`via`: the endpoint named). */
export function requireTraces(context: Pick<RequestContext, 'clients'>, via: MlflowEndpointName): Promise<void> {
  return context.clients.mlflow.requireFeature('traces', via);
}

/** Every trace field's gate: refused before its permission check and resolver where traces are absent. */
export const traceGates: Readonly<Record<string, FieldGate<RequestContext>>> = Object.fromEntries(
  Object.entries(FEATURE_FIELDS.traces).map(([coordinate, via]) => [
    coordinate,
    (context: RequestContext) => requireTraces(context, via),
  ]),
);
