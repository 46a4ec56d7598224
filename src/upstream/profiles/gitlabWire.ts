// GitLab's MLflow-compatible API answers in MLflow's shapes with a few differences of meaning, undone here in one
// place so that everything above sees MLflow's wire format (lib/api/ml/mlflow/*.rb, entities/ml/mlflow/*.rb):
// - a model version's `version` is GitLab's numeric id, its semver (`1.0.0`, what lookups take) sits in `aliases`;
// - a registered model's `latest_versions` holds every version, and registry timestamps are in seconds;
// - `get-latest-versions` answers `[null]` for a model without versions;
// - `order_by` is one string, not MLflow's list (a list is a 400 "order_by is invalid");
// - `name = 'x'` on registered-models/search matches names containing x: narrowed to the name itself;
// - a project the caller may not see is a 404 `{"message": "404 Project Not Found"}` on every endpoint, and
//   GitLab treats every POST as a write: a reporter's runs search is a 401, a read_api token's a 403.
import { UpstreamError } from '../http/UpstreamError.js';
import type { MlflowApi } from '../mlflow/MlflowApi.js';
import type { MlflowEndpointName } from '../mlflow/endpoints.js';
import type { WireModelVersion, WireRegisteredModel } from '../mlflow/wire.js';

/** Seconds since the epoch are below this (year 5138); milliseconds of any recent date are above it. */
const MILLISECONDS_FROM = 1e11;

function toMilliseconds(value: number | string | undefined): number | string | undefined {
  if (value === undefined || value === null) return value;
  const number = Number(value);
  return Number.isFinite(number) && number > 0 && number < MILLISECONDS_FROM ? number * 1000 : value;
}

/** Semantic versions compared part by part (1.10.0 after 1.9.0); non-numeric parts compare as text. */
export function compareSemver(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const [x = '', y = ''] = [pa[i], pb[i]];
    const [nx, ny] = [Number(x), Number(y)];
    const diff = x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (diff !== 0) return diff;
  }
  return 0;
}

function version(raw: WireModelVersion): WireModelVersion {
  const semver = raw.aliases?.[0];
  return {
    ...raw,
    ...(semver ? { version: semver, gitlab_version_id: String(raw.version) } : {}),
    // GitLab's aliases are the version's own semver, not MLflow aliases: none to report.
    aliases: [],
    creation_timestamp: toMilliseconds(raw.creation_timestamp),
    last_updated_timestamp: toMilliseconds(raw.last_updated_timestamp),
  } as WireModelVersion;
}

function versions(list: readonly (WireModelVersion | null)[] | undefined): WireModelVersion[] {
  return (list ?? [])
    .filter((v): v is WireModelVersion => Boolean(v))
    .map(version)
    .sort((a, b) => compareSemver(b.version, a.version));
}

function model(raw: WireRegisteredModel): WireRegisteredModel {
  const all = versions(raw.latest_versions);
  return {
    ...raw,
    creation_timestamp: toMilliseconds(raw.creation_timestamp),
    last_updated_timestamp: toMilliseconds(raw.last_updated_timestamp),
    // MLflow's "latest" is one per stage; GitLab has no stages, and calls the highest semver its latest.
    latest_versions: all.slice(0, 1),
    gitlab_versions: all,
  } as WireRegisteredModel;
}

/** The value of a `name = '<value>'` filter (MLflow's quoting undone), or undefined for any other filter. */
export function nameEquals(filter: string | undefined): string | undefined {
  const match = filter ? /^\s*name\s*=\s*'((?:[^'\\]|\\.)*)'\s*$/.exec(filter) : null;
  return match ? (match[1] as string).replace(/\\(.)/g, '$1') : undefined;
}

/** MLflow-shaped params → what GitLab reads. */
export function toGitLabRequest<K extends MlflowEndpointName>(
  _name: K,
  params: MlflowApi[K]['params'],
): MlflowApi[K]['params'] {
  const orderBy = (params as { order_by?: unknown }).order_by;
  if (!Array.isArray(orderBy)) return params;
  const { order_by: _, ...rest } = params as { order_by: string[] };
  return (orderBy.length > 0 ? { ...rest, order_by: orderBy[0] } : rest) as unknown as MlflowApi[K]['params'];
}

/** GitLab's answer → MLflow's meaning. */
export function fromGitLabResponse<K extends MlflowEndpointName>(
  name: K,
  response: MlflowApi[K]['response'],
  params?: MlflowApi[K]['params'],
): MlflowApi[K]['response'] {
  if (!response || typeof response !== 'object') return response;
  const out = { ...(response as Record<string, unknown>) };
  const exactName =
    name === 'searchRegisteredModels' ? nameEquals((params as { filter?: string } | undefined)?.filter) : undefined;
  if (exactName !== undefined && Array.isArray(out.registered_models)) {
    out.registered_models = (out.registered_models as WireRegisteredModel[]).filter((m) => m.name === exactName);
  }
  if (out.model_version) out.model_version = version(out.model_version as WireModelVersion);
  if (Array.isArray(out.model_versions)) out.model_versions = versions(out.model_versions as WireModelVersion[]);
  if (out.registered_model) out.registered_model = model(out.registered_model as WireRegisteredModel);
  if (Array.isArray(out.registered_models))
    out.registered_models = (out.registered_models as WireRegisteredModel[]).map(model);
  return out as MlflowApi[K]['response'];
}

/** Listings whose "you may not see this project" answer is an empty listing (a list omits what one may not read). */
const EMPTY_LISTING: Partial<Record<MlflowEndpointName, object>> = {
  searchExperiments: { experiments: [] },
  listExperiments: { experiments: [] },
  searchRuns: { runs: [] },
  searchRegisteredModels: { registered_models: [] },
  getLatestVersions: { model_versions: [] },
};

/** POSTs that only read, which GitLab's role and scope checks still count as writes. */
const READING_POSTS = new Set<MlflowEndpointName>(['searchExperiments', 'searchRuns', 'getLatestVersions']);

/** A refusal GitLab makes for its own reasons, with what the caller can change: FORBIDDEN once mapped, no status. */
function forbidden(answer: UpstreamError, message: string, requiredScope?: string): UpstreamError {
  return new UpstreamError({
    upstream: answer.upstream,
    endpoint: answer.endpoint,
    failure: 'forbidden',
    message,
    cause: answer,
    ...(requiredScope === undefined ? {} : { requiredScope }),
  });
}

/** GitLab's refusals → what they mean in MLflow's terms (or in the graph's). */
export function fromGitLabFailure<K extends MlflowEndpointName>(name: K, error: unknown): MlflowApi[K]['response'] {
  if (!(error instanceof UpstreamError) || error.failure !== 'http') throw error;
  // No project access at all: nothing to list, and no such object for a lookup.
  if (error.status === 404 && error.errorCode === undefined && /^404 (Project )?Not Found$/i.test(error.message)) {
    const empty = EMPTY_LISTING[name];
    if (empty) return { ...empty } as MlflowApi[K]['response'];
    throw new UpstreamError({
      upstream: error.upstream,
      endpoint: error.endpoint,
      failure: 'http',
      status: 404,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      message: error.message,
      cause: error,
    });
  }
  if (READING_POSTS.has(name) && error.errorCode === 'insufficient_scope') {
    throw forbidden(
      error,
      'GitLab lets read_api tokens make GET requests only, and serves this search as a POST: use a token with the api scope',
      'api',
    );
  }
  if (READING_POSTS.has(name) && error.status === 401) {
    throw forbidden(
      error,
      'GitLab serves this search as a POST, which it lets only Developers and above make: ask for the Developer role in the project',
    );
  }
  throw error;
}
