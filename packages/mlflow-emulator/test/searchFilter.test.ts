import { MlflowError } from '../src/MlflowError.js';
import {
  checkRunsFilterComparators,
  compareValues,
  parseExperimentOrderBy,
  parseExperimentsFilter,
  parseModelVersionsFilter,
  parseRegisteredModelsFilter,
  parseRunOrderBy,
  parseRunsFilter,
  sqlLike,
} from '../src/searchFilter.js';

function errorOf(fn: () => unknown): MlflowError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MlflowError) return error;
    throw error;
  }
  throw new Error('expected an MlflowError, got none');
}

describe('runs/search filter parser', () => {
  it('parses AND-joined comparisons on every entity type', () => {
    const clauses = parseRunsFilter(
      "metrics.accuracy >= 0.9 and params.optimizer = 'adam' AND tags.team != 'risk' AND attributes.status = 'FINISHED' AND run_name LIKE 'sweep-%'",
    );
    expect(clauses).toEqual([
      { type: 'metric', key: 'accuracy', comparator: '>=', value: 0.9 },
      { type: 'parameter', key: 'optimizer', comparator: '=', value: 'adam' },
      { type: 'tag', key: 'team', comparator: '!=', value: 'risk' },
      { type: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
      { type: 'attribute', key: 'run_name', comparator: 'LIKE', value: 'sweep-%' },
    ]);
  });

  it('accepts the attribute/attributes/bare spellings, backticked and double-quoted keys', () => {
    expect(parseRunsFilter("attribute.user_id = 'bob'")[0]).toMatchObject({ type: 'attribute', key: 'user_id' });
    expect(parseRunsFilter('attributes.start_time > 1700000000000')[0]).toMatchObject({
      key: 'start_time',
      value: 1700000000000,
    });
    expect(parseRunsFilter('params.`learning-rate` = "0.1"')[0]).toEqual({
      type: 'parameter',
      key: 'learning-rate',
      comparator: '=',
      value: '0.1',
    });
    expect(parseRunsFilter('tags."mlflow.user" ILIKE \'AL%\'')[0]).toEqual({
      type: 'tag',
      key: 'mlflow.user',
      comparator: 'ILIKE',
      value: 'AL%',
    });
    expect(parseRunsFilter('metrics.loss < -1.5')[0]).toMatchObject({ comparator: '<', value: -1.5 });
  });

  it('parses run_id IN and NOT IN lists, keeping lower-case ids only (as MLflow does)', () => {
    const [inClause] = parseRunsFilter("attributes.run_id IN ('abc123', 'def456', 'ABC999')");
    expect(inClause).toEqual({ type: 'attribute', key: 'run_id', comparator: 'IN', value: ['abc123', 'def456'] });
    const [notIn] = parseRunsFilter("run_id NOT IN ('abc123')");
    expect(notIn).toMatchObject({ comparator: 'NOT IN', value: ['abc123'] });
  });

  it('reports MLflow errors for bad filters', () => {
    expect(errorOf(() => parseRunsFilter('foo.m = 2')).message).toBe(
      "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    );
    expect(errorOf(() => parseRunsFilter("metrics.m = 'x'")).message).toBe(
      "Expected numeric value type for metric. Found 'x'",
    );
    expect(errorOf(() => parseRunsFilter('params.p = 3')).message).toBe(
      "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 3",
    );
    expect(errorOf(() => parseRunsFilter("status IN ('A')")).message).toBe(
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    );
    expect(errorOf(() => parseRunsFilter("params.a = 'x' OR params.b = 'y'")).message).toBe(
      "Invalid clause(s) in filter string: 'OR'",
    );
    expect(errorOf(() => parseRunsFilter('run_id IN ()')).message).toContain('got empty list');
  });

  it('rejects bad comparators with MLflow 2.12 status codes (400 for metrics/params, 500 for tags/attributes)', () => {
    const metric = errorOf(() => checkRunsFilterComparators(parseRunsFilter('metrics.m >>> 2')));
    expect([metric.status, metric.errorCode, metric.message]).toEqual([
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid comparator '>>>' not one of '{'<', '>', '>=', '=', '<=', '!='}",
    ]);
    const tag = errorOf(() => checkRunsFilterComparators(parseRunsFilter("tags.t > 'x'")));
    expect([tag.status, tag.errorCode]).toEqual([500, 'INTERNAL_ERROR']);
  });
});

describe('experiments, registered models and model versions filters', () => {
  it('parses experiment filters and reproduces the 500 for an unknown comparator', () => {
    expect(parseExperimentsFilter("name LIKE 'fraud%' AND tags.team = 'risk' AND creation_time > 5")).toEqual([
      { type: 'attribute', key: 'name', comparator: 'LIKE', value: 'fraud%' },
      { type: 'tag', key: 'team', comparator: '=', value: 'risk' },
      { type: 'attribute', key: 'creation_time', comparator: '>', value: 5 },
    ]);
    const error = errorOf(() => parseExperimentsFilter("name ~~ 'x'"));
    expect([error.status, error.errorCode, error.message]).toEqual([
      500,
      'INTERNAL_ERROR',
      "Invalid comparator '~~' not one of '{'IN', 'ILIKE', '!=', 'NOT IN', '=', 'LIKE'}'",
    ]);
  });

  it('parses model-version filters including run_id IN', () => {
    expect(parseModelVersionsFilter("name = 'm' AND run_id IN ('aa', 'bb') AND tags.k = 'v'")).toEqual([
      { type: 'attribute', key: 'name', comparator: '=', value: 'm' },
      { type: 'attribute', key: 'run_id', comparator: 'IN', value: ['aa', 'bb'] },
      { type: 'tag', key: 'k', comparator: '=', value: 'v' },
    ]);
    expect(errorOf(() => parseModelVersionsFilter("name === 'x'")).message).toBe(
      'Invalid comparator for attribute: ===',
    );
  });

  it('limits registered-model filters to name and tags', () => {
    expect(parseRegisteredModelsFilter("name ILIKE '%det%'")).toEqual([
      { type: 'attribute', key: 'name', comparator: 'ILIKE', value: '%det%' },
    ]);
    expect(errorOf(() => parseRegisteredModelsFilter("foo = 'x'")).message).toBe(
      "Invalid attribute key 'foo' specified. Valid keys are '{'name'}'",
    );
  });
});

describe('order_by parsing and comparison helpers', () => {
  it('parses run and experiment order_by clauses', () => {
    expect(parseRunOrderBy('metrics.`val loss` DESC')).toEqual({ type: 'metric', key: 'val loss', ascending: false });
    expect(parseRunOrderBy('attributes.start_time')).toEqual({ type: 'attribute', key: 'start_time', ascending: true });
    expect(parseExperimentOrderBy('name asc')).toEqual({ key: 'name', ascending: true });
    expect(errorOf(() => parseRunOrderBy('metrics.m SIDEWAYS')).message).toBe(
      "Invalid ordering key in order_by clause 'metrics.m SIDEWAYS'.",
    );
    expect(errorOf(() => parseExperimentOrderBy('bogus_col DESC')).message).toBe(
      "Invalid attribute key 'bogus_col' specified. Valid keys are '{'experiment_id', 'last_update_time', 'creation_time', 'name'}'",
    );
  });

  it('implements LIKE/ILIKE and IN semantics', () => {
    expect(sqlLike('page-run-12', 'page-run-1%', false)).toBe(true);
    expect(sqlLike('Page-run', 'page%', false)).toBe(false);
    expect(sqlLike('Page-run', 'page%', true)).toBe(true);
    expect(sqlLike('a.b', 'a_b', false)).toBe(true);
    expect(compareValues('x', 'IN', ['x', 'y'])).toBe(true);
    expect(compareValues('z', 'NOT IN', ['x', 'y'])).toBe(true);
    expect(compareValues(undefined, '!=', 'x')).toBe(false);
  });
});
