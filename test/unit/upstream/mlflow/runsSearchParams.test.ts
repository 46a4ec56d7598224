import {
  quoteFilterValue,
  runsByIdSearchParams,
  runsSearchParams,
} from '../../../../src/upstream/mlflow/runsSearchParams.js';

describe('runsSearchParams', () => {
  it('leaves out an empty filter, sort order and page token', () => {
    expect(
      runsSearchParams({ experimentIds: ['1'], filter: '', orderBy: [], viewType: 'ACTIVE_ONLY', maxResults: 10 }),
    ).toEqual({ experiment_ids: ['1'], run_view_type: 'ACTIVE_ONLY', max_results: 10 });
    expect(
      runsSearchParams({ experimentIds: ['1'], filter: null, orderBy: null, viewType: 'ALL', maxResults: 1 }),
    ).toEqual({ experiment_ids: ['1'], run_view_type: 'ALL', max_results: 1 });
  });

  it('serializes equal searches alike, whatever order the caller named the arguments in (one cached page)', () => {
    const a = runsSearchParams({
      pageToken: 't',
      maxResults: 5,
      viewType: 'ALL',
      orderBy: ['metrics.loss ASC'],
      filter: "params.lr = '0.1'",
      experimentIds: ['2', '1'],
    });
    const b = runsSearchParams({
      experimentIds: ['2', '1'],
      filter: "params.lr = '0.1'",
      orderBy: ['metrics.loss ASC'],
      viewType: 'ALL',
      maxResults: 5,
      pageToken: 't',
    });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Object.keys(a)).toEqual([
      'experiment_ids',
      'filter',
      'order_by',
      'run_view_type',
      'max_results',
      'page_token',
    ]);
  });

  it('copies the lists it is given (a caller mutating its array later changes nothing sent or cached)', () => {
    const experimentIds = ['1'];
    const params = runsSearchParams({ experimentIds, viewType: 'ALL', maxResults: 1 });
    experimentIds.push('2');
    expect(params.experiment_ids).toEqual(['1']);
  });
});

describe('runsByIdSearchParams', () => {
  it('finds runs by id in every lifecycle stage, one row per id, with the ids quoted', () => {
    expect(runsByIdSearchParams(['1', '2'], ['a1', "b'2"])).toEqual({
      experiment_ids: ['1', '2'],
      filter: "attributes.run_id IN ('a1', 'b\\'2')",
      run_view_type: 'ALL',
      max_results: 2,
    });
  });

  it('escapes backslashes before quotes', () => {
    expect(quoteFilterValue("a\\'b")).toBe("'a\\\\\\'b'");
  });
});
