// Artifact.text: a small text file inline (a JSON of metrics, an MLmodel, the head of a CSV), bounded. At most
// `maxBytes` + 1 bytes are read from the stream and it is then dropped, so asking for a 200 MB file's text costs
// one call and maxBytes + 1 bytes; the request's upstream-bytes budget counts them like any answer it buffers.
import { BadUserInputError } from '../../errors/SupergraphError.js';
import type { UpstreamCalls } from '../../context/RequestContext.js';
import type { ArtifactClient } from '../../upstream/artifacts/ArtifactClient.js';
import type { ArtifactLocation } from '../../upstream/artifacts/ArtifactRoot.js';
import { readPrefix } from '../../upstream/artifacts/readPrefix.js';
import { UpstreamError } from '../../upstream/http/UpstreamError.js';

/** BAD_USER_INPUT with reason TOO_LARGE: the file has more than `maxBytes` bytes (`size` when the listing said). */
export function tooLarge(maxBytes: number, size?: number): BadUserInputError {
  return new BadUserInputError(
    `The artifact is larger than maxBytes (${maxBytes})${size === undefined ? '' : `: ${size} bytes`}; ask for more, or use downloadUrl`,
    { reason: 'TOO_LARGE', maxBytes, ...(size === undefined ? {} : { size }) },
  );
}

function binary(): BadUserInputError {
  return new BadUserInputError('The artifact is not UTF-8 text: use downloadUrl (an image can be shown by its URL)', {
    reason: 'BINARY',
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of `path` under `location` when it is UTF-8 text of at most `maxBytes` bytes. */
export async function readArtifactText(
  artifacts: Pick<ArtifactClient, 'open'>,
  location: ArtifactLocation,
  path: string,
  maxBytes: number,
  budget: UpstreamCalls,
): Promise<string> {
  const answer = await artifacts.open(location, path);
  const { bytes, truncated } = await readPrefix(answer.body, maxBytes);
  budget.bytes = (budget.bytes ?? 0) + bytes.length;
  if (budget.maxBytes !== undefined && budget.bytes > budget.maxBytes)
    throw new UpstreamError({
      upstream: 'MLflow',
      endpoint: 'GET /get-artifact',
      failure: 'callBudget',
      limit: 'upstreamBytes',
      max: budget.maxBytes,
      message: `This request received its budget of ${budget.maxBytes} bytes; ask for fewer or smaller texts`,
    });
  if (truncated) throw tooLarge(maxBytes);
  if (bytes.includes(0)) throw binary();
  try {
    return utf8.decode(bytes);
  } catch {
    throw binary();
  }
}
