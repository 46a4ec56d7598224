import type { RequestClients } from '../../context/RequestClients.js';
import { UnsupportedByBackendError } from '../../errors/SupergraphError.js';
import type { DatabricksClient } from '../../upstream/databricks/DatabricksClient.js';
import type { BackendProfile } from '../../upstream/profiles/BackendProfile.js';

/**
 * The caller's Databricks client for this request, or UNSUPPORTED_BY_BACKEND when the backend is not
 * Databricks (transition requests and comments exist only in the Databricks workspace registry). It shares
 * the MLflow connection pool and limiter: Databricks serves MLflow's API on the same host.
 */
export function registryDatabricks(
  profile: BackendProfile,
  clients: Pick<RequestClients, 'databricks'>,
  operation: string,
): DatabricksClient {
  const { capabilities, kind } = profile;
  if (!capabilities.transitionRequests) throw new UnsupportedByBackendError(operation, kind);
  // The request's own client: same pool, limiter, breaker, time budget, metrics and call counter.
  return clients.databricks;
}
