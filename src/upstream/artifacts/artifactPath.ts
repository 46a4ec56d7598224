// Artifact paths come from callers (GraphQL arguments, download URLs) and are handed to MLflow, whose own check
// (validate_path_is_safe) has been bypassed before (CVE-2023-1177, CVE-2023-6909: traversal through the artifact
// proxy). So the graph refuses anything that is not a plain relative path itself, before any upstream call: `..`
// and `.` segments, absolute and drive paths, backslashes, NUL and other control characters, empty segments, and
// all of these again after percent-decoding (up to a few rounds: `%2e%2e`, `%252e%252e`, `%2f`, `%5c`), since the
// servers behind MLflow (S3 gateways, proxies) may decode once more.
import { UpstreamError } from '../http/UpstreamError.js';

/** Longest path accepted (MLflow keeps artifact paths in URLs; a longer one is no real file). */
export const MAX_ARTIFACT_PATH_CHARS = 1024;

/** Percent-decoding rounds checked: beyond three, an encoding means only to hide something. */
const DECODE_ROUNDS = 3;

function refusal(reason: string): UpstreamError {
  return new UpstreamError({
    upstream: 'MLflow',
    endpoint: 'artifact path',
    failure: 'refused',
    message: `Invalid artifact path: ${reason}; expected a relative path such as "plots/loss.png"`,
  });
}

/** Why one spelling of a path is unsafe, or undefined. */
function unsafe(path: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it contains a control character';
  if (path.includes('\\')) return 'it contains a backslash';
  if (path.startsWith('/') || path.startsWith('~')) return 'it is absolute';
  if (/^[A-Za-z]:/.test(path)) return 'it names a drive';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(path)) return 'it is a URI';
  for (const segment of path.split('/')) {
    if (segment === '..' || segment === '.') return `it has a "${segment}" segment`;
    if (segment === '') return 'it has an empty segment';
  }
  return undefined;
}

/** The next percent-decoding of `path`, or undefined when there is nothing (valid) left to decode. */
function decodeOnce(path: string): string | undefined {
  if (!/%[0-9A-Fa-f]{2}/.test(path)) return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * `raw` as a safe artifact path: a trailing `/` dropped, the empty string (the root) allowed only where
 * `allowRoot`. Throws an UpstreamError `refused` (BAD_USER_INPUT, nothing sent) otherwise.
 */
export function safeArtifactPath(raw: string, options: { allowRoot?: boolean } = {}): string {
  if (raw.length > MAX_ARTIFACT_PATH_CHARS) throw refusal(`it is longer than ${MAX_ARTIFACT_PATH_CHARS} characters`);
  const path = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  if (path === '') {
    if (options.allowRoot) return '';
    throw refusal('it is empty');
  }
  let spelling: string | undefined = path;
  for (let round = 0; spelling !== undefined && round <= DECODE_ROUNDS; round += 1) {
    const reason = unsafe(spelling);
    if (reason) throw refusal(round === 0 ? reason : `once percent-decoded, ${reason}`);
    spelling = decodeOnce(spelling);
  }
  if (spelling !== undefined) throw refusal('it is percent-encoded more than three times');
  return path;
}

/** The last segment of a path (the file's name). */
export function artifactName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
