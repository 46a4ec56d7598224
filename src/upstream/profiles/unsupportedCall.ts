import { UpstreamError } from '../http/UpstreamError.js';
import type { MlflowApi } from '../mlflow/MlflowApi.js';
import { mlflowEndpoints, type MlflowEndpointName } from '../mlflow/endpoints.js';
import type { BackendCapabilities, BackendProfile, FilterSupport } from './BackendProfile.js';
import { featureOfCall, type BackendFeature } from './backendFeatures.js';
import { nameEquals } from './gitlabWire.js';

function filterRefused(support: FilterSupport, filter: string | undefined): boolean {
  if (!filter || filter.trim() === '') return false;
  if (support === 'full') return false;
  if (support === 'name-equals') return nameEquals(filter) === undefined;
  return true;
}

/** The refusal, made before anything is sent; UNSUPPORTED_BY_BACKEND once src/errors maps it. */
function refusal(name: MlflowEndpointName, operation: string, backend: string): UpstreamError {
  return new UpstreamError({
    upstream: 'MLflow',
    endpoint: mlflowEndpoints[name].route,
    failure: 'unsupported',
    backend,
    message: `${operation} is not supported by the ${backend} backend`,
  });
}

/** How a refusal names what a feature's call asked for. */
const FEATURE_LABEL: Readonly<Record<BackendFeature, string>> = {
  loggedModels: 'Logged models (MLflow 3)',
  prompts: 'Prompts (MLflow 3)',
  evaluationDatasets: 'Evaluation datasets (MLflow 3.4)',
  webhooks: 'Webhooks (MLflow 3.3)',
  traces: 'Traces and assessments (MLflow 3)',
};

/**
 * The refusal of a call needing `feature` on a backend without it; `detail` says why when it was decided at run time
 * (the server's version). Nothing is sent.
 */
export function featureRefusal(
  name: MlflowEndpointName,
  feature: BackendFeature,
  backend: string,
  detail?: string,
): UpstreamError {
  const error = refusal(name, `${FEATURE_LABEL[feature]} (${mlflowEndpoints[name].route})`, backend);
  if (detail) error.message = `${error.message}: ${detail}`;
  return error;
}

/** The searches whose arguments a backend may not honour: what they list, and which capability governs their filter. */
const SEARCHES: Partial<
  Record<MlflowEndpointName, { what: string; filter: (c: BackendCapabilities) => FilterSupport }>
> = {
  searchRuns: { what: 'runs', filter: (c) => c.runFilter },
  searchExperiments: { what: 'experiments', filter: (c) => c.experimentFilter },
  searchRegisteredModels: { what: 'registered models', filter: (c) => c.registeredModelFilter },
};

/** The arguments of those searches, as far as this check reads them. */
interface SearchParams {
  filter?: string;
  order_by?: string[];
  view_type?: string;
  run_view_type?: string;
  experiment_ids?: string[];
}

/**
 * Why `profile`'s backend cannot serve this call (an `unsupported` UpstreamError), or undefined when it can. Checked before every MLflow call,
 * so an operation the backend lacks, or a search argument it would silently ignore (GitLab drops `filter`),
 * answers UNSUPPORTED_BY_BACKEND on the field that asked, and nothing is sent upstream.
 */
export function unsupportedCall<K extends MlflowEndpointName>(
  profile: BackendProfile,
  name: K,
  params: MlflowApi[K]['params'],
): UpstreamError | undefined {
  const { capabilities, kind } = profile;
  if (!capabilities.endpoints.has(name)) return refusal(name, mlflowEndpoints[name].route, kind);
  // A feature the profile never serves; one it serves from some version on is the MLflow client's to decide.
  const feature = featureOfCall(name, params);
  if (feature && capabilities.features[feature] === 'no') return featureRefusal(name, feature, kind);
  // GitLab's runs/update ignores a run_name it does not take: refused, not silently dropped.
  if (name === 'updateRun' && (params as { run_name?: string }).run_name !== undefined && !capabilities.runRename) {
    return refusal(name, 'Renaming runs (updateRun name)', kind);
  }
  const search = SEARCHES[name];
  if (!search) return undefined;
  const {
    filter,
    order_by: orderBy,
    view_type: viewType,
    run_view_type: runViewType,
    experiment_ids: experimentIds,
  } = params as SearchParams;
  const support = search.filter(capabilities);
  if (filterRefused(support, filter)) {
    const only = support === 'name-equals' ? " other than name = '…'" : '';
    return refusal(name, `Filtering ${search.what}${only} (filter)`, kind);
  }
  if (experimentIds && experimentIds.length > capabilities.maxExperimentIdsPerRunSearch) {
    return refusal(
      name,
      `Searching the runs of more than ${capabilities.maxExperimentIdsPerRunSearch} experiment(s) at once`,
      kind,
    );
  }
  const max = capabilities.maxOrderBy;
  if ((orderBy?.length ?? 0) > max)
    return refusal(name, `Sorting ${search.what} by more than ${max} key${max === 1 ? '' : 's'} (orderBy)`, kind);
  const lifecycle = viewType ?? runViewType;
  if (!capabilities.deletedObjects && lifecycle && lifecycle !== 'ACTIVE_ONLY')
    return refusal(name, `Listing deleted ${search.what} (viewType)`, kind);
  return undefined;
}
