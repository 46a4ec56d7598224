// What each MLflow-compatible backend can do, as data. The batching planner, the resolvers and the MLflow
// client read these instead of testing the backend's name, so a backend's limits are declared in one place
// and everything it cannot serve answers UNSUPPORTED_BY_BACKEND before any upstream call.
import type { BackendKind } from '../../config/backendConfig.js';
import type { MlflowApi } from '../mlflow/MlflowApi.js';
import { mlflowEndpoints, type MlflowEndpointName } from '../mlflow/endpoints.js';
import type { BackendFeature, FeatureSupport } from './backendFeatures.js';
import { fromGitLabFailure, fromGitLabResponse, toGitLabRequest } from './gitlabWire.js';

/** How much of MLflow's search grammar a search endpoint honours. */
export type FilterSupport =
  /** MLflow's whole filter grammar. */
  | 'full'
  /** Only `name = '<value>'` (GitLab's registered-models/search). */
  | 'name-equals'
  /** Accepted and silently ignored by the server (GitLab): the graph refuses filters rather than lie. */
  | 'none';

/**
 * How a backend's artifact bytes are read: MLflow's `/get-artifact` (the run's store as the tracking server exposes
 * it), the presigned URLs Databricks hands out, or not at all, with the reason a caller is told (no call is made).
 */
export type ArtifactBytes =
  { readonly via: 'get-artifact' | 'presigned' } | { readonly via: 'none'; readonly reason: string };

/** The declared abilities of one backend. */
export interface BackendCapabilities {
  /** MLflow REST endpoints the backend serves; a call to any other is refused before it is sent. */
  readonly endpoints: ReadonlySet<MlflowEndpointName>;
  /** `filter` on experiments/search. */
  readonly experimentFilter: FilterSupport;
  /** `filter` on runs/search (also what lets runs be fetched by `attributes.run_id IN (...)`). */
  readonly runFilter: FilterSupport;
  /** `filter` on registered-models/search. */
  readonly registeredModelFilter: FilterSupport;
  /** Experiment ids one runs/search accepts (Databricks 10, GitLab 1). */
  readonly maxExperimentIdsPerRunSearch: number;
  /** Sort keys one search accepts (GitLab takes one). */
  readonly maxOrderBy: number;
  /** Soft-deleted experiments and runs exist (view types other than ACTIVE_ONLY, restore). */
  readonly deletedObjects: boolean;
  /** runs/update takes `run_name` (GitLab's takes status and end_time only: a candidate cannot be renamed). */
  readonly runRename: boolean;
  /** Databricks' registry workflow: transition requests and comments. */
  readonly transitionRequests: boolean;
  /** How experiments are listed: MLflow's paged search, or GitLab's `experiments/list` (a GET, so read-only tokens may list). */
  readonly experimentListing: 'search' | 'list';
  /** A registered model carries all its versions (GitLab): versions are listed, and found by run, from the models. */
  readonly versionsInModel: boolean;
  /** Which permission services can sit beside this backend (the first is the default of `auto`). */
  readonly permissionServices: readonly ('mlflow-basic-auth' | 'databricks' | 'gitlab' | 'http' | 'none')[];
  /**
   * The permission services under which an entry fetched with one caller's credentials may be served to another
   * caller: each decides that caller's own level on that exact object before the entry is served (DESIGN §5).
   * Sharing is declared, never assumed: under any service not listed (and always under `none`) entries are keyed
   * per caller, so a new backend or service that forgets this shares nothing.
   */
  readonly cacheSharedUnder: readonly ('mlflow-basic-auth' | 'databricks' | 'gitlab' | 'http')[];
  /**
   * MLflow 3's features (backendFeatures.ts): served always, never, or from a server version on. A version-gated
   * feature is decided at run time from the detected version (LearnedCapabilities.decideFeature); until then, and
   * wherever it is `no`, its calls answer UNSUPPORTED_BY_BACKEND without reaching the server.
   */
  readonly features: Readonly<Record<BackendFeature, FeatureSupport>>;
  /** Artifact downloads and previews (`Artifact.downloadUrl`, `Artifact.text`). */
  readonly artifactBytes: ArtifactBytes;
}

/** Translation between MLflow's wire format and a backend that speaks it with differences (GitLab). */
export interface WireAdapter {
  request<K extends MlflowEndpointName>(name: K, params: MlflowApi[K]['params']): MlflowApi[K]['params'];
  response<K extends MlflowEndpointName>(
    name: K,
    response: MlflowApi[K]['response'],
    params: MlflowApi[K]['params'],
  ): MlflowApi[K]['response'];
  /** A failed call: an answer that means something else on this backend (an empty listing), or the error to raise. */
  failure?<K extends MlflowEndpointName>(name: K, error: unknown): MlflowApi[K]['response'];
}

/** A backend profile: its kind, a display name and its capabilities. */
export interface BackendProfile {
  readonly kind: BackendKind;
  readonly displayName: string;
  readonly capabilities: BackendCapabilities;
  /** Applied by the MLflow client to every call, so the rest of the graph sees MLflow's wire format only. */
  readonly wire?: WireAdapter;
}

/**
 * MLflow 2.x/3.x and Databricks: everything but the 1.x listing GitLab kept. MLflow 3's endpoints are in the set;
 * whether a given server has them is its `features` row's decision.
 */
const ALL_ENDPOINTS = new Set(
  (Object.keys(mlflowEndpoints) as MlflowEndpointName[]).filter((name) => name !== 'listExperiments'),
);

/**
 * GitLab's MLflow-compatible subset (lib/api/ml/mlflow/*.rb): no bulk-interval, restore, tag deletes,
 * renames, aliases writes, stage transitions, model-version search/delete/tags or artifacts/list.
 */
const GITLAB_ENDPOINTS = new Set<MlflowEndpointName>([
  'createExperiment',
  'getExperiment',
  'getExperimentByName',
  'searchExperiments',
  'listExperiments',
  'setExperimentTag',
  'deleteExperiment',
  'createRun',
  'getRun',
  'updateRun',
  'deleteRun',
  'searchRuns',
  'logMetric',
  'logParam',
  'setRunTag',
  'logBatch',
  'getMetricHistory',
  'createRegisteredModel',
  'getRegisteredModel',
  'updateRegisteredModel',
  'deleteRegisteredModel',
  'searchRegisteredModels',
  'getLatestVersions',
  'getModelVersionByAlias',
  'createModelVersion',
  'getModelVersion',
  'updateModelVersion',
  'getModelVersionDownloadUri',
]);

/** MLflow 3's features: from version 3.0 on. */
const MLFLOW_3 = { sinceVersion: '3.0' } as const;
/** Registry webhooks: MLflow 3.3.0 introduced them (mlflow/mlflow#16583, in the 3.3.0 release notes). */
const MLFLOW_3_3 = { sinceVersion: '3.3' } as const;

/**
 * The capabilities as a matrix: one row per ability, one column per backend, so a difference between backends reads
 * along a line (Databricks is MLflow's API with a few limits and its registry workflow; GitLab a subset). The type
 * makes every row name every backend.
 */
const CAPABILITIES: {
  readonly [K in keyof BackendCapabilities]: Readonly<Record<BackendKind, BackendCapabilities[K]>>;
} = {
  endpoints: { mlflow: ALL_ENDPOINTS, databricks: ALL_ENDPOINTS, gitlab: GITLAB_ENDPOINTS },
  experimentFilter: { mlflow: 'full', databricks: 'full', gitlab: 'none' },
  runFilter: { mlflow: 'full', databricks: 'full', gitlab: 'none' },
  registeredModelFilter: { mlflow: 'full', databricks: 'full', gitlab: 'name-equals' },
  maxExperimentIdsPerRunSearch: { mlflow: Number.POSITIVE_INFINITY, databricks: 10, gitlab: 1 },
  maxOrderBy: { mlflow: Number.POSITIVE_INFINITY, databricks: Number.POSITIVE_INFINITY, gitlab: 1 },
  deletedObjects: { mlflow: true, databricks: true, gitlab: false },
  runRename: { mlflow: true, databricks: true, gitlab: false },
  transitionRequests: { mlflow: false, databricks: true, gitlab: false },
  experimentListing: { mlflow: 'search', databricks: 'search', gitlab: 'list' },
  versionsInModel: { mlflow: false, databricks: false, gitlab: true },
  permissionServices: {
    mlflow: ['mlflow-basic-auth', 'http', 'none'],
    databricks: ['databricks', 'http', 'none'],
    gitlab: ['gitlab', 'http', 'none'],
  },
  cacheSharedUnder: {
    mlflow: ['mlflow-basic-auth', 'http'],
    databricks: ['databricks', 'http'],
    gitlab: ['gitlab', 'http'],
  },
  features: {
    // MLflow 3.0 introduced logged models (and moved prompts into the registry as tagged models); an OSS server
    // says its version at /version, read at start-up.
    // Evaluation datasets' REST interface (/api/3.0/mlflow/datasets/...) landed in 3.4.0 (mlflow/mlflow#17117).
    // Traces and assessments: MLflow 3's v3 trace API (/api/3.0/mlflow/traces...), from 3.0 on.
    mlflow: {
      loggedModels: MLFLOW_3,
      prompts: MLFLOW_3,
      evaluationDatasets: { sinceVersion: '3.4' },
      webhooks: MLFLOW_3_3,
      traces: MLFLOW_3,
    },
    // Databricks' experiments API documents the logged-model endpoints (logged-models create/get/search/finalize,
    // tags, params, runs/outputs). Its prompts live in Unity Catalog's own API, which the graph does not speak.
    // Databricks' evaluation datasets are Unity Catalog tables behind the databricks-agents API, not MLflow's
    // /api/3.0/mlflow/datasets routes (not verified to be served there): no. Its webhooks are the Workspace Model
    // Registry's own API (registry-webhooks/create|list|update|delete|test: other events, job triggers, model-scoped
    // hooks), not MLflow's /webhooks: not served. Experiment traces: Databricks' managed MLflow serves the same v3
    // trace and assessment endpoints (MLflow's DatabricksTracingRestStore extends its RestStore for traces in an
    // experiment; only Unity Catalog trace locations use a Databricks-only v4 API, which the graph does not speak).
    databricks: { loggedModels: 'yes', prompts: 'no', evaluationDatasets: 'no', webhooks: 'no', traces: 'yes' },
    // GitLab's MLflow-compatible API (lib/api/ml/mlflow) has none of MLflow 3's endpoints.
    gitlab: { loggedModels: 'no', prompts: 'no', evaluationDatasets: 'no', webhooks: 'no', traces: 'no' },
  },
  artifactBytes: {
    mlflow: { via: 'get-artifact' },
    databricks: { via: 'presigned' },
    gitlab: {
      via: 'none',
      reason:
        "GitLab's MLflow-compatible API lists and serves no artifacts (they sit in its package registry, which the graph does not proxy)",
    },
  },
};

/**
 * Without `--serve-artifacts` (MLFLOW_SERVE_ARTIFACTS=false) an MLflow server hands clients the store's own URI
 * and they read it directly: the graph could neither authorize nor stream those reads.
 */
const NO_SERVED_ARTIFACTS: ArtifactBytes = {
  via: 'none',
  reason:
    'the MLflow server runs without --serve-artifacts (MLFLOW_SERVE_ARTIFACTS=false): its clients read the artifact store directly, which the graph cannot authorize; start MLflow with --serve-artifacts',
};

/** One backend's column of {@link CAPABILITIES}. */
function capabilitiesOf(kind: BackendKind): BackendCapabilities {
  const column = Object.entries(CAPABILITIES).map(([name, byBackend]) => [name, byBackend[kind]]);
  return Object.fromEntries(column) as BackendCapabilities;
}

/** Every profile, by kind. */
export const backendProfiles: Readonly<Record<BackendKind, BackendProfile>> = {
  mlflow: { kind: 'mlflow', displayName: 'MLflow', capabilities: capabilitiesOf('mlflow') },
  databricks: { kind: 'databricks', displayName: 'Databricks', capabilities: capabilitiesOf('databricks') },
  gitlab: {
    kind: 'gitlab',
    displayName: 'GitLab',
    capabilities: capabilitiesOf('gitlab'),
    wire: { request: toGitLabRequest, response: fromGitLabResponse, failure: fromGitLabFailure },
  },
};

/** What the deployment says about its backend beyond its kind. */
export interface ProfileOptions {
  /** The MLflow server proxies artifacts (`--serve-artifacts`, MLflow's default since 2.0); default true. */
  readonly serveArtifacts?: boolean;
}

/** The profile of a backend kind, as the deployment configures it. */
export function backendProfile(kind: BackendKind, options: ProfileOptions = {}): BackendProfile {
  const profile = backendProfiles[kind];
  if (kind !== 'mlflow' || options.serveArtifacts !== false) return profile;
  return { ...profile, capabilities: { ...profile.capabilities, artifactBytes: NO_SERVED_ARTIFACTS } };
}
