import type { SameKeys } from '../http/endpoint.js';
import type { DatabricksEndpointName } from './endpoints.js';
import type { WireActivity, WireArtifactCredential, WireComment, WireStage, WireTransitionRequest } from './wire.js';

type Empty = Record<string, never>;

/** Request params and response body of each Databricks-only registry endpoint (wire shapes). */
export interface DatabricksApi {
  createTransitionRequest: {
    params: { name: string; version: string; stage: WireStage; comment?: string };
    response: { request?: WireTransitionRequest };
  };
  listTransitionRequests: { params: { name: string; version: string }; response: { requests?: WireActivity[] } };
  approveTransitionRequest: {
    params: { name: string; version: string; stage: WireStage; archive_existing_versions: boolean; comment?: string };
    response: { activity?: WireActivity };
  };
  rejectTransitionRequest: {
    params: { name: string; version: string; stage: WireStage; comment?: string };
    response: { activity?: WireActivity };
  };
  deleteTransitionRequest: {
    params: { name: string; version: string; stage: WireStage; creator: string; comment?: string };
    response: { activity?: WireActivity };
  };
  createComment: { params: { name: string; version: string; comment: string }; response: { comment?: WireComment } };
  updateComment: { params: { id: string; comment: string }; response: { comment?: WireComment } };
  deleteComment: { params: { id: string }; response: Empty };
  getCredentialsForRead: {
    params: { run_id: string; path: string[]; page_token?: string };
    response: { credential_infos?: WireArtifactCredential[]; next_page_token?: string };
  };
}

/** Compile-time proof that the table and the typed API name the same endpoints. */
export const _databricksApiMatchesTable: SameKeys<DatabricksEndpointName, keyof DatabricksApi> = true;
