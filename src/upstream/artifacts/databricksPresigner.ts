import type { DatabricksClient } from '../databricks/DatabricksClient.js';
import { UpstreamError } from '../http/UpstreamError.js';
import type { Presigner } from './ArtifactClient.js';

/**
 * Presigned URLs from Databricks' `credentials-for-read` (what its own artifact repository asks for before every
 * download), with the caller's credentials: Databricks decides whether they may read the run. One call per file.
 */
export function databricksPresigner(databricks: Pick<DatabricksClient, 'call'>): Presigner {
  return async (runId, path) => {
    const answer = await databricks.call('getCredentialsForRead', { run_id: runId, path: [path] });
    const infos = answer.credential_infos ?? [];
    const info = infos.find((candidate) => candidate.path === path) ?? infos[0];
    if (!info?.signed_uri)
      throw new UpstreamError({
        upstream: 'Databricks',
        endpoint: 'POST /api/2.0/mlflow/artifacts/credentials-for-read',
        failure: 'malformed',
        message: 'Databricks answered no presigned URL for the artifact',
      });
    return {
      url: info.signed_uri,
      headers: Object.fromEntries((info.headers ?? []).map((header) => [header.name, header.value])),
    };
  };
}
