// MLflow 3 features as data: which endpoints (and which arguments of older endpoints) belong to each, and how a
// backend's declared support plus what was detected about the server decide whether the graph may call them.
import type { MlflowApi } from '../mlflow/MlflowApi.js';
import type { MlflowEndpointName } from '../mlflow/endpoints.js';

/** A group of MLflow endpoints a backend serves as a whole, or not at all. */
export type BackendFeature = 'loggedModels' | 'prompts' | 'evaluationDatasets' | 'webhooks' | 'traces';

/** Every feature, in the order `Query.backend` lists them. */
export const BACKEND_FEATURES: readonly BackendFeature[] = [
  'loggedModels',
  'prompts',
  'evaluationDatasets',
  'webhooks',
  'traces',
];

/**
 * What a profile declares of a feature: always served, never, or from a server version on (an MLflow server says
 * its version at `/version`; the graph reads it at start-up, see detectBackend.ts).
 */
export type FeatureSupport = 'yes' | 'no' | { readonly sinceVersion: string };

/**
 * Whether the graph may use a feature now. `unknown`: the profile makes it depend on a version the server did not
 * report (a proxy hiding `/version`, or no caller yet whose credentials could read it).
 */
export type FeatureDecision = 'yes' | 'no' | 'unknown';

/** The endpoints that exist only where a feature does (prompts are registered models: no endpoint of their own). */
export const FEATURE_ENDPOINTS: Readonly<Record<BackendFeature, readonly MlflowEndpointName[]>> = {
  loggedModels: [
    'logOutputs',
    'createLoggedModel',
    'getLoggedModel',
    'finalizeLoggedModel',
    'deleteLoggedModel',
    'setLoggedModelTags',
    'deleteLoggedModelTag',
    'logLoggedModelParams',
    'searchLoggedModels',
    'listLoggedModelArtifacts',
  ],
  prompts: [],
  evaluationDatasets: [
    'createEvaluationDataset',
    'getEvaluationDataset',
    'deleteEvaluationDataset',
    'searchEvaluationDatasets',
    'upsertDatasetRecords',
    'getDatasetRecords',
    'deleteDatasetRecords',
    'setDatasetTags',
    'deleteDatasetTag',
    'getDatasetExperimentIds',
    'addDatasetToExperiments',
    'removeDatasetFromExperiments',
  ],
  webhooks: ['createWebhook', 'listWebhooks', 'getWebhook', 'updateWebhook', 'deleteWebhook', 'testWebhook'],
  traces: [
    'getTraceInfo',
    'getTrace',
    'batchGetTraces',
    'batchGetTraceInfos',
    'searchTraces',
    'setTraceTag',
    'deleteTraceTag',
    'deleteTraces',
    'createAssessment',
    'getAssessment',
    'updateAssessment',
    'deleteAssessment',
  ],
};

const FEATURE_OF_ENDPOINT = new Map<MlflowEndpointName, BackendFeature>(
  Object.entries(FEATURE_ENDPOINTS).flatMap(([feature, names]) =>
    names.map((name) => [name, feature as BackendFeature] as const),
  ),
);

/** The feature a call needs because of its arguments, on an endpoint older servers have too. */
function featureOfArguments(name: MlflowEndpointName, params: unknown): BackendFeature | undefined {
  const p = params as Partial<MlflowApi['logMetric']['params'] & MlflowApi['logBatch']['params']> &
    Partial<MlflowApi['logInputs']['params']>;
  switch (name) {
    case 'logMetric':
      return p.model_id || p.dataset_name || p.dataset_digest ? 'loggedModels' : undefined;
    case 'logBatch':
      return p.metrics?.some((m) => m.model_id || m.dataset_name || m.dataset_digest) ? 'loggedModels' : undefined;
    case 'logInputs':
      return p.models && p.models.length > 0 ? 'loggedModels' : undefined;
    default:
      return undefined;
  }
}

/**
 * The feature a call needs, or undefined. Arguments count: an MLflow 2.x server parses requests ignoring fields it
 * does not know, so a `model_id` on `log-metric` would be dropped without a word (the value lands on the run only).
 * Such calls are refused where the feature is absent rather than half-done.
 */
export function featureOfCall(name: MlflowEndpointName, params: unknown): BackendFeature | undefined {
  return FEATURE_OF_ENDPOINT.get(name) ?? featureOfArguments(name, params);
}

/** Whether a call needs a feature only through its arguments (no own endpoint whose absence the server shows). */
export function featureByArguments(name: MlflowEndpointName): boolean {
  return !FEATURE_OF_ENDPOINT.has(name);
}

/** `major.minor` of a version string ("3.11.1", "v2.12.2", "3.0.0rc1"), or undefined when it has none. */
function majorMinor(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Whether `version` is at least `since` (both `major.minor[...]`); undefined when either cannot be read. */
export function versionAtLeast(version: string, since: string): boolean | undefined {
  const have = majorMinor(version);
  const need = majorMinor(since);
  if (!have || !need) return undefined;
  return have[0] !== need[0] ? have[0] > need[0] : have[1] >= need[1];
}

/** What the server reported about itself, as far as features are decided from it. */
export interface FeatureEvidence {
  /** The server's version, when it reported one. */
  readonly version: string | undefined;
  /** MLflow 3's `/api/3.0/mlflow/server-info` answer, when it gave one (the endpoint exists from 3.0 on). */
  readonly serverInfo: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Decides a feature from the profile's declaration and what the server reported. A version-gated feature is `yes`
 * or `no` by the reported version; without one, a server-info answer proves MLflow >= 3.0 (only 3.x serves it);
 * with neither, `unknown` (the caller then decides: see MlflowFeatures).
 */
export function decideFeature(support: FeatureSupport, evidence: FeatureEvidence | undefined): FeatureDecision {
  if (support === 'yes' || support === 'no') return support;
  if (evidence?.version !== undefined) {
    const atLeast = versionAtLeast(evidence.version, support.sinceVersion);
    if (atLeast !== undefined) return atLeast ? 'yes' : 'no';
  }
  if (evidence?.serverInfo !== undefined && versionAtLeast('3.0', support.sinceVersion) === true) return 'yes';
  return 'unknown';
}
