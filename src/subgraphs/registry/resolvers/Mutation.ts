import type { RequestContext } from '../../../context/RequestContext.js';
import { wireTags } from '../../wireTags.js';
import { createModelAsCaller } from '../createModelAsCaller.js';
import { registryDatabricks } from '../databricks.js';
import { freshModel, freshVersion } from '../freshReads.js';
import { invalidateModelVersion, invalidateRegisteredModel, invalidateRenamedModel } from '../invalidate.js';
import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import type { ModelVersionStage, MutationResolvers } from '../resolvers.generated.js';
import { assertVersion, wireStage } from '../toModels.js';

// Every write is sent once (callRest never retries a write), then declared in invalidate.ts, then answered
// with the object the backend returned or, when it returned none (set-tag, alias, Databricks' update), a
// fresh read that bypasses the request's memo, so the answer shows the write.

/**
 * Databricks splits stage rights: None, Archived and Staging moves need CAN_MANAGE_STAGING_VERSIONS, a move to or
 * from Production CAN_MANAGE_PRODUCTION_VERSIONS. Checked here, before the write, so a refused move never reaches
 * the backend. Other permission services have no such levels (basic-auth's EDIT moves stages: the field's CAN_EDIT).
 */
async function requireStageLevel(context: RequestContext, name: string, version: string, stage: string): Promise<void> {
  const auth = context.authorizer;
  if ((await auth.backend()).kind !== 'databricks') return;
  const current = await context.loaders
    .get(registryLoaders)
    .modelVersion.load({ name, version: assertVersion(version) });
  const production = stage === 'PRODUCTION' || current?.current_stage?.toLowerCase() === 'production';
  await auth.require(
    { kind: 'registeredModel', name },
    production ? 'CAN_MANAGE_PRODUCTION_VERSIONS' : 'CAN_MANAGE_STAGING_VERSIONS',
  );
}

/** What every Databricks transition-request call names: the version, the stage, and the comment when there is one. */
function transition(name: string, version: string, stage: ModelVersionStage, comment: string | null | undefined) {
  return { name, version: assertVersion(version), stage: wireStage(stage), ...(comment ? { comment } : {}) };
}

/** Every model registry write, and the Databricks transition requests and comments. */
export const Mutation: MutationResolvers = {
  createRegisteredModel: (_, { input }, context) => createModelAsCaller(context, input),
  async renameRegisteredModel(_, { name, newName }, context) {
    const { registered_model } = await context.clients.mlflow.call('renameRegisteredModel', {
      name,
      new_name: newName,
    });
    await invalidateRenamedModel(context, name, newName);
    return freshModel(context, newName, registered_model);
  },
  async updateRegisteredModel(_, { name, description }, context) {
    const { registered_model } = await context.clients.mlflow.call('updateRegisteredModel', { name, description });
    await invalidateRegisteredModel(context, name);
    return freshModel(context, name, registered_model);
  },
  async deleteRegisteredModel(_, { name }, context) {
    await context.clients.mlflow.call('deleteRegisteredModel', { name });
    await invalidateRegisteredModel(context, name);
    return { name };
  },
  async setRegisteredModelTag(_, { name, tag }, context) {
    await context.clients.mlflow.call('setRegisteredModelTag', { name, key: tag.key, value: tag.value });
    await invalidateRegisteredModel(context, name);
    return freshModel(context, name);
  },
  async deleteRegisteredModelTag(_, { name, key }, context) {
    await context.clients.mlflow.call('deleteRegisteredModelTag', { name, key });
    await invalidateRegisteredModel(context, name);
    return freshModel(context, name);
  },
  async setRegisteredModelAlias(_, { name, alias, version }, context) {
    await context.clients.mlflow.call('setRegisteredModelAlias', { name, alias, version: assertVersion(version) });
    // The alias may have moved from another version: a model-level change.
    await invalidateRegisteredModel(context, name);
    return freshVersion(context, name, version);
  },
  async deleteRegisteredModelAlias(_, { name, alias }, context) {
    await context.clients.mlflow.call('deleteRegisteredModelAlias', { name, alias });
    await invalidateRegisteredModel(context, name);
    return freshModel(context, name);
  },
  async createModelVersion(_, { input }, context) {
    const { model_version } = await context.clients.mlflow.call('createModelVersion', {
      name: input.name,
      source: input.source,
      ...(input.runId ? { run_id: input.runId } : {}),
      ...(input.runLink ? { run_link: input.runLink } : {}),
      ...(input.description ? { description: input.description } : {}),
      ...wireTags(input.tags),
    });
    await invalidateModelVersion(context, input.name, model_version.version);
    return freshVersion(context, input.name, model_version.version, model_version);
  },
  async updateModelVersion(_, { name, version, description }, context) {
    const { model_version } = await context.clients.mlflow.call('updateModelVersion', {
      name,
      version: assertVersion(version),
      description,
    });
    await invalidateModelVersion(context, name, version);
    return freshVersion(context, name, version, model_version);
  },
  async deleteModelVersion(_, { name, version }, context) {
    await context.clients.mlflow.call('deleteModelVersion', { name, version: assertVersion(version) });
    await invalidateModelVersion(context, name, version);
    return { name, version };
  },
  async setModelVersionTag(_, { name, version, tag }, context) {
    await context.clients.mlflow.call('setModelVersionTag', {
      name,
      version: assertVersion(version),
      key: tag.key,
      value: tag.value,
    });
    await invalidateModelVersion(context, name, version);
    return freshVersion(context, name, version);
  },
  async deleteModelVersionTag(_, { name, version, key }, context) {
    await context.clients.mlflow.call('deleteModelVersionTag', { name, version: assertVersion(version), key });
    await invalidateModelVersion(context, name, version);
    return freshVersion(context, name, version);
  },
  async transitionModelVersionStage(_, { name, version, stage, archiveExistingVersions }, context) {
    await requireStageLevel(context, name, version, stage);
    const { model_version } = await context.clients.mlflow.call('transitionModelVersionStage', {
      name,
      version: assertVersion(version),
      stage: wireStage(stage),
      archive_existing_versions: archiveExistingVersions ?? false,
    });
    // Archiving moves sibling versions too: a model-level change.
    await invalidateRegisteredModel(context, name);
    return freshVersion(context, name, version, model_version);
  },

  async createTransitionRequest(_, { name, version, stage, comment }, context) {
    const databricks = registryDatabricks(context.services.profile, context.clients, 'createTransitionRequest');
    const { request } = await databricks.call('createTransitionRequest', transition(name, version, stage, comment));
    await invalidateModelVersion(context, name, version);
    return request ?? { to_stage: wireStage(stage), ...(comment ? { comment } : {}) };
  },
  async approveTransitionRequest(_, { name, version, stage, archiveExistingVersions, comment }, context) {
    await requireStageLevel(context, name, version, stage);
    const databricks = registryDatabricks(context.services.profile, context.clients, 'approveTransitionRequest');
    const { activity } = await databricks.call('approveTransitionRequest', {
      ...transition(name, version, stage, comment),
      archive_existing_versions: archiveExistingVersions,
    });
    await invalidateRegisteredModel(context, name);
    return { activity: activity ?? null, name, version };
  },
  async rejectTransitionRequest(_, { name, version, stage, comment }, context) {
    const databricks = registryDatabricks(context.services.profile, context.clients, 'rejectTransitionRequest');
    const { activity } = await databricks.call('rejectTransitionRequest', transition(name, version, stage, comment));
    await invalidateModelVersion(context, name, version);
    return { activity: activity ?? null, name, version };
  },
  async deleteTransitionRequest(_, { name, version, stage, creator, comment }, context) {
    const databricks = registryDatabricks(context.services.profile, context.clients, 'deleteTransitionRequest');
    const { activity } = await databricks.call('deleteTransitionRequest', {
      ...transition(name, version, stage, comment),
      creator,
    });
    await invalidateModelVersion(context, name, version);
    return { activity: activity ?? null, name, version };
  },
  async createModelVersionComment(_, { name, version, comment }, context) {
    const databricks = registryDatabricks(context.services.profile, context.clients, 'createModelVersionComment');
    const response = await databricks.call('createComment', { name, version: assertVersion(version), comment });
    return response.comment ?? { comment };
  },
  // The model's CAN_MANAGE is checked before these two (the field's @hasPermission): Databricks has no API to read a
  // comment, so its author is unknown here, and behind a trusted proxy Databricks sees the service as every author.
  async updateModelVersionComment(_, { id, comment }, context) {
    const databricks = registryDatabricks(context.services.profile, context.clients, 'updateModelVersionComment');
    const response = await databricks.call('updateComment', { id, comment });
    return response.comment ?? { id, comment };
  },
  async deleteModelVersionComment(_, { id }, context) {
    const databricks = registryDatabricks(context.services.profile, context.clients, 'deleteModelVersionComment');
    await databricks.call('deleteComment', { id });
    return { id };
  },
};
