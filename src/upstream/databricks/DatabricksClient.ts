import { RestClient, type RestClientOptions } from '../http/RestClient.js';
import type { DatabricksApi } from './DatabricksApi.js';
import { databricksEndpoints } from './endpoints.js';

/** Form-encoded query string from params (undefined dropped), as Databricks' SDKs send a DELETE's fields. */
function queryString(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null) search.append(key, String(value));
  return search.toString();
}

/**
 * Typed access to the Databricks-only registry endpoints (transition requests, comments) for one request (one
 * caller). Built on the MLflow client's options: Databricks serves MLflow's API on the same host, so the got
 * instance, limiter, credentials and per-request call counter are shared.
 */
export class DatabricksClient extends RestClient<DatabricksApi> {
  constructor(private readonly clientOptions: RestClientOptions) {
    super('Databricks', databricksEndpoints, clientOptions);
  }

  /** Calls `name` with wire params; resolves to the wire response or throws an UpstreamError. */
  override call<K extends keyof DatabricksApi & string>(
    name: K,
    params: DatabricksApi[K]['params'],
  ): Promise<DatabricksApi[K]['response']> {
    const row = databricksEndpoints[name];
    if (!row.query) return super.call(name, params);
    // Databricks documents these DELETEs' fields as query parameters, while MLflow-style servers read a JSON
    // body: send both, so either kind of server sees them. Errors still name the table's route.
    const target = { ...row, path: `${row.path}?${queryString(params as Record<string, unknown>)}` };
    return new RestClient<DatabricksApi>(
      'Databricks',
      { ...databricksEndpoints, [name]: target },
      this.clientOptions,
    ).call(name, params);
  }
}
