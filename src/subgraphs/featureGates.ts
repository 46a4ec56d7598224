import type { RequestContext } from '../context/RequestContext.js';
import type { FieldGate } from '../graphql/fieldGates.js';
import { FEATURE_FIELDS } from '../graphql/unsupportedCoordinates.js';
import type { BackendFeature } from '../upstream/profiles/backendFeatures.js';

/** A field's own argument checks (BAD_USER_INPUT for what could never be sent), by coordinate. */
export type ArgumentChecks = Readonly<Record<string, (args: Readonly<Record<string, unknown>>) => void>>;

/**
 * The gates of every field of an MLflow 3 feature (FEATURE_FIELDS): the backend must serve the feature
 * (UNSUPPORTED_BY_BACKEND, decided once per process by LearnedCapabilities), then the field's argument checks run.
 * Both come before the field's permission check and resolver, so neither a missing feature nor a malformed argument
 * costs an upstream call, not even the permission lookup's.
 */
export function featureGates(
  feature: BackendFeature,
  checks: ArgumentChecks = {},
): Readonly<Record<string, FieldGate<RequestContext>>> {
  const fields = FEATURE_FIELDS[feature];
  for (const coordinate of Object.keys(checks))
    if (!(coordinate in fields)) throw new Error(`featureGates: ${coordinate} is not a field of ${feature}`);
  return Object.fromEntries(
    Object.entries(fields).map(([coordinate, via]) => {
      const check = checks[coordinate];
      const gate: FieldGate<RequestContext> = async (context, args) => {
        await context.clients.mlflow.requireFeature(feature, via);
        check?.(args);
      };
      return [coordinate, gate];
    }),
  );
}
