import type { RequestContext } from '../../context/RequestContext.js';
import { upstreamClientOptions } from '../../context/createRequestContext.js';
import { perRequest } from '../../context/RequestContext.js';
import { UnsupportedByBackendError } from '../../errors/SupergraphError.js';
import { DatabricksClient } from '../../upstream/databricks/DatabricksClient.js';

const DATABRICKS_CLIENT = Symbol('registry.databricks');

/**
 * The caller's Databricks client for this request, or UNSUPPORTED_BY_BACKEND when the backend is not
 * Databricks (transition requests and comments exist only in the Databricks workspace registry). It shares
 * the MLflow connection pool and limiter: Databricks serves MLflow's API on the same host.
 */
export function registryDatabricks(context: RequestContext, operation: string): DatabricksClient {
  const { capabilities, kind } = context.services.profile;
  if (!capabilities.transitionRequests) throw new UnsupportedByBackendError(operation, kind);
  // The request's own client options: same pool, limiter, breaker, time budget, metrics and call counter.
  return perRequest(context, DATABRICKS_CLIENT, () => new DatabricksClient(upstreamClientOptions(context)));
}
