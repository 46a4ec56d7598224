/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Why a feedback has no value. */
export type AssessmentErrorInput = {
  /** The error's code (e.g. `TIMEOUT`). */
  code?: string | null | undefined;
  /** The error's message. */
  message?: string | null | undefined;
};

/** Whether an assessment judges the output or says what it should have been. */
export type AssessmentKind =
  /** The expected output (ground truth). */
  | 'EXPECTATION'
  /** A judgement of the output (a score, a pass/fail, a label), by a person, an LLM judge or code. */
  | 'FEEDBACK';

/** Who or what makes an assessment. */
export type AssessmentSourceInput = {
  /** Who exactly (an email, a judge's name). */
  id?: string | null | undefined;
  /** The kind of source. */
  type: AssessmentSourceType;
};

/** Who or what made an assessment. */
export type AssessmentSourceType =
  /** Deterministic code (a heuristic, a check). */
  | 'CODE'
  /** A person. */
  | 'HUMAN'
  /** An LLM acting as a judge. */
  | 'LLM_JUDGE'
  /** Not said. */
  | 'SOURCE_TYPE_UNSPECIFIED';

/** How the caller authenticated. */
export type AuthKind =
  /** No credentials. */
  | 'ANONYMOUS'
  /** HTTP Basic credentials (MLflow basic-auth). */
  | 'BASIC'
  /** A bearer token (Databricks, GitLab, MLflow token auth). */
  | 'BEARER'
  /** Identity headers from a trusted proxy. */
  | 'PROXY'
  /** The gateway's configured service credentials. */
  | 'SERVICE';

/** A new assessment of a trace or of one of its spans. */
export type CreateAssessmentInput = {
  /** Feedback only: why there is no value. */
  error?: AssessmentErrorInput | null | undefined;
  /** Feedback or expectation. */
  kind: AssessmentKind;
  /** Metadata. */
  metadata?: Array<TagInput> | null | undefined;
  /** Its name (e.g. `correctness`); MLflow would accept none, the graph does not. */
  name: string;
  /** The reasoning behind the value. */
  rationale?: string | null | undefined;
  /** Who or what makes it. */
  source: AssessmentSourceInput;
  /** The span it is about (16 hex digits), or omitted for the whole trace. */
  spanId?: string | null | undefined;
  /** The trace it is about. */
  traceId: string;
  /** The value (any JSON). Feedback needs a value or an error; an expectation needs a value. */
  value?: unknown;
};

/** The status a logged model is finalized with: the graph refuses any other before calling (MLflow stores an unknown one as UNSPECIFIED and answers 200). */
export type LoggedModelFinalStatus =
  /** Its files are uploaded. */
  | 'READY'
  /** Uploading its files failed. */
  | 'UPLOAD_FAILED';

/** The lifecycle of a logged model (MLflow 3). */
export type LoggedModelStatus =
  /** Created; its files may still be uploading. */
  | 'PENDING'
  /** Finalized: its files are uploaded and it can be loaded or registered. */
  | 'READY'
  /** MLflow holds no known status (what MLflow stores when a finalize names an unknown one). */
  | 'UNSPECIFIED'
  /** Finalized as failed: uploading its files did not succeed. */
  | 'UPLOAD_FAILED';

/** Whether a model version's files have been registered. */
export type ModelVersionStatus =
  /** Registration failed; see `statusMessage`. */
  | 'FAILED_REGISTRATION'
  /** Registration is still in progress. */
  | 'PENDING_REGISTRATION'
  /** The version is registered and usable. */
  | 'READY';

/**
 * What a caller may do with an object, lowest first. One scale for every backend: MLflow basic-auth's READ,
 * EDIT and MANAGE map to CAN_READ, CAN_EDIT and CAN_MANAGE; Databricks' levels are used as they are.
 */
export type PermissionLevel =
  /** May change the object (log to runs, edit tags and descriptions). */
  | 'CAN_EDIT'
  /** May do anything, including deleting the object and changing its permissions. */
  | 'CAN_MANAGE'
  /** May move model versions to and from Production. */
  | 'CAN_MANAGE_PRODUCTION_VERSIONS'
  /** May move model versions to and from Staging. */
  | 'CAN_MANAGE_STAGING_VERSIONS'
  /** May read the object. */
  | 'CAN_READ'
  /** May use the object (e.g. run a model) without changing it. */
  | 'CAN_USE'
  /** No access at all. */
  | 'NO_PERMISSIONS';

/** The state of a run. */
export type RunStatus =
  /** The run failed. */
  | 'FAILED'
  /** The run completed successfully. */
  | 'FINISHED'
  /** The run was terminated. */
  | 'KILLED'
  /** The run is executing. */
  | 'RUNNING'
  /** The run is scheduled to execute at a later time. */
  | 'SCHEDULED';

/** The outcome of a span. */
export type SpanStatus =
  /** The operation failed (see `statusMessage` and the `exception` event). */
  | 'ERROR'
  /** The operation succeeded. */
  | 'OK'
  /** Not set by the application. */
  | 'UNSET';

/** A key/value pair to set as a tag. */
export type TagInput = {
  /** The tag's key (at most 250 characters in MLflow). */
  key: string;
  /** The tag's value. */
  value: string;
};

/** The state of a trace (MLflow 3). */
export type TraceState =
  /** The traced request failed. */
  | 'ERROR'
  /** The trace is still being recorded. */
  | 'IN_PROGRESS'
  /** The traced request succeeded. */
  | 'OK'
  /** MLflow holds no state. */
  | 'STATE_UNSPECIFIED';

export type LoggedModelSummaryFragment = { id: string, name: string, status: LoggedModelStatus, modelType: string | null, sourceRunId: string | null, creationTime: string | null };

export type GetLoggedModelQueryVariables = Exact<{
  id: string;
}>;


export type GetLoggedModelQuery = { loggedModel: { experimentId: string, artifactLocation: string | null, viewerPermission: PermissionLevel, id: string, name: string, status: LoggedModelStatus, modelType: string | null, sourceRunId: string | null, creationTime: string | null, params: Array<{ key: string, value: string }>, metrics: Array<{ key: string, value: number | 'NaN' | 'Infinity' | '-Infinity', step: number, datasetName: string | null, datasetDigest: string | null }>, tags: Array<{ key: string, value: string }>, registeredVersions: Array<{ name: string, version: string }> | null } | null };

export type ModelLineageQueryVariables = Exact<{
  experimentId: string;
  first?: number | null | undefined;
}>;


export type ModelLineageQuery = { experiment: { id: string, name: string, runs: { nodes: Array<{ id: string, name: string | null, loggedModels: Array<{ id: string, name: string, status: LoggedModelStatus, modelType: string | null, sourceRunId: string | null, creationTime: string | null, registeredVersions: Array<{ name: string, version: string, status: ModelVersionStatus }> | null }> | null }> } | null } | null };

export type FinalizeLoggedModelMutationVariables = Exact<{
  id: string;
  status: LoggedModelFinalStatus;
}>;


export type FinalizeLoggedModelMutation = { finalizeLoggedModel: { id: string, name: string, status: LoggedModelStatus, modelType: string | null, sourceRunId: string | null, creationTime: string | null } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { id: string | null, username: string | null, authKind: AuthKind, scopes: Array<string>, isAdmin: boolean, permissionBackend: string } };

export type MyExperimentPermissionQueryVariables = Exact<{
  id: string;
}>;


export type MyExperimentPermissionQuery = { experiment: { id: string, name: string, viewerPermission: PermissionLevel } | null };

export type MyModelPermissionQueryVariables = Exact<{
  name: string;
}>;


export type MyModelPermissionQuery = { registeredModel: { name: string, viewerPermission: PermissionLevel } | null };

export type ModelVersionsWithRunMetricsQueryVariables = Exact<{
  name: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ModelVersionsWithRunMetricsQuery = { registeredModel: { name: string, aliases: Array<{ alias: string, version: string }>, versions: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ name: string, version: string, status: ModelVersionStatus, aliases: Array<string>, runId: string | null, run: { id: string, name: string | null, status: RunStatus, metrics: Array<{ key: string, value: number | 'NaN' | 'Infinity' | '-Infinity', step: number }> } | null }> } | null } | null };

export type GetModelVersionByAliasQueryVariables = Exact<{
  name: string;
  alias: string;
}>;


export type GetModelVersionByAliasQuery = { modelVersionByAlias: { name: string, version: string, status: ModelVersionStatus, source: string | null, runId: string | null, aliases: Array<string>, downloadUri: string } | null };

export type PromoteModelVersionMutationVariables = Exact<{
  name: string;
  alias: string;
  version: string;
}>;


export type PromoteModelVersionMutation = { setRegisteredModelAlias: { name: string, version: string, aliases: Array<string>, registeredModel: { name: string, aliases: Array<{ alias: string, version: string }> } | null } };

export type RunSummaryFragment = { id: string, name: string | null, experimentId: string, status: RunStatus, startTime: string | null, endTime: string | null };

export type GetRunWithMetricsQueryVariables = Exact<{
  id: string;
}>;


export type GetRunWithMetricsQuery = { run: { viewerPermission: PermissionLevel, id: string, name: string | null, experimentId: string, status: RunStatus, startTime: string | null, endTime: string | null, experiment: { id: string, name: string } | null, params: Array<{ key: string, value: string }>, metrics: Array<{ key: string, value: number | 'NaN' | 'Infinity' | '-Infinity', step: number, timestamp: string | null }>, tags: Array<{ key: string, value: string }> } | null };

export type CompareRunMetricHistoriesQueryVariables = Exact<{
  experimentIds: Array<string> | string;
  metricKey: string;
  filter?: string | null | undefined;
  orderBy?: Array<string> | string | null | undefined;
  first?: number | null | undefined;
  maxPoints?: number | null | undefined;
}>;


export type CompareRunMetricHistoriesQuery = { runs: { nodes: Array<{ id: string, name: string | null, experimentId: string, status: RunStatus, startTime: string | null, endTime: string | null, metricHistory: Array<{ step: number, value: number | 'NaN' | 'Infinity' | '-Infinity', timestamp: string | null }> | null }> } };

export type ListExperimentRunsQueryVariables = Exact<{
  experimentId: string;
  filter?: string | null | undefined;
  orderBy?: Array<string> | string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ListExperimentRunsQuery = { experiment: { id: string, name: string, runs: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, name: string | null, experimentId: string, status: RunStatus, startTime: string | null, endTime: string | null, metrics: Array<{ key: string, value: number | 'NaN' | 'Infinity' | '-Infinity', step: number }> }> } | null } | null };

export type TraceBrowserQueryVariables = Exact<{
  experimentId: string;
  filter?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type TraceBrowserQuery = { experiment: { id: string, name: string, traces: { nodes: Array<{ id: string, name: string | null, state: TraceState, requestTime: string | null, executionDurationMs: number | null, requestPreview: string | null, responsePreview: string | null, sessionId: string | null, userId: string | null, tokenUsage: { inputTokens: number | null, outputTokens: number | null, totalTokens: number | null } | null, tags: Array<{ key: string, value: string }>, spans: Array<{ id: string, parentId: string | null, name: string, type: string | null, status: SpanStatus, startTime: string | null, durationMs: number | null, inputs: unknown, outputs: unknown }> | null, assessments: Array<{ id: string, name: string, kind: AssessmentKind, value: unknown, rationale: string | null, spanId: string | null, error: { code: string | null, message: string | null } | null, source: { type: AssessmentSourceType, id: string | null } | null }>, assessmentSummary: Array<{ name: string, kind: AssessmentKind, count: number, mean: number | null, passRate: number | null, errorCount: number }> }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null } | null };

export type CreateAssessmentMutationVariables = Exact<{
  input: CreateAssessmentInput;
}>;


export type CreateAssessmentMutation = { createAssessment: { id: string, name: string, kind: AssessmentKind, value: unknown, rationale: string | null, spanId: string | null } };

export const LoggedModelSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoggedModelSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoggedModel"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"modelType"}},{"kind":"Field","name":{"kind":"Name","value":"sourceRunId"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}}]}}]} as unknown as DocumentNode<LoggedModelSummaryFragment, unknown>;
export const RunSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"endTime"}}]}}]} as unknown as DocumentNode<RunSummaryFragment, unknown>;
export const GetLoggedModelDocument = {"__meta__":{"hash":"sha256:b5364bbf86a595cfd36e377bd4dd243846e585002b9c1b5a5fbf9f8367da28cc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetLoggedModel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"loggedModel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LoggedModelSummary"}},{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"artifactLocation"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"datasetName"}},{"kind":"Field","name":{"kind":"Name","value":"datasetDigest"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"registeredVersions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewerPermission"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoggedModelSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoggedModel"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"modelType"}},{"kind":"Field","name":{"kind":"Name","value":"sourceRunId"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}}]}}]} as unknown as DocumentNode<GetLoggedModelQuery, GetLoggedModelQueryVariables>;
export const ModelLineageDocument = {"__meta__":{"hash":"sha256:29e26f2983a2a9a4e53c674589939bbea452763f3add50fb74327930466587f5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelLineage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"runs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"loggedModels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LoggedModelSummary"}},{"kind":"Field","name":{"kind":"Name","value":"registeredVersions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoggedModelSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoggedModel"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"modelType"}},{"kind":"Field","name":{"kind":"Name","value":"sourceRunId"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}}]}}]} as unknown as DocumentNode<ModelLineageQuery, ModelLineageQueryVariables>;
export const FinalizeLoggedModelDocument = {"__meta__":{"hash":"sha256:7c7380da3aad5293cdb5348ee8d36b5049d0b6772ea5ba05e0ba283e54ed9cca"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FinalizeLoggedModel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoggedModelFinalStatus"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"finalizeLoggedModel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LoggedModelSummary"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoggedModelSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoggedModel"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"modelType"}},{"kind":"Field","name":{"kind":"Name","value":"sourceRunId"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}}]}}]} as unknown as DocumentNode<FinalizeLoggedModelMutation, FinalizeLoggedModelMutationVariables>;
export const ViewerDocument = {"__meta__":{"hash":"sha256:27d7a5780893ab38e04b40f7cbca4a245b5b95c351d0547b236271877f3a8552"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"authKind"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"isAdmin"}},{"kind":"Field","name":{"kind":"Name","value":"permissionBackend"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const MyExperimentPermissionDocument = {"__meta__":{"hash":"sha256:2fc4d720a3940e586b6c3e41d3610e3fb7265346eedf2445e16704cb59caac70"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyExperimentPermission"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"viewerPermission"}}]}}]}}]} as unknown as DocumentNode<MyExperimentPermissionQuery, MyExperimentPermissionQueryVariables>;
export const MyModelPermissionDocument = {"__meta__":{"hash":"sha256:0d9c96d4f22f4d3a2d8ac96cc1facd1f345b79b80f139ef5c1584293fc468fb9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyModelPermission"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registeredModel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"viewerPermission"}}]}}]}}]} as unknown as DocumentNode<MyModelPermissionQuery, MyModelPermissionQueryVariables>;
export const ModelVersionsWithRunMetricsDocument = {"__meta__":{"hash":"sha256:c95ee27860c0595c804370b9a5dda7db933ab90ac3767bf6311af32f93498319"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelVersionsWithRunMetrics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"100"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registeredModel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alias"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ModelVersionsWithRunMetricsQuery, ModelVersionsWithRunMetricsQueryVariables>;
export const GetModelVersionByAliasDocument = {"__meta__":{"hash":"sha256:975c9dc7bb4550f4a50efa006cff5627a6f7ea94f61f5639b061abd1be4d2460"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetModelVersionByAlias"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"alias"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersionByAlias"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"alias"},"value":{"kind":"Variable","name":{"kind":"Name","value":"alias"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUri"}}]}}]}}]} as unknown as DocumentNode<GetModelVersionByAliasQuery, GetModelVersionByAliasQueryVariables>;
export const PromoteModelVersionDocument = {"__meta__":{"hash":"sha256:eb7ea2ec0cecbab5bb2e38c2deee54936d3b5ea0163844458fa3deb0fc80379d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PromoteModelVersion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"alias"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setRegisteredModelAlias"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"alias"},"value":{"kind":"Variable","name":{"kind":"Name","value":"alias"}}},{"kind":"Argument","name":{"kind":"Name","value":"version"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"registeredModel"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alias"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PromoteModelVersionMutation, PromoteModelVersionMutationVariables>;
export const GetRunWithMetricsDocument = {"__meta__":{"hash":"sha256:4d7b68606170c1b57bf960317b51ead51d2f18824b5bb0a3a1c05c781bab4dc4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetRunWithMetrics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"run"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunSummary"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewerPermission"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"endTime"}}]}}]} as unknown as DocumentNode<GetRunWithMetricsQuery, GetRunWithMetricsQueryVariables>;
export const CompareRunMetricHistoriesDocument = {"__meta__":{"hash":"sha256:d784c5f97d552ed960e61796a7e421b3654175a876272160ec77fe220cb9b56f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CompareRunMetricHistories"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"experimentIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"metricKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"maxPoints"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"500"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"experimentIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"experimentIds"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunSummary"}},{"kind":"Field","name":{"kind":"Name","value":"metricHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"key"},"value":{"kind":"Variable","name":{"kind":"Name","value":"metricKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"maxPoints"},"value":{"kind":"Variable","name":{"kind":"Name","value":"maxPoints"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"endTime"}}]}}]} as unknown as DocumentNode<CompareRunMetricHistoriesQuery, CompareRunMetricHistoriesQueryVariables>;
export const ListExperimentRunsDocument = {"__meta__":{"hash":"sha256:6b730403915ad4db2d8179557a0f95daab50ffe24e0026baf1e4eadd1670beeb"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListExperimentRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"50"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"runs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RunSummary"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RunSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"endTime"}}]}}]} as unknown as DocumentNode<ListExperimentRunsQuery, ListExperimentRunsQueryVariables>;
export const TraceBrowserDocument = {"__meta__":{"hash":"sha256:37dcaf403fdebb2e91565ab3775022fedd1bcb16ec1475e83b902f4b6bb97753"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TraceBrowser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"traces"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"requestTime"}},{"kind":"Field","name":{"kind":"Name","value":"executionDurationMs"}},{"kind":"Field","name":{"kind":"Name","value":"requestPreview"}},{"kind":"Field","name":{"kind":"Name","value":"responsePreview"}},{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"tokenUsage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inputTokens"}},{"kind":"Field","name":{"kind":"Name","value":"outputTokens"}},{"kind":"Field","name":{"kind":"Name","value":"totalTokens"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"spans"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"parentId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"inputs"}},{"kind":"Field","name":{"kind":"Name","value":"outputs"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assessments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"spanId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assessmentSummary"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"mean"}},{"kind":"Field","name":{"kind":"Name","value":"passRate"}},{"kind":"Field","name":{"kind":"Name","value":"errorCount"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<TraceBrowserQuery, TraceBrowserQueryVariables>;
export const CreateAssessmentDocument = {"__meta__":{"hash":"sha256:315d3e580a4cf7b193f39b816b8226876f113cf04f5b735398632a6db9d589db"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAssessment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAssessmentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAssessment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"rationale"}},{"kind":"Field","name":{"kind":"Name","value":"spanId"}}]}}]}}]} as unknown as DocumentNode<CreateAssessmentMutation, CreateAssessmentMutationVariables>;