import { gitlabLocation } from '../../../../src/upstream/gitlab/GitLabClient.js';

describe('GitLab identity', () => {
  it('finds the API root and project in a GitLab tracking URI', () => {
    expect(gitlabLocation('https://gitlab.example/api/v4/projects/7/ml/mlflow')).toEqual({
      apiRoot: 'https://gitlab.example/api/v4',
      projectId: '7',
    });
    expect(gitlabLocation('https://gitlab.example/sub/api/v4/projects/group%2Fproj/ml/mlflow/')).toEqual({
      apiRoot: 'https://gitlab.example/sub/api/v4',
      projectId: 'group/proj',
    });
    expect(gitlabLocation('http://127.0.0.1:5000')).toBeUndefined();
  });
});
