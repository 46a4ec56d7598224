// Databricks workspace-registry wire types (snake_case exactly as Databricks sends them), for the endpoints
// MLflow OSS lacks: stage-transition requests and comments. Shapes follow the Databricks REST API reference
// (Model Registry: transition requests, comments); empty fields are omitted, so most are optional.

/** A stage name as Databricks sends it: `None`, `Staging`, `Production`, `Archived`. */
export type WireStage = string;

/** What the current user may do with an activity, comment or transition request. */
export type WireActivityAction =
  | 'APPROVE_TRANSITION_REQUEST'
  | 'REJECT_TRANSITION_REQUEST'
  | 'CANCEL_TRANSITION_REQUEST'
  | 'EDIT_COMMENT'
  | 'DELETE_COMMENT';

/** The kind of an activity. */
export type WireActivityType =
  | 'APPLIED_TRANSITION'
  | 'REQUESTED_TRANSITION'
  | 'APPROVED_REQUEST'
  | 'REJECTED_REQUEST'
  | 'CANCELLED_REQUEST'
  | 'NEW_COMMENT'
  | 'SYSTEM_TRANSITION';

/** transition-requests/{approve,reject,delete} → activity; transition-requests/list → requests[]. */
export interface WireActivity {
  id?: string;
  activity_type?: WireActivityType | string;
  from_stage?: WireStage;
  to_stage?: WireStage;
  comment?: string;
  system_comment?: string;
  user_id?: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  /** Present on listed requests. */
  available_actions?: (WireActivityAction | string)[];
}

/** transition-requests/create → request. */
export interface WireTransitionRequest {
  to_stage?: WireStage;
  comment?: string;
  user_id?: string;
  creation_timestamp?: number | string;
  available_actions?: (WireActivityAction | string)[];
}

/** comments/{create,update} → comment. */
export interface WireComment {
  id?: string;
  comment?: string;
  user_id?: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  available_actions?: (WireActivityAction | string)[];
}

/** artifacts/credentials-for-read → credential_infos[]: a presigned URL of the storage and the headers it needs. */
export interface WireArtifactCredential {
  run_id?: string;
  path?: string;
  signed_uri: string;
  /** `AWS_PRESIGNED_URL`, `AZURE_SAS_URI`, `GCP_SIGNED_URL`, ... */
  type?: string;
  headers?: { name: string; value: string }[];
}
