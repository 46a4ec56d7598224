import { signArtifactUrl } from '../../../auth/artifactUrls.js';
import { callerIdentity } from '../../../auth/callerIdentity.js';
import { BadUserInputError } from '../../../errors/SupergraphError.js';
import { artifactBytesRefusal } from '../../../upstream/artifacts/ArtifactClient.js';
import { artifactName } from '../../../upstream/artifacts/artifactPath.js';
import { readArtifactText, tooLarge } from '../artifactText.js';
import type { ArtifactResolvers } from '../resolvers.generated.js';

/** `text`'s default bound: a page of JSON or the head of a CSV. */
const DEFAULT_TEXT_BYTES = 65_536;

/** Fields of Artifact: one listing entry and the root it belongs to (reached only through a readable Run). */
export const Artifact: ArtifactResolvers = {
  path: (artifact) => artifact.file.path,
  name: (artifact) => artifactName(artifact.file.path),
  isDir: (artifact) => artifact.file.is_dir ?? false,
  fileSize: (artifact) => artifact.file.file_size ?? null,
  downloadUrl(artifact, _, context) {
    if (artifact.file.is_dir) return null;
    const refused = artifactBytesRefusal(context.services.profile);
    if (refused) throw refused;
    const { keys, config } = context.services;
    // Signing makes no call: the run was readable when this object was produced, and the gateway checks again.
    return signArtifactUrl(
      keys,
      callerIdentity(context.principal),
      {
        root: artifact.location.root,
        experimentId: artifact.location.experimentId,
        path: artifact.file.path,
        expires: Math.floor(Date.now() / 1000) + config.artifacts.urlTtlSeconds,
      },
      config.artifacts.urlBase,
    );
  },
  async text(artifact, { maxBytes }, context) {
    if (artifact.file.is_dir) return null;
    const cap = context.services.config.artifacts.maxTextBytes;
    const max = maxBytes ?? DEFAULT_TEXT_BYTES;
    if (!Number.isInteger(max) || max < 1 || max > cap)
      throw new BadUserInputError(`maxBytes must be an integer from 1 to ${cap}, got ${String(maxBytes)}`);
    const refused = artifactBytesRefusal(context.services.profile);
    if (refused) throw refused;
    // The listing already says when a file is too large: no call for it.
    const size = Number(artifact.file.file_size);
    if (Number.isFinite(size) && size > max) throw tooLarge(max, size);
    return readArtifactText(
      context.clients.artifacts,
      artifact.location,
      artifact.file.path,
      max,
      context.upstreamCalls,
    );
  },
};
