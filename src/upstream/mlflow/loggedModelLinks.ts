// How MLflow 3 links a model version to the logged model it was registered from, read from what MLflow 3.11.1
// returns. Versions carry no `model_id` (corpus 3.11.1 seq 117-134): the link is the version's `source`, which
// MLflow's client sets to `models:/<model_id>` and its server otherwise requires to lie inside the logged model's
// artifact location when a model_id is given (seq 119 vs 120); and the logged model's `mlflow.modelVersions`
// tag, which the server appends to on each registration (seq 118, 134). The version's `run_id` is NOT a link: it
// is copied from the model's source run, and one run may output several logged models (seq 88).
import type { WireTag } from './wire.js';

/** The tag MLflow 3 keeps on a logged model: the versions registered from it, as JSON `[{name, version}]`. */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/** A logged model id as MLflow 3 makes them (`m-` and 32 hex digits). */
const MODEL_ID = 'm-[0-9a-f]{32}';
const MODELS_URI = new RegExp(`^models:/(${MODEL_ID})/?$`);
/** `<artifact root>/<experiment id>/models/<model id>/artifacts[/...]`, any scheme. */
const ARTIFACT_PATH = new RegExp(`/models/(${MODEL_ID})/artifacts(?:/|$)`);

/**
 * The logged model a version's `source` names, or undefined: `models:/<id>`, or a path inside a logged model's
 * artifacts. A `models:/<name>/<version>` or `runs:/` source names none.
 */
export function loggedModelIdOfSource(source: string | null | undefined): string | undefined {
  if (!source) return undefined;
  return MODELS_URI.exec(source)?.[1] ?? ARTIFACT_PATH.exec(source)?.[1];
}

/** Whether a version with this `source` was registered from the logged model `id` (stored at `artifactLocation`). */
export function sourceNamesModel(
  source: string | null | undefined,
  id: string,
  artifactLocation: string | null | undefined,
): boolean {
  if (!source) return false;
  if (loggedModelIdOfSource(source) === id) return true;
  const root = artifactLocation?.replace(/\/+$/, '');
  return Boolean(root) && (source === root || source.startsWith(`${root}/`));
}

/** A version named by the `mlflow.modelVersions` tag. */
export interface TaggedVersion {
  name: string;
  version: string;
}

/** The versions a logged model's `mlflow.modelVersions` tag lists ([] when absent or not the JSON MLflow writes). */
export function taggedVersions(tags: readonly WireTag[] | undefined): TaggedVersion[] {
  const value = tags?.find((tag) => tag.key === MODEL_VERSIONS_TAG)?.value;
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) => {
    const { name, version } = (entry ?? {}) as { name?: unknown; version?: unknown };
    const number = typeof version === 'number' || typeof version === 'string' ? String(version) : undefined;
    return typeof name === 'string' && number && /^\d+$/.test(number) ? [{ name, version: number }] : [];
  });
}
