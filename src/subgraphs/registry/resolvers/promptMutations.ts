import type { RequestContext } from '../../../context/RequestContext.js';
import type { WireTag } from '../../../upstream/mlflow/wire.js';
import { createModelAsCaller } from '../createModelAsCaller.js';
import { freshModel, freshVersion } from '../freshReads.js';
import { invalidateModelVersion, invalidateRegisteredModel } from '../invalidate.js';
import { promptVersionNumber, requirePrompt, requirePromptVersion } from '../loadPrompt.js';
import {
  assertChatTemplate,
  assertJson,
  assertPromptName,
  assertUserTags,
  IS_PROMPT_TAG,
  isReservedPromptTag,
  MODEL_CONFIG_TAG,
  PROMPT_SOURCE,
  PROMPT_TEXT_TAG,
  PROMPT_TYPE_TAG,
  RESPONSE_FORMAT_TAG,
} from '../prompts.js';
import type { CreatePromptVersionInput, MutationResolvers, PromptTemplateType } from '../resolvers.generated.js';
import { BadUserInputError } from '../../../errors/SupergraphError.js';

// Prompt writes, stored as MLflow's client stores them (registered-models and model-versions calls with the prompt
// tags). Each is refused before any check or call where the backend has no prompt registry (promptGates), and, past
// the field's permission check, touches only an object that is a prompt (one registered-models/get, usually already
// in the request's memo).

/** The version a template makes: MLflow's tags for the marker, the text, its type and settings, then the caller's. */
function versionTags(input: Omit<CreatePromptVersionInput, 'name'>): WireTag[] {
  const type: PromptTemplateType = input.templateType ?? 'TEXT';
  if (type === 'CHAT') assertChatTemplate(input.template);
  if (input.responseFormat) assertJson(input.responseFormat, 'responseFormat');
  if (input.modelConfig) assertJson(input.modelConfig, 'modelConfig');
  assertUserTags(input.tags);
  return [
    { key: IS_PROMPT_TAG, value: 'true' },
    { key: PROMPT_TEXT_TAG, value: input.template },
    { key: PROMPT_TYPE_TAG, value: type === 'CHAT' ? 'chat' : 'text' },
    ...(input.responseFormat ? [{ key: RESPONSE_FORMAT_TAG, value: input.responseFormat }] : []),
    ...(input.modelConfig ? [{ key: MODEL_CONFIG_TAG, value: input.modelConfig }] : []),
    ...(input.tags ?? []).map((t) => ({ key: t.key, value: t.value })),
  ];
}

/** Creates a version of the prompt `name` (already known to be one) and answers it. */
async function createVersion(context: RequestContext, name: string, input: Omit<CreatePromptVersionInput, 'name'>) {
  const tags = versionTags(input);
  const { model_version } = await context.clients.mlflow.call('createModelVersion', {
    name,
    source: PROMPT_SOURCE,
    ...(input.commitMessage ? { description: input.commitMessage } : {}),
    tags,
  });
  await invalidateModelVersion(context, name, model_version.version);
  return freshVersion(context, name, model_version.version, model_version);
}

/** Refuses a tag key the prompt registry keeps for itself. */
function assertUserTagKey(key: string): void {
  if (isReservedPromptTag(key)) assertUserTags([{ key }]);
}

/** The prompt mutations (merged into the registry's Mutation resolvers). */
export const promptMutations: MutationResolvers = {
  async createPrompt(_, { input }, context) {
    assertPromptName(input.name);
    assertUserTags(input.tags);
    const type = input.templateType ?? 'TEXT';
    // Checked before the model exists, so a bad first version leaves no empty prompt behind.
    // The first version: the template and its message (the prompt's tags are the prompt's, not the version's).
    const first =
      input.template === null || input.template === undefined
        ? undefined
        : { template: input.template, templateType: type, commitMessage: input.commitMessage };
    if (first) versionTags(first);
    else if (input.commitMessage)
      throw new BadUserInputError('commitMessage: only with a template (the first version)');
    const created = await createModelAsCaller(context, {
      name: input.name,
      description: input.description,
      tags: [
        { key: IS_PROMPT_TAG, value: 'true' },
        { key: PROMPT_TYPE_TAG, value: type === 'CHAT' ? 'chat' : 'text' },
        ...(input.tags ?? []),
      ],
    });
    if (!first) return created;
    await createVersion(context, input.name, first);
    // The model as it is with its first version (latest_versions, last update).
    return freshModel(context, input.name);
  },

  async createPromptVersion(_, { input }, context) {
    await requirePrompt(context, input.name);
    return createVersion(context, input.name, input);
  },

  async setPromptAlias(_, { name, alias, version }, context) {
    await requirePromptVersion(context, name, version);
    const number = promptVersionNumber(version);
    await context.clients.mlflow.call('setRegisteredModelAlias', { name, alias, version: number });
    // The alias may have moved from another version: a model-level change.
    await invalidateRegisteredModel(context, name);
    return freshVersion(context, name, number);
  },

  async deletePromptAlias(_, { name, alias }, context) {
    await requirePrompt(context, name);
    await context.clients.mlflow.call('deleteRegisteredModelAlias', { name, alias });
    await invalidateRegisteredModel(context, name);
    return freshModel(context, name);
  },

  async setPromptTag(_, { name, tag }, context) {
    assertUserTagKey(tag.key);
    await requirePrompt(context, name);
    await context.clients.mlflow.call('setRegisteredModelTag', { name, key: tag.key, value: tag.value });
    await invalidateRegisteredModel(context, name);
    return freshModel(context, name);
  },

  async deletePromptTag(_, { name, key }, context) {
    assertUserTagKey(key);
    await requirePrompt(context, name);
    await context.clients.mlflow.call('deleteRegisteredModelTag', { name, key });
    await invalidateRegisteredModel(context, name);
    return freshModel(context, name);
  },

  async setPromptVersionTag(_, { name, version, tag }, context) {
    assertUserTagKey(tag.key);
    await requirePromptVersion(context, name, version);
    const number = promptVersionNumber(version);
    await context.clients.mlflow.call('setModelVersionTag', { name, version: number, key: tag.key, value: tag.value });
    await invalidateModelVersion(context, name, number);
    return freshVersion(context, name, number);
  },

  async deletePromptVersionTag(_, { name, version, key }, context) {
    assertUserTagKey(key);
    await requirePromptVersion(context, name, version);
    const number = promptVersionNumber(version);
    await context.clients.mlflow.call('deleteModelVersionTag', { name, version: number, key });
    await invalidateModelVersion(context, name, number);
    return freshVersion(context, name, number);
  },

  async deletePrompt(_, { name }, context) {
    await requirePrompt(context, name);
    await context.clients.mlflow.call('deleteRegisteredModel', { name });
    await invalidateRegisteredModel(context, name);
    return { name };
  },

  async deletePromptVersion(_, { name, version }, context) {
    await requirePromptVersion(context, name, version);
    const number = promptVersionNumber(version);
    await context.clients.mlflow.call('deleteModelVersion', { name, version: number });
    await invalidateModelVersion(context, name, number);
    return { name, version };
  },
};
