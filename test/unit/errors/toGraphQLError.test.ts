import { toGraphQLError } from '../../../src/errors/toGraphQLError.js';
import { UpstreamError } from '../../../src/upstream/http/UpstreamError.js';

// The upstream layer refuses with UpstreamErrors that know nothing of GraphQL; these two kinds used to be
// GraphQL errors built inside upstream/ (UnsupportedByBackendError, ForbiddenError) and must map to exactly
// what those carried: the same code, message and extensions, and no upstream status.
describe('toGraphQLError for refusals made in the upstream layer', () => {
  it("maps 'unsupported' to UNSUPPORTED_BY_BACKEND naming the backend", () => {
    const error = toGraphQLError(
      new UpstreamError({
        upstream: 'MLflow',
        endpoint: 'POST /api/2.0/mlflow/runs/search',
        failure: 'unsupported',
        backend: 'gitlab',
        message: 'Filtering runs (filter) is not supported by the gitlab backend',
      }),
    );
    expect(error.message).toBe('Filtering runs (filter) is not supported by the gitlab backend');
    expect(error.extensions).toEqual({ code: 'UNSUPPORTED_BY_BACKEND', backend: 'gitlab' });
  });

  it("maps 'forbidden' to FORBIDDEN with its own message and the scope that would do", () => {
    const answer = new UpstreamError({
      upstream: 'MLflow',
      endpoint: 'POST /api/2.0/mlflow/runs/search',
      failure: 'http',
      status: 403,
      errorCode: 'insufficient_scope',
      message: 'insufficient_scope',
    });
    const scoped = toGraphQLError(
      new UpstreamError({
        upstream: 'MLflow',
        endpoint: answer.endpoint,
        failure: 'forbidden',
        requiredScope: 'api',
        message: 'use a token with the api scope',
        cause: answer,
      }),
    );
    expect(scoped.message).toBe('use a token with the api scope');
    expect(scoped.extensions).toEqual({ code: 'FORBIDDEN', requiredScope: 'api' });
    const role = toGraphQLError(
      new UpstreamError({ upstream: 'MLflow', endpoint: answer.endpoint, failure: 'forbidden', message: 'ask for it' }),
    );
    expect(role.extensions).toEqual({ code: 'FORBIDDEN' });
  });
});
