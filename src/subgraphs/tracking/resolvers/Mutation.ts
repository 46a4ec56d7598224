import { cachePolicy } from '../../../cache/cachePolicy.js';
import type { RequestContext } from '../../../context/RequestContext.js';
import { partialWriteError } from '../../../errors/partialWriteError.js';
import { NotFoundError } from '../../../errors/SupergraphError.js';
import { logBatchChunks } from '../../../upstream/mlflow/logBatchChunks.js';
import type { WireExperiment, WireMetric, WireRun } from '../../../upstream/mlflow/wire.js';
import { createAsCaller } from '../../createAsCaller.js';
import { wireTags } from '../../wireTags.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { MetricInput, MutationResolvers } from '../resolvers.generated.js';
import { evaluationDatasetMutations } from './evaluationDatasetMutations.js';
import { loggedModelMutations } from './loggedModelMutations.js';
import { traceMutations } from './traceMutations.js';

// Every write is sent once (callRest never retries a write), then the object is read fresh, bypassing the
// request's memo, so the answer shows the write.

async function freshExperiment(context: RequestContext, id: string, previousName?: string): Promise<WireExperiment> {
  // Searches list experiments (and a deleted experiment's runs drop out of run searches): all stale now.
  const cache = context.cache;
  await Promise.all([cache.invalidate(cachePolicy.experiment.namespace, [id]), cache.bump('experiments', 'runs')]);
  const loaders = context.loaders.get(trackingLoaders);
  const experiment = await loaders.experimentById.clear(id).load(id);
  if (!experiment) throw new NotFoundError(`Experiment ${id} does not exist`);
  // Lookups by name: the old name (after a rename) and the current one (its lifecycle may have changed).
  const names = [...new Set([experiment.name, ...(previousName ? [previousName] : [])])];
  await cache.invalidate(cachePolicy.experimentByName.namespace, names);
  for (const name of names) loaders.experimentByName.clear(name);
  return experiment;
}

/** The experiment's name before a write, for invalidating lookups by the old name. */
async function currentName(context: RequestContext, id: string): Promise<string | undefined> {
  const experiment = await context.loaders
    .get(trackingLoaders)
    .experimentById.load(id)
    .catch(() => null);
  return experiment?.name;
}

async function freshRun(context: RequestContext, id: string): Promise<WireRun> {
  const cache = context.cache;
  await Promise.all([cache.invalidate(cachePolicy.run.namespace, [id]), cache.bump('runs')]);
  const loaders = context.loaders.get(trackingLoaders);
  const run = await loaders.runById.clear(id).load(id);
  if (!run) throw new NotFoundError(`Run ${id} does not exist`);
  return run;
}

/** MLflow's terminal run statuses (RunStatus.is_terminated). */
const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'KILLED']);

/**
 * On a backend that deletes for good (GitLab: no lifecycle stage, no restore), the object as it was before the
 * delete, to answer with (a read after it would be a false NOT_FOUND); undefined where deletes are soft (the
 * fresh read afterwards shows lifecycleStage DELETED).
 */
async function deletedBeforeHand<T>(
  context: RequestContext,
  load: () => Promise<T | null | undefined>,
): Promise<T | undefined> {
  if (context.services.profile.capabilities.deletedObjects) return undefined;
  const found = await load();
  if (!found) throw new NotFoundError('The object to delete does not exist');
  return found;
}

/** What a hard delete makes stale: the object, its lookups and every search that listed it. */
async function forget(context: RequestContext, kind: 'experiment' | 'run', id: string, name?: string): Promise<void> {
  const cache = context.cache;
  const loaders = context.loaders.get(trackingLoaders);
  if (kind === 'run') {
    await Promise.all([cache.invalidate(cachePolicy.run.namespace, [id]), cache.bump('runs')]);
    loaders.runById.clear(id);
    return;
  }
  await Promise.all([
    cache.invalidate(cachePolicy.experiment.namespace, [id]),
    cache.bump('experiments', 'runs'),
    ...(name ? [cache.invalidate(cachePolicy.experimentByName.namespace, [name])] : []),
  ]);
  loaders.experimentById.clear(id);
  if (name) loaders.experimentByName.clear(name);
}

function wireMetric(metric: MetricInput): WireMetric & { timestamp: number } {
  return {
    key: metric.key,
    value: metric.value,
    timestamp: metric.timestamp ?? Date.now(),
    step: metric.step ?? 0,
    // MLflow 3 (refused with UNSUPPORTED_BY_BACKEND before the call where the server has no logged models).
    ...(metric.modelId ? { model_id: metric.modelId } : {}),
    ...(metric.datasetName ? { dataset_name: metric.datasetName } : {}),
    ...(metric.datasetDigest ? { dataset_digest: metric.datasetDigest } : {}),
  };
}

/**
 * Metrics logged for logged models change those models too: the caller needs CAN_EDIT on each model's experiment
 * (a model may sit in another experiment than the run), checked before anything is written. Answers the model ids.
 */
async function requireModelsEditable(context: RequestContext, metrics: readonly MetricInput[]): Promise<string[]> {
  const ids = [...new Set(metrics.flatMap((m) => (m.modelId ? [m.modelId] : [])))];
  if (ids.length === 0) return ids;
  await context.clients.mlflow.requireFeature('loggedModels', 'logMetric');
  const models = await context.loaders.get(trackingLoaders).loggedModelById.loadMany(ids);
  for (const [index, model] of models.entries()) {
    if (model instanceof Error) throw model;
    if (!model) throw new NotFoundError(`Logged model ${ids[index] ?? ''} does not exist`);
    await context.authorizer.require({ kind: 'experiment', id: model.info.experiment_id }, 'CAN_EDIT');
  }
  return ids;
}

/** After metrics for logged models landed: the models' metrics changed. */
async function forgetModelMetrics(context: RequestContext, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await Promise.all([
    context.cache.invalidate(cachePolicy.loggedModel.namespace, ids),
    context.cache.bump('loggedModels'),
  ]);
  for (const id of ids) context.loaders.get(trackingLoaders).loggedModelById.clear(id);
}

/** Every MLflow tracking write. */
export const Mutation: MutationResolvers = {
  async createExperiment(_, { input }, context) {
    // The creator now manages it (basic-auth and Databricks grant that): their next write must not wait out a cached level.
    const { experiment_id } = await createAsCaller(
      context.authorizer,
      'experiment',
      () =>
        context.clients.mlflow.call('createExperiment', {
          name: input.name,
          ...(input.artifactLocation ? { artifact_location: input.artifactLocation } : {}),
          ...wireTags(input.tags),
        }),
      (created) => ({ kind: 'experiment', id: created.experiment_id }),
    );
    return freshExperiment(context, experiment_id);
  },
  async updateExperiment(_, { id, name }, context) {
    const previousName = await currentName(context, id);
    await context.clients.mlflow.call('updateExperiment', { experiment_id: id, new_name: name });
    return freshExperiment(context, id, previousName);
  },
  async deleteExperiment(_, { id }, context) {
    const before = await deletedBeforeHand(context, () => context.loaders.get(trackingLoaders).experimentById.load(id));
    await context.clients.mlflow.call('deleteExperiment', { experiment_id: id });
    if (!before) return freshExperiment(context, id);
    await forget(context, 'experiment', id, before.name);
    return { ...before, lifecycle_stage: 'deleted' };
  },
  async restoreExperiment(_, { id }, context) {
    await context.clients.mlflow.call('restoreExperiment', { experiment_id: id });
    return freshExperiment(context, id);
  },
  async setExperimentTag(_, { experimentId, tag }, context) {
    await context.clients.mlflow.call('setExperimentTag', {
      experiment_id: experimentId,
      key: tag.key,
      value: tag.value,
    });
    return freshExperiment(context, experimentId);
  },
  async deleteExperimentTag(_, { experimentId, key }, context) {
    await context.clients.mlflow.call('deleteExperimentTag', { experiment_id: experimentId, key });
    return freshExperiment(context, experimentId);
  },
  async createRun(_, { input }, context) {
    const { run } = await context.clients.mlflow.call('createRun', {
      experiment_id: input.experimentId,
      start_time: input.startTime ?? Date.now(),
      ...(input.name ? { run_name: input.name } : {}),
      ...wireTags(input.tags),
    });
    await context.cache.bump('runs');
    context.loaders.get(trackingLoaders).runById.clear(run.info.run_id).prime(run.info.run_id, run);
    return run;
  },
  async updateRun(_, { id, input }, context) {
    // MLflow's client ends a run with end_time = now when none is given (MlflowClient.set_terminated); the
    // server does not, so a run marked FINISHED here would otherwise never end.
    const endTime = input.endTime ?? (input.status && TERMINAL_STATUSES.has(input.status) ? Date.now() : undefined);
    await context.clients.mlflow.call('updateRun', {
      run_id: id,
      ...(input.status ? { status: input.status } : {}),
      ...(endTime !== undefined ? { end_time: endTime } : {}),
      // A name the backend cannot apply is refused before the call (unsupportedCall), never dropped.
      ...(input.name ? { run_name: input.name } : {}),
    });
    return freshRun(context, id);
  },
  async deleteRun(_, { id }, context) {
    const before = await deletedBeforeHand(context, () => context.loaders.get(trackingLoaders).runById.load(id));
    await context.clients.mlflow.call('deleteRun', { run_id: id });
    if (!before) return freshRun(context, id);
    await forget(context, 'run', id);
    return { ...before, info: { ...before.info, lifecycle_stage: 'deleted' } };
  },
  async restoreRun(_, { id }, context) {
    await context.clients.mlflow.call('restoreRun', { run_id: id });
    return freshRun(context, id);
  },
  async setRunTag(_, { runId, tag }, context) {
    await context.clients.mlflow.call('setRunTag', { run_id: runId, key: tag.key, value: tag.value });
    return freshRun(context, runId);
  },
  async deleteRunTag(_, { runId, key }, context) {
    await context.clients.mlflow.call('deleteRunTag', { run_id: runId, key });
    return freshRun(context, runId);
  },
  async logMetric(_, { runId, metric }, context) {
    const models = await requireModelsEditable(context, [metric]);
    const { step, ...rest } = wireMetric(metric);
    await context.clients.mlflow.call('logMetric', { run_id: runId, ...rest, step: Number(step) });
    context.loaders.get(trackingLoaders).metricHistory.clearAll();
    await forgetModelMetrics(context, models);
    return freshRun(context, runId);
  },
  async logParam(_, { runId, param }, context) {
    await context.clients.mlflow.call('logParam', { run_id: runId, key: param.key, value: param.value });
    return freshRun(context, runId);
  },
  async logBatch(_, { runId, metrics, params, tags }, context) {
    const models = await requireModelsEditable(context, metrics ?? []);
    // Split as MLflow's client splits a batch (upstream/mlflow/logBatchChunks.ts), sent one after another and
    // never retried; a failed call stops the rest, and the error says which calls landed.
    const chunks = logBatchChunks(
      (metrics ?? []).map(wireMetric),
      (params ?? []).map((p) => ({ key: p.key, value: p.value })),
      (tags ?? []).map((t) => ({ key: t.key, value: t.value })),
    );
    const sent = { metrics: 0, params: 0, tags: 0 };
    try {
      for (const [index, part] of chunks.entries()) {
        try {
          await context.clients.mlflow.call('logBatch', { run_id: runId, ...part });
        } catch (error) {
          if (chunks.length === 1) throw error;
          throw partialWriteError(error, {
            what: `logBatch of run ${runId}`,
            landed: index,
            total: chunks.length,
            landedDetail: `${sent.metrics} metrics, ${sent.params} params, ${sent.tags} tags`,
          });
        }
        sent.metrics += part.metrics.length;
        sent.params += part.params.length;
        sent.tags += part.tags.length;
      }
    } finally {
      // What landed is visible to the next read, also when a later call failed.
      context.loaders.get(trackingLoaders).metricHistory.clearAll();
      await forgetModelMetrics(context, models);
      if (chunks.length > 1)
        await Promise.all([context.cache.invalidate(cachePolicy.run.namespace, [runId]), context.cache.bump('runs')]);
    }
    return freshRun(context, runId);
  },
  ...loggedModelMutations,
  ...evaluationDatasetMutations,
  ...traceMutations,
};
