// Which schema coordinates a backend cannot serve, derived from its profile: the list `Query.backend.unsupported`
// reports, and the one the per-profile tests hold the graph to (each must answer UNSUPPORTED_BY_BACKEND).
import type { PermissionBackendKind } from '../auth/PermissionBackend.js';
import { mlflowEndpoints, type MlflowEndpointName } from '../upstream/mlflow/endpoints.js';
import type { BackendCapabilities, BackendProfile } from '../upstream/profiles/BackendProfile.js';

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
): string[] {
  const out = new Set<string>();
  for (const name of Object.keys(mlflowEndpoints) as MlflowEndpointName[]) {
    if (
      !profile.capabilities.endpoints.has(name) &&
      !name.startsWith('get') &&
      !name.startsWith('search') &&
      !name.startsWith('list')
    )
      out.add(`Mutation.${name}`);
  }
  for (const [coordinate, supported] of Object.entries(FIELD_REQUIREMENTS))
    if (!supported(profile.capabilities)) out.add(coordinate);
  if (WITHOUT_ACLS.has(permissionService)) for (const coordinate of ACL_COORDINATES) out.add(coordinate);
  return [...out].sort();
}
