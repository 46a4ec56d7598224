import { UnsupportedByBackendError } from '../../errors/SupergraphError.js';
import type { MlflowApi } from '../mlflow/MlflowApi.js';
import { mlflowEndpoints, type MlflowEndpointName } from '../mlflow/endpoints.js';
import type { BackendProfile, FilterSupport } from './BackendProfile.js';
import { nameEquals } from './gitlabWire.js';


function filterRefused(support: FilterSupport, filter: string | undefined): boolean {
  if (!filter || filter.trim() === '') return false;
  if (support === 'full') return false;
  if (support === 'name-equals') return nameEquals(filter) === undefined;
  return true;
}

function sortRefused(what: string, max: number, kind: string): UnsupportedByBackendError {
  return new UnsupportedByBackendError(`Sorting ${what} by more than ${max} key${max === 1 ? '' : 's'} (orderBy)`, kind);
}

/**
 * Why `profile`'s backend cannot serve this call, or undefined when it can. Checked before every MLflow call,
 * so an operation the backend lacks, or a search argument it would silently ignore (GitLab drops `filter`),
 * answers UNSUPPORTED_BY_BACKEND on the field that asked, and nothing is sent upstream.
 */
export function unsupportedCall<K extends MlflowEndpointName>(profile: BackendProfile, name: K, params: MlflowApi[K]['params']): UnsupportedByBackendError | undefined {
  const { capabilities, kind } = profile;
  if (!capabilities.endpoints.has(name)) return new UnsupportedByBackendError(`${mlflowEndpoints[name].route}`, kind);
  switch (name) {
    case 'searchRuns': {
      const search = params as MlflowApi['searchRuns']['params'];
      if (filterRefused(capabilities.runFilter, search.filter)) return new UnsupportedByBackendError('Filtering runs (filter)', kind);
      if (search.experiment_ids.length > capabilities.maxExperimentIdsPerRunSearch) {
        return new UnsupportedByBackendError(`Searching the runs of more than ${capabilities.maxExperimentIdsPerRunSearch} experiment(s) at once`, kind);
      }
      if ((search.order_by?.length ?? 0) > capabilities.maxOrderBy) return sortRefused('runs', capabilities.maxOrderBy, kind);
      if (!capabilities.deletedObjects && search.run_view_type && search.run_view_type !== 'ACTIVE_ONLY') {
        return new UnsupportedByBackendError('Listing deleted runs (viewType)', kind);
      }
      return undefined;
    }
    case 'searchExperiments': {
      const search = params as MlflowApi['searchExperiments']['params'];
      if (filterRefused(capabilities.experimentFilter, search.filter)) return new UnsupportedByBackendError('Filtering experiments (filter)', kind);
      if ((search.order_by?.length ?? 0) > capabilities.maxOrderBy) return sortRefused('experiments', capabilities.maxOrderBy, kind);
      if (!capabilities.deletedObjects && search.view_type && search.view_type !== 'ACTIVE_ONLY') {
        return new UnsupportedByBackendError('Listing deleted experiments (viewType)', kind);
      }
      return undefined;
    }
    case 'searchRegisteredModels': {
      const search = params as MlflowApi['searchRegisteredModels']['params'];
      if (filterRefused(capabilities.registeredModelFilter, search.filter)) {
        const only = capabilities.registeredModelFilter === 'name-equals' ? " other than name = '…'" : '';
        return new UnsupportedByBackendError(`Filtering registered models${only} (filter)`, kind);
      }
      if ((search.order_by?.length ?? 0) > capabilities.maxOrderBy) return sortRefused('registered models', capabilities.maxOrderBy, kind);
      return undefined;
    }
    default:
      return undefined;
  }
}
