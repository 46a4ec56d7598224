// Entity validation from mlflow/utils/validation.py (2.12), with MLflow's messages.
import { MlflowError } from './MlflowError.js';

/** MAX_ENTITY_KEY_LENGTH: keys of params, tags and metrics. */
export const MAX_KEY_LENGTH = 250;
/** MAX_PARAM_VAL_LENGTH in 2.12. */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** MAX_TAG_VAL_LENGTH. */
export const MAX_TAG_VALUE_LENGTH = 5000;
/** Batch limits of runs/log-batch. */
export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_PARAMS_TAGS_PER_BATCH = 100;
export const MAX_ENTITIES_PER_BATCH = 1000;

const VALID_NAME = /^[/\p{L}\p{N}_.\- ]*$/u;
const BAD_CHARACTERS_MESSAGE =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).';

/** `posixpath.normpath`. */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  const initialSlashes = path.startsWith('//') && !path.startsWith('///') ? 2 : path.startsWith('/') ? 1 : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (initialSlashes === 0 && parts.length === 0) || parts[parts.length - 1] === '..')
      parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined === '' ? '.' : joined;
}

function pathNotUnique(name: string): boolean {
  const norm = posixNormpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

function validateEntityName(kind: string, name: string): void {
  if (!VALID_NAME.test(name)) {
    throw MlflowError.invalidParameter(`Invalid ${kind} name: '${name}'. ${BAD_CHARACTERS_MESSAGE}`);
  }
  if (pathNotUnique(name)) {
    throw MlflowError.invalidParameter(
      `Invalid ${kind} name: '${name}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${posixNormpath(name)}'`,
    );
  }
}

/** `_validate_length_limit` for a single value. */
export function validateLengthLimit(entity: string, limit: number, value: string | null | undefined): void {
  if (value !== null && value !== undefined && value.length > limit) {
    throw MlflowError.invalidParameter(
      `${entity} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`,
    );
  }
}

/** `_validate_metric`: the name (numbers are already numbers once parsed). */
export function validateMetric(key: string): void {
  validateEntityName('metric', key);
}

/** `_validate_param`: name, key length and value length. */
export function validateParam(key: string, value: string): void {
  validateEntityName('parameter', key);
  validateLengthLimit('Param key', MAX_KEY_LENGTH, key);
  validateLengthLimit('Param value', MAX_PARAM_VALUE_LENGTH, value);
}

/** `_validate_tag`: name, key length and value length. */
export function validateTag(key: string, value: string): void {
  validateEntityName('tag', key);
  validateLengthLimit('Tag key', MAX_KEY_LENGTH, key);
  validateLengthLimit('Tag value', MAX_TAG_VALUE_LENGTH, value);
}

function validateBatchLimit(entity: string, limit: number, length: number): void {
  if (length > limit) {
    throw MlflowError.invalidParameter(
      `A batch logging request can contain at most ${limit} ${entity}. Got ${length} ${entity}. Please split up ${entity} across multiple requests and try again.`,
    );
  }
}

/** `_validate_batch_log_limits`. */
export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  validateBatchLimit('metrics', MAX_METRICS_PER_BATCH, metrics);
  validateBatchLimit('params', MAX_PARAMS_TAGS_PER_BATCH, params);
  validateBatchLimit('tags', MAX_PARAMS_TAGS_PER_BATCH, tags);
  validateBatchLimit('metrics, params, and tags', MAX_ENTITIES_PER_BATCH, metrics + params + tags);
}

/** `_validate_experiment_name`. */
export function validateExperimentName(name: unknown): asserts name is string {
  if (name === null || name === undefined || name === '') {
    throw MlflowError.invalidParameter(`Invalid experiment name: '${name === '' ? '' : 'None'}'`);
  }
  if (typeof name !== 'string') {
    throw MlflowError.invalidParameter(`Invalid experiment name: ${String(name)}. Expects a string.`);
  }
}

/** `_validate_model_name`. */
export function validateModelName(name: string): void {
  if (name === '') throw MlflowError.invalidParameter('Registered model name cannot be empty.');
}

/** `_validate_model_version`: the integer version, or MLflow's error. */
export function parseModelVersion(version: string | number): number {
  const text = String(version).trim();
  if (!/^[+-]?\d+$/.test(text)) {
    throw MlflowError.invalidParameter(`Model version must be an integer, got '${String(version)}'`);
  }
  return Number.parseInt(text, 10);
}

const ALIAS_NAME = /^[\p{L}\p{N}_-]*$/u;
const VERSION_LIKE_ALIAS = /^[vV]\d+$/;

/** `_validate_model_alias_name`. */
export function validateAliasName(alias: string): void {
  if (alias === '') throw MlflowError.invalidParameter('Registered model alias name cannot be empty.');
  if (!ALIAS_NAME.test(alias)) {
    throw MlflowError.invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  validateLengthLimit('Registered model alias name', 255, alias);
  if (alias.toLowerCase() === 'latest') {
    throw MlflowError.invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (VERSION_LIKE_ALIAS.test(alias)) throw MlflowError.invalidParameter(`Version alias name '${alias}' is reserved.`);
}

/** The four model-version stages, canonical spelling. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
/** One canonical stage name. */
export type Stage = (typeof STAGES)[number];

/** `get_canonical_stage`: case-insensitive stage name → canonical, or MLflow's error. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((candidate) => candidate.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw MlflowError.invalidParameter(
      `Invalid Model Version stage: ${stage}. Value must be one of None, Staging, Production, Archived.`,
    );
  }
  return found;
}

/** `validate_path_is_safe` for artifact paths. */
export function validateArtifactPath(path: string): string {
  const decoded = (() => {
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  })();
  if (
    decoded.startsWith('/') ||
    /^[a-zA-Z]:/.test(decoded) ||
    decoded.includes('\\') ||
    decoded.split('/').includes('..') ||
    decoded.includes('\u0000')
  ) {
    throw MlflowError.invalidParameter(`Invalid path: ${path}`);
  }
  return path;
}
