import { partialWriteError } from '../../../src/errors/partialWriteError.js';
import { UpstreamError } from '../../../src/upstream/http/UpstreamError.js';

describe('partialWriteError', () => {
  it('keeps the failure’s code and says which calls landed and that nothing after it was sent', () => {
    const cause = new UpstreamError({
      upstream: 'MLflow',
      endpoint: 'POST /api/2.0/mlflow/runs/log-batch',
      failure: 'http',
      status: 503,
      message: 'unavailable',
    });
    const error = partialWriteError(cause, {
      what: 'logBatch of run r1',
      landed: 2,
      total: 3,
      landedDetail: '1900 metrics, 100 params, 0 tags',
    });
    expect(error.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstreamStatus: 503,
      landedCalls: 2,
      totalCalls: 3,
    });
    expect(error.message).toBe(
      'MLflow is unavailable (HTTP 503) (logBatch of run r1: call 3 of 3 failed; calls 1 to 2 of 3 had landed (1900 metrics, 100 params, 0 tags); nothing after it was sent)',
    );
  });

  it('says so when the first call failed', () => {
    const cause = new UpstreamError({
      upstream: 'MLflow',
      endpoint: 'POST /api/2.0/mlflow/runs/log-batch',
      failure: 'http',
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      message: 'bad key',
    });
    const error = partialWriteError(cause, { what: 'logBatch of run r1', landed: 0, total: 2 });
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/call 1 of 2 failed; none of its calls had landed; nothing after it was sent\)$/);
  });
});
