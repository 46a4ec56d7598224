// Metric and Param objects as the tracking subgraph backs them: every field the schema reads by default is set, so
// that no per-value resolver is needed (compiled operations read such fields inline).
import { metricModel, paramModels } from '../../../../../src/subgraphs/tracking/resolvers/leaves.js';

describe('metricModel', () => {
  it('writes out step 0, which MLflow omits, and adds the run id', () => {
    expect(metricModel({ key: 'loss', value: 0.5, timestamp: 17 }, 'r1')).toEqual({
      key: 'loss',
      value: 0.5,
      timestamp: 17,
      step: 0,
      run_id: 'r1',
    });
  });

  it('keeps a step as MLflow sent it (int64 may come as a string) and leaves the wire object alone', () => {
    const wire = { key: 'loss', value: 'NaN', step: '9007199254740993' };
    expect(metricModel(wire, 'r1')).toEqual({ key: 'loss', value: 'NaN', step: '9007199254740993', run_id: 'r1' });
    expect(wire).toEqual({ key: 'loss', value: 'NaN', step: '9007199254740993' });
  });
});

describe('paramModels', () => {
  it('answers an empty value where MLflow omitted it, and a complete param as it is', () => {
    const complete = { key: 'lr', value: '0.1' };
    const models = paramModels([complete, { key: 'empty' }]);
    expect(models).toEqual([complete, { key: 'empty', value: '' }]);
    expect(models[0]).toBe(complete);
  });

  it('answers no params for a run without any', () => {
    expect(paramModels(undefined)).toEqual([]);
  });
});
