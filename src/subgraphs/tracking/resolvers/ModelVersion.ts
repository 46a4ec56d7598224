import { loggedModelIdOfSource } from '../../../upstream/mlflow/loggedModelLinks.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { ModelVersionResolvers } from '../resolvers.generated.js';

/**
 * The tracking subgraph's part of ModelVersion: the logged model it was registered from. The registry owns the
 * version (and has checked its model's permissions); the gateway sends its key with `source` and `runId`.
 */
export const ModelVersion: ModelVersionResolvers = {
  __resolveReference: (reference) => ({
    name: reference.name,
    version: String(reference.version),
    source: reference.source ?? null,
    runId: reference.runId ?? null,
  }),
  name: (version) => version.name,
  version: (version) => version.version,
  async loggedModel(version, _, context) {
    // A server without logged models says so rather than "none" (no call: decided from its version).
    await context.clients.mlflow.requireFeature('loggedModels', 'getLoggedModel');
    // MLflow 3.11.1 versions carry no model_id: the source names the model (upstream/mlflow/loggedModelLinks.ts).
    const id = loggedModelIdOfSource(version.source);
    if (!id) return null;
    const loaders = context.loaders.get(trackingLoaders);
    // The version's run is the model's source run (MLflow copies it), so its experiment is the model's: with it
    // a page of versions finds their models with one search instead of one get each. The runs of a page load
    // as one batch; a run that cannot be read only costs the hint.
    if (version.runId && !loaders.loggedModelHints.has(id)) {
      const run = await loaders.runById.load(version.runId).catch(() => null);
      if (run) loaders.loggedModelHints.set(id, run.info.experiment_id);
    }
    return loaders.loggedModelById.load(id);
  },
};
