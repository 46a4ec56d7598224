// Which schema coordinates a backend cannot serve, derived from its profile: the list `Query.backend.unsupported`
// reports, and the one the per-profile tests hold the graph to (each must answer UNSUPPORTED_BY_BACKEND).
import type { PermissionBackendKind } from '../auth/PermissionBackend.js';
import { mlflowEndpoints, type MlflowEndpointName } from '../upstream/mlflow/endpoints.js';
import type { BackendCapabilities, BackendProfile } from '../upstream/profiles/BackendProfile.js';
import {
  BACKEND_FEATURES,
  FEATURE_ENDPOINTS,
  type BackendFeature,
  type FeatureDecision,
} from '../upstream/profiles/backendFeatures.js';

type Requirement = (capabilities: BackendCapabilities) => boolean;

const endpoint =
  (name: MlflowEndpointName): Requirement =>
  (capabilities) =>
    capabilities.endpoints.has(name);

/** Fields served by an endpoint whose name differs from the field's, or by a capability. */
const FIELD_REQUIREMENTS: Readonly<Record<string, Requirement>> = {
  'Query.modelVersions': endpoint('searchModelVersions'),
  'RegisteredModel.versions': (c) => c.versionsInModel || c.endpoints.has('searchModelVersions'),
  'Run.modelVersions': (c) => c.versionsInModel || c.endpoints.has('searchModelVersions'),
  'Run.artifacts': endpoint('listArtifacts'),
  'Run.files': endpoint('listArtifacts'),
  // Only where they can be reached: without a listing no Artifact exists to ask (GitLab), so they never answer.
  'Artifact.downloadUrl': (c) => c.artifactBytes.via !== 'none' || !c.endpoints.has('listArtifacts'),
  'Artifact.text': (c) => c.artifactBytes.via !== 'none' || !c.endpoints.has('listArtifacts'),
  'ModelVersion.transitionRequests': (c) => c.transitionRequests,
  'Mutation.createTransitionRequest': (c) => c.transitionRequests,
  'Mutation.approveTransitionRequest': (c) => c.transitionRequests,
  'Mutation.rejectTransitionRequest': (c) => c.transitionRequests,
  'Mutation.deleteTransitionRequest': (c) => c.transitionRequests,
  'Mutation.createModelVersionComment': (c) => c.transitionRequests,
  'Mutation.updateModelVersionComment': (c) => c.transitionRequests,
  'Mutation.deleteModelVersionComment': (c) => c.transitionRequests,
  'Query.experiments(filter:)': (c) => c.experimentFilter !== 'none',
  'Query.runs(filter:)': (c) => c.runFilter !== 'none',
  'Experiment.runs(filter:)': (c) => c.runFilter !== 'none',
  'Query.registeredModels(filter:)': (c) => c.registeredModelFilter !== 'none',
  'Query.experiments(viewType:)': (c) => c.deletedObjects,
  'Query.runs(viewType:)': (c) => c.deletedObjects,
  'Experiment.runs(viewType:)': (c) => c.deletedObjects,
};

/**
 * Endpoints no mutation is named after: MLflow 3 features' own (their fields are listed by the feature's decision)
 * and log-inputs (model inputs are an argument of the feature).
 */
const NOT_MUTATIONS: ReadonlySet<MlflowEndpointName> = new Set<MlflowEndpointName>([
  ...Object.values(FEATURE_ENDPOINTS).flat(),
  'logInputs',
]);

/**
 * The root fields that exist only where an MLflow 3 feature does, each with the endpoint it stands for (named in
 * the refusal). The subgraph that owns them refuses them before any check or call where the feature is absent
 * (createSubgraphSchema's gates), and `Query.backend.unsupported` lists them there.
 */
export const FEATURE_FIELDS: Readonly<Record<BackendFeature, Readonly<Record<string, MlflowEndpointName>>>> = {
  loggedModels: {},
  // A prompt is a registered model tagged as one: its fields stand for the registry endpoints they use.
  prompts: {
    'Query.prompts': 'searchRegisteredModels',
    'Query.prompt': 'getRegisteredModel',
    'Mutation.createPrompt': 'createRegisteredModel',
    'Mutation.createPromptVersion': 'createModelVersion',
    'Mutation.setPromptAlias': 'setRegisteredModelAlias',
    'Mutation.deletePromptAlias': 'deleteRegisteredModelAlias',
    'Mutation.setPromptTag': 'setRegisteredModelTag',
    'Mutation.deletePromptTag': 'deleteRegisteredModelTag',
    'Mutation.setPromptVersionTag': 'setModelVersionTag',
    'Mutation.deletePromptVersionTag': 'deleteModelVersionTag',
    'Mutation.deletePrompt': 'deleteRegisteredModel',
    'Mutation.deletePromptVersion': 'deleteModelVersion',
  },
  // MLflow 3's evaluation datasets (/api/3.0/mlflow/datasets): gated before their permission checks (tracking).
  evaluationDatasets: {
    'Query.evaluationDataset': 'getEvaluationDataset',
    'Query.evaluationDatasets': 'searchEvaluationDatasets',
    'Experiment.evaluationDatasets': 'searchEvaluationDatasets',
    'Mutation.createEvaluationDataset': 'createEvaluationDataset',
    'Mutation.upsertEvaluationDatasetRecords': 'upsertDatasetRecords',
    'Mutation.deleteEvaluationDatasetRecords': 'deleteDatasetRecords',
    'Mutation.setEvaluationDatasetTags': 'setDatasetTags',
    'Mutation.deleteEvaluationDatasetTag': 'deleteDatasetTag',
    'Mutation.addEvaluationDatasetExperiments': 'addDatasetToExperiments',
    'Mutation.removeEvaluationDatasetExperiments': 'removeDatasetFromExperiments',
    'Mutation.deleteEvaluationDataset': 'deleteEvaluationDataset',
  },
  // MLflow 3.3's registry webhooks: each field stands for its own endpoint.
  webhooks: {
    'Query.webhooks': 'listWebhooks',
    'Query.webhook': 'getWebhook',
    'Mutation.createWebhook': 'createWebhook',
    'Mutation.updateWebhook': 'updateWebhook',
    'Mutation.deleteWebhook': 'deleteWebhook',
    'Mutation.testWebhook': 'testWebhook',
  },
  // Every way into traces, root and nested (the tracking subgraph's gates), with the endpoint each stands for.
  traces: {
    'Query.trace': 'batchGetTraceInfos',
    'Query.traces': 'searchTraces',
    'Experiment.traces': 'searchTraces',
    'Run.traces': 'searchTraces',
    'LoggedModel.traces': 'searchTraces',
    'Mutation.setTraceTag': 'setTraceTag',
    'Mutation.deleteTraceTag': 'deleteTraceTag',
    'Mutation.deleteTraces': 'deleteTraces',
    'Mutation.createAssessment': 'createAssessment',
    'Mutation.updateAssessment': 'updateAssessment',
    'Mutation.deleteAssessment': 'deleteAssessment',
  },
};

/** Permission-service fields that only a service with access control lists can serve. */
const ACL_COORDINATES = [
  'Experiment.permissions',
  'RegisteredModel.permissions',
  'Mutation.setExperimentPermission',
  'Mutation.revokeExperimentPermission',
  'Mutation.setRegisteredModelPermission',
  'Mutation.revokeRegisteredModelPermission',
] as const;

/** Permission services without access control lists the graph can read or change. */
const WITHOUT_ACLS: ReadonlySet<string> = new Set(['none', 'gitlab', 'http']);

/**
 * The coordinates `profile`'s backend (with `permissionService` beside it) answers UNSUPPORTED_BY_BACKEND, sorted.
 * Mutations named like an MLflow endpoint (`restoreRun`) need that endpoint.
 */
export function unsupportedCoordinates(
  profile: BackendProfile,
  permissionService: PermissionBackendKind | string,
  /** What the process decided of each MLflow 3 feature (LearnedCapabilities.features); absent: the profile's word. */
  features?: Readonly<Partial<Record<BackendFeature, FeatureDecision>>>,
): string[] {
  const out = new Set<string>();
  for (const name of Object.keys(mlflowEndpoints) as MlflowEndpointName[]) {
    if (
      !profile.capabilities.endpoints.has(name) &&
      !NOT_MUTATIONS.has(name) &&
      !name.startsWith('get') &&
      !name.startsWith('search') &&
      !name.startsWith('list')
    )
      out.add(`Mutation.${name}`);
  }
  for (const [coordinate, supported] of Object.entries(FIELD_REQUIREMENTS))
    if (!supported(profile.capabilities)) out.add(coordinate);
  // A feature decided absent (by the profile, or by the server's version); an undecided one is not claimed either way.
  for (const feature of BACKEND_FEATURES) {
    const declared = profile.capabilities.features[feature];
    const decision = features?.[feature] ?? (declared === 'yes' || declared === 'no' ? declared : 'unknown');
    if (decision === 'no') for (const coordinate of Object.keys(FEATURE_FIELDS[feature])) out.add(coordinate);
  }
  if (WITHOUT_ACLS.has(permissionService)) for (const coordinate of ACL_COORDINATES) out.add(coordinate);
  return [...out].sort();
}
