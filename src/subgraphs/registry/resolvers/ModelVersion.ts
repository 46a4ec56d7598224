import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import type { ModelVersionResolvers } from '../resolvers.generated.js';
import { assertVersion, modelVersionStage, modelVersionStatus, nonEmpty } from '../toModels.js';
import { versionAliases } from '../versionAliases.js';
import { registryObjectFields } from './registryObjectFields.js';

/** Fields of ModelVersion, backed by MLflow's model_version object. */
export const ModelVersion: ModelVersionResolvers = {
  // _entities: another subgraph (permissions) refers to a version by name and number.
  __resolveReference: (reference, context) =>
    context.loaders.get(registryLoaders).modelVersion.load({
      name: reference.name,
      version: assertVersion(String(reference.version)),
    }),
  ...registryObjectFields,
  version: (version) => String(version.version),
  source: (version) => nonEmpty(version.source),
  runId: (version) => nonEmpty(version.run_id),
  // An entity reference: the gateway asks the tracking subgraph for the run's fields (batched there).
  run: (version) => (nonEmpty(version.run_id) ? { id: version.run_id as string } : null),
  runLink: (version) => nonEmpty(version.run_link),
  status: (version) => modelVersionStatus(version.status),
  statusMessage: (version) => nonEmpty(version.status_message),
  stage: (version) => modelVersionStage(version),

  aliases: (version, _, context) => versionAliases(context, version),

  // GitLab addresses the download by the version's numeric id, everything else by its semver.
  downloadUri: (version, _, context) =>
    context.loaders.get(registryLoaders).downloadUri.load({
      name: version.name,
      version: version.gitlab_version_id ?? String(version.version),
    }),

  registeredModel: (version, _, context) =>
    context.loaders.get(registryLoaders).registeredModelByName.load(version.name),

  async transitionRequests(version, _, context) {
    const requests = await context.loaders.get(registryLoaders).transitionRequests.load({
      name: version.name,
      version: String(version.version),
    });
    return requests.map((r) => ({ ...r }));
  },
};
