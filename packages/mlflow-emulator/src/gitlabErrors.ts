// The answers GitLab's API gives when it refuses a request, each in the shape its helper writes:
// Grape's catch-all and validators (`{"error": ...}`), API::Helpers (`{"message": ...}`), APIGuard
// (`insufficient_scope`), and the MLflow API's structured errors (`{"error_code": ...}`). Thrown as
// RawResponse so the GitLab handlers can bail out from anywhere.
import { RawResponse } from './MlflowError.js';

const JSON_TYPE = 'application/json';

function json(status: number, body: unknown, headers: Record<string, string> = {}): RawResponse {
  return new RawResponse(status, JSON.stringify(body), JSON_TYPE, headers);
}

/** The insufficient-scope description APIGuard writes. */
export const INSUFFICIENT_SCOPE_DESCRIPTION =
  'The request requires higher privileges than provided by the access token.';

/** GitLab's refusals. */
export const gitlabErrors = {
  /** Grape's catch-all `route :any, '*path'`: no such endpoint. */
  routeNotFound: (): RawResponse => json(404, { error: '404 Not Found' }),
  /** Grape's answer for a known path called with another method (after the endpoint's before filters). */
  methodNotAllowed: (allowed: readonly string[]): RawResponse =>
    json(405, { error: '405 Not Allowed' }, { Allow: [...allowed, 'OPTIONS'].join(', ') }),
  /** `unauthorized!`: no token, an unknown token, or (in the MLflow API) no write permission. */
  unauthorized: (): RawResponse => json(401, { message: '401 Unauthorized' }),
  /** APIGuard: the token's scopes do not cover this route (e.g. `read_api` on a POST). */
  insufficientScope: (scopes: readonly string[]): RawResponse =>
    json(
      403,
      { error: 'insufficient_scope', error_description: INSUFFICIENT_SCOPE_DESCRIPTION, scope: scopes.join(' ') },
      {
        'WWW-Authenticate': `Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="${INSUFFICIENT_SCOPE_DESCRIPTION}", scope="${scopes.join(' ')}"`,
      },
    ),
  /** `not_found!('Project')`: no such project, or the caller may not see it. */
  projectNotFound: (): RawResponse => json(404, { message: '404 Project Not Found' }),
  /** `not_found!`: the project is visible but the caller may not read its model experiments. */
  notFound: (): RawResponse => json(404, { message: '404 Not Found' }),
  /** `bad_request!` without a reason. */
  badRequest: (): RawResponse => json(400, { message: '400 Bad request' }),
  /** Grape's parameter validation (`"run_id is missing, key is missing"`). */
  validation: (message: string): RawResponse => json(400, { error: message }),
  /** Grape's answer to a body of a content type it cannot parse. */
  unsupportedMediaType: (contentType: string): RawResponse =>
    json(415, { error: `The provided content-type '${contentType}' is not supported.` }),
  /** `render_api_error!(message, status)`. */
  apiError: (message: string, status: number): RawResponse => json(status, { message }),
  /** An unhandled exception (GitLab masks it). */
  internal: (): RawResponse => json(500, { message: '500 Internal Server Error' }),
  /** MLflow API `resource_not_found!`. */
  resourceNotFound: (): RawResponse => json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST' }),
  /** MLflow API `resource_already_exists!`. */
  alreadyExists: (): RawResponse => json(400, { error_code: 'RESOURCE_ALREADY_EXISTS' }),
  /** MLflow API `invalid_parameter!(message)`: the message may be null or a list of validation messages. */
  invalidParameter: (message: string | readonly string[] | null = null): RawResponse =>
    json(400, { error_code: 'INVALID_PARAMETER_VALUE', message }),
  /** MLflow API `update_failed!`. */
  updateFailed: (): RawResponse => json(400, { error_code: 'UPDATE_FAILED' }),
} as const;
