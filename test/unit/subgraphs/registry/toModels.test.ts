import {
  activityActions,
  activityType,
  assertVersion,
  modelVersionStatus,
  nonEmpty,
  stageOrNull,
  wireStage,
} from '../../../../src/subgraphs/registry/toModels.js';
import type { ModelVersionStage } from '../../../../src/subgraphs/registry/resolvers.generated.js';

describe('registry enum mapping', () => {
  it('round-trips every stage through MLflow names', () => {
    const stages: ModelVersionStage[] = ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED'];
    for (const stage of stages) expect(stageOrNull(wireStage(stage))).toBe(stage);
    expect(wireStage('NONE')).toBe('None');
  });

  it('reads stages case-insensitively, as MLflow accepts them (corpus: "staging" → Staging)', () => {
    expect(stageOrNull('staging')).toBe('STAGING');
    expect(stageOrNull(undefined)).toBe('NONE');
    expect(stageOrNull('Deleted_Internal')).toBeNull();
  });

  it('defaults an absent status to READY and keeps known ones', () => {
    expect(modelVersionStatus(undefined)).toBe('READY');
    expect(modelVersionStatus('PENDING_REGISTRATION')).toBe('PENDING_REGISTRATION');
  });

  it('skips Databricks actions and activity types it does not know', () => {
    expect(activityActions(['EDIT_COMMENT', 'SOMETHING_NEW'])).toEqual(['EDIT_COMMENT']);
    expect(activityType('NEW_COMMENT')).toBe('NEW_COMMENT');
    expect(activityType('SOMETHING_NEW')).toBeNull();
  });

  it('treats MLflow empty strings as null', () => {
    expect(nonEmpty('')).toBeNull();
    expect(nonEmpty('x')).toBe('x');
  });

  it('rejects an empty version with BAD_USER_INPUT and leaves the rest to the backend', () => {
    expect(() => assertVersion('')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(assertVersion('1.0.0')).toBe('1.0.0');
  });
});
