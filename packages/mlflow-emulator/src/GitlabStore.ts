// The GitLab side of the emulator: one project, its users, their access tokens and roles, and what
// GitLab keeps beside the MLflow-shaped records (a model's `[model]<name>` experiment, a version's
// semver and its candidate run, a candidate's project-wide iid). Experiments, runs, models and
// versions themselves live in TrackingStore and RegistryStore; this store only annotates them.
import type { MetricPoint, ModelVersionRecord, RegisteredModelRecord, RunRecord } from './records.js';

/** A project's visibility: who may see it without being a member. */
export type GitlabVisibility = 'private' | 'internal' | 'public';

/** The one project the MLflow API lives in. */
export interface GitlabProjectRecord {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly namespaceName: string;
  readonly namespacePath: string;
  readonly description: string;
  readonly visibility: GitlabVisibility;
  readonly createdAt: number;
}

/** A GitLab user. */
export interface GitlabUserRecord {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly createdAt: number;
}

/** A personal access token. */
export interface GitlabTokenRecord {
  readonly id: number;
  readonly name: string;
  readonly token: string;
  readonly userId: number;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  /** `YYYY-MM-DD`, as GitLab reports it, or null. */
  readonly expiresAt: string | null;
  revoked: boolean;
}

/** What GitLab adds to a registered model: its numeric id, creator and default experiment. */
export interface GitlabModelMeta {
  readonly id: number;
  readonly userId: number | null;
  readonly experimentId: string;
}

/** What GitLab adds to a model version: its numeric id (the wire `version`), semver and candidate. */
export interface GitlabVersionMeta {
  readonly id: number;
  readonly semver: string;
  readonly candidateRunId: string;
}

/** What GitLab adds to a run (a candidate): its project-wide iid, creation time and model version. */
export interface GitlabCandidateMeta {
  readonly iid: number;
  readonly createdAt: number;
  readonly modelVersion?: ModelVersionRecord;
}

/** GitLab's state beside the tracking and registry stores. */
export class GitlabStore {
  project: GitlabProjectRecord;
  readonly users = new Map<number, GitlabUserRecord>();
  readonly tokens = new Map<string, GitlabTokenRecord>();
  /** user id → access level in the project. */
  readonly members = new Map<number, number>();
  readonly models = new WeakMap<RegisteredModelRecord, GitlabModelMeta>();
  readonly versions = new WeakMap<ModelVersionRecord, GitlabVersionMeta>();
  readonly candidates = new WeakMap<RunRecord, GitlabCandidateMeta>();
  /** experiment id → name of the model it is the default experiment of. */
  readonly modelExperiments = new Map<string, string>();
  /** Metric values logged without a step (GitLab stores NULL and omits `step` on the wire). */
  readonly steplessMetrics = new WeakSet<MetricPoint>();
  private nextModelId = 1;
  private nextVersionId = 1;
  private nextCandidateIid = 1;

  constructor(project: GitlabProjectRecord) {
    this.project = project;
  }

  /** `namespace/path`. */
  get pathWithNamespace(): string {
    return `${this.project.namespacePath}/${this.project.path}`;
  }

  /** Adds a user (idempotent by id). */
  addUser(user: GitlabUserRecord): void {
    if (!this.users.has(user.id)) this.users.set(user.id, user);
  }

  /** Adds a token of an existing user. */
  addToken(token: GitlabTokenRecord): void {
    if (!this.users.has(token.userId))
      throw new TypeError(`expected an existing user id for token ${token.name}, got ${token.userId}`);
    this.tokens.set(token.token, token);
  }

  /** The live token record for a secret, or undefined. */
  tokenFor(secret: string): GitlabTokenRecord | undefined {
    const token = this.tokens.get(secret);
    return token && !token.revoked ? token : undefined;
  }

  /** The user's access level in the project, or 0 for a non-member. */
  accessLevel(userId: number): number {
    return this.members.get(userId) ?? 0;
  }

  /** The user id of a username (for records that name users, such as the demo's runs). */
  userIdOf(username: string): number | undefined {
    for (const user of this.users.values()) if (user.username === username) return user.id;
    return undefined;
  }

  /** A fresh model id. */
  newModelId(): number {
    return this.nextModelId++;
  }

  /** A fresh model-version id (global, as GitLab's `ml_model_versions.id`). */
  newVersionId(): number {
    return this.nextVersionId++;
  }

  /** A fresh candidate iid (project-wide `internal_id`). */
  newCandidateIid(): number {
    return this.nextCandidateIid++;
  }
}

/** The project a fresh emulator serves unless told otherwise. */
export function defaultGitlabProject(id = 7, visibility: GitlabVisibility = 'private'): GitlabProjectRecord {
  return {
    id,
    name: 'mlflow-demo',
    path: 'mlflow-demo',
    namespaceName: 'ML Platform',
    namespacePath: 'ml-platform',
    description: 'Model experiments and registry for the ML platform team.',
    visibility,
    createdAt: Date.UTC(2024, 0, 15, 9, 0, 0),
  };
}
