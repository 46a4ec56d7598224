import {
  compareSemver,
  fromGitLabResponse,
  nameEquals,
  toGitLabRequest,
} from '../../../../src/upstream/profiles/gitlabWire.js';
import type { WireModelVersion } from '../../../../src/upstream/mlflow/wire.js';

const gitlabVersion = (id: number, semver: string, seconds: number) =>
  ({
    name: 'm',
    version: String(id),
    aliases: [semver],
    creation_timestamp: seconds,
    last_updated_timestamp: seconds,
    run_id: `run-${id}`,
  }) as WireModelVersion;

describe('GitLab wire adapter', () => {
  it('shows a version by its semver, keeps the numeric id aside, and reads seconds as milliseconds', () => {
    const { model_version } = fromGitLabResponse('getModelVersion', {
      model_version: gitlabVersion(5, '1.2.0', 1_700_000_000),
    });
    expect(model_version).toMatchObject({
      version: '1.2.0',
      gitlab_version_id: '5',
      aliases: [],
      creation_timestamp: 1_700_000_000_000,
    });
  });

  it('keeps the highest semver as the latest version and every version aside, newest first', () => {
    const { registered_model } = fromGitLabResponse('getRegisteredModel', {
      registered_model: {
        name: 'm',
        creation_timestamp: 1_700_000_000,
        latest_versions: [gitlabVersion(1, '1.9.0', 1), gitlabVersion(2, '1.10.0', 2), gitlabVersion(3, '0.1.0', 3)],
      },
    });
    expect(registered_model.latest_versions?.map((v) => v.version)).toEqual(['1.10.0']);
    expect(registered_model.gitlab_versions?.map((v) => v.version)).toEqual(['1.10.0', '1.9.0', '0.1.0']);
    expect(registered_model.creation_timestamp).toBe(1_700_000_000_000);
  });

  it('drops the [null] GitLab answers for a model without versions', () => {
    expect(
      fromGitLabResponse('getLatestVersions', { model_versions: [null as unknown as WireModelVersion] }).model_versions,
    ).toEqual([]);
  });

  it('narrows a name = filter (GitLab matches substrings) to the exact name', () => {
    const response = { registered_models: [{ name: 'fraud' }, { name: 'fraud-detector' }] };
    expect(
      fromGitLabResponse('searchRegisteredModels', response, { filter: "name = 'fraud'" }).registered_models?.map(
        (m) => m.name,
      ),
    ).toEqual(['fraud']);
    expect(fromGitLabResponse('searchRegisteredModels', response, {}).registered_models).toHaveLength(2);
    expect(nameEquals("name='it\\'s'")).toBe("it's");
    expect(nameEquals("name LIKE 'x%'")).toBeUndefined();
  });

  it('sends order_by as the one string GitLab reads', () => {
    expect(toGitLabRequest('searchRuns', { experiment_ids: ['1'], order_by: ['metrics.loss DESC'] })).toEqual({
      experiment_ids: ['1'],
      order_by: 'metrics.loss DESC',
    });
    expect(toGitLabRequest('searchRuns', { experiment_ids: ['1'], order_by: [] })).toEqual({ experiment_ids: ['1'] });
  });

  it('orders semantic versions numerically', () => {
    expect(['1.10.0', '1.2.0', '1.9.1', '2.0.0'].sort(compareSemver)).toEqual(['1.2.0', '1.9.1', '1.10.0', '2.0.0']);
  });
});
