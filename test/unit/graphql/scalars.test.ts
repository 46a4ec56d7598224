import { LongScalar, MetricValueScalar, normalizeMetricValue, TimestampScalar } from '../../../src/graphql/scalars.js';

describe('scalars', () => {
  it('Timestamp: epoch ms out as ISO-8601, ISO or ms in', () => {
    expect(TimestampScalar.serialize(1700000000000)).toBe('2023-11-14T22:13:20.000Z');
    expect(TimestampScalar.serialize('1700000000000')).toBe('2023-11-14T22:13:20.000Z');
    expect(TimestampScalar.parseValue('2023-11-14T22:13:20.000Z')).toBe(1700000000000);
    expect(TimestampScalar.parseValue(1700000000000)).toBe(1700000000000);
    expect(() => TimestampScalar.parseValue('yesterday')).toThrow(
      /expected an ISO-8601 date-time or epoch milliseconds/,
    );
  });

  it('MetricValue: non-finite values are explicit strings, never null', () => {
    expect(MetricValueScalar.serialize(0.5)).toBe(0.5);
    expect(MetricValueScalar.serialize('NaN')).toBe('NaN');
    expect(MetricValueScalar.serialize(Number.NaN)).toBe('NaN');
    expect(MetricValueScalar.serialize(Number.POSITIVE_INFINITY)).toBe('Infinity');
    // MLflow's SQL store reads ±Infinity back as ±DBL_MAX (corpus: metrics_get_history_nan_inf).
    expect(normalizeMetricValue(1.7976931348623157e308)).toBe('Infinity');
    expect(normalizeMetricValue(-1.7976931348623157e308)).toBe('-Infinity');
    expect(MetricValueScalar.parseValue('-Infinity')).toBe('-Infinity');
    expect(() => MetricValueScalar.parseValue('not-a-number')).toThrow(/MetricValue: expected a number/);
  });

  it('Long: integers only', () => {
    expect(LongScalar.serialize('42')).toBe(42);
    expect(LongScalar.parseValue(7)).toBe(7);
    expect(() => LongScalar.parseValue(1.5)).toThrow(/expected an integer/);
  });
});
