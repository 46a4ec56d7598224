// Query.backend: what the configured backend is, as declared by its profile and as detected by probing it.
import type { Services } from '../../context/Services.js';
import { unsupportedCoordinates } from '../../graphql/unsupportedCoordinates.js';
import type { FeatureDecision } from '../../upstream/profiles/backendFeatures.js';
import type { Backend } from './resolvers.generated.js';

const finite = (limit: number): number | null => (Number.isFinite(limit) ? limit : null);

/** A feature decision as the schema's nullable Boolean (null: not known yet). */
const decided = (decision: FeatureDecision): boolean | null => (decision === 'unknown' ? null : decision === 'yes');

/** MLflow 3.13 replaced basic-auth's permission API with RBAC, which the graph detects but does not serve. */
function isRbacVersion(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major > 3 || (major === 3 && minor >= 13);
}

/** Query.backend: the profile's declarations plus what probing the server (with `authorization`) found. */
export async function describeBackend(
  services: Pick<Services, 'profile' | 'detector' | 'permissions' | 'cacheSharing' | 'learned'>,
  authorization: string | undefined,
): Promise<Backend> {
  const { profile, detector, permissions, learned } = services;
  const [detection, permissionBackend, sharing] = await Promise.all([
    detector.detect(authorization),
    permissions.resolve(),
    services.cacheSharing(),
  ]);
  // MLflow >= 3.13 moved permissions to RBAC: known from its version, or from users/get having gone.
  let permissionService = permissionBackend.reportedKind ?? permissionBackend.kind;
  if (permissionService === 'mlflow-basic-auth' && isRbacVersion(detection.version)) permissionService = 'mlflow-rbac';
  const { capabilities: c } = profile;
  const features = learned.features();
  const filter = (support: typeof c.runFilter) =>
    support === 'name-equals' ? 'NAME_EQUALS' : support === 'full' ? 'FULL' : 'NONE';
  return {
    kind: profile.kind.toUpperCase() as Backend['kind'],
    version: detection.version ?? null,
    serverInfo: detection.serverInfo ? JSON.stringify(detection.serverInfo) : null,
    permissionService,
    capabilities: {
      experimentFilter: filter(c.experimentFilter),
      runFilter: filter(c.runFilter),
      registeredModelFilter: filter(c.registeredModelFilter),
      maxExperimentIdsPerRunSearch: finite(c.maxExperimentIdsPerRunSearch),
      maxOrderBy: finite(c.maxOrderBy),
      // What the process learned (a proxy without bulk-interval) narrows what the profile declares.
      bulkMetricHistory: learned.bulkInterval,
      modelVersionSearch: c.endpoints.has('searchModelVersions'),
      aliasWrites: c.endpoints.has('setRegisteredModelAlias'),
      stageTransitions: c.endpoints.has('transitionModelVersionStage'),
      transitionRequests: c.transitionRequests,
      artifacts: c.endpoints.has('listArtifacts'),
      artifactDownloads: c.artifactBytes.via !== 'none',
      deletedObjects: c.deletedObjects,
      // Decided by the version the probe above read (LearnedCapabilities); null while no version is known.
      loggedModels: decided(features.loggedModels),
      prompts: decided(features.prompts),
      evaluationDatasets: decided(features.evaluationDatasets),
      webhooks: decided(features.webhooks),
      traces: decided(features.traces),
    },
    unsupported: unsupportedCoordinates(profile, permissionService, features),
    probes: [...detection.probes],
    cacheSharing: { mode: sharing.mode === 'shared' ? 'SHARED' : 'PER_CALLER', reason: sharing.reason },
  };
}
