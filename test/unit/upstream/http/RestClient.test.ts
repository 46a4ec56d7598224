// RestClient.chunksThatFit: what a loader asks instead of counting bytes (the MLflow client's, with its backend's
// wire translation).
import { errorCodeOf } from '../../../../src/errors/toGraphQLError.js';
import { UpstreamError } from '../../../../src/upstream/http/UpstreamError.js';
import { MAX_REQUEST_LINE_BYTES, requestLineLength } from '../../../../src/upstream/http/requestLine.js';
import { MlflowClient } from '../../../../src/upstream/mlflow/MlflowClient.js';
import { backendProfile } from '../../../../src/upstream/profiles/BackendProfile.js';
import type { BackendKind } from '../../../../src/config/backendConfig.js';

const SEARCH = '/api/2.0/mlflow/model-versions/search';
const hexId = (n: number) => n.toString(16).padStart(32, '0').replace(/^0/, 'a');
const inFilter = (ids: readonly string[]) => ({ filter: `run_id IN (${ids.map((id) => `'${id}'`).join(', ')})` });

/** A client that is never called: chunksThatFit reads only the got instance's prefix URL. */
function client(prefixUrl: string, kind?: BackendKind): MlflowClient {
  const options = { http: { defaults: { options: { prefixUrl } } } } as any;
  return kind ? new MlflowClient(options, backendProfile(kind)) : new MlflowClient(options);
}

describe('chunksThatFit', () => {
  const ids = Array.from({ length: 95 }, (_, i) => hexId(i));

  it("counts the tracking URI's path prefix (GitLab serves MLflow under a long path)", () => {
    expect(client('http://mlflow.test').chunksThatFit('searchModelVersions', ids, inFilter)).toHaveLength(1);
    const prefix = '/api/v4/projects/data-science%2Fchurn/ml/mlflow';
    const chunks = client(`http://gitlab.test${prefix}`).chunksThatFit('searchModelVersions', ids, inFilter);
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks)
      expect(requestLineLength(`${prefix}${SEARCH}`, inFilter(chunk))).toBeLessThanOrEqual(MAX_REQUEST_LINE_BYTES);
  });

  it('bounds a chunk by the endpoint limit the caller gives', () => {
    const short = Array.from({ length: 250 }, (_, i) => String(i));
    const chunks = client('http://mlflow.test').chunksThatFit(
      'getMetricHistoryBulkInterval',
      short,
      (chunk) => ({ run_ids: [...chunk], metric_key: 'loss' }),
      100,
    );
    expect(chunks.map((chunk) => chunk.length)).toEqual([100, 100, 50]);
  });

  it('refuses an id too long for any request line as the call itself would be refused: BAD_USER_INPUT', () => {
    const long = 'a'.repeat(MAX_REQUEST_LINE_BYTES);
    let thrown: unknown;
    try {
      client('http://mlflow.test').chunksThatFit('searchModelVersions', [hexId(1), long], inFilter);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UpstreamError);
    expect(thrown).toMatchObject({ failure: 'refused', endpoint: `GET ${SEARCH}` });
    expect((thrown as Error).message).toMatch(/would need a \d+-byte request line, over the 4094-byte limit/);
    expect(errorCodeOf(thrown)).toBe('BAD_USER_INPUT');
  });

  it('measures what the backend is sent: GitLab takes one sort key, so the others do not count', () => {
    const orderBy = ['name ASC', `tag.${'x'.repeat(2000)} DESC`];
    const params = (chunk: readonly string[]) => ({ ...inFilter(chunk), order_by: orderBy });
    expect(client('http://mlflow.test', 'gitlab').chunksThatFit('searchModelVersions', ids, params)).toHaveLength(1);
    expect(
      client('http://mlflow.test', 'mlflow').chunksThatFit('searchModelVersions', ids, params).length,
    ).toBeGreaterThan(1);
  });

  it('is for GETs only: a POST body has no request-line limit to split by', () => {
    expect(() =>
      client('http://mlflow.test').chunksThatFit('searchRuns', ids, () => ({ experiment_ids: ['1'] })),
    ).toThrow(
      'chunksThatFit: expected a GET endpoint (only a query is in the request line), got POST /api/2.0/mlflow/runs/search',
    );
  });
});
