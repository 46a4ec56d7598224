// MLflow's prompt registry as MLflow stores it: a prompt is a registered model tagged `mlflow.prompt.is_prompt = true`,
// and each version is a model version carrying the same tag plus its template in `mlflow.prompt.text` (the type, the
// response format and model settings in `_mlflow_prompt_*` tags; the commit message is the version's description).
// Names and meanings follow MLflow's client (mlflow/prompt/constants.py); the corpus shows them on the wire (seq 135-147).
import { BadUserInputError } from '../../errors/SupergraphError.js';
import type { WireModelVersion, WireRegisteredModel, WireTag } from '../../upstream/mlflow/wire.js';
import type { PromptTemplateType } from './resolvers.generated.js';

/** The tag that makes a registered model (and each of its versions) a prompt. */
export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';
/** The version tag holding the template. */
export const PROMPT_TEXT_TAG = 'mlflow.prompt.text';
/** `text` or `chat` (Unity Catalog tags cannot hold dots, hence the underscore keys). */
export const PROMPT_TYPE_TAG = '_mlflow_prompt_type';
/** The expected response structure, as JSON. */
export const RESPONSE_FORMAT_TAG = '_mlflow_prompt_response_format';
/** Model settings, as JSON. */
export const MODEL_CONFIG_TAG = '_mlflow_prompt_model_config';
/**
 * The `source` MLflow's own client sends for a prompt version: MLflow >= 3 refuses other schemeless sources for
 * prompts (corpus seq 138, "Local source paths are not allowed for prompts").
 */
export const PROMPT_SOURCE = 'dummy-source';

/** The search clause that selects prompts (MLflow's client writes it this way; the tag key needs backquotes). */
export const PROMPTS_ONLY = `tags.\`${IS_PROMPT_TAG}\` = 'true'`;

/** Prompt names MLflow's client accepts (PROMPT_NAME_RULE); they also need no quoting in a search filter. */
const PROMPT_NAME = /^[a-zA-Z0-9_.-]+$/;
/** `{{ variable }}` placeholders (MLflow's PROMPT_TEMPLATE_VARIABLE_PATTERN: dotted names allowed). */
const VARIABLE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*)\s*\}\}/g;

/** Keys MLflow uses to mark prompts and hold their templates: the graph writes them, never a caller. */
export function isReservedPromptTag(key: string): boolean {
  return key.startsWith('mlflow.prompt.') || key.startsWith('_mlflow_prompt');
}

/**
 * True when `tags` mark their object as a prompt: the value exactly `true`, as MLflow 3's store hides prompts (an
 * equality in SQL) and as `tags.… = 'true'` lists them, so each object lands in exactly one of the two lists.
 */
function marksPrompt(tags: readonly WireTag[] | undefined): boolean {
  return (tags ?? []).some((tag) => tag.key === IS_PROMPT_TAG && tag.value === 'true');
}

/** Whether a registered model is a prompt. */
export function isPromptModel(model: Pick<WireRegisteredModel, 'tags'>): boolean {
  return marksPrompt(model.tags);
}

/** Whether a model version is a prompt version (its own tags say so, as MLflow's client checks). */
export function isPromptVersion(version: Pick<WireModelVersion, 'tags'>): boolean {
  return marksPrompt(version.tags);
}

/**
 * Refuses a `registeredModels` / `modelVersions` filter that names the prompt tag. The graph keeps prompts out itself;
 * passed on, such a clause means different things by server version: MLflow 3 (SqlAlchemyStore._is_querying_prompt) drops
 * `!= 'true'` and lists only prompts for `= 'true'`, while older servers compare it literally, so `!= 'true'` there drops every ordinary model
 * (which has no such tag at all). One rule on every backend: the clause is not the caller's to write.
 */
export function refusePromptClause(filter: string | null | undefined, field: string): void {
  if (filter && filter.includes(IS_PROMPT_TAG)) {
    throw new BadUserInputError(
      `filter: ${field} never lists prompts and adds that condition itself; remove the ${IS_PROMPT_TAG} clause (use Query.prompts to list prompts)`,
    );
  }
}

/** `tags.mlflow.prompt.is_prompt = 'true'`, and the caller's filter when there is one (MLflow's grammar is AND-only). */
export function promptsFilter(filter: string | null | undefined): string {
  refusePromptClause(filter, 'prompts');
  return filter?.trim() ? `${PROMPTS_ONLY} AND ${filter}` : PROMPTS_ONLY;
}

/** Refuses a name MLflow's client would not register as a prompt (what MLflow says, as BAD_USER_INPUT). */
export function assertPromptName(name: string): string {
  if (!PROMPT_NAME.test(name)) {
    throw new BadUserInputError(
      `name: expected a prompt name of letters, digits, '-', '_' and '.', got ${JSON.stringify(name.slice(0, 100))}`,
    );
  }
  return name;
}

/** Refuses tags whose keys MLflow uses for prompts (a caller could otherwise turn a prompt into a model, or edit a template). */
export function assertUserTags(tags: readonly { key: string }[] | null | undefined): void {
  const reserved = (tags ?? []).find((tag) => isReservedPromptTag(tag.key));
  if (reserved) {
    throw new BadUserInputError(
      `tag: ${JSON.stringify(reserved.key)} is kept by MLflow's prompt registry (mlflow.prompt.*, _mlflow_prompt_*)`,
    );
  }
}

/** A tag list without the keys the prompt fields surface (the marker, template, type and settings). */
export function userTags(tags: readonly WireTag[] | undefined): WireTag[] {
  return (tags ?? []).filter((tag) => !isReservedPromptTag(tag.key));
}

/** A version's template type; MLflow writes `chat` for message lists and treats anything else as text. */
export function templateType(version: Pick<WireModelVersion, 'tags'>): PromptTemplateType {
  const type = version.tags?.find((tag) => tag.key === PROMPT_TYPE_TAG)?.value;
  return type === 'chat' ? 'CHAT' : 'TEXT';
}

/** The names of a template's `{{variables}}`, each once, in order of first use (chat messages: over their contents). */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(VARIABLE)) names.add(match[1] as string);
  return [...names];
}

/** JSON text, checked: what a caller gives as a response format, model settings or a chat template. */
export function assertJson(value: string, field: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new BadUserInputError(`${field}: expected JSON text, got ${JSON.stringify(value.slice(0, 60))}`);
  }
}

/** A chat template: a JSON array of messages, each with a string `role` and `content` (what MLflow's client accepts). */
export function assertChatTemplate(template: string): void {
  const messages = assertJson(template, 'template');
  const valid =
    Array.isArray(messages) &&
    messages.length > 0 &&
    messages.every(
      (m) =>
        m !== null &&
        typeof m === 'object' &&
        typeof (m as { role?: unknown }).role === 'string' &&
        typeof (m as { content?: unknown }).content === 'string',
    );
  if (!valid) {
    throw new BadUserInputError(
      'template: expected a CHAT template as a JSON array of messages like [{"role": "user", "content": "Hi {{name}}"}]',
    );
  }
}
