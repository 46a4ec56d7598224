import type { RequestContext } from '../../context/RequestContext.js';
import { BadUserInputError, NotFoundError } from '../../errors/SupergraphError.js';
import type { WireModelVersion, WireRegisteredModel } from '../../upstream/mlflow/wire.js';
import { registryLoaders } from './loaders/createRegistryLoaders.js';
import { isPromptModel, isPromptVersion } from './prompts.js';

// Prompts read through the registry's own loaders (a prompt is a registered model, a prompt version a model version),
// so a prompt read twice in a request, or read after a search listed it, costs one call or none.

/** A prompt version number as MLflow keeps it (a positive integer), as the string the wire uses. */
export function promptVersionNumber(version: number): string {
  if (!Number.isSafeInteger(version) || version < 1)
    throw new BadUserInputError(`version: expected a prompt version number (1 or more), got ${version}`);
  return String(version);
}

/** The prompt `name`, or null when no registered model has that name or the one that has it is no prompt. */
export async function loadPrompt(context: RequestContext, name: string): Promise<WireRegisteredModel | null> {
  const model = await context.loaders.get(registryLoaders).registeredModelByName.load(name);
  return model && isPromptModel(model) ? model : null;
}

/** Version `version` of the prompt `name`, or null when it does not exist or is no prompt version. */
export async function loadPromptVersion(
  context: RequestContext,
  name: string,
  version: number,
): Promise<WireModelVersion | null> {
  const found = await context.loaders
    .get(registryLoaders)
    .modelVersion.load({ name, version: promptVersionNumber(version) });
  return found && isPromptVersion(found) ? found : null;
}

/** The version an alias of the prompt `name` points to, or null. */
export async function loadPromptVersionByAlias(
  context: RequestContext,
  name: string,
  alias: string,
): Promise<WireModelVersion | null> {
  const found = await context.loaders.get(registryLoaders).modelVersionByAlias.load({ name, alias });
  return found && isPromptVersion(found) ? found : null;
}

/**
 * The prompt a write is about, which must exist and be a prompt: prompt mutations never touch an ordinary registered
 * model (a prompt version added to a model would make a hybrid MLflow's own client refuses to read).
 */
export async function requirePrompt(context: RequestContext, name: string): Promise<WireRegisteredModel> {
  const model = await context.loaders.get(registryLoaders).registeredModelByName.load(name);
  if (!model) throw new NotFoundError(`Prompt ${name} does not exist`);
  if (!isPromptModel(model)) throw new BadUserInputError(`${name} is a registered model, not a prompt`);
  return model;
}

/** The prompt version a write is about, which must exist and be a prompt version. */
export async function requirePromptVersion(
  context: RequestContext,
  name: string,
  version: number,
): Promise<WireModelVersion> {
  await requirePrompt(context, name);
  const found = await loadPromptVersion(context, name, version);
  if (!found) throw new NotFoundError(`Prompt ${name} has no version ${version}`);
  return found;
}
