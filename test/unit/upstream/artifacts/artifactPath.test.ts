import { safeArtifactPath } from '../../../../src/upstream/artifacts/artifactPath.js';
import { UpstreamError } from '../../../../src/upstream/http/UpstreamError.js';

function refusal(path: string): UpstreamError | undefined {
  try {
    safeArtifactPath(path);
    return undefined;
  } catch (error) {
    return error as UpstreamError;
  }
}

describe('safeArtifactPath', () => {
  it('accepts plain relative paths, dropping a trailing slash', () => {
    expect(safeArtifactPath('plots/loss.png')).toBe('plots/loss.png');
    expect(safeArtifactPath('model/MLmodel')).toBe('model/MLmodel');
    expect(safeArtifactPath('model/')).toBe('model');
    expect(safeArtifactPath('a file (1).txt')).toBe('a file (1).txt');
    expect(safeArtifactPath('100%.txt')).toBe('100%.txt');
    expect(safeArtifactPath('..foo/bar..')).toBe('..foo/bar..');
    expect(safeArtifactPath('', { allowRoot: true })).toBe('');
  });

  it.each([
    ['..', 'a ".." segment'],
    ['../etc/passwd', 'a ".." segment'],
    ['plots/../../secret', 'a ".." segment'],
    ['./plots', 'a "." segment'],
    ['%2e%2e/etc/passwd', 'once percent-decoded'],
    ['%252e%252e/etc/passwd', 'once percent-decoded'],
    ['plots%2f..%2f..%2fsecret', 'once percent-decoded'],
    ['plots%5c..%5csecret', 'once percent-decoded'],
    ['plots\\..\\secret', 'backslash'],
    ['/etc/passwd', 'absolute'],
    ['~/secret', 'absolute'],
    ['C:/Windows', 'drive'],
    ['s3://bucket/key', 'URI'],
    ['plots/\u0000.png', 'control character'],
    ['plots/%00.png', 'once percent-decoded'],
    ['plots//a.png', 'empty segment'],
    ['', 'empty'],
    ['a'.repeat(1025), 'longer than'],
    ['%25252525252e%25252525252e', 'more than three times'],
  ])('refuses %j (%s) as BAD_USER_INPUT input, before any call', (path, reason) => {
    const error = refusal(path);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error?.failure).toBe('refused');
    expect(error?.message).toContain(reason);
  });
});
