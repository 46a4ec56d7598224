import { SupergraphError } from '../../../errors/SupergraphError.js';
import { UpstreamError } from '../../../upstream/http/UpstreamError.js';
import { PERMISSION_SERVICE } from '../../../upstream/permission-service/PermissionServiceClient.js';

/**
 * Every failure of the custom permission service becomes UPSTREAM_TIMEOUT (no answer in time) or
 * UPSTREAM_UNAVAILABLE (down, refused, 4xx/5xx, malformed), mapped here rather than by MLflow's rules: a 401 from
 * the service is the gateway's credential, not the caller's, and its error bodies are not MLflow's. Messages name
 * no URL or token.
 */
export function serviceFailure(error: unknown): Error {
  if (error instanceof SupergraphError) return error;
  if (!(error instanceof UpstreamError)) return error as Error;
  // The status only when the service answered with an error (a malformed 200 is not a status worth reporting).
  const status = error.failure !== 'http' || error.status === undefined ? {} : { upstreamStatus: error.status };
  if (error.failure === 'timeout' || error.status === 504)
    return new SupergraphError('UPSTREAM_TIMEOUT', `${PERMISSION_SERVICE} did not answer in time`, status, error);
  const message =
    error.failure === 'http' ? `${PERMISSION_SERVICE} is unavailable (HTTP ${error.status ?? '?'})` : error.message;
  return new SupergraphError('UPSTREAM_UNAVAILABLE', message, status, error);
}
