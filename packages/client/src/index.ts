// @mlflow-supergraph/client: a typed client for internal services. The operations live in ./operations/*.graphql;
// `npm run codegen` compiles them into the typed documents re-exported here (and the persisted-operation manifest).
export {
  createClient,
  defaultTimeoutMs,
  type ClientOptions,
  type ExecutionResult,
  type HeadersOption,
  type RequestArguments,
  type RequestOptions,
  type SupergraphClient,
} from './createClient.js';
export {
  SupergraphClientError,
  SupergraphRequestError,
  SupergraphTransportError,
  type BadUserInputReason,
  type PersistedQueryCode,
  type SupergraphGraphQLError,
} from './errors.js';
export {
  compareRunMetricHistories,
  listExperimentRuns,
  metricNumber,
  permits,
  type ExperimentRun,
  type RunMetricHistory,
} from './helpers.js';
export { persistedDocument, type PersistedDocument } from './persistedDocument.js';
export { ErrorCode, ALL_ERROR_CODES } from './ErrorCode.js';
export { permissionLevels } from './permissionLevels.js';
export * from './generated/graphql.js';
export { graphql } from './generated/gql.js';
