import { sourceNamesModel, taggedVersions } from '../../../upstream/mlflow/loggedModelLinks.js';
import type { WireModelVersion } from '../../../upstream/mlflow/wire.js';
import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import type { LoggedModelResolvers } from '../resolvers.generated.js';

const keyOf = (version: { name: string; version: string | number }) =>
  `${version.name}\u0000${String(version.version)}`;

/** Oldest first: by creation time, then by name and number. */
function byCreation(a: WireModelVersion, b: WireModelVersion): number {
  return (
    Number(a.creation_timestamp ?? 0) - Number(b.creation_timestamp ?? 0) ||
    a.name.localeCompare(b.name) ||
    Number(a.version) - Number(b.version)
  );
}

/** The registry's part of a logged model (MLflow 3): the versions registered from it. */
export const LoggedModel: LoggedModelResolvers = {
  // The tracking subgraph owns the model; the gateway sends its key with the fields registeredVersions requires.
  __resolveReference: (reference) => ({ ...reference }),
  id: (model) => model.id,

  async registeredVersions(model, _, context) {
    await context.clients.mlflow.requireFeature('loggedModels', 'getLoggedModel');
    const loaders = context.loaders.get(registryLoaders);
    // MLflow 3.11.1 versions carry no model_id (upstream/mlflow/loggedModelLinks.ts). The versions of the model's
    // source run come from one `run_id IN (...)` search shared by every model of this level; those whose source
    // names this model are its versions (a run may have made several models).
    const ofRun = model.sourceRunId ? await loaders.modelVersionsByRunId.load(model.sourceRunId) : [];
    const found = new Map<string, WireModelVersion>();
    for (const version of ofRun)
      if (sourceNamesModel(version.source, model.id, model.artifactLocation)) found.set(keyOf(version), version);
    // The model's mlflow.modelVersions tag names them too: one registered from another source, or from a model
    // without a source run. Those the run's search did not list are read one by one (a deleted one reads null).
    const byKey = new Map(ofRun.map((version) => [keyOf(version), version]));
    const missing = taggedVersions(model.tags?.map((t) => ({ key: t.key, value: t.value }))).filter(
      (ref) => !found.has(keyOf(ref)),
    );
    for (const ref of missing) {
      const listed = byKey.get(keyOf(ref));
      if (listed) found.set(keyOf(ref), listed);
    }
    const toRead = missing.filter((ref) => !found.has(keyOf(ref)));
    const read = await loaders.modelVersion.loadMany(toRead);
    for (const version of read) {
      if (version instanceof Error) throw version;
      if (version) found.set(keyOf(version), version);
    }
    return [...found.values()].sort(byCreation);
  },
};
