// The GitLab mode's one mapping per type to GitLab's JSON: the MLflow API entities of
// lib/api/entities/ml/mlflow (which differ from MLflow's: no experiment timestamps, a
// model version's `version` is its numeric id and its semver the only alias, registry timestamps in
// seconds, every version listed as `latest_versions`), and the few /api/v4 entities the graph reads.
import { gitlabErrors } from './gitlabErrors.js';
import type { GitlabMl } from './GitlabMl.js';
import type { GitlabProjectRecord, GitlabTokenRecord, GitlabUserRecord } from './GitlabStore.js';
import type { ExperimentRecord, MetricPoint, ModelVersionRecord, RegisteredModelRecord, RunRecord } from './records.js';
import type { Json } from './wireJson.js';

/** The version string `GET /api/v4/version` reports. */
export const GITLAB_VERSION = '17.9.0-ee';
/** The revision `GET /api/v4/version` reports. */
export const GITLAB_REVISION = '2f1b8c3e0a7';

/** What the entities need besides the record: where GitLab is, and the GitLab view of the store. */
export interface GitlabJsonContext {
  /** `http://host:port`, as `expose_url` builds absolute URLs. */
  readonly baseUrl: string;
  readonly project: GitlabProjectRecord;
  readonly ml: GitlabMl;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const iso = (ms: number): string => new Date(ms).toISOString();

function keyValues(map: ReadonlyMap<string, string>): Json[] {
  return [...map].map(([key, value]) => ({ key, value }));
}

/** `Entities::Ml::Mlflow::Experiment`. */
export function experimentJson(experiment: ExperimentRecord): Json {
  return {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    lifecycle_stage: 'active',
    artifact_location: 'not_implemented',
    tags: keyValues(experiment.tags),
  };
}

/** `Entities::Ml::Mlflow::Metric` (`step` omitted when logged without one). */
export function metricJson(ml: GitlabMl, point: MetricPoint): Json {
  const out: Json = { key: point.key, value: point.value, timestamp: point.timestamp };
  if (!ml.isStepless(point)) out['step'] = point.step;
  return out;
}

function artifactUri(context: GitlabJsonContext, run: RunRecord): string {
  const meta = context.ml.candidateMeta(run);
  const root = `${context.baseUrl}/api/v4/projects/${context.project.id}/packages/ml_models`;
  const version = meta.modelVersion;
  return version ? `${root}/${context.ml.versionMeta(version).id}/files/` : `${root}/candidate:${meta.iid}/files/`;
}

/** `Entities::Ml::Mlflow::RunInfo`: `end_time` and `run_name` only when set; always active. */
export function runInfoJson(context: GitlabJsonContext, run: RunRecord): Json {
  const out: Json = {
    run_id: run.runId,
    run_uuid: run.runId,
    experiment_id: run.experimentId,
    start_time: run.startTime,
  };
  if (run.endTime !== null) out['end_time'] = run.endTime;
  if (run.runName) out['run_name'] = run.runName;
  out['status'] = run.status;
  out['artifact_uri'] = artifactUri(context, run);
  out['lifecycle_stage'] = 'active';
  out['user_id'] = run.userId;
  return out;
}

/** `Entities::Ml::Mlflow::Run`: info plus the latest metric per key, params and tags. */
export function runJson(context: GitlabJsonContext, run: RunRecord): Json {
  return {
    info: runInfoJson(context, run),
    data: {
      metrics: context.ml.latestMetrics(run).map((point) => metricJson(context.ml, point)),
      params: keyValues(run.params),
      tags: keyValues(run.tags),
    },
  };
}

/**
 * `Entities::Ml::Mlflow::ModelVersion`. A version whose candidate was deleted (runs/delete) has no
 * `run_id` to show: GitLab raises on `nil.eid`, an unhandled 500.
 */
export function modelVersionJson(context: GitlabJsonContext, version: ModelVersionRecord): Json {
  const meta = context.ml.versionMeta(version);
  const candidate = context.ml.candidateOfVersion(version);
  if (!candidate) throw gitlabErrors.internal();
  const model = context.ml.findModel(version.name);
  const project = context.project;
  return {
    name: version.name,
    version: String(meta.id),
    creation_timestamp: seconds(version.creationTimestamp),
    last_updated_timestamp: seconds(version.lastUpdatedTimestamp),
    user_id: null,
    current_stage: 'development',
    description: version.description ?? '',
    source: `${context.baseUrl}/${project.namespacePath}/${project.path}/-/ml/models/${context.ml.modelMeta(model).id}/versions/${meta.id}`,
    run_id: candidate.runId,
    status: 'READY',
    status_message: '',
    tags: keyValues(version.tags),
    run_link: '',
    aliases: [meta.semver],
  };
}

/** `Entities::Ml::Mlflow::RegisteredModel`: every version, as `latest_versions`. */
export function registeredModelJson(context: GitlabJsonContext, model: RegisteredModelRecord): Json {
  const meta = context.ml.modelMeta(model);
  return {
    name: model.name,
    creation_timestamp: seconds(model.creationTimestamp),
    last_updated_timestamp: seconds(model.lastUpdatedTimestamp),
    description: model.description ?? '',
    user_id: meta.userId === null ? '' : String(meta.userId),
    tags: keyValues(model.tags),
    latest_versions: context.ml.versionsOf(model).map((version) => modelVersionJson(context, version)),
  };
}

/** `GET /api/v4/user` for the token's owner. */
export function userJson(baseUrl: string, user: GitlabUserRecord): Json {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: 'active',
    locked: false,
    avatar_url: `https://www.gravatar.com/avatar/${Buffer.from(user.email).toString('hex').slice(0, 32)}?s=80&d=identicon`,
    web_url: `${baseUrl}/${user.username}`,
    created_at: iso(user.createdAt),
    bio: '',
    public_email: null,
    email: user.email,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
  };
}

/** `GET /api/v4/personal_access_tokens/self`. */
export function tokenJson(token: GitlabTokenRecord): Json {
  return {
    id: token.id,
    name: token.name,
    revoked: token.revoked,
    created_at: iso(token.createdAt),
    description: null,
    scopes: [...token.scopes],
    user_id: token.userId,
    last_used_at: null,
    active: !token.revoked,
    expires_at: token.expiresAt,
  };
}

/**
 * `GET /api/v4/projects/:id`: `permissions` only for an authenticated caller, with their membership
 * (null when not a member; the emulated project belongs to no group, so group_access is null).
 */
export function projectJson(
  baseUrl: string,
  project: GitlabProjectRecord,
  accessLevel: number | null | undefined,
): Json {
  const pathWithNamespace = `${project.namespacePath}/${project.path}`;
  const out: Json = {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${project.namespaceName} / ${project.name}`,
    path: project.path,
    path_with_namespace: pathWithNamespace,
    created_at: iso(project.createdAt),
    default_branch: 'main',
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(baseUrl).hostname}:${pathWithNamespace}.git`,
    http_url_to_repo: `${baseUrl}/${pathWithNamespace}.git`,
    web_url: `${baseUrl}/${pathWithNamespace}`,
    visibility: project.visibility,
    namespace: {
      id: 3,
      name: project.namespaceName,
      path: project.namespacePath,
      kind: 'group',
      full_path: project.namespacePath,
    },
  };
  if (accessLevel !== undefined) {
    out['permissions'] = {
      project_access: accessLevel === null ? null : { access_level: accessLevel, notification_level: 3 },
      group_access: null,
    };
  }
  return out;
}

/** `GET /api/v4/version`. */
export function versionJson(): Json {
  return {
    version: GITLAB_VERSION,
    revision: GITLAB_REVISION,
    kas: { enabled: false, externalUrl: null, version: null },
    enterprise: true,
  };
}
