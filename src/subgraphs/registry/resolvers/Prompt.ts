import { registryLoaders } from '../loaders/createRegistryLoaders.js';
import { loadPrompt, loadPromptVersion, loadPromptVersionByAlias } from '../loadPrompt.js';
import { requirePrompts } from '../promptSupport.js';
import {
  isPromptVersion,
  isReservedPromptTag,
  MODEL_CONFIG_TAG,
  PROMPT_TEXT_TAG,
  RESPONSE_FORMAT_TAG,
  templateType,
  templateVariables,
  userTags,
} from '../prompts.js';
import type {
  DeletePromptVersionPayloadResolvers,
  PromptAliasResolvers,
  PromptResolvers,
  PromptVersionResolvers,
} from '../resolvers.generated.js';
import { nonEmpty, tagList, tagValue } from '../toModels.js';
import { versionAliases } from '../versionAliases.js';
import { versionsConnection } from '../versionsConnection.js';
import { registryObjectFields } from './registryObjectFields.js';

const { name, description, creationTime, lastUpdateTime, userId } = registryObjectFields;

/** Tags as a prompt shows them: without the keys its own fields stand for. */
const promptTagFields = {
  tags: (object: { tags?: { key: string; value?: string }[] }) => tagList(userTags(object.tags)),
  tag: (object: { tags?: { key: string; value?: string }[] }, { key }: { key: string }) =>
    isReservedPromptTag(key) ? null : tagValue(object.tags, key),
};

/** Fields of Prompt, backed by the registered model that is the prompt. */
export const Prompt: PromptResolvers = {
  // _entities (the permissions subgraph's fields, or a client): a name that is no prompt resolves to null.
  async __resolveReference(reference, context) {
    await requirePrompts(context, 'getRegisteredModel');
    return loadPrompt(context, reference.name);
  },
  name,
  description,
  creationTime,
  lastUpdateTime,
  userId,
  ...promptTagFields,
  aliases: (prompt) =>
    (prompt.aliases ?? []).map((a) => ({ name: prompt.name, alias: a.alias, version: String(a.version) })),
  // MLflow embeds the newest version of each stage in the model; a prompt's versions all stay in stage None.
  latestVersion(prompt, _, context) {
    const newest = (prompt.latest_versions ?? [])
      .filter(isPromptVersion)
      .sort((a, b) => Number(b.version) - Number(a.version))[0];
    if (newest) {
      context.loaders.get(registryLoaders).primeVersions([newest]);
      return newest;
    }
    return null;
  },

  versions: (prompt, args, context) =>
    versionsConnection(context, prompt, args, { field: 'Prompt.versions', scope: 'prompts' }),

  version: (prompt, { version }, context) => loadPromptVersion(context, prompt.name, version),
  versionByAlias: (prompt, { alias }, context) => loadPromptVersionByAlias(context, prompt.name, alias),
};

/** Fields of PromptVersion, backed by the model version that holds the template in its tags. */
export const PromptVersion: PromptVersionResolvers = {
  async __resolveReference(reference, context) {
    await requirePrompts(context, 'getModelVersion');
    return loadPromptVersion(context, reference.name, Number(reference.version));
  },
  name,
  version: (version) => Number(version.version),
  template: (version) => tagValue(version.tags, PROMPT_TEXT_TAG) ?? '',
  templateType: (version) => templateType(version),
  variables: (version) => templateVariables(tagValue(version.tags, PROMPT_TEXT_TAG) ?? ''),
  // MLflow keeps a prompt version's commit message as the model version's description.
  commitMessage: description,
  responseFormat: (version) => tagValue(version.tags, RESPONSE_FORMAT_TAG),
  modelConfig: (version) => tagValue(version.tags, MODEL_CONFIG_TAG),
  aliases: (version, _, context) => versionAliases(context, version),
  ...promptTagFields,
  creationTime,
  lastUpdateTime,
  userId: (version) => nonEmpty(version.user_id),
  prompt: (version, _, context) => loadPrompt(context, version.name),
};

/** Fields of PromptAlias. */
export const PromptAlias: PromptAliasResolvers = {
  alias: (alias) => alias.alias,
  version: (alias) => Number(alias.version),
  promptVersion: (alias, _, context) => loadPromptVersion(context, alias.name, Number(alias.version)),
};

/** What is left after deleting a prompt version: its key and its prompt. */
export const DeletePromptVersionPayload: DeletePromptVersionPayloadResolvers = {
  name: (payload) => payload.name,
  version: (payload) => payload.version,
  prompt: (payload, _, context) => loadPrompt(context, payload.name),
};
