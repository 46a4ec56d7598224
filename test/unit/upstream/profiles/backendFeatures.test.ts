import { backendProfile } from '../../../../src/upstream/profiles/BackendProfile.js';
import { decideFeature, featureOfCall, versionAtLeast } from '../../../../src/upstream/profiles/backendFeatures.js';

describe('backendFeatures', () => {
  it('compares versions by major and minor, and says when it cannot read one', () => {
    expect(versionAtLeast('3.11.1', '3.0')).toBe(true);
    expect(versionAtLeast('3.0.0rc1', '3.0')).toBe(true);
    expect(versionAtLeast('v2.21.3', '3.0')).toBe(false);
    expect(versionAtLeast('10.0', '3.0')).toBe(true);
    expect(versionAtLeast('2.12.2', '2.21')).toBe(false);
    expect(versionAtLeast('dev', '3.0')).toBeUndefined();
  });

  it('decides a version-gated feature from the version, else from server-info, else not at all', () => {
    const gated = { sinceVersion: '3.0' };
    expect(decideFeature(gated, { version: '3.11.1', serverInfo: undefined })).toBe('yes');
    expect(decideFeature(gated, { version: '2.12.2', serverInfo: undefined })).toBe('no');
    // Only MLflow 3 serves /api/3.0/mlflow/server-info.
    expect(decideFeature(gated, { version: undefined, serverInfo: { store_type: 'SqlStore' } })).toBe('yes');
    expect(decideFeature(gated, { version: undefined, serverInfo: undefined })).toBe('unknown');
    expect(decideFeature(gated, undefined)).toBe('unknown');
    expect(decideFeature('yes', undefined)).toBe('yes');
    expect(decideFeature('no', { version: '3.11.1', serverInfo: undefined })).toBe('no');
  });

  it('names the feature a call needs by its endpoint, or by arguments an older server would drop', () => {
    expect(featureOfCall('searchLoggedModels', { experiment_ids: ['1'] })).toBe('loggedModels');
    expect(featureOfCall('logOutputs', { run_id: 'r', models: [] })).toBe('loggedModels');
    expect(featureOfCall('logMetric', { run_id: 'r', key: 'k', value: 1, timestamp: 1 })).toBeUndefined();
    expect(featureOfCall('logMetric', { run_id: 'r', key: 'k', value: 1, timestamp: 1, model_id: 'm' })).toBe(
      'loggedModels',
    );
    expect(featureOfCall('logBatch', { run_id: 'r', metrics: [{ key: 'k', value: 1 }] })).toBeUndefined();
    expect(featureOfCall('logBatch', { run_id: 'r', metrics: [{ key: 'k', value: 1, dataset_digest: 'd' }] })).toBe(
      'loggedModels',
    );
    expect(featureOfCall('logInputs', { run_id: 'r', datasets: [] })).toBeUndefined();
    expect(featureOfCall('logInputs', { run_id: 'r', models: [{ model_id: 'm' }] })).toBe('loggedModels');
    expect(featureOfCall('getRun', { run_id: 'r' })).toBeUndefined();
    expect(featureOfCall('getDatasetRecords', { dataset_id: 'd-1' })).toBe('evaluationDatasets');
  });

  it('serves evaluation datasets from MLflow 3.4 (their REST routes), never from server-info alone', () => {
    const support = backendProfile('mlflow').capabilities.features.evaluationDatasets;
    expect(decideFeature(support, { version: '3.4.0', serverInfo: undefined })).toBe('yes');
    expect(decideFeature(support, { version: '3.3.2', serverInfo: undefined })).toBe('no');
    // server-info proves 3.0, not 3.4: the first call then tells (a missing route turns the feature off).
    expect(decideFeature(support, { version: undefined, serverInfo: {} })).toBe('unknown');
    expect(backendProfile('databricks').capabilities.features.evaluationDatasets).toBe('no');
    expect(backendProfile('gitlab').capabilities.features.evaluationDatasets).toBe('no');
  });
});
