import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import { searchVersionsOfModel } from '../loaders/search.js';
import type { ModelAliasResolvers, RegisteredModelResolvers } from '../resolvers.generated.js';
import { assertVersion, modelVersionStage } from '../toModels.js';
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

  async versions(model, { first, after }, context) {
    const size = pageSize(first);
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'RegisteredModel.versions',
      args: { name: model.name },
    });
    // Decoded before any upstream call: a cursor this caller was not given for this model costs nothing.
    const position = cursors.decode(after);
    const loaders = context.loaders.get(registryLoaders);
    if (context.services.profile.capabilities.versionsInModel) {
      // GitLab: the model already carries every version (newest first); no search exists, none is needed.
      const all =
        model.gitlab_versions ?? (await loaders.registeredModelByName.load(model.name))?.gitlab_versions ?? [];
      loaders.primeVersions(all);
      return buildConnection(all.slice(position.o), size, position, undefined, cursors);
    }
    if (!after) {
      const page = await loaders.firstVersionsPage.load({ name: model.name, size });
      return buildConnection(page.items, size, { o: 0 }, page.nextToken, cursors);
    }
    const page = await searchVersionsOfModel(context, model.name, size, position);
    loaders.primeVersions(page.items);
    return buildConnection(page.items, size, position, page.nextToken, cursors);
  },

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
