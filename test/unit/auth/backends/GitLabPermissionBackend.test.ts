import { fromGitLabAccessLevel, scopesOfGitLabToken } from '../../../../src/auth/backends/GitLabPermissionBackend.js';

describe('GitLab identity', () => {
  it('maps project roles onto the graph’s scale; non-members read only public or internal projects', () => {
    expect(fromGitLabAccessLevel(50, 'private')).toBe('CAN_MANAGE');
    expect(fromGitLabAccessLevel(40, 'private')).toBe('CAN_MANAGE');
    expect(fromGitLabAccessLevel(30, 'private')).toBe('CAN_EDIT');
    expect(fromGitLabAccessLevel(20, 'private')).toBe('CAN_READ');
    expect(fromGitLabAccessLevel(10, 'private')).toBe('CAN_READ');
    expect(fromGitLabAccessLevel(undefined, 'public')).toBe('CAN_READ');
    expect(fromGitLabAccessLevel(undefined, 'private')).toBe('NO_PERMISSIONS');
  });

  it('reads a token’s scopes: api writes, read_api only reads, anything else neither', () => {
    expect(scopesOfGitLabToken(['api'])).toEqual(['read', 'write']);
    expect(scopesOfGitLabToken(['read_api', 'read_user'])).toEqual(['read']);
    expect(scopesOfGitLabToken(['read_user'])).toEqual([]);
    expect(scopesOfGitLabToken(undefined)).toEqual([]);
  });
});
