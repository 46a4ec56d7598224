import { cachePolicy } from '../../../cache/cachePolicy.js';
import type { RequestContext } from '../../../context/RequestContext.js';
import { partialWriteError } from '../../../errors/partialWriteError.js';
import { NotFoundError } from '../../../errors/SupergraphError.js';
import { MAX_PARAMS_TAGS_PER_BATCH } from '../../../upstream/mlflow/logBatchChunks.js';
import type { WireLoggedModel, WireParam } from '../../../upstream/mlflow/wire.js';
import { wireTags } from '../../wireTags.js';
import { chunk } from '../../../graphql/fanOut.js';
import { trackingLoaders } from '../loaders/createTrackingLoaders.js';
import type { MutationResolvers } from '../resolvers.generated.js';
import { wireLoggedModelStatus } from '../toModels.js';

// MLflow 3 logged-model writes. Each is sent once (callRest never retries a write); what it changed is dropped from
// the shared cache and the request's memo, so the answer, and the next request, show the write.

/** Drops what a write to logged models made stale: the models by id and every logged-model search. */
async function forgetModels(context: RequestContext, ids: readonly string[]): Promise<void> {
  const loaders = context.loaders.get(trackingLoaders);
  await Promise.all([
    context.cache.invalidate(cachePolicy.loggedModel.namespace, ids),
    context.cache.bump('loggedModels'),
  ]);
  for (const id of ids) loaders.loggedModelById.clear(id);
}

/** The model read fresh after a write whose answer does not carry it. */
async function freshModel(context: RequestContext, id: string): Promise<WireLoggedModel> {
  await forgetModels(context, [id]);
  const model = await context.loaders.get(trackingLoaders).loggedModelById.load(id);
  if (!model) throw new NotFoundError(`Logged model ${id} does not exist`);
  return model;
}

/** A write's answer that carries the model: it is the fresh state. */
async function answered(context: RequestContext, model: WireLoggedModel): Promise<WireLoggedModel> {
  await forgetModels(context, [model.info.model_id]);
  context.loaders.get(trackingLoaders).primeLoggedModels([model]);
  return model;
}

/**
 * Requires CAN_EDIT on the experiment of run `runId` (the run a new model is logged as the output of, which may
 * be in another experiment than the model): refused before anything is written.
 */
async function requireRunEditable(context: RequestContext, runId: string): Promise<void> {
  const run = await context.loaders.get(trackingLoaders).runById.load(runId);
  if (!run) throw new NotFoundError(`Run ${runId} does not exist`);
  await context.authorizer.require({ kind: 'experiment', id: run.info.experiment_id }, 'CAN_EDIT');
}

/** Writes of MLflow 3's logged models. */
export const loggedModelMutations: Pick<
  MutationResolvers,
  | 'createLoggedModel'
  | 'finalizeLoggedModel'
  | 'setLoggedModelTags'
  | 'deleteLoggedModelTag'
  | 'logLoggedModelParams'
  | 'deleteLoggedModel'
> = {
  async createLoggedModel(_, { input }, context) {
    const mlflow = context.clients.mlflow;
    await mlflow.requireFeature('loggedModels', 'createLoggedModel');
    const runId = input.sourceRunId ?? undefined;
    if (runId) await requireRunEditable(context, runId);
    const { model } = await mlflow.call('createLoggedModel', {
      experiment_id: input.experimentId,
      ...(input.name ? { name: input.name } : {}),
      ...(input.modelType ? { model_type: input.modelType } : {}),
      ...(runId ? { source_run_id: runId } : {}),
      ...(input.params?.length ? { params: input.params.map((p) => ({ key: p.key, value: p.value })) } : {}),
      ...wireTags(input.tags),
    });
    await answered(context, model);
    if (!runId) return model;
    // As MLflow's client logs a model (log_model): the new model is also the run's output, so Run.loggedModels
    // lists it. The server does not link it by source_run_id alone (corpus 3.11.1 seq 83 links it explicitly).
    try {
      await mlflow.call('logOutputs', {
        run_id: runId,
        models: [{ model_id: model.info.model_id, step: input.step ?? 0 }],
      });
    } catch (error) {
      throw partialWriteError(error, {
        what: `createLoggedModel: logged model ${model.info.model_id} was created; logging it as an output of run ${runId}`,
        landed: 1,
        total: 2,
        landedDetail: `the model ${model.info.model_id}`,
      });
    } finally {
      await Promise.all([context.cache.invalidate(cachePolicy.run.namespace, [runId]), context.cache.bump('runs')]);
      context.loaders.get(trackingLoaders).runById.clear(runId);
    }
    return model;
  },

  async finalizeLoggedModel(_, { id, status }, context) {
    // The schema's enum holds only READY and UPLOAD_FAILED: anything else never reaches MLflow, which would store
    // it as LOGGED_MODEL_STATUS_UNSPECIFIED and answer 200 (corpus 3.11.1 seq 62).
    const { model } = await context.clients.mlflow.call('finalizeLoggedModel', {
      model_id: id,
      status: wireLoggedModelStatus(status),
    });
    return answered(context, model);
  },

  async setLoggedModelTags(_, { id, tags }, context) {
    await context.clients.mlflow.call('setLoggedModelTags', {
      model_id: id,
      tags: tags.map((t) => ({ key: t.key, value: t.value })),
    });
    return freshModel(context, id);
  },

  async deleteLoggedModelTag(_, { id, key }, context) {
    await context.clients.mlflow.call('deleteLoggedModelTag', { model_id: id, tag_key: key });
    return freshModel(context, id);
  },

  async logLoggedModelParams(_, { id, params }, context) {
    // Sent 100 at a time (MLflow's per-call limit for params elsewhere), one call after another, never retried.
    const chunks: WireParam[][] = chunk(
      params.map((p) => ({ key: p.key, value: p.value })),
      MAX_PARAMS_TAGS_PER_BATCH,
    );
    for (const [index, part] of chunks.entries()) {
      try {
        await context.clients.mlflow.call('logLoggedModelParams', { model_id: id, params: part });
      } catch (error) {
        if (chunks.length === 1) throw error;
        await forgetModels(context, [id]);
        throw partialWriteError(error, {
          what: `logLoggedModelParams of ${id}`,
          landed: index,
          total: chunks.length,
          landedDetail: `${index * MAX_PARAMS_TAGS_PER_BATCH} params`,
        });
      }
    }
    return freshModel(context, id);
  },

  async deleteLoggedModel(_, { id }, context) {
    // Read before (the authorization check already did, so this is the memo): a deleted model cannot be read.
    const before = await context.loaders.get(trackingLoaders).loggedModelById.load(id);
    if (!before) throw new NotFoundError(`Logged model ${id} does not exist`);
    await context.clients.mlflow.call('deleteLoggedModel', { model_id: id });
    await forgetModels(context, [id]);
    return before;
  },
};
