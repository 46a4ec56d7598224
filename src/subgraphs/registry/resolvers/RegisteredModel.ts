import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import type { ModelAliasResolvers, RegisteredModelResolvers } from '../resolvers.generated.js';
import { assertVersion, modelVersionStage } from '../toModels.js';
import { versionsConnection } from '../versionsConnection.js';
import { registryObjectFields } from './registryObjectFields.js';

/** Fields of RegisteredModel, backed by MLflow's registered_model object. */
export const RegisteredModel: RegisteredModelResolvers = {
  // _entities: another subgraph (permissions) refers to a model by name.
  __resolveReference: (reference, context) =>
    context.loaders.get(registryLoaders).registeredModelByName.load(reference.name),
  ...registryObjectFields,
  aliases: (model) =>
    (model.aliases ?? []).map((a) => ({ name: model.name, alias: a.alias, version: String(a.version) })),
  // MLflow embeds the newest version per stage in the model itself: no extra call.
  latestVersions: (model, { stages }) => {
    const versions = model.latest_versions ?? [];
    return stages?.length ? versions.filter((v) => stages.includes(modelVersionStage(v))) : versions;
  },

  versions: (model, args, context) =>
    versionsConnection(context, model, args, { field: 'RegisteredModel.versions', scope: 'models' }),

  version: (model, { version }, context) =>
    context.loaders.get(registryLoaders).modelVersion.load({ name: model.name, version: assertVersion(version) }),
};

/** Fields of ModelAlias. */
export const ModelAlias: ModelAliasResolvers = {
  alias: (alias) => alias.alias,
  version: (alias) => alias.version,
  modelVersion: (alias, _, context) =>
    context.loaders.get(registryLoaders).modelVersion.load({ name: alias.name, version: alias.version }),
};
