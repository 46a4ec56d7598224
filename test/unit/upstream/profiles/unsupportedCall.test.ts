import { backendProfile } from '../../../../src/upstream/profiles/BackendProfile.js';
import { unsupportedCall } from '../../../../src/upstream/profiles/unsupportedCall.js';
import { toGraphQLError } from '../../../../src/errors/toGraphQLError.js';

/** unsupportedCall answers an UpstreamError; its GraphQL code is what the one error mapping makes of it. */
const graphqlCode = (refused: Error | undefined) => refused && toGraphQLError(refused).extensions.code;

const mlflow = backendProfile('mlflow');
const databricks = backendProfile('databricks');
const gitlab = backendProfile('gitlab');

describe('unsupportedCall', () => {
  it('lets OSS MLflow make every call, with any search arguments', () => {
    expect(unsupportedCall(mlflow, 'restoreRun', { run_id: 'r' })).toBeUndefined();
    expect(
      unsupportedCall(mlflow, 'searchRuns', {
        experiment_ids: Array.from({ length: 500 }, (_, i) => String(i)),
        filter: 'metrics.loss < 1',
        order_by: ['a', 'b'],
        run_view_type: 'ALL',
      }),
    ).toBeUndefined();
  });

  it('holds Databricks to 10 experiments per runs search', () => {
    expect(
      unsupportedCall(databricks, 'searchRuns', { experiment_ids: Array.from({ length: 10 }, (_, i) => String(i)) }),
    ).toBeUndefined();
    const refused = unsupportedCall(databricks, 'searchRuns', {
      experiment_ids: Array.from({ length: 11 }, (_, i) => String(i)),
    });
    expect(graphqlCode(refused)).toBe('UNSUPPORTED_BY_BACKEND');
    expect(refused?.message).toMatch(/more than 10 experiment/);
  });

  it('refuses on GitLab what GitLab lacks or would silently ignore', () => {
    expect(
      unsupportedCall(gitlab, 'getMetricHistoryBulkInterval', { run_ids: ['a'], metric_key: 'loss' })?.message,
    ).toBe('GET /api/2.0/mlflow/metrics/get-history-bulk-interval is not supported by the gitlab backend');
    expect(
      unsupportedCall(gitlab, 'searchRuns', { experiment_ids: ['1'], filter: 'metrics.loss < 1' })?.message,
    ).toMatch(/^Filtering runs/);
    expect(unsupportedCall(gitlab, 'searchRuns', { experiment_ids: ['1', '2'] })?.message).toMatch(
      /more than 1 experiment/,
    );
    expect(
      unsupportedCall(gitlab, 'searchRuns', { experiment_ids: ['1'], order_by: ['metrics.loss', 'start_time'] })
        ?.message,
    ).toMatch(/more than 1 key \(orderBy\)/);
    expect(
      unsupportedCall(gitlab, 'searchRuns', { experiment_ids: ['1'], run_view_type: 'DELETED_ONLY' })?.message,
    ).toMatch(/deleted runs/);
    expect(
      unsupportedCall(gitlab, 'searchExperiments', { max_results: 10, filter: "name LIKE 'a%'" })?.message,
    ).toMatch(/^Filtering experiments/);
    // What GitLab does serve passes: one experiment, one sort key, no filter; a blank filter is no filter.
    expect(
      unsupportedCall(gitlab, 'searchRuns', { experiment_ids: ['1'], order_by: ['metrics.loss DESC'], filter: ' ' }),
    ).toBeUndefined();
    expect(unsupportedCall(gitlab, 'getRun', { run_id: 'r' })).toBeUndefined();
  });

  it("accepts only name = '…' as a registered-model filter on GitLab", () => {
    expect(unsupportedCall(gitlab, 'searchRegisteredModels', { filter: "name = 'fraud-detector'" })).toBeUndefined();
    expect(unsupportedCall(gitlab, 'searchRegisteredModels', { filter: "name='it\\'s'" })).toBeUndefined();
    expect(unsupportedCall(gitlab, 'searchRegisteredModels', { filter: "name LIKE 'fraud%'" })?.message).toMatch(
      /other than name = /,
    );
    expect(
      graphqlCode(unsupportedCall(gitlab, 'searchRegisteredModels', { filter: "name = 'a' AND tags.team = 'x'" })),
    ).toBe('UNSUPPORTED_BY_BACKEND');
  });
});
