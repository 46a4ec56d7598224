import { buildConnection, pageSize } from '../../../graphql/connection.js';
import { connectionCursors } from '../../../graphql/cursorCodec.js';
import { safeArtifactPath } from '../../../upstream/artifacts/artifactPath.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { LoggedModelMetricResolvers, LoggedModelResolvers } from '../resolvers.generated.js';
import { loggedModelArtifactLocation, loggedModelStatus, nonEmpty, tagList, tagValue } from '../toModels.js';
import { loggedModelTraces } from './traceQueries.js';

/** Fields of LoggedModel (MLflow 3), backed by MLflow's logged model object (info + data). */
export const LoggedModel: LoggedModelResolvers = {
  // _entities: the registry refers to logged models by id (LoggedModel.registeredVersions); batched by the loader.
  __resolveReference: (reference, context) => context.loaders.get(trackingLoaders).loggedModelById.load(reference.id),
  id: (model) => model.info.model_id,
  name: (model) => model.info.name || model.info.model_id,
  modelUri: (model) => `models:/${model.info.model_id}`,
  experimentId: (model) => model.info.experiment_id,
  experiment: (model, _, context) => context.loaders.get(trackingLoaders).experimentById.load(model.info.experiment_id),
  sourceRunId: (model) => nonEmpty(model.info.source_run_id),
  sourceRun(model, _, context) {
    const runId = nonEmpty(model.info.source_run_id);
    if (!runId) return null;
    const loaders = context.loaders.get(trackingLoaders);
    // MLflow makes a model in its source run's experiment: the runs loader can then search instead of get.
    if (!loaders.runExperimentHints.has(runId)) loaders.runExperimentHints.set(runId, model.info.experiment_id);
    return loaders.runById.load(runId);
  },
  status: (model) => loggedModelStatus(model.info.status),
  statusMessage: (model) => nonEmpty(model.info.status_message),
  modelType: (model) => nonEmpty(model.info.model_type),
  artifactLocation: (model) => nonEmpty(model.info.artifact_uri),
  creationTime: (model) => model.info.creation_timestamp_ms ?? null,
  lastUpdatedTime: (model) => model.info.last_updated_timestamp_ms ?? null,
  params: (model) => (model.data?.params ?? []).map((p) => ({ key: p.key, value: p.value ?? '' })),
  param: (model, { key }) => {
    const param = model.data?.params?.find((p) => p.key === key);
    return param ? (param.value ?? '') : null;
  },
  tags: (model) => tagList(model.info.tags),
  tag: (model, { key }) => tagValue(model.info.tags, key),
  metrics: (model, { datasetName, datasetDigest }) =>
    (model.data?.metrics ?? []).filter(
      (m) =>
        (datasetName == null || m.dataset_name === datasetName) &&
        (datasetDigest == null || m.dataset_digest === datasetDigest),
    ),
  async artifacts(model, { path, first, after }, context) {
    await context.clients.mlflow.requireFeature('loggedModels', 'listLoggedModelArtifacts');
    const size = pageSize(first, 1000, 100);
    const directory = safeArtifactPath(path ?? '', { allowRoot: true });
    const location = loggedModelArtifactLocation(model);
    const cursors = connectionCursors(context.services.keys, context.principal, {
      field: 'LoggedModel.artifacts',
      args: { modelId: model.info.model_id, path: directory },
    });
    const position = cursors.decode(after);
    const page = await context.loaders.get(trackingLoaders).artifactListings.page(location.root, directory, position.t);
    const entries = (page.files ?? []).slice(position.o).map((file) => ({ file, location }));
    return buildConnection(entries, size, position, page.next_page_token || undefined, cursors);
  },
  traces: loggedModelTraces,
};

/** Fields of LoggedModelMetric: MLflow omits step 0 and empty dataset fields. */
export const LoggedModelMetric: LoggedModelMetricResolvers = {
  key: (metric) => metric.key,
  value: (metric) => metric.value,
  timestamp: (metric) => metric.timestamp ?? null,
  step: (metric) => metric.step ?? 0,
  datasetName: (metric) => nonEmpty(metric.dataset_name),
  datasetDigest: (metric) => nonEmpty(metric.dataset_digest),
  runId: (metric) => nonEmpty(metric.run_id),
};
